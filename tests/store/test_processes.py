"""Processes against one store, on each storage: writers killed with SIGKILL at random moments, and
two processes appending to one stream at once. No acknowledged event lost, none duplicated.

The writers run ``tests/store/store_writer.py``: forked from this process for the kill loop (cheaper
than a new interpreter), fresh interpreters for the slow variants and for contention.
"""

from __future__ import annotations

import gc
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from engine.store.opening import open_store
from tests.postgres import PostgresDatabase

WRITER = str(Path(__file__).with_name("store_writer.py"))
ROOT = Path(__file__).resolve().parents[2]

slow = pytest.mark.skipif(os.environ.get("IMPASSE_SLOW_TESTS") != "1",
                          reason="slow: run with IMPASSE_SLOW_TESTS=1")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new store goes: a SQLite file, or a PostgreSQL schema of its own (made here)."""
    if request.param == "sqlite":
        path = str(tmp_path / "s.db")
    else:
        database: PostgresDatabase = request.getfixturevalue("postgres")
        path = database.url()
    open_store(path, create=True).close()
    return path


def _spawn(*args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, WRITER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line == "ready\n", proc.stderr.read()  # type: ignore[union-attr]
    return proc


def _fork_writer(path: str) -> tuple[int, Any]:
    """Fork this process into a writer running ``store_writer.loop``."""
    from tests.store import store_writer

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: append until killed, never return into pytest
        try:
            # the child shares this process's open database connections: no garbage collection, so that
            # no finalizer closes one of them under the parent's feet
            gc.disable()
            os.close(read_end)
            store_writer.loop(path, "s", os.fdopen(write_end, "w"))
        finally:
            os._exit(1)
    os.close(write_end)
    out = os.fdopen(read_end)
    assert out.readline() == "ready\n"
    return pid, out


def _check_after_kill(path: str, output: str, acknowledged: int) -> int:
    lines = output.split("\n")[:-1]  # the last piece may be a line cut off by the kill
    if lines:
        acknowledged = max(acknowledged, int(lines[-1]))
    with open_store(path) as store:
        assert store.verify() == ()
        records = list(store.history("s"))
    assert [r.version for r in records] == list(range(1, len(records) + 1))
    assert len(records) >= acknowledged
    # every event says which version it was written as: none lost, none changed
    assert all(json.loads(r.payload)["note"] == str(r.version) for r in records)
    return acknowledged


def test_killed_writers_lose_nothing_acknowledged(location: str) -> None:
    """A writer process killed with SIGKILL at random moments, 30 times: each time the store opens,
    verifies, and holds every event whose append returned."""
    rng = random.Random(4)
    acknowledged = 0
    for _ in range(30):
        pid, out = _fork_writer(location)
        time.sleep(rng.uniform(0.0, 0.1))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        acknowledged = _check_after_kill(location, out.read(), acknowledged)
        out.close()
    assert acknowledged > 30


@slow
def test_killed_writers_many_times(location: str) -> None:
    """The same, 100 times, each writer a fresh interpreter running tests/store/store_writer.py."""
    rng = random.Random(40)
    acknowledged = 0
    for _ in range(100):
        proc = _spawn("loop", location, "s")
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        acknowledged = _check_after_kill(location, out, acknowledged)


def _contend(location: str, go: Path, batches: int, writers: str = "AB") -> None:
    procs = [_spawn("contend", location, "s", name, str(batches), str(go)) for name in writers]
    go.touch()
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), [err for _, err in outputs]
    landed = {}
    for name, (out, _) in zip(writers, outputs, strict=True):
        for line in out.splitlines():
            if line.startswith("ok"):
                _, b, first, last = line.split()
                landed[(name, int(b))] = (int(first), int(last))
    assert len(landed) == len(writers) * batches
    with open_store(location) as store:
        assert store.verify() == ()
        notes = {r.version: json.loads(r.payload)["note"] for r in store.history("s")}
    assert sorted(notes) == list(range(1, 3 * len(writers) * batches + 1))  # contiguous, nothing lost
    for (name, b), (first, last) in landed.items():  # each batch whole, where its writer was told
        assert [notes[v] for v in range(first, last + 1)] == [f"{name}.{b}.{i}" for i in range(3)]
    assert len(set(notes.values())) == len(notes)  # none twice


def test_two_processes_appending_lose_nothing(location: str, tmp_path: Path) -> None:
    """Two processes append 25 batches each to one stream with expected versions: every batch lands
    whole exactly once, refused ones are retried, versions stay contiguous."""
    _contend(location, tmp_path / "go", batches=25)


def test_four_processes_appending_lose_nothing(location: str, tmp_path: Path) -> None:
    """Four writers, as a desk of reporters would be: the same, 10 batches each."""
    _contend(location, tmp_path / "go", batches=10, writers="ABCD")


@slow
def test_two_processes_appending_long(location: str, tmp_path: Path) -> None:
    """The same, 500 batches each."""
    _contend(location, tmp_path / "go", batches=500)
