"""Seeded stochastic ensembles: many runs of a scenario's uncertain elements on the SimPy clock.

Each run draws from its own generator, ``random.Random(f"impasse:{seed}:{index}")``, so a run's
result depends only on the seed and its index, never on scheduling: any number of workers gives
the same ensemble. A run is SimPy processes that *generate* events (members defecting from a
boycott, talks that succeed) beside the recorded ones (possibly delayed, moved or dropped), all fed
through the same :func:`engine.timeline.machine.transition` as replay. Events that cannot happen in a run's
history (a vote after a sitting that did not take place) are skipped.

The recorded prefix before the first uncertain element is replayed once, and every run starts
from that snapshot.
"""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date, timedelta
from typing import Any

import attrs

from engine.crisis import law_for
from engine.files.scenarios import Scenario, load_scenario
from engine.files.uncertain import Uncertainty
from engine.rules.constitution import RuleKind
from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    BoycottEnded,
    Event,
    ParliamentConvened,
    SeatsTaken,
    VoteHeld,
)
from engine.timeline.machine import Law, Step
from engine.timeline.replay import Clock, StepMemo, replay
from engine.timeline.state import Level, Reading, State, get

__all__ = ["Ensemble", "Interval", "RunResult", "Simulator", "simulate", "wilson"]

_RESOLVED = Level.RESOLVED
_TAKEN = "members breaking the boycott"
_ATTENDED = frozenset({ParliamentConvened, SeatsTaken, VoteHeld})  # events that count the members present
_SHARED_LIMIT = 100_000  # shared events kept before starting afresh (bounds memory)
_NEVER = 10**12  # weeks to wait for what a tiny chance puts further off than a float can count


@attrs.frozen
class Interval:
    """A proportion with its 95 % Wilson score interval."""

    successes: int
    runs: int
    low: float
    high: float

    @property
    def p(self) -> float:
        return self.successes / self.runs if self.runs else 0.0


def wilson(successes: int, runs: int, z: float = 1.959963984540054) -> Interval:
    """The Wilson score interval for ``successes`` out of ``runs``."""
    if runs == 0:
        return Interval(0, 0, 0.0, 1.0)
    p = successes / runs
    denom = 1 + z * z / runs
    centre = (p + z * z / (2 * runs)) / denom
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == runs else min(1.0, centre + half)
    return Interval(successes, runs, low, high)


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

    def __reduce__(self) -> tuple[type[RunResult], tuple[Any, ...]]:
        # workers send every result to the parent: plain arguments pickle and load about six times
        # faster than attrs' state protocol (3.5 against 21 us a result, loading in the parent,
        # which shares the cores with the workers)
        return (RunResult, (self.index, self.opened_by_deadline, self.opened_ever, self.government_lawful,
                            self.impasse_days, self.defected, self.skipped))


class Simulator:
    """Runs of one scenario; build once per process, then call :meth:`run` for each index."""

    def __init__(self, scenario: Scenario, interpretations: Sequence[str] | None = None,
                 uncertainty: Uncertainty | None = None) -> None:
        self.scenario = scenario
        self.rules: Law = law_for(scenario, interpretations)
        self.readings: tuple[Reading, ...] = self.rules.readings
        self.u = scenario.uncertain if uncertainty is None else uncertainty
        events = scenario.events
        self.horizon = self.u.horizon or events[-1].at
        touched = {h.event for h in self.u.happens} | {d.event for d in self.u.delay}
        cut = min([*(e.at for e in events if e.id in touched),
                   *(h.window[0] for h in self.u.happens if h.window),
                   *(x.start for x in (*self.u.defection, *self.u.talks) if x.start),
                   *([events[-1].at] if not (self.u.defection or self.u.talks) else []),
                   *(_boycott_start(events, x.party) for x in self.u.defection),
                   *(min(_boycott_starts(events, t.parties), default=events[-1].at) for t in self.u.talks if not t.start)])
        self.cut = cut
        prefix = [e for e in events if e.at < cut]
        self.rest = [e for e in events if e.at >= cut]
        happens = {h.event: h for h in self.u.happens}
        delays = {d.event: d for d in self.u.delay}
        #: the recorded events after the cut that may not happen or may move, with how (drawn per run)
        self._uncertain = [(i, e, happens.get(e.id or ""), delays.get(e.id or "")) for i, e in enumerate(self.rest)
                           if e.id in happens or e.id in delays]
        #: events made by the generating processes (by type, day and fields) and recorded events
        #: adjusted for the members who defected (by event and what the adjustment reads): equal
        #: events of different runs are then one object, which the step memo finds by identity
        self.shared: dict[tuple, Event] = {}
        self.snapshot = replay(prefix, self.rules).final if prefix else None
        self.origin = events[0].at
        origin = self.origin.toordinal()
        #: the recorded events after the cut as (day, index, event), as they are when nothing is uncertain
        self._recorded = [(e.at.toordinal() - origin, i, e) for i, e in enumerate(self.rest)]
        self._as_recorded = [(day, e) for day, _, e in self._recorded]
        self.memo = StepMemo()
        self.poll = next((e.at for e in events if e.TYPE == "election_held"), events[0].at)
        #: deadlines that an opening sitting meets: "opened by the deadline" means none of them expired
        self.opening_deadlines = frozenset(
            r.id for r in scenario.constitution.rules
            if r.kind is RuleKind.DEADLINE and r.met_by == ParliamentConvened.TYPE and r.applies("opening"))

    # ------------------------------------------------------------------ one run

    def run(self, seed: int, index: int) -> RunResult:
        rng = random.Random(f"impasse:{seed}:{index}")
        events = self._draw_events(rng)
        run = _SimRun(self, rng)
        start = self.cut if self.snapshot is not None else None
        clock = Clock(self.rules, self.origin, self.snapshot, lenient=True, keep_steps=False, start=start,
                      memo=self.memo, observer=run.observe)
        run.clock = clock
        clock.env.process(run.feed(events))
        for d in self.u.defection:
            clock.env.process(run.defect(d.party, d.weekly, d.start))
        for t in self.u.talks:
            clock.env.process(run.talk(t.parties, t.weekly, t.start, t.ends_dispute))
        clock.run(clock.day(self.horizon) + 1 - 2e-6)
        final, readings, opened = clock.state, self.readings, run.opened_by_deadline
        return RunResult(  # in field order; list comprehensions: cheaper than generators into tuple()
            index,
            tuple([opened.get(r, False) for r in readings]),
            tuple([get(final.opened_lawfully, r) is True for r in readings]),
            tuple([get(final.government_lawful, r) is True for r in readings]),
            run.resolved_days,
            sum(run.defected.values()),
            clock.skipped,
        )

    def _draw_events(self, rng: random.Random) -> list[tuple[int, Event]]:
        """This run's recorded events after the cut, as ``(day, event)`` in the order they happen."""
        dropped: set[int] = set()
        moved: dict[int, Event] = {}
        for i, event, h, d in self._uncertain:  # draws in file order, whatever the outcome
            at = event.at
            if h is not None:
                if rng.random() >= h.probability:
                    dropped.add(i)
                    continue
                if h.window:
                    span = (h.window[1] - h.window[0]).days
                    at = h.window[0] + timedelta(days=rng.randint(0, span))
            if d is not None:
                mode = d.mode if d.mode is not None else (d.low + d.high) / 2
                at = at + timedelta(days=round(rng.triangular(d.low, d.high, mode)))
            at = max(at, self.cut)
            if at != event.at:
                moved[i] = attrs.evolve(event, at=at)
        if not dropped and not moved:
            return self._as_recorded  # shared between runs: the feed only reads it
        origin = self.origin.toordinal()
        out = [(day, i, moved.get(i, e)) for day, i, e in self._recorded if i not in dropped]
        if moved:
            out = sorted((e.at.toordinal() - origin, i, e) for _, i, e in out)
        return [(day, e) for day, _, e in out]


def _boycott_starts(events: Iterable[Event], parties: Iterable[str]) -> list[date]:
    wanted = set(parties)
    return [e.at for e in events if isinstance(e, BoycottDeclared) and e.party in wanted]


def _boycott_start(events: Sequence[Event], party: str) -> date:
    return min(_boycott_starts(events, [party]), default=events[-1].at)


class _SimRun:
    """The generating processes of one run, and what it observes."""

    def __init__(self, sim: Simulator, rng: random.Random) -> None:
        self.sim = sim
        self.rng = rng
        self.defected: dict[str, int] = {}
        self.opened_by_deadline: dict[Reading, bool] = {}
        self.resolved_days: int | None = None
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

    def feed(self, events: list[tuple[int, Event]]):
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
        held = get(self.state.seats, party, 0)
        return bool(held) and self.defected.get(party, 0) >= held  # type: ignore[operator]

    def _attend(self, event: Event) -> Event:
        """``event`` (one of ``_ATTENDED``) with the members who defected present."""
        state = self.state
        return self._shared((event, tuple(self.defected.items()), state.seats, state.seated, state.body_size),
                            lambda: self._attended(event))

    def _attended(self, event: Event) -> Event:
        extra = {p: n for p, n in self.defected.items() if n}
        if not extra:
            return event
        if isinstance(event, ParliamentConvened):
            by_party = dict(event.present_by_party)
            if by_party:
                for party, n in extra.items():
                    held = get(self.state.seats, party, 0)
                    by_party[party] = min(held, by_party.get(party, 0) + n)  # type: ignore[type-var]
                return attrs.evolve(event, present_by_party=tuple(sorted(by_party.items())),
                                    present=None if event.present is None else sum(by_party.values()))
            if event.present is not None:
                size = self.state.body_size or event.present
                return attrs.evolve(event, present=min(size, event.present + sum(extra.values())))
        if isinstance(event, SeatsTaken) and event.party in extra:
            seated = get(self.state.seated, event.party, 0)
            held = get(self.state.seats, event.party, 0)
            return attrs.evolve(event, members=max(0, min(event.members, held - seated)))  # type: ignore[operator]
        if isinstance(event, VoteHeld) and event.present is not None:
            size = self.state.body_size or event.present
            return attrs.evolve(event, present=min(size, event.present + sum(extra.values())))
        return event

    # --- generating processes ---------------------------------------------------------

    def defect(self, party: str, weekly: float, start: date | None):
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
        seats: object = None
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
                held = get(seats, party, 0)  # type: ignore[assignment]
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

    def talk(self, parties: tuple[str, ...], weekly: float, start: date | None, ends_dispute: bool):
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


# ----------------------------------------------------------------------- ensembles


@attrs.frozen
class Ensemble:
    """The outcome of many runs: per reading, proportions with Wilson intervals; impasse lengths."""

    scenario: str
    seed: int
    readings: tuple[Reading, ...]
    results: tuple[RunResult, ...]

    @property
    def runs(self) -> int:
        return len(self.results)

    def proportion(self, field: str, reading_index: int) -> Interval:
        hits = sum(1 for r in self.results if getattr(r, field)[reading_index])
        return wilson(hits, self.runs)

    def lengths(self) -> list[int]:
        return sorted(r.impasse_days for r in self.results if r.impasse_days is not None)

    def to_dict(self) -> dict[str, Any]:
        outcomes = []
        for i, reading in enumerate(self.readings):
            row: dict[str, Any] = {"interpretation": reading}
            for field in ("opened_by_deadline", "opened_ever", "government_lawful"):
                iv = self.proportion(field, i)
                row[field] = {"p": iv.p, "low": iv.low, "high": iv.high, "successes": iv.successes}
            outcomes.append(row)
        lengths = self.lengths()
        resolved = wilson(len(lengths), self.runs)
        summary: dict[str, Any] = {"resolved": {"p": resolved.p, "low": resolved.low, "high": resolved.high,
                                                "runs": len(lengths)}}
        if lengths:
            mean = sum(lengths) / len(lengths)
            sd = math.sqrt(sum((x - mean) ** 2 for x in lengths) / max(1, len(lengths) - 1))
            half = 1.959963984540054 * sd / math.sqrt(len(lengths))
            summary.update({"mean": mean, "mean_low": mean - half, "mean_high": mean + half,
                            "median": _quantile(lengths, 0.5), "p10": _quantile(lengths, 0.1),
                            "p90": _quantile(lengths, 0.9), "min": lengths[0], "max": lengths[-1]})
        return {"scenario": self.scenario, "seed": self.seed, "runs": self.runs, "outcomes": outcomes,
                "impasse_days": summary, "histogram": _histogram(lengths),
                "defections": {"mean": sum(r.defected for r in self.results) / max(1, self.runs)},
                "skipped_events": {"mean": sum(r.skipped for r in self.results) / max(1, self.runs)}}


def _histogram(values: list[int], bins: int = 10) -> list[tuple[int, int, int]]:
    """``[(low, high, count)]`` over equal-width bins of whole days."""
    if not values:
        return []
    low, high = values[0], values[-1]
    width = max(1, math.ceil((high - low + 1) / bins))
    counts = [0] * math.ceil((high - low + 1) / width)
    for v in values:
        counts[(v - low) // width] += 1
    return [(low + i * width, low + (i + 1) * width - 1, n) for i, n in enumerate(counts)]


def _quantile(values: list[int], q: float) -> float:
    pos = q * (len(values) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


# worker-process state: one Simulator per process, built by the initializer
_WORKER: dict[str, Simulator] = {}
# the simulator of the process that starts a local pool, keyed by what the workers are asked to
# build: a worker forked from that process finds it here instead of loading the scenario again
_PARENT: dict[tuple[str, tuple[str, ...] | None], Simulator] = {}


def _init_worker(path: str, interpretations: tuple[str, ...] | None) -> None:
    inherited = _PARENT.get((path, interpretations))
    _WORKER["sim"] = inherited if inherited is not None else Simulator(load_scenario(path), interpretations)


def _run_chunk(seed: int, indices: list[int]) -> list[RunResult]:
    sim = _WORKER["sim"]
    return [sim.run(seed, i) for i in indices]


def simulate(scenario: Scenario, runs: int, seed: int, *, workers: int = 1,
             interpretations: Sequence[str] | None = None, executor: Executor | None = None,
             progress: Callable[[int], None] | None = None, chunk: int = 250) -> Ensemble:
    """Run an ensemble of ``runs`` seeded runs.

    Args:
        scenario: a scenario with an ``uncertain:`` section (without one every run is the replay).
        runs: how many runs.
        seed: the ensemble's seed; run ``i`` draws from ``Random(f"impasse:{seed}:{i}")``.
        workers: processes to use (1: in this process).
        interpretations: readings to judge instead of the scenario's.
        executor: any :class:`concurrent.futures.Executor` whose workers were initialised with
            ``_init_worker`` (a cluster executor can replace the local pool); default: a local pool.
        progress: called with the number of runs finished so far.
        chunk: runs per task sent to a worker.

    Returns:
        The :class:`Ensemble`, identical for the same seed whatever ``workers`` is.
    """
    interps = tuple(interpretations) if interpretations else None
    sim = Simulator(scenario, interps)  # validates, and serves the single-process case
    indices = list(range(runs))
    chunks = [indices[i:i + chunk] for i in range(0, runs, chunk)]
    results: list[RunResult] = []
    if workers <= 1 and executor is None:
        for part in chunks:
            results.extend(sim.run(seed, i) for i in part)
            if progress:
                progress(len(results))
    else:
        # Forked workers inherit this process's objects. Frozen, they stay out of the workers'
        # garbage collections, which would otherwise walk them and write to every one (copying
        # their pages). This is what the gc.freeze() docs advise before fork(). Not done when the
        # caller has frozen objects of its own: unfreezing afterwards would release theirs.
        frozen = executor is None and gc.isenabled() and gc.get_freeze_count() == 0
        if executor is None:
            _PARENT.clear()
            _PARENT[(scenario.path, interps)] = sim
        pool = executor or ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                               initargs=(scenario.path, interps))
        if frozen:
            gc.freeze()
        try:
            futures = [pool.submit(_run_chunk, seed, part) for part in chunks]
            done = 0
            for future in futures:  # in submission order: results never depend on scheduling
                part = future.result()
                results.extend(part)
                done += len(part)
                if progress:
                    progress(done)
        finally:
            if frozen:
                gc.unfreeze()
            if executor is None:
                pool.shutdown()
                _PARENT.clear()
    return Ensemble(scenario.id, seed, sim.readings, tuple(results))
