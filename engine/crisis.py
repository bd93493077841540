"""The seam: assembling a crisis (a scenario file or a stored stream, a pack, the readings) into
what replay needs, and replaying it with errors placed at the scenario's lines.

It sits above the files and the store and below the simulator, reports and command line: the one
module that knows both where a crisis comes from and how it is judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from os import PathLike
from typing import TYPE_CHECKING, Any

import attrs

from engine.errors import EngineError, ImpasseError, ScenarioError, StoreError
from engine.files.packs import load_pack
from engine.files.scenarios import Party, Scenario, dump_scenario
from engine.timeline.events import Event, unique_id
from engine.timeline.machine import Law
from engine.timeline.replay import Timeline, replay

if TYPE_CHECKING:
    from engine.store.interface import EventStore

__all__ = ["check_stream_pack", "law_for", "replay_scenario", "scenario_from_store", "scenario_metadata"]


def law_for(scenario: Scenario, interpretations: Iterable[str] | None = None) -> Law:
    """The :class:`Law` to judge a scenario by: its pack, body and interpretations.

    Args:
        scenario: a loaded scenario.
        interpretations: readings to judge instead of the scenario's own list.
    """
    readings: tuple[str | None, ...] = tuple(interpretations) if interpretations else scenario.interpretations
    for name in readings:
        scenario.constitution.interpretation(name)  # type: ignore[arg-type]  # raises UnknownNameError
    return Law(scenario.constitution, scenario.body, readings or (None,))


def replay_scenario(scenario: Scenario, until: date | None = None,
                    interpretations: Iterable[str] | None = None) -> Timeline:
    """Replay a loaded scenario; an impossible event becomes a :class:`ScenarioError` at its line.

    Without ``until``, the replay runs past the last event while deadlines run (at most
    :data:`engine.timeline.replay.HORIZON`), so that their expiries and consequences are in it.
    """
    rules = law_for(scenario, interpretations)
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
