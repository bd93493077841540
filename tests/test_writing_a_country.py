"""docs/writing-a-country.md stays true: its table names every event type and rule kind the engine has,
its console blocks print what the page shows, and the README links it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.rules.constitution import RuleKind
from engine.timeline.events import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "writing-a-country.md").read_text(encoding="utf-8")
#: the rows of the table "Which event type, which rule kind"
TABLE = PAGE.split("## Which event type, which rule kind", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```console\n(.*?)```", PAGE, flags=re.S)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_the_table_names_every_event_type(name: str) -> None:
    """Each registered event type (the derived deadline_expired too) has its row in the table."""
    rows = [row for row in TABLE.splitlines() if row.startswith("|")]
    assert any(f"`{name}`" in row for row in rows), f"no row names {name}"


@pytest.mark.parametrize("kind", [k.value for k in RuleKind])
def test_the_table_names_every_rule_kind(kind: str) -> None:
    """Each rule kind appears in the table's pack column."""
    pack_column = [row.split("|")[3] for row in TABLE.splitlines() if row.startswith("|") and row.count("|") >= 4]
    assert any(f"`{kind}`" in cell for cell in pack_column)


def test_the_readme_links_it() -> None:
    assert "docs/writing-a-country.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_console_blocks_print_what_the_page_shows(tmp_path: Path) -> None:
    """Every command of every console block, run in order from a scratch folder where scenarios/ and docs/
    are reachable, exits 0 and prints exactly the lines below it."""
    assert len(BLOCKS) >= 3
    for folder in ("scenarios", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for block in BLOCKS:
        for command, expected in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", block, flags=re.M):
            assert command.startswith("impasse ")
            argv = [sys.executable, "-m", "engine", *command.split()[1:]]
            result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
            assert result.returncode == 0, (command, result.stderr)
            assert result.stdout == expected, command
