"""The local pool: this process and forked children take tasks from one counter; results come back by index."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest

from engine.files.scenarios import load_scenario
from engine.sim import forkpool
from engine.sim.ensemble import simulate
from engine.sim.pool import chunked
from engine.sim.tasks import Task, job_for, run_task

pytestmark = pytest.mark.skipif(not forkpool.fork_available(), reason="this platform cannot fork")


def _tasks(runs: int = 24, size: int = 4) -> list[Task]:
    job = job_for(load_scenario("scenarios/cambodia-2013.yaml"))
    return [Task(job, 3, tuple(part)) for part in chunked(runs, size)]


def test_every_task_comes_back_once_from_some_process() -> None:
    tasks = _tasks()
    found = dict(forkpool.run_forked(tasks, 3))
    assert sorted(found) == list(range(len(tasks)))
    assert [found[i] for i in range(len(tasks))] == [run_task(t) for t in tasks]


def test_many_children_writing_at_once_lose_nothing() -> None:
    """Six children send their chunks on one pipe, under one lock: each arrives whole, once (chunks of
    40 runs are about 3 KB each, so several children's results wait in the pipe at a time)."""
    tasks = _tasks(480, 40)
    found = dict(forkpool.run_forked(tasks, 7))
    assert [found[i] for i in range(len(tasks))] == [run_task(t) for t in tasks]


@pytest.mark.parametrize("warm", [0, 1, 100])
def test_warm_tasks_run_here_first(warm: int) -> None:
    """The first ``warm`` tasks come back first, in order, run before any fork (all of them if there are fewer)."""
    tasks = _tasks()
    order = [i for i, _ in forkpool.run_forked(tasks, 2, warm=warm)]
    assert order[:min(warm, len(tasks))] == list(range(min(warm, len(tasks))))
    assert sorted(order) == list(range(len(tasks)))


def test_a_failing_child_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    """A task that fails in a child raises here, naming the error; the children are gone afterwards."""
    parent = os.getpid()

    def failing(task: Task) -> Any:
        if os.getpid() != parent:
            msg = "boom in a child"
            raise ValueError(msg)
        return run_task(task)

    monkeypatch.setattr(forkpool, "run_task", failing)
    with pytest.raises(RuntimeError, match="ValueError: boom in a child"):
        list(forkpool.run_forked(_tasks(200, 1), 2))
    assert multiprocessing.active_children() == []


def test_a_child_that_dies_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def dying(task: Task) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return run_task(task)

    monkeypatch.setattr(forkpool, "run_task", dying)
    with pytest.raises(RuntimeError, match=r"ended before sending its results \(exit codes \[3\]\)"):
        list(forkpool.run_forked(_tasks(200, 1), 2))


def test_simulate_on_the_pool_is_the_single_process_ensemble() -> None:
    scenario = load_scenario("scenarios/cambodia-2013.yaml")
    assert simulate(scenario, 50, 9, workers=3, chunk=6).results == simulate(scenario, 50, 9).results
