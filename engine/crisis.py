"""The seam: assembling a crisis (a scenario file or a stored stream, a pack, the readings) into
what replay needs, and replaying it with errors placed at the scenario's lines.

It sits above the files and the store and below the simulator, reports and command line: the one
module that knows both where a crisis comes from and how it is judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from os import PathLike
from typing import TYPE_CHECKING, Any

import attrs

from engine.errors import EngineError, ImpasseError, ScenarioError, StoreError
from engine.files.packs import load_pack
from engine.files.scenarios import Party, Scenario, dump_scenario
from engine.timeline.events import Event, unique_id
from engine.timeline.machine import Finding, Law
from engine.timeline.replay import Timeline, replay

if TYPE_CHECKING:
    from engine.store.interface import EventStore

__all__ = ["Reversal", "check_stream_pack", "law_for", "replay_scenario", "reversals", "scenario_from_store",
           "scenario_metadata"]


def law_for(scenario: Scenario, interpretations: Iterable[str] | None = None, law_as_of: date | None = None) -> Law:
    """The :class:`Law` to judge a scenario by: its pack, body and interpretations.

    Args:
        scenario: a loaded scenario.
        interpretations: readings to judge instead of the scenario's own list.
        law_as_of: judge by the law as it stood (as adopted) on this day; None: as now known.
    """
    readings: tuple[str | None, ...] = tuple(interpretations) if interpretations else scenario.interpretations
    for name in readings:
        scenario.constitution.interpretation(name)  # type: ignore[arg-type]  # raises UnknownNameError
    return Law(scenario.constitution, scenario.body, readings or (None,), law_as_of)


def replay_scenario(scenario: Scenario, until: date | None = None,
                    interpretations: Iterable[str] | None = None, law_as_of: date | None = None) -> Timeline:
    """Replay a loaded scenario; an impossible event becomes a :class:`ScenarioError` at its line.

    Without ``until``, the replay runs past the last event while deadlines run (at most
    :data:`engine.timeline.replay.HORIZON`), so that their expiries and consequences are in it.
    ``law_as_of`` judges by the law as it stood on that day (see :meth:`Constitution.rules_on`).
    """
    rules = law_for(scenario, interpretations, law_as_of)
    try:
        return replay(scenario.events, rules, until, run_on=until is None)
    except EngineError as exc:
        line = scenario.line_of(exc.event) if isinstance(exc.event, Event) else None
        index = next((i for i, e in enumerate(scenario.events) if e is exc.event), None)
        field = f"events[{index}]" + (f".{exc.field}" if exc.field else "") if index is not None else exc.field
        raise ScenarioError(exc.reason, path=scenario.path, line=line, field=field) from None


def scenario_from_store(store: EventStore | str | PathLike[str], stream: str, at: date | None = None,
                        known_at: datetime | date | str | None = None) -> Scenario:
    """A :class:`~engine.files.scenarios.Scenario` made from a stream, ready for :func:`replay_scenario`.

    The scenario's ``path`` is ``STORE#STREAM`` and its "lines" are the events' stream versions,
    so an engine error reads ``store.db#kh-2013:7: events[3].present: …`` — version 7.

    Args:
        store: an open store, or the path of one.
        stream: the stream.
        at: only events that happened by this date.
        known_at: the stream as it had been recorded by then.

    Raises:
        StoreError: the stream has no constitution pack in its metadata, or a bad record.
    """
    # the store is loaded only for a crisis read from one: replaying a file needs none of it
    from engine.store.interface import EventStore
    from engine.store.opening import open_store

    if not isinstance(store, EventStore):
        with open_store(store) as opened:
            return scenario_from_store(opened, stream, at, known_at)
    meta = store.metadata(stream, known_at=known_at)
    if not meta.get("constitution"):
        if not store.version(stream):
            msg = f"{store.name} has no stream {stream!r}" + (f" (streams: {', '.join(store.streams())})"
                                                              if store.streams() else "")
        else:
            msg = (f"stream {stream!r} has no constitution pack recorded"
                   f"{' by ' + str(known_at) if known_at else ''}: set one with 'impasse log init STORE "
                   f"--stream {stream} --constitution PACK', or import a scenario file")
        raise StoreError(msg)
    try:
        pack = load_pack(meta["constitution"])
    except ImpasseError as exc:
        msg_0 = f"stream {stream!r}: {exc}"
        raise StoreError(msg_0) from None
    events: list[Event] = []
    versions: list[int | None] = []
    used: set[str] = set()
    suffixes: dict[str, int] = {}  # linear time for many events of one day
    for entry in store.entries(stream, at=at, known_at=known_at):
        event = entry.event
        if event.id is None or event.id in used:
            event = attrs.evolve(event, id=unique_id(event, used, suffixes))
        used.add(event.id)  # type: ignore[arg-type]
        events.append(event)
        versions.append(entry.version)
    fields = {f.name for f in attrs.fields(Party)}
    parties = tuple(Party(**{k: v for k, v in p.items() if k in fields}) for p in meta.get("parties", ()))
    return Scenario(
        id=meta.get("id") or stream,
        title=meta.get("title") or stream,
        country=meta.get("country") or "",
        constitution=pack,
        body=meta.get("body") or pack.bodies[0].id,
        interpretations=tuple(meta.get("interpretations", ())),
        parties=parties,
        events=tuple(events),
        lines=tuple(versions),
        sources=tuple(meta.get("sources", ())),
        notes=tuple(meta.get("notes", ())),
        path=f"{store.name}#{stream}",
    )


def check_stream_pack(metadata: Mapping[str, Any]) -> None:
    """Check that the constitution pack stream metadata names exists, with its body and readings.

    The store checks only the metadata's shape (it sits below the packs); whoever records metadata
    a user gave calls this first, so that a stream never names a pack replay can't load.

    Args:
        metadata: stream metadata (see :data:`engine.store.records.METADATA_KEYS`); without a
            ``constitution``, nothing is checked.

    Raises:
        UnknownNameError: an unknown pack or interpretation (with a suggestion).
        StoreError: a body the pack does not have.
    """
    given = {k: v for k, v in metadata.items() if v not in (None, (), [])}  # as the store keeps them
    if "constitution" not in given:
        return
    pack = load_pack(given["constitution"])
    if "body" in given and given["body"] not in [b.id for b in pack.bodies]:
        msg = f"pack {pack.id!r} has no body {given['body']!r} (bodies: {', '.join(b.id for b in pack.bodies)})"
        raise StoreError(msg)
    readings = given.get("interpretations", ())
    names: list[Any] = [readings] if isinstance(readings, (str, dict)) else list(readings)
    for name in names:
        pack.interpretation(name)  # raises UnknownNameError, with a suggestion


def scenario_metadata(scenario: Scenario) -> dict[str, Any]:
    """The stream metadata that describes a scenario (its ``scenario:`` block and parties)."""
    dumped = dump_scenario(attrs.evolve(scenario, events=()))
    return {**dumped["scenario"], "parties": dumped["parties"]}


@attrs.frozen
class Reversal:
    """A finding that a retrospective amendment reverses: what was believed under the law as it stood
    until ``believed_until``, and what holds from ``holds_from``, the day the amendment was adopted.

    ``before`` or ``after`` is None where only one view judged the act (an expiry the amendment undoes,
    or a deadline it makes expire). ``event`` is the id of the event judged, ``at`` its date.
    """

    at: date
    event: str | None
    rule: str | None
    interpretation: str | None
    amendment: str
    believed_until: date
    holds_from: date
    before: Finding | None
    after: Finding | None


def reversals(events: Scenario | Iterable[Event], timeline: Timeline) -> tuple[Reversal, ...]:
    """The findings of ``timeline`` (a replay of ``events``, or of a scenario's) that retrospective
    amendments reversed, with both dates.

    For each amendment that took effect before its adoption (and was known to ``timeline``'s law), the
    events are replayed under the law as it stood the day before the adoption and under the law as it
    stood after it (the next such amendment's eve, or ``timeline`` itself for the last); a finding on
    an act dated before the adoption that differs between the two is reversed. A pack with no
    retrospective amendment costs no replay.
    """
    law = timeline.law
    known = law.known_on
    amendments = sorted((a for a in law.constitution.amendments
                         if a.retrospective and (known is None or a.known_from <= known)),
                        key=lambda a: a.known_from)
    if not amendments:
        return ()
    recorded = tuple(events.events if isinstance(events, Scenario) else events)
    # an event the earlier law makes impossible is skipped there: the view as the law now stands was replayed
    views = [replay(recorded, attrs.evolve(law, known_on=a.known_from - timedelta(days=1)), timeline.as_of,
                    lenient=True) for a in amendments]
    views.append(timeline)
    out: list[Reversal] = []
    for amendment, before, after in zip(amendments, views, views[1:], strict=False):
        adopted = amendment.known_from
        was, now = _judged(before, adopted), _judged(after, adopted)
        for key in dict.fromkeys([*was, *now]):
            a, b = was.get(key), now.get(key)
            if a is not None and b is not None and _stated(a[1]) == _stated(b[1]):
                continue
            at, event_id = (a or b)[0]  # type: ignore[index]
            out.append(Reversal(at, event_id, key[1], key[2], amendment.id, adopted - timedelta(days=1), adopted,
                                None if a is None else a[1], None if b is None else b[1]))
    return tuple(sorted(out, key=lambda r: r.at))


def _judged(timeline: Timeline, before: date) -> dict[tuple, tuple[tuple[date, str | None], Finding]]:
    """The findings on acts dated before ``before`` that judge a rule, by (event, rule, reading)."""
    out = {}
    for step in timeline.steps:
        if step.event.at >= before:
            break
        for f in step.findings:
            if f.rule is not None:
                out[(step.event.id, f.rule, f.interpretation)] = ((step.event.at, step.event.id), f)
    return out


def _stated(f: Finding) -> tuple:
    """The judgement a finding makes: its verdict and what was found (numbers that change under the same
    verdict, such as a due day moved, reverse nothing)."""
    return (f.verdict, f.code)
