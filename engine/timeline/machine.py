"""The pure state machine: ``transition(state, event, law) -> Step``.

One small handler per event type, in the module of its concern (:mod:`~engine.timeline.cycle`,
:mod:`~engine.timeline.parliament`, :mod:`~engine.timeline.government`,
:mod:`~engine.timeline.deadlines`); then the deadlines an event meets or starts, then the impasse
level (:mod:`~engine.timeline.impasse`). The events the law derives from an event (a dissolution
that follows an expiry) are returned in the step, as data, for the clock to apply. Two kinds of "no":

* an **engine error** (:class:`EngineError`) for an event that cannot describe reality in the
  current state (a vote with no sitting, more seats than the body has); nothing is applied;
* a **finding** (:class:`~engine.timeline.findings.Finding`) for an act that broke a rule (a sitting
  below quorum, a missed deadline, a government installed by too few votes); data, judged per
  interpretation.

No I/O, no clock, no randomness; ``transition`` changes nothing it is given.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import attrs

from engine.errors import EngineError
from engine.rules.constitution import RuleKind
from engine.timeline import cycle, deadlines, government, parliament
from engine.timeline.events import AgreementReached, BoycottEnded, DeadlineExpired, Event, SeatsTaken, TalksHeld
from engine.timeline.findings import Finding, Step, Verdict
from engine.timeline.impasse import formation_reads_date, with_impasse
from engine.timeline.law import Day, Law, LawMemo
from engine.timeline.state import State

__all__ = ["DATE_FREE", "Day", "Finding", "Law", "LawMemo", "Step", "Verdict", "initial_state", "moved",
           "moves_in_time", "transition", "undated_event"]

Handler = Callable[[Event, State, LawMemo], cycle.Result]

#: the handler of each event class
HANDLERS: dict[type[Event], Handler] = {
    **cycle.HANDLERS, **parliament.HANDLERS, **government.HANDLERS, **deadlines.HANDLERS,  # type: ignore[dict-item]
}


def initial_state(law: Law) -> State:
    """The state before any event."""
    return State(body=law.body)


def transition(state: State, event: Event, law: Law, memo: LawMemo | None = None) -> Step:
    """Apply one event to the state.

    Args:
        state: the state before the event.
        event: the event (recorded, or derived by replay).
        law: the constitution, body and readings.
        memo: what the law says, kept by replay or the simulator across calls (a fresh one if None).
            It must have been made for ``law``: its answers are the same with or without it.

    Returns:
        A :class:`Step` with the new state and the findings about the event.

    Raises:
        EngineError: the event cannot happen in this state; nothing is applied.
    """
    if memo is None:
        memo = LawMemo(law)
    elif memo.law is not law:
        msg = "the memo keeps another law's answers: make one LawMemo per Law"
        raise ValueError(msg)
    at = event.at
    if state.on is not None and at < state.on:
        msg = f"event dated {at} comes after one dated {state.on}: events must be in date order"
        raise EngineError(msg, event, "at")
    day: Day = memo.day(at)
    size = day.size if day.size is not None else state.body_size
    if state.on != at or state.body_size != size:
        state = state.replace(on=at, body_size=size)
    handler = HANDLERS.get(type(event))
    if handler is None:
        msg = f"no handler for event type {type(event).__name__}"
        raise EngineError(msg, event)
    new, findings = handler(event, state, memo)
    if new.mandate is not None and event.TYPE in cycle.ENDS_MANDATE:
        new = new.replace(mandate=None)
    if not isinstance(event, DeadlineExpired) and (new.deadlines or new.overdue or event.TYPE in day.anchored):
        new, more = deadlines.meet_and_start(new, event, day)
        findings = findings + more
    new, more, follows = deadlines.consequences(new, event, findings, day, memo)
    return Step(event, with_impasse(new, memo, day), tuple(findings + more), follows)


# --- steps that hold on other days ----------------------------------------------------------------

#: Event types whose handler reads neither the event's date nor the state's (members taking their
#: seats, an agreement, a boycott ended, talks held): given the same state, the step such an event
#: makes differs from one day to another only where :func:`transition` itself reads the date, which
#: :func:`moves_in_time` rules out step by step. A type joins only after its handler is read for it.
DATE_FREE: frozenset[type[Event]] = frozenset({SeatsTaken, AgreementReached, BoycottEnded, TalksHeld})

_OTHER_FIELDS: dict[type[Event], Callable[[Event], tuple]] = {}  # each event class's getter of all but its date

def undated_event(event: Event) -> tuple:
    """``event`` with its date left out: its type and every other field's value (an event has several:
    its source, note, id...)."""
    cls = type(event)
    get = _OTHER_FIELDS.get(cls)
    if get is None:
        get = _OTHER_FIELDS[cls] = operator.attrgetter(*(a.name for a in attrs.fields(cls) if a.name != "at"))
    return (cls, *get(event))


def moves_in_time(before: State, step: Step, memo: LawMemo) -> bool:
    """Whether ``step``, made by :func:`transition` from ``before`` (whatever its date), is also the step
    of an equal event dated any other day on which the law is the same :class:`Day`, but for the new
    state's date (:func:`moved`).

    :func:`transition` reads the event's date in these places, each ruled out here: the law in force
    and the body's size (the caller checks the other day's :class:`Day` is this one); the handler
    (only :data:`DATE_FREE` types); deadlines met or started (no deadline running or overdue before or
    after, none anchored on the event's type); consequences (none fired: no findings, no events
    derived; no rule's filter reads a date); the formation level (not read from the date, before the
    step); the new state's date (set by :func:`moved`).
    """
    event = step.event
    if type(event) not in DATE_FREE or step.findings or step.follows:
        return False
    after = step.state
    if before.deadlines or before.overdue or after.deadlines or after.overdue or formation_reads_date(before):
        return False
    day = memo.day(event.at)
    if event.TYPE in day.anchored:
        return False
    return not memo.judged(("consequences read dates", id(day.ruleset)), _consequences_read_dates, day, memo.law.body)


def _consequences_read_dates(day: Day, body: str) -> bool:
    return any(rule.when is not None and any(key == "at" for key, _ in rule.when.fields)
               for rule in day.ruleset.of_kind(RuleKind.CONSEQUENCE, body))


def moved(step: Step, event: Event) -> Step:
    """The step of ``event``, equal to ``step``'s but for its date: ``step`` must move in time
    (:func:`moves_in_time`) to a day of the same :class:`Day`."""
    return Step(event, step.state.replace(on=event.at))
