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

from collections.abc import Callable

from engine.errors import EngineError
from engine.timeline import cycle, deadlines, government, parliament
from engine.timeline.events import DeadlineExpired, Event
from engine.timeline.findings import Finding, Step, Verdict
from engine.timeline.impasse import with_impasse
from engine.timeline.law import Day, Law, LawMemo
from engine.timeline.state import State

__all__ = ["Day", "Finding", "Law", "LawMemo", "Step", "Verdict", "initial_state", "transition"]

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
