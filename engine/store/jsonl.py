"""JSON Lines, the store's export and import format: records to lines, and lines back to drafts.

An exported line is a record with every field (its payload as an object); an imported line is
either such a record, whose checksum chain is checked and whose transaction time is kept, or a bare
event (``{"type": "vote", "at": ...}``). :meth:`engine.store.interface.EventStore.import_jsonl`
appends the drafts; nothing here touches storage.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

import attrs

from engine.errors import StoreError
from engine.store.records import (
    CORRECTION,
    EVENT,
    KINDS,
    Draft,
    Record,
    Schemas,
    checksum,
    dumps,
    event_draft,
    strict_event,
    utc_stamp,
)

__all__ = ["MAX_LINE", "bounded_lines", "drafts_from_jsonl", "jsonl_lines"]


def jsonl_lines(records: Iterable[Record]) -> Iterator[str]:
    """Each record as one line of JSON (newline included), in the order given."""
    for record in records:
        yield dumps(record.to_json()) + "\n"


#: the longest line a JSON Lines import reads: as much as a scenario file may hold (an event can't be
#: larger than the file it was read from)
MAX_LINE = 16 * 1024 * 1024


def bounded_lines(file: IO[bytes], path: str = "<jsonl>", limit: int = MAX_LINE) -> Iterator[bytes]:
    """The lines of a binary file, refusing one longer than ``limit`` bytes before reading it whole.

    Raises:
        StoreError: naming the line (``PATH:N``) that is too long.
    """
    number = 0
    while True:
        line = file.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            msg = f"{path}:{number}: line longer than {limit:,} bytes: not a record this store wrote"
            raise StoreError(msg)
        yield line


def drafts_from_jsonl(lines: Iterable[str | bytes], schemas: Schemas, path: str = "<jsonl>") -> list[Draft]:
    """The drafts that JSON Lines describe, numbered from 1 in the order of the lines.

    A correction's or retraction's ``target`` is the position of the draft it names among these
    drafts (1 for the first): the store adds the stream's version when it appends them.

    Args:
        lines: the lines, as text or as UTF-8 bytes (a file opened in binary); blank ones are skipped.
        schemas: the registry events are written with, and exported payloads upcast with.
        path: the file's name, for messages.

    Raises:
        StoreError: naming the line (``PATH:N``), for anything that can't be imported.
    """
    drafts: list[Draft] = []
    renumber: dict[int, int] = {}
    previous: str | None = None
    for number, raw in enumerate(lines, 1):
        where = f"{path}:{number}"
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                msg = f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start} of the line)"
                raise StoreError(msg) from None
        else:
            line = raw
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            msg = f"{where}: not JSON: {exc}"
            raise StoreError(msg) from None
        except RecursionError:
            msg = f"{where}: JSON nested too deeply to read"
            raise StoreError(msg) from None
        if not isinstance(item, dict):
            msg = f"{where}: each line must be a JSON object"
            raise StoreError(msg)
        try:
            if "kind" in item:
                draft, previous = _imported_record(item, previous, renumber, len(drafts) + 1, schemas)
            else:
                draft = event_draft(strict_event(str(item.pop("type", "")), item), schemas)
        except StoreError as exc:
            msg = f"{where}: {exc}"
            raise StoreError(msg) from None
        drafts.append(draft)
    return drafts


_JSON_NAMES = {bool: "true or false", str: "text", list: "an array", dict: "an object"}

#: The fields of an exported record, and what each must be (checked before any is used).
_FIELDS: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("version", int, "a whole number >= 1"),
    ("schema", int, "a whole number >= 1"),
    ("kind", str, "text"),
    ("type", (str, type(None)), "text or null"),
    ("valid", (str, type(None)), "text or null"),
    ("recorded_at", str, "text"),
    ("target", (int, type(None)), "a version number or null"),
    ("payload", dict, "a JSON object"),
    ("checksum", str, "text"),
)


def _imported_record(item: dict[str, Any], previous: str | None, renumber: dict[int, int], position: int,
                     schemas: Schemas) -> tuple[Draft, str]:
    """One exported record as a draft at ``position``, and its checksum (the next line's chain)."""
    missing = {"version", "kind", "schema", "recorded_at", "payload", "checksum"} - set(item)
    if missing:
        msg = f"record lacks {', '.join(sorted(missing))}"
        raise StoreError(msg)
    for name, kinds, what in _FIELDS:
        value = item.get(name)
        if not isinstance(value, kinds) or isinstance(value, bool) or (kinds is int and value < 1):  # type: ignore[operator]
            got = "null" if value is None else _JSON_NAMES.get(type(value), "a number")
            msg = f"{name} must be {what} (got {got})"
            raise StoreError(msg)
    if item["kind"] not in KINDS:
        msg = f"unknown record kind {item['kind']!r}"
        raise StoreError(msg)
    payload = dumps(item["payload"])
    chain = previous if previous is not None else ("" if item["version"] == 1 else None)
    if chain is not None:
        digest = checksum(item["version"], item["kind"], item.get("type"), item["schema"], item.get("valid"),
                          item["recorded_at"], item.get("target"), payload, chain)
        if digest != item["checksum"]:
            msg = f"checksum does not match for version {item['version']}: the line was changed"
            raise StoreError(msg)
    renumber[item["version"]] = position
    target = item.get("target")
    if target is not None:
        if target not in renumber:
            msg = f"{item['kind']} names version {target}, which is not in the file before it"
            raise StoreError(msg)
        target = renumber[target]
    stamp = utc_stamp(item["recorded_at"])
    if item["kind"] in (EVENT, CORRECTION):
        data = schemas.upcast(str(item.get("type")), item["schema"], item["payload"])
        event = strict_event(str(item.get("type")), data)
        draft = attrs.evolve(event_draft(event, schemas, item["kind"], target), recorded_at=stamp)
    else:
        draft = Draft(item["kind"], None, item["schema"], None, target, payload, stamp)
    return draft, item["checksum"]
