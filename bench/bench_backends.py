"""The two storages side by side: SQLite and PostgreSQL, the same appends and reads.

Run from the repository root (needs ``pip install -e '.[postgres]'`` and PostgreSQL's binaries):

    python bench/bench_backends.py                    # 100,000 events; starts a throwaway server
    python bench/bench_backends.py --url postgresql://desk@db.example/bench   # a server of yours

It prints figures, it asserts nothing. Without ``--url`` the server is the tests' own (initdb and
pg_ctl in a temporary folder, a unix socket, default settings: ``synchronous_commit = on``, so each
commit waits for its WAL flush, as SQLite's ``synchronous = FULL`` does).

Phases, per storage:

* append, batches — the stream written in batches of ``--batch`` events, one transaction each;
* append, one event — 300 single-event appends, each its own transaction and flush;
* read — every event of the stream read back as an ``Event``;
* writers — ``--writers`` processes appending one event at a time to one stream, with expected
  versions, retrying when refused, for ``--seconds``: events landed per second, and refusals.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.errors import StaleVersionError  # noqa: E402
from engine.store.opening import open_store  # noqa: E402
from engine.timeline.events import TalksHeld  # noqa: E402


def _event(i: int, note: str = "") -> TalksHeld:
    return TalksHeld(at=date(2013, 9, 1) + timedelta(days=i % 365), source=("bench",), parties=("A", "B"),
                     note=note or None)


def _writer(location: str, name: str, seconds: float, out: multiprocessing.Queue) -> None:
    store = open_store(location)
    landed = stale = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        version = store.version("w")
        try:
            store.append("w", [_event(version, f"{name}.{landed}")], version)
            landed += 1
        except StaleVersionError:
            stale += 1
    store.close()
    out.put((landed, stale))


def measure(location: str, events: int, batch: int, writers: int, seconds: float) -> dict[str, str]:
    figures = {}
    with open_store(location, create=True) as store:
        stream = [_event(i) for i in range(events)]
        start = time.perf_counter()
        for i in range(0, events, batch):
            store.append("big", stream[i:i + batch])
        figures["append, batches"] = _rate(events, time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(300):
            store.append("small", [_event(i)])
        figures["append, one event"] = _rate(300, time.perf_counter() - start)
        start = time.perf_counter()
        count = sum(1 for _ in store.read("big"))
        figures["read"] = _rate(count, time.perf_counter() - start)
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_writer, args=(location, str(n), seconds, out)) for n in range(writers)]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    landed, stale = sum(r[0] for r in results), sum(r[1] for r in results)
    with open_store(location) as store:
        assert store.version("w") == landed and store.verify() == ()  # a benchmark that lost events measures nothing
    figures[f"{writers} writers, one event each"] = (f"{landed / seconds:,.0f} events/s landed, "
                                                     f"{stale / seconds:,.0f} refusals/s (retried)")
    return figures


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} events/s ({seconds:.2f} s for {n:,})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--url", help="a PostgreSQL database to use (default: start a throwaway server)")
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        from tests.pg_server import start

        server = start()
        url = server.url()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name, location in (("SQLite", str(Path(folder) / "bench.db")), ("PostgreSQL", url)):
                print(f"{name}:")
                for what, figure in measure(location, args.events, args.batch, args.writers, args.seconds).items():
                    print(f"  {what:<28} {figure}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
