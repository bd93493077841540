"""The scenario library: every shipped scenario replays, its events are sourced, and the verdicts its
``expect:`` section states hold.

The verdicts themselves live in the scenarios (``expect:``; docs/scenarios.md, "Expected verdicts"),
checked against the sources when they were written: this file runs them, and pins only what is not a
verdict of the replay (the library's contents, the sources, the JSON of a replay until a date).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report.testing import check, outcomes_text
from engine.timeline.replay import Timeline

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LIBRARY = sorted(SCENARIOS.glob("*.yaml"))


@cache
def _timeline(name: str) -> Timeline:
    return replay_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))


class TestLibrary:
    def test_library_is_not_empty(self) -> None:
        """The Cambodian elections 1998-2018 are all shipped."""
        names = {p.stem for p in LIBRARY}
        assert {"cambodia-1998", "cambodia-2003", "cambodia-2008", "cambodia-2013", "cambodia-2018"} <= names

    @pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
    def test_replays_without_engine_errors(self, path: Path) -> None:
        """Each shipped scenario loads and replays to the end without an engine error."""
        scenario = load_scenario(path)
        timeline = replay_scenario(scenario)
        recorded = [s for s in timeline.steps if not s.derived]
        assert len(recorded) == len(scenario.events)

    @pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
    def test_every_event_is_sourced(self, path: Path) -> None:
        """Every recorded event cites at least one non-empty source."""
        for event in load_scenario(path).events:
            assert event.source and all(s.strip() for s in event.source), event.id

    @pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
    def test_expectations_hold(self, path: Path) -> None:
        """Every shipped scenario states what its replay reaches, and the replay reaches it."""
        scenario = load_scenario(path)
        assert scenario.expect, f"{path.name} has no 'expect:' section"
        failed = outcomes_text(check(_timeline(path.stem), scenario.expect), failures_only=True)
        assert failed == []

    def test_the_netherlands_coalition_holds_78_of_150(self) -> None:
        """The input, not a verdict: VVD, D66, CDA and CU won 78 seats of 150, a majority of 76."""
        final = _timeline("netherlands-2021").final
        coalition = load_scenario(SCENARIOS / "netherlands-2021.yaml").event("rutte-4")
        assert sum(n for p, n in final.seats if p in coalition.parties) == 78  # type: ignore[attr-defined]


def test_the_bulgarian_replay_until_a_date_keeps_the_election_due() -> None:
    """Replayed to 31 May (its state there is in the scenario's expect:), the election is due 42 days on; in the
    JSON the derived dissolution has no line and says it was derived."""
    from engine.report.jsondata import timeline_data
    from engine.report.view import timeline_view

    scenario = load_scenario(SCENARIOS / "bulgaria-2021.yaml")
    timeline = replay_scenario(scenario, until=date(2021, 5, 31))
    assert [d.days_left(date(2021, 5, 31)) for d in timeline.final.deadlines] == [42]
    steps = timeline_data(timeline_view(scenario, timeline))["steps"]
    derived = [(s["at"], s["event"]["type"], s["line"], s["summary"]) for s in steps if s["derived"]]
    assert derived == [(date(2021, 5, 12), "assembly_dissolved", None, "assembly dissolved (derived)")]


def _numbers(value: object, where: tuple = ()) -> list[tuple]:
    """The paths of the whole numbers in plain data (booleans are not numbers)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _numbers(v, (*where, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _numbers(v, (*where, i))]
    return [where] if isinstance(value, int) and not isinstance(value, bool) else []


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_expected_number_is_checked_at_its_line(path: Path) -> None:
    """Each whole number in a bundled 'expect:' section, changed by one, makes exactly one expectation fail, at
    the number's line: none is ignored, none is checked twice."""
    from engine.errors import ScenarioError
    from engine.files.located_yaml import load_located
    from engine.files.scenarios import parse_scenario

    text = path.read_text(encoding="utf-8")
    doc = load_located(text, str(path), ScenarioError)
    timeline = _timeline(path.stem)
    lines = text.splitlines(keepends=True)
    numbers = _numbers(doc.get(("expect",)), ("expect",))
    assert numbers, "no number expected"
    for where in numbers:
        line, column = doc.position(where)
        assert line is not None and column is not None
        old = str(doc.get(where))
        row = lines[line - 1]
        assert row[column - 1:].startswith(old), (row, old)
        changed = [*lines[:line - 1], row[:column - 1] + str(int(old) + 1) + row[column - 1 + len(old):], *lines[line:]]
        scenario = parse_scenario("".join(changed), str(path))
        failed = [o for o in check(timeline, scenario.expect) if not o.passed]
        assert [o.expectation.line for o in failed] == [line], (where, outcomes_text(failed))
