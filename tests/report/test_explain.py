"""The explanation trace of one event: every finding down to the sources of the rule and of the event."""

from __future__ import annotations

import json

import pytest

from engine.crisis import replay_scenario
from engine.errors import UnknownNameError
from engine.files.scenarios import load_scenario
from engine.report.explain import trace_data, trace_event, trace_text
from engine.report.jsontext import dumps
from engine.report.view import timeline_view

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")
TIMELINE = replay_scenario(KH2013)
VIEW = timeline_view(KH2013, TIMELINE)


def test_the_opening_sitting_is_explained_finding_by_finding() -> None:
    """One trace with every finding of the sitting, each with its explanation: the two-thirds reading's arithmetic."""
    (trace,) = trace_event(VIEW, "opening-sitting", TIMELINE.law)
    opening = next(s for s in VIEW.steps if s.id == "opening-sitting")
    assert [f for f, _ in trace.findings] == list(opening.findings)
    assert trace.sources and trace.line == opening.line
    two_thirds = next(e for f, e in trace.findings if f.reading == "two-thirds-valid-meeting" and f.rule)
    assert two_thirds.arithmetic == ("2/3 × 123 (all members) = 82 → at least 82",)
    assert two_thirds.rule_sources


def test_the_text_numbers_every_source_once() -> None:
    """Event sources come first as [1], [2]; every number cited is listed under References."""
    out = trace_text(trace_event(VIEW, "opening-sitting", TIMELINE.law), width=100)
    assert "  sources of the event: [1] [2]" in out
    assert "  arithmetic   2/3 × 123 (all members) = 82 → at least 82" in out
    refs = out.split("References:\n", 1)[1].splitlines()
    assert [r.split()[0] for r in refs] == [f"[{n}]" for n in range(1, len(refs) + 1)]
    assert all(r.split()[1].startswith("http") for r in refs)


def test_the_text_wraps_with_a_hanging_indent() -> None:
    """No line passes the width unless it is one unbreakable word (a URL)."""
    out = trace_text(trace_event(VIEW, "opening-sitting", TIMELINE.law), width=80)
    assert all(len(line) <= 80 or " " not in line.strip().split("] ", 1)[-1] for line in out.splitlines())
    assert "\n               " in out  # a value's continuation lines start under the value


def test_the_json_carries_each_explanation() -> None:
    data = json.loads(dumps(trace_data(trace_event(VIEW, "opening-sitting", TIMELINE.law))))
    (step,) = data
    assert step["event"] == "opening-sitting" and step["at"] == "2013-09-23" and step["sources"]
    below = [f for f in step["findings"] if f["code"] == "quorum.below"]
    assert {f["interpretation"] for f in below} == {"opposition-120-to-open", "two-thirds-valid-meeting"}
    e = below[0]["explanation"]
    assert (e["rule"], e["count"], e["required"], e["unit"]) == ("opening-quorum", 68, 120, "members")
    assert e["event_sources"] == step["sources"] and e["rule_sources"]


def test_an_event_without_findings_says_so() -> None:
    out = trace_text(trace_event(VIEW, "poll", TIMELINE.law))
    assert "no findings" in out


def test_an_unknown_event_suggests_the_closest_id() -> None:
    with pytest.raises(UnknownNameError, match=r"no event 'opening-siting'\. Did you mean 'opening-sitting'\?"):
        trace_event(VIEW, "opening-siting", TIMELINE.law)
