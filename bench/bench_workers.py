"""Benchmark: do two local workers pay off? One against two, side by side, on an ensemble and on a sweep.

Prints figures; it is not a test. Usage:

    python bench/bench_workers.py [--runs 10000] [--repeat 3] [--points 8] [--point-runs 1000]

Each round times, each in a fresh process and in an order rotated each round (a case timed after
others in one process inherits their garbage and warm caches, which moved the figures by up to 30 %):
``simulate()`` of ``--runs`` runs on one worker (that process); on two (it and one forked child:
``engine.sim.forkpool``) with the first chunk run before the fork (``warm=1``: the child inherits a
warmer memo, the other core waits meanwhile); on two workers of a ``ProcessPoolExecutor``
initialised with ``init_worker`` (the pool ``simulate()`` used before issue 19, still what a
caller's own executor gets); and on two forked at once (``warm=0``, the default); then
``sweep()`` of ``--points`` points of ``--point-runs`` runs on one worker and on two. Wall time
(start-up of the pool included) is what the target is judged on: two workers at least 1.7 times as
fast as one on 10,000 runs. CPU time of this process and its workers is printed beside it, and the
busiest process's CPU time (what the wall time would be on two idle cores); on a shared VM they
move less. A fixed pure-Python workload is timed alone at the start of each round: it says how fast
the host was then.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.files.scenarios import load_scenario
from engine.report.jsontext import dumps
from engine.sim.ensemble import simulate
from engine.sim.grid import parse_vary
from engine.sim.pool import init_worker
from engine.sim.sweep import sweep

TARGET = 1.7


CASES = ("ensemble, 1 worker", "ensemble, 2 workers", "ensemble, 2 workers, ProcessPoolExecutor (before)",
         "ensemble, 2 workers, first chunk before the fork (warm=1)", "sweep, 1 worker", "sweep, 2 workers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of measurements (medians shown)")
    parser.add_argument("--points", type=int, default=8, help="points of the sweep (members present at the opening)")
    parser.add_argument("--point-runs", type=int, default=1000, help="runs per point of the sweep")
    parser.add_argument("--scenario", default="scenarios/cambodia-2013.yaml")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)  # one case, in this fresh process
    args = parser.parse_args()
    if args.case:
        print(json.dumps(_one_case(args)))
        return
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; scenario "
          f"{args.scenario}; ensemble of {args.runs} runs, seed {args.seed}; sweep of {args.points} points x "
          f"{args.point_runs} runs; each case in a fresh process, the order rotated each round; each figure "
          f"is the median of {args.repeat} rounds (listed in brackets)")
    walls: dict[str, list[float]] = {name: [] for name in CASES}
    cpus: dict[str, list[float]] = {name: [] for name in CASES}
    busiest: dict[str, list[float]] = {name: [] for name in CASES}
    outputs: dict[str, str] = {}
    host: list[float] = []
    for r in range(args.repeat):
        host.append(_spin())
        for name in CASES[r % len(CASES):] + CASES[:r % len(CASES)]:
            argv = [sys.executable, __file__, "--case", name, "--runs", str(args.runs), "--seed", str(args.seed),
                    "--points", str(args.points), "--point-runs", str(args.point_runs), "--scenario", args.scenario]
            got = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
            walls[name].append(got["wall"])
            cpus[name].append(got["own"] + got["children"])
            # the process that worked longest: what the wall time would be on two idle cores (this
            # process and its one child; the executor's two children are taken as sharing equally)
            busiest[name].append(max(got["own"], got["children"] / (2 if "Executor" in name else 1)))
            outputs[name] = got["digest"]
    for name in CASES:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name + ':':60} wall {wall:6.2f} s [{_spread(walls[name])}]   CPU {cpu:6.2f} s [{_spread(cpus[name])}]"
              f"   busiest process {statistics.median(busiest[name]):5.2f} s")
    print("ratios, one worker's wall time over two workers' (median; round by round):")
    verdicts = []
    pairs = (("ensemble", "ensemble, 2 workers"),
             ("ensemble, before", "ensemble, 2 workers, ProcessPoolExecutor (before)"),
             ("ensemble, warm=1", "ensemble, 2 workers, first chunk before the fork (warm=1)"),
             ("sweep", "sweep, 2 workers"))
    for kind, two in pairs:
        one = "sweep, 1 worker" if kind == "sweep" else "ensemble, 1 worker"
        rounds = [a / b for a, b in zip(walls[one], walls[two], strict=True)]
        ratio = statistics.median(walls[one]) / statistics.median(walls[two])
        verdicts.append((kind, ratio))
        bound = [a / b for a, b in zip(cpus[one], busiest[two], strict=True)]
        print(f"    {kind + ':':18} {ratio:5.2f}x   [{_spread(rounds)}]   one worker's CPU time over the busiest "
              f"process's: {statistics.median(bound):.2f}x [{_spread(bound)}]")
    print(f"host speed, a pure-Python workload alone at the start of each round: [{_spread(host)}] s "
          f"({_QUIET:.2f} s on the quietest day seen)")
    same_ensemble = len({outputs[n] for n in CASES if n.startswith("ensemble")}) == 1
    same_sweep = outputs["sweep, 1 worker"] == outputs["sweep, 2 workers"]
    print(f"identical JSON for every worker count: ensemble {same_ensemble}, sweep {same_sweep}")
    ratio = dict(verdicts)["ensemble"]
    print(f"target (issue 19): two local workers >= {TARGET}x one on {args.runs} runs: {ratio:.2f}x -> "
          f"{'met' if ratio >= TARGET else 'NOT met'}")


def _one_case(args: argparse.Namespace) -> dict[str, Any]:
    """Time one case in this process, fresh: the scenario is loaded before the clock starts."""
    scenario = load_scenario(args.scenario)
    step = max(1, 63 // max(1, args.points - 1))
    # 55 boycotting CNRP members among those present: more than 68 present could not happen otherwise
    grid = parse_vary([f"opening-sitting.members_present={','.join(str(60 + k * step) for k in range(args.points))}",
                       "opening-sitting.boycotters_present=55"])

    def old_pool() -> Any:
        with ProcessPoolExecutor(max_workers=2, initializer=init_worker, initargs=(scenario.path, None)) as pool:
            return simulate(scenario, args.runs, args.seed, executor=pool)

    cases: dict[str, Callable[[], Any]] = {
        "ensemble, 1 worker": lambda: simulate(scenario, args.runs, args.seed),
        "ensemble, 2 workers": lambda: simulate(scenario, args.runs, args.seed, workers=2, warm=0),
        "ensemble, 2 workers, ProcessPoolExecutor (before)": old_pool,
        "ensemble, 2 workers, first chunk before the fork (warm=1)": lambda: simulate(
            scenario, args.runs, args.seed, workers=2, warm=1),
        "sweep, 1 worker": lambda: sweep(scenario, grid, args.point_runs, args.seed),
        "sweep, 2 workers": lambda: sweep(scenario, grid, args.point_runs, args.seed, workers=2),
    }
    start, own, children = time.perf_counter(), _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds()
    result = cases[args.case]()
    wall = time.perf_counter() - start
    own, children = _cpu_seconds(resource.RUSAGE_SELF) - own, _cpu_seconds() - children
    return {"wall": wall, "own": own, "children": children,
            "digest": hashlib.sha256(dumps(result.to_dict()).encode()).hexdigest()}


_QUIET = 0.67  # seconds _spin() took alone on the quietest day seen (bench/bench_simulate.py)


def _spin() -> float:
    """A fixed pure-Python workload; returns the CPU seconds it took."""
    start = time.process_time()
    table: dict[int, tuple[int, str]] = {}
    for i in range(3_000_000):
        table[i & 1023] = (i, str(i))
    return time.process_time() - start


def _cpu_seconds(who: int = resource.RUSAGE_CHILDREN) -> float:
    """CPU time used so far by this process, or by its children that have ended (the workers)."""
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def _spread(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
