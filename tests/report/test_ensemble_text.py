"""The bounds `impasse simulate` computed, written with the digits they need."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.report.ensemble import interval_text
from engine.sim.stats import wilson


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
