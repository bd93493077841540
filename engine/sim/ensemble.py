"""Seeded stochastic ensembles: :func:`simulate` runs a scenario's uncertain elements many times.

Each run draws from its own generator, ``random.Random(f"impasse:{seed}:{index}")``, so a run's
result depends only on the seed and its index, never on scheduling: any number of workers gives
the same ensemble. A run is SimPy processes that *generate* events (members defecting from a
boycott, talks that succeed) beside the recorded ones (possibly delayed, moved or dropped), all fed
through the same :func:`engine.timeline.machine.transition` as replay (:mod:`engine.sim.runs`). Events
that cannot happen in a run's history (a vote after a sitting that did not take place) are skipped.

The recorded prefix before the first uncertain element is replayed once, and every run starts
from that snapshot (:mod:`engine.sim.simulator`); runs go to worker processes in chunks
(:mod:`engine.sim.pool`), and their results are summed up in an :class:`Ensemble`
(:mod:`engine.sim.stats`). The names those modules own are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from engine.files.scenarios import Scenario
from engine.sim.pool import chunked, in_order, init_worker, local_workers, run_chunks, run_tasks, tapered
from engine.sim.runs import RunResult
from engine.sim.simulator import Simulator
from engine.sim.stats import Ensemble, Interval, wilson
from engine.sim.tasks import Task, job_for, register, unregister

__all__ = ["Ensemble", "Interval", "RunResult", "Simulator", "init_worker", "simulate", "wilson"]

_init_worker = init_worker  # its name before it was public, which docs/simulation.md told executors to run


def simulate(scenario: Scenario, runs: int, seed: int, *, workers: int = 1,
             interpretations: Sequence[str] | None = None, executor: Executor | None = None,
             progress: Callable[[int], None] | None = None, chunk: int = 250, client: Any = None,
             warm: int = 0) -> Ensemble:
    """Run an ensemble of ``runs`` seeded runs.

    Args:
        scenario: a scenario with an ``uncertain:`` section (without one every run is the replay).
        runs: how many runs.
        seed: the ensemble's seed; run ``i`` draws from ``Random(f"impasse:{seed}:{i}")``.
        workers: processes to use (1: in this process); a local pool starts no more than there are
            chunks of runs, nor than :data:`~engine.sim.pool.WORKERS_PER_CORE` per core.
        interpretations: readings to judge instead of the scenario's.
        executor: any :class:`concurrent.futures.Executor` whose workers were initialised with
            :func:`~engine.sim.pool.init_worker`; default: the local pool.
        progress: called with the number of runs finished so far.
        chunk: runs per task sent to a worker (the last tasks, when there are several workers, fewer:
            :func:`~engine.sim.pool.tapered`).
        client: a Dask ``distributed.Client`` (:func:`engine.sim.cluster.connect`): runs go to its
            cluster, whose workers need no initialisation.
        warm: tasks this process runs before it forks the other local workers, which inherit its memo
            (:mod:`engine.sim.forkpool` says why none is the default).

    Returns:
        The :class:`Ensemble`, identical for the same seed whatever ``workers`` is.
    """
    interps = tuple(interpretations) if interpretations else None
    sim = Simulator(scenario, interps)  # validates, and serves the single-process case
    results: list[RunResult]
    if executor is not None:
        results = run_chunks(sim, interps, seed, chunked(runs, chunk), workers=workers, executor=executor,
                             progress=progress)
        return Ensemble(scenario.id, seed, sim.readings, tuple(results))
    if client is not None:
        from engine.sim.cluster import worker_count

        count = worker_count(client)
    else:
        count = local_workers(workers, -(-runs // chunk))
    chunks = tapered(runs, chunk, count)  # the last chunks smaller: no worker waits long for the others
    job = job_for(scenario, interps)
    register(job, sim)  # this process, and the workers forked from it, run with this simulator
    try:
        tasks = [Task(job, seed, tuple(part)) for part in chunks]
        results = in_order(run_tasks(tasks, workers=workers, client=client, warm=warm), len(tasks), progress)
    finally:
        unregister(job)
    return Ensemble(scenario.id, seed, sim.readings, tuple(results))
