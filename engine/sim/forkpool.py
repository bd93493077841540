"""The local pool: this process and workers forked from it take tasks from one shared counter.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: with two workers on a 10,000-run ensemble it
was no faster than one process when measured (issue 19). Two workers were three processes: this one
sat waiting (yet shared the cores, unpickling results), each task was pickled to a worker, and the
pool was started for each ensemble. Here two workers are this process and one forked child: tasks
are not sent but taken, in order, from a counter in shared memory (a slow core takes fewer), the
child inherits this process's simulator (its scenario, prefix and memo) as it is, and each result
comes back once, with its task's index, for the caller to put in order: results never depend on
scheduling.

What remains is the step memo, which each process fills on its own: two processes that each run
half an ensemble each learn most of what one process running it all learns (the states a run meets
repeat across runs, so half the runs meet most of them). Running ``warm`` tasks here before the fork
gives the child a warmer memo, but the other core waits for them, and the two then still learn what
follows apart. Measured side by side on a quiet 2-core machine, each case in a fresh process
(``bench/bench_workers.py --repeat 5``, 10,000 runs of Cambodia 2013): one worker 1.65 s; two forked
at once 1.07 s (1.55x; 2.08 s of CPU in all); two after one warm task 1.17 s (1.41x; 2.23 s). No
warm-up is the default.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Iterator, Sequence
from typing import Any

from engine.sim.runs import RunResult
from engine.sim.tasks import Task, run_task

__all__ = ["fork_available", "run_forked"]

_POLL = 0.5  # seconds between looks at the children while waiting for their last results


def fork_available() -> bool:
    """Whether this platform can fork (Linux, and macOS, whose default is to spawn)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _take(counter: Any, total: int) -> int | None:
    with counter.get_lock():
        i = counter.value
        if i >= total:
            return None
        counter.value = i + 1
        return i


def _child(counter: Any, results: Any, tasks: Sequence[Task]) -> None:
    try:
        while (i := _take(counter, len(tasks))) is not None:
            results.put((i, run_task(tasks[i]), None))
    except BaseException as exc:  # sent to the parent, which raises it
        results.put((-1, None, f"{type(exc).__name__}: {exc}"))


def run_forked(tasks: Sequence[Task], workers: int, *, warm: int = 0) -> Iterator[tuple[int, list[RunResult]]]:
    """Each task's index and results, as they finish, from this process and ``workers - 1`` forked ones.

    The first ``warm`` tasks run here before any fork. Closing the iterator early stops the children.

    Raises:
        RuntimeError: a worker failed (with its error) or died.
    """
    total = len(tasks)
    warm = min(max(warm, 0), total)
    for i in range(warm):
        yield i, run_task(tasks[i])
    if warm == total:
        return
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("q", warm)
    results = ctx.Queue()
    children = [ctx.Process(target=_child, args=(counter, results, tasks), daemon=True)
                for _ in range(max(0, workers - 1))]
    # Children inherit this process's objects. Frozen, they stay out of the children's garbage
    # collections, which would walk them and write to every one, copying their pages (the gc.freeze()
    # docs advise this before fork()). A caller's own frozen objects are left as they are.
    freeze = gc.isenabled() and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        for child in children:
            child.start()
    finally:
        if freeze:
            gc.unfreeze()
    left = total - warm
    try:
        while (mine := _take(counter, total)) is not None:
            yield mine, run_task(tasks[mine])
            left -= 1
            while left and not results.empty():  # what the children finished meanwhile
                yield _received(results.get())
                left -= 1
        while left:
            try:
                item = results.get(timeout=_POLL)
            except queue.Empty:
                dead = [c.exitcode for c in children if not c.is_alive()]
                if len(dead) == len(children):
                    msg = f"a worker process ended before sending its results (exit codes {dead})"
                    raise RuntimeError(msg) from None
                continue
            yield _received(item)
            left -= 1
    finally:
        for child in children:
            if child.is_alive() and left:
                child.terminate()
            child.join()
        results.close()


def _received(item: tuple[int, list[RunResult] | None, str | None]) -> tuple[int, list[RunResult]]:
    i, found, error = item
    if error is not None or found is None:
        msg = f"a worker process failed: {error}"
        raise RuntimeError(msg)
    return i, found
