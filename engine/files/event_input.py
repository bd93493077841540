"""Events from what a user types: ``--field KEY=VALUE`` options and YAML lists of events, with errors
that name the option, or the file, line and field.

How an event is made from a type name and fields is the caller's to give (``build``: for the event
store, :func:`engine.store.records.strict_event`), since the files layer sits beside the store, not
above it; this module reads the user's text, puts the pieces together and places the errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from engine.errors import ImpasseError, ScenarioError
from engine.files.located_yaml import Path, dotted, load_located
from engine.timeline.events import Event, unstructure_event

__all__ = ["EventBuilder", "event_from_fields", "events_from_yaml", "parse_fields", "replacement_from_fields"]

#: Makes an event from a type name and its fields, or raises an :class:`ImpasseError` saying why.
EventBuilder = Callable[[str, Mapping[str, Any]], Event]


def parse_fields(fields: Iterable[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs, each VALUE read as YAML (no yes/no booleans; dates stay text).

    Raises:
        ScenarioError: a pair without ``=``, or a VALUE that is not YAML.
    """
    out: dict[str, Any] = {}
    for text in fields:
        key, sep, value = text.partition("=")
        key = key.strip()
        if not sep or not key:
            msg = f"expected KEY=VALUE (got {text!r})"
            raise ScenarioError(msg, field="--field")
        out[key] = load_located(value, f"--field {key}", ScenarioError).data if value.strip() else None
    return out


def event_from_fields(type_name: str, at: date, sources: Iterable[str], fields: Iterable[str], *,
                      build: EventBuilder) -> Event:
    """An event from the command line's TYPE, --at, --source and --field options.

    Raises:
        ScenarioError: a malformed --field, or one that repeats --at or --source.
        ImpasseError: whatever ``build`` raises: an unknown type (with a suggestion) or fields that
            don't make a valid event.
    """
    data: dict[str, Any] = {"at": at.isoformat()}
    sources = list(sources)
    if sources:
        data["source"] = sources
    given = parse_fields(fields)
    for name in [n for n in ("at", "source") if n in data and n in given]:
        # a --field must not quietly override the option that says the same
        what = "date" if name == "at" else "source"
        msg = f"--field {name}=... repeats --{name}: give the {what} once, with --{name}"
        raise ScenarioError(msg)
    data.update(given)
    return build(type_name, data)


def replacement_from_fields(current: Event, at: date | None, sources: Iterable[str], fields: Iterable[str], *,
                            build: EventBuilder) -> Event:
    """``current`` with the fields given changed: --field values, the date (--at) and the sources
    (--source, which replace the event's own).

    Raises:
        ScenarioError: a malformed --field.
        ImpasseError: whatever ``build`` raises for fields that don't make a valid event.
    """
    data = unstructure_event(current)
    data.update(parse_fields(fields))
    if at is not None:
        data["at"] = at.isoformat()
    sources = list(sources)
    if sources:
        data["source"] = sources
    type_name = data.pop("type")
    return build(type_name, data)


def events_from_yaml(text: str | bytes, path: str, *, build: EventBuilder) -> list[Event]:
    """The events listed in a YAML file: a list of event mappings, or a mapping with ``events``.

    Raises:
        ScenarioError: naming file, line and field.
    """
    doc = load_located(text, path, ScenarioError)
    if isinstance(doc.data, dict) and "scenario" in doc.data:
        msg = "this is a scenario file: bring it in with 'impasse log import'"
        raise ScenarioError(msg, path=path)
    where: Path = ("events",) if isinstance(doc.data, dict) else ()
    items = doc.get(where) if where else doc.data
    if not isinstance(items, list) or not items:
        raise doc.fail(where, "expected a list of events (or a mapping with 'events:')")
    events = []
    for i, item in enumerate(items):
        place = (*where, i)
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise doc.fail(place, "each event must be a mapping with 'type', 'at' and 'source'")
        data = {k: v for k, v in item.items() if k != "type"}
        try:
            events.append(build(item["type"], data))
        except ImpasseError as exc:
            line, column = doc.position(place)
            raise ScenarioError(str(exc), path=path, line=line, column=column, field=dotted(place)) from None
    return events
