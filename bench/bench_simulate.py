"""Benchmark: runs per second of the Cambodia 2013 ensemble, on one worker and on all cores.

Prints figures; it is not a test. Usage:

    python bench/bench_simulate.py [--runs 4000] [--repeat 3] [--scenario scenarios/cambodia-2013.yaml]

Wall time is what the target is judged on. CPU time (of this process and of the pool's workers)
is printed beside it: on a shared VM it moves less, and it leaves out the time a worker waited.
Each round measures every figure once, in turn, after timing a fixed pure-Python workload alone
(the host's speed in that round: on a shared VM it can halve from one minute to the next with no
change in the code); on Linux the share of CPU time the VM's host took for other guests
meanwhile ("steal", from /proc/stat) is printed too. The verdict is given on the medians and
round by round.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.files.scenarios import load_scenario
from engine.sim.ensemble import simulate
from engine.sim.simulator import Simulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of measurements (medians shown)")
    parser.add_argument("--scenario", default="scenarios/cambodia-2013.yaml")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    cores = os.cpu_count() or 1
    counts = sorted({1, 2, cores})
    print(f"python {platform.python_version()} on {platform.machine()}, {cores} cores; scenario {scenario.id}; "
          f"{args.runs} runs, seed {args.seed}; each figure is the median of {args.repeat} rounds (listed in brackets)")

    # one round measures everything once, so that a slow minute of a shared host weighs on every figure
    loop: list[float] = []
    walls: dict[int, list[float]] = {w: [] for w in counts}
    cpus: dict[int, list[float]] = {w: [] for w in counts}
    steal: dict[int, list[float | None]] = {w: [] for w in counts}
    reference: list[float] = []
    results = {}
    for _ in range(args.repeat):
        reference.append(_spin())
        sim = Simulator(scenario)  # a fresh simulator each time: its memo starts empty, as a user's does
        start = time.perf_counter()
        for i in range(args.runs):
            sim.run(args.seed, i)
        loop.append(args.runs / (time.perf_counter() - start))
        for workers in counts:
            start, cpu, ticks = time.perf_counter(), _cpu_seconds(), _host_ticks()
            results[workers] = simulate(scenario, args.runs, args.seed, workers=workers).results
            walls[workers].append(time.perf_counter() - start)
            cpus[workers].append(_cpu_seconds() - cpu)
            steal[workers].append(_stolen_share(ticks, _host_ticks()))
    print(f"one core, run loop only:        {statistics.median(loop):8.0f} runs/s   [{_spread(loop)}]")
    per_worker = {}
    for workers in counts:
        wall = statistics.median(walls[workers])
        per_worker[workers] = args.runs / wall / workers
        print(f"simulate(), {workers} worker(s):       {args.runs / wall:8.0f} runs/s   wall {wall:6.2f} s "
              f"({per_worker[workers]:.0f} runs/s per worker, pool start-up included) "
              f"[walls {_spread(walls[workers], 2)} s]")
        print(f"    CPU time of this process and its workers: {args.runs / statistics.median(cpus[workers]):8.0f} runs "
              f"per CPU-second [{_spread([args.runs / c for c in cpus[workers]])}]")
        shares = [x for x in steal[workers] if x is not None]
        if shares:
            stolen = ", ".join(f"{x * 100:.0f} %" for x in shares)
            print(f"    share of the VM's CPU time the host took (steal): [{stolen}]")
    alone, together = _machine_scaling(cores)
    print(f"this machine, a pure-Python loop (no engine code): {alone:.2f} s alone, {together:.2f} s each with "
          f"{cores} at once ({(together / alone - 1) * 100:+.0f} % per process)")
    same = all(r == results[1] for r in results.values())
    print(f"identical results for every worker count: {same}")
    most = max(per_worker)
    per_core = min(statistics.median(loop), per_worker[most])
    print(f"target (issue 5): >= 2,000 runs/s per core: {per_core:.0f} (the lower of the run loop and "
          f"{most} workers' per-worker figure) -> {'met' if per_core >= 2000 else 'NOT met'}")
    print(f"round by round, with the host's speed (the pure-Python workload alone, {_QUIET:.2f} s on a quiet day):")
    met = 0
    for i, ref in enumerate(reference):
        lowest = min(loop[i], args.runs / walls[most][i] / most)
        met += lowest >= 2000
        print(f"    round {i + 1}: workload {ref:.2f} s; run loop {loop[i]:.0f}, {most} workers "
              f"{args.runs / walls[most][i] / most:.0f} runs/s per worker -> {'met' if lowest >= 2000 else 'NOT met'}")
    print(f"    met in {met} of {len(reference)} rounds")


_QUIET = 0.67  # seconds _spin() took alone on the quietest day seen on the VM where the figures in docs/ were measured


def _host_ticks() -> list[int] | None:
    """The machine's CPU time counters (Linux ``/proc/stat``), or None where there are none."""
    try:
        with open("/proc/stat") as stat:
            return [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def _stolen_share(before: list[int] | None, after: list[int] | None) -> float | None:
    """The share of the machine's CPU time between two readings that its host gave to others (steal)."""
    if before is None or after is None or len(before) < 8:
        return None
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return spent[7] / sum(spent) if sum(spent) else 0.0


def _spin(_: object = None) -> float:
    """A fixed pure-Python workload; returns the CPU seconds it took."""
    start = time.process_time()
    table: dict[int, tuple[int, str]] = {}
    for i in range(3_000_000):
        table[i & 1023] = (i, str(i))
    return time.process_time() - start


def _machine_scaling(cores: int) -> tuple[float, float]:
    """CPU seconds of one workload run alone, and of each of ``cores`` copies run at once (medians of three).

    A shared VM's cores need not add up: when they slow each other down, no program's per-core
    rate with every core busy reaches its rate on one core, and this says by how much.
    """
    alone, together = [], []
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(_spin, [None] * cores))  # start the workers first, outside the measurement
        for _ in range(3):  # alternated, so that a slow minute of the VM weighs on both
            alone.append(_spin())
            together.append(statistics.mean(pool.map(_spin, [None] * cores)))
    return statistics.median(alone), statistics.median(together)


def _cpu_seconds() -> float:
    """CPU time used so far by this process and by its children that have ended (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _spread(values: list[float], digits: int = 0) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


if __name__ == "__main__":
    main()
