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
from typing import Any

import attrs

from engine.crisis import law_for, scenario_from_store
from engine.files.scenarios import Scenario
from engine.report.describe import describe
from engine.report.jsondata import dumps, state_data, step_data
from engine.report.text import MARK
from engine.report.view import StateView, StepView, TimelineView, timeline_view
from engine.store.interface import EventStore
from engine.store.records import CORRECTION, EVENT, METADATA, RETRACTION, Record
from engine.timeline.events import Event, unique_id
from engine.timeline.machine import Step
from engine.timeline.replay import Clock, Timeline

__all__ = ["Entry", "Follower", "json_lines", "text_lines"]

#: a step's continuation lines start under its summary
_INDENT = " " * 6


@attrs.frozen
class Entry:
    """One thing the follower has to say, before it is worded as text or written as JSON.

    ``kind`` and ``data``: ``start`` (a dict: the stream, its version, the events replayed, the pack,
    the readings, why events are unjudged), ``step`` (a :class:`StepView`), ``refused`` (the event and
    the reason), ``record`` (a :class:`Record` that is not an event), ``unjudged`` (an event record
    and its event, no pack to judge it), ``rejudged`` (why the stream is judged again from the start),
    ``now`` (the :class:`~engine.report.view.StateView` after what came).
    """

    kind: str
    data: Any


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
        return text_lines(self.start_entries(from_start=from_start))

    def update(self) -> list[str]:
        """Take in the records appended since the last call; the lines for them (none if nothing came)."""
        return text_lines(self.update_entries())

    def start_entries(self, *, from_start: bool = False) -> list[Entry]:
        """:meth:`start`, before it is worded."""
        while True:  # a record appended while replaying: replay again, so that none is counted twice
            version = self.store.version(self.stream)
            steps = self._replay()
            if self.store.version(self.stream) == version:
                break
        self.seen = version
        scenario = self._scenario
        head = {"stream": self.stream, "version": version, "events": len(self._versions),
                "constitution": None if scenario is None else scenario.constitution.id,
                "interpretations": None if scenario is None else list(scenario.interpretations),
                "unjudged": self._unjudged or None}
        entries = [Entry("start", head)]
        if not version:
            return entries
        if from_start:
            entries += self._steps(steps) if scenario is not None else \
                self._unjudged_entries(list(self.store.history(self.stream)))
        return entries + self._now()

    def update_entries(self) -> list[Entry]:
        """:meth:`update`, before it is worded."""
        records = list(self.store.history(self.stream, after=self.seen))
        if not records:
            return []
        self.seen = records[-1].version
        events = [self.store.event(self.stream, r.version) for r in records if r.kind == EVENT] \
            if all(r.kind == EVENT for r in records) else []
        ordered = events == sorted(events, key=lambda e: e.at)
        later = bool(events) and (self._last is None or events[0].at >= self._last)
        if self._scenario is not None and len(events) == len(records) and ordered and later:
            return self._steps(self._feed(events, [r.version for r in records])) + self._now()
        # the past changed (or no pack was known): replay the whole stream, show what the new records touch
        entries = [Entry("record", r) for r in records if r.kind != EVENT]
        touched: set[int | None] = {r.version for r in records}
        touched |= {r.target for r in records if r.target is not None}
        had_pack = self._scenario is not None
        steps = self._replay()
        if self._scenario is None:
            return entries + self._unjudged_entries(records)
        if had_pack:
            entries.append(Entry("rejudged", "the stream is judged again from the start: " + (
                "an event dated before the last" if len(events) == len(records) else "the past changed")))
        else:  # a pack at last: every event, shown unjudged until now, is judged
            entries.append(Entry("rejudged", f"the stream is judged from the start, by pack "
                                             f"{self._scenario.constitution.id}"))
            touched = {self._version(s.event) for s in steps}
        entries += self._steps([s for s in steps if self._version(s.event) in touched])
        return entries + self._now()

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

    def _steps(self, steps: Sequence[Step]) -> list[Entry]:
        entries: list[Entry] = []
        view = self._view(steps)
        if view is not None:
            entries += [Entry("step", step) for step in view.steps]
        entries += [Entry("refused", (event, reason, self._version(event))) for event, reason in self._refused]
        self._refused = []
        return entries

    def _unjudged_entries(self, records: Sequence[Record]) -> list[Entry]:
        """New event records of a stream with no pack to judge them by: what they say, and no more."""
        return [Entry("unjudged", (r, self.store.event(self.stream, r.version))) for r in records if r.kind == EVENT]

    def _now(self) -> list[Entry]:
        """The running deadlines and the impasse, after what was printed."""
        view = self._view(())
        return [] if view is None else [Entry("now", view.final)]


def text_lines(entries: Iterable[Entry]) -> list[str]:
    """What ``impasse log follow`` prints: the entries in words."""
    lines: list[str] = []
    for entry in entries:
        kind, data = entry.kind, entry.data
        if kind == "start":
            lines += _start_text(data)
        elif kind == "step":
            lines += _step_text(data)
        elif kind == "refused":
            event, reason, version = data
            lines.append(f"v{version or '?':<4} {event.at}  {event.TYPE}: refused, not applied: {reason} "
                         f"(correct it with 'impasse log correct --target {version}')")
        elif kind == "record":
            lines.append(_record_line(data))
        elif kind == "unjudged":
            record, event = data
            lines.append(f"v{record.version:<4} {record.valid}  {describe(event)}  (unjudged)")
        elif kind == "rejudged":
            lines.append(f"{_INDENT}{data}")
        else:
            lines += _now_text(data)
    return lines


def json_lines(entries: Iterable[Entry]) -> list[str]:
    """What ``impasse log follow --format json`` prints: each entry as one JSON object on a line of its
    own (JSON Lines; ``impasse schema follow`` gives the schema of a line)."""
    return [dumps(_entry_data(entry), indent=None) for entry in entries]


def _entry_data(entry: Entry) -> dict[str, Any]:
    kind, data = entry.kind, entry.data
    if kind == "start":
        return {"kind": kind, **data}
    if kind == "step":
        return {"kind": kind, "step": step_data(data)}
    if kind == "refused":
        event, reason, version = data
        return {"kind": kind, "version": version, "at": event.at, "type": event.TYPE, "reason": reason}
    if kind == "record":
        return {"kind": kind, "version": data.version, "recorded_at": data.recorded_at, "record": data.kind,
                "target": data.target, "summary": _record_summary(data)}
    if kind == "unjudged":
        record, event = data
        return {"kind": kind, "version": record.version, "at": record.valid, "summary": describe(event)}
    if kind == "rejudged":
        return {"kind": kind, "reason": data}
    return {"kind": kind, "state": state_data(data)}


def _start_text(head: dict[str, Any]) -> list[str]:
    if not head["version"]:
        return [f"{head['stream']}: no records yet; waiting for the first"]
    line = f"{head['stream']}: version {head['version']}, {head['events']} event(s) replayed"
    if head["constitution"] is not None:
        readings = ", ".join(head["interpretations"]) or "the pack's own"
        line += f"; constitution {head['constitution']}, readings: {readings}"
    return [line] + ([f"{_INDENT}{head['unjudged']}"] if head["unjudged"] else [])


def _now_text(state: StateView) -> list[str]:
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
    return f"v{record.version:<4} {record.recorded_at[:19]}Z  {_record_summary(record)}"


def _record_summary(record: Record) -> str:
    """What a record that is not an event does: ``correction of v4: …``, ``metadata: …``."""
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
    return f"{what}{detail}"
