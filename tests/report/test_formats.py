"""The output formats read the view model only."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report import jsondata, markdown, text
from engine.report.view import (
    DeadlineView,
    FindingView,
    LawfulnessView,
    ReadingView,
    ScenarioView,
    StateView,
    StepView,
    TimelineView,
    timeline_view,
)

REPORT = Path(text.__file__).parent
KH2013 = load_scenario("scenarios/cambodia-2013.yaml")
KH1998 = load_scenario("scenarios/cambodia-1998.yaml")

STATE = StateView(as_of=None, phase="official results", impasse="boycott", impasse_reasons=("CNRP boycotts",),
                  body_size=123, seats=(("CNRP", 55), ("CPP", 68)), seated=(), rejecting=("CNRP",),
                  complaints_pending=0, avenues_exhausted=True, boycotts=(("CNRP", "parliament"),), government=None,
                  deadlines=(DeadlineView(rule="first-session", title="first session", article="82",
                                          start=date(2013, 7, 28), due=date(2013, 9, 26), days_left=None),),
                  missed=(), overdue=(), upcoming=(),
                  readings=(LawfulnessView(reading=ReadingView(id=None, name="the pack's own reading"),
                                           opened_lawfully=None, government_lawful=False),))


def _finding(verdict: str, reading: str | None = None, rule: str | None = "opening-quorum") -> FindingView:
    return FindingView(verdict=verdict, text=f"{verdict} text", rule=rule, article="76", reading=reading,
                       reading_name=None if reading is None else f"the {reading} reading", required=120, count=68,
                       reason=None)


def _timeline(readings: tuple[str | None, ...], findings: tuple[FindingView, ...]) -> TimelineView:
    step = StepView(at=date(2013, 9, 23), time=None, id="opening", event={"type": "parliament_convened"},
                    summary="opening | sitting", line=7, phase="assembly convened", impasse="deadlock",
                    impasse_reasons=(), derived=False, findings=findings, deadlines=())
    return TimelineView(scenario=ScenarioView(id="t", title="T", country="C", constitution="kh", body="b",
                                              path="t.yaml", sources=(), notes=()),
                        readings=tuple(ReadingView(id=r, name=f"the {r} reading") for r in readings),
                        steps=(step,), final=STATE)


@pytest.mark.parametrize("module", ["text", "markdown", "jsondata"])
def test_a_format_reads_the_view_model_only(module: str) -> None:
    """The format modules import nothing of the engine but the view model (and markdown, text's helpers and the
    ensemble's line on the recorded fallback, which reads the same JSON data and imports nothing; jsondata,
    the JSON writer)."""
    tree = ast.parse((REPORT / f"{module}.py").read_text())
    named = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    named |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in named if m.startswith("engine")} <= {"engine.report.view", "engine.report.text", "engine.report.jsontext",
                                                           "engine.report.ensemble"}


def test_the_json_names_the_pack_reading_by_name_only() -> None:
    """A scenario naming no reading is judged under the pack's own: one entry, id null, a name and nothing more."""
    data = jsondata.timeline_data(timeline_view(KH1998, replay_scenario(KH1998)))
    assert data["interpretations"] == [{"id": None, "name": "the pack's own reading"}]


def _documented_keys(heading: str) -> list[str]:
    """The keys in the first table under ``heading`` in docs/replay-format.md, in order."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "replay-format.md").read_text()
    section = doc.split(heading + "\n", 1)[1]
    lines = section[section.index("| key |"):].splitlines()
    keys = []
    for row in lines[2:]:
        if not row.startswith("|"):
            break
        keys += re.findall(r"`([a-z_]+)`", row.split("|")[1])
    return keys


def test_the_json_keys_are_those_documented() -> None:
    """Steps, findings and deadlines have the keys of docs/replay-format.md, in its order."""
    data = jsondata.timeline_data(timeline_view(KH2013, replay_scenario(KH2013)))
    assert list(data) == ["scenario", "interpretations", "steps", "final"]
    step = next(s for s in data["steps"] if s["findings"] and s["deadlines"])
    assert list(step) == _documented_keys("## A step")
    assert list(step["findings"][0]) == _documented_keys("## A finding")
    assert list(step["deadlines"][0]) == ["rule", "title", "article", "start", "due", "days_left"]
    assert '"at": "2013-' in jsondata.dumps(step)


def test_the_table_has_one_column_per_reading() -> None:
    """Several readings: an all-readings column and one per reading; the pack's own alone: one findings column."""
    findings = (_finding("violation", "a"), _finding("ok"))
    three = text.timeline_table(_timeline(("a", "b-c", None), findings), color=False)
    assert [c.header for c in three.columns] == ["date", "event", "phase", "impasse", "all readings", "a", "b c",
                                                 "pack"]
    assert list(three.columns[5].cells) == ["VIOLATION 68/120"]
    assert list(three.columns[4].cells) == list(three.columns[7].cells) == ["OK 68/120 opening-quorum"]
    alone = text.timeline_table(_timeline((None,), (_finding("warning"), _finding("info"))), color=True)
    assert [c.header for c in alone.columns] == ["date", "event", "phase", "impasse", "pack"]
    assert list(alone.columns[4].cells) == ["[yellow]WARNING 68/120 opening-quorum[/]"]
    assert list(alone.columns[3].cells) == ["[bold red]deadlock[/]"]


def test_a_state_without_a_date_counts_no_days() -> None:
    """The closing summary and the state text read a hand-built view, undecided questions as n/a."""
    assert text.final_text(STATE).split("\n") == [
        "As of -: phase official results; impasse boycott (CNRP boycotts)",
        "  the pack's own reading: assembly lawfully constituted: n/a; government lawfully installed: NO",
        "",
    ]
    assert "Boycotts: CNRP of parliament" in text.state_text(STATE).splitlines()
    assert "legal avenues exhausted: yes" in text.state_text(STATE)


def test_markdown_keeps_its_table_intact() -> None:
    """A '|' in an event's summary would split a Markdown cell: it is written '/'."""
    doc = markdown.timeline_markdown(_timeline(("a",), (_finding("violation", "a"),)))
    assert "| 2013-09-23 | opening / sitting | assembly convened | deadlock | VIOLATION 68/120 opening-quorum |" in doc
    assert "- **2013-09-23** VIOLATION *(the a reading)*: violation text" in doc
