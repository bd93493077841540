"""The HTML report of a replay (``impasse report``): one self-contained page people can read and cite.

Everything is inline (CSS, SVG, no script, no font or image from elsewhere), so the file opens offline
and can be mailed or archived as it is. The page is written by Jinja2 templates (``templates/``) with
autoescaping on: scenario and pack texts are untrusted, and only the SVG this package draws, whose
texts are escaped where they are drawn, is marked safe. The page reads the view model, the
explanations :mod:`engine.report.explain` builds from it and the law, and the pack's metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import attrs

from engine.report.explain import UNITS, Explanation, chamber_size, explain, sources_of
from engine.report.hemicycle import Line, SeatGroup, hemicycle_svg
from engine.report.text import MARK, yes_no
from engine.report.timeline_chart import LEVEL_COLOURS, timeline_svg
from engine.report.view import FindingView, StepView, TimelineView
from engine.timeline.law import Law

__all__ = ["Diagram", "cell", "report_html"]

#: the colours of parties in chamber diagrams, in the order the seats list them
PARTY_COLOURS = ("#1f5fa8", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                 "#bcbd22", "#7f7f7f")
_VOTE_COLOURS = {"yes": "#1a7f37", "no": "#c0392b", "abstain": "#b7791f", "blank": "#888", "invalid": "#555"}


@attrs.frozen
class Diagram:
    """A chamber diagram of one sitting or vote: its caption, its SVG, and the requirements drawn."""

    step: int
    caption: str
    svg: str
    #: the requirement of each numbered line, and whether it was met
    lines: tuple[tuple[str, bool], ...]
    #: the readings that require nothing of this sitting or vote (no line to draw)
    notes: tuple[str, ...] = ()


def report_html(view: TimelineView, law: Law, made: datetime, source: str | None = None) -> str:
    """The report of ``view`` (judged by ``law``) as one HTML page; ``made``: when it was made,
    ``source``: what it was made from (the scenario file, or ``STORE#STREAM``)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("engine.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    from markupsafe import Markup

    pack = law.constitution
    explained = {(i, j): explain(f, step.at, step.event, law)
                 for i, step in enumerate(view.steps) for j, f in enumerate(step.findings)}
    references = _references(view, explained)
    body, readings = view.scenario.body, len(view.readings)
    diagrams = tuple(d for i, step in enumerate(view.steps)
                     if (d := _diagram(i, step, chamber_size(law, step.at, step.event), body, readings)) is not None)
    return env.get_template("report.html.j2").render(
        view=view,
        pack={"id": pack.id, "name": pack.name, "missing": pack.missing, "source": pack.source},
        law_as_of=law.known_on,
        made=made.isoformat(timespec="seconds"),
        source=source or view.scenario.path,
        engine_version=_engine_version(),
        headlines=_headlines(view),
        grid=_grid(view),
        explained=explained,
        references=references,
        ref=lambda s: references.index(s) + 1,
        event_sources=lambda step: sources_of(step.event),
        diagrams=[attrs.evolve(d, svg=Markup(d.svg)) for d in diagrams],  # drawn and escaped in hemicycle
        timeline=Markup(timeline_svg(view)),  # drawn and escaped in timeline_chart
        level_colours=LEVEL_COLOURS,
        mark=MARK,
        units=UNITS,
        cell=cell,
    )


def _engine_version() -> str:
    try:
        return version("impasse-engine")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def cell(f: FindingView) -> str:
    """A verdict in the grid: its mark and the numbers compared with their unit (``VIOLATION 68 / 120 members``)."""
    text = MARK[f.verdict]
    if f.count is not None and f.required is not None:
        text += f" {f.count} / {f.required} {f.unit or ''}".rstrip()
    elif f.count is not None:
        text += f" {f.count} {f.unit or ''}".rstrip()
    return text


def _headlines(view: TimelineView) -> list[dict[str, Any]]:
    """Per reading: the assembly's opening and the government, lawful or not and since when, and the
    formation level at the end."""
    out = []
    formation = {f.reading: f for f in view.final.formation}
    for r in view.final.readings:
        opened = _opening(view, r.reading.id)
        government = _first(view, r.reading.id, ("government.lawful", "government.unlawful_vote",
                                                 "government.no_vote", "government.confirmed",
                                                 "government.pending"), None)
        f = formation.get(r.reading.id)
        out.append({"reading": r.reading, "opened": yes_no(r.opened_lawfully), "opened_ok": r.opened_lawfully,
                    "opened_on": opened, "government": yes_no(r.government_lawful),
                    "government_ok": r.government_lawful, "government_on": government,
                    "status": r.government_status, "formation": None if f is None else f.level,
                    "formation_reasons": () if f is None else f.reasons})
    return out


def _opening(view: TimelineView, reading: str | None) -> str | None:
    """When the assembly's opening was judged under ``reading``, and when it became lawful if later."""
    sitting = _first(view, reading, ("quorum.met", "quorum.below", "quorum.none_required"), "opening")
    later = _first(view, reading, ("quorum.constituted",), None)
    if sitting is None:
        return None if later is None else f"constituted {later}"
    if later is None:
        return f"opening sitting {sitting}"
    return f"constituted {later}; the opening sitting of {sitting} was below quorum"


def _first(view: TimelineView, reading: str | None, codes: tuple[str, ...], subject: str | None) -> str | None:
    for step in view.steps:
        for f in step.findings:
            if f.reading == reading and f.code in codes and (subject is None or f.subject == subject):
                return step.at.isoformat()
    return None


def _grid(view: TimelineView) -> list[dict[str, Any]]:
    """One row per step with a verdict: the rules every reading shares, then one cell per reading."""
    rows = []
    for i, step in enumerate(view.steps):
        judged = [(j, f) for j, f in enumerate(step.findings) if f.verdict != "info"]
        if not judged:
            continue
        shared = [(j, f) for j, f in judged if f.reading is None]
        cells = [[(j, f) for j, f in judged if f.reading == r.id and r.id is not None] for r in view.readings]
        rows.append({"index": i, "step": step, "shared": shared, "cells": cells})
    return rows


def _references(view: TimelineView, explained: Mapping[tuple[int, int], Explanation]) -> list[str]:
    """Every source the report cites, numbered once in order of first citation: the scenario's, the
    events', the readings', the rules'."""
    seen: dict[str, None] = dict.fromkeys(view.scenario.sources)
    for step in view.steps:
        seen.update(dict.fromkeys(sources_of(step.event)))
    for r in view.readings:
        seen.update(dict.fromkeys(r.source))
    for e in explained.values():
        seen.update(dict.fromkeys(e.rule_sources))
    return list(seen)


def _diagram(index: int, step: StepView, chamber: int | None, body: str, readings: int) -> Diagram | None:
    """The chamber diagram of a sitting or a vote (in a chamber of ``chamber`` seats; the seats per
    party are those of ``body``, the scenario's), with the requirement of each reading."""
    kind = step.event.get("type")
    if kind not in ("parliament_convened", "vote"):
        return None
    # the seats per party are the scenario's body's: a sitting of another chamber shows no parties
    seats = list(step.seats) if step.event.get("body") in (None, body) else []
    size = chamber or step.body_size or sum(n for _, n in seats) or None
    if kind == "vote":
        groups = _vote_groups(step.event, size)
    else:
        groups = _sitting_groups(step.event, seats, size, {p for p, t in step.boycotts if t == "parliament"})
    if not groups:
        return None
    lines: list[Line] = []
    texts: list[tuple[str, bool]] = []
    seen = set()
    notes = _notes(step, readings)
    for f in step.findings:
        if f.required is None or f.unit not in ("members", "votes") or (f.reading, f.required) in seen:
            continue
        seen.add((f.reading, f.required))
        name = f.reading_name or "every reading"
        what = "present" if f.unit == "members" else "in favour"
        label = f"{name}: {f.required} required ({f.threshold}); {f.count} {what}"
        lines.append(Line(required=f.required, label=label, met=f.count is not None and f.count >= f.required))
        texts.append((label, lines[-1].met))
    title = f"{step.at.isoformat()}: {step.summary}"
    return Diagram(step=index, caption=_caption(step.event, groups, size), lines=tuple(texts), notes=notes,
                   svg=hemicycle_svg(groups, lines, title=title))


#: findings that require nothing of a sitting or vote: said beside its diagram, with no line to draw
_NOTHING_REQUIRED = {"quorum.none_required": "no quorum required",
                     "decision.no_rule": "no decision rule for this motion in the pack"}


def _notes(step: StepView, readings: int) -> tuple[str, ...]:
    """What requires nothing here, per reading; once for all when every reading judged says it."""
    out = []
    for code, words in _NOTHING_REQUIRED.items():
        found = [f for f in step.findings if f.code == code]
        if not found:
            continue
        present = "" if found[0].count is None else f"; {found[0].count} present"
        if len(found) == readings > 1:
            out.append(f"every reading judged: {words}{present}")
        else:
            out.extend(f"{f.reading_name or 'every reading'}: {words}{present}" for f in found)
    return tuple(out)


def _sitting_groups(event: Mapping[str, Any], seats: list[tuple[str, int]], size: int | None,
                    boycotting: set[str]) -> list[SeatGroup]:
    colours = {p: PARTY_COLOURS[k % len(PARTY_COLOURS)] for k, (p, _) in enumerate(seats)}
    by_party: Mapping[str, int] = event.get("present_by_party") or {}
    present = event.get("present")
    vacant = max((size or 0) - sum(n for _, n in seats), 0)
    if by_party:
        # seats present fill from the left, party by party, then the empty ones: the quorum line reads off
        first = [SeatGroup(f"{p} present", min(by_party.get(p, 0), n), colours[p]) for p, n in seats]
        rest = [SeatGroup(f"{p} {'boycotting' if p in boycotting else 'absent'}", n - min(by_party.get(p, 0), n),
                          colours[p], "boycott" if p in boycotting else "absent") for p, n in seats]
        groups = first + rest
    elif present is not None and size:
        # attendance by party not recorded: the present are drawn without a party's colour
        groups = [SeatGroup("present (party not recorded)", min(present, size), "#444"),
                  SeatGroup("absent", size - min(present, size), "#444", "absent")]
        vacant = 0
    else:
        groups = [SeatGroup(f"{p} (attendance not recorded)", n, colours[p], "unknown") for p, n in seats]
    if vacant:
        groups.append(SeatGroup("seats not allotted", vacant, "#bbb", "unknown"))
    return [g for g in groups if g.count > 0]


def _vote_groups(event: Mapping[str, Any], size: int | None) -> list[SeatGroup]:
    if event.get("yes") is None or not size:
        return []
    groups = [SeatGroup(name, min(event.get(name) or 0, size), colour)
              for name, colour in _VOTE_COLOURS.items()]
    counted = sum(g.count for g in groups)
    present = event.get("present")
    if present is not None and present > counted:
        groups.append(SeatGroup("present, not voting", min(present, size) - counted, "#444", "absent"))
        counted = min(present, size)
    if size > counted:
        groups.append(SeatGroup("absent", size - counted, "#bbb", "absent") if present is not None
                      else SeatGroup("absent or not recorded", size - counted, "#bbb", "unknown"))
    return [g for g in groups if g.count > 0]


def _caption(event: Mapping[str, Any], groups: list[SeatGroup], size: int | None) -> str:
    parts = ", ".join(f"{g.label} {g.count}" for g in groups)
    present = event.get("present")
    if present is None and event.get("present_by_party"):
        present = sum(event["present_by_party"].values())
    head = f"{present} present of {size}" if present is not None and size else f"{size} seats"
    return f"{head}: {parts}"
