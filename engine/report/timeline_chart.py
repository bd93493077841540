"""The timeline chart of the HTML report: events, the impasse level and deadlines over time, as inline SVG.

Hand-written SVG rather than matplotlib: the report must open offline as one file, matplotlib is an
optional extra, and a few rectangles and circles on a date axis need no plotting library. Recorded
events are filled circles, events the law derived are hollow diamonds; a deadline is a span from its
start to its due day, crossed where it expired unmet.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from engine.report.view import TimelineView

__all__ = ["LEVEL_COLOURS", "timeline_svg"]

#: the colour of each impasse level (also the report's legend)
LEVEL_COLOURS = {"none": "#e8f5e9", "resolved": "#c8e6c9", "disputed": "#f3e5f5", "boycott": "#fff3cd",
                 "deadlock": "#f8d7da"}
_VERDICT_COLOURS = {"violation": "#c0392b", "warning": "#b7791f", "ok": "#1a7f37", "info": "#555"}
_LEFT, _RIGHT, _TOP = 200, 20, 24


def timeline_svg(view: TimelineView, width: int = 960) -> str:
    """The chart of ``view``: an impasse band, one row of events, one row per deadline."""
    if not view.steps:
        return ""
    first, last = view.steps[0].at, view.steps[-1].at
    spans = _deadline_spans(view)
    for _, _, start, due in spans:
        first, last = min(first, start), max(last, due)
    days = max((last - first).days, 1)
    inner = width - _LEFT - _RIGHT

    def x(day: date) -> float:
        return _LEFT + inner * (day - first).days / days

    height = _TOP + 40 + 40 + 18 * len(spans) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
           f"<title>{escape(view.scenario.title)}: events, impasse level and deadlines</title>",
           f'<text x="4" y="{_TOP + 24}" font-size="12">impasse level</text>']
    # the impasse band: one rectangle per run of equal level
    runs: list[tuple[date, str]] = []
    for step in view.steps:
        if not runs or runs[-1][1] != step.impasse:
            runs.append((step.at, step.impasse))
    for k, (start, level) in enumerate(runs):
        end = runs[k + 1][0] if k + 1 < len(runs) else last
        x0, x1 = x(start), max(x(end), x(start) + 2)
        out.append(f'<rect class="level {escape(level)}" x="{x0:.1f}" y="{_TOP + 8}" width="{x1 - x0:.1f}" '
                   f'height="26" fill="{LEVEL_COLOURS.get(level, "#eee")}"><title>{escape(level)} from '
                   f'{start.isoformat()}</title></rect>')
        if x1 - x0 > 50:
            out.append(f'<text x="{x0 + 3:.1f}" y="{_TOP + 25}" font-size="11">{escape(level)}</text>')
    events_y = _TOP + 60
    out.append(f'<text x="4" y="{events_y + 4}" font-size="12">events</text>')
    for step in view.steps:
        worst = _worst(step.findings)
        colour = "#555" if worst is None else _VERDICT_COLOURS[worst]
        label = escape(f"{step.at.isoformat()}: {step.summary}")
        cx = x(step.at)
        if step.derived:
            out.append(f'<path class="event derived" d="M{cx:.1f} {events_y - 7} l7 7 l-7 7 l-7 -7 z" fill="#fff" '
                       f'stroke="{colour}" stroke-width="1.6"><title>{label}</title></path>')
        else:
            out.append(f'<circle class="event recorded" cx="{cx:.1f}" cy="{events_y}" r="5" fill="{colour}" '
                       f'fill-opacity="0.85"><title>{label}</title></circle>')
    for k, (title, expired, start, due) in enumerate(spans):
        y = events_y + 30 + 18 * k
        out.append(f'<text x="4" y="{y + 4}" font-size="11">{escape(_clip(title, 32))}</text>')
        out.append(f'<rect class="deadline" x="{x(start):.1f}" y="{y - 5}" width="{max(x(due) - x(start), 2):.1f}" '
                   f'height="10" fill="#9ecae1"><title>{escape(title)}: {start.isoformat()} to '
                   f'{due.isoformat()}</title></rect>')
        if expired:
            out.append(f'<text class="expired" x="{x(due):.1f}" y="{y + 5}" font-size="14" fill="#c0392b" '
                       f'text-anchor="middle">✕</text>')
    axis_y = height - 14
    out.append(f'<line x1="{_LEFT}" y1="{axis_y - 12}" x2="{width - _RIGHT}" y2="{axis_y - 12}" stroke="#999"/>')
    for tick in _ticks(first, last):
        out.append(f'<text x="{x(tick):.1f}" y="{axis_y}" font-size="10" text-anchor="middle">'
                   f"{tick.isoformat()[:7]}</text>")
    out.append("</svg>")
    return "\n".join(out)


def _worst(findings: tuple) -> str | None:
    verdicts = {f.verdict for f in findings}
    return next((v for v in ("violation", "warning", "ok", "info") if v in verdicts), None)


def _deadline_spans(view: TimelineView) -> list[tuple[str, bool, date, date]]:
    """Each deadline that ran, once: its title, whether it expired unmet, its start and due day."""
    seen: dict[tuple[str, date], tuple[str, bool, date, date]] = {}
    expired = {(s.event.get("rule"), str(s.event.get("due"))) for s in view.steps
               if s.event.get("type") == "deadline_expired"}
    for step in view.steps:
        for d in step.deadlines:
            key = (d.rule, d.start)
            if key not in seen:
                seen[key] = (d.title, (d.rule, d.due.isoformat()) in expired, d.start, d.due)
    return sorted(seen.values(), key=lambda s: s[2])


def _ticks(first: date, last: date) -> list[date]:
    """Month starts (or every few months on a long chart) between ``first`` and ``last``."""
    months = (last.year - first.year) * 12 + last.month - first.month
    every = max(1, months // 10 + (1 if months % 10 else 0))
    ticks = []
    day = date(first.year, first.month, 1) + timedelta(days=32)
    day = date(day.year, day.month, 1)
    count = 0
    while day <= last:
        if count % every == 0:
            ticks.append(day)
        count += 1
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return ticks


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
