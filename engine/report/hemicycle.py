"""Chamber diagrams: the seats of a body on concentric half-circles, as inline SVG.

Our own small layout, not a library's: the maintained hemicycle tools (parliamentarch, ggparliament)
are either for R or draw whole files with their own styling and dependencies, while the report needs
a few dozen lines it can test (exactly N seats for a body of N, none overlapping), seats marked as
present, absent or boycotting, and one line per reading at the seat its quorum or majority needs.

The layout: rows of seats on arcs from radius 1 inwards, ``d = 0.6 / rows`` apart; a row of radius
``r`` holds as many seats as fit with their centres at least ``d`` apart along a chord; the fewest
rows that hold every seat are used, and the seats are shared between rows in proportion to what
they hold. Seats are numbered left to right (by angle), so a count of seats is a wedge from the left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import attrs

__all__ = ["Line", "Seat", "SeatGroup", "hemicycle_svg", "layout"]

#: the share of the outer radius the rows fill (the inner 40 % stays empty)
_DEPTH = 0.6


@attrs.frozen
class Seat:
    """A seat's centre (the outer arc has radius 1, its centre at the origin) and the drawn radius."""

    x: float
    y: float
    r: float


def _capacity(radius: float, spacing: float) -> int:
    """How many seats fit on a half-circle of ``radius`` with centres ``spacing`` apart (as chords)."""
    if spacing >= 2 * radius:
        return 1
    return math.floor(math.pi / (2 * math.asin(spacing / (2 * radius))) + 1e-9) + 1


def _rows(n: int) -> tuple[float, tuple[tuple[float, int], ...]]:
    """The spacing and, per row, its radius and capacity: the fewest rows that hold ``n`` seats."""
    rows = 1
    while True:
        spacing = _DEPTH / rows
        radii = [1 - i * spacing for i in range(rows)]
        caps = tuple((r, _capacity(r, spacing)) for r in radii)
        if sum(c for _, c in caps) >= n:
            return spacing, caps
        rows += 1


def layout(n: int) -> tuple[Seat, ...]:
    """``n`` seats on concentric arcs, numbered left to right.

    >>> len(layout(123))
    123
    >>> layout(1)[0].x
    0.0
    """
    if n <= 0:
        return ()
    spacing, caps = _rows(n)
    total = sum(c for _, c in caps)
    # largest remainder: each row gets its share of n by capacity, never more than it holds
    shares = [n * c / total for _, c in caps]
    counts = [min(math.floor(s), c) for s, (_, c) in zip(shares, caps, strict=True)]
    order = sorted(range(len(caps)), key=lambda i: shares[i] - math.floor(shares[i]), reverse=True)
    while sum(counts) < n:
        for i in order:
            if sum(counts) < n and counts[i] < caps[i][1]:
                counts[i] += 1
    seats: list[tuple[float, float, float]] = []
    for (radius, _), k in zip(caps, counts, strict=True):
        for j in range(k):
            angle = math.pi / 2 if k == 1 else math.pi * (1 - j / (k - 1))
            seats.append((angle, radius, radius * math.cos(angle)))
    seats.sort(key=lambda s: (-round(s[0], 9), -s[1]))
    r = 0.4 * spacing
    return tuple(Seat(round(radius * math.cos(a), 9) + 0.0, round(radius * math.sin(a), 9), r)
                 for a, radius, _ in seats)


@attrs.frozen
class SeatGroup:
    """Seats drawn alike: ``count`` seats of a party (or a side of a vote), in one state.

    ``state`` is ``present``, ``absent``, ``boycott`` or ``unknown`` (attendance not recorded).
    """

    label: str
    count: int
    colour: str
    state: str = "present"


@attrs.frozen
class Line:
    """A reading's requirement: ``required`` seats from the left, with its label."""

    required: int
    label: str
    met: bool


def hemicycle_svg(groups: Sequence[SeatGroup], lines: Sequence[Line] = (), title: str = "",
                  width: int = 420) -> str:
    """The diagram of ``groups`` (in seat order, left to right) with a line per requirement, as SVG text."""
    n = sum(g.count for g in groups)
    seats = layout(n)
    scale = width / 2.3
    cx, cy = width / 2, scale * 1.2
    height = round(cy + scale * 0.1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="hemicycle" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" data-seats="{n}">', f"<title>{escape(title)}</title>"]
    index = 0
    for group in groups:
        out.append(f'<g class="seats {group.state}" data-label="{escape(group.label)}" data-count="{group.count}">')
        for seat in seats[index:index + group.count]:
            x, y, r = cx + seat.x * scale, cy - seat.y * scale, seat.r * scale
            out.append(_seat(x, y, r, group))
        out.append("</g>")
        index += group.count
    for k, line in enumerate(lines):
        out.extend(_line(line, n, cx, cy, scale, k))
    out.append("</svg>")
    return "\n".join(out)


def _seat(x: float, y: float, r: float, group: SeatGroup) -> str:
    colour = escape(group.colour)
    if group.state == "present":
        return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}" fill="{colour}"/>'
    dash = ' stroke-dasharray="2 1.5"' if group.state == "boycott" else ""
    fill = "#eee" if group.state == "unknown" else "#fff"
    body = f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}" fill="{fill}" stroke="{colour}" stroke-width="1.4"{dash}/>'
    if group.state == "boycott":  # a stroke across the empty seat: absent on purpose
        d = r * 0.7
        body += (f'<line x1="{x - d:.2f}" y1="{y + d:.2f}" x2="{x + d:.2f}" y2="{y - d:.2f}" stroke="{colour}" '
                 'stroke-width="1.2"/>')
    return body


def _line(line: Line, n: int, cx: float, cy: float, scale: float, k: int) -> list[str]:
    """A radial line between seat ``required`` and the next, from the inner rows to past the outer one."""
    if n == 0:
        return []
    share = min(max(line.required, 0), n) / n
    angle = math.pi * (1 - share)
    inner, outer = 0.3, 1.08 + 0.025 * k
    x1, y1 = cx + inner * scale * math.cos(angle), cy - inner * scale * math.sin(angle)
    x2, y2 = cx + outer * scale * math.cos(angle), cy - outer * scale * math.sin(angle)
    colour = "#1a7f37" if line.met else "#c0392b"
    label = escape(line.label)
    dash = "" if k == 0 else f' stroke-dasharray="{2 + 2 * k} 2"'
    return [f'<g class="threshold" data-required="{line.required}">',
            f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="{colour}" stroke-width="2"'
            f"{dash}/>",
            f'<text x="{x2:.2f}" y="{y2 - 3:.2f}" font-size="10" text-anchor="middle" fill="{colour}">{k + 1}</text>',
            f"<title>{k + 1}: {label}</title>",
            "</g>"]
