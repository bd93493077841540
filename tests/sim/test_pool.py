"""The executors: chunks of runs, and a caller's own executor in place of the local pool."""

from __future__ import annotations

import itertools
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from engine.cli import variants
from engine.cli.main import cli
from engine.files.scenarios import load_scenario
from engine.sim import ensemble, pool
from engine.sim.pool import TAIL_CHUNK, WORKERS_PER_CORE, chunked, init_worker, local_workers, max_workers, tapered


def test_chunks_cover_every_run_once_in_order() -> None:
    assert chunked(10, 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert chunked(3, 250) == [[0, 1, 2]] and chunked(0, 5) == []


def test_tapered_chunks_shrink_near_the_end() -> None:
    """Two workers, 10,000 runs of 250: full chunks until fewer than four are left, then a quarter of
    what is left each time, down to 25 runs; one worker gets plain chunks."""
    sizes = [len(c) for c in tapered(10_000, 250, 2)]
    assert sizes[:37] == [250] * 37
    assert sizes[37:] == [188, 141, 106, 79, 59, 45, 33, 25, 25, 25, 24]
    assert tapered(10_000, 250, 1) == chunked(10_000, 250)
    # runs of later tasks count as left: a sweep's first points keep whole chunks
    assert [len(c) for c in tapered(1000, 500, 2, after=1000)] == [500, 375, 125]
    assert [len(c) for c in tapered(1000, 500, 2, after=10_000)] == [500, 500]


@given(runs=st.integers(0, 3000), size=st.integers(1, 600), workers=st.integers(1, 9), after=st.integers(0, 5000))
def test_tapered_chunks_cover_every_run_once_in_order(runs: int, size: int, workers: int, after: int) -> None:
    chunks = tapered(runs, size, workers, after=after)
    assert [i for c in chunks for i in c] == list(range(runs))
    assert all(0 < len(c) <= size for c in chunks)
    # every chunk but the last is at least TAIL_CHUNK runs (or the size, if smaller), and they never grow
    assert all(len(c) >= min(size, TAIL_CHUNK) for c in chunks[:-1])
    assert all(len(a) >= len(b) for a, b in itertools.pairwise(chunks))


def test_a_callers_executor_gives_the_same_ensemble() -> None:
    """An executor whose workers ran init_worker (as docs/simulation.md tells a cluster's to) gives the
    ensemble the local pool and a single process give; the earlier name of init_worker still works."""
    scenario = load_scenario("scenarios/cambodia-2013.yaml")
    with ProcessPoolExecutor(max_workers=2, initializer=init_worker, initargs=(scenario.path, None)) as pool:
        theirs = ensemble.simulate(scenario, 30, 4, executor=pool, chunk=8)
    assert theirs.results == ensemble.simulate(scenario, 30, 4).results
    assert ensemble._init_worker is init_worker


class _Recording:
    """A stand-in for ProcessPoolExecutor that runs tasks here and records how many workers it was asked for."""

    started: list[int] = []  # noqa: RUF012 (a record shared by the instances of one test)

    def __init__(self, max_workers: int, initializer: Any, initargs: tuple[Any, ...]) -> None:
        self.started.append(max_workers)
        initializer(*initargs)

    def submit(self, fn: Any, *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self) -> None:
        pass


def _recording_forks(forked: list[int]) -> Any:
    """A stand-in for run_forked that runs the tasks here and records how many workers it was asked for."""

    def run(tasks: Any, workers: int, *, warm: int = 0) -> Any:
        forked.append(workers)
        return ((i, pool.run_task(task)) for i, task in enumerate(tasks))

    return run


class TestWorkers:
    """Workers capped at a multiple of the cores, and started no more than the runs need (issue 17)."""

    def test_local_workers(self) -> None:
        assert local_workers(100_000, 1) == 1
        assert local_workers(3, 10) == min(3, max_workers())
        assert local_workers(10**6, 10**6) == max_workers() == WORKERS_PER_CORE * (os.cpu_count() or 1)
        assert local_workers(0, 0) == 1

    def test_five_runs_start_no_pool(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--workers 100000 for five runs started thousands of processes; one chunk now runs here."""
        forked: list[int] = []
        monkeypatch.setattr(pool, "run_forked", _recording_forks(forked))
        scenario = load_scenario("scenarios/cambodia-2013.yaml")
        ens = ensemble.simulate(scenario, 5, 1, workers=100_000)
        assert forked == [] and ens.results == ensemble.simulate(scenario, 5, 1).results

    def test_pool_no_larger_than_the_chunks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        forked: list[int] = []
        monkeypatch.setattr(pool, "run_forked", _recording_forks(forked))
        scenario = load_scenario("scenarios/cambodia-2013.yaml")
        ens = ensemble.simulate(scenario, 12, 1, workers=100_000, chunk=4)
        assert forked == [min(3, max_workers())]
        assert ens.results == ensemble.simulate(scenario, 12, 1).results

    def test_command_line_cap(self, runner: CliRunner) -> None:
        """The command refuses more than the cap, in one line, and its help says what the cap is."""
        assert max_workers() == variants.MAX_WORKERS and WORKERS_PER_CORE == variants.PER_CORE
        result = runner.invoke(cli, ["simulate", "scenarios/cambodia-2013.yaml", "--runs", "5", "--workers", "100000"])
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert f"100000 is not in the range 1<=x<={max_workers()}" in line
        helped = runner.invoke(cli, ["simulate", "--help"]).stdout
        assert f"at most {WORKERS_PER_CORE} per CPU core ({max_workers()} here)" in " ".join(helped.split())
