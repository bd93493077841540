"""The chamber diagram's layout: exactly N seats for a body of N, none overlapping, numbered left to right."""

from __future__ import annotations

import itertools
import math
import re

from hypothesis import given
from hypothesis import strategies as st

from engine.report.hemicycle import Line, SeatGroup, hemicycle_svg, layout


@given(st.integers(min_value=0, max_value=700))
def test_exactly_n_seats_none_overlapping(n: int) -> None:
    """A body of N gets N seats; no two drawn seats touch (centres at least two radii apart)."""
    seats = layout(n)
    assert len(seats) == n
    for a, b in itertools.combinations(seats, 2):
        assert math.dist((a.x, a.y), (b.x, b.y)) >= a.r + b.r
    # every seat inside the half-disc of radius 1, above the floor line
    assert all(s.y >= -1e-9 and math.hypot(s.x, s.y) <= 1 + 1e-9 for s in seats)


@given(st.integers(min_value=2, max_value=400))
def test_seats_run_left_to_right(n: int) -> None:
    """Seats are numbered by angle, from the left end of the arc: a count of seats is a wedge from the left."""
    angles = [math.atan2(s.y, s.x) for s in layout(n)]
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(angles))  # coordinates are rounded to 1e-9


@given(st.lists(st.integers(min_value=0, max_value=80), min_size=1, max_size=6))
def test_svg_draws_every_seat_of_every_group(counts: list[int]) -> None:
    groups = [SeatGroup(f"party {k}", n, "#123456", state) for k, (n, state) in
              enumerate(zip(counts, itertools.cycle(("present", "absent", "boycott", "unknown"))))]
    svg = hemicycle_svg(groups, [Line(required=max(sum(counts) // 2, 1), label="half", met=True)])
    assert svg.count("<circle") == sum(counts)
    assert f'data-seats="{sum(counts)}"' in svg


def test_example_the_opening_sitting_of_2013() -> None:
    """123 seats: 68 present, 55 boycotting, a line at 82 and one at 120."""
    svg = hemicycle_svg([SeatGroup("CPP present", 68, "#1f5fa8"), SeatGroup("CNRP boycotting", 55, "#d62728", "boycott")],
                        [Line(120, "opposition", met=False), Line(82, "two-thirds", met=False)], title="23 Sep <2013>")
    assert svg.count("<circle") == 123
    assert len(re.findall(r'class="threshold" data-required="(\d+)"', svg)) == 2
    assert "<title>23 Sep &lt;2013&gt;</title>" in svg  # texts are escaped where they are drawn
