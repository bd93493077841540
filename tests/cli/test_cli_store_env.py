"""``IMPASSE_STORE``: where ``--store`` is left out, ``replay``, ``state`` and ``report`` with
``--stream`` read the store it names; a scenario FILE given is read as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.store.opening import open_store, store_location

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(ROOT / "scenarios" / "cambodia-2013.yaml")


def test_the_variable_names_the_store_when_none_is_given(runner: CliRunner, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.crisis import scenario_metadata
    from engine.files.scenarios import load_scenario

    path = str(tmp_path / "crisis.db")
    scenario = load_scenario(SCENARIO)
    with open_store(path, create=True) as store:
        store.append("kh-2013", scenario.events, 0, metadata=scenario_metadata(scenario))
    monkeypatch.setenv("IMPASSE_STORE", path)
    from_env = runner.invoke(cli, ["state", "--stream", "kh-2013", "--at", "2013-09-10"])
    given = runner.invoke(cli, ["state", "--store", path, "--stream", "kh-2013", "--at", "2013-09-10"])
    assert from_env.exit_code == given.exit_code == 0, from_env.stderr
    assert from_env.stdout == given.stdout
    # a FILE is a FILE: the variable does not turn it into "FILE and --store"
    assert runner.invoke(cli, ["state", SCENARIO, "--at", "2013-09-10"]).stdout == given.stdout


def test_store_location() -> None:
    assert store_location("a.db", {"IMPASSE_STORE": "b.db"}) == "a.db"
    assert store_location(None, {"IMPASSE_STORE": "postgresql://desk@db/crisis"}) == "postgresql://desk@db/crisis"
    assert store_location(None, {"IMPASSE_STORE": ""}) is None
    assert store_location(None, {}) is None
