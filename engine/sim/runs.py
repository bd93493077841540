"""One run's SimPy processes: the recorded events' feed, defections and talks that generate events, and its result.

A run's processes draw from the run's own generator and feed every event through the clock, which
applies :func:`engine.timeline.machine.transition` as replay does; what the run observes on the way
(the opening sitting, the day the impasse is resolved) becomes its :class:`RunResult`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Generator
from datetime import date
from typing import Any, Protocol

import attrs
import simpy

from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    BoycottEnded,
    Event,
    ParliamentConvened,
    SeatsTaken,
    Tally,
    VoteHeld,
)
from engine.timeline.machine import Step
from engine.timeline.replay import Clock
from engine.timeline.state import Level, Reading, State, get

__all__ = ["RunProcesses", "RunResult", "RunSetting"]

_RESOLVED = Level.RESOLVED
_TAKEN = "members breaking the boycott"
_ATTENDED = frozenset({ParliamentConvened, SeatsTaken, VoteHeld})  # events that count the members present
_SHARED_LIMIT = 100_000  # shared events kept before starting afresh (bounds memory)
_NEVER = 10**12  # weeks to wait for what a tiny chance puts further off than a float can count


@attrs.frozen
class RunResult:
    """What one run produced, per reading in the order of ``Simulator.readings``."""

    index: int
    opened_by_deadline: tuple[bool, ...]
    opened_ever: tuple[bool, ...]
    government_lawful: tuple[bool, ...]
    impasse_days: int | None  # days from the poll until the impasse was resolved; None if never
    defected: int
    skipped: int
    #: the recorded event that resolved the impasse, when no event of the run's own (a defection, talks
    #: that succeed) did first: the run then ends as the history did. None otherwise, or if never resolved
    resolved_by: str | None = None

    def __reduce__(self) -> tuple[type[RunResult], tuple[Any, ...]]:
        # workers send every result to the parent: plain arguments pickle and load about six times
        # faster than attrs' state protocol (3.5 against 21 us a result, loading in the parent,
        # which shares the cores with the workers)
        return (RunResult, (self.index, self.opened_by_deadline, self.opened_ever, self.government_lawful,
                            self.impasse_days, self.defected, self.skipped, self.resolved_by))


class RunSetting(Protocol):
    """What a run's processes read from the simulator that prepared the runs (see ``Simulator``)."""

    #: generated and adjusted events, shared by the runs that make equal ones (the memo finds them by identity)
    shared: dict[tuple, Event]
    poll: date  # the election day, from which impasse lengths are counted
    recorded_ids: frozenset[str]  # the ids of the recorded events the feed applies
    opening_deadlines: frozenset[str]  # deadlines that an opening sitting meets
    readings: tuple[Reading, ...]


class RunProcesses:
    """The generating processes of one run, and what it observes."""

    def __init__(self, sim: RunSetting, rng: random.Random) -> None:
        self.sim = sim
        self.rng = rng
        self.defected: dict[str, int] = {}
        self.opened_by_deadline: dict[Reading, bool] = {}
        self.resolved_days: int | None = None
        self.resolved_by: str | None = None
        self.clock: Clock

    @property
    def state(self) -> State:
        return self.clock.state

    def today(self) -> date:
        return self.clock.date_of(self.clock.env.now)

    def _shared(self, key: tuple, make: Callable[[], Event]) -> Event:
        """The event ``make()`` would give, shared with the runs that made an equal one before."""
        shared = self.sim.shared
        found = shared.get(key)
        if found is None:
            if len(shared) >= _SHARED_LIMIT:
                shared.clear()
            found = shared[key] = make()
        return found

    def _generated(self, cls: type[Event], **fields: Any) -> Event:
        """A generated event of type ``cls`` dated today."""
        key = (cls, self.clock.env.now, *fields.values())  # each caller names the same fields, in one order
        found = self.sim.shared.get(key)
        if found is None:
            found = self._shared(key, lambda: cls(at=self.today(), source=("simulated",), **fields))
        return found

    def observe(self, step: Step) -> None:
        """Note the day the impasse is first resolved, and whether the opening sitting was lawful and on time."""
        # most steps are neither: the two tests that rule them out come first
        if step.state.impasse.level is _RESOLVED and self.resolved_days is None:
            self.resolved_days = (step.event.at - self.sim.poll).days
            if step.event.id in self.sim.recorded_ids:
                self.resolved_by = step.event.id
            if self.opened_by_deadline:
                self.clock.observer = None  # both known: the rest of the run has nothing to tell
        event = step.event
        if event.__class__ is ParliamentConvened and not self.opened_by_deadline and event.sitting == "opening":
            state = step.state
            late = any(m in self.sim.opening_deadlines for m in state.missed)
            for r in self.sim.readings:
                self.opened_by_deadline[r] = get(state.opened_lawfully, r) is True and not late
            if self.resolved_days is not None:
                self.clock.observer = None

    # --- recorded events, adjusted for the members who have defected ----------------

    def feed(self, events: list[tuple[int, Event]]) -> Generator[simpy.Event, Any, None]:
        apply, timeout = self.clock.apply, self.clock.env.timeout
        now = self.clock.env.now  # whenever this process runs, env.now is the day it woke on: kept here
        for day, event in events:
            if day > now:
                yield timeout(day - now)
                now = day
            if self.defected:  # members who took their seats change some events, and end a boycott
                cls = event.__class__
                if cls is BoycottDeclared and self._all_defected(event.party):  # type: ignore[attr-defined]
                    continue
                if cls in _ATTENDED:
                    event = self._attend(event)
            apply(event)

    def _all_defected(self, party: str) -> bool:
        held = _count(self.state.seats, party)
        return bool(held) and self.defected.get(party, 0) >= held

    def _attend(self, event: Event) -> Event:
        """``event`` (one of ``_ATTENDED``) with the members who defected present."""
        state = self.state
        # the key holds all that _attended reads
        return self._shared((event, tuple(self.defected.items()), state.seats, state.seated, state.body_size,
                             state.boycotts), lambda: self._attended(event))

    def _attended(self, event: Event) -> Event:
        extra = {p: n for p, n in self.defected.items() if n}
        if not extra:
            return event
        # the defectors are boycotters present: the act says so, or the engine would refuse its count;
        # no more than the boycotting parties hold (the recorded ones may be among the defectors)
        away = self.state.seats_away("parliament")
        came = sum(extra.values()) + (getattr(event, "boycotters_present", None) or 0)
        if away:
            came = min(came, away)
        if isinstance(event, ParliamentConvened):
            by_party = dict(event.present_by_party)
            if by_party:
                for party, n in extra.items():
                    held = _count(self.state.seats, party)
                    by_party[party] = min(held, by_party.get(party, 0) + n)
                return attrs.evolve(event, present_by_party=tuple(sorted(by_party.items())),
                                    present=None if event.present is None else sum(by_party.values()),
                                    boycotters_present=came)
            if event.present is not None:
                size = self.state.body_size or event.present
                return attrs.evolve(event, present=min(size, event.present + sum(extra.values())),
                                    boycotters_present=came)
        if isinstance(event, SeatsTaken) and event.party in extra:
            seated = _count(self.state.seated, event.party)
            held = _count(self.state.seats, event.party)
            return attrs.evolve(event, members=max(0, min(event.members, held - seated)))
        if isinstance(event, VoteHeld) and event.present is not None:
            size = self.state.body_size or event.present
            return attrs.evolve(event, present=min(size, event.present + sum(extra.values())),
                                boycotters_present=came)
        return event

    # --- generating processes ---------------------------------------------------------

    def defect(self, party: str, weekly: float, start: date | None) -> Generator[simpy.Event, Any, None]:
        """Each boycotting member breaks ranks with probability ``weekly`` per week.

        Instead of a tick per week, the process jumps to the next week in which at least one
        member defects (a geometric number of weeks), then draws how many: the same law as
        weekly Binomial(members left, weekly) draws, with far fewer events.
        """
        env, clock, defected, shared = self.clock.env, self.clock, self.defected, self.sim.shared
        if start is not None and clock.day(start) > env.now:
            yield env.timeout(clock.day(start) - env.now)
        if weekly <= 0:
            return
        log_q = math.log1p(-weekly) if weekly < 1 else -math.inf
        boycott = (party, "parliament")
        seen = False
        seats: Tally | None = None
        held = 0
        while True:
            state = clock.state
            if boycott not in state.boycotts:
                if seen:
                    return  # the boycott ended another way (an agreement, a declared end)
                yield env.timeout(7)  # not boycotting yet: look again next week
                continue
            seen = True
            if state.seats is not seats:  # seats seldom change: look the party up only when they do
                seats = state.seats
                held = _count(seats, party)
            left = held - defected.get(party, 0)
            if left <= 0:
                return
            weeks, k = _next_defections(self.rng, left, weekly, log_q)
            yield env.timeout(7 * weeks)
            state = clock.state
            if boycott not in state.boycotts:
                continue
            defected[party] = done = defected.get(party, 0) + k
            if state.sittings:
                taken = shared.get((SeatsTaken, env.now, party, k, _TAKEN))  # _generated's key, without the call
                clock.apply(taken if taken is not None else self._generated(SeatsTaken, party=party, members=k,
                                                                           note=_TAKEN))
            if done >= held:
                clock.apply(self._generated(BoycottEnded, party=party, note="every member has broken the boycott"))
                return

    def talk(self, parties: tuple[str, ...], weekly: float, start: date | None,
             ends_dispute: bool) -> Generator[simpy.Event, Any, None]:
        """Talks succeed in week ``Geometric(weekly)``, unless nothing is left to settle by then."""
        env, clock = self.clock.env, self.clock
        if start is not None and clock.day(start) > env.now:
            yield env.timeout(clock.day(start) - env.now)
        if weekly <= 0:
            return
        try:
            weeks = 1 if weekly >= 1 else int(math.log(1.0 - self.rng.random()) / math.log1p(-weekly)) + 1
        except OverflowError:  # a chance so small that the wait overflows a float
            weeks = _NEVER
        yield env.timeout(7 * weeks)
        involved = set(parties)
        if any(b[0] in involved for b in self.state.boycotts) or self.state.rejecting & involved:
            clock.apply(self._generated(AgreementReached, parties=parties, ends_dispute=ends_dispute,
                                        note="talks succeed"))


def _count(tally: Tally, party: str) -> int:
    """``party``'s number in a per-party tally, 0 if it has none: ``get(tally, party, 0)``, typed as a count."""
    for name, n in tally:
        if name == party:
            return n
    return 0


def _next_defections(rng: random.Random, n: int, p: float, log_q: float) -> tuple[int, int]:
    """Weeks until the next week with at least one of ``n`` members defecting, and how many then."""
    if p >= 1:
        return 1, n
    q_n = math.exp(n * log_q)  # chance that nobody defects in a week
    try:
        weeks = int(math.log(1.0 - rng.random()) / (n * log_q)) + 1
    except OverflowError:  # a chance so small that the wait overflows a float
        weeks = _NEVER
    # the first defector's position j among n, given at least one: P(j) ∝ q^j p, j < n
    j = int(math.log(1.0 - rng.random() * (1.0 - q_n)) / log_q)
    j = min(j, n - 1)
    return weeks, 1 + _binomial(rng, n - j - 1, p, log_q)


def _binomial(rng: random.Random, n: int, p: float, log_q: float) -> int:
    """Binomial(n, p); ``log_q`` is ``log(1 - p)``."""
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    # exact binomial by geometric jumps between successes: about k + 1 draws instead of n
    k, i = 0, -1
    try:
        while True:
            i += int(math.log(1.0 - rng.random()) / log_q) + 1
            if i >= n:
                return k
            k += 1
    except OverflowError:  # the next success is so far off that the jump overflows a float: past n
        return k
