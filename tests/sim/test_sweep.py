"""Sweeps: one ensemble per point, seeded by (seed, point, run), identical on any executor.

The Dask test runs a sweep and an ensemble on a ``distributed.LocalCluster`` of two worker processes
and compares their JSON, byte for byte, with the local run. It is skipped where Dask is not installed
(pip install -e '.[cluster]'), never in CI (CI=true): .ci/run installs the extra.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from engine.errors import ImpasseError
from engine.files.scenarios import load_scenario
from engine.report.jsontext import dumps
from engine.sim.ensemble import simulate
from engine.sim.grid import parse_vary
from engine.sim.sweep import chunk_size, sweep

SCENARIO = "scenarios/cambodia-2013.yaml"
# the boycotting CNRP's 55 members count among those present, or more than 68 present could not happen
ALL_CAME = "opening-sitting.boycotters_present=55"
VARY = ["opening-sitting.members_present=100,123", ALL_CAME, "uncertain.defection.CNRP.weekly=0.01,0.2"]
HAS_DASK = importlib.util.find_spec("distributed") is not None


def _json(result: Any) -> str:
    return dumps(result.to_dict())


class TestSweep:
    def test_one_or_two_workers_give_the_same_bytes(self) -> None:
        """Results depend on the seed, the point and the run only: chunks and workers change nothing."""
        scenario, grid = load_scenario(SCENARIO), parse_vary(VARY)
        one = _json(sweep(scenario, grid, 40, 5))
        assert one == _json(sweep(scenario, grid, 40, 5, workers=2, chunk=7))
        assert one != _json(sweep(scenario, grid, 40, 6))

    def test_a_points_ensemble_ignores_the_rest_of_the_grid(self) -> None:
        """A point's runs are seeded by its values, not its position: alone or in a grid, the same ensemble."""
        scenario = load_scenario(SCENARIO)
        alone = sweep(scenario, parse_vary(["opening-sitting.members_present=123", ALL_CAME]), 30, 2).to_dict()["points"][0]
        among = sweep(scenario, parse_vary(["opening-sitting.members_present=100..123:23", ALL_CAME]), 30, 2).to_dict()["points"]
        assert among[1] == alone
        assert among[0]["values"] == {"opening-sitting.members_present": 100, "opening-sitting.boycotters_present": 55}

    def test_the_grid_changes_the_outcome_as_the_law_says(self) -> None:
        """120 present meets the opposition's reading of the opening quorum; 100 never does, whatever the runs."""
        data = sweep(load_scenario(SCENARIO), parse_vary(["opening-sitting.members_present=100,120", ALL_CAME]), 50, 1,
                     interpretations=["opposition-120-to-open"]).to_dict()
        low, high = (p["outcomes"][0]["opened_by_deadline"] for p in data["points"])
        assert low["successes"] == 0 and high["successes"] > 0

    def test_points_with_one_law_share_a_step_memo(self) -> None:
        """Points that change events or uncertain: parameters judge by an equal law, so a process runs
        them all with one step memo (the test above checks that this changes no result)."""
        from engine.sim.tasks import forget, job_for, simulator_for

        scenario = load_scenario(SCENARIO)
        first, second = parse_vary(VARY).points()[:2]
        forget()
        try:
            one, two = (simulator_for(job_for(scenario, None, p)) for p in (first, second))
            assert one is not two and one.memo is two.memo and one.rules is two.rules
            assert one.scenario.uncertain != two.scenario.uncertain
        finally:
            forget()

    def test_chunk_size(self) -> None:
        """Whole points when there are many; smaller chunks, never under 250 runs, when there are few."""
        assert chunk_size(10_000, 100, 2) == 10_000
        assert chunk_size(10_000, 1, 2) == 625
        assert chunk_size(100, 1, 8) == 100 and chunk_size(1000, 1, 8) == 250


def test_a_tcp_scheduler_without_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.sim.cluster import connect

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    with pytest.raises(ImpasseError, match=r"needs Dask: pip install 'impasse-engine\[cluster\]'"):
        connect("tcp://127.0.0.1:8786")
    with pytest.raises(ImpasseError, match="expected 'local' or tcp://HOST:PORT"):
        connect("127.0.0.1:8786")


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@pytest.mark.skipif(not HAS_DASK and os.environ.get("CI") != "true",
                    reason="Dask is not installed (pip install -e '.[cluster]'; .ci/run does)")
class TestDaskCluster:
    def test_a_sweep_on_two_workers_is_the_local_sweep(self, dask_client: Any) -> None:
        scenario, grid = load_scenario(SCENARIO), parse_vary(VARY)
        remote = _json(sweep(scenario, grid, 60, 3, client=dask_client, chunk=25))
        assert remote == _json(sweep(scenario, grid, 60, 3)) == _json(sweep(scenario, grid, 60, 3, workers=2))

    def test_an_ensemble_on_two_workers_is_the_local_ensemble(self, dask_client: Any) -> None:
        scenario = load_scenario(SCENARIO)
        remote = _json(simulate(scenario, 300, 1, client=dask_client, chunk=40))
        assert remote == _json(simulate(scenario, 300, 1)) == _json(simulate(scenario, 300, 1, workers=2, chunk=40))
