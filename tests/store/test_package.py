"""engine.store, the package: the few names a user needs, each the object of its home module."""

from __future__ import annotations

import subprocess
import sys

import pytest

import engine.store


def test_names_come_from_their_homes() -> None:
    """``from engine.store import open_store, EventStore, SCHEMAS`` gives the home modules' objects."""
    from engine.store import SCHEMAS, EventStore, open_store
    from engine.store.interface import EventStore as home_store
    from engine.store.opening import open_store as home_open
    from engine.store.records import SCHEMAS as home_schemas

    assert (open_store, EventStore, SCHEMAS) == (home_open, home_store, home_schemas)
    assert set(engine.store.__all__) <= set(dir(engine.store))
    with pytest.raises(AttributeError, match="no attribute 'base'"):
        engine.store.base  # noqa: B018  # the old module is gone, not shimmed


def test_the_store_loads_no_pack_or_yaml() -> None:
    """Opening and reading a store loads neither the files layer nor YAML: packs are the seam's to check."""
    code = ("import sys, engine.store.opening, engine.store.interface; "
            "print(sorted(m for m in sys.modules if m.startswith(('engine.files', 'yaml', 'engine.crisis'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
