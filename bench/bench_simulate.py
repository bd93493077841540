"""Benchmark: runs per second of the Cambodia 2013 ensemble, on one worker and on all cores.

Prints figures; it is not a test. Usage:

    python bench/bench_simulate.py [--runs 4000] [--scenario scenarios/cambodia-2013.yaml]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.scenario import load_scenario  # noqa: E402
from engine.simulate import Simulator, simulate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default="scenarios/cambodia-2013.yaml")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    cores = os.cpu_count() or 1
    print(f"python {platform.python_version()} on {platform.machine()}, {cores} cores; scenario {scenario.id}; "
          f"{args.runs} runs, seed {args.seed}")

    sim = Simulator(scenario)
    for i in range(50):  # warm the rule-set and impasse memos, as a long ensemble would
        sim.run(args.seed, i)
    start = time.perf_counter()
    for i in range(args.runs):
        sim.run(args.seed, i)
    inner = time.perf_counter() - start
    print(f"one core, run loop only:        {args.runs / inner:8.0f} runs/s")

    timings = {}
    for workers in sorted({1, 2, cores}):
        start = time.perf_counter()
        result = simulate(scenario, args.runs, args.seed, workers=workers)
        timings[workers] = (time.perf_counter() - start, result)
        wall = timings[workers][0]
        print(f"simulate(), {workers} worker(s):       {args.runs / wall:8.0f} runs/s   wall {wall:6.2f} s "
              f"({args.runs / wall / workers:.0f} runs/s per worker, pool start-up included)")
    results = {w: r.results for w, (_, r) in timings.items()}
    same = all(r == results[1] for r in results.values())
    print(f"identical results for every worker count: {same}")


if __name__ == "__main__":
    main()
