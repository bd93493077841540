"""A JSON output as tables of its keys: each key's JSON type, what it says, and the table of its objects.

``simulate``, ``sweep``, ``whatif`` and ``test`` print JSON computed from statistics and comparisons
rather than read off a view model, so their objects are written as :class:`Table`\\ s of :class:`Key`\\ s,
and :func:`build` makes every object of an output through its table: the keys come out in the table's
order, and a key the code gives that the table lacks, or a required key it leaves out, is refused on
the spot (an engine bug, not a user's error). :func:`table_schema` writes the JSON Schema from the
same tables, so an output and its published schema can't name different keys; the types the tables
state are checked by validating every bundled scenario's output against the schema
(tests/report/test_output_schemas.py). Lives in ``sim/``, the lowest layer that prints such JSON;
``report/`` writes its own outputs' tables with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["TYPES", "Key", "Table", "build", "table_schema"]

#: The JSON type of a value: ``string``, ``integer``, ``number`` (an integer or not), ``boolean``,
#: ``date`` (ISO text), ``any`` (not described), ``object`` (one value of the table ``of``: an object, or
#: an array if the table is a ``row``), ``list``
#: (an array of objects of ``of``, or of values of type ``items``), ``map`` (an object whose keys are
#: data, its values objects of ``of`` or of type ``items``).
TYPES = ("string", "integer", "number", "boolean", "date", "any", "object", "list", "map")
_SCALARS = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
            "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"}, "any": {}}
_NULL = {"type": "null"}
_DIALECT = "http://json-schema.org/draft-07/schema#"


@attrs.frozen
class Key:
    """One key of a JSON object: its JSON type, what its value says, and where the value may be missing."""

    key: str
    type: str = attrs.field(validator=attrs.validators.in_(TYPES))
    about: str
    #: the table of an ``object``, or of the items of a ``list`` or ``map``
    of: Table | None = None
    #: the type of the items of a ``list`` or ``map`` that are not objects of a table
    items: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.in_(TYPES)))
    #: the value may be null
    null: bool = False
    #: the items of a ``list`` or ``map`` of type ``items`` may be null
    null_items: bool = False
    #: the key is written only where it applies
    optional: bool = False

    def __attrs_post_init__(self) -> None:
        if self.type == "object" and self.of is None:
            msg = f"{self.key}: an object key names its table"
            raise ValueError(msg)
        if self.type in ("list", "map") and (self.of is None) == (self.items is None):
            msg = f"{self.key}: a {self.type} key names either its items' table or their type"
            raise ValueError(msg)


@attrs.frozen
class Table:
    """A JSON object's keys in the order written; a ``row`` is written as an array of its values in that
    order (a histogram's bar), its keys naming the places."""

    name: str
    about: str
    keys: tuple[Key, ...]
    row: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k.key for k in self.keys)


def build(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """The object of ``table`` holding ``values`` (key -> value, nested objects as mappings or rows), its
    keys in the table's order; values are kept as they are (a date stays a date until written).

    Raises:
        ValueError: ``values`` names a key the table lacks, or lacks one the table requires.
    """
    unknown = [k for k in values if k not in table.names]
    if unknown:
        msg = f"engine bug: the JSON object {table.name!r} has no key {unknown[0]!r} in its table"
        raise ValueError(msg)
    out = {}
    for key in table.keys:
        if key.key not in values:
            if key.optional:
                continue
            msg = f"engine bug: the JSON object {table.name!r} is built without its key {key.key!r}"
            raise ValueError(msg)
        out[key.key] = _value(key, values[key.key])
    return out


def _value(key: Key, value: Any) -> Any:
    if key.of is None or value is None:
        return value
    if key.type == "object":
        return _shaped(key.of, value)
    if key.type == "list":
        return [_shaped(key.of, item) for item in value]
    return {name: _shaped(key.of, item) for name, item in value.items()}


def _shaped(table: Table, value: Any) -> Any:
    if not table.row:
        return build(table, value)
    if not isinstance(value, Sequence) or len(value) != len(table.keys):
        msg = f"engine bug: a {table.name!r} is written as {len(table.keys)} values ({', '.join(table.names)})"
        raise ValueError(msg)
    return value


def table_schema(root: Table, title: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of the output whose top object is ``root`` (described by its ``about``):
    every other table the keys reach in ``definitions``, by name; objects allow no key their table lacks."""
    definitions: dict[str, Any] = {}
    top = _object(root, definitions)
    return {"$schema": _DIALECT, "title": title, **top, "definitions": definitions}


def _object(table: Table, definitions: dict[str, Any]) -> dict[str, Any]:
    props = {k.key: _key(k, definitions) for k in table.keys}
    if table.row:
        return {"description": table.about, "type": "array", "items": list(props.values()),
                "minItems": len(props), "additionalItems": False}
    return {"description": table.about, "type": "object", "properties": props,
            "required": [k.key for k in table.keys if not k.optional], "additionalProperties": False}


def _key(key: Key, definitions: dict[str, Any]) -> dict[str, Any]:
    if key.type == "object":
        schema = _ref(key.of, definitions)  # type: ignore[arg-type]
    elif key.type in ("list", "map"):
        item = _ref(key.of, definitions) if key.of is not None else _SCALARS[str(key.items)]
        if key.null_items:
            item = {"anyOf": [item, _NULL]}
        schema = ({"type": "array", "items": item} if key.type == "list"
                  else {"type": "object", "additionalProperties": item})
    else:
        schema = _SCALARS[key.type]
    if key.null:
        schema = {"anyOf": [schema, _NULL]}
    return {"description": key.about, **schema}


def _ref(table: Table, definitions: dict[str, Any]) -> dict[str, Any]:
    """A reference to ``table``'s definition, written the first time a key reaches it."""
    known = definitions.get(table.name)
    if known is None:
        definitions[table.name] = {}  # claimed first: a table may reach itself
        definitions[table.name] = _object(table, definitions)
    elif known and known != _object(table, definitions):
        msg = f"two tables are named {table.name!r}"
        raise ValueError(msg)
    return {"$ref": f"#/definitions/{table.name}"}
