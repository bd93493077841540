"""JSON Schemas of pack and scenario files, written from the definitions the loaders read.

The keys of every mapping come from :mod:`engine.files.keys` (the tables the loaders check mappings
against); an event's fields, their types, defaults and words come from its attrs class in
:data:`engine.timeline.events.REGISTRY` (what the scenario loader structures events into). So a key
or an event field added to the engine is in the schema without a second edit, and a test checks that
the copies published in ``docs/schema/`` are what this module writes.

A schema serves editors (completion, inline errors); the loaders remain the judges: they also check
what a schema can't say (dates in order, a party named in the scenario, a threshold that parses).
Draft-07, which YAML editors read.
"""

from __future__ import annotations

import copy
import types
import typing
from datetime import date, time
from typing import Any

import attrs

from engine.files.expectations import EXPECT_SCHEMA
from engine.files.keys import SECTIONS, Key, required
from engine.rules.constitution import CHAIN_ON
from engine.timeline.event_base import Event, nonempty
from engine.timeline.event_fields import AtLeast, OneOf, Tally
from engine.timeline.events import RECORDABLE_TYPES, REGISTRY
from engine.timeline.vote_events import Candidates

__all__ = ["DIALECT", "event_fields_schema", "expect_schema", "pack_schema", "scenario_schema"]

#: the JSON Schema draft the schemas are written in (YAML editors read draft-07)
DIALECT = "http://json-schema.org/draft-07/schema#"

_DAY = {"type": "string", "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$", "description": "a date, YYYY-MM-DD"}
_TIME = {"type": "string", "pattern": r"^\s*[0-9]{2}:[0-9]{2}(:[0-9]{2})?\s*$",
         "description": "a time of day, HH:MM (quoted in YAML)"}
_TEXT = {"type": ["string", "number"]}
_NULL = {"type": "null"}
#: the fields every event has: a pack's filter may not ask for them
_COMMON = tuple(a.name for a in attrs.fields(Event))


def pack_schema() -> dict[str, Any]:
    """The JSON Schema of a constitution pack (docs/constitutions.md)."""
    return _document("pack", "An impasse constitution pack: bodies, rules, consequences and readings, "
                             "each sourced (docs/constitutions.md)", extra={"event_filter": _event_filter()})


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (docs/scenarios.md)."""
    events = {f"event-{name}": _event_schema(name) for name in RECORDABLE_TYPES}
    doc = _document("scenario", "An impasse scenario: a crisis as dated, sourced events, judged against a "
                                "constitution pack (docs/scenarios.md)",
                    extra={"event": _event_dispatch(), **events}, also=("party",))
    props = doc["properties"]
    # the two keys the table leaves to the loader's own code: parties (an id or a mapping) and events (by type)
    props["parties"] = {**props["parties"], "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/party"}]}}
    props["events"] = {**props["events"], "type": "array", "minItems": 1, "items": {"$ref": "#/definitions/event"}}
    props["expect"] = expect_schema()
    return doc


def expect_schema() -> dict[str, Any]:
    """The ``expect:`` section of a scenario: what its replay must show, from the tables its reader
    (:mod:`engine.files.expectations`) checks keys against."""
    return copy.deepcopy(EXPECT_SCHEMA)


def event_fields_schema(cls: type[Event]) -> dict[str, dict[str, Any]]:
    """The schema of each field of an event class, from its type, its default and its validator."""
    hints = typing.get_type_hints(cls)
    return {a.name: _field(a, hints[a.name]) for a in attrs.fields(cls)}


# --------------------------------------------------------------------------- the tables

def _document(root: str, description: str, extra: dict[str, Any], also: tuple[str, ...] = ()) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for section in (root, *also):
        _collect(section, sections)
    top = sections.pop(root)
    return {"$schema": DIALECT, "title": f"impasse {root}", "description": description, **top,
            "definitions": {**sections, **extra}}


def _collect(section: str, into: dict[str, Any]) -> None:
    """Write ``section`` and every section its keys name into ``into``."""
    if section in into:
        return
    keys = SECTIONS[section]
    into[section] = _mapping(keys)
    for key in keys:
        if key.of is not None:
            _collect(key.of, into)


def _mapping(keys: tuple[Key, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": {k.name: _key(k) for k in keys},
                           "additionalProperties": False}
    if required(keys):
        out["required"] = list(required(keys))
    return out


def _key(key: Key) -> dict[str, Any]:
    """The schema of one key's value, from the kind of value the table gives it."""
    text_or_list = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}
    filter_ref = {"$ref": "#/definitions/event_filter"}
    kinds: dict[str, dict[str, Any]] = {
        "text": _TEXT,
        "texts": text_or_list,
        "names": {"type": "array", "items": _TEXT},
        "day": _DAY,
        "whole": {"type": "integer", **({"minimum": key.minimum} if key.minimum is not None else {})},
        "flag": {"type": "boolean"},
        "choice": {"enum": list(key.options)},
        "threshold": {"type": ["string", "null"]},
        "period": {"type": "string", "pattern": r"^\s*[0-9]+\s+[a-z]+\s*$"},
        "chain": {"type": "string", "pattern": rf"^\s*\S+\s+({'|'.join(CHAIN_ON)})\s*$"},
        "event": filter_ref,
        "events": {"anyOf": [filter_ref, {"type": "array", "items": filter_ref, "minItems": 1}]},
        "probability": {"type": "number", "minimum": 0, "maximum": 1},
        "days": {"type": "array", "items": _DAY, "minItems": 2, "maxItems": 2},
        "list": {"type": "array", "items": {"$ref": f"#/definitions/{key.of}"}},
        "mapping": {"$ref": f"#/definitions/{key.of}"},
        "any": {},
    }
    value = kinds[key.value]
    if "$ref" in value:  # draft-07 ignores keywords beside a $ref: the description goes around it
        return {"description": key.about, "allOf": [value]} if key.about else value
    return {"description": key.about, **value} if key.about else dict(value)


# --------------------------------------------------------------------------- events

def _event_dispatch() -> dict[str, Any]:
    """An event: its ``type`` picks the schema of its fields."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(RECORDABLE_TYPES), "description": "the event type"}},
        "allOf": [{"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                   "then": {"$ref": f"#/definitions/event-{name}"}} for name in RECORDABLE_TYPES],
    }


def _event_schema(name: str) -> dict[str, Any]:
    cls = REGISTRY[name]
    fields = event_fields_schema(cls)
    needed = [a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING]
    return {
        "type": "object",
        "description": " ".join((cls.__doc__ or name).strip().split("\n\n")[0].split()),
        "properties": {"type": {"const": name}, **fields},
        "required": ["type", *needed],
        "additionalProperties": False,
    }


def _event_filter() -> dict[str, Any]:
    """What starts, meets or brings about a rule: an event type, or a type with field values to match."""
    branches = []
    for name in RECORDABLE_TYPES:
        cls = REGISTRY[name]
        own = {k: v for k, v in event_fields_schema(cls).items() if k not in _COMMON}
        # a filter matches one value of a field, or any of a list of them
        props = {k: {"anyOf": [_scalar(v), {"type": "array", "items": _scalar(v)}]} for k, v in own.items()}
        branches.append({"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                         "then": {"properties": {"type": {}, **props}, "additionalProperties": False}})
    return {"anyOf": [
        {"enum": list(RECORDABLE_TYPES), "description": "an event type"},
        {"type": "object", "required": ["type"], "description": "an event type and the field values to match",
         "properties": {"type": {"enum": list(RECORDABLE_TYPES)}}, "allOf": branches},
    ]}


def _scalar(field: dict[str, Any]) -> dict[str, Any]:
    """A field's schema for one value in a filter (texts, numbers, true or false)."""
    if "enum" in field:
        return {"enum": field["enum"]}
    kinds = {t for branch in field.get("anyOf", [field]) for t in _types(branch)} - {"null", "array", "object"}
    return {"type": sorted(kinds)} if kinds else {"type": ["string", "integer", "boolean"]}


def _types(branch: dict[str, Any]) -> list[str]:
    kind = branch.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _field(attribute: attrs.Attribute, hint: Any) -> dict[str, Any]:
    """One event field: its type, with the words or the least value its validator allows."""
    optional = False
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        hint = args[0]
    out = dict(_of_type(hint))
    check, meta = attribute.validator, attribute.metadata
    options = check.options if isinstance(check, OneOf) else meta.get("one_of")
    minimum = check.minimum if isinstance(check, AtLeast) else meta.get("minimum")
    if options is not None:
        out = {"enum": list(options)}
    if minimum is not None:
        out["minimum"] = minimum
    if check is nonempty:  # one text, or a list of at least one
        out = {"anyOf": [b if b.get("type") != "array" else {**b, "minItems": 1} for b in out["anyOf"]]}
    if optional:
        out = {"anyOf": [out, _NULL]}
    return out


def _of_type(hint: Any) -> dict[str, Any]:
    if hint is date:
        return _DAY
    if hint is time:
        return _TIME
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is str:
        return {"type": "string"}
    if hint == tuple[str, ...]:  # one text or a list of them (the events' converter takes both)
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    if hint == Tally:
        return {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                "description": "party: whole number"}
    if hint == Candidates:
        return {"type": "object", "additionalProperties": {"anyOf": [{"type": "integer", "minimum": 0}, _NULL]},
                "description": "candidate: votes (null if not known)"}
    msg = f"no JSON Schema for an event field of type {hint!r}: add it to engine/files/schema.py"
    raise TypeError(msg)

