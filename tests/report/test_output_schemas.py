"""The JSON Schemas of ``whatif``, ``simulate``, ``sweep`` and ``test --format json``: written from the
key tables those outputs are built through, and met by the outputs of every bundled scenario.

(That the copies in docs/schema/ are what the engine writes is checked, for every output, in
tests/report/test_json_schema.py.)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from engine.cli.main import cli
from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report.comparison import WHATIF
from engine.report.json_schema import OUTPUT_SCHEMAS
from engine.report.jsontext import dumps
from engine.report.testing import TEST
from engine.sim.ensemble import simulate
from engine.sim.jsonkeys import Table
from engine.sim.stats import ENSEMBLE
from engine.sim.sweep import SWEEP

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden"
CAMBODIA = "scenarios/cambodia-2013.yaml"
TABLES = {"whatif": WHATIF, "simulate": ENSEMBLE, "sweep": SWEEP, "test": TEST}
VALIDATORS = {name: Draft7Validator(OUTPUT_SCHEMAS[name](), format_checker=Draft7Validator.FORMAT_CHECKER)
              for name in TABLES}
SWEEP_GRID = ("--vary", "opening-sitting.members_present=100,120", "--vary", "opening-sitting.boycotters_present=52",
              "--vary", "uncertain.defection.CNRP.weekly=0..0.1:0.1")


def _json(*args: str, exit_code: int = 0) -> Any:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


def _errors(name: str, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in VALIDATORS[name].iter_errors(data)]


def _objects(value: dict[str, Any], table: Table) -> list[tuple[dict[str, Any], Table]]:
    """Every object of an output with the table it was built through (rows and maps' keys are data)."""
    out = [(value, table)]
    for key in table.keys:
        if key.of is None or key.of.row or value.get(key.key) is None:
            continue
        found = value[key.key]
        items = [found] if key.type == "object" else found if key.type == "list" else list(found.values())
        for item in items:
            out.extend(_objects(item, key.of))
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenarios_whatifs_validate(path: Path) -> None:
    """No change, an event dropped from the middle, the last event a day later: each what-if of every
    bundled scenario meets the schema."""
    ids = [step.event.id for step in replay_scenario(load_scenario(path)).steps if step.event.id]
    for variant in ((), ("--drop", ids[len(ids) // 2]), ("--shift", f"{ids[-1]}=+1d")):
        assert _errors("whatif", _json("whatif", str(path), *variant)) == [], variant


@cache
def _cambodia_whatif() -> Any:
    return _json("whatif", CAMBODIA, "--drop", "opening-sitting")


def test_a_whatif_with_every_kind_of_difference_validates() -> None:
    """Dropping Cambodia's opening sitting changes phases, levels, deadlines and verdicts, and skips
    events: every object and optional key of the output is there, and meets the schema."""
    data = _cambodia_whatif()
    assert all(data[key] for key in ("phases", "impasse", "deadlines", "findings", "skipped"))
    assert {f["change"] for f in data["findings"]} >= {"appears", "disappears", "verdict changes"}
    assert _errors("whatif", data) == []


@pytest.mark.parametrize("golden", sorted(p.name for p in GOLDEN.glob("whatif-*.json")))
def test_the_golden_whatifs_validate(golden: str) -> None:
    assert _errors("whatif", json.loads((GOLDEN / golden).read_text())) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenarios_ensemble_validates(path: Path) -> None:
    """An ensemble of every bundled scenario (without an uncertain: section each run is the replay,
    which the library allows and the command refuses) meets the schema, one outcome per reading."""
    ensemble = simulate(load_scenario(path), 20, 1)
    data = json.loads(dumps(ensemble.to_dict()))
    assert len(data["outcomes"]) == len(ensemble.readings)
    assert _errors("simulate", data) == []


@cache
def _cambodia_ensemble() -> Any:
    return _json("simulate", CAMBODIA, "--runs", "300", "--seed", "1")


def test_simulate_validates_with_its_optional_keys() -> None:
    """`impasse simulate` on the scenario with an uncertain: section: runs resolved (so the lengths'
    optional keys are written), a histogram and runs that fell back on the history, all as the schema says."""
    data = _cambodia_ensemble()
    assert {"median", "p10", "p90", "mean", "min", "max"} <= set(data["impasse_days"])
    assert data["histogram"] and data["recorded_fallback"]["events"]
    assert _errors("simulate", data) == []
    golden = json.loads((GOLDEN / "simulate-cambodia-2013-runs10000-seed1.json").read_text())
    assert _errors("simulate", golden) == []


@cache
def _cambodia_sweep() -> Any:
    return _json("sweep", CAMBODIA, *SWEEP_GRID, "--runs", "20", "--seed", "4")


def test_sweeps_validate() -> None:
    """A sweep's JSON, judged under every reading or one, meets the schema."""
    data = _cambodia_sweep()
    assert len(data["points"]) == 4 and None not in data["interpretations"]
    assert _errors("sweep", data) == []
    one = _json("sweep", CAMBODIA, "--vary", "uncertain.defection.CNRP.weekly=0,0.2", "--runs", "10",
                "-i", "opposition-120-to-open")
    assert one["interpretations"] == ["opposition-120-to-open"]
    assert _errors("sweep", one) == []


@cache
def _tested(folder: Path) -> Any:
    """`impasse test --format json` on every bundled scenario, one whose expectation fails, and one
    without an expect: section."""
    text = (ROOT / "scenarios" / "cambodia-2013.yaml").read_text(encoding="utf-8")
    wrong = folder / "wrong.yaml"
    wrong.write_text(text.replace("count: 68, required: 120}", "count: 69, required: 120}", 1), encoding="utf-8")
    bare = folder / "bare.yaml"
    bare.write_text(text[:text.index("\nexpect:")] + "\n", encoding="utf-8")
    return _json("test", *map(str, SCENARIOS), str(wrong), str(bare), exit_code=1)


@pytest.fixture(scope="module")
def tested(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _tested(tmp_path_factory.mktemp("test-json"))


def test_impasse_test_validates(tested: Any) -> None:
    """Passing and failing outcomes (with what was found and the engine's sentence), and a file without
    expectations, as the schema says."""
    assert tested["files"] == len(SCENARIOS) + 2 and tested["without_expectations"][0].endswith("bare.yaml")
    failed = [o for o in tested["outcomes"] if not o["passed"]]
    assert len(failed) == tested["failed"] == 1 and failed[0]["message"]
    assert _errors("test", tested) == []


@given(data=st.data())
def test_a_changed_output_is_refused(data: st.DataObject, tested: Any) -> None:
    """In any object of any of these outputs, a required key removed, a key added, or a value replaced by
    one of another type no longer meets the schema; removing a key its table marks optional still does."""
    outputs = {"whatif": _cambodia_whatif(), "simulate": _cambodia_ensemble(), "sweep": _cambodia_sweep(),
               "test": tested}
    name = data.draw(st.sampled_from(sorted(outputs)), label="output")
    doc = json.loads(json.dumps(outputs[name]))
    where, table = data.draw(st.sampled_from(_objects(doc, TABLES[name])), label="object")
    keys = [k for k in table.keys if k.key in where]
    key = data.draw(st.sampled_from(keys), label="key")
    change = data.draw(st.sampled_from(["drop", "add", "retype"]), label="change")
    if change == "add":
        where[data.draw(st.text(min_size=1).filter(lambda k: k not in where), label="new key")] = 1
    elif change == "drop":
        del where[key.key]
    elif key.type in ("any", "map"):
        return  # any value is one of these, and an object is a map
    else:
        where[key.key] = {"not": "this"}  # an object stands for no other type
    refused = _errors(name, doc) != []
    assert refused is not (change == "drop" and key.optional), (name, table.name, key.key, change)
