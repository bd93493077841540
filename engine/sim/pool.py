"""The executors of an ensemble: chunks of runs, where tasks run, and a caller's own executor.

:func:`run_tasks` runs :class:`~engine.sim.tasks.Task` lists here, on the local forked pool
(:mod:`engine.sim.forkpool`), on a Dask cluster (:mod:`engine.sim.cluster`) or, where a platform
cannot fork, on a :class:`~concurrent.futures.ProcessPoolExecutor`. :func:`run_chunks` serves a
caller's own executor, whose workers ran :func:`init_worker`. Results are put in task order, so they
never depend on scheduling.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from engine.files.scenarios import load_scenario
from engine.sim.forkpool import fork_available, run_forked
from engine.sim.runs import RunResult
from engine.sim.simulator import Simulator
from engine.sim.tasks import Task, run_task

__all__ = ["TAIL_CHUNK", "WORKERS_PER_CORE", "chunked", "in_order", "init_worker", "local_workers", "max_workers",
           "run_chunks", "run_tasks", "tapered"]

#: The fewest runs in a chunk that :func:`tapered` makes near the end of the work (fewer only when
#: fewer are left): about 5 ms of runs, where sending a task and its results costs a tenth of a millisecond.
TAIL_CHUNK = 25

#: The most worker processes a local pool starts per CPU core: more only take turns on the same
#: cores, each holding its own simulator in memory (``impasse simulate --workers`` says so too).
WORKERS_PER_CORE = 4

# worker-process state: one Simulator per process, built by the initializer
_WORKER: dict[str, Simulator] = {}
# the simulator of the process that starts a local pool, keyed by what the workers are asked to
# build: a worker forked from that process finds it here instead of loading the scenario again
_PARENT: dict[tuple[str, tuple[str, ...] | None], Simulator] = {}


def init_worker(path: str, interpretations: tuple[str, ...] | None) -> None:
    """Build this process's simulator of the scenario at ``path``, judged by ``interpretations``.

    Run it in every worker of an executor given to :func:`engine.sim.ensemble.simulate` (as the
    executor's initializer, say), with the scenario's path and the readings (None: the scenario's).
    """
    inherited = _PARENT.get((path, interpretations))
    _WORKER["sim"] = inherited if inherited is not None else Simulator(load_scenario(path), interpretations)


def _run_chunk(seed: int, indices: list[int]) -> list[RunResult]:
    sim = _WORKER["sim"]
    return [sim.run(seed, i) for i in indices]


def max_workers() -> int:
    """The most worker processes a local pool starts on this machine: :data:`WORKERS_PER_CORE` per core."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def local_workers(workers: int, chunks: int) -> int:
    """How many processes a local pool starts for ``chunks`` chunks when asked for ``workers``: no
    more than there are chunks to run (five runs are one chunk), nor than :func:`max_workers`."""
    return max(1, min(workers, chunks, max_workers()))


def chunked(runs: int, size: int) -> list[list[int]]:
    """The run indices ``0 .. runs - 1`` in consecutive chunks of ``size`` (the last may be shorter)."""
    indices = list(range(runs))
    return [indices[i:i + size] for i in range(0, runs, size)]


def tapered(runs: int, size: int, workers: int, *, after: int = 0) -> list[list[int]]:
    """The run indices ``0 .. runs - 1`` in consecutive chunks of ``size`` that shrink near the end.

    With several workers taking chunks as they come free, the last chunk taken decides when the
    work ends: the others wait for it. So once what is left (these runs, and ``after`` runs of tasks
    that come after them: a sweep's later points) is less than ``2 * workers`` chunks, each chunk is
    a ``2 * workers``-th of what is left, down to :data:`TAIL_CHUNK` runs (guided self-scheduling).
    One worker gets :func:`chunked`'s chunks. Chunks change no result, only when each is known.
    """
    if workers <= 1:
        return chunked(runs, size)
    chunks: list[list[int]] = []
    start = 0
    while start < runs:
        left = runs - start + after
        n = min(size, runs - start, max(TAIL_CHUNK, -(-left // (2 * workers))))
        chunks.append(list(range(start, start + n)))
        start += n
    return chunks


def run_chunks(sim: Simulator, interpretations: tuple[str, ...] | None, seed: int, chunks: Sequence[list[int]], *,
               workers: int, executor: Executor | None = None,
               progress: Callable[[int], None] | None = None) -> list[RunResult]:
    """The results of every chunk's runs, in order, from ``executor`` or else a local pool of ``workers``
    (at most :func:`local_workers`).

    A local pool's workers are forked from this process and take ``sim`` as it is (it was built from
    ``sim.scenario.path`` with ``interpretations``) instead of loading the scenario again.
    """
    results: list[RunResult] = []
    # Forked workers inherit this process's objects. Frozen, they stay out of the workers'
    # garbage collections, which would otherwise walk them and write to every one (copying
    # their pages). This is what the gc.freeze() docs advise before fork(). Not done when the
    # caller has frozen objects of its own: unfreezing afterwards would release theirs.
    frozen = executor is None and gc.isenabled() and gc.get_freeze_count() == 0
    if executor is None:
        _PARENT.clear()
        _PARENT[(sim.scenario.path, interpretations)] = sim
    pool = executor or ProcessPoolExecutor(max_workers=local_workers(workers, len(chunks)), initializer=init_worker,
                                           initargs=(sim.scenario.path, interpretations))
    if frozen:
        gc.freeze()
    try:
        futures = [pool.submit(_run_chunk, seed, part) for part in chunks]
        done = 0
        for future in futures:  # in submission order: results never depend on scheduling
            chunk_results = future.result()
            results.extend(chunk_results)
            done += len(chunk_results)
            if progress:
                progress(done)
    finally:
        if frozen:
            gc.unfreeze()
        if executor is None:
            pool.shutdown()
            _PARENT.clear()
    return results


def run_tasks(tasks: Sequence[Task], *, workers: int = 1, client: Any = None,
              warm: int = 0) -> Iterator[tuple[int, list[RunResult]]]:
    """Each task's index and results, as they finish: on the Dask cluster of ``client`` if given, else in
    this process (one worker or one task), else on :func:`local_workers` local processes, of which
    this process is one and the others are forked after it ran the first ``warm`` tasks (none by default;
    see :mod:`engine.sim.forkpool`)."""
    if client is not None:
        from engine.sim.cluster import run_on_client

        yield from run_on_client(client, tasks)
        return
    count = local_workers(workers, len(tasks))
    if count <= 1:
        for i, task in enumerate(tasks):
            yield i, run_task(task)
    elif fork_available():
        yield from run_forked(tasks, count, warm=warm)
    else:  # spawned workers: each task carries its scenario
        with ProcessPoolExecutor(max_workers=count) as spawned:
            yield from enumerate(spawned.map(run_task, tasks))


def in_order(found: Iterator[tuple[int, list[RunResult]]], total: int,
             progress: Callable[[int], None] | None = None) -> list[RunResult]:
    """The results of ``total`` tasks, found in any order, in task order; ``progress`` gets the runs done."""
    parts: list[list[RunResult] | None] = [None] * total
    done = 0
    for i, results in found:
        parts[i] = results
        done += len(results)
        if progress:
            progress(done)
    return [r for part in parts for r in part or ()]
