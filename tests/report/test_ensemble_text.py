"""The bounds `impasse simulate` computed, written with the digits they need."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.report.ensemble import ensemble_text, fallback_text, interval_text
from engine.report.markdown import ensemble_markdown
from engine.sim.runs import RunResult
from engine.sim.stats import Ensemble, wilson


def _cell(successes: int, runs: int) -> dict[str, float]:
    iv = wilson(successes, runs)
    return {"p": iv.p, "low": iv.low, "high": iv.high}


@pytest.mark.parametrize(("successes", "runs", "shown"), [
    (10_000, 10_000, "100.0 % [99.96, 100.0]"),  # the Wilson lower bound is 99.96 %, not 100.0
    (1, 10_000, " 0.01 % [0.002, 0.06]"),
    (10**7, 10**7, "100.0 % [99.99996, 100.0]"),  # the most runs `impasse simulate` takes
    (1, 10**7, "0.00001 % [0.000002, 0.0001]"),
    (0, 2000, "  0.0 % [0.0, 0.19]"),
    (1782, 2000, " 89.1 % [87.7, 90.4]"),
    (2000, 2000, "100.0 % [99.8, 100.0]"),
])
def test_a_bound_short_of_0_or_100_is_never_written_as_it(successes: int, runs: int, shown: str) -> None:
    """As the table always wrote them (one decimal, two below 1 %), and more where that would round to 0 or 100."""
    assert interval_text(_cell(successes, runs)) == shown


@given(runs=st.integers(min_value=1, max_value=10**7), data=st.data())
def test_only_an_exact_0_or_100_is_written_so(runs: int, data: st.DataObject) -> None:
    """For any proportion, a number reads 0.0 or 100.0 only when it is exactly that."""
    cell = _cell(data.draw(st.integers(min_value=0, max_value=runs)), runs)
    numbers = interval_text(cell).replace("%", " ").replace("[", " ").replace("]", " ").replace(",", " ").split()
    for written, value in zip(numbers, (cell["p"], cell["low"], cell["high"]), strict=True):
        assert (float(written) in (0, 100)) == (100 * value in (0, 100)), (written, value)


def _ensemble(resolved: list[tuple[int | None, str | None]]) -> dict:
    results = tuple(RunResult(i, (True,), (True,), (True,), days, 0, 0, by) for i, (days, by) in enumerate(resolved))
    return Ensemble("s", 1, (None,), results).to_dict()


class TestFallback:
    def test_a_labelled_line_names_the_event_its_day_and_its_bar(self) -> None:
        """Runs a recorded event resolved are named as such under the histogram, in text and Markdown."""
        data = _ensemble([(10, None), (20, None), (100, "agreement"), (100, "agreement")])
        line = ("Fallback to the recorded history: 2 of 4 runs (50.0 %) reached no resolution of their own and "
                "end as recorded, with agreement on day 100 (2 runs, in the 100-109 days bar).")
        assert fallback_text(data) == line
        assert " ".join(ensemble_text(data, {None: "the pack's reading"}).split()).count(line) == 1
        assert line.replace("100-109", "100–109") in ensemble_markdown(data, {None: "the pack's reading"})

    def test_days_that_differ_and_two_events(self) -> None:
        """A delayed recorded event ends runs on several days; two events are listed, the more frequent first."""
        data = _ensemble([(10, "b"), (50, "a"), (60, "a"), (70, None)])
        text = fallback_text(data)
        assert text is not None and "with a on days 50-60 (2 runs, in the 45-51 and 52-58 and 59-65 days bars); " \
            "b on day 10 (1 run, in the 10-16 days bar)." in text

    def test_no_line_without_fallback(self) -> None:
        data = _ensemble([(10, None), (None, None)])
        assert data["recorded_fallback"] == {"runs": 0, "p": 0.0, "events": []}
        assert fallback_text(data) is None
        assert "Fallback" not in ensemble_text(data, {})


def test_the_table_fits_100_columns_and_its_columns_line_up() -> None:
    """Three readings with their intervals: each column as wide as its widest cell, the whole within 100."""
    from engine.files.scenarios import load_scenario
    from engine.sim.ensemble import simulate

    scenario = load_scenario("scenarios/cambodia-2013.yaml")
    ensemble = simulate(scenario, 300, 1)
    names = {r: scenario.constitution.interpretation(r).name for r in ensemble.readings}
    lines = ensemble_text(ensemble.to_dict(), names).splitlines()
    assert max(len(line) for line in lines) <= 100
    head, rule, *rows = lines[2:4 + len(ensemble.readings)]
    assert rule == "-" * len(head) and all(len(row) == len(head) for row in rows)
    assert [row.split("  ")[0] for row in rows] == [names[r] for r in ensemble.readings]
