"""Checking a stream's records as written: versions, checksums and their chain, transaction times,
schema versions, payloads, and what corrections and retractions name.

Pure over records: :meth:`engine.store.interface.EventStore.verify` feeds it each stream's records
and adds what the storage itself reports.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.errors import StoreError
from engine.store.records import (
    CORRECTION,
    EVENT,
    KINDS,
    METADATA,
    RETRACTION,
    STAMP,
    Head,
    Problem,
    Record,
    Schemas,
    checksum,
    column_problem,
    metadata_problem,
    payload_object,
    strict_event,
)

__all__ = ["verify_stream"]


def verify_stream(stream: str, records: Iterable[Record], schemas: Schemas, head: Head | None = None) -> list[Problem]:
    """The problems of one stream's records, given in version order.

    Args:
        stream: the stream's name (for the problems' messages).
        records: every record of the stream, as written.
        schemas: the registry payloads are upcast with before they are checked strictly.
        head: a head published earlier (``impasse log head``): the record at its version must still
            be there with its checksum, which the chain ties to every record before it.

    Returns:
        The problems found, in record order; empty when the stream is sound.
    """
    problems: list[Problem] = []
    expected, previous, last_stamp = 1, "", ""
    kinds: dict[int, str] = {}
    digests: dict[int, str] = {}
    for r in records:
        def bad(reason: str, r: Record = r) -> None:
            problems.append(Problem(stream, r.version, reason))

        wrong = column_problem(r)
        if wrong is not None:  # nothing else can be checked; the versions and the chain go on past it
            problems.append(Problem(stream, r.version if isinstance(r.version, int) else None, wrong))
            expected = r.version + 1 if isinstance(r.version, int) else expected + 1
            previous = r.checksum if isinstance(r.checksum, str) else ""
            continue

        if r.version != expected:
            what = f"versions jump from {expected - 1} to {r.version}" if r.version > expected else \
                f"version {r.version} appears again or out of order"
            problems.append(Problem(stream, r.version, what))
        expected = r.version + 1
        digest = checksum(r.version, r.kind, r.type, r.schema, r.valid, r.recorded_at, r.target, r.payload,
                          previous)
        if digest != r.checksum:
            bad("checksum does not match: the record was changed after it was written, or the one before it was")
        previous = r.checksum
        digests[r.version] = r.checksum
        if not STAMP.fullmatch(r.recorded_at or ""):
            bad(f"recorded time {r.recorded_at!r} is not written YYYY-MM-DDTHH:MM:SS.ffffffZ")
        elif r.recorded_at < last_stamp:
            bad(f"recorded time {r.recorded_at} is before the previous record's ({last_stamp})")
        last_stamp = max(last_stamp, r.recorded_at or "")
        kinds[r.version] = r.kind
        if r.kind not in KINDS:
            bad(f"unknown record kind {r.kind!r}")
            continue
        try:
            data = payload_object(r.payload)
        except ValueError as exc:
            bad(str(exc))
            continue
        if r.kind in (CORRECTION, RETRACTION) and (r.target is None or kinds.get(r.target) != EVENT):
            bad(f"{r.kind} names version {r.target}, which is not an earlier event record")
        if r.kind in (EVENT, CORRECTION):
            try:
                event = strict_event(r.type or "", schemas.upcast(r.type or "", r.schema, data))
            except StoreError as exc:
                bad(str(exc))
                continue
            if event.at.isoformat() != r.valid:
                bad(f"valid date {r.valid} differs from the event's date {event.at}")
        elif r.kind == METADATA and (problem := metadata_problem(data)) is not None:
            bad(problem)
    if head is not None:
        problems.extend(_against_head(stream, digests, head))
    return problems


def _against_head(stream: str, digests: dict[int, str], head: Head) -> list[Problem]:
    """What a published head shows: the stream cut short before it, or rewritten up to it."""
    found = digests.get(head.version)
    if found is None:
        last = max(digests, default=0)
        return [Problem(stream, head.version, f"truncated: the published head is version {head.version}, but the "
                                              f"stream ends at version {last}")]
    if found != head.digest:
        return [Problem(stream, head.version, f"rewritten: the record at the published head's version has checksum "
                                              f"{found[:12]}..., not the published {head.digest[:12]}...: a record "
                                              "up to it was changed and the checksums chained again")]
    return []
