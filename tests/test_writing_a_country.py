"""docs/writing-a-country.md stays true: its table names every event type and rule kind the engine has,
and the README links it (its console blocks are run with every page's, by tests/test_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.rules.constitution import RuleKind
from engine.timeline.events import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "writing-a-country.md").read_text(encoding="utf-8")
#: the rows of the table "Which event type, which rule kind"
TABLE = PAGE.split("## Which event type, which rule kind", 1)[1].split("\n## ", 1)[0]


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

