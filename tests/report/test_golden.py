"""Outputs kept from before the redesign: the replay JSON keeps every field and value it had (new
fields may be added), and the ensemble's and two what-ifs' JSON are byte-identical.

The files in ``tests/golden/`` were written by the engine as it stood before the layers were split
(commit ba5b9c1); they are never regenerated to make a test pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
#: the scenarios with a golden replay (written before the redesign); later ones are pinned in
#: tests/test_scenarios_library.py
SCENARIOS = sorted(ROOT / "scenarios" / f"{p.stem.removeprefix('replay-')}.yaml"
                   for p in GOLDEN.glob("replay-*.json"))


def _missing(old: Any, new: Any, where: str = "$") -> list[str]:
    """Where ``new`` lacks a field of ``old`` or holds another value (extra fields in ``new`` are fine)."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{where}: was an object, now {type(new).__name__}"]
        out = []
        for key, value in old.items():
            if key not in new:
                out.append(f"{where}.{key}: missing")
            else:
                out.extend(_missing(value, new[key], f"{where}.{key}"))
        return out
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [f"{where}: was a list of {len(old)}, now {new if not isinstance(new, list) else len(new)}"]
        return [m for i, (a, b) in enumerate(zip(old, new, strict=True)) for m in _missing(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: was {old!r}, now {new!r}"]


def test_the_comparison_sees_a_changed_or_dropped_value() -> None:
    """The checker itself: a dropped field and a changed value are reported, an added field is not."""
    old = {"a": 1, "b": [{"c": "x"}]}
    assert _missing(old, {"a": 1, "b": [{"c": "x", "d": 2}], "e": 3}) == []
    assert _missing(old, {"a": 2, "b": [{}]}) == ["$.a: was 1, now 2", "$.b[0].c: missing"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_replay_json_keeps_every_field_and_value(runner, scenario: Path) -> None:
    """`impasse replay FILE --format json` holds everything it held before the redesign."""
    result = runner.invoke(cli, ["replay", str(scenario.relative_to(ROOT)), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    old = json.loads((GOLDEN / f"replay-{scenario.stem}.json").read_text())
    assert _missing(old, json.loads(result.stdout)) == []


def test_state_json_keeps_every_field_and_value(runner) -> None:
    """`impasse state` on 10 September 2013 holds everything it held before."""
    result = runner.invoke(cli, ["state", "scenarios/cambodia-2013.yaml", "--at", "2013-09-10", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    old = json.loads((GOLDEN / "state-cambodia-2013-at-2013-09-10.json").read_text())
    assert _missing(old, json.loads(result.stdout)) == []


def test_ensemble_is_byte_identical(runner) -> None:
    """`impasse simulate scenarios/cambodia-2013.yaml --runs 10000 --seed 1 --format json` gives what it gave
    before: the same runs, the same outcomes (the text around them may be worded anew)."""
    result = runner.invoke(cli, ["simulate", "scenarios/cambodia-2013.yaml", "--runs", "10000", "--seed", "1",
                                 "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (GOLDEN / "simulate-cambodia-2013-runs10000-seed1.json").read_text()


@pytest.mark.parametrize(("args", "golden"), [
    (["--shift", "opening-sitting=+7d", "--format", "json"], "whatif-cambodia-2013-shift-opening-7d.json"),
    (["--rule", "opening-quorum=at least 2/3 of all members", "--format", "json"],
     "whatif-cambodia-2013-rule-opening-quorum.json"),
])
def test_whatif_output_is_byte_identical(runner, args: list[str], golden: str) -> None:
    """What-if comparisons (worded by report.comparison from findings) give the data they gave before."""
    result = runner.invoke(cli, ["whatif", "scenarios/cambodia-2013.yaml", *args])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (GOLDEN / golden).read_text()


def test_every_cambodian_scenario_has_its_golden_replay() -> None:
    """The scenarios compared with a golden replay include all five written before the redesign."""
    assert {p.stem for p in SCENARIOS} >= {f"cambodia-{y}" for y in (1998, 2003, 2008, 2013, 2018)}
