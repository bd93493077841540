"""Ensembles and sweeps on an existing Dask distributed cluster (the optional extra ``cluster``).

Dask is imported only when a ``tcp://`` scheduler is asked for: the local default never loads it.
Every task carries its scenario (:mod:`engine.sim.tasks`), so the cluster's workers need the engine
installed and nothing else. Results are gathered in task order, so a cluster gives byte-for-byte the
output of the local pool.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from engine.errors import ImpasseError
from engine.sim.runs import RunResult
from engine.sim.tasks import Task, run_task

__all__ = ["connect", "run_on_client", "worker_count"]

_ADDRESS = re.compile(r"tcp://[^\s/:]+:[0-9]{1,5}")
_NEEDS = "pip install 'impasse-engine[cluster]'"


def connect(address: str, timeout: float = 10.0) -> Any:
    """A Dask ``distributed.Client`` of the scheduler at ``address`` (``tcp://HOST:PORT``).

    Raises:
        ImpasseError: the address is malformed, Dask is not installed, or no scheduler answers.
    """
    if not _ADDRESS.fullmatch(address):
        msg = f"--scheduler: expected 'local' or tcp://HOST:PORT (got {address!r})"
        raise ImpasseError(msg)
    try:
        # an optional extra, often not installed where the types are checked: both cases pass
        from distributed import Client  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        msg = f"--scheduler {address} needs Dask: {_NEEDS}"
        raise ImpasseError(msg) from None
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        msg = f"--scheduler {address}: no Dask scheduler answered ({reason})"
        raise ImpasseError(msg) from None


def worker_count(client: Any) -> int:
    """How many tasks the cluster runs at once (its workers' threads), at least 1."""
    return max(1, sum(client.nthreads().values()))


def run_on_client(client: Any, tasks: Sequence[Task]) -> Iterator[tuple[int, list[RunResult]]]:
    """Each task's index and results, in task order, run on the cluster of ``client``."""
    # pure=False: no hashing of every task's scenario to name it; equal tasks would give equal results anyway
    futures = client.map(run_task, list(tasks), pure=False)
    try:
        for i, future in enumerate(futures):
            try:
                found = future.result()
            except ImpasseError:
                raise
            except Exception as exc:  # the cluster's failure (a worker without impasse, a lost worker): one line
                reason = " ".join(str(exc).split()) or type(exc).__name__
                msg = (f"--scheduler: the cluster could not run the task ({type(exc).__name__}: {reason}); its "
                       f"scheduler and workers all need impasse installed: {_NEEDS}")
                raise ImpasseError(msg) from None
            yield i, found
    finally:
        client.cancel(futures)
