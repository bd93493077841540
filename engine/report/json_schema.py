"""JSON Schemas of the JSON the commands print: ``replay``, ``state``, ``whatif``, ``simulate``, ``sweep``,
``test``, and a line of ``log follow``.

Replay's and state's are written from the tables :mod:`engine.report.jsondata` builds its output from
(each key, the view attribute it comes from, how it is written) and from the view model's field
types; the others from the key tables (:mod:`engine.sim.jsonkeys`) their outputs are built through:
:data:`engine.report.comparison.WHATIF`, :data:`engine.sim.stats.ENSEMBLE`,
:data:`engine.sim.sweep.SWEEP`, :data:`engine.report.testing.TEST`. A key added to an output is in
its schema with no second edit, and tests validate the outputs of every bundled scenario against the
copies published in ``docs/schema/``. Draft-07, like the file schemas.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.report.comparison import WHATIF
from engine.report.jsondata import AS_OF, FINAL_EXTRA, OBJECTS, ROOTS, Out
from engine.report.testing import TEST
from engine.report.view import StepView
from engine.sim.jsonkeys import table_schema
from engine.sim.stats import ENSEMBLE
from engine.sim.sweep import SWEEP

__all__ = ["OUTPUT_SCHEMAS", "follow_schema", "outcomes_schema", "replay_schema", "simulate_schema", "state_schema",
           "sweep_schema", "whatif_schema"]

_DIALECT = "http://json-schema.org/draft-07/schema#"
_NULL = {"type": "null"}


def replay_schema() -> dict[str, Any]:
    """The schema of ``impasse replay --format json`` (docs/replay-format.md)."""
    definitions: dict[str, Any] = {}
    top = _object("timeline", ROOTS["timeline"], definitions)
    del definitions["timeline"]
    # ``final`` is the state, with the timeline's formation history written into it
    final = dict(definitions["state"])
    extra = _properties(FINAL_EXTRA, ROOTS["timeline"], definitions)
    final["properties"] = {**final["properties"], **extra}
    final["required"] = [*final["required"], *extra]
    definitions["final"] = final
    top["properties"]["final"] = {"$ref": "#/definitions/final"}
    top["properties"].update(_properties(AS_OF, ROOTS["timeline"], definitions))  # optional: not required
    return {"$schema": _DIALECT, "title": "impasse replay --format json",
            "description": "A replay: the scenario, the readings judged, every step, the final state "
                           "(docs/replay-format.md)", **top, "definitions": definitions}


def state_schema() -> dict[str, Any]:
    """The schema of ``impasse state --format json`` (docs/replay-format.md)."""
    definitions: dict[str, Any] = {}
    top = _object("state", ROOTS["state"], definitions)
    del definitions["state"]
    return {"$schema": _DIALECT, "title": "impasse state --format json",
            "description": "The state of a crisis at a date (docs/replay-format.md)", **top,
            "definitions": definitions}


def follow_schema() -> dict[str, Any]:
    """The schema of one line of ``impasse log follow --format json`` (docs/store.md): one object per line,
    told apart by its ``kind``; a step's and a state's objects are those of ``replay`` and ``state``."""
    definitions: dict[str, Any] = {}
    _object("step", StepView, definitions)
    _object("state", ROOTS["state"], definitions)
    text, count, date_ = {"type": "string"}, {"type": "integer"}, {"type": "string", "format": "date"}

    def maybe(schema: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [schema, _NULL]}

    kinds: dict[str, dict[str, Any]] = {
        "start": {"stream": text, "version": count, "events": count, "constitution": maybe(text),
                  "interpretations": maybe({"type": "array", "items": text}), "unjudged": maybe(text)},
        "step": {"step": {"$ref": "#/definitions/step"}},
        "refused": {"version": maybe(count), "at": date_, "type": text, "reason": text},
        "record": {"version": count, "recorded_at": text, "record": {"enum": ["correction", "retraction", "metadata"]},
                   "target": maybe(count), "summary": text},
        "unjudged": {"version": count, "at": date_, "summary": text},
        "rejudged": {"reason": text},
        "now": {"state": {"$ref": "#/definitions/state"}},
    }
    one_of = [{"type": "object", "properties": {"kind": {"const": kind}, **keys}, "required": ["kind", *keys],
               "additionalProperties": False} for kind, keys in kinds.items()]
    return {"$schema": _DIALECT, "title": "impasse log follow --format json",
            "description": "One line of a followed stream: where it stands, a step judged, an event refused, a "
                           "record that is not an event, an event unjudged, the stream judged again, or the "
                           "state after them (docs/store.md)",
            "oneOf": one_of, "definitions": definitions}


def whatif_schema() -> dict[str, Any]:
    """The schema of ``impasse whatif --format json`` (docs/simulation.md)."""
    return table_schema(WHATIF, "impasse whatif --format json")


def simulate_schema() -> dict[str, Any]:
    """The schema of ``impasse simulate --format json`` (docs/simulation.md)."""
    return table_schema(ENSEMBLE, "impasse simulate --format json")


def sweep_schema() -> dict[str, Any]:
    """The schema of ``impasse sweep --format json`` (docs/simulation.md)."""
    return table_schema(SWEEP, "impasse sweep --format json")


def outcomes_schema() -> dict[str, Any]:
    """The schema of ``impasse test --format json``, the outcomes of expectations (docs/scenarios.md)."""
    return table_schema(TEST, "impasse test --format json")


#: Each command whose JSON has a published schema (``docs/schema/NAME.schema.json``), and its schema.
OUTPUT_SCHEMAS = {"replay": replay_schema, "state": state_schema, "whatif": whatif_schema,
                  "simulate": simulate_schema, "sweep": sweep_schema, "test": outcomes_schema, "follow": follow_schema}


def _object(name: str, cls: type, definitions: dict[str, Any]) -> dict[str, Any]:
    """The schema of the object ``name`` built from an instance of ``cls``, its own objects in ``definitions``."""
    table = OBJECTS[name]
    props = _properties(table, cls, definitions)
    out = {"type": "object", "properties": props, "required": [o.key for o in table if o.when is None],
           "additionalProperties": False}
    definitions[name] = out
    return {**out, "properties": dict(props)}


def _properties(table: tuple[Out, ...], cls: type, definitions: dict[str, Any]) -> dict[str, Any]:
    return {out.key: _key(out, _hint(cls, out.attr), definitions) for out in table}


def _hint(cls: type, attr: str) -> Any:
    """The type of ``attr`` (dotted: an attribute's attribute) on the view class ``cls``."""
    hint: Any = cls
    for part in attr.split("."):
        hint = typing.get_type_hints(_strip_none(hint)[0])[part]
    return hint


def _key(out: Out, hint: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    inner, optional = _strip_none(hint)
    if out.form in ("object", "objects"):
        item = inner if out.form == "object" else typing.get_args(inner)[0]
        name = str(out.of)
        if name not in definitions:
            definitions[name] = {}  # claimed before its keys are written: a table may name itself
            _object(name, item, definitions)
        ref = {"$ref": f"#/definitions/{name}"}
        if out.form == "objects":
            return {"type": "array", "items": ref}
        return {"anyOf": [ref, _NULL]} if optional else ref
    if out.form == "pairs":
        first, second = typing.get_args(typing.get_args(inner)[0])
        a, b = out.names  # type: ignore[misc]
        return {"type": "array", "items": {"type": "object", "properties": {a: _type(first), b: _type(second)},
                                           "required": [a, b], "additionalProperties": False}}
    if out.form == "dict":
        if typing.get_origin(inner) is tuple:  # pairs of name and count
            value = typing.get_args(typing.get_args(inner)[0])[1]
            return {"type": "object", "additionalProperties": _type(value)}
        return {"type": "object"}
    if out.form == "details":
        return {"type": "object", "description": "what else the finding names (docs/replay-format.md)"}
    schema = _type(inner)
    return {"anyOf": [schema, _NULL]} if optional else schema


def _strip_none(hint: Any) -> tuple[Any, bool]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(hint))
    return hint, False


def _type(hint: Any) -> dict[str, Any]:
    inner, optional = _strip_none(hint)
    if inner is date:
        out: dict[str, Any] = {"type": "string", "format": "date"}
    elif inner is bool:
        out = {"type": "boolean"}
    elif inner is int:
        out = {"type": "integer"}
    elif inner is str:
        out = {"type": "string"}
    elif typing.get_origin(inner) is tuple:
        out = {"type": "array", "items": _type(typing.get_args(inner)[0])}
    elif typing.get_origin(inner) is Mapping or inner is Any:
        out = {}
    else:
        msg = f"no JSON Schema for a view field of type {inner!r}: add it to engine/report/json_schema.py"
        raise TypeError(msg)
    return {"anyOf": [out, _NULL]} if optional and out else out
