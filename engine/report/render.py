"""Renderers: pure functions from engine results to text, JSON-ready data, Markdown or rich tables.

No political logic lives here: every number and verdict comes from the engine.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from engine.files.scenarios import Scenario
from engine.rules.ask import Answer
from engine.rules.constitution import Constitution, Rule, RulesInForce
from engine.report.sentences import finding_text, reason_texts
from engine.rules.thresholds import render
from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    BoycottEnded,
    ComplaintFiled,
    ComplaintRuled,
    DeadlineExpired,
    Event,
    GovernmentFormed,
    LegislatureInOffice,
    ParliamentConvened,
    PartyDissolved,
    Protest,
    Rally,
    ResultsAccepted,
    ResultsAnnounced,
    ResultsRejected,
    SeatsTaken,
    TalksHeld,
    VoteHeld,
    unstructure_event,
)
from engine.timeline.machine import Finding, Law
from engine.timeline.replay import Timeline
from engine.timeline.state import Reading, State, get

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "answer_text",
    "describe",
    "dumps",
    "final_text",
    "findings_text",
    "rules_data",
    "rules_text",
    "state_data",
    "state_text",
    "timeline_data",
    "timeline_markdown",
    "timeline_table",
    "to_text",
]


def dumps(data: Any) -> str:
    """JSON text, stable key order as built, UTF-8 kept readable."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    msg = f"cannot serialise {type(value).__name__}"
    raise TypeError(msg)


def answer_text(answer: Answer) -> str:
    """A short verdict such as ``Quorum met: 68 members present, 62 required …``."""
    o = answer.outcome
    if answer.question == "quorum":
        head = "Quorum met" if o.satisfied else "Quorum NOT met"
    else:
        head = "Majority reached" if o.satisfied else "Majority NOT reached"
    sign = "+" if o.margin >= 0 else ""
    lines = [
        f"{head}: {o.count} {o.measures}, {o.required} required ({render(answer.threshold)}; "
        f"{answer.counts.all_members} members); margin {sign}{o.margin}."
    ]
    for part in o.parts:
        mark = "met" if part.satisfied else "not met"
        lines.append(f"  - {render(part.threshold)}: {part.count} {part.measures}, {part.required} required: {mark}")
    return "\n".join(lines)


def _rule_row(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind.value,
        "title": rule.title,
        "body": rule.body,
        "applies_to": sorted(rule.applies_to),
        "requirement": rule.requirement,
        "threshold": None if rule.threshold is None else render(rule.threshold),
        "days": rule.days,
        "article": rule.article,
        "text": rule.text,
        "since": rule.since,
        "until": rule.until,
        "amendment": rule.amendment,
        "interpretation": rule.interpretation,
        "source": list(rule.source),
        "note": rule.note,
    }


def rules_data(pack: Constitution, ruleset: RulesInForce) -> dict[str, Any]:
    """The rules in force, with citations, as plain data."""
    interp = ruleset.interpretation
    return {
        "pack": pack.id,
        "name": pack.name,
        "on": ruleset.on,
        "interpretation": None
        if interp is None
        else {"id": interp.id, "name": interp.name, "holder": interp.holder, "claim": interp.claim, "source": list(interp.source)},
        "bodies": [{"id": b.id, "name": b.name, "seats": b.size_on(ruleset.on), "minimum": b.minimum, "article": b.article} for b in pack.bodies],
        "rules": [_rule_row(r) for r in ruleset.rules],
        "interpretations_available": [i.id for i in pack.interpretations],
        "missing": list(pack.missing),
    }


def to_text(renderable: Any, width: int = 120) -> str:
    """Render a rich object to plain text (no colour) of the given width."""
    # rich is imported where a table is drawn: commands that draw none start faster without it
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False).print(renderable)
    return buffer.getvalue()


def rules_text(pack: Constitution, ruleset: RulesInForce) -> str:
    """The rules in force on a date, one block per rule, with article, text and sources."""
    interp = ruleset.interpretation
    out = [f"{pack.name}: rules in force on {ruleset.on.isoformat()}"]
    if interp is None:
        out.append("Reading: the pack's own")
    else:
        out.append(f"Reading: {interp.name} ({interp.id}), held by {interp.holder}")
        out.append(f"  claim: {interp.claim}")
    for body in pack.bodies:
        minimum = f" (minimum {body.minimum}, Art. {body.article})" if body.minimum else ""
        size = body.size_on(ruleset.on)
        seats = f"{size} seats" if size is not None else "size not set on this date"
        out.append(f"{body.name}: {seats}{minimum}")
    for rule in ruleset.rules:
        applies = ", ".join(sorted(rule.applies_to)) or "all"
        tag = f"; reading: {rule.interpretation}" if rule.interpretation else ""
        out.append("")
        out.append(f"{rule.id}  [{rule.kind.value}: {applies}{tag}]")
        out.append(f"  {rule.title}")
        out.append(f"  requires: {rule.requirement}")
        out.append(f"  article:  {rule.article}")
        if rule.text:
            out.append(f"  text:     {rule.text}")
        if rule.since or rule.until:
            span = f"{rule.since or '...'} to {rule.until or 'now'}"
            out.append(f"  in force: {span}" + (f" ({rule.amendment})" if rule.amendment else ""))
        for i, src in enumerate(rule.source):
            out.append(("  source:   " if i == 0 else "            ") + src)
        if rule.note:
            out.append(f"  note:     {rule.note}")
    return "\n".join(out)


# --------------------------------------------------------------------------- timelines

_STYLE = {"ok": "green", "violation": "bold red", "warning": "yellow", "info": "dim"}
_MARK = {"ok": "OK", "violation": "VIOLATION", "warning": "WARNING", "info": "info"}


def describe(event: Event) -> str:
    """A one-line summary of an event, for tables."""
    e = event
    kind = e.TYPE.replace("_", " ")
    if isinstance(e, ResultsAnnounced):
        seats = ", ".join(f"{p} {n}" for p, n in e.seats)
        return f"{e.stage} results by {e.by}" + (f": {seats}" if seats else "")
    if isinstance(e, ParliamentConvened):
        parts = [f"{e.sitting} sitting"]
        if e.members_present is not None:
            by_party = ", ".join(f"{p} {n}" for p, n in e.present_by_party)
            parts.append(f"{e.members_present} present" + (f" ({by_party})" if by_party else ""))
        if e.convened_by:
            parts.append(f"convened by {e.convened_by}")
        return ", ".join(parts)
    if isinstance(e, VoteHeld):
        tally = "tally not recorded" if e.yes is None else f"{e.yes} yes, {e.no} no, {e.abstain} abstain"
        return f"vote on {e.motion.replace('_', ' ')}: {tally}; {e.outcome}"
    if isinstance(e, (BoycottDeclared, BoycottEnded)):
        verb = "boycotts" if isinstance(e, BoycottDeclared) else "ends its boycott of"
        return f"{e.party} {verb} {e.of}"
    if isinstance(e, (Rally, Protest)):
        span = e.first_day.isoformat() + (f" to {e.last_day.isoformat()}" if e.last_day != e.first_day else "")
        size = f", ~{e.size:,}" if e.size else ""
        return f"{e.TYPE} {e.status} by {e.organiser} ({span}{size})"
    if isinstance(e, (ResultsRejected, ResultsAccepted)):
        return f"{e.party} {'rejects' if isinstance(e, ResultsRejected) else 'accepts'} the results"
    if isinstance(e, ComplaintFiled):
        return f"{e.by} files {e.count or 'a'} complaint(s) to {e.to}"
    if isinstance(e, ComplaintRuled):
        return f"{e.by}: complaints {e.outcome}" + (" (final)" if e.final else "")
    if isinstance(e, TalksHeld):
        return f"talks: {', '.join(e.parties)}" + (f" ({e.mediator})" if e.mediator else "")
    if isinstance(e, AgreementReached):
        return f"agreement: {', '.join(e.parties)}"
    if isinstance(e, GovernmentFormed):
        return "government formed" + (f": {e.head}" if e.head else "")
    if isinstance(e, SeatsTaken):
        return f"{e.members} {e.party} members take their seats"
    if isinstance(e, DeadlineExpired):
        return f"DEADLINE MISSED: {e.rule} (due {e.due.isoformat()})"
    if isinstance(e, PartyDissolved):
        return f"{e.party} dissolved"
    if isinstance(e, LegislatureInOffice):
        return "legislature in office: " + ", ".join(f"{p} {n}" for p, n in e.seats)
    return kind


def _reading_info(rules: Law, reading: Reading) -> dict[str, Any]:
    if reading is None:
        return {"id": None, "name": "the pack's own reading"}
    interp = rules.constitution.interpretation(reading)
    return {"id": interp.id, "name": interp.name, "holder": interp.holder, "claim": interp.claim,
            "source": list(interp.source)}


def _finding_data(f: Finding, law: Law) -> dict[str, Any]:
    return {"verdict": f.verdict.value, "interpretation": f.interpretation, "rule": f.rule, "article": f.article,
            "message": finding_text(f, law), "required": f.required, "count": f.count, "reason": f.reason}


def _deadline_data(state: State, on: date | None) -> list[dict[str, Any]]:
    return [{"rule": d.rule, "title": d.title, "article": d.article, "start": d.start, "due": d.due,
             "days_left": d.days_left(on) if on else None} for d in state.deadlines]


def state_data(state: State, rules: Law) -> dict[str, Any]:
    """Plain data for a state (JSON-ready)."""
    return {
        "as_of": state.on,
        "phase": state.phase.value,
        "impasse": state.impasse.level.value,
        "impasse_reasons": reason_texts(state.impasse),
        "body_size": state.body_size,
        "seats": dict(state.seats),
        "seated": dict(state.seated),
        "rejecting": sorted(state.rejecting),
        "complaints_pending": state.complaints_pending,
        "legal_avenues_exhausted": state.avenues_exhausted,
        "boycotts": [{"party": p, "of": t} for p, t in sorted(state.boycotts)],
        "government": state.government,
        "deadlines": _deadline_data(state, state.on),
        "missed_deadlines": list(state.missed),
        "overdue": list(state.overdue),
        "upcoming": [{"id": g.id, "kind": g.kind, "organiser": g.organiser, "from": g.first_day, "to": g.last_day}
                     for g in state.upcoming()],
        "readings": [
            {"interpretation": r, "opened_lawfully": get(state.opened_lawfully, r),
             "government_lawful": get(state.government_lawful, r)}
            for r in rules.readings
        ],
    }


def timeline_data(scenario: Scenario, timeline: Timeline) -> dict[str, Any]:
    """The replay as one JSON-ready object (format: docs/replay-format.md)."""
    steps = []
    for step in timeline.steps:
        steps.append({
            "at": step.event.at,
            "time": step.event.time.isoformat(timespec="minutes") if step.event.time else None,
            "event": unstructure_event(step.event),
            "summary": describe(step.event),
            "line": scenario.line_of(step.event),
            "phase": step.state.phase.value,
            "impasse": step.state.impasse.level.value,
            "impasse_reasons": reason_texts(step.state.impasse),
            "derived": step.derived,
            "findings": [_finding_data(f, timeline.law) for f in step.findings],
            "deadlines": _deadline_data(step.state, step.event.at),
        })
    return {
        "scenario": {"id": scenario.id, "title": scenario.title, "country": scenario.country,
                     "constitution": scenario.constitution.id, "body": scenario.body, "path": scenario.path,
                     "sources": list(scenario.sources), "notes": list(scenario.notes)},
        "interpretations": [_reading_info(timeline.law, r) for r in timeline.law.readings],
        "steps": steps,
        "final": state_data(timeline.final, timeline.law),
    }


def _short(f: Finding) -> str:
    mark = _MARK[f.verdict.value]
    if f.required is not None and f.count is not None:
        return f"{mark} {f.count}/{f.required}" + (f" ({f.reason})" if f.reason else "")
    return mark


def _columns(rules: Law) -> list[tuple[str, Reading]]:
    return [(("pack" if r is None else r), r) for r in rules.readings]


def timeline_table(scenario: Scenario, timeline: Timeline, color: bool = True) -> Table:
    """A rich table: one row per step, one column per reading judged."""
    from rich.markup import escape
    from rich.table import Table

    # every text from a scenario or a pack is escaped: rich would read "[/x]" in a path or a name as markup
    table = Table(title=escape(f"{scenario.title}  [{scenario.path}]"), title_justify="left", show_lines=False,
                  expand=True)
    table.add_column("date", no_wrap=True)
    table.add_column("event", min_width=24, ratio=2)
    table.add_column("phase", min_width=10, ratio=1)
    table.add_column("impasse", min_width=8)
    cols = _columns(timeline.law)
    single = len(cols) == 1 and cols[0][1] is None
    if not single:
        table.add_column("all readings", ratio=1)
    for name, _ in cols:
        table.add_column(escape(name.replace("-", " ")), ratio=1, min_width=14)
    for step in timeline.steps:
        general = [f for f in step.findings if f.interpretation is None and f.verdict.value != "info"]
        cells = [_cell(general, color)]
        for _, reading in cols:
            mine = [f for f in step.findings if f.interpretation == reading and f.interpretation is not None]
            if reading is None:
                mine = [f for f in step.findings if f.rule is not None and f.interpretation is None]
            cells.append(_cell(mine, color))
        if single:
            cells = [_cell(list(step.findings), color)]
        level = step.state.impasse.level.value
        style = {"deadlock": "bold red", "boycott": "yellow", "disputed": "magenta", "resolved": "green"}.get(level, "")
        event = escape(describe(step.event))
        table.add_row(step.event.at.isoformat(), f"[bold]{event}[/]" if step.derived and color else event,
                      step.state.phase.value, f"[{style}]{level}[/]" if style and color else level, *cells)
    return table


def _cell(findings: list[Finding], color: bool) -> str:
    from rich.markup import escape

    out = []
    for f in findings:
        if f.verdict.value == "info":
            continue
        text = escape(_short(f) + (f" {f.rule}" if f.rule and (f.interpretation is None) else ""))
        out.append(f"[{_STYLE[f.verdict.value]}]{text}[/]" if color else text)
    return "\n".join(out)


def findings_text(scenario: Scenario, timeline: Timeline) -> str:
    """Every finding in full, with its article, reading and the event's line."""
    names = {r: _reading_info(timeline.law, r)["name"] for r in timeline.law.readings}
    lines = []
    for step in timeline.steps:
        if not step.findings:
            continue
        where = scenario.line_of(step.event)
        loc = f"{scenario.path}:{where}" if where else "derived"
        lines.append(f"{step.event.at.isoformat()}  {describe(step.event)}  ({loc}; id {step.event.id})")
        for f in step.findings:
            reading = "" if f.interpretation is None else f" [{names.get(f.interpretation, f.interpretation)}]"
            lines.append(f"  {_MARK[f.verdict.value]:<9}{reading} {finding_text(f, timeline.law)}")
    return "\n".join(lines)


def final_text(timeline: Timeline) -> str:
    """The closing summary: phase, impasse, per-reading lawfulness, deadlines."""
    s = timeline.final
    out = [f"As of {s.on.isoformat() if s.on else '-'}: phase {s.phase.value}; impasse {s.impasse.level.value}"
           + (f" ({'; '.join(reason_texts(s.impasse))})" if s.impasse.reasons else "")]
    for r in timeline.law.readings:
        name = _reading_info(timeline.law, r)["name"]
        opened = get(s.opened_lawfully, r)
        gov = get(s.government_lawful, r)
        out.append(f"  {name}: assembly lawfully constituted: {_yn(opened)}; government lawfully installed: {_yn(gov)}")
    for d in s.deadlines:
        out.append(f"  deadline running: {d.title}, due {d.due.isoformat()} ({d.days_left(s.on)} days left)" if s.on else "")
    if s.missed:
        out.append(f"  deadlines missed: {', '.join(s.missed)}")
    return "\n".join(out)


def _yn(value: object) -> str:
    return "n/a" if value is None else ("yes" if value else "NO")


def timeline_markdown(scenario: Scenario, timeline: Timeline) -> str:
    """The replay as a Markdown document: a table, then every finding in full."""
    cols = _columns(timeline.law)
    head = ["date", "event", "phase", "impasse", *[name for name, _ in cols]]
    rows = [f"# {scenario.title}", "", f"Scenario `{scenario.id}` ({scenario.path}); constitution "
            f"`{scenario.constitution.id}`.", "", "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head)]
    for step in timeline.steps:
        cells = []
        for _, reading in cols:
            mine = [f for f in step.findings if f.interpretation == reading or (f.interpretation is None and f.rule)]
            cells.append("<br>".join(_short(f) + (f" {f.rule}" if f.rule else "") for f in mine if f.verdict.value != "info"))
        rows.append("| " + " | ".join([step.event.at.isoformat(), describe(step.event).replace("|", "/"),
                                      step.state.phase.value, step.state.impasse.level.value, *cells]) + " |")
    rows += ["", "## Findings", ""]
    names = {r: _reading_info(timeline.law, r)["name"] for r in timeline.law.readings}
    for step in timeline.steps:
        for f in step.findings:
            reading = "" if f.interpretation is None else f" *({names.get(f.interpretation)})*"
            rows.append(f"- **{step.event.at.isoformat()}** {_MARK[f.verdict.value]}{reading}: {finding_text(f, timeline.law)}")
    rows += ["", "## Outcome", "", "```", final_text(timeline), "```", ""]
    return "\n".join(rows)


def state_text(state: State, rules: Law) -> str:
    """A readable account of the state at a date."""
    d = state_data(state, rules)
    out = [f"As of {d['as_of']}: phase {d['phase']}; impasse {d['impasse']}"]
    for reason in d["impasse_reasons"]:
        out.append(f"  - {reason}")
    if d["seats"]:
        of = f" (of {d['body_size']})" if d["body_size"] is not None else " (the body's size is not set on this date)"
        out.append("Seats: " + ", ".join(f"{p} {n}" for p, n in d["seats"].items()) + of)
    if d["seated"]:
        out.append("Seated: " + ", ".join(f"{p} {n}" for p, n in d["seated"].items()))
    out.append(f"Rejecting the results: {', '.join(d['rejecting']) or 'nobody'}; complaints pending: "
               f"{d['complaints_pending']}; legal avenues exhausted: {_yn(d['legal_avenues_exhausted'])}")
    out.append("Boycotts: " + (", ".join(f"{b['party']} of {b['of']}" for b in d["boycotts"]) or "none"))
    out.append(f"Government: {d['government'] or 'none'}")
    for dl in d["deadlines"]:
        out.append(f"Deadline running: {dl['title']} (Art. {dl['article']}), due {dl['due']}, {dl['days_left']} days left")
    if d["missed_deadlines"]:
        out.append("Deadlines missed: " + ", ".join(d["missed_deadlines"]))
    for g in d["upcoming"]:
        out.append(f"Upcoming: {g['kind']} by {g['organiser']} from {g['from']} to {g['to']}")
    for r in d["readings"]:
        name = _reading_info(rules, r["interpretation"])["name"]
        out.append(f"Under {name}: assembly lawfully constituted {_yn(r['opened_lawfully'])}; "
                   f"government lawfully installed {_yn(r['government_lawful'])}")
    return "\n".join(out)


def comparison_text(comparison: Any) -> str:
    """What a what-if variant changes, in words."""
    if comparison.same:
        return "No difference: the variant replays exactly like the baseline."
    out = []
    if comparison.phases:
        out.append("Phases reached:")
        for p in comparison.phases:
            out.append(f"  {p['phase']}: baseline {p['baseline'] or 'never'}, variant {p['variant'] or 'never'}")
    if comparison.impasse:
        out.append("Impasse level changes only in one timeline:")
        for i in comparison.impasse:
            out.append(f"  {i['timeline']}: {i['at']} -> {i['level']}")
    if comparison.deadlines:
        out.append("Deadlines:")
        for d in comparison.deadlines:
            out.append(f"  {d['rule']}: baseline {d['baseline'] or 'not decided'}; variant {d['variant'] or 'not decided'}")
    if comparison.skipped:
        out.append("Events that cannot happen in the variant (skipped):")
        for e in comparison.skipped:
            out.append(f"  {e['at']} {e['event']}: {e['reason']}")
    if comparison.findings:
        out.append("Findings:")
        for f in comparison.findings:
            reading = f" [{f['interpretation']}]" if f["interpretation"] else ""
            if f["change"] in ("verdict changes", "numbers change"):
                out.append(f"  {f['at']} {f['change']}{reading}: {f['baseline_verdict']} -> {f['verdict']}: {f['message']}")
            else:
                out.append(f"  {f['at']} {f['change']}{reading}: {f['verdict']}: {f['message']}")
    return "\n".join(out)


def ensemble_text(data: dict[str, Any], names: dict[Any, str]) -> str:
    """An ensemble's outcome table (probabilities with 95 % Wilson intervals) and a histogram."""
    out = [f"{data['scenario']}: {data['runs']} runs, seed {data['seed']}", ""]
    head = f"{'reading':<34} {'opens lawfully by deadline':>28} {'opens lawfully at all':>24} {'government lawful':>24}"
    out.append(head)
    out.append("-" * len(head))
    for row in data["outcomes"]:
        cells = [_pct(row[k]) for k in ("opened_by_deadline", "opened_ever", "government_lawful")]
        out.append(f"{names.get(row['interpretation'], 'the pack' + chr(39) + 's reading'):<34} {cells[0]:>28} "
                   f"{cells[1]:>24} {cells[2]:>24}")
    days = data["impasse_days"]
    out.append("")
    resolved = days["resolved"]
    out.append(f"Impasse resolved within the horizon: {_pct(resolved)} ({resolved['runs']} runs)")
    if "median" in days:
        out.append(f"Days from the poll to resolution: median {days['median']:.0f}, 10-90 % {days['p10']:.0f}-"
                   f"{days['p90']:.0f}, mean {days['mean']:.1f} (95 % CI {days['mean_low']:.1f}-{days['mean_high']:.1f})")
    if data.get("histogram"):
        out.append("")
        top = max(n for _, _, n in data["histogram"]) or 1
        for low, high, n in data["histogram"]:
            bar = "#" * round(40 * n / top)
            out.append(f"  {low:>4}-{high:<4} days {n:>6}  {bar}")
    out.append("")
    out.append(f"Mean defections per run: {data['defections']['mean']:.2f}; events skipped per run (could not "
               f"happen in that history): {data['skipped_events']['mean']:.2f}")
    return "\n".join(out)


def _pct(cell: dict[str, Any]) -> str:
    def fmt(x: float) -> str:
        return f"{100 * x:.1f}" if x == 0 or 100 * x >= 1 else f"{100 * x:.2f}"

    return f"{100 * cell['p']:5.1f} % [{fmt(cell['low'])}, {fmt(cell['high'])}]"
