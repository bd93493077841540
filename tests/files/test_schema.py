"""The JSON Schemas of pack and scenario files: published copies that can't drift, every bundled file
valid, and a schema that refuses what the loaders refuse for the facts it can state (unknown keys,
missing required fields, values of the wrong kind)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from engine.errors import PackError, ScenarioError
from engine.files.keys import DEADLINE, DECISION, SECTIONS, names
from engine.files.located_yaml import load_located
from engine.files.packs import parse_pack
from engine.files.scenarios import parse_scenario
from engine.files.schema import event_fields_schema, expect_schema, pack_schema, scenario_schema
from engine.files.starters import pack_starter
from engine.report.jsontext import dumps
from engine.timeline.events import RECORDABLE_TYPES, REGISTRY

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted((ROOT / "engine" / "constitutions").glob("*.yaml"))
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
PACK = Draft7Validator(pack_schema())
SCENARIO = Draft7Validator(scenario_schema())


def _data(path: Path) -> Any:
    """The file as the loaders see it (dates stay text, no YAML 1.1 booleans): what an editor validates."""
    return load_located(path.read_bytes(), str(path), PackError).data


def _errors(validator: Draft7Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]


class TestPublished:
    @pytest.mark.parametrize("name", ["pack", "scenario"])
    def test_docs_copy_is_what_the_engine_writes(self, name: str) -> None:
        """docs/schema/NAME.schema.json is what `impasse schema NAME` prints (regenerate it with -o)."""
        built = pack_schema() if name == "pack" else scenario_schema()
        published = (ROOT / "docs" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert published == dumps(built) + "\n", f"run: impasse schema {name} > docs/schema/{name}.schema.json"

    @pytest.mark.parametrize("build", [pack_schema, scenario_schema])
    def test_schemas_are_valid_draft_07(self, build: Any) -> None:
        """Each schema is itself a valid draft-07 schema, and JSON (no dates or tuples left in it)."""
        schema = build()
        Draft7Validator.check_schema(schema)
        assert json.loads(json.dumps(schema)) == schema


class TestBundledFiles:
    @pytest.mark.parametrize("path", PACKS, ids=lambda p: p.name)
    def test_every_pack_validates(self, path: Path) -> None:
        """Every bundled pack is valid under the pack schema."""
        assert _errors(PACK, _data(path)) == []

    @pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
    def test_every_scenario_validates(self, path: Path) -> None:
        """Every bundled scenario is valid under the scenario schema."""
        assert _errors(SCENARIO, _data(path)) == []


class TestEvents:
    def test_every_recordable_type_has_a_schema_and_no_other(self) -> None:
        """The scenario schema names exactly the event types a scenario may record."""
        definitions = scenario_schema()["definitions"]
        assert definitions["event"]["properties"]["type"]["enum"] == list(RECORDABLE_TYPES)
        assert sorted(k.removeprefix("event-") for k in definitions if k.startswith("event-")) == \
            sorted(RECORDABLE_TYPES)

    @pytest.mark.parametrize("name", RECORDABLE_TYPES)
    def test_required_fields_are_those_without_a_default(self, name: str) -> None:
        """An event's required fields in the schema are its attrs fields without a default."""
        cls = REGISTRY[name]
        schema = scenario_schema()["definitions"][f"event-{name}"]
        assert schema["required"] == ["type", *(a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING)]
        assert set(schema["properties"]) == {"type", *event_fields_schema(cls)}

    def test_words_come_from_the_validators(self) -> None:
        """A field checked by a list of words has those words as its enum (a vote's motion, a ruling's effect)."""
        fields = scenario_schema()["definitions"]
        assert fields["event-vote"]["properties"]["outcome"]["enum"] == ["adopted", "rejected"]
        assert "investiture" in fields["event-contest"]["properties"]["motion"]["enum"]
        assert fields["event-court_ruling"]["properties"]["effect"]["enum"] == ["annuls_election", "voids_act",
                                                                                "upholds"]
        assert fields["event-mandate_given"]["properties"]["rank"]["minimum"] == 1


#: (a bundled scenario, where, a change) that the loader refuses and the schema must refuse too
def _set(path: tuple, value: Any):
    def change(data: Any) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _drop(path: tuple):
    def change(data: Any) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return change


BAD_SCENARIOS = [
    pytest.param(_set(("scenario", "titel"), "x"), id="unknown-meta-key"),
    pytest.param(_drop(("scenario", "constitution")), id="no-constitution"),
    pytest.param(_set(("events", 0, "type"), "ralley"), id="unknown-event-type"),
    pytest.param(_set(("events", 0, "sizes"), 3), id="unknown-event-field"),
    pytest.param(_drop(("events", 0, "at")), id="no-date"),
    pytest.param(_set(("events", 0, "at"), "2013-7-28"), id="date-not-iso"),
    pytest.param(_drop(("events", 0, "source")), id="no-source"),
    pytest.param(_set(("events", 1, "stage"), "last"), id="unknown-stage"),
    pytest.param(_set(("events", 1, "seats", "CPP"), "68"), id="seats-as-text"),
    pytest.param(_set(("uncertain",), {"talks": [{"parties": ["CPP"], "weekly": 1.5}]}), id="probability"),
    pytest.param(_set(("colour",), "red"), id="unknown-top-key"),
]


#: a value of another kind, for each kind of value a table key may take
_WRONG: dict[str, Any] = {"day": "someday", "whole": "many", "flag": "maybe", "choice": "zzz", "period": "ten",
                          "chain": "x", "threshold": 5, "texts": {"a": 1}, "text": ["a"], "event": "no_such_event",
                          "events": "no_such_event", "probability": 1.5, "names": "CPP",
                          "days": ["2013-09-01"]}
#: the keys only a decision rule reads
_DECISION_ONLY = (*names(DECISION), "effect", "direction", "attempts", "attempts_article")
#: (section, key) of every pack key whose kind of value the loader checks
_TYPED = [(section, k.name) for section in ("pack", "body", "size", "amendment", "rule", "consequence",
                                            "interpretation")
          for k in SECTIONS[section] if k.value in _WRONG]

#: keys the scenario loader allows and keeps out of the engine without reading them: the schema says what
#: they hold (text), the loader takes any value
_UNREAD = (("scenario_meta", "description"), ("party", "source"))
#: the same for the scenario's mappings
_SCENARIO_TYPED = [(section, k.name) for section in ("scenario_meta", "party", "uncertain", "defection", "happens",
                                                     "delay", "delay_days", "talks")
                   for k in SECTIONS[section] if k.value in _WRONG and (section, k.name) not in _UNREAD]


class TestRefusals:
    @pytest.mark.parametrize("change", BAD_SCENARIOS)
    def test_schema_refuses_what_the_loader_refuses(self, change: Any) -> None:
        """A change the scenario loader refuses is refused by the schema as well."""
        path = ROOT / "scenarios" / "cambodia-2013.yaml"
        data = copy.deepcopy(_data(path))
        assert data["events"][1]["type"] == "results_announced"  # what the table's changes rely on
        change(data)
        assert _errors(SCENARIO, data) != []
        with pytest.raises(ScenarioError):
            parse_scenario(json.dumps(data), str(path))

    @given(section=st.sampled_from(["pack", "body", "size", "rule"]),
           key=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
    def test_an_unknown_key_is_refused_by_both(self, section: str, key: str) -> None:
        """A key the table does not list, added to a pack's top, a body, a size or a rule, is refused by the
        loader and by the schema."""
        assume(key not in names(SECTIONS[section]))
        data = copy.deepcopy(_data(ROOT / "engine" / "constitutions" / "pt.yaml"))
        target = {"pack": data, "body": data["bodies"][0], "size": data["bodies"][0]["sizes"][0],
                  "rule": data["rules"][1]}[section]
        target[key] = "x"
        assert _errors(PACK, data) != []
        with pytest.raises(PackError):
            parse_pack(json.dumps(data), "pt.yaml")

    @pytest.mark.parametrize("place", _TYPED, ids="-".join)
    def test_a_value_of_the_wrong_kind_is_refused_by_both(self, place: tuple[str, str]) -> None:
        """The kind of value the table gives a key is the loader's: a value of another kind, put on a rule
        that reads the key (the starter pack has one of each kind), is refused by the loader and the schema."""
        section, key = place
        data = load_located(pack_starter("xx", "pack.schema.json"), "xx.yaml", PackError).data
        data["amendments"] = [{"id": "a", "title": "t", "in_force": "2000-01-01"}]
        kind = next(k for k in SECTIONS[section] if k.name == key)
        rules = {r["kind"]: r for r in data["rules"]}
        owner = ("deadline" if key in names(DEADLINE) else "decision" if key in _DECISION_ONLY
                 else "convocation" if key == "convened_by" else "quorum")
        target = {"pack": data, "body": data["bodies"][0], "size": data["bodies"][0]["sizes"][0],
                  "amendment": data["amendments"][0], "rule": rules[owner], "consequence": data["consequences"][0],
                  "interpretation": data["interpretations"][0]}[section]
        target[key] = _WRONG[kind.value]
        assert _errors(PACK, data) != []
        with pytest.raises(PackError):
            parse_pack(json.dumps(data), "xx.yaml")

    @pytest.mark.parametrize("place", _SCENARIO_TYPED, ids="-".join)
    def test_a_scenario_value_of_the_wrong_kind_is_refused_by_both(self, place: tuple[str, str]) -> None:
        """Likewise for the scenario's own mappings: its metadata, a party, and each part of ``uncertain:``."""
        section, key = place
        data = copy.deepcopy(_data(ROOT / "scenarios" / "cambodia-2013.yaml"))
        data["uncertain"]["delay"] = [{"event": "opening-sitting", "days": {"min": 0, "max": 3}}]
        uncertain = data["uncertain"]
        target = {"scenario_meta": data["scenario"], "party": data["parties"][0], "uncertain": uncertain,
                  "defection": uncertain["defection"][0], "happens": uncertain["happens"][0],
                  "delay": uncertain["delay"][0], "delay_days": uncertain["delay"][0]["days"],
                  "talks": uncertain["talks"][0]}[section]
        target[key] = _WRONG[next(k for k in SECTIONS[section] if k.name == key).value]
        assert _errors(SCENARIO, data) != []
        with pytest.raises(ScenarioError):
            parse_scenario(json.dumps(data), str(ROOT / "scenarios" / "cambodia-2013.yaml"))

    def test_a_party_is_text_or_a_mapping(self) -> None:
        """A party given as a number is refused by both (the loader reads text or a mapping)."""
        data = copy.deepcopy(_data(ROOT / "scenarios" / "portugal-2015.yaml"))
        data["parties"].append(5)
        assert _errors(SCENARIO, data) != []
        with pytest.raises(ScenarioError):
            parse_scenario(json.dumps(data), "scenarios/portugal-2015.yaml")

    @given(data=st.data())
    def test_a_missing_required_field_is_refused_by_both(self, data: st.DataObject) -> None:
        """A bundled event without one of its required fields is refused by the loader and by the schema."""
        path = data.draw(st.sampled_from(SCENARIOS), label="scenario")
        scenario = copy.deepcopy(_data(path))
        index = data.draw(st.integers(0, len(scenario["events"]) - 1), label="event")
        cls = REGISTRY[scenario["events"][index]["type"]]
        dropped = data.draw(st.sampled_from([a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING]))
        del scenario["events"][index][dropped]
        assert _errors(SCENARIO, scenario) != []
        with pytest.raises(ScenarioError):
            parse_scenario(json.dumps(scenario), str(path))


def test_expect_is_one_object_for_now() -> None:
    """``expect:`` is allowed as an object, its schema plugged in by one function (expect_schema)."""
    assert scenario_schema()["properties"]["expect"] == expect_schema()
    assert expect_schema()["type"] == "object"
