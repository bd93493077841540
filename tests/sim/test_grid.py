"""The grid of a sweep: ranges read exactly, paths checked against the scenario, points applied."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine.errors import ScenarioError
from engine.files.scenarios import load_scenario
from engine.sim.grid import MAX_POINTS, Point, apply_point, check_grid, parse_range, parse_vary, value_text

SCENARIO = "scenarios/cambodia-2013.yaml"


class TestRanges:
    @pytest.mark.parametrize(("text", "values"), [
        ("60..63", (60, 61, 62, 63)),
        ("60..123:21", (60, 81, 102, 123)),
        ("60..70:7", (60, 67)),
        ("0..0.3:0.05", tuple(Fraction(k, 20) for k in range(7))),
        ("5..5", (5,)),
        ("1,2.5,4", (1, Fraction(5, 2), 4)),
        ("2013-09-23, 2013-09-30", ("2013-09-23", "2013-09-30")),
    ])
    def test_values(self, text: str, values: tuple) -> None:
        """Both ends are included; decimals are exact, so 0..0.3:0.05 ends at 0.3 with no float drift."""
        assert parse_range(text) == values

    @pytest.mark.parametrize(("text", "reason"), [
        ("10..5", "is empty"),
        ("1..5:0", "step must be more than 0"),
        ("1..5:-1", "step must be more than 0"),
        ("a..b", "expected A..B"),
        ("1,,2", "expected A..B, A..B:STEP or a list"),
        ("", "expected A..B, A..B:STEP or a list"),
        ("0..100000", "at most 10,000"),
    ])
    def test_bad_ranges(self, text: str, reason: str) -> None:
        with pytest.raises(ScenarioError, match=reason):
            parse_range(text, "x.y")

    @given(st.integers(-5000, 5000), st.integers(0, 2000), st.integers(1, 500))
    @example(0, 30, 5)
    def test_a_range_is_every_step_up_to_its_end(self, low100: int, span100: int, step100: int) -> None:
        """The values (in hundredths here) are low, low + step, ... up to high and no further, each exact."""
        low, high, step = Fraction(low100, 100), Fraction(low100 + span100, 100), Fraction(step100, 100)
        values = parse_range(f"{value_text(low)}..{value_text(high)}:{value_text(step)}")
        assert values[0] == low and values[-1] <= high < values[-1] + step
        assert all(b - a == step for a, b in itertools.pairwise(values))

    @given(st.fractions(max_denominator=10**6))
    def test_value_text_reads_back(self, value: Fraction) -> None:
        """The label a point's runs are seeded by reads back as the exact value it names."""
        assert Fraction(value_text(value)) == value


class TestGrid:
    def test_points_are_every_combination_last_axis_fastest(self) -> None:
        grid = parse_vary(["a.b=1..2", "uncertain.talks.CPP+CNRP.weekly=0.1,0.2"])
        labels = [p.label for p in grid.points()]
        assert labels == ["a.b=1;uncertain.talks.CPP+CNRP.weekly=0.1", "a.b=1;uncertain.talks.CPP+CNRP.weekly=0.2",
                          "a.b=2;uncertain.talks.CPP+CNRP.weekly=0.1", "a.b=2;uncertain.talks.CPP+CNRP.weekly=0.2"]

    @pytest.mark.parametrize(("options", "reason"), [
        ([], "give at least one --vary"),
        (["members=1..3"], "expected PATH=RANGE"),
        (["a.b"], "expected PATH=RANGE"),
        (["a.b=1,2", "a.b=3"], "given twice"),
        (["a.b=1..100", "c.d=1..101"], f"at most {MAX_POINTS:,}"),
    ])
    def test_bad_options(self, options: list[str], reason: str) -> None:
        with pytest.raises(ScenarioError, match=reason):
            parse_vary(options)

    def test_a_point_sets_events_and_uncertain_parameters(self) -> None:
        scenario = load_scenario(SCENARIO)
        point = Point(0, (("opening-sitting.members_present", Fraction(120)),
                          ("uncertain.defection.CNRP.weekly", Fraction(1, 20)),
                          ("uncertain.happens.opening-sitting.probability", Fraction(1))))
        changed = apply_point(scenario, point)
        assert changed.event("opening-sitting").present == 120  # type: ignore[attr-defined]
        assert changed.uncertain.defection[0].weekly == 0.05 and changed.uncertain.happens[0].probability == 1.0
        assert scenario.uncertain.defection[0].weekly == 0.01  # the scenario itself is left as it was

    @pytest.mark.parametrize(("option", "reason"), [
        ("opening-sittin.members_present=1,2", "no event 'opening-sittin'"),
        ("opening-sitting.member_present=1", "has no field 'member_present'"),
        ("uncertain.defection.XYZ.weekly=0.1", "has no 'XYZ' (it has: CNRP)"),
        ("uncertain.defection.CNRP.weekly=0..2", "must be a probability between 0 and 1 (got 2)"),
        ("uncertain.defection.CNRP.daily=0.1", "expected uncertain.defection.PARTY.weekly"),
        ("uncertain.delay.poll.min=1", "uncertain.delay has no 'poll' (it has: none)"),
        ("uncertain.talks.CPP+CNRP.weekly=low", "'low' is not a number"),
    ])
    def test_bad_points_are_refused_before_any_run(self, option: str, reason: str) -> None:
        """Every point is applied once before the runs: a bad path or value is one error naming --vary."""
        with pytest.raises(ScenarioError, match=re.escape(reason)) as info:
            check_grid(load_scenario(SCENARIO), parse_vary([option]))
        assert "--vary" in str(info.value)
