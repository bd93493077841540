"""The seam: a crisis from a file needs none of the store, and one from a store replays like its file."""

from __future__ import annotations

import subprocess
import sys


def test_replaying_a_file_loads_no_store() -> None:
    """engine.crisis loads the store only when a crisis is read from one."""
    code = ("import sys; from engine.crisis import replay_scenario; from engine.files.scenarios import load_scenario; "
            "replay_scenario(load_scenario('scenarios/cambodia-2013.yaml')); "
            "print(sorted(m for m in sys.modules if m.startswith('engine.store') or m == 'sqlite3'))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
