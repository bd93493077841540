"""The executors: chunks of runs, and a caller's own executor in place of the local pool."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from engine.files.scenarios import load_scenario
from engine.sim import ensemble
from engine.sim.pool import chunked, init_worker


def test_chunks_cover_every_run_once_in_order() -> None:
    assert chunked(10, 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert chunked(3, 250) == [[0, 1, 2]] and chunked(0, 5) == []


def test_a_callers_executor_gives_the_same_ensemble() -> None:
    """An executor whose workers ran init_worker (as docs/simulation.md tells a cluster's to) gives the
    ensemble the local pool and a single process give; the earlier name of init_worker still works."""
    scenario = load_scenario("scenarios/cambodia-2013.yaml")
    with ProcessPoolExecutor(max_workers=2, initializer=init_worker, initargs=(scenario.path, None)) as pool:
        theirs = ensemble.simulate(scenario, 30, 4, executor=pool, chunk=8)
    assert theirs.results == ensemble.simulate(scenario, 30, 4).results
    assert ensemble._init_worker is init_worker
