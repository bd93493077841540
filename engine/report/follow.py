"""What ``impasse log follow`` prints: a stream's replay kept up to date as records arrive, each new
event with the findings it draws and the deadlines running after it.

A :class:`Follower` replays the stream once (through :func:`engine.crisis.scenario_from_store`, the
seam every stored replay goes through), then keeps the SimPy clock of that replay: an event appended
later, dated on or after the last one, is fed to the same clock, so that each append costs one step
(and the deadline expiries that fell due before it), not a replay of the whole stream. Whatever
changes the past — a correction, a retraction, an event dated earlier than the last, new metadata —
replays the stream again from the start, and says so. An event the machine refuses is printed with
the reason, and the follow goes on: a live desk corrects it, it does not stop.

Waiting for records is the store's business (:meth:`engine.store.interface.EventStore.wait`); the
words are :mod:`engine.report.sentences`' and :mod:`engine.report.describe`'s, through the view model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from engine.crisis import law_for, scenario_from_store
from engine.files.scenarios import Scenario
from engine.report.describe import describe
from engine.report.text import MARK
from engine.report.view import StepView, TimelineView, timeline_view
from engine.store.interface import EventStore
from engine.store.records import CORRECTION, EVENT, METADATA, RETRACTION, Record
from engine.timeline.events import Event, unique_id
from engine.timeline.machine import Step
from engine.timeline.replay import Clock, Timeline

__all__ = ["Follower"]

#: a step's continuation lines start under its summary
_INDENT = " " * 6


class Follower:
    """A stream's replay, brought up to date by :meth:`update` as records are appended.

    Args:
        store: the open store.
        stream: the stream followed.
    """

    def __init__(self, store: EventStore, stream: str) -> None:
        self.store = store
        self.stream = stream
        #: the last version taken into account
        self.seen = 0
        self._scenario: Scenario | None = None  # None: no constitution pack recorded (yet)
        self._unjudged = ""  # why events are shown without findings
        self._clock: Clock | None = None
        self._last: date | None = None  # the date of the last recorded event fed to the clock
        self._ids: set[str] = set()
        self._suffixes: dict[str, int] = {}
        self._versions: dict[int, int] = {}  # id(event) -> its stream version
        self._refused: list[tuple[Event, str]] = []  # events the machine refused, not yet printed

    # --- what is printed ------------------------------------------------------------

    def start(self, *, from_start: bool = False) -> list[str]:
        """Replay what the stream holds now; the lines that say so (every event, ``from_start``)."""
        while True:  # a record appended while replaying: replay again, so that none is counted twice
            version = self.store.version(self.stream)
            steps = self._replay()
            if self.store.version(self.stream) == version:
                break
        self.seen = version
        if not version:
            return [f"{self.stream}: no records yet; waiting for the first"]
        head = f"{self.stream}: version {version}, {len(self._versions)} event(s) replayed"
        if self._scenario is not None:
            readings = ", ".join(r for r in self._scenario.interpretations) or "the pack's own"
            head += f"; constitution {self._scenario.constitution.id}, readings: {readings}"
        lines = [head]
        if self._unjudged:
            lines.append(f"{_INDENT}{self._unjudged}")
        if from_start:
            lines += self._steps_text(steps) if self._scenario is not None else \
                self._unjudged_text(list(self.store.history(self.stream)))
        return lines + self._now_text()

    def update(self) -> list[str]:
        """Take in the records appended since the last call; the lines for them (none if nothing came)."""
        records = list(self.store.history(self.stream, after=self.seen))
        if not records:
            return []
        self.seen = records[-1].version
        events = [self.store.event(self.stream, r.version) for r in records if r.kind == EVENT] \
            if all(r.kind == EVENT for r in records) else []
        ordered = events == sorted(events, key=lambda e: e.at)
        later = bool(events) and (self._last is None or events[0].at >= self._last)
        if self._scenario is not None and len(events) == len(records) and ordered and later:
            return self._steps_text(self._feed(events, [r.version for r in records])) + self._now_text()
        # the past changed (or no pack was known): replay the whole stream, show what the new records touch
        lines = [_record_line(r) for r in records if r.kind != EVENT]
        touched: set[int | None] = {r.version for r in records}
        touched |= {r.target for r in records if r.target is not None}
        had_pack = self._scenario is not None
        steps = self._replay()
        if self._scenario is None:
            return lines + self._unjudged_text(records)
        if had_pack:
            lines.append(f"{_INDENT}the stream is judged again from the start: "
                         + ("an event dated before the last" if len(events) == len(records) else "the past changed"))
        else:  # a pack at last: every event, shown unjudged until now, is judged
            lines.append(f"{_INDENT}the stream is judged from the start, by pack {self._scenario.constitution.id}")
            touched = {self._version(s.event) for s in steps}
        lines += self._steps_text([s for s in steps if self._version(s.event) in touched])
        return lines + self._now_text()

    # --- replay -------------------------------------------------------------------

    def _replay(self) -> list[Step]:
        """Replay the whole stream afresh; its steps."""
        self._clock, self._last, self._scenario, self._unjudged = None, None, None, ""
        self._ids, self._suffixes, self._versions = set(), {}, {}
        if not self.store.version(self.stream):
            return []
        if not self.store.metadata(self.stream).get("constitution"):
            self._unjudged = ("events are shown unjudged: the stream has no constitution pack yet "
                              "(impasse log init STORE --stream ID --constitution PACK)")
            return []
        scenario = scenario_from_store(self.store, self.stream)
        self._scenario = attrs.evolve(scenario, events=(), lines=())
        return self._feed(list(scenario.events), [v or 0 for v in scenario.lines])

    def _feed(self, events: Sequence[Event], versions: Sequence[int]) -> list[Step]:
        """Apply recorded events, in date order, to the clock; the steps made (expiries before them too)."""
        scenario = self._scenario
        if scenario is None or not events:
            return []
        named = []
        for event, version in zip(events, versions, strict=True):
            ident = unique_id(event, self._ids, self._suffixes)
            self._ids.add(ident)
            event = event if event.id == ident else attrs.evolve(event, id=ident)
            self._versions[id(event)] = version
            named.append(event)
        if self._clock is None:
            self._clock = Clock(law_for(scenario), named[0].at, lenient=True)
        clock = self._clock
        before, refused = len(clock.steps), len(clock.refused)
        clock.env.process(clock.feed(named, None))
        clock.run(clock.day(named[-1].at) + 0.5)  # the day's events, not the expiries at its very end
        self._last = named[-1].at
        self._refused += clock.refused[refused:]
        return clock.steps[before:]

    def _version(self, event: Event) -> int | None:
        return self._versions.get(id(event))

    # --- words --------------------------------------------------------------------

    def _view(self, steps: Iterable[Step]) -> TimelineView | None:
        if self._scenario is None or self._clock is None:
            return None
        steps = tuple(steps)
        # a scenario of just these steps' events, so that each finds its version at once
        events = tuple(s.event for s in steps)
        scenario = attrs.evolve(self._scenario, events=events, lines=tuple(self._version(e) for e in events))
        return timeline_view(scenario, Timeline(self._clock.law, steps, self._clock.state, self._last))

    def _steps_text(self, steps: Sequence[Step]) -> list[str]:
        lines: list[str] = []
        view = self._view(steps)
        if view is not None:
            for step in view.steps:
                lines += _step_text(step)
        for event, reason in self._refused:
            version = self._version(event)
            lines.append(f"v{version or '?':<4} {event.at}  {event.TYPE}: refused, not applied: {reason} "
                         f"(correct it with 'impasse log correct --version {version}')")
        self._refused = []
        return lines

    def _unjudged_text(self, records: Sequence[Record]) -> list[str]:
        """New event records of a stream with no pack to judge them by: what they say, and no more."""
        return [f"v{r.version:<4} {r.valid}  {describe(self.store.event(self.stream, r.version))}  (unjudged)"
                for r in records if r.kind == EVENT]

    def _now_text(self) -> list[str]:
        """The running deadlines and the impasse, after what was printed."""
        view = self._view(())
        if view is None:
            return []
        state = view.final
        lines = [f"{_INDENT}now: phase {state.phase}; impasse {state.impasse}"
                 + (f" ({'; '.join(state.impasse_reasons)})" if state.impasse_reasons else "")]
        for d in state.deadlines:
            left = f" ({d.days_left} days left on {state.as_of})" if state.as_of and d.days_left is not None else ""
            lines.append(f"{_INDENT}deadline running: {d.title} ({d.citation}), due {d.due}{left}")
        return lines


def _step_text(step: StepView) -> list[str]:
    """One step: its version (or ``-`` for what the law derived), date and summary, then its findings."""
    version = f"v{step.line}" if step.line is not None else "-"
    lines = [f"{version:<5} {step.at}  {step.summary}"]
    for f in step.findings:
        name = f.reading if f.reading_name is None else f.reading_name
        reading = "" if f.reading is None else f" [{name}]"
        lines.append(f"{_INDENT}{MARK[f.verdict]:<9}{reading} {f.text}")
    return lines


def _record_line(record: Record) -> str:
    """A record that is not an event, as it arrives."""
    what = {CORRECTION: f"correction of v{record.target}", RETRACTION: f"retraction of v{record.target}",
            METADATA: "metadata"}.get(record.kind, record.kind)
    detail = ""
    if record.kind == RETRACTION and record.data().get("reason"):
        detail = f": {record.data()['reason']}"
    elif record.kind == CORRECTION:
        detail = f": {record.type} on {record.valid}"
    elif record.kind == METADATA:
        data = record.data()
        detail = f": constitution {data.get('constitution', '-')}" + (
            f", readings {', '.join(data['interpretations'])}" if data.get("interpretations") else "")
    return f"v{record.version:<4} {record.recorded_at[:19]}Z  {what}{detail}"
