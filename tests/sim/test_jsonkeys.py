"""Key tables: an object is built only as its table says, and the schema written from the table
accepts what was built and refuses what the table does not allow."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from engine.report.jsontext import dumps
from engine.sim.jsonkeys import Key, Table, build, table_schema

PAIR = Table("pair", "[first, last]", (Key("first", "integer", "a"), Key("last", "integer", "b")), row=True)
ITEM = Table("item", "an item", (
    Key("name", "string", "its name"),
    Key("when", "date", "its day", null=True),
    Key("span", "object", "its days", of=PAIR),
    Key("note", "string", "said only sometimes", optional=True),
))
TOP = Table("top", "the output", (
    Key("count", "integer", "how many"),
    Key("items", "list", "the items", of=ITEM),
    Key("tags", "list", "words, or null", items="string", null_items=True),
    Key("by_name", "map", "values by name", items="number"),
    Key("extra", "any", "anything"),
))
VALIDATOR = Draft7Validator(table_schema(TOP, "a test output"), format_checker=Draft7Validator.FORMAT_CHECKER)


def _values(note: bool = True) -> dict:
    item = {"span": (1, 2), "when": date(2013, 9, 23), "name": "a"}  # keys out of order: the table orders them
    if note:
        item["note"] = "n"
    return {"items": [item, {"name": "b", "when": None, "span": [3, 3]}], "count": 2, "tags": ["x", None],
            "by_name": {"p": 0.5}, "extra": {"any": ["thing"]}}


def test_built_in_the_tables_order_with_values_as_given() -> None:
    """Keys come out in the table's order at every level; values (a date, a row's tuple) are kept as they are."""
    built = build(TOP, _values())
    assert list(built) == ["count", "items", "tags", "by_name", "extra"]
    assert list(built["items"][0]) == ["name", "when", "span", "note"]
    assert built["items"][0]["when"] == date(2013, 9, 23) and built["items"][0]["span"] == (1, 2)
    assert "note" not in built["items"][1]


@pytest.mark.parametrize(("change", "message"), [
    (lambda v: v.update(surprise=1), "no key 'surprise'"),
    (lambda v: v.pop("count"), "without its key 'count'"),
    (lambda v: v["items"][1].pop("name"), "'item' is built without its key 'name'"),
    (lambda v: v["items"][0].update(span=(1, 2, 3)), "'pair' is written as 2 values"),
])
def test_a_key_the_table_does_not_have_or_requires_is_refused(change, message: str) -> None:
    """The code can't write a key the table lacks, leave out one it requires, or write a row of another length."""
    values = _values()
    change(values)
    with pytest.raises(ValueError, match=message):
        build(TOP, values)


def test_the_schema_accepts_what_is_built() -> None:
    """The JSON of an object built through its table meets the schema written from that table."""
    Draft7Validator.check_schema(table_schema(TOP, "a test output"))
    for note in (True, False):
        assert list(VALIDATOR.iter_errors(json.loads(dumps(build(TOP, _values(note)))))) == []


@given(data=st.data())
def test_the_schema_refuses_what_the_table_does_not_allow(data: st.DataObject) -> None:
    """A required key removed, a key added, or a value of another type, anywhere: the schema refuses it."""
    doc = json.loads(dumps(build(TOP, _values())))
    where, table = data.draw(st.sampled_from([(doc, TOP), (doc["items"][0], ITEM), (doc["items"][1], ITEM)]))
    change = data.draw(st.sampled_from(["drop", "add", "retype"]))
    if change == "add":
        where[data.draw(st.text(min_size=1).filter(lambda k: k not in where))] = 1
    else:
        key = data.draw(st.sampled_from([k for k in table.keys if k.key in where and not k.optional
                                         and k.type != "any"]))
        if change == "drop":
            del where[key.key]
        else:  # an object stands in for a value of any other type here
            where[key.key] = {"not": "this"} if key.type != "map" else []
    assert list(VALIDATOR.iter_errors(doc)) != []


def test_keys_are_checked_when_the_tables_are_written() -> None:
    """An object key without its table, a list that names neither items nor a table, or two different
    tables of one name, are refused when written, not when an output is."""
    with pytest.raises(ValueError, match="names its table"):
        Key("a", "object", "x")
    with pytest.raises(ValueError, match="either its items' table or their type"):
        Key("a", "list", "x")
    other = Table("pair", "another", (Key("only", "string", "x"),))
    clash = Table("t", "two pairs", (Key("a", "object", "x", of=PAIR), Key("b", "object", "y", of=other)))
    with pytest.raises(ValueError, match="two tables are named 'pair'"):
        table_schema(clash, "t")
