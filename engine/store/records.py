"""The event store's records: their fields and checksums, transaction-time stamps, schema versions
and upcasters, and turning payloads into events and back.

No storage here: :mod:`engine.store.interface` builds the store on these. The only outside thing
read is the clock (:func:`utc_now`, the store's default).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs
import cattrs

from engine.errors import StoreError
from engine.timeline.events import (
    DERIVED_TYPES,
    REGISTRY,
    Event,
    converter,
    event_type,
    unstructure_event,
)

__all__ = [
    "CORRECTION",
    "EVENT",
    "KINDS",
    "METADATA",
    "METADATA_KEYS",
    "RETRACTION",
    "SCHEMAS",
    "STAMP",
    "Draft",
    "Entry",
    "Head",
    "NotUtf8",
    "Problem",
    "Record",
    "Schemas",
    "Upcaster",
    "check_metadata",
    "checked_event",
    "checksum",
    "column_problem",
    "dumps",
    "event_draft",
    "known_bound",
    "metadata_problem",
    "payload_object",
    "strict_event",
    "utc_now",
    "utc_stamp",
]

EVENT = "event"
CORRECTION = "correction"
RETRACTION = "retraction"
METADATA = "metadata"
KINDS = (EVENT, CORRECTION, RETRACTION, METADATA)

#: Keys a stream's metadata may hold (those of a scenario file's ``scenario:`` block, and parties).
METADATA_KEYS = ("id", "title", "country", "constitution", "body", "interpretations", "sources", "notes",
                 "description", "parties")

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


# --------------------------------------------------------------------------- records


@attrs.frozen
class Record:
    """One stored row, as written. ``payload`` is the JSON text the checksum covers."""

    stream: str
    version: int
    kind: str
    type: str | None
    schema: int
    valid: str | None
    recorded_at: str
    target: int | None
    payload: str
    checksum: str

    def data(self) -> dict[str, Any]:
        """The payload as plain data: a JSON object, whatever the kind.

        Raises:
            StoreError: naming the stream and version, for a payload that is not a JSON object
                (a record changed behind the store's back; ``impasse log verify`` lists them all).
        """
        try:
            return payload_object(self.payload)
        except ValueError as exc:
            msg = f"stream {self.stream!r} version {self.version}: {exc}"
            raise StoreError(msg) from None

    def checked(self) -> Record:
        """This record, if each of its columns holds what the store writes there.

        Raises:
            StoreError: naming the stream, the version and the column, for a record changed behind
                the store's back (a kind that is a number, a payload that is a blob…).
        """
        problem = column_problem(self)
        if problem is not None:
            msg = f"stream {self.stream!r} version {self.version}: {problem}"
            raise StoreError(msg)
        return self

    def to_json(self) -> dict[str, Any]:
        """The record as one JSON Lines object (the export format)."""
        return {"stream": self.stream, "version": self.version, "kind": self.kind, "type": self.type,
                "schema": self.schema, "valid": self.valid, "recorded_at": self.recorded_at,
                "target": self.target, "payload": self.data(), "checksum": self.checksum}


@attrs.frozen
class Entry:
    """An event as a reader sees it: the stream version it was recorded as, and the correction applied."""

    version: int
    event: Event
    corrected_by: int | None = None


_HEAD = re.compile(r"([1-9][0-9]*):([0-9a-f]{64})")


@attrs.frozen
class Head:
    """A stream's head: its last version and that record's checksum, which is chained to every record
    before it. Published or kept outside the store, it lets ``verify`` detect a stream cut short or
    rewritten and re-chained (docs/store.md, "What verify detects")."""

    version: int
    digest: str

    def __str__(self) -> str:
        return f"{self.version}:{self.digest}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """Read ``VERSION:DIGEST`` as ``impasse log head`` prints it.

        Raises:
            StoreError: text that is not a version and a SHA-256 digest in hex.
        """
        match = _HEAD.fullmatch(text.strip().lower())
        if match is None:
            msg = (f"a head is written VERSION:DIGEST, a version and 64 hex digits, as 'impasse log head' "
                   f"prints it (got {text!r})")
            raise StoreError(msg)
        return cls(int(match.group(1)), match.group(2))


@attrs.frozen
class Problem:
    """One thing :meth:`EventStore.verify` found wrong."""

    stream: str
    version: int | None
    reason: str

    def __str__(self) -> str:
        where = self.stream + (f"@{self.version}" if self.version is not None else "")
        return f"{where}: {self.reason}"


@attrs.frozen
class Draft:
    """A record before the store numbers, stamps and seals it."""

    kind: str
    type: str | None
    schema: int
    valid: str | None
    target: int | None
    payload: str
    recorded_at: str | None = None  # None: stamped by the store's clock when written


#: What each column of a record holds, as SQLite hands it back (a changed record may hold anything).
_COLUMNS: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("stream", str, "text"), ("version", int, "an integer"), ("kind", str, "text"),
    ("type", (str, type(None)), "text or null"), ("schema", int, "an integer"),
    ("valid", (str, type(None)), "text or null"), ("recorded_at", str, "text"),
    ("target", (int, type(None)), "an integer or null"), ("payload", str, "text"), ("checksum", str, "text"),
)


class NotUtf8(bytes):
    """What a storage hands back for text it holds that is not UTF-8 (the bytes, marked as such)."""


def column_problem(record: Record) -> str | None:
    """What is wrong with the kinds of value a record's columns hold, or None when nothing is."""
    for name, kinds, what in _COLUMNS:
        value = getattr(record, name)
        if isinstance(value, NotUtf8):
            return f"column {name} holds bytes that are not UTF-8 text"
        if isinstance(value, bytes):
            return f"column {name} holds a blob, not {what}"
        if not isinstance(value, kinds) or isinstance(value, bool):
            got = {float: "a real number", type(None): "null", str: "text"}.get(type(value), "an integer")
            return f"column {name} holds {got}, not {what}"
    return None


def payload_object(payload: Any) -> dict[str, Any]:
    """A record's payload read back: the JSON object every kind of record holds.

    Raises:
        ValueError: saying what is wrong: not text, not JSON, nested too deeply, or JSON that is
            not an object (``null``, a list…).
    """
    if not isinstance(payload, str):
        msg = f"payload is not JSON text (got {type(payload).__name__})"
        raise ValueError(msg)
    try:
        data = json.loads(payload)
    except ValueError as exc:
        msg = f"payload is not JSON ({exc})"
        raise ValueError(msg) from None
    except RecursionError:
        msg = "payload is JSON nested too deeply to read"
        raise ValueError(msg) from None
    if not isinstance(data, dict):
        msg = f"payload is {_json_kind(data)}, not a JSON object"
        raise ValueError(msg)
    return data


def _json_kind(data: Any) -> str:
    """How a JSON value is named in messages (never its contents)."""
    if isinstance(data, dict):
        return "an object"
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "true" if data else "false"
    return "an array" if isinstance(data, list) else "a string" if isinstance(data, str) else "a number"


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def checksum(version: int, kind: str, type_: str | None, schema: int, valid: str | None, recorded_at: str,
             target: int | None, payload: str, previous: str) -> str:
    """SHA-256 of a record's canonical form, chained to the previous record's checksum ("" for the first).

    The stream name is left out, so that an exported stream keeps its checksums under another name.
    """
    canonical = dumps([version, kind, type_, schema, valid, recorded_at, target, payload, previous])
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def utc_stamp(moment: datetime | date | str) -> str:
    """A transaction time written the one way the store compares them: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    A date means midnight UTC; a naive datetime is taken as UTC.

    Raises:
        StoreError: text that is not an ISO date or date-time.
    """
    if isinstance(moment, str):
        text = moment.strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            msg = f"recorded time must be an ISO date or date-time such as 2013-09-10T08:30Z (got {text!r})"
            raise StoreError(msg) from None
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        # isoformat, not strftime: strftime writes year 999 as '999', which sorts after '2013'
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the calendar's first day in UTC
        msg = f"recorded time {moment.isoformat()} falls off the calendar (years 1 to 9999) once written in UTC"
        raise StoreError(msg) from None


def known_bound(known_at: datetime | date | str | None) -> str | None:
    """The first transaction time *not* known at ``known_at`` (exclusive bound), or None for all.

    A date covers its whole day (UTC): "known at 2013-09-10" includes everything recorded that day.
    """
    if known_at is None:
        return None
    if isinstance(known_at, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", known_at):
        text = known_at.strip()
        try:
            known_at = date.fromisoformat(text)
        except ValueError as exc:
            msg = f"known-at must be a real date or date-time (got {text!r}: {exc})"
            raise StoreError(msg) from None
    try:
        if isinstance(known_at, date) and not isinstance(known_at, datetime):
            return utc_stamp(known_at + timedelta(days=1))
        exact = datetime.fromisoformat(utc_stamp(known_at)[:-1])
        return utc_stamp(exact + timedelta(microseconds=1))
    except OverflowError:  # known at the calendar's last moment: everything recorded is known
        return None


def utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- schema versions

#: A function from an old payload (plain data, without ``type``) to the next version's payload.
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


@attrs.frozen(eq=False)
class Schemas:
    """Current schema version per event type, and the upcasters from older ones.

    A type not listed is at version 1. When an event class changes so that stored payloads no
    longer structure (a field renamed or removed), bump its version and register an upcaster from
    the old one: ``SCHEMAS.register("vote", 1, rename_in_favour)``.
    """

    versions: Mapping[str, int] = attrs.field(factory=dict)
    upcasters: Mapping[tuple[str, int], Upcaster] = attrs.field(factory=dict)

    def current(self, type_name: str) -> int:
        """The version payloads of this type are written with now."""
        return self.versions.get(type_name, 1)

    def register(self, type_name: str, from_version: int, upcaster: Upcaster) -> Schemas:
        """A registry that also turns ``from_version`` payloads of a type into ``from_version + 1`` ones."""
        versions = {**self.versions, type_name: max(self.current(type_name), from_version + 1)}
        return Schemas(versions, {**self.upcasters, (type_name, from_version): upcaster})

    def upcast(self, type_name: str, schema: int, data: dict[str, Any]) -> dict[str, Any]:
        """The payload brought up to the current version.

        Raises:
            StoreError: a version newer than this code knows, or a missing upcaster.
        """
        now = self.current(type_name)
        if schema > now:
            msg = (f"{type_name!r} payload has schema version {schema}, newer than this impasse knows "
                   f"({now}): upgrade impasse to read it")
            raise StoreError(msg)
        while schema < now:
            step = self.upcasters.get((type_name, schema))
            if step is None:
                msg = f"no upcaster for {type_name!r} payloads from schema version {schema} (current: {now})"
                raise StoreError(msg)
            data = step(dict(data))
            schema += 1
        return data


#: The engine's registry. Every type is at its first version: no stored payload needs upcasting yet.
SCHEMAS = Schemas()


# --------------------------------------------------------------------------- payload <-> event


def _field_readers(cls: type[Event]) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """For the fast read path: the fields whose JSON form needs turning back into Python values."""
    attrs.resolve_types(cls)
    out: list[tuple[str, Callable[[Any], Any]]] = []
    for field in attrs.fields(cls):
        text = str(field.type)
        if "datetime.date" in text or field.type is date:
            out.append((field.name, date.fromisoformat))
        elif "datetime.time" in text or field.type is time:
            out.append((field.name, time.fromisoformat))
    return tuple(out)


_READERS = {name: _field_readers(cls) for name, cls in REGISTRY.items()}


def strict_event(type_name: str, data: Mapping[str, Any]) -> Event:
    """Build an event from payload data, checking every field's type.

    Raises:
        StoreError: unknown type, or data that does not make a valid event.
    """
    try:
        cls = event_type(type_name)
    except KeyError as exc:
        raise StoreError(str(exc.args[0])) from None
    try:
        return converter.structure(dict(data), cls)
    except cattrs.BaseValidationError as exc:
        reasons = "; ".join(cattrs.transform_error(exc, path=type_name, format_exception=_reason))
        msg = f"not a valid {type_name} event: {reasons}"
        raise StoreError(msg) from None
    except (ValueError, TypeError) as exc:
        msg = f"not a valid {type_name} event: {exc}"
        raise StoreError(msg) from None


def _reason(exc: BaseException, type_: type | None) -> str:
    """How one failed field reads in a message: our validators' own words where they have them."""
    from cattrs.v import format_exception

    if isinstance(exc, (ValueError, TypeError)) and not isinstance(exc, cattrs.BaseValidationError) and str(exc):
        return str(exc)
    return format_exception(exc, type_)


def checked_event(type_name: str, data: dict[str, Any]) -> Event:
    """Build an event by calling its class (validators and all); falls back to :func:`strict_event`.

    For payloads the store did not check in this form, such as upcast ones: about twice as fast as
    cattrs. ``data`` may be changed (dates read back).
    """
    try:
        for name, read in _READERS[type_name]:
            value = data.get(name)
            if value is not None:
                data[name] = read(value)
        return REGISTRY[type_name](**data)
    except (KeyError, TypeError, ValueError):
        return strict_event(type_name, data)


def _payload(event: Event) -> str:
    data = unstructure_event(event)
    del data["type"]
    return dumps(data)


def event_draft(event: Event, schemas: Schemas, kind: str = EVENT, target: int | None = None) -> Draft:
    if not isinstance(event, Event):
        msg = f"only events can be appended (got {type(event).__name__})"
        raise StoreError(msg)
    if event.TYPE in DERIVED_TYPES:
        msg = f"{event.TYPE!r} events are made by the engine during replay and can't be recorded"
        raise StoreError(msg)
    return Draft(kind, event.TYPE, schemas.current(event.TYPE), event.at.isoformat(), target, _payload(event))


def check_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata as stored: known keys only, lists where lists go, and parties with ids.

    Only the shape is checked here: that the constitution pack, its body and the readings exist is
    for the caller that takes them from a user (:func:`engine.crisis.check_stream_pack`), since
    packs belong to a layer above the store.

    Raises:
        StoreError: an unknown key, or a party without an id.
    """
    data = {k: v for k, v in metadata.items() if v not in (None, (), [])}
    unknown = sorted(set(data) - set(METADATA_KEYS))
    if unknown:
        msg = f"unknown stream metadata {', '.join(unknown)} (known: {', '.join(METADATA_KEYS)})"
        raise StoreError(msg)
    for key in ("interpretations", "sources", "notes", "parties"):
        if key in data:
            value = data[key]
            data[key] = [value] if isinstance(value, (str, dict)) else list(value) if isinstance(value, Iterable) \
                else value
    parties = []
    for party in data.get("parties", ()) if isinstance(data.get("parties"), list) else ():
        if isinstance(party, str):
            party = {"id": party, "name": party}
        if not isinstance(party, Mapping) or not party.get("id"):
            msg = f"each party needs an id (got {party!r})"
            raise StoreError(msg)
        parties.append({"name": party["id"], **{k: v for k, v in party.items() if v is not None}})
    if parties:
        data["parties"] = parties
    problem = metadata_problem(data)
    if problem is not None:
        raise StoreError(problem)
    return data


_TEXTS = ("id", "title", "country", "constitution", "body", "description")
_LISTS = ("interpretations", "sources", "notes")
_PARTY_TEXTS = ("id", "name", "role", "note")


def metadata_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with the shape of stream metadata (as written, or as read back), or None.

    Texts where texts go, lists of texts where lists go, and parties with a text ``id`` (and text
    ``name``, ``role`` and ``note`` when they are given): what :func:`check_metadata` writes.
    """
    for key, value in data.items():
        if key not in METADATA_KEYS:
            return f"unknown stream metadata {key!r}"
        if key in _TEXTS and not isinstance(value, str):
            return f"metadata {key} must be text (got {_json_kind(value)})"
        if key in _LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"metadata {key} must be a list of texts"
        if key == "parties":
            if not isinstance(value, list):
                return f"metadata parties must be a list (got {_json_kind(value)})"
            for party in value:
                if not isinstance(party, dict) or not isinstance(party.get("id"), str) or any(
                        not isinstance(party[k], str) for k in _PARTY_TEXTS if party.get(k) is not None):
                    return "metadata parties must each have a text id (and text name, role and note)"
    return None
