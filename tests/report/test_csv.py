"""The findings as CSV: one row per finding, quoted by the csv module, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report.csvdata import COLUMNS, findings_csv
from engine.report.view import FindingView, ReadingView, ScenarioView, StepView, TimelineView, timeline_view
from tests.report.test_formats import STATE

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_finding_with_the_documented_columns() -> None:
    view = timeline_view(KH2013, replay_scenario(KH2013))
    text = findings_csv(view)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = _rows(text)
    assert len(rows) == sum(len(s.findings) for s in view.steps)
    row = next(r for r in rows if r["event"] == "opening-sitting" and r["code"] == "quorum.below"
               and r["required"] == "82")
    assert (row["date"], row["verdict"], row["rule"], row["counted"], row["unit"]) == \
        ("2013-09-23", "violation", "opening-quorum", "68", "members")
    assert row["reading"] == "the two-thirds reading"
    assert row["sources"] and row["event_sources"].startswith("https://")


def _view(text: str, event_id: str) -> TimelineView:
    f = FindingView(verdict="ok", text=text, rule="r", article="76", reading=None, reading_name=None, required=None,
                    count=None, reason=None, code="quorum.met", sources=("a, b", 'say "c"'))
    step = StepView(at=date(2013, 9, 23), time=None, id=event_id, event={"type": "x", "source": ["s1", "s2"]},
                    summary="s", line=1, phase="p", impasse="none", impasse_reasons=(), derived=False,
                    findings=(f,), deadlines=())
    return TimelineView(scenario=ScenarioView(id="t", title="T", country="C", constitution="kh", body="b",
                                              path="t.yaml", sources=(), notes=()),
                        readings=(ReadingView(id=None, name="the pack's own reading"),), steps=(step,), final=STATE)


def test_commas_quotes_and_line_breaks_survive_a_round_trip() -> None:
    (row,) = _rows(findings_csv(_view('a "quoted", multi\nline message', "e1")))
    assert row["message"] == 'a "quoted", multi\nline message'
    assert row["sources"] == 'a, b | say "c"' and row["event_sources"] == "s1 | s2"
    assert row["reading"] == "" and row["counted"] == "" and row["required"] == ""


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    (row,) = _rows(findings_csv(_view("=HYPERLINK(1)", "@evil")))
    assert row["message"] == "'=HYPERLINK(1)" and row["event"] == "'@evil"


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1), st.text(min_size=1, max_size=30))
def test_any_text_comes_back_as_written(message: str, event_id: str) -> None:
    """Whatever a scenario's texts hold, reading the CSV back gives them, a would-be formula behind a quote."""
    (row,) = _rows(findings_csv(_view(message, event_id)))
    for got, written in ((row["message"], message), (row["event"], event_id)):
        assert got == ("'" + written if written.startswith(("=", "+", "-", "@", "\t", "\r")) else written)
