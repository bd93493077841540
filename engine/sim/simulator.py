"""The simulator of one scenario: prepared once per process (the cut, the replayed prefix, the memo), then run by index.

Each run draws from its own generator, ``random.Random(f"impasse:{seed}:{index}")``, so a run's
result depends only on the seed and its index, never on scheduling. The recorded prefix before the
first uncertain element is replayed once, and every run starts from that snapshot; a run then draws
what becomes of the recorded events after it (dropped, moved, delayed) and runs the processes of
:mod:`engine.sim.runs` on the SimPy clock.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import attrs

from engine.crisis import law_for
from engine.files.scenarios import Scenario
from engine.files.uncertain import Uncertainty
from engine.rules.constitution import RuleKind
from engine.sim.runs import RunProcesses, RunResult
from engine.timeline.events import BoycottDeclared, Event, ParliamentConvened
from engine.timeline.machine import Law
from engine.timeline.replay import Clock, StepMemo, replay
from engine.timeline.state import Reading, get

__all__ = ["Simulator"]


class Simulator:
    """Runs of one scenario; build once per process, then call :meth:`run` for each index."""

    def __init__(self, scenario: Scenario, interpretations: Sequence[str] | None = None,
                 uncertainty: Uncertainty | None = None, *, law: Law | None = None,
                 memo: StepMemo | None = None) -> None:
        """Prepare the runs of ``scenario``.

        ``law`` and ``memo`` let simulators whose law is equal share one step memo (a sweep's points
        that change events or ``uncertain:`` parameters but not the pack): ``law`` must equal
        ``law_for(scenario, interpretations)``, and ``memo`` serve that very object.
        """
        self.scenario = scenario
        self.rules: Law = law if law is not None else law_for(scenario, interpretations)
        self.readings: tuple[Reading, ...] = self.rules.readings
        self.u = scenario.uncertain if uncertainty is None else uncertainty
        events = scenario.events
        self.horizon = self.u.horizon or events[-1].at
        touched = {h.event for h in self.u.happens} | {d.event for d in self.u.delay}
        cut = min([*(e.at for e in events if e.id in touched),
                   *(h.window[0] for h in self.u.happens if h.window),
                   *(d.start for d in self.u.defection if d.start),
                   *(t.start for t in self.u.talks if t.start),
                   *([events[-1].at] if not (self.u.defection or self.u.talks) else []),
                   *(_boycott_start(events, x.party) for x in self.u.defection),
                   *(min(_boycott_starts(events, t.parties), default=events[-1].at)
                     for t in self.u.talks if not t.start)])
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
        #: the ids of the recorded events a run feeds: a run whose impasse one of them resolves fell
        #: back on the recorded history (``RunResult.resolved_by``)
        self.recorded_ids = frozenset(e.id for e in self.rest if e.id)
        self.memo = memo if memo is not None else StepMemo()
        self.poll = next((e.at for e in events if e.TYPE == "election_held"), events[0].at)
        #: deadlines that an opening sitting meets: "opened by the deadline" means none of them expired
        self.opening_deadlines = frozenset(
            r.id for r in scenario.constitution.rules
            if r.kind is RuleKind.DEADLINE and r.met_by == ParliamentConvened.TYPE and r.applies("opening"))

    # ------------------------------------------------------------------ one run

    def run(self, seed: int | str, index: int) -> RunResult:
        """Run ``index`` of the ensemble seeded by ``seed`` (a sweep's point seeds by ``"SEED:POINT"``)."""
        rng = random.Random(f"impasse:{seed}:{index}")
        events = self._draw_events(rng)
        run = RunProcesses(self, rng)
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
            run.resolved_by,
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

