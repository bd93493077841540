"""The JSON Schemas of the commands' JSON: written from the tables each output is built from,
published in docs/schema/, and met by the outputs of every bundled scenario (replay and state here;
whatif, simulate, sweep and test in tests/report/test_output_schemas.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from engine.cli.main import cli
from engine.report.json_schema import OUTPUT_SCHEMAS, replay_schema, state_schema
from engine.report.jsondata import OBJECTS
from engine.report.jsontext import dumps

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
REPLAY = Draft7Validator(replay_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)
STATE = Draft7Validator(state_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)


def _json(*args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _errors(validator: Draft7Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("name", sorted(OUTPUT_SCHEMAS))
def test_docs_copy_is_what_the_engine_writes(name: str) -> None:
    """docs/schema/NAME.schema.json is what `impasse schema NAME` prints, and valid draft-07."""
    built = OUTPUT_SCHEMAS[name]()
    Draft7Validator.check_schema(built)
    published = (ROOT / "docs" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert published == dumps(built) + "\n", f"run: impasse schema {name} > docs/schema/{name}.schema.json"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_replay_and_state_validates(path: Path) -> None:
    """The replay of every bundled scenario, and its state after the last event, meet the schemas."""
    assert _errors(REPLAY, _json("replay", str(path))) == []
    assert _errors(STATE, _json("state", str(path), "--at", "2100-01-01")) == []


def test_a_replay_judged_as_of_a_date_validates() -> None:
    """With --law-as-of, the optional law_as_of and reversed keys are there and meet the schema."""
    data = _json("replay", str(ROOT / "scenarios" / "cambodia-2013.yaml"), "--law-as-of", "2005-01-01")
    assert "law_as_of" in data and "reversed" in data
    assert _errors(REPLAY, data) == []


def test_every_table_is_in_the_schema() -> None:
    """Every object jsondata writes has a definition listing exactly its keys, in order."""
    definitions = {**replay_schema()["definitions"], "timeline": replay_schema()}
    for name, table in OBJECTS.items():
        assert list(definitions[name]["properties"])[:len(table)] == [o.key for o in table], name


PORTUGAL = _json("replay", str(ROOT / "scenarios" / "portugal-2015.yaml"))


@given(data=st.data())
def test_a_changed_replay_is_refused(data: st.DataObject) -> None:
    """Any step missing one of its keys, or with a key of its own added, no longer meets the schema."""
    replay = json.loads(json.dumps(PORTUGAL))
    step = data.draw(st.sampled_from(replay["steps"]))
    if data.draw(st.booleans(), label="drop"):
        del step[data.draw(st.sampled_from(sorted(step)), label="key")]
    else:
        step[data.draw(st.text(min_size=1).filter(lambda k: k not in step), label="new key")] = 1
    assert _errors(REPLAY, replay) != []
