"""The explanation trace of a finding: the rule version in force, its text and sources, the arithmetic.

A finding carries the rule's id, version (``since``), amendment, threshold and sources; the pack has
the rule's title and text and the amendment's title; the event has its own sources and counts. This
module puts them together, once, as plain values every renderer can show: the HTML report's
expandable explanations read :class:`Explanation` only.
"""

from __future__ import annotations

import difflib
import math
import textwrap
from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from engine.errors import ImpasseError, UnknownNameError
from engine.report.text import MARK
from engine.rules.constitution import Amendment, Rule
from engine.rules.thresholds import (
    Base,
    Combined,
    Comparator,
    Count,
    Counts,
    Share,
    Threshold,
    Versus,
    parse_threshold,
    render,
)
from engine.timeline.law import Law

if TYPE_CHECKING:
    from engine.report.view import FindingView, TimelineView

__all__ = ["UNITS", "EventTrace", "Explanation", "arithmetic", "chamber_size", "explain", "sources_of", "trace_data",
           "trace_event", "trace_text"]


@attrs.frozen
class Explanation:
    """Why a finding says what it says, down to the sources of the rule and of the event.

    Attributes:
        rule: the rule's id (None: a finding about a fact, judged by no rule).
        title: the rule's title in the pack.
        version: the day the version in force took effect (None: the first, undated).
        amendment: the amendment that made that version, as ``id: title`` (None: none).
        article: the article the rule cites.
        text: the rule's text as the pack gives it (None: the pack gives none).
        threshold: the threshold as canonical text.
        arithmetic: how the required number follows from the threshold, one line per clause
            (``2/3 × 123 members = 82 → at least 82``).
        count, required, unit: the numbers compared, and what they count.
        reading: the reading's name (None: the rule binds under every reading).
        claim, holder: what the reading claims, and who holds it.
        rule_sources: the sources of the rule's version (and of the amendment).
        event_sources: the sources of the event judged.
        note: the rule's note in the pack.
    """

    rule: str | None
    title: str | None
    version: date | None
    amendment: str | None
    article: str | None
    text: str | None
    threshold: str | None
    arithmetic: tuple[str, ...]
    count: int | None
    required: int | None
    unit: str | None
    reading: str | None
    claim: str | None
    holder: str | None
    rule_sources: tuple[str, ...]
    event_sources: tuple[str, ...]
    note: str | None = None


def sources_of(event: Mapping[str, Any]) -> tuple[str, ...]:
    """The sources of an event as in a scenario file: one text or a list of them."""
    given = event.get("source")
    if not given:
        return ()
    return (str(given),) if isinstance(given, str) else tuple(str(s) for s in given)


def explain(finding: Any, at: date, event: Mapping[str, Any], law: Law) -> Explanation:
    """The explanation of ``finding`` (a :class:`~engine.report.view.FindingView`), made on ``at`` about ``event``.

    The rule's version is the one in force on ``at`` under the finding's reading, as the law stood
    (``law.known_on``); where no version of that id is found (a rule the law no longer has), the
    explanation keeps what the finding itself carries.
    """
    rule = _rule(law, finding.rule, finding.reading, at)
    amendment = _amendment(law, finding.amendment)
    reading = None
    claim = holder = None
    if finding.reading is not None:
        interp = law.constitution.interpretation(finding.reading)
        reading, claim, holder = interp.name, interp.claim, interp.holder
    rule_sources = tuple(finding.sources) or (() if rule is None else tuple(rule.source))
    if amendment is not None:
        rule_sources += tuple(s for s in amendment.source if s not in rule_sources)
    return Explanation(
        rule=finding.rule,
        title=None if rule is None else rule.title,
        version=finding.version,
        amendment=None if finding.amendment is None else
        (finding.amendment if amendment is None else f"{amendment.id}: {amendment.title}"),
        article=finding.article,
        text=None if rule is None else rule.text,
        threshold=finding.threshold,
        arithmetic=arithmetic(finding.threshold, _counts(law, at, event), finding.unit) or _days(finding, rule),
        count=finding.count,
        required=finding.required,
        unit=finding.unit,
        reading=reading,
        claim=claim,
        holder=holder,
        rule_sources=rule_sources,
        event_sources=sources_of(event),
        note=None if rule is None else rule.note,
    )


def _days(finding: Any, rule: Rule | None) -> tuple[str, ...]:
    """A deadline's arithmetic: its start, its period (as the rule counts it) and its due day, and
    when the act came."""
    details = dict(finding.details)
    start, due = details.get("start"), details.get("due")
    if finding.unit != "days" or not isinstance(start, date) or not isinstance(due, date):
        return ()
    period = rule.counted if rule is not None else None
    line = f"{start.isoformat()} + {period or f'{(due - start).days} days'} → due {due.isoformat()}"
    if finding.count is not None:
        line += f"; the act came {finding.count} days after {start.isoformat()}"
    return (line,)


def _rule(law: Law, rule_id: str | None, reading: str | None, at: date) -> Rule | None:
    if rule_id is None:
        return None
    for rule in law.rules_on(at, reading).rules:
        if rule.id == rule_id:
            return rule
    return None


def _amendment(law: Law, amendment_id: str | None) -> Amendment | None:
    return next((a for a in law.constitution.amendments if a.id == amendment_id), None)


def _counts(law: Law, at: date, event: Mapping[str, Any]) -> Counts | None:
    """The numbers of the body and the event on ``at``: what a threshold's bases are taken from."""
    size = chamber_size(law, at, event)
    if size is None:
        return None
    present = event.get("present")
    if present is None and event.get("present_by_party"):
        present = sum(event["present_by_party"].values())
    try:
        return Counts(all_members=size, present=present, yes=event.get("yes"), no=event.get("no") or 0,
                      abstain=event.get("abstain") or 0, blank=event.get("blank") or 0,
                      invalid=event.get("invalid") or 0)
    except ImpasseError:
        # numbers that cannot stand together were judged by the engine already: show no arithmetic
        return Counts(all_members=size)


def chamber_size(law: Law, at: date, event: Mapping[str, Any]) -> int | None:
    """The seats on ``at`` of the chamber the event took place in (its ``body``, else the law's)."""
    try:
        return law.constitution.body(event.get("body") or law.body).size_on(at)
    except ImpasseError:  # a body the pack does not know was refused when the scenario was read
        return law.size_on(at)


_BASE_VALUE = {
    Base.ALL_MEMBERS: lambda c: c.all_members,
    Base.MEMBERS_IN_OFFICE: lambda c: c.in_office,
    Base.SITTING_MEMBERS: lambda c: c.seated,
    Base.MEMBERS_PRESENT: lambda c: c.present,
    Base.MEMBERS_VOTING: lambda c: c.voting,
    Base.VOTES_CAST: lambda c: c.cast,
    Base.VALID_VOTES: lambda c: c.valid,
}


def arithmetic(threshold: str | None, counts: Counts | None, unit: str | None = None) -> tuple[str, ...]:
    """How each clause of ``threshold`` (canonical text) gives its minimal count on ``counts``.

    >>> from engine.rules.thresholds import Counts
    >>> arithmetic("at least 2/3 of all members", Counts(all_members=123))
    ('2/3 × 123 (all members) = 82 → at least 82',)
    >>> arithmetic("at least 1/2 of all members plus 1", Counts(all_members=123))
    ('1/2 × 123 (all members) = 61.5 → at least 62, plus 1 → 63',)
    >>> arithmetic("more than 1/2 of all members", Counts(all_members=123))
    ('1/2 × 123 (all members) = 61.5 → more than that: 62',)
    """
    if threshold is None or counts is None:
        return ()
    try:
        parsed = parse_threshold(threshold)
    except ImpasseError:
        return ()
    return tuple(_lines(parsed, counts, unit))


def _lines(threshold: Threshold, counts: Counts, unit: str | None) -> list[str]:
    if isinstance(threshold, Combined):
        return [line for part in threshold.parts for line in _lines(part, counts, unit)]
    if isinstance(threshold, Versus):
        return [f"{render(threshold)}: one more than the other side"]
    if isinstance(threshold, Count):
        extra = " + 1" if threshold.comparator is Comparator.MORE_THAN else ""
        need = threshold.number + (1 if extra else 0)
        return [f"a fixed number: {threshold.number} {threshold.counted.value}{extra} → {need}"]
    return [_share(threshold, counts)]


def _share(share: Share, counts: Counts) -> str:
    base = _BASE_VALUE[share.base](counts)
    fraction = f"{share.fraction.numerator}/{share.fraction.denominator}"
    if base is None:
        return f"{fraction} of {share.base.value} (not known for this event)"
    exact = share.fraction * base
    if share.comparator is Comparator.MORE_THAN:
        need = math.floor(exact) + 1
        line = f"{fraction} × {base} ({share.base.value}) = {_number(exact)} → more than that: {need}"
    else:
        need = math.ceil(exact)
        line = f"{fraction} × {base} ({share.base.value}) = {_number(exact)} → at least {need}"
    if share.offset:
        line += f", plus {share.offset} → {need + share.offset}"
    return line


def _number(value: Fraction) -> str:
    """An exact product as people write it: whole, or to two decimals (``81.33…``)."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text if Fraction(text) == value else f"{text}…"


#: what a count is counted in, said beside the counts of an explanation
UNITS = {"members": "members present (a quorum)", "votes": "votes (a decision)", "days": "days (a deadline)",
         "seats": "seats"}


@attrs.frozen
class EventTrace:
    """The explanation of every finding of one event (``impasse explain``).

    Attributes:
        at, time, id, summary: the event's day, time of day, id and one-line summary.
        path, line: the scenario file and the event's line in it (None: derived by the law).
        sources: the event's sources.
        findings: each finding with its explanation, in the order the engine made them.
    """

    at: date
    time: str | None
    id: str | None
    summary: str
    path: str
    line: int | None
    sources: tuple[str, ...]
    findings: tuple[tuple[FindingView, Explanation], ...]


def trace_event(view: TimelineView, event_id: str, law: Law) -> tuple[EventTrace, ...]:
    """The traces of the steps of ``view`` whose event is ``event_id`` (one, where ids are unique).

    Raises:
        UnknownNameError: no step has that id (the message suggests the closest id).
    """
    steps = [s for s in view.steps if s.id == event_id]
    if not steps:
        ids = [s.id for s in view.steps if s.id]
        hint = difflib.get_close_matches(event_id, ids, n=1)
        extra = f" Did you mean {hint[0]!r}?" if hint else " The ids are listed by 'impasse replay FILE'."
        msg = f"{view.scenario.path}: no event {event_id!r}.{extra}"
        raise UnknownNameError(msg)
    return tuple(EventTrace(at=s.at, time=s.time, id=s.id, summary=s.summary, path=view.scenario.path, line=s.line,
                            sources=sources_of(s.event),
                            findings=tuple((f, explain(f, s.at, s.event, law)) for f in s.findings))
                 for s in steps)


def trace_data(traces: tuple[EventTrace, ...]) -> list[dict[str, Any]]:
    """The traces as JSON-ready data (docs/report.md): one object per step of the event."""
    return [{"at": t.at, "time": t.time, "event": t.id, "summary": t.summary, "path": t.path, "line": t.line,
             "sources": list(t.sources),
             "findings": [{"verdict": f.verdict, "code": f.code, "interpretation": f.reading, "message": f.text,
                           "reason": f.reason, "explanation": attrs.asdict(e)}
                          for f, e in t.findings]}
            for t in traces]


def trace_text(traces: tuple[EventTrace, ...], width: int = 100) -> str:
    """The traces in words, the sources numbered once, in order of first citation."""
    refs: dict[str, int] = {}

    def cite(sources: tuple[str, ...]) -> list[str]:
        for s in sources:
            refs.setdefault(s, len(refs) + 1)
        return [f"[{refs[s]}]" for s in sources]

    out: list[str] = []
    for t in traces:
        where = "derived by the law" if t.line is None else f"{t.path}:{t.line}"
        out.append(_wrap(f"{t.at.isoformat()}{' ' + t.time if t.time else ''}  ", f"{t.summary}  ({where}; id {t.id})",
                         width))
        out.append("  sources of the event: " + (" ".join(cite(t.sources)) or
                                                 ("none: derived from the events before it" if t.line is None
                                                  else "none given")))
        if not t.findings:
            out.append("  no findings: nothing the law judges happened here")
        for f, e in t.findings:
            out.append("")
            out.extend(_finding_lines(f, e, cite, width))
        out.append("")
    out.append("References:")
    out.extend(_wrap(f"[{n}] ", s, width) for s, n in refs.items())
    return "\n".join(out)


def _finding_lines(f: FindingView, e: Explanation, cite: Callable[[tuple[str, ...]], list[str]],
                   width: int) -> list[str]:
    out = [_wrap(f"{MARK[f.verdict]} ", f.text, width)]
    rows: list[tuple[str, str]] = []
    if e.rule:
        rows.append(("rule", e.rule + (f": {e.title}" if e.title else "")))
        rows.append(("version", f"in force since {e.version.isoformat()}" if e.version else "the first version"))
        rows.append(("amendment", e.amendment or "none named for this version"))
        rows.append(("article", e.article or "none cited"))
        rows.append(("text", e.text or "the pack gives no text"))
        if e.note:
            rows.append(("pack note", e.note))
        if e.threshold:
            rows.append(("threshold", e.threshold))
        rows.extend(("arithmetic", line) for line in e.arithmetic)
    if e.count is not None or e.required is not None:
        counted = "-" if e.count is None else str(e.count)
        required = "none" if e.required is None else str(e.required)
        unit = f", in {UNITS.get(e.unit, e.unit)}" if e.unit else ""
        rows.append(("counts", f"{counted} counted, {required} required{unit}"))
    if f.reason:
        rows.append(("why", f.reason))
    reading = "every reading: no reading changes this"
    if e.reading:
        reading = e.reading + (f" (held by {e.holder})" if e.holder else "") + (f": {e.claim}" if e.claim else "")
    rows.append(("reading", reading))
    if e.rule:
        rows.append(("rule sources", " ".join(cite(e.rule_sources)) or "none given in the pack"))
    rows.append(("code", f.code))
    out.extend(_wrap(f"  {label:<13}", value, width) for label, value in rows)
    return out


def _wrap(head: str, value: str, width: int) -> str:
    """``value`` after ``head``, wrapped to ``width`` with a hanging indent under its start."""
    return "\n".join(textwrap.wrap(value, width=max(width, len(head) + 20), initial_indent=head,
                                   subsequent_indent=" " * len(head), break_on_hyphens=False,
                                   break_long_words=False)) or head.rstrip()
