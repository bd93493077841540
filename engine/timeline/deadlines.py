"""Deadlines: an anchor event starts one, the act it requires meets it, and its expiry (a
``deadline_expired`` event made by the clock) is a finding.
"""

from __future__ import annotations

from datetime import date, timedelta

from engine.errors import EngineError
from engine.rules.constitution import Rule
from engine.timeline.cycle import Result
from engine.timeline.events import DeadlineExpired, Event
from engine.timeline.findings import DAYS, Finding, Verdict
from engine.timeline.law import Day, LawMemo
from engine.timeline.state import Deadline, State

__all__ = ["HANDLERS", "meet_and_start"]


def _details(d: Deadline) -> tuple[tuple[str, object], ...]:
    return (("title", d.title), ("start", d.start), ("due", d.due))


def _deadline_expired(event: DeadlineExpired, state: State, memo: LawMemo) -> Result:
    running = [d for d in state.deadlines if d.rule == event.rule]
    if not running:
        msg = f"no deadline {event.rule!r} is running"
        raise EngineError(msg, event, "rule")
    d = running[0]
    finding = Finding(Verdict.VIOLATION, "deadline.missed", d.rule, d.article, details=_details(d))
    return state.replace(deadlines=tuple(x for x in state.deadlines if x.rule != event.rule),
                         missed=(*state.missed, event.rule), overdue=(*state.overdue, event.rule)), [finding]


def _meets(rule: Rule, event: Event) -> bool:
    if rule.met_by != event.TYPE:
        return False
    if not rule.applies_to:
        return True
    kind = getattr(event, "sitting", None) or getattr(event, "motion", None)
    return kind is not None and rule.applies(kind)


def meet_and_start(state: State, event: Event, day: Day) -> Result:
    """Meet the deadlines this event meets; start those it anchors (restarting any running)."""
    anchored = day.anchored.get(event.TYPE, ())
    if not (state.deadlines or state.overdue or anchored):
        return state, []  # the common case: nothing to meet, nothing to start
    findings: list[Finding] = []
    running = list(state.deadlines)
    for d in list(running):
        rule = day.deadlines.get(d.rule)
        if rule is not None and _meets(rule, event):
            running.remove(d)
            days = (event.at - d.start).days
            findings.append(Finding(Verdict.OK, "deadline.met", d.rule, d.article, required=(d.due - d.start).days,
                                    count=days, unit=DAYS, details=_details(d)))
    for rule_id in state.overdue:
        rule = day.deadlines.get(rule_id)
        if rule is not None and _meets(rule, event):
            findings.append(Finding(Verdict.INFO, "deadline.done_late", rule.id, rule.article,
                                    details=(("title", rule.title),)))
            state = state.replace(overdue=tuple(x for x in state.overdue if x != rule_id))
    for rule in anchored:
        running = [d for d in running if d.rule != rule.id]
        try:
            due = event.at + timedelta(days=rule.days)  # type: ignore[arg-type]
        except OverflowError:
            due = date.max
        if due >= date.max:  # its expiry is dated the day after: that day must exist too
            msg = (f"deadline {rule.id!r} ({rule.days} days from {event.at.isoformat()}) falls after "
                   f"{(date.max - timedelta(days=1)).isoformat()}, the last day the engine can count to")
            raise EngineError(msg, event, "at")
        running.append(Deadline(rule.id, rule.title, rule.article, event.at, due, event.id))
    if running == list(state.deadlines):
        return state, findings
    return state.replace(deadlines=tuple(running)), findings


HANDLERS = {DeadlineExpired: _deadline_expired}
