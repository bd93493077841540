"""The event store's interface: appending with expected versions, and reading with corrections and
retractions applied, along valid time and transaction time, the same for every storage.

A stream is a sequence of **records**, numbered 1, 2, 3… with no gaps. A record is one of:

* ``event`` — a recorded fact (an :class:`~engine.timeline.events.Event`), with its valid time (the
  event's ``at``) and the transaction time it was recorded at;
* ``correction`` — names an earlier event record (``target``) and carries the whole replacement;
* ``retraction`` — names an earlier event record that should not have been recorded;
* ``metadata`` — what replay needs besides events: constitution pack, body, readings, parties.

Nothing is ever updated or deleted. Reading a stream applies corrections and retractions (the last
one recorded for an event wins); :meth:`EventStore.history` shows every record as written.
``read(at=D)`` keeps the events that happened by ``D``; ``read(known_at=D)`` uses only what had
been recorded by the end of ``D`` (UTC), so a later correction is not applied.

Every record carries the schema version its payload was written with; :class:`Schemas` upcasts
old payloads to the current event classes on the way out. Each record also carries a SHA-256
checksum of its contents chained to the previous record's, which :meth:`EventStore.verify` checks.

Records, checksums, stamps and schemas are in :mod:`engine.store.records`; the checks of
:meth:`EventStore.verify` in :mod:`engine.store.verify`; JSON Lines in :mod:`engine.store.jsonl`;
:class:`~engine.store.sqlite.SQLiteStore` is the implementation, and
:func:`engine.store.opening.open_store` opens one.
"""

from __future__ import annotations

import abc
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

import attrs

from engine.errors import StoreError
from engine.store.jsonl import drafts_from_jsonl, jsonl_lines
from engine.store.records import (
    CORRECTION,
    EVENT,
    METADATA,
    RETRACTION,
    SCHEMAS,
    Draft,
    Entry,
    Head,
    Problem,
    Record,
    Schemas,
    check_metadata,
    checked_event,
    checksum,
    dumps,
    event_draft,
    known_bound,
    metadata_problem,
    payload_object,
    strict_event,
    utc_now,
    utc_stamp,
)
from engine.store.verify import verify_stream
from engine.timeline.events import Event

__all__ = ["EventStore"]

#: how often :meth:`EventStore.wait` looks at a stream's version, in seconds, where no storage tells it
POLL = 0.2

_STREAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")

#: ``_DECODE(text)`` is ``(value, end)``: json's public decoder without ``json.loads``'s checks of
#: its argument and of the whitespace around the value (the store writes none).
_DECODE = json.JSONDecoder().raw_decode


# --------------------------------------------------------------------------- the interface


class EventStore(abc.ABC):
    """Streams of records: append with an expected version, read with corrections applied.

    Subclasses provide storage: :meth:`_commit` (number, seal and write drafts atomically, refusing
    a stale expected version), :meth:`_records` (one stream's records in version order),
    :meth:`_record` (one record), :meth:`_event_rows` (its event records in valid-time order) and
    :meth:`versions`. Everything else — corrections, bitemporal reads, upcasting, verification,
    JSON Lines — is done here, once for every storage.

    Args:
        schemas: the schema registry for writing and upcasting.
        clock: returns the current time (aware); transaction times come from it unless given.
    """

    name: str = "<store>"

    def __init__(self, *, schemas: Schemas = SCHEMAS, clock: Callable[[], datetime] | None = None) -> None:
        self.schemas = schemas
        self.clock = clock or utc_now

    # --- storage primitives ---------------------------------------------------------

    @abc.abstractmethod
    def _commit(self, stream: str, drafts: Sequence[Draft], expected_version: int | None) -> int:
        """Write drafts as the next records of a stream, all or none; return the new version.

        Implementations hold an exclusive lock, find the stream's last record, refuse a stale
        ``expected_version`` with :class:`StaleVersionError`, call :meth:`_seal` and write.
        """

    @abc.abstractmethod
    def _records(self, stream: str, *, known_before: str | None = None,
                 kinds: tuple[str, ...] | None = None, after: int = 0) -> Iterator[Record]:
        """A stream's records in version order, optionally only some kinds, only those recorded
        before ``known_before``, and only those after version ``after``."""

    @abc.abstractmethod
    def _record(self, stream: str, version: int) -> Record | None:
        """The record with this version, if there is one."""

    @abc.abstractmethod
    def _event_rows(self, stream: str, *, until: str | None,
                    known_before: str | None) -> Iterator[tuple[int, str, int, str]]:
        """``(version, type, schema, payload)`` of a stream's event records, ordered by valid date
        then version; only those valid on or before ``until`` and recorded before ``known_before``."""

    def _event_batches(self, stream: str, *, until: str | None,
                       known_before: str | None) -> Iterator[Sequence[tuple[int, str, int, str]]]:
        """The rows of :meth:`_event_rows` in lists; a storage that fetches rows in batches
        overrides this, saving the reader a step per row."""
        rows = iter(self._event_rows(stream, until=until, known_before=known_before))
        while batch := list(itertools.islice(rows, 512)):
            yield batch

    @abc.abstractmethod
    def versions(self) -> dict[str, int]:
        """Every stream and its current version."""

    def version(self, stream: str) -> int:
        """A stream's current version (0 for a stream with no records)."""
        return self.versions().get(stream, 0)

    def streams(self) -> tuple[str, ...]:
        """The names of the streams, sorted."""
        return tuple(sorted(self.versions()))

    def wait(self, stream: str, after: int, timeout: float) -> int:
        """Wait until ``stream`` is past version ``after``, or ``timeout`` seconds have passed; return
        its version then.

        This storage looks every :data:`POLL` seconds; one that can be told of appends (PostgreSQL's
        LISTEN/NOTIFY) overrides this and wakes at once.
        """
        deadline = time.monotonic() + timeout
        while (now := self.version(stream)) <= after and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(POLL, left))
        return now

    def close(self) -> None:  # noqa: B027  # not abstract: a storage holding nothing open has nothing to do
        """Release the store's resources."""

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _storage_problems(self) -> list[Problem]:
        """Problems the storage itself reports (e.g. SQLite's integrity check)."""
        return []

    # --- writing ------------------------------------------------------------------

    def append(self, stream: str, events: Iterable[Event], expected_version: int | None = None, *,
               recorded_at: datetime | date | str | None = None,
               metadata: Mapping[str, Any] | None = None) -> int:
        """Append events to a stream, all or none.

        Args:
            stream: the stream's name (letters, digits, ``.``, ``_``, ``:``, ``-``).
            events: the events, in any order: readers order them by date.
            expected_version: the version the caller last read (0: a new stream); None to append
                whatever the version.
            recorded_at: the transaction time; default: the store's clock.
            metadata: stream metadata to record first, in the same batch (shape checked, as by
                :meth:`set_metadata`).

        Returns:
            The stream's new version (the version of the last record written).

        Raises:
            StaleVersionError: the stream is not at ``expected_version``; nothing is written.
            StoreError: an event that can't be recorded, or a storage failure.
        """
        drafts = [Draft(METADATA, None, 1, None, None, dumps(check_metadata(metadata)))] if metadata else []
        drafts += [event_draft(e, self.schemas) for e in events]
        return self._write(stream, drafts, expected_version, recorded_at)

    def correct(self, stream: str, version: int, replacement: Event, expected_version: int | None = None, *,
                recorded_at: datetime | date | str | None = None) -> int:
        """Record that the event recorded as ``version`` should read as ``replacement``.

        The original stays in the history; readers see the replacement, from the time it is recorded.

        Returns:
            The stream's new version (that of the correction).
        """
        draft = event_draft(replacement, self.schemas, CORRECTION, version)
        return self._write(stream, [draft], expected_version, recorded_at)

    def retract(self, stream: str, version: int, *, reason: str | None = None, source: Iterable[str] = (),
                expected_version: int | None = None, recorded_at: datetime | date | str | None = None) -> int:
        """Record that the event recorded as ``version`` should not have been recorded.

        Returns:
            The stream's new version (that of the retraction).
        """
        data = {k: v for k, v in (("reason", reason), ("source", list(source))) if v}
        draft = Draft(RETRACTION, None, 1, None, version, dumps(data))
        return self._write(stream, [draft], expected_version, recorded_at)

    def set_metadata(self, stream: str, metadata: Mapping[str, Any], expected_version: int | None = None, *,
                     recorded_at: datetime | date | str | None = None) -> int:
        """Record the stream's metadata (replacing, for readers, any recorded before).

        Keys as in a scenario file's ``scenario:`` block, plus ``parties``; see
        :data:`~engine.store.records.METADATA_KEYS`. Only the shape is checked: for metadata a user
        gave, call :func:`engine.crisis.check_stream_pack` first (the pack, body and readings exist).

        Raises:
            StoreError: an unknown key, or a party without an id.
        """
        draft = Draft(METADATA, None, 1, None, None, dumps(check_metadata(metadata)))
        return self._write(stream, [draft], expected_version, recorded_at)

    def _write(self, stream: str, drafts: Sequence[Draft], expected_version: int | None,
               recorded_at: datetime | date | str | None) -> int:
        if not isinstance(stream, str) or not _STREAM.fullmatch(stream):
            msg = (f"stream name must start with a letter or digit and hold only letters, digits, "
                   f"'.', '_', ':' and '-' (got {stream!r})")
            raise StoreError(msg)
        if expected_version is not None and (isinstance(expected_version, bool) or expected_version < 0):
            msg = f"expected version must be a whole number >= 0 (got {expected_version!r})"
            raise StoreError(msg)
        if recorded_at is not None:
            stamp = utc_stamp(recorded_at)
            drafts = [d if d.recorded_at else attrs.evolve(d, recorded_at=stamp) for d in drafts]
        if not drafts and expected_version is None:
            return self.version(stream)
        return self._commit(stream, drafts, expected_version)

    def _seal(self, stream: str, drafts: Sequence[Draft], last: Record | None,
              kind_of: Callable[[int], str | None]) -> list[Record]:
        """Number, stamp and checksum drafts that follow ``last``; check what they name.

        Called by :meth:`_commit` under its lock. ``kind_of(version)`` tells the kind of an existing
        record (None if there is none).
        """
        version = last.version if last else 0
        previous = last.checksum if last else ""
        last_stamp = last.recorded_at if last else ""
        now = utc_stamp(self.clock()) if any(d.recorded_at is None for d in drafts) else ""
        kinds: dict[int, str] = {}
        out = []
        for draft in drafts:
            version += 1
            if draft.recorded_at is None:
                stamp = max(now, last_stamp)  # a clock stepping back never reorders the stream
            elif draft.recorded_at < last_stamp:
                msg = (f"recorded time {draft.recorded_at} is before the stream's last record ({last_stamp}): "
                       f"transaction time only moves forward")
                raise StoreError(msg)
            else:
                stamp = draft.recorded_at
            last_stamp = stamp
            if draft.target is not None:
                target_kind = kinds.get(draft.target) if draft.target in kinds else (
                    kind_of(draft.target) if 0 < draft.target < version else None)
                if target_kind != EVENT:
                    what = f"a {target_kind} record" if target_kind else "no record"
                    msg = (f"a {draft.kind} must name an event record of stream {stream!r}: "
                           f"version {draft.target} is {what}")
                    raise StoreError(msg)
            kinds[version] = draft.kind
            digest = checksum(version, draft.kind, draft.type, draft.schema, draft.valid, stamp, draft.target,
                              draft.payload, previous)
            out.append(Record(stream, version, draft.kind, draft.type, draft.schema, draft.valid, stamp,
                              draft.target, draft.payload, digest))
            previous = digest
        return out

    # --- reading ------------------------------------------------------------------

    def read(self, stream: str, *, at: date | None = None,
             known_at: datetime | date | str | None = None) -> Iterator[Event]:
        """The stream's events as now understood, in date order (ties: order recorded), streamed.

        Nothing is read until the first event is asked for.

        Args:
            at: only events that happened on or before this date (valid time).
            known_at: only what had been recorded by then (transaction time; a date means its end).

        Raises:
            StoreError: a record that can't be read as a current event.
        """
        return self._effective(stream, at, known_at, entries=False)

    def entries(self, stream: str, *, at: date | None = None,
                known_at: datetime | date | str | None = None) -> Iterator[Entry]:
        """Like :meth:`read`, with each event's stream version and the correction applied to it."""
        return self._effective(stream, at, known_at, entries=True)

    def history(self, stream: str, *, known_at: datetime | date | str | None = None,
                after: int = 0) -> Iterator[Record]:
        """Every record of the stream as written, in version order: events, corrections, retractions, metadata.

        Args:
            known_at: only the records made by then.
            after: only the records after this version (what a follower has not seen yet).
        """
        return (r.checked() for r in self._records(stream, known_before=known_bound(known_at), after=after))

    def event(self, stream: str, version: int, *, known_at: datetime | date | str | None = None) -> Event:
        """The event recorded as ``version``, as now understood (its latest correction applied).

        Raises:
            StoreError: no event record has that version, or it was retracted.
        """
        bound = known_bound(known_at)
        found = self._record(stream, version)
        found = found.checked() if found is not None else None
        if found is None or found.kind != EVENT or (bound is not None and found.recorded_at >= bound):
            what = f"version {version} is a {found.kind} record" if found is not None and found.kind != EVENT \
                else f"it is at version {self.version(stream)}"
            msg = f"stream {stream!r} has no event at version {version} ({what})"
            raise StoreError(msg)
        for record in self._records(stream, known_before=bound, kinds=(CORRECTION, RETRACTION)):
            if record.checked().target == version:
                found = record if record.kind == CORRECTION else None
        if found is None:
            msg = f"the event at version {version} of stream {stream!r} was retracted"
            raise StoreError(msg)
        return self._event_of(found)

    def metadata(self, stream: str, *, known_at: datetime | date | str | None = None) -> dict[str, Any]:
        """The stream's metadata as last recorded (by ``known_at``); empty if none."""
        found: dict[str, Any] = {}
        for record in self._records(stream, known_before=known_bound(known_at), kinds=(METADATA,)):
            found = record.checked().data()
            problem = metadata_problem(found)
            if problem is not None:
                msg = f"stream {stream!r} version {record.version}: {problem}"
                raise StoreError(msg)
        # parties recorded without a name (before names were filled in) go by their id
        parties = [{"name": p["id"], **p} for p in found.get("parties", ())]
        return {**found, "parties": parties} if parties else found

    def _effective(self, stream: str, at: date | None, known_at: datetime | date | str | None,
                   entries: bool) -> Iterator[Any]:
        """The events (or, with ``entries``, the :class:`Entry` of each) as now understood, streamed.

        One generator does it all, since it runs once per event of a replay: the corrections are
        read first, then the event records in date order, each parsed and built as it comes.
        """
        bound = known_bound(known_at)
        last: dict[int, Record] = {}
        for unchecked in self._records(stream, known_before=bound, kinds=(CORRECTION, RETRACTION)):
            record = unchecked.checked()
            if record.target is not None:  # always set on these kinds: _seal and verify() see to it
                last[record.target] = record
        # Corrected events leave their place in the stream and come back at their corrected date,
        # merged in: the stream stays one ordered pass however many corrections there are.
        moved = [Entry(target, self._event_of(r), r.version) for target, r in last.items()
                 if r.kind == CORRECTION and (at is None or (r.valid or "") <= at.isoformat())]
        pending = deque(sorted(moved, key=lambda e: (e.event.at, e.version)))
        schemas = self.schemas
        decode, size = _DECODE, len
        for batch in self._event_batches(stream, until=at.isoformat() if at else None, known_before=bound):
            for version, type_name, schema, payload in batch:
                if last and version in last:
                    continue
                try:
                    # json's decoder without json.loads's wrapper: the store wrote the payload with
                    # no surrounding space; anything else goes through json.loads (and its message)
                    try:
                        data, end = decode(payload)
                    except (ValueError, TypeError):  # TypeError: a payload that is not text
                        end = -1
                    if end != size(payload) or type(data) is not dict:
                        data = payload_object(payload)  # the exact reason, or a payload with space around it
                    if schema != schemas.current(type_name):
                        data = schemas.upcast(type_name, schema, data)
                    event = checked_event(type_name, data)
                except RecursionError:  # JSON nested deeper than the decoder goes
                    msg = f"stream {stream!r} version {version}: payload is JSON nested too deeply to read"
                    raise StoreError(msg) from None
                except (StoreError, ValueError, TypeError) as exc:  # TypeError: a schema that is no number
                    msg = f"stream {stream!r} version {version}: {exc}"
                    raise StoreError(msg) from None
                while pending and (pending[0].event.at, pending[0].version) < (event.at, version):
                    moved_entry = pending.popleft()
                    yield moved_entry if entries else moved_entry.event
                yield Entry(version, event) if entries else event
        for moved_entry in pending:
            yield moved_entry if entries else moved_entry.event

    def _event_of(self, record: Record) -> Event:
        """The event a record carries, upcast and strictly checked."""
        data = record.data()  # its own error names stream and version
        try:
            return strict_event(record.type or "", self.schemas.upcast(record.type or "", record.schema, data))
        except (StoreError, ValueError, TypeError) as exc:
            msg = f"stream {record.stream!r} version {record.version}: {exc}"
            raise StoreError(msg) from None

    # --- checking and moving --------------------------------------------------------

    def head(self, stream: str) -> Head:
        """The stream's head, to publish or keep elsewhere: its last version and that record's chained
        checksum.

        Raises:
            StoreError: no such stream.
        """
        last = None
        for last in self._records(stream):  # noqa: B007  # the loop keeps the last record
            pass
        if last is None:
            msg = f"{self.name} has no stream {stream!r}"
            raise StoreError(msg)
        return Head(last.version, last.checksum)

    def verify(self, heads: Mapping[str, Head] | None = None) -> tuple[Problem, ...]:
        """Check every record: versions without gaps, checksums and their chain, transaction times in
        order, known schema versions, payloads that upcast and structure, corrections that name events
        (:func:`engine.store.verify.verify_stream`), and what the storage itself reports.

        Args:
            heads: heads published earlier, by stream: each must still be in the stream, unchanged.
                Without one, a stream cut short or rewritten and re-chained can't be told from a sound one.

        Returns:
            The problems found; empty when the store is sound.
        """
        heads = dict(heads or {})
        problems = list(self._storage_problems())
        streams = self.streams()
        for stream in streams:
            problems += verify_stream(stream, self._records(stream), self.schemas, heads.get(stream))
        for stream in sorted(set(heads) - set(streams)):
            problems.append(Problem(stream, None, f"a head was published for this stream ({heads[stream]}), "
                                                  "but the store has no such stream: it was deleted"))
        return tuple(problems)

    def export_jsonl(self, stream: str, out: TextIO) -> int:
        """Write every record of a stream as JSON Lines (the full history); return how many."""
        n = 0
        for line in jsonl_lines(r.checked() for r in self._records(stream)):
            out.write(line)
            n += 1
        return n

    def import_jsonl(self, stream: str, lines: Iterable[str | bytes], expected_version: int | None = None, *,
                     recorded_at: datetime | date | str | None = None, path: str = "<jsonl>") -> int:
        """Append JSON Lines to a stream, all or none.

        Each line is either an exported record (with ``kind``; its checksum chain is checked, its
        transaction time kept, and corrections renumbered to follow it) or a bare event
        (``{"type": "vote", "at": ...}``, recorded now or at ``recorded_at``).

        Raises:
            StoreError: naming the line, for anything that can't be imported.
        """
        drafts = drafts_from_jsonl(lines, self.schemas, path)
        if any(d.target is not None for d in drafts):
            base = self.version(stream) if expected_version is None else expected_version
            drafts = [attrs.evolve(d, target=d.target + base) if d.target is not None else d for d in drafts]
            expected_version = base  # the renumbered targets hold only if nobody appends in between
        return self._write(stream, drafts, expected_version, recorded_at)
