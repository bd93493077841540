"""``--scheduler local|tcp://HOST:PORT``, shared by ``impasse simulate`` and ``impasse sweep``.

Light to import: Dask is imported only when a ``tcp://`` scheduler is given (:mod:`engine.sim.cluster`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

__all__ = ["SCHEDULER", "connected"]

SCHEDULER = click.option(
    "--scheduler", default="local", show_default=True, metavar="local|tcp://HOST:PORT",
    help="Where runs go: 'local' processes (--workers), or the Dask scheduler at tcp://HOST:PORT (it and its "
         "workers need impasse installed: pip install 'impasse-engine[cluster]'). Same results either way.")


@contextmanager
def connected(scheduler: str) -> Iterator[Any]:
    """None for ``local``; else a Dask client of the scheduler, closed on the way out.

    Raises:
        ImpasseError: a malformed address, Dask missing, or no scheduler there (one line, exit 2).
    """
    if scheduler.strip() == "local":
        yield None
        return
    from engine.sim.cluster import connect

    client = connect(scheduler.strip())
    try:
        yield client
    finally:
        client.close()
