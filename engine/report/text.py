"""The text output of ``impasse replay`` and ``impasse state``: the rich table, the findings, the summaries.

Every function reads the view model only. rich is imported where a table is drawn: commands that
draw none start faster without it.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any, Literal

from engine.report.view import FindingView, FormationView, ReversalView, StateView, TimelineView

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table

__all__ = ["MARK", "NARROW", "final_text", "findings_text", "formation_lines", "legend", "replay_table", "short",
           "state_text", "timeline_table", "to_text", "yes_no"]

#: how each verdict is written in tables and finding lists
MARK = {"ok": "OK", "violation": "VIOLATION", "warning": "WARNING", "info": "info"}
_STYLE = {"ok": "green", "violation": "bold red", "warning": "yellow", "info": "dim"}
_LEVEL_STYLE = {"deadlock": "bold red", "boycott": "yellow", "disputed": "magenta", "resolved": "green"}
#: below this width the replay table folds the phase into the impasse's column and the all-readings
#: column into the event's: the full layout's eight columns (with three readings) cannot share fewer
#: characters and stay readable
NARROW = 120
#: what ``counted/required`` counts, per unit of a finding, for the legend under the table
_UNIT_WORDS = {"members": "members present", "votes": "votes in favour", "days": "days", "seats": "seats"}
#: the findings list's hanging indent: under the date of a step, under the text of a finding
_INDENT = " " * 12


def to_text(renderable: Any, width: int = 120) -> str:
    """Render a rich object to plain text (no colour) of the given width."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False).print(renderable)
    return buffer.getvalue()


def short(f: FindingView) -> str:
    """A finding in a table cell: its mark, and the numbers compared when there are any."""
    mark = MARK[f.verdict]
    if f.required is not None and f.count is not None:
        return f"{mark} {f.count}/{f.required}" + (f" ({f.reason})" if f.reason else "")
    return mark


def yes_no(value: bool | None) -> str:
    """``yes``, ``NO``, or ``n/a`` for a question not yet decided."""
    return "n/a" if value is None else ("yes" if value else "NO")


def timeline_table(view: TimelineView, color: bool = True) -> Table:
    """A rich table: one row per step, one column per reading judged, headed by its id (the full layout,
    every column at the width rich gives it; :func:`replay_table` lays the table out for a terminal)."""
    return _table(view, color, narrow=False, named=False)


def replay_table(view: TimelineView, width: int = 160, color: bool = True) -> Group:
    """The replay's table laid out for ``width`` columns, readings headed by name, and its legend.

    Below :data:`NARROW` columns the phase shares the impasse's column and the findings no reading
    changes go under the event: the table then stays readable at 100 columns. No cell is cut: a
    word longer than its column folds onto the next line.
    """
    from rich.console import Group
    from rich.text import Text

    table = _table(view, color, narrow=width < NARROW, named=True, width=width)
    words = legend(view)
    if not words:
        return Group(table)
    return Group(table, Text(textwrap.fill(words, width, subsequent_indent="  "), style="dim" if color else ""))


def legend(view: TimelineView) -> str:
    """One line saying how a cell reads: the verdict, then counted/required, in the units this table uses."""
    shown = {f.unit for step in view.steps for f in step.findings
             if f.verdict != "info" and f.count is not None and f.required is not None and f.unit}
    if not shown:
        return ""
    units = [_UNIT_WORDS.get(u, u) for u in sorted(shown, key=lambda u: list(_UNIT_WORDS).index(u)
                                                      if u in _UNIT_WORDS else len(_UNIT_WORDS))]
    listed = units[0] if len(units) == 1 else ", ".join(units[:-1]) + " or " + units[-1]
    return f"Cells: VERDICT counted/required ({listed}); findings in full below."


def _table(view: TimelineView, color: bool, narrow: bool, named: bool, width: int = NARROW) -> Table:
    """The replay table; ``narrow`` folds columns for ``width``, ``named`` heads the readings by name (their
    id beneath)."""
    from rich.markup import escape
    from rich.table import Table

    # every text from a scenario or a pack is escaped: rich would read "[/x]" in a path or a name as markup
    # narrow, the outer border and its padding go: four more characters for the cells
    table = Table(title=escape(f"{view.scenario.title}  [{view.scenario.path}]"), title_justify="left",
                  show_lines=False, expand=True, show_edge=not narrow, pad_edge=not narrow)
    # a word longer than its column folds onto the next line rather than being cut with an ellipsis
    fold: Literal["fold", "ellipsis"] = "fold" if named else "ellipsis"
    table.add_column("date", no_wrap=True)
    table.add_column("event", min_width=20 if narrow else 24, ratio=2, overflow=fold)
    columns = 3 + len(view.readings)
    # narrow, the phase's column fits the longest phase with its semicolon ("assembly convened;") and a
    # reading's "opposition's" or "VIOLATION 68", the event's taking the rest, at least 20: rich would
    # share the width out by ratio below those widths. Too narrow even for that, rich shares it out.
    fixed = narrow and 10 + 18 + 12 * len(view.readings) + 20 + 3 * (columns - 1) <= width
    if narrow:
        table.add_column("phase; impasse", width=18 if fixed else None, min_width=None if fixed else 8,
                         ratio=None if fixed else 1, overflow=fold)
    else:
        table.add_column("phase", min_width=10, ratio=1, overflow=fold)
        table.add_column("impasse", min_width=8, overflow=fold)
    readings = [r.id for r in view.readings]
    single = readings == [None]
    if not single and not narrow:
        table.add_column("all readings", ratio=1, overflow=fold)
    for r in view.readings:
        key = escape(("pack" if r.id is None else r.id).replace("-", " "))
        # the name to read, the id (as the header always showed it) to find the reading in the pack and in -i
        header = key if not named else escape(r.name) + ("" if r.id is None else f"\n({key})")
        if narrow:
            table.add_column(header, width=12 if fixed else None, min_width=None if fixed else 8,
                             ratio=None if fixed else 1, overflow=fold)
        else:
            table.add_column(header, ratio=1, min_width=14, overflow=fold)
    before: tuple[tuple[str | None, str], ...] = ()
    for step in view.steps:
        shared = [f for f in step.findings if f.reading is None and f.verdict != "info"]
        if single:
            cells = [_cell(step.findings, color)]
        else:
            cells = [] if narrow else [_cell(shared, color)]
            for reading in readings:
                if reading is None:  # the pack's column: the rules no reading changes
                    mine = [f for f in step.findings if f.rule is not None and f.reading is None]
                else:
                    mine = [f for f in step.findings if f.reading == reading]
                cells.append(_cell(mine, color))
        style = _LEVEL_STYLE.get(step.impasse, "")
        event = escape(step.summary)
        event = f"[bold]{event}[/]" if step.derived and color else event
        if narrow and not single and shared:
            event += "\n" + _cell(shared, color)
        level = f"[{style}]{step.impasse}[/]" if style and color else step.impasse
        # narrow, the formation level shows where it changes: on every row it would double the rows' height
        levels = tuple((f.reading, f.level) for f in step.formation)
        forming = "" if narrow and levels == before else _formation_cell(step.formation, named)
        before = levels
        level += f"\n{escape(forming)}" if forming else ""
        places = [f"{step.phase};\n{level}"] if narrow else [step.phase, level]
        table.add_row(step.at.isoformat(), event, *places, *cells)
    return table


def _formation_cell(formation: tuple[FormationView, ...], named: bool = False) -> str:
    """The formation level under the impasse's in the table: once if every reading agrees, else per reading."""
    levels = {f.level for f in formation}
    if not formation or levels == {"none"}:
        return ""
    if len(levels) == 1:
        return f"formation: {formation[0].level}"
    if named:
        return "\n".join(f"{f.reading_name}: {f.level}" for f in formation)
    return "\n".join(f"{'pack' if f.reading is None else f.reading}: {f.level}" for f in formation)


def formation_lines(formation: tuple[FormationView, ...]) -> list[str]:
    """Where the forming of a government stands: one line if every reading agrees, else one per reading."""
    if not formation:
        return []
    if len({(f.level, f.reasons) for f in formation}) == 1:
        f = formation[0]
        return [f"formation level: {f.level}" + (f" ({'; '.join(f.reasons)})" if f.reasons else "")]
    return [f"formation level under {f.reading_name}: {f.level}" + (f" ({'; '.join(f.reasons)})" if f.reasons else "")
            for f in formation]


def _cell(findings: tuple[FindingView, ...] | list[FindingView], color: bool) -> str:
    from rich.markup import escape

    out = []
    for f in findings:
        if f.verdict == "info":
            continue
        text = escape(short(f) + (f" {f.rule}" if f.rule and (f.reading is None) else ""))
        out.append(f"[{_STYLE[f.verdict]}]{text}[/]" if color else text)
    return "\n".join(out)


def findings_text(view: TimelineView, width: int | None = None) -> str:
    """Every finding in full, with its article, reading and the event's line; a finding that reverses
    what was believed before a retrospective amendment is marked ``REVERSED``, with both dates.

    Given a ``width``, each line wraps at it with a hanging indent: a step's continuation under its
    event, a finding's under its sentence.
    """
    lines = []
    if view.law_as_of is not None:
        lines.append(f"Judged by the law as it stood on {view.law_as_of.isoformat()}.")
    reversal = {(r.event, r.rule, r.reading): r for r in view.reversed if r.after is not None}
    for step in view.steps:
        if not step.findings:
            continue
        loc = f"{view.scenario.path}:{step.line}" if step.line else "derived"
        lines.append(f"{step.at.isoformat()}  {step.summary}  ({loc}; id {step.id})")
        for f in step.findings:
            name = f.reading if f.reading_name is None else f.reading_name
            reading = "" if f.reading is None else f" [{name}]"
            lines.append(f"  {MARK[f.verdict]:<9}{reading} {f.text}")
            r = reversal.get((step.id, f.rule, f.reading))
            if r is not None:
                lines.append(f"  {'':<9} {_reversed(r)}")
    gone = [r for r in view.reversed if r.after is None]
    if gone:
        lines.append("Findings a retrospective amendment undid:")
        lines.extend(f"  {r.at.isoformat()}  {_reversed(r)}" for r in gone)
    return _wrapped(lines, width, _INDENT)


def _wrapped(lines: list[str], width: int | None, indent: str) -> str:
    """``lines`` joined, each wrapped at ``width`` (None: as they are) with ``indent`` before its continuations."""
    if width is None:
        return "\n".join(lines)
    # paths and ids (cambodia-2013.yaml, first-session-deadline) stay whole: no break at their hyphens
    return "\n".join(textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False) if line else line
                     for line in lines)


def _reversed(r: ReversalView) -> str:
    """A reversal in words: what was believed until the amendment's adoption, and what holds after."""
    before = "nothing" if r.before is None else f"{MARK[r.before.verdict]} {r.before.text}"
    after = "no such finding" if r.after is None else f"{MARK[r.after.verdict]} {r.after.code}"
    return (f"REVERSED by amendment {r.amendment}: believed until {r.believed_until.isoformat()}: {before}; "
            f"holds from {r.holds_from.isoformat()}: {after}")


def final_text(view: StateView, width: int | None = None) -> str:
    """The closing summary of a replay: phase, impasse, per-reading lawfulness, deadlines (wrapped at
    ``width`` when one is given)."""
    out = [f"As of {view.as_of.isoformat() if view.as_of else '-'}: phase {view.phase}; impasse {view.impasse}"
           + (f" ({'; '.join(view.impasse_reasons)})" if view.impasse_reasons else "")]
    for r in view.readings:
        status = f"; government {r.government_status}" if r.government_status else ""
        out.append(f"  {r.reading.name}: assembly lawfully constituted: {yes_no(r.opened_lawfully)}; "
                   f"government lawfully installed: {yes_no(r.government_lawful)}{status}")
    out.extend(f"  {line}" for line in formation_lines(view.formation))
    for d in view.deadlines:
        # a state with no date counts no days: its line stays empty, as it always has
        out.append(f"  deadline running: {d.title}, due {d.due.isoformat()} ({d.days_left} days left)"
                   if view.as_of else "")
    if view.missed:
        out.append(f"  deadlines missed: {', '.join(view.missed)}")
    return _wrapped(out, width, "    ")


def state_text(view: StateView) -> str:
    """A readable account of the state at a date (``impasse state``)."""
    out = [f"As of {view.as_of}: phase {view.phase}; impasse {view.impasse}"]
    for reason in view.impasse_reasons:
        out.append(f"  - {reason}")
    out.extend(line[0].upper() + line[1:] for line in formation_lines(view.formation))
    if view.law_as_of is not None:
        out.append(f"Judged by the law as it stood on {view.law_as_of.isoformat()}.")
    if view.seats:
        of = f" (of {view.body_size})" if view.body_size is not None else " (the body's size is not set on this date)"
        out.append("Seats: " + ", ".join(f"{p} {n}" for p, n in view.seats) + of)
    if view.seated:
        out.append("Seated: " + ", ".join(f"{p} {n}" for p, n in view.seated))
    out.append(f"Rejecting the results: {', '.join(view.rejecting) or 'nobody'}; complaints pending: "
               f"{view.complaints_pending}; legal avenues exhausted: {yes_no(view.avenues_exhausted)}")
    out.append("Boycotts: " + (", ".join(f"{party} of {target}" for party, target in view.boycotts) or "none"))
    out.append(f"Government: {view.government or 'none'}")
    for d in view.deadlines:
        out.append(f"Deadline running: {d.title} ({d.citation}), due {d.due}, {d.days_left} days left")
    if view.missed:
        out.append("Deadlines missed: " + ", ".join(view.missed))
    for g in view.upcoming:
        out.append(f"Upcoming: {g.kind} by {g.organiser} from {g.first_day} to {g.last_day}")
    for r in view.readings:
        status = f"; government {r.government_status}" if r.government_status else ""
        out.append(f"Under {r.reading.name}: assembly lawfully constituted {yes_no(r.opened_lawfully)}; "
                   f"government lawfully installed {yes_no(r.government_lawful)}{status}")
    return "\n".join(out)
