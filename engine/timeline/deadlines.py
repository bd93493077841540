"""Deadlines: an event matching a rule's filter starts one, an event matching its own filter meets
it, and its expiry (a ``deadline_expired`` event made by the clock) is a finding; a deadline may
start when another expires or is met. Consequences: the events the law derives from an expiry or
from the Nth event of a kind, returned as data for the clock to apply.

Per (rule, event) one finding at most: met, too early, done late, missed or (a term) lapsed. A dissolution ends the
legislature's running deadlines; an election answers the missed ones it meets, then starts afresh.
The counting of a period (units, the anchor's day, month ends) is
:class:`engine.rules.constitution.Period`'s.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine.errors import EngineError
from engine.rules.constitution import EventFilter, Rule, RuleKind, RulesInForce, cite
from engine.timeline.cycle import Result
from engine.timeline.events import REGISTRY, AssemblyDissolved, DeadlineExpired, ElectionHeld, Event, VoteHeld
from engine.timeline.findings import DAYS, Finding, Verdict
from engine.timeline.law import Day, LawMemo
from engine.timeline.state import Deadline, State, get, put

__all__ = ["HANDLERS", "consequences", "derived_event", "matches", "meet_and_start", "start_deadline", "starts"]


def _details(d: Deadline) -> tuple[tuple[str, object], ...]:
    shown: tuple[tuple[str, object], ...] = (("title", d.title), ("start", d.start), ("due", d.due))
    return shown if d.opens is None else (*shown, ("opens", d.opens))


def matches(wanted: EventFilter, event: Event) -> bool:
    """True if ``event`` is of the filter's type and each field it names holds one of its values.

    A vote whose tally is not recorded matches no ``outcome``: its declared outcome can't be told
    from the numbers, so it neither meets "an adopted vote" nor counts as a rejected one.
    """
    if wanted.type != event.TYPE:
        return False
    for key, values in wanted.fields:
        if key == "outcome" and isinstance(event, VoteHeld) and event.yes is None:
            return False
        value = getattr(event, key, None)
        found = any(v in value for v in values) if isinstance(value, tuple) else value in values
        if not found:
            return False
    return True


def starts(rule: Rule, event: Event) -> bool:
    """True if ``event`` is one that starts the deadline ``rule`` (it may be running already)."""
    if rule.anchor_filter is not None:
        return matches(rule.anchor_filter, event)
    return rule.after is None and rule.anchor == event.TYPE


def _meets(rule: Rule, event: Event) -> bool:
    if rule.met_filter is not None:
        return matches(rule.met_filter, event) or any(matches(f, event) for f in rule.also_met_by)
    # a rule made in code rather than read from a pack: applies_to names the sitting or the motion
    if rule.met_by != event.TYPE:
        return False
    if not rule.applies_to:
        return True
    kind = getattr(event, "sitting", None) or getattr(event, "motion", None)
    return kind is not None and rule.applies(kind)


def start_deadline(rule: Rule, anchor: date, anchor_id: str | None, event: Event) -> Deadline:
    """The deadline ``rule`` counted from the day ``anchor`` (``event`` is blamed if it falls off the calendar)."""
    period = rule.counted
    if period is None:
        msg = f"deadline {rule.id!r} has no period"
        raise EngineError(msg, event)
    try:
        due = period.end(anchor)
        opens = due if rule.exact_day else None if rule.not_before is None else rule.not_before.end(anchor)
    except OverflowError:
        due, opens = date.max, None
    if due >= date.max:  # its expiry is dated the day after: that day must exist too
        msg = (f"deadline {rule.id!r} ({period} from {anchor.isoformat()}) falls after "
               f"{(date.max - timedelta(days=1)).isoformat()}, the last day the engine can count to")
        raise EngineError(msg, event, "at")
    return Deadline(rule.id, rule.title, rule.article, anchor, due, anchor_id, opens)


def _chained(day: Day, rule_id: str, how: str, anchor: date, event: Event) -> list[Deadline]:
    """The deadlines that start when ``rule_id``'s ends ``how`` (expires or met), counted from ``anchor``."""
    return [start_deadline(rule, anchor, event.id, event) for rule in day.chained.get((rule_id, how), ())]


def _deadline_expired(event: DeadlineExpired, state: State, memo: LawMemo) -> Result:
    running = [d for d in state.deadlines if d.rule == event.rule]
    if not running:
        msg = f"no deadline {event.rule!r} is running"
        raise EngineError(msg, event, "rule")
    d = running[0]
    day = memo.day(event.at)
    # the deadlines chained `after: RULE expires` start, counted from its last day; what else the
    # expiry brings about is a consequence (`consequences`, below)
    follow = _chained(day, d.rule, "expires", d.due, event)
    deadlines = (*(x for x in state.deadlines if x.rule != event.rule), *follow)
    rule = day.deadlines.get(d.rule)
    if rule is not None and rule.expiry == "lapse":  # a term run out: nothing was due, nothing is overdue
        lapsed = Finding(Verdict.INFO, "deadline.lapsed", d.rule, d.article, details=_details(d))
        return state.replace(deadlines=deadlines), [lapsed]
    finding = Finding(Verdict.VIOLATION, "deadline.missed", d.rule, d.article, details=_details(d))
    overdue = state.overdue if d.rule in state.overdue else (*state.overdue, d.rule)
    return state.replace(deadlines=deadlines, missed=(*state.missed, event.rule), overdue=overdue), [finding]


def _met(d: Deadline, event: Event) -> Finding:
    """The finding for the act that ends a running deadline: met, or too early for its window."""
    days = (event.at - d.start).days
    if d.opens is not None and event.at < d.opens:
        return Finding(Verdict.VIOLATION, "deadline.too_early", d.rule, d.article, required=(d.opens - d.start).days,
                       count=days, unit=DAYS, details=_details(d))
    return Finding(Verdict.OK, "deadline.met", d.rule, d.article, required=(d.due - d.start).days, count=days,
                   unit=DAYS, details=_details(d))


def meet_and_start(state: State, event: Event, day: Day) -> Result:
    """Meet the deadlines this event meets; start those it anchors.

    One finding per rule at most: an act that meets a running deadline also answers the same rule's
    earlier missed period (no "done late" besides "met"). A rule with ``restart: first`` is started
    by a matching event only when it is neither running nor missed and still undone, and never by
    the event that just met it; with ``restart: each`` every matching event starts it afresh. A rule
    with ``count: N`` is started by the Nth matching event since the election only (tallied in the
    state, which an election makes afresh).
    """
    anchored = day.anchored.get(event.TYPE, ())
    if not (state.deadlines or state.overdue or anchored):
        return state, []  # the common case: nothing to meet, nothing to start
    findings: list[Finding] = []
    running = list(state.deadlines)
    overdue = list(state.overdue)
    done: set[str] = set()
    for d in state.deadlines:
        rule = day.deadlines.get(d.rule)
        if rule is None or d.rule in done or not _meets(rule, event):
            continue
        running.remove(d)
        done.add(d.rule)
        finding = _met(d, event)
        findings.append(finding)
        if d.rule in overdue:
            overdue.remove(d.rule)
        if finding.code == "deadline.met":
            running.extend(_chained(day, d.rule, "met", event.at, event))
    for rule_id in state.overdue:
        rule = day.deadlines.get(rule_id)
        if rule is not None and rule_id not in done and _meets(rule, event):
            findings.append(Finding(Verdict.INFO, "deadline.done_late", rule.id, rule.article,
                                    details=(("title", rule.title),)))
            overdue.remove(rule_id)
            done.add(rule_id)
    if isinstance(event, AssemblyDissolved):
        # the parliament is gone: what it had to do is no longer due, and nothing of it can be missed
        for d in running:
            findings.append(Finding(Verdict.INFO, "deadline.ended", d.rule, d.article,
                                    details=(*_details(d), ("by", event.TYPE))))
        running, overdue = [], []
    elif isinstance(event, ElectionHeld):
        overdue = []  # a new legislature: the old one's missed acts were answered above, or never will be
    tallies = state.tallies
    for rule in anchored:
        if not starts(rule, event):
            continue
        if rule.count != 1:  # only the Nth matching event since the election starts it, once
            n = get(tallies, f"anchor:{rule.id}", 0) + 1
            tallies = put(tallies, f"anchor:{rule.id}", n)
            if n != rule.count:
                continue
        if rule.restart == "first" and (rule.id in done or rule.id in overdue
                                        or any(d.rule == rule.id for d in running)):
            continue
        running = [d for d in running if d.rule != rule.id]
        running.append(start_deadline(rule, event.at, event.id, event))
    changes: dict[str, tuple] = {}
    if running != list(state.deadlines):
        changes["deadlines"] = tuple(running)
    if overdue != list(state.overdue):
        changes["overdue"] = tuple(overdue)
    if tallies is not state.tallies:
        changes["tallies"] = tallies
    return (state.replace(**changes) if changes else state), findings


# --------------------------------------------------------------------------- consequences


def _consequence_rules(ruleset: RulesInForce, body: str) -> tuple[Rule, ...]:
    return ruleset.of_kind(RuleKind.CONSEQUENCE, body)


def derived_event(wanted: EventFilter, rule: Rule, on: date, cause: Event) -> Event:
    """The event a consequence rule derives: of the filter's type, with its values, dated ``on``."""
    fields: dict[str, Any] = {key: values[0] for key, values in wanted.fields}
    source = (f"derived by the engine from rule {rule.id} ({cite(rule.article)})",)
    try:
        return REGISTRY[wanted.type](at=on, source=source, id=f"{wanted.type}:{rule.id}@{on.isoformat()}", **fields)
    except (TypeError, ValueError) as exc:  # the pack reader checks this; a rule made in code may not
        msg = f"consequence {rule.id!r} can't derive {wanted}: {exc}"
        raise EngineError(msg, cause) from None


def consequences(state: State, event: Event, findings: list[Finding], day: Day,
                 memo: LawMemo) -> tuple[State, list[Finding], tuple[Event, ...]]:
    """The events the law derives from ``event`` (its findings say which deadlines it met), as data.

    A consequence ``after: RULE expires`` follows that rule's expiry, ``after: RULE met`` the act that
    met it; one ``when`` a filter follows each matching event or, with ``count: N``, the Nth since
    the election. The derived events are dated the event's day: the clock applies them next.
    """
    rules = memo.judged(("consequences", id(day.ruleset)), _consequence_rules, day.ruleset, memo.law.body)
    if not rules:
        return state, [], ()
    met = {f.rule for f in findings if f.code == "deadline.met"}
    fired: list[Rule] = []
    tallies = state.tallies
    for rule in rules:
        if rule.after is not None:
            rule_id, how = rule.after
            if (how == "expires" and isinstance(event, DeadlineExpired) and event.rule == rule_id) or (
                    how == "met" and rule_id in met):
                fired.append(rule)
        elif rule.when is not None and matches(rule.when, event):
            if rule.count == 1:
                fired.append(rule)
                continue
            n = get(tallies, rule.id, 0) + 1
            tallies = put(tallies, rule.id, n)
            if n == rule.count:
                fired.append(rule)
    if tallies is not state.tallies:
        state = state.replace(tallies=tallies)
    more = [Finding(Verdict.INFO, "consequence.derived", r.id, r.article, sources=r.source,
                    details=(("title", r.title), ("events", tuple(f.type for f in r.derive)))) for r in fired]
    return state, more, tuple(derived_event(f, r, event.at, event) for r in fired for f in r.derive)


HANDLERS = {DeadlineExpired: _deadline_expired}
