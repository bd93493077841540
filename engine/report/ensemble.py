"""The text of ``impasse simulate``: an ensemble's outcome table, with intervals, and a histogram."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

__all__ = ["ensemble_text", "fallback_text", "interval_text"]


def ensemble_text(data: dict[str, Any], names: dict[Any, str]) -> str:
    """An ensemble's outcome table (probabilities with 95 % Wilson intervals) and a histogram."""
    out = [f"{data['scenario']}: {data['runs']} runs, seed {data['seed']}", ""]
    # each column as wide as its widest cell, two spaces apart: the three readings of Cambodia fit 100 columns
    titles = ("reading", "opens lawfully by deadline", "opens lawfully at all", "government lawful")
    rows = [(names.get(row["interpretation"], "the pack's reading"),
             *(interval_text(row[k]) for k in ("opened_by_deadline", "opened_ever", "government_lawful")))
            for row in data["outcomes"]]
    widths = [max(len(cells[i]) for cells in (titles, *rows)) for i in range(len(titles))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join([cells[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    head = line(titles)
    out += [head, "-" * len(head), *(line(cells) for cells in rows)]
    days = data["impasse_days"]
    out.append("")
    resolved = days["resolved"]
    out.append(f"Impasse resolved within the horizon: {interval_text(resolved)} ({resolved['runs']} runs)")
    if "median" in days:
        out.append(f"Days from the poll to resolution: median {days['median']:.0f}, 10-90 % {days['p10']:.0f}-"
                   f"{days['p90']:.0f}, mean {days['mean']:.1f} "
                   f"(95 % CI {days['mean_low']:.1f}-{days['mean_high']:.1f})")
    if data.get("histogram"):
        out.append("")
        top = max(n for _, _, n in data["histogram"]) or 1
        for low, high, n in data["histogram"]:
            bar = "#" * round(40 * n / top)
            out.append(f"  {low:>4}-{high:<4} days {n:>6}  {bar}")
    fallback = fallback_text(data)
    if fallback:
        out += ["", textwrap.fill(fallback, width=len(head), subsequent_indent="  ")]
    out.append("")
    out.append(f"Mean defections per run: {data['defections']['mean']:.2f}; events skipped per run (could not "
               f"happen in that history): {data['skipped_events']['mean']:.2f}")
    return "\n".join(out)


def fallback_text(data: Mapping[str, Any], dash: str = "-") -> str | None:
    """The labelled line naming the runs that fell back on the recorded history (no resolution of
    their own: a recorded event ended their impasse), so that their bar of the histogram is not read
    as an outcome of the model. None when no run did."""
    fallback = data.get("recorded_fallback")
    if not fallback or not fallback["runs"]:
        return None
    parts = []
    for event in fallback["events"]:
        low, high = event["days"]
        days = f"day {low}" if low == high else f"days {low}{dash}{high}"
        bars = [f"{b_low}{dash}{b_high}" for b_low, b_high, _ in data.get("histogram", ())
                if b_low <= high and low <= b_high]
        where = f", in the {' and '.join(bars)} days bar{'s' if len(bars) > 1 else ''}" if bars else ""
        runs = f"{event['runs']} run{'s' if event['runs'] != 1 else ''}"
        parts.append(f"{event['event']} on {days} ({runs}{where})")
    return (f"Fallback to the recorded history: {fallback['runs']} of {data['runs']} runs "
            f"({_percent(fallback['p'])} %) reached no resolution of their own and end as recorded, "
            f"with {'; '.join(parts)}.")


def interval_text(cell: dict[str, Any]) -> str:
    """A proportion and its Wilson bounds in percent, each number with the decimals it needs: one, two
    below 1 % (as the table always wrote them), and more (up to eight, enough for the ten million runs
    ``simulate`` allows) until a number short of 0 or 100 % is no longer written 0.0 or 100.0:
    ``100.0 % [99.96, 100.0]`` for 10,000 successes in 10,000 runs, never ``[100.0, 100.0]``."""
    return f"{_percent(cell['p']):>5} % [{_percent(cell['low'])}, {_percent(cell['high'])}]"


def _percent(x: float) -> str:
    value = 100 * x
    if value in (0, 100):
        return f"{value:.1f}"
    decimals = 1 if value >= 1 else 2
    while decimals < 8 and round(value, decimals) in (0, 100):
        decimals += 1
    return f"{value:.{decimals}f}"
