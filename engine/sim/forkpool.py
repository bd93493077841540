"""The local pool: this process and workers forked from it take tasks from one shared counter.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: with two workers on a 10,000-run ensemble it
was no faster than one process when measured (issue 19). Two workers were three processes: this one
sat waiting (yet shared the cores, unpickling results), each task was pickled to a worker, and the
pool was started for each ensemble. Here two workers are this process and one forked child: tasks
are not sent but taken, in order, from a counter in shared memory (a slow core takes fewer), the
child inherits this process's simulator (its scenario, prefix and memo) as it is, and each result
comes back once, with its task's index, for the caller to put in order: results never depend on
scheduling.

How the results come back: each child pickles a chunk's results and writes them on one pipe itself,
under a lock the children share, so that each arrives whole. A :class:`multiprocessing.Queue` would
hand them to a feeder thread, which then takes the GIL from the child's runs; and this process reads
them between its own tasks. Every process of the pool keeps the objects it started with frozen
(``gc.freeze()``) until the pool is done: no collection walks them. The caller makes the last chunks
smaller (:func:`engine.sim.pool.tapered`), so that neither process waits long for the other's last.

What remains is the step memo, which each process fills on its own: two processes that each run
half an ensemble each learn most of what one process running it all learns (the states a run meets
repeat across runs, so half the runs meet most of them): by instructions (callgrind), the two halves
cost 12.6 % more than the whole. Running ``warm`` tasks here before the fork gives the child a warmer
memo, but the other core waits for them, and the two then still learn what follows apart: it moves
that cost, it does not save it. No warm-up is the default. Measured side by side, each case in a
fresh process (``bench/bench_workers.py --repeat 7``, 10,000 runs of Cambodia 2013; figures in
``docs/performance.md``): one worker 1.66-1.70 s, two 0.90-0.92 s (1.84-1.86x in three runs); 1.60x
in an earlier run, when the host slowed the processes that used both its cores.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

from engine.sim.runs import RunResult
from engine.sim.tasks import Task, run_task

__all__ = ["fork_available", "run_forked"]

_POLL = 0.5  # seconds between looks at the children while waiting for their last results
_PIPE_SIZE = 1 << 20  # bytes the results' pipe holds (Linux): a child seldom waits for this process to read


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


def _child(counter: Any, writer: Connection, lock: Any, tasks: Sequence[Task]) -> None:
    # Each result is written here, in this thread, whole, under the lock the children share: a
    # multiprocessing.Queue would hand it to a feeder thread, which takes the GIL from the runs.
    try:
        while (i := _take(counter, len(tasks))) is not None:
            payload = pickle.dumps((i, run_task(tasks[i]), None), pickle.HIGHEST_PROTOCOL)
            with lock:
                writer.send_bytes(payload)
    except BaseException as exc:  # sent to the parent, which raises it
        with lock:
            writer.send_bytes(pickle.dumps((-1, None, f"{type(exc).__name__}: {exc}")))


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
    reader, writer = ctx.Pipe(duplex=False)
    _widen(writer)
    lock = ctx.Lock()
    children = [ctx.Process(target=_child, args=(counter, writer, lock, tasks), daemon=True)
                for _ in range(max(0, workers - 1))]
    # Children inherit this process's objects. Frozen, they stay out of the garbage collections of
    # every process of the pool, which would walk them, and in a child write to every one, copying
    # its pages (the gc.freeze() docs advise this before fork()). They thaw when the pool is done. A
    # caller's own frozen objects are left as they are.
    freeze = gc.isenabled() and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    left = total - warm
    try:
        for child in children:
            child.start()
        writer.close()  # the children's copies stay open: the pipe reads as closed once they have all ended
        while (mine := _take(counter, total)) is not None:
            yield mine, run_task(tasks[mine])
            left -= 1
            while left and reader.poll():  # what the children finished meanwhile
                yield _received(reader, children)
                left -= 1
        while left:
            if reader.poll(_POLL):
                yield _received(reader, children)
                left -= 1
    finally:
        if freeze:
            gc.unfreeze()
        for child in children:
            if child.is_alive() and left:
                child.terminate()
            child.join()
        reader.close()
        if not writer.closed:
            writer.close()


def _widen(pipe: Connection) -> None:
    """Let the pipe hold more than the default 64 KiB (about four chunks' results), where the system allows."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: the default works, children may wait
        pass


def _received(reader: Connection, children: list[Any]) -> tuple[int, list[RunResult]]:
    """The next result the children sent; a worker's error, or the end of them all, raised."""
    try:
        i, found, error = pickle.loads(reader.recv_bytes())
    except EOFError:  # every child has closed its end of the pipe: they all ended, some results unsent
        for child in children:
            child.join()
        codes = [child.exitcode for child in children]
        msg = f"a worker process ended before sending its results (exit codes {codes})"
        raise RuntimeError(msg) from None
    if error is not None or found is None:
        msg = f"a worker process failed: {error}"
        raise RuntimeError(msg)
    return i, found
