"""``impasse log follow``, run as its own process on each storage: an event appended from another
process is printed within a second (the latency is measured), Ctrl-C ends it with exit code 0 and no
traceback, and a missing store is one line."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.log import log
from engine.store.opening import open_store
from engine.timeline.events import ElectionHeld, ParliamentConvened, ResultsAnnounced
from tests.postgres import PostgresDatabase

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store holding stream kh: its pack, the election and the final results."""
    if request.param == "sqlite":
        path = str(tmp_path / "crisis.db")
    else:
        database: PostgresDatabase = request.getfixturevalue("postgres")
        path = database.url()
    with open_store(path, create=True) as store:
        store.set_metadata("kh", {"constitution": "kh", "interpretations": ["opposition-120-to-open"]})
        store.append("kh", [ElectionHeld(at=date(2013, 7, 28), source=("NEC",)),
                            ResultsAnnounced(at=date(2013, 9, 8), source=("AFP",), stage="final", by="NEC",
                                             seats={"CPP": 68, "CNRP": 55})])
    return path


class _Follow:
    """``python -m engine log follow`` in a subprocess, its lines timed as they arrive."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "engine", "log", "follow", *args], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def until(self, predicate, timeout: float = 30) -> tuple[float, str]:  # type: ignore[no-untyped-def]
        """The first line (and when it came) that ``predicate`` accepts."""
        end = time.monotonic() + timeout
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                self.proc.kill()
                pytest.fail(f"no such line within {timeout} s; stderr: {self.proc.stderr.read()}")  # type: ignore[union-attr]
            if predicate(line):
                return when, line

    def interrupt(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err


def test_an_append_from_another_process_is_printed_within_a_second(location: str) -> None:
    """The follower prints the new event with its findings; measured from the append's return."""
    follow = _Follow("--store", location, "--stream", "kh")
    try:
        follow.until(lambda line: line.startswith("kh: version 3"))
        follow.until(lambda line: "deadline running" in line)
        time.sleep(0.5)  # the follower is waiting now
        latencies = []
        for version, present in ((4, 68), (5, 70)):
            with open_store(location) as store:
                store.append("kh", [ParliamentConvened(at=date(2013, 9, 23), source=("wire",), sitting="opening",
                                                       present=present)])
                appended = time.monotonic()
            when, line = follow.until(lambda line, v=version: line.startswith(f"v{v} "))
            latencies.append(when - appended)
            assert f"{present} present" in line
            _, finding = follow.until(lambda line: "[the opposition's reading]" in line)
            assert f"{present} present, 120 required" in finding
        print(f"follow latency on {'postgresql' if location.startswith('postgresql:') else 'sqlite'}: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")
        assert max(latencies) < 1.0, latencies
    finally:
        code, err = follow.interrupt()
    assert (code, err) == (0, "")  # Ctrl-C: exit 0, nothing on stderr, no traceback


def test_from_start_and_the_environment_variable(location: str) -> None:
    """--from-start prints the events already there; IMPASSE_STORE names the store when --store is left out."""
    follow = _Follow("--stream", "kh", "--from-start", env={"IMPASSE_STORE": location})
    try:
        follow.until(lambda line: line.startswith("v2    2013-07-28  election held"))
        follow.until(lambda line: line.startswith("v3    2013-09-08  final results"))
    finally:
        assert follow.interrupt() == (0, "")


def test_json_lines_as_a_dashboard_reads_them(location: str) -> None:
    """--format json: one object per line, each flushed as written, so a reader sees each event as it
    comes; the step carries its findings, the state its deadlines."""
    follow = _Follow(location, "--stream", "kh", "--format", "json")
    try:
        _, first = follow.until(lambda line: '"kind": "start"' in line)
        assert json.loads(first)["version"] == 3
        follow.until(lambda line: '"kind": "now"' in line)
        with open_store(location) as store:
            store.append("kh", [ParliamentConvened(at=date(2013, 9, 23), source=("wire",), sitting="opening",
                                                   present=68)])
        _, line = follow.until(lambda line: '"kind": "step"' in line)
        step = json.loads(line)["step"]
        assert step["line"] == 4 and step["event"]["present"] == 68
        assert any(f["verdict"] == "violation" and f["count"] == 68 and f["required"] == 120 for f in step["findings"])
        _, now = follow.until(lambda line: '"kind": "now"' in line)
        assert json.loads(now)["state"]["phase"]
    finally:
        assert follow.interrupt() == (0, "")


def test_errors_are_one_line(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMPASSE_STORE", raising=False)
    result = runner.invoke(log, ["follow", "--stream", "kh"])
    assert result.exit_code == 2 and "STORE (or --store STORE), or set IMPASSE_STORE" in result.stderr
    for where in (["--store", str(tmp_path / "none.db")], [str(tmp_path / "none.db")]):
        result = runner.invoke(log, ["follow", *where, "--stream", "kh"])
        assert result.exit_code == 2 and "no event store at" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(log, ["follow", "a.db", "--store", "b.db", "--stream", "kh"])
    assert result.exit_code == 2 and "two stores given ('a.db' and --store 'b.db')" in result.stderr


def test_the_store_may_come_first_as_in_the_other_log_commands(location: str) -> None:
    """``impasse log follow STORE -s ID``, as ``log show STORE -s ID`` takes it."""
    follow = _Follow(location, "--stream", "kh", "--from-start")
    try:
        follow.until(lambda line: line.startswith("v2    2013-07-28  election held"))
    finally:
        assert follow.interrupt() == (0, "")


def test_a_reader_going_away_ends_it_quietly(location: str) -> None:
    """``impasse log follow … | head -1``: the pipe closes, the follower stops, exit 0, no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "engine", "log", "follow", "--store", location, "--stream", "kh"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().startswith("kh: version 3")  # type: ignore[union-attr]
        proc.stdout.close()  # type: ignore[union-attr]  # as head does after its line
        with open_store(location) as store:  # the next lines it writes meet a closed pipe
            store.append("kh", [ParliamentConvened(at=date(2013, 9, 23), source=("wire",), sitting="opening",
                                                   present=68)])
        assert proc.wait(timeout=30) == 0
        assert proc.stderr.read() == ""  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
