"""A writer process for the kill and concurrency tests (run as a script, not collected by pytest).

``loop STORE STREAM``: append batches of 1–3 events forever, each with the expected version, and
print every acknowledged version on its own line, flushed, the moment ``append`` returns.

``contend STORE STREAM WRITER BATCHES GO``: wait for the file GO, then append BATCHES batches of
three events tagged ``WRITER.batch.i``; on a stale version, read the version again and retry.
Prints ``ok BATCH FIRST LAST`` per batch landed and ``stale`` per refusal.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from typing import TextIO

from engine.errors import StaleVersionError
from engine.store.opening import open_store
from engine.timeline.events import TalksHeld


def _event(day: int, note: str) -> TalksHeld:
    return TalksHeld(at=date(2013, 9, 1) + timedelta(days=day % 60), source=("writer",), parties=("A", "B"),
                     note=note)


def loop(path: str, stream: str, out: TextIO = sys.stdout) -> None:
    """Append forever; each event's note is the version it is written as."""
    store = open_store(path, create=True)
    version = store.version(stream)
    print("ready", file=out, flush=True)
    rng = random.Random(os.getpid())
    while True:
        batch = [_event(version + i, f"{version + i + 1}") for i in range(rng.randint(1, 3))]
        version = store.append(stream, batch, version)
        print(version, file=out, flush=True)


def contend(path: str, stream: str, writer: str, batches: int, go: str) -> None:
    store = open_store(path)
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    for b in range(batches):
        while True:
            version = store.version(stream)
            batch = [_event(b, f"{writer}.{b}.{i}") for i in range(3)]
            try:
                last = store.append(stream, batch, version)
            except StaleVersionError:
                print("stale", flush=True)
                continue
            print(f"ok {b} {last - 2} {last}", flush=True)
            break


if __name__ == "__main__":
    if sys.argv[1] == "loop":
        loop(sys.argv[2], sys.argv[3])
    else:
        contend(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
