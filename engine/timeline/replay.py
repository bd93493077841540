"""Replay on a SimPy clock: recorded events at their dates, deadline watchers, point-in-time state.

SimPy time is a number of days since the first event. Each recorded event is applied on its day,
in file order within a day. A deadline started by an anchor event is watched by a SimPy timeout
at the end of its due day; the act that meets it first withdraws the watcher (the timeout then
does nothing), and an expiry that finds its watcher still there makes a ``deadline_expired``
event dated the first day past the deadline. The events the law derives from a step (its
``follows``) are applied next, on their dates, marked derived. Without an end date, the clock runs
past the last recorded event until no deadline runs (:data:`HORIZON` at most).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import attrs
import simpy

from engine.errors import EngineError
from engine.rules.constitution import cite
from engine.timeline.events import DeadlineExpired, Event
from engine.timeline.machine import (
    DATE_FREE,
    Day,
    Law,
    LawMemo,
    Step,
    initial_state,
    moved,
    moves_in_time,
    transition,
    undated_event,
)
from engine.timeline.state import Deadline, State

__all__ = ["HORIZON", "Clock", "StepMemo", "Timeline", "replay", "state_at"]

#: how long after the last recorded event a replay with no end date runs while deadlines run
HORIZON = timedelta(days=3 * 365)
#: derived events that may follow one another from one event: more means consequences without end
_CHAIN_LIMIT = 100

# A deadline expires at the very end of its due day: before anything dated the next day.
_EPSILON = 1e-6
_END_OF_DAY = 1 - _EPSILON


@attrs.frozen
class Timeline:
    """The result of a replay: every step, and the state at the end (``as_of``)."""

    law: Law
    steps: tuple[Step, ...]
    final: State
    as_of: date | None
    #: events that could not happen and were skipped (lenient replays only), with the reason
    skipped: tuple[tuple[Event, str], ...] = ()

    @property
    def findings(self) -> tuple:
        return tuple(f for step in self.steps for f in step.findings)


class StepMemo:
    """Steps already made, shared by clocks that replay similar histories.

    ``transition`` is pure, so a (state, event) pair seen before gives the same step (or the same
    refusal). Three things make pairs from different histories match, or cheap to make:

    * the state's date is left out of the key: ``transition`` reads it only to refuse an event
      dated before it, then dates the new state by the event, so states that differ in their date
      alone give equal steps for one event (``tests/test_machine.py`` checks this property);
    * histories that differ (a member defecting in week 3 or in week 4) often reach equal states:
      those are made one object, so that, with callers sharing equal events too, most lookups
      match the pair by identity (a dict keyed by the two objects' ids, checked with ``is``)
      instead of hashing and comparing states field by field;
    * a step that moves in time (:func:`~engine.timeline.machine.moves_in_time`: members taking their
      seats, an agreement, with no deadline running and nothing found) is also kept by the state and
      the event without its date, so that the same event on another day under the same law is the
      same step moved to that day (:func:`~engine.timeline.machine.moved`) instead of a new
      ``transition``: a defection made on day 60 or day 67 of a boycott, from one state, is one step
      made and one moved (``tests/timeline/test_moves_in_time.py`` checks moved steps against
      ``transition``).

    Steps depend on the law they were made under, so a memo serves one :class:`Law` (the first it is
    asked about); it also keeps that law's :class:`LawMemo`, which the clocks pass to ``transition``.

    Args:
        limit: pairs kept before the memo starts afresh (bounds its memory).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._law_memo: LawMemo | None = None
        #: (the state without its date, event) -> step
        self._by_value: dict[tuple[State, Event], Step | EngineError] = {}
        self._by_id: dict[tuple[int, int], tuple[State, Event, Step | EngineError]] = {}
        self._states: dict[State, State] = {}  # each state made, interned
        self._undated: dict[State, State] = {}  # each state without its date, interned
        self._twins: dict[int, tuple[State, State]] = {}  # id(state) -> (state, it without its date)
        #: (the state without its date, the event without its date) -> a step that moves in time, and
        #: the law of its day (machine.moves_in_time): an equal event on another day of that law makes it
        self._undated_steps: dict[tuple[State, tuple], tuple[Step, Day]] = {}

    def __len__(self) -> int:
        return len(self._by_value)

    def items(self) -> Iterable[tuple[tuple[State, Event], Step | EngineError]]:
        """Each (state without its date, event) pair kept, with its step or refusal."""
        return self._by_value.items()

    def law_memo(self, law: Law) -> LawMemo:
        """The memo of what ``law`` says, shared by every clock that shares this step memo."""
        if self._law_memo is None:
            self._law_memo = LawMemo(law, self.limit)
        elif self._law_memo.law is not law:
            msg = "a StepMemo keeps the steps of one law: make one per Law"
            raise ValueError(msg)
        return self._law_memo

    def get(self, state: State, event: Event) -> Step | EngineError | None:
        """The step made before for this state (whatever its date) and event, or None."""
        key = (id(state), id(event))
        found = self._by_id.get(key)
        if found is not None and found[0] is state and found[1] is event:
            return found[2]
        if state.on is not None and event.at < state.on:
            return None  # refused for its date alone, which the memo's keys leave out
        undated = self._without_date(state)
        step = self._by_value.get((undated, event))
        if step is not None:  # the entry keeps both objects alive, so their ids stay theirs
            if len(self._by_id) >= self.limit:
                self._by_id.clear()  # only a shortcut to _by_value: dropping it loses nothing
            self._by_id[key] = (state, event, step)
        elif type(event) in DATE_FREE and self._undated_steps:  # made on another day?
            other = self._undated_steps.get((undated, undated_event(event)))
            if other is not None and self._law_memo is not None and self._law_memo.day(event.at) is other[1]:
                return self.put(state, event, moved(other[0], event), moves=False)
        return step

    def put(self, state: State, event: Event, step: Step | EngineError, *, moves: bool = True) -> Step | EngineError:
        """Remember ``step``; returns it with its state replaced by an equal one seen before. ``moves``:
        look whether the step moves in time (False for a step moved already: its first is kept)."""
        if len(self._by_value) >= self.limit:
            self._by_value.clear()
            self._by_id.clear()
            self._states.clear()
            self._undated.clear()
            self._twins.clear()
            self._undated_steps.clear()
        if isinstance(step, Step):
            canonical = self._states.setdefault(step.state, step.state)
            if canonical is not step.state:
                step = attrs.evolve(step, state=canonical)
            law = self._law_memo
            if moves and type(event) in DATE_FREE and law is not None and moves_in_time(state, step, law):
                self._undated_steps.setdefault((self._without_date(state), undated_event(event)),
                                               (step, law.day(event.at)))
        if state.on is None or not event.at < state.on:  # a refusal for the date stays with this pair
            self._by_value[(self._without_date(state), event)] = step
        self._by_id[(id(state), id(event))] = (state, event, step)
        return step

    def _without_date(self, state: State) -> State:
        """``state`` with no date, one object for all equal ones (found by identity when seen before)."""
        twin = self._twins.get(id(state))
        if twin is not None and twin[0] is state:
            return twin[1]
        undated = state if state.on is None else state.replace(on=None)
        undated = self._undated.setdefault(undated, undated)
        if len(self._twins) >= self.limit:
            self._twins.clear()  # a shortcut too
        self._twins[id(state)] = (state, undated)  # keeps the state alive, so its id stays its own
        return undated


class Clock:
    """A SimPy environment that applies events to the state machine and watches deadlines.

    Used by :func:`replay` and by the simulator, which starts several from one snapshot state.

    Args:
        law: what to judge by.
        origin: day 0 of the SimPy clock.
        state: the state to start from (default: before any event).
        lenient: skip events that cannot happen (counted in ``skipped``) instead of raising.
        keep_steps: keep every :class:`Step` (a simulation only needs the state).
        memo: a :class:`StepMemo` shared between clocks that replay similar histories.
        observer: called with every step applied.
    """

    def __init__(self, law: Law, origin: date, state: State | None = None, *, lenient: bool = False,
                 keep_steps: bool = True, start: date | None = None, memo: StepMemo | None = None,
                 observer: Callable[[Step], None] | None = None) -> None:
        self.memo = memo
        self.law_memo = LawMemo(law) if memo is None else memo.law_memo(law)
        self.observer = observer
        self.origin = origin.toordinal()
        self.env = simpy.Environment(initial_time=0 if start is None else start.toordinal() - self.origin)
        self.law = law
        self.state = initial_state(law) if state is None else state
        self.steps: list[Step] = []
        #: the running deadlines, each with the timeout at which it expires unless met first (a mandate
        #: extended changes its due day, and so its key)
        self.watched: dict[tuple[str, date, date], simpy.Event] = {}
        self.lenient = lenient
        self.keep_steps = keep_steps
        self.skipped = 0
        self.refused: list[tuple[Event, str]] = []
        self._deadlines = self.state.deadlines
        if self.state.deadlines:
            self._track(self.state)

    def day(self, when: date) -> float:
        return when.toordinal() - self.origin

    def date_of(self, now: float) -> date:
        return date.fromordinal(self.origin + int(now))

    def apply(self, event: Event, derived: int = 0) -> Step | None:
        """Apply ``event`` (``derived``: how many derived events led to it, 0 for a recorded one), then
        the events the law derives from it."""
        state, memo = self.state, self.memo
        step = None if memo is None else memo.get(state, event)
        if step is None:
            try:
                step = transition(state, event, self.law, self.law_memo)
            except EngineError as exc:
                if not self.lenient:
                    raise
                step = exc
                if self.keep_steps:
                    self.refused.append((event, exc.reason))
            if memo is not None:
                step = memo.put(state, event, step)
        if isinstance(step, EngineError):
            self.skipped += 1
            return None
        if derived and not step.derived:
            step = attrs.evolve(step, derived=True)
        self.state = state = step.state
        if self.keep_steps:
            self.steps.append(step)
        if self.observer is not None:
            self.observer(step)
        if state.deadlines is not self._deadlines:  # only when the running deadlines changed
            self._deadlines = state.deadlines
            self._track(state)
        for follow in step.follows:
            self._follow(follow, derived + 1, event)
        return step

    def _follow(self, event: Event, chain: int, cause: Event) -> None:
        """Apply a derived event now, or on its day if that is later."""
        if chain > _CHAIN_LIMIT:
            msg = f"the pack's consequences derive events without end (more than {_CHAIN_LIMIT} from one event)"
            raise EngineError(msg, cause)
        wait = self.day(event.at) - self.env.now
        if wait < 1:  # on the clock's day: next, before anything else of the day
            self.apply(event, chain)
        else:
            def apply_then(_: simpy.Event) -> None:
                self.apply(event, chain)

            self.env.timeout(wait).callbacks.append(apply_then)

    def _track(self, state: State) -> None:
        running = {(d.rule, d.start, d.due): d for d in state.deadlines}
        watched = self.watched
        if watched:
            for key in [k for k in watched if k not in running]:
                del watched[key]  # met or replaced: its expiry, when it comes, finds no watcher and does nothing
        env = self.env
        for key, deadline in running.items():
            if key not in watched:
                expiry = env.timeout(max(0, self.day(deadline.due) + _END_OF_DAY - env.now))
                watched[key] = expiry
                expiry.callbacks.append(functools.partial(self._expire, key, deadline))

    def run(self, until: float) -> None:
        """Process every scheduled event before day number ``until``.

        Like ``env.run(until=...)`` for a clock whose events never fall on ``until`` itself, without
        the stop event and the exception that SimPy raises to end its loop (about 2 % of a short
        simulated run).
        """
        step, peek = self.env.step, self.env.peek
        while peek() < until:
            step()

    def feed(self, events: Iterable[Event], until: date | None):
        for event in events:
            if until is not None and event.at > until:
                return
            wait = self.day(event.at) - self.env.now
            if wait > 0:
                yield self.env.timeout(wait)
            self.apply(event)

    def _expire(self, key: tuple[str, date, date], deadline: Deadline, expiry: simpy.Event) -> None:
        """The deadline watcher: its expiry came, and nothing met the deadline before it."""
        if self.watched.get(key) is not expiry:
            return
        del self.watched[key]
        self.apply(DeadlineExpired(  # derived: its class says so
            at=deadline.due + timedelta(days=1),
            source=(f"derived by the engine from rule {deadline.rule} ({cite(deadline.article)})",),
            id=f"deadline_expired:{deadline.rule}@{deadline.due.isoformat()}",
            rule=deadline.rule,
            due=deadline.due,
            anchor=deadline.anchor,
        ))


def replay(events: Iterable[Event], law: Law, until: date | None = None, *, lenient: bool = False,
           run_on: bool = False) -> Timeline:
    """Fold events through the state machine on a SimPy clock.

    Args:
        events: recorded events, in date order.
        law: the constitution, body and readings to judge.
        until: stop after this date (inclusive): the state at that date. Default: the last event's
            date, or, with ``run_on``, later.
        run_on: with no ``until``, run past the last event while deadlines run (so that expiries
            and their consequences after it are in the timeline), up to :data:`HORIZON` after it.
        lenient: skip events that cannot happen (listed in ``Timeline.skipped``) instead of raising.

    Returns:
        The :class:`Timeline`; ``final`` is the state as of ``until`` (or the last event).

    Raises:
        EngineError: an event that cannot happen in the state it meets.
    """
    events = list(events)
    if not events:
        empty = initial_state(law)
        return Timeline(law, (), attrs.evolve(empty, on=until) if until else empty, until)
    run = Clock(law, events[0].at, lenient=lenient)
    end = until if until is not None else events[-1].at
    run.env.process(run.feed(events, until))
    try:
        # run to the end of the last day, but stop short of a deadline expiring at that day's end
        run.run(run.day(end) + _END_OF_DAY - _EPSILON)
        if until is None and run_on:  # on to the horizon: while a deadline runs, its expiry may come
            # no later than the calendar's last day (a last event near it would overflow the date)
            cap = run.day(end + min(HORIZON, date.max - timedelta(days=1) - end)) + _END_OF_DAY
            while run.state.deadlines and run.env.peek() < cap:
                run.env.step()
            if run.state.on is not None and run.state.on > end:
                end = run.state.on
    except EngineError as exc:
        # SimPy re-raises a copy built from args alone; the original carries the event and field
        original = exc.__cause__ if isinstance(exc.__cause__, EngineError) else exc
        raise original from None
    final = attrs.evolve(run.state, on=end) if run.state.on is None or run.state.on <= end else run.state
    return Timeline(law, tuple(run.steps), final, end, tuple(run.refused))


def state_at(events: Iterable[Event], law: Law, on: date) -> State:
    """The state of the crisis as of ``on`` (events up to and including that date)."""
    return replay(events, law, until=on).final
