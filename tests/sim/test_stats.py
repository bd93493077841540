"""The statistics of an ensemble: Wilson intervals, and the summary's quantiles and histogram."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.sim.runs import RunResult
from engine.sim.stats import Ensemble, wilson


class TestWilson:
    def test_known_values(self) -> None:
        """Wilson interval for 5 of 10 is about [0.237, 0.763]; for 0 of n the lower bound is 0."""
        iv = wilson(5, 10)
        assert (round(iv.low, 3), round(iv.high, 3)) == (0.237, 0.763)
        assert wilson(0, 100).low == 0.0 and wilson(100, 100).high == 1.0

    @given(st.integers(1, 500), st.data())
    def test_contains_the_estimate(self, n: int, data) -> None:
        k = data.draw(st.integers(0, n))
        iv = wilson(k, n)
        assert 0 <= iv.low <= k / n <= iv.high <= 1


def _result(index: int, days: int | None) -> RunResult:
    return RunResult(index, (True,), (index % 2 == 0,), (False,), days, 0, 0)


class TestEnsembleSummary:
    def test_quantiles_histogram_and_share_resolved(self) -> None:
        """Four of five runs resolved after 10, 20, 30 and 40 days: quantiles interpolate between them, and
        the histogram's bins of whole days cover them all."""
        ensemble = Ensemble("s", 1, (None,), tuple(_result(i, d) for i, d in enumerate([10, 20, 30, 40, None])))
        data = ensemble.to_dict()
        days = data["impasse_days"]
        assert days["resolved"]["runs"] == 4 and days["resolved"]["p"] == 0.8
        assert (days["median"], days["p10"], days["p90"]) == pytest.approx((25.0, 13.0, 37.0))
        assert (days["min"], days["max"], days["mean"]) == (10, 40, 25.0)
        histogram = data["histogram"]
        assert histogram[0] == (10, 13, 1) and histogram[-1] == (38, 41, 1)
        assert sum(n for _, _, n in histogram) == 4
        assert data["outcomes"][0]["opened_ever"]["successes"] == 3

    def test_no_run_resolved(self) -> None:
        data = Ensemble("s", 1, (None,), (_result(0, None),)).to_dict()
        assert data["histogram"] == [] and set(data["impasse_days"]) == {"resolved"}
