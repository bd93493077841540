"""Event store benchmark: append and replay throughput, and peak memory, for a synthetic stream.

Run from the repository root:

    python bench/bench_store.py                      # 1,000,000 events (several minutes)
    python bench/bench_store.py --events 100000      # quicker

It prints figures, it asserts nothing. Each phase runs in a fresh interpreter so that its peak
resident memory (``ru_maxrss``) is its own. Replay is measured on the full stream and on one a
tenth as long: in a streaming replay the two peaks are about equal.

Phases:

* append — the stream written in batches (one transaction, one fsync each), and single-event
  appends (one fsync each) for a short stretch;
* replay — every event read from the store and folded through ``engine.timeline.machine.transition``,
  keeping only the current state (a streaming fold: no Timeline, no list of steps; no deadline
  watchers either, since those live in ``engine.timeline.replay``'s SimPy clock);
* engine.timeline.replay.replay — the SimPy replay with deadline watchers, on the short stream only: it
  keeps every step in its Timeline, so its memory grows with the stream;
* read — every event read from the store as an ``Event`` (decode and structure), no state machine;
* parse — the bare loop: ``SELECT payload`` in stream order and ``json.loads`` each, nothing else;
* eventsourcing — if the optional ``eventsourcing`` package is installed (``pip install -e
  '.[bench]'``), the same events saved by its SQLite store as one aggregate's events, and the
  aggregate rebuilt by ``Repository.get`` (decode, one domain event object each, a trivial mutator).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

START = date(2013, 7, 28)
SPAN_DAYS = 365


# --------------------------------------------------------------------------- the synthetic stream


def synthetic(n: int) -> Iterator:
    """``n`` events a state machine accepts forever: a poll, final results and an opening sitting,
    then a cycle of boycotts, talks, complaints, sittings and votes, spread over one year.

    The span is fixed so that per-date rule lookups (memoised by ``Law``) don't grow with ``n``.
    """
    from engine.timeline.events import (
        BoycottDeclared,
        BoycottEnded,
        ComplaintFiled,
        ComplaintRuled,
        ElectionHeld,
        ParliamentConvened,
        ResultsAccepted,
        ResultsAnnounced,
        ResultsRejected,
        TalksHeld,
        VoteHeld,
    )

    src = ("synthetic",)
    seats = {"CPP": 68, "CNRP": 55}

    def cycle(day: date, i: int):
        k = i % 9
        if k == 0:
            return BoycottDeclared(at=day, source=src, party="CNRP")
        if k == 1:
            return TalksHeld(at=day, source=src, parties=("CPP", "CNRP"), outcome="no agreement")
        if k == 2:
            return ComplaintFiled(at=day, source=src, by="CNRP", to="NEC", count=2)
        if k == 3:
            return ComplaintRuled(at=day, source=src, by="NEC", outcome="rejected", count=2)
        if k == 4:
            return ParliamentConvened(at=day, source=src, sitting="ordinary", present=68)
        if k == 5:
            return VoteHeld(at=day, source=src, motion="law", yes=68, no=0, present=68)
        if k == 6:
            return BoycottEnded(at=day, source=src, party="CNRP")
        if k == 7:
            return ResultsRejected(at=day, source=src, party="CNRP")
        return ResultsAccepted(at=day, source=src, party="CNRP")

    opening = [
        ElectionHeld(at=START, source=src),
        ResultsAnnounced(at=START, source=src, stage="final", by="NEC", seats=seats),
        ParliamentConvened(at=START, source=src, sitting="opening", present=123),
    ]
    for i in range(n):
        day = START + timedelta(days=i * SPAN_DAYS // max(n, 1))
        yield opening[i] if i < len(opening) else cycle(day, i - len(opening))


def _rules():
    from engine.files.packs import load_pack
    from engine.timeline.machine import Law

    return Law(load_pack("kh"), "national-assembly", ("cpp-majority-suffices", "opposition-120-to-open"))


# --------------------------------------------------------------------------- phases (one per process)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_append(store_path: str, n: int, batch: int) -> dict:
    from engine.store.opening import open_store

    out: dict = {}
    with open_store(store_path, create=True) as store:
        for stream, count in (("small", n // 10), ("big", n)):
            events = synthetic(count)
            version = 0
            t0 = time.perf_counter()
            while version < count:
                chunk = [next(events) for _ in range(min(batch, count - version))]
                version = store.append(stream, chunk, version)
            out[f"append_{stream}_s"] = time.perf_counter() - t0
        singles = min(1000, n)
        events = synthetic(singles)
        t0 = time.perf_counter()
        for version, event in enumerate(events):
            store.append("singles", [event], version)
        out["single_appends"] = singles
        out["single_s"] = time.perf_counter() - t0
    out["peak_mb"] = _peak_mb()
    return out


def fold(events, rules):
    """The streaming projector: fold events through ``transition``, keeping only the state.

    Returns the final state and the number of events and findings seen.
    """
    from engine.timeline.machine import initial_state, transition

    state = initial_state(rules)
    count = findings = 0
    for event in events:
        step = transition(state, event, rules)
        state = step.state
        count += 1
        findings += len(step.findings)
    return state, count, findings


def phase_replay(store_path: str, stream: str) -> dict:
    from engine.store.opening import open_store

    rules = _rules()
    with open_store(store_path) as store:
        base = _peak_mb()
        t0 = time.perf_counter()
        state, count, findings = fold(store.read(stream), rules)
        seconds = time.perf_counter() - t0
    return {"events": count, "seconds": seconds, "findings": findings, "phase": state.phase.value,
            "base_mb": base, "peak_mb": _peak_mb()}


def phase_simpy(store_path: str, stream: str) -> dict:
    from engine.store.opening import open_store
    from engine.timeline.replay import replay

    rules = _rules()
    with open_store(store_path) as store:
        base = _peak_mb()
        t0 = time.perf_counter()
        timeline = replay(store.read(stream), rules)
        seconds = time.perf_counter() - t0
    return {"events": len(timeline.steps), "seconds": seconds, "base_mb": base, "peak_mb": _peak_mb()}


def phase_read(store_path: str, stream: str) -> dict:
    from engine.store.opening import open_store

    with open_store(store_path) as store:
        base = _peak_mb()
        t0 = time.perf_counter()
        count = sum(1 for _ in store.read(stream))
        seconds = time.perf_counter() - t0
    return {"events": count, "seconds": seconds, "base_mb": base, "peak_mb": _peak_mb()}


def phase_parse(store_path: str, stream: str) -> dict:
    db = sqlite3.connect(store_path)
    base = _peak_mb()
    t0 = time.perf_counter()
    count = 0
    loads = json.loads
    for (payload,) in db.execute("SELECT payload FROM records WHERE stream = ? ORDER BY version", (stream,)):
        loads(payload)
        count += 1
    seconds = time.perf_counter() - t0
    db.close()
    return {"events": count, "seconds": seconds, "base_mb": base, "peak_mb": _peak_mb()}


def _es_app(path: str):
    from eventsourcing.application import Application

    return Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path,
                            "SQLITE_LOCK_TIMEOUT": "10"})


try:
    from eventsourcing.domain import Aggregate, event
except ImportError:  # the comparison is optional: pip install -e '.[bench]'
    Crisis = None
else:
    class Crisis(Aggregate):  # type: ignore[no-redef]
        """One crisis; each recorded fact is one domain event carrying the same payload as ours."""

        def __init__(self) -> None:
            self.count = 0
            self.last = None

        @event("Recorded")
        def record(self, type: str, payload: dict) -> None:
            self.count += 1
            self.last = payload["at"]


def phase_es_write(path: str, n: int, batch: int) -> dict:
    from engine.timeline.events import unstructure_event

    app = _es_app(path)
    crisis = Crisis()
    t0 = time.perf_counter()
    pending = 0
    for event in synthetic(n - 1):
        data = unstructure_event(event)
        crisis.record(data.pop("type"), data)
        pending += 1
        if pending == batch:
            app.save(crisis)
            pending = 0
    app.save(crisis)
    return {"id": str(crisis.id), "seconds": time.perf_counter() - t0, "events": crisis.version,
            "peak_mb": _peak_mb()}


def phase_es_replay(path: str, aggregate_id: str) -> dict:
    from uuid import UUID

    app = _es_app(path)
    base = _peak_mb()
    t0 = time.perf_counter()
    crisis = app.repository.get(UUID(aggregate_id))
    seconds = time.perf_counter() - t0
    return {"events": crisis.version, "seconds": seconds, "count": crisis.count, "base_mb": base,
            "peak_mb": _peak_mb()}


PHASES = {"append": phase_append, "replay": phase_replay, "simpy": phase_simpy, "read": phase_read,
          "parse": phase_parse,
          "es_write": phase_es_write, "es_replay": phase_es_replay}


# --------------------------------------------------------------------------- driver


def _run(phase: str, *args: object) -> dict:
    """Run one phase in a fresh interpreter; return what it measured."""
    proc = subprocess.run([sys.executable, __file__, "--phase", phase, *map(str, args)], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        msg = f"phase {phase} failed:\n{proc.stderr}"
        raise SystemExit(msg)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _rate(events: int, seconds: float) -> str:
    return f"{events / seconds:>10,.0f} events/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the big stream (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=1000, help="events per append (default 1000)")
    parser.add_argument("--dir", help="where to put the stores (default: a temporary directory)")
    parser.add_argument("--no-eventsourcing", action="store_true", help="skip the eventsourcing comparison")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        conv = [int(x) if x.isdigit() else x for x in rest]
        print(json.dumps(PHASES[name](*conv)))
        return

    n = args.events
    workdir = Path(args.dir or tempfile.mkdtemp(prefix="impasse-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store = str(workdir / "store.db")
    for leftover in workdir.glob("*.db*"):
        leftover.unlink()
    print(f"impasse event store benchmark: {n:,} events (and {n // 10:,}), batches of {args.batch}")
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores; "
          f"stores in {workdir}")
    print()

    a = _run("append", store, n, args.batch)
    print(f"append, batches of {args.batch:<5} {_rate(n, a['append_big_s'])}   ({a['append_big_s']:.1f} s)")
    print(f"append, one event each     {_rate(a['single_appends'], a['single_s'])}   "
          f"({a['single_appends']} appends, {1000 * a['single_s'] / a['single_appends']:.2f} ms each, fsync each)")
    print(f"store file: {os.path.getsize(store) / 2**20:,.0f} MiB")
    print()

    rows = []
    for label, phase, stream in (("replay through transition", "replay", "big"),
                                 ("replay through transition", "replay", "small"),
                                 ("engine.timeline.replay.replay (SimPy)", "simpy", "small"),
                                 ("read as Event objects", "read", "big"),
                                 ("bare loop: SELECT + json.loads", "parse", "big")):
        r = _run(phase, store, stream)
        rows.append((label, stream, r))
        print(f"{label:<32} {r['events']:>9,} {_rate(r['events'], r['seconds'])}  ({r['seconds']:.1f} s)  "
              f"peak RSS {r['peak_mb']:.0f} MiB (after imports {r['base_mb']:.0f} MiB)")

    es = None
    if not args.no_eventsourcing:
        if Crisis is None:
            print("\neventsourcing is not installed (pip install -e '.[bench]'): comparison skipped")
        else:
            es_path = str(workdir / "eventsourcing.db")
            w = _run("es_write", es_path, n, args.batch)
            es = _run("es_replay", es_path, w["id"])
            print(f"{'eventsourcing: save':<32} {w['events']:>9,} {_rate(w['events'], w['seconds'])}  "
                  f"({w['seconds']:.1f} s)")
            print(f"{'eventsourcing: Repository.get':<32} {es['events']:>9,} {_rate(es['events'], es['seconds'])}  "
                  f"({es['seconds']:.1f} s)  peak RSS {es['peak_mb']:.0f} MiB (after imports {es['base_mb']:.0f} MiB)")

    replay_big, replay_small, _, read_big, parse_big = (r for _, _, r in rows)
    ours = replay_big["events"] / replay_big["seconds"]
    bare = parse_big["events"] / parse_big["seconds"]
    print()
    print("targets (issue 4):")
    if es is not None:
        theirs = es["events"] / es["seconds"]
        verdict = "met" if ours >= 10 * theirs else "NOT met"
        print(f"  replay through the state machine >= 10x eventsourcing's replay: "
              f"{ours / theirs:.2f}x -> {verdict}")
        print(f"  (like for like, reading Event objects without the state machine: "
              f"{read_big['events'] / read_big['seconds'] / theirs:.2f}x eventsourcing)")
    slower = bare / ours
    print(f"  replay within 4x of the bare parse loop: {slower:.1f}x slower -> {'met' if slower <= 4 else 'NOT met'}")
    growth = replay_big["peak_mb"] - replay_small["peak_mb"]
    print(f"  memory flat in stream length: peak RSS {replay_small['peak_mb']:.0f} MiB for {replay_small['events']:,} "
          f"events, {replay_big['peak_mb']:.0f} MiB for {replay_big['events']:,} ({growth:+.0f} MiB)")


if __name__ == "__main__":
    main()
