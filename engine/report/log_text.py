"""What ``impasse log show`` prints: a store's streams, a stream's events as now understood, and its
history as written, as text or JSON. Pure functions of what the store returned."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from engine.store.records import CORRECTION, EVENT, METADATA, RETRACTION, Entry, Record
from engine.timeline.events import unstructure_event

__all__ = ["entries_json", "entries_text", "history_json", "history_text", "streams_json", "streams_text"]


def streams_text(store: str, versions: Mapping[str, int]) -> str:
    """One line per stream, sorted: its name and version."""
    return "\n".join(f"{name}\tversion {v}" for name, v in sorted(versions.items())) or f"{store}: no streams yet"


def streams_json(store: str, versions: Mapping[str, int]) -> str:
    """The streams and their versions as a JSON document."""
    return json.dumps({"store": store, "streams": dict(versions)}, indent=2)


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _summary(data: dict[str, Any], skip: tuple[str, ...] = ("type", "at", "source", "note")) -> str:
    return " ".join(f"{k}={_value(v)}" for k, v in data.items() if k not in skip)


def entries_text(stream: str, entries: Sequence[Entry], metadata: Mapping[str, Any], version: int, *,
                 at: date | None = None, known_at: str | None = None) -> str:
    """A stream's events as a reader sees them, one line each, with their stream versions."""
    corrected = sum(1 for e in entries if e.corrected_by)
    head = f"{stream}: {len(entries)} event(s), stream at version {version}"
    if metadata.get("constitution"):
        head += f"; constitution {metadata['constitution']}"
        if metadata.get("interpretations"):
            head += f", readings: {', '.join(metadata['interpretations'])}"
    lines = [head]
    if at or known_at:
        lines.append("  " + "; ".join(x for x in (f"events by {at}" if at else "",
                                                   f"as known at {known_at}" if known_at else "") if x))
    if corrected:
        lines.append(f"  {corrected} corrected event(s) shown as corrected (see --history)")
    width = max((len(e.event.TYPE) for e in entries), default=0)
    for e in entries:
        data = unstructure_event(e.event)
        mark = f"   [corrected by v{e.corrected_by}]" if e.corrected_by else ""
        lines.append(f"  v{e.version:<4} {e.event.at}  {e.event.TYPE:<{width}}  {_summary(data)}{mark}".rstrip())
    return "\n".join(lines)


def entries_json(store: str, stream: str, entries: Sequence[Entry], metadata: Mapping[str, Any], version: int, *,
                 at: date | None = None, known_at: str | None = None) -> str:
    """A stream's events as a reader sees them, as a JSON document (each with its version and correction)."""
    return json.dumps({"store": store, "stream": stream, "version": version, "known_at": known_at,
                       "at": at.isoformat() if at else None, "metadata": dict(metadata),
                       "events": [{"version": e.version, "corrected_by": e.corrected_by,
                                   **unstructure_event(e.event)} for e in entries]},
                      indent=2, ensure_ascii=False)


def history_text(records: Sequence[Record]) -> str:
    """Every record as written, one line each: version, transaction time, kind, what it says."""
    lines = []
    for r in records:
        data = r.data()
        stamp = r.recorded_at[:19] + "Z"
        if r.kind == EVENT:
            what = f"{r.valid} {r.type}  {_summary(data)}"
        elif r.kind == CORRECTION:
            what = f"of v{r.target}: {r.valid} {r.type}  {_summary(data)}"
        elif r.kind == RETRACTION:
            what = f"of v{r.target}" + (f": {data.get('reason')}" if data.get("reason") else "")
        elif r.kind == METADATA:
            what = _summary(data, skip=("parties", "notes", "sources"))
        else:
            what = r.payload
        schema = f" (schema {r.schema})" if r.schema != 1 else ""
        lines.append(f"  v{r.version:<4} {stamp}  {r.kind:<10}  {what}{schema}".rstrip())
    return "\n".join(lines)


def history_json(store: str, stream: str, records: Sequence[Record], *, known_at: str | None = None) -> str:
    """Every record as written, as a JSON document (each in the JSON Lines export's form)."""
    return json.dumps({"store": store, "stream": stream, "known_at": known_at,
                       "records": [r.to_json() for r in records]}, indent=2, ensure_ascii=False)
