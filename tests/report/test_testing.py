"""A replay compared with its scenario's expectations: what the replay reaches passes, and a number
changed fails that expectation alone, at its line."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.crisis import replay_scenario
from engine.files.scenarios import parse_scenario
from engine.report.testing import check, outcomes_data, outcomes_text
from engine.timeline.replay import Timeline
from tests.helpers import scenario_text

SCENARIOS = Path(__file__).resolve().parent.parent.parent / "scenarios"
LIBRARY = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
_STATE_NUMBERS = ("failed_votes", "mandates", "sittings", "seats_total", "complaints_pending", "vacant")


@cache
def _bare(name: str) -> tuple[str, Timeline]:
    """A bundled scenario's text without its own 'expect:' section, and its replay."""
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    text = text[:text.index("\nexpect:")] + "\n" if "\nexpect:" in text else text
    return text, replay_scenario(parse_scenario(text, f"{name}.yaml"))


def _numbers_of(timeline: Timeline) -> list[tuple[str, str, int]]:
    """Every (event id, YAML line of one expectation, its number) a replay offers, one number a line: the
    counted and required numbers of findings that their rule, code and reading pick alone, and the whole
    numbers of the state after each recorded event."""
    out = []
    for step in timeline.steps:
        if step.derived:
            continue
        keys = [(f.rule, f.code, f.interpretation) for f in step.findings]
        for f in step.findings:
            if f.rule is None or keys.count((f.rule, f.code, f.interpretation)) > 1:
                continue
            reading = f", reading: {f.interpretation}" if f.interpretation else ""
            for name in ("count", "required"):
                value = getattr(f, name)
                if value is not None:
                    out.append((step.event.id, f"findings: [{{rule: {f.rule}, code: {f.code}{reading}, "
                                                f"{name}: NUMBER}}]", value))
        for name in _STATE_NUMBERS:
            out.append((step.event.id, f"state: {{{name}: NUMBER}}", getattr(step.state, name)
                        if name != "seats_total" else step.state.seats_total))
    return out


def _expect_text(chosen: list[tuple[str, str, int]], perturbed: int | None = None, by: int = 0) -> tuple[str, list[int]]:
    """An 'expect:' section, one event a line, and the line of each in it."""
    lines = ["expect:"]
    for i, (event, form, value) in enumerate(chosen):
        number = str(value + (by if i == perturbed else 0))
        lines.append(f"  {json.dumps(event)}: {{{form.replace('NUMBER', number)}}}")
    return "\n".join(lines) + "\n", list(range(2, len(lines) + 1))


@settings(max_examples=25)
@given(data=st.data(), name=st.sampled_from(LIBRARY))
def test_expectations_read_from_a_replay_pass_and_one_changed_number_fails_at_its_line(
        data: st.DataObject, name: str) -> None:
    """Expectations written from a scenario's own replay all pass; adding a non-zero amount to any one of their
    numbers makes exactly that expectation fail, naming its line and what the engine found."""
    text, timeline = _bare(name)
    offered = _numbers_of(timeline)
    picked = data.draw(st.lists(st.sampled_from(range(len(offered))), min_size=1, max_size=6, unique=True))
    chosen = []
    seen = set()
    for i in picked:  # one expectation an event: a mapping key appears once
        if offered[i][0] not in seen:
            seen.add(offered[i][0])
            chosen.append(offered[i])
    section, lines = _expect_text(chosen)
    first = len(text.splitlines())
    scenario = parse_scenario(text + section, f"{name}.yaml")
    outcomes = check(timeline, scenario.expect)
    assert outcomes and all(o.passed for o in outcomes), outcomes_text(outcomes, failures_only=True)

    perturbed = data.draw(st.sampled_from(range(len(chosen))))
    by = data.draw(st.integers(-1000, 1000).filter(bool))
    section, lines = _expect_text(chosen, perturbed, by)
    scenario = parse_scenario(text + section, f"{name}.yaml")
    failed = [o for o in check(timeline, scenario.expect) if not o.passed]
    assert len(failed) == 1
    (fail,) = failed
    assert fail.expectation.line == first + lines[perturbed]
    assert fail.found == chosen[perturbed][2]
    assert f"{name}.yaml:{first + lines[perturbed]}: " in outcomes_text(failed)[0]


TWO_READINGS = """\
  - type: parliament_convened
    id: opening
    at: 2013-09-23
    sitting: opening
    present_by_party: {CPP: 68}
    source: s
expect:
  opening:
    findings:
      - {rule: opening-quorum, count: 68}
      - {rule: opening-quorum, verdict: ok}
      - {rule: opening-quorum, reading: opposition-120-to-open, verdict: violation, required: 120}
      - {rule: no-such-rule}
      - {verdict: violation, absent: true}
    state:
      opened_lawfully: {cpp-majority-suffices: true, opposition-120-to-open: false}
      impasse: none
  2013-09-01:
    state: {phase: polls closed}
  2013-07-01:
    state: {phase: polls closed}
  end:
    derived: []
    history: {phase: [polls closed, official results, assembly convened]}
"""


class TestCompare:
    def _outcomes(self) -> list[tuple[bool, int | None, object]]:
        scenario = parse_scenario(scenario_text(TWO_READINGS), "t.yaml")
        return [(o.passed, o.expectation.line, o.found) for o in check(replay_scenario(scenario), scenario.expect)]

    def test_under_every_reading_or_one(self) -> None:
        """Without a reading, every reading's finding must agree; one that differs shows each reading's value."""
        assert self._outcomes() == [
            (True, 29, ["opening-quorum quorum.none_required under cpp-majority-suffices",
                        "opening-quorum quorum.below under opposition-120-to-open"]),
            (True, 29, 68),
            (True, 30, ["opening-quorum quorum.none_required under cpp-majority-suffices",
                        "opening-quorum quorum.below under opposition-120-to-open"]),
            (False, 30, {"cpp-majority-suffices": "ok", "opposition-120-to-open": "violation"}),
            (True, 31, ["opening-quorum quorum.below under opposition-120-to-open"]),
            (True, 31, "violation"),
            (True, 31, 120),
            (False, 32, "no such finding (here: opening-convened-by-king convocation.not_recorded, opening-quorum "
                        "quorum.none_required under cpp-majority-suffices, opening-quorum quorum.below under "
                        "opposition-120-to-open, first-session-deadline deadline.met)"),
            (False, 33, ["opening-quorum quorum.below under opposition-120-to-open"]),
            (True, 35, True),
            (True, 35, False),
            (True, 36, "none"),
            (True, 38, "polls closed"),
            (False, 40, "nothing has happened by 2013-07-01"),
            (True, 42, 0),
            (True, 43, ["polls closed", "official results", "assembly convened"]),
        ]

    def test_the_engine_words_the_findings_compared(self) -> None:
        """A failing finding carries the engine's own sentence for it; the text names file and line."""
        scenario = parse_scenario(scenario_text(TWO_READINGS), "t.yaml")
        failed = outcomes_text(check(replay_scenario(scenario), scenario.expect), failures_only=True)
        assert failed[0].startswith("FAIL t.yaml:30: opening: opening-quorum verdict ok; found "
                                    "{cpp-majority-suffices: ok, opposition-120-to-open: violation} (opening sitting: "
                                    "no quorum required")
        assert len(failed) == 4

    def test_json_outcomes_are_plain(self) -> None:
        """The JSON form names file, line, field, expected and found for each outcome."""
        scenario = parse_scenario(scenario_text(TWO_READINGS), "t.yaml")
        data = outcomes_data(check(replay_scenario(scenario), scenario.expect))
        assert {"passed", "file", "line", "field", "expected", "found", "message"} <= set(data[0])
        assert json.loads(json.dumps(data)) == data

