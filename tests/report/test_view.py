"""The view model: built once from a replay, plain frozen values, finding text from report.sentences only."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report import jsondata, markdown, sentences, text
from engine.report.view import PACK_READING, ReadingView, reading_view, state_view, timeline_view
from engine.timeline.machine import Finding, Law

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")
KH1998 = load_scenario("scenarios/cambodia-1998.yaml")


@pytest.fixture(scope="module")
def timeline():
    return replay_scenario(KH2013)


def test_the_view_follows_the_replay(timeline) -> None:
    """One step view per step, in order, with the scenario's metadata and the readings in column order."""
    view = timeline_view(KH2013, timeline)
    assert view.scenario.id == "cambodia-2013" and view.scenario.constitution == "kh"
    assert view.scenario.sources == KH2013.sources and view.scenario.notes == KH2013.notes
    assert [r.id for r in view.readings] == list(timeline.law.readings)
    expected = [(s.event.at, s.event.id, s.derived) for s in timeline.steps]
    assert [(s.at, s.id, s.derived) for s in view.steps] == expected
    assert [s.line for s in view.steps] == [KH2013.line_of(s.event) for s in timeline.steps]
    assert all(s.line is None for s in view.steps if s.derived)
    assert view.final == state_view(timeline.final, timeline.law)


def test_the_view_is_frozen_plain_values(timeline) -> None:
    """Views are frozen; their collections are tuples, the event data a read-only mapping."""
    view = timeline_view(KH2013, timeline)
    step = next(s for s in view.steps if s.findings and s.deadlines)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        step.phase = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        step.event["type"] = "x"  # type: ignore[index]
    assert isinstance(step.findings, tuple) and isinstance(step.deadlines, tuple)
    assert all(isinstance(f.verdict, str) for f in step.findings)
    assert isinstance(view.final.readings, tuple) and isinstance(view.final.boycotts, tuple)


def test_a_finding_names_its_reading(timeline) -> None:
    """Findings under a reading carry its id and name; rules no reading changes carry neither."""
    view = timeline_view(KH2013, timeline)
    names = {r.id: r.name for r in view.readings}
    findings = [f for s in view.steps for f in s.findings]
    assert {f.reading_name for f in findings if f.reading} <= set(names.values())
    assert all(f.reading_name == names[f.reading] for f in findings if f.reading)
    assert all(f.reading_name is None for f in findings if f.reading is None)


def test_the_pack_reading_has_a_name_only() -> None:
    """The pack's own reading (no interpretation named) is named, and has no holder, claim or source."""
    timeline = replay_scenario(KH1998)
    assert reading_view(timeline.law, None) == ReadingView(id=None, name=PACK_READING)
    assert [r.id for r in timeline_view(KH1998, timeline).readings] == [None]


def test_deadlines_count_days_from_the_date_seen(timeline) -> None:
    """A step's deadlines count from the event's date; a state's from its own date."""
    view = timeline_view(KH2013, timeline)
    for step in view.steps:
        assert all(d.days_left == (d.due - step.at).days for d in step.deadlines)
    state = state_view(replay_scenario(KH2013, until=date(2013, 9, 10)).final, timeline.law)
    assert state.deadlines and all(d.days_left == (d.due - date(2013, 9, 10)).days for d in state.deadlines)


def test_lawfulness_not_yet_decided_is_none() -> None:
    """Before the opening sitting no reading has a verdict on the opening or the government."""
    early = replay_scenario(KH2013, until=date(2013, 9, 10))
    view = state_view(early.final, early.law)
    assert [(r.opened_lawfully, r.government_lawful) for r in view.readings] == [(None, None)] * 3


def test_every_format_takes_a_finding_text_from_sentences(monkeypatch: pytest.MonkeyPatch, timeline) -> None:
    """The text, Markdown and JSON outputs all state a finding in the words of report.sentences.finding_text."""
    seen: list[Law] = []

    def fake(finding: Finding, law: Law) -> str:
        seen.append(law)
        return f"<<{finding.rule}:{finding.interpretation}>>"

    monkeypatch.setattr(sentences, "finding_text", fake)
    view = timeline_view(KH2013, timeline)
    assert seen and all(law is timeline.law for law in seen)
    texts = {f.text for s in view.steps for f in s.findings}
    assert texts and all(t.startswith("<<") for t in texts)
    data = jsondata.timeline_data(view)
    assert {f["message"] for s in data["steps"] for f in s["findings"]} == texts
    full = text.findings_text(view)
    doc = markdown.timeline_markdown(view)
    assert all(t in full and t in doc for t in texts)
    real = sentences.CODES["quorum.below"]
    assert all(real(f, timeline.law) not in full for f in timeline.findings if f.code == "quorum.below")


def test_a_term_that_ran_out_is_not_summarised_as_missed() -> None:
    """Spain's two months (``expiry: lapse``) end in a step that says the term ran out; a duty's
    expiry (Cambodia 2003's 60 days) still says DEADLINE MISSED."""
    es = load_scenario("scenarios/spain-2016.yaml")
    summaries = [s.summary for s in timeline_view(es, replay_scenario(es)).steps if s.id.startswith("deadline_expired")]
    assert summaries == ["TERM RAN OUT: investiture-two-months (ended 2016-05-02)"]
    kh = load_scenario("scenarios/cambodia-2003.yaml")
    assert any(s.summary.startswith("DEADLINE MISSED:") for s in timeline_view(kh, replay_scenario(kh)).steps)
