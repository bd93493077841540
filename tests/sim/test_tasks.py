"""Tasks: what a worker needs travels with the task; each thread holds its own simulators."""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import attrs

from engine.files.scenarios import load_scenario
from engine.sim.grid import parse_vary
from engine.sim.pool import chunked
from engine.sim.tasks import Task, forget, job_for, run_task, simulator_for

SCENARIO = "scenarios/cambodia-2013.yaml"


def test_a_task_travels_and_runs_the_same_elsewhere() -> None:
    """Pickled (as a cluster sends it) and run in a fresh simulator, a task gives the same results."""
    point = parse_vary(["uncertain.talks.CPP+CNRP.weekly=0.1"]).points()[0]
    task = Task(job_for(load_scenario(SCENARIO), None, point), f"1:{point.label}", (0, 1, 2, 3))
    here = run_task(task)
    forget()
    assert run_task(pickle.loads(pickle.dumps(task))) == here


def test_the_key_tells_scenarios_apart_not_paths() -> None:
    """Two jobs of one file are one job; an edited scenario under the same path is another."""
    scenario = load_scenario(SCENARIO)
    edited = attrs.evolve(scenario, title="edited")
    assert job_for(scenario).key == job_for(load_scenario(SCENARIO)).key
    assert job_for(edited).key != job_for(scenario).key


def test_each_thread_holds_its_own_simulators() -> None:
    """A Dask worker may run tasks in several threads: they never share a simulator or its memo."""
    job = job_for(load_scenario(SCENARIO))
    mine = simulator_for(job)
    theirs: list[object] = []
    thread = threading.Thread(target=lambda: theirs.append(simulator_for(job)))
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not mine and simulator_for(job) is mine
    forget()


def test_tasks_run_in_threads_give_the_serial_results() -> None:
    job = job_for(load_scenario(SCENARIO))
    tasks = [Task(job, 5, tuple(part)) for part in chunked(40, 5)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(run_task, tasks))
    assert threaded == [run_task(t) for t in tasks]
    forget()
