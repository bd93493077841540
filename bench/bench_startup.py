"""Benchmark: how long the command line takes as whole processes, for this tree and another checkout.

Prints figures and a verdict; it is not a test. Usage:

    python bench/bench_startup.py --against /tmp/base [--runs 15]

Three commands are timed: ``python -m engine --help``, a one-off quorum question and a replay of
the bundled Cambodia 2013 scenario, beside the bare interpreter (``python -c pass``, the floor).
Each tree runs in its own directory with ``PYTHONPATH`` set to it, so each reads its own code and
scenario files. The runs alternate (command by command, tree by tree, the order of the trees
swapped every round), so that a slow minute of a shared host weighs on both trees alike; the best
and the median wall time are printed, with the median CPU time of the process (user + system),
which moves less on a shared VM. Compiled bytecode goes to a temporary directory
(``PYTHONPYCACHEPREFIX``), shared by both trees and warmed before timing, so that a read-only
checkout is not recompiled at every run and nothing is written into either tree.

The target (from the issue): ``--help`` costs at most half a replay.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

#: label -> arguments after ``python``; the bare interpreter is the floor no command goes below
COMMANDS = {
    "python": ["-c", "pass"],
    "--help": ["-m", "engine", "--help"],
    "quorum": ["-m", "engine", "quorum", "more than 1/2 of all members", "--members", "123", "--present", "68"],
    "replay": ["-m", "engine", "replay", "scenarios/cambodia-2013.yaml"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="another checkout to compare with")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command in each tree")
    args = parser.parse_args()
    trees = {"this tree": HERE, "against": args.against.resolve()}
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; "
          f"this tree {_describe(HERE)}; against {_describe(trees['against'])}; {args.runs} runs each, alternating")

    with tempfile.TemporaryDirectory(prefix="bench-startup-pyc-") as pycache:
        outputs = {(tree, label): _run(path, argv, pycache)[2] for label, argv in COMMANDS.items()
                   for tree, path in trees.items()}  # warms the bytecode cache and the file cache
        walls: dict[tuple[str, str], list[float]] = {key: [] for key in outputs}
        cpus: dict[tuple[str, str], list[float]] = {key: [] for key in outputs}
        for i in range(args.runs):
            order = list(trees.items()) if i % 2 == 0 else list(reversed(trees.items()))
            for label, argv in COMMANDS.items():
                for tree, path in order:
                    wall, cpu, _ = _run(path, argv, pycache)
                    walls[tree, label].append(wall)
                    cpus[tree, label].append(cpu)

    print(f"{'':10} {'':9}  {'best':>8} {'median':>8} {'CPU median':>11}")
    for tree in trees:
        for label in COMMANDS:
            w, c = walls[tree, label], cpus[tree, label]
            print(f"{tree:10} {label:9}  {min(w) * 1000:6.0f} ms {statistics.median(w) * 1000:6.0f} ms "
                  f"{statistics.median(c) * 1000:8.0f} ms")
    for label in COMMANDS:
        same = outputs["this tree", label] == outputs["against", label]
        print(f"output of {label}: {'identical in both trees' if same else 'DIFFERS between the trees'}")

    print("target: --help costs at most half a replay (median wall time; CPU time in brackets)")
    for tree in trees:
        wall = statistics.median(walls[tree, "--help"]) / statistics.median(walls[tree, "replay"])
        cpu = statistics.median(cpus[tree, "--help"]) / statistics.median(cpus[tree, "replay"])
        verdict = "met" if wall <= 0.5 else "NOT met"
        print(f"  {tree:10} --help / replay = {wall:.2f} ({cpu:.2f}) -> {verdict}")


def _run(tree: Path, argv: list[str], pycache: str) -> tuple[float, float, str]:
    """Run ``python ARGV`` in TREE: wall seconds, CPU seconds of the child, its output."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": pycache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *argv], cwd=tree, env=env, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        msg = f"{tree}: python {' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()}"
        raise SystemExit(msg)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def _describe(tree: Path) -> str:
    """The tree's path and commit (with '+changes' if its working tree differs from it)."""
    def git(*command: str) -> str:
        # GIT_OPTIONAL_LOCKS=0: 'git status' leaves the other checkout's index as it is (it may be read-only)
        proc = subprocess.run(["git", "-C", str(tree), *command], capture_output=True, text=True, check=False,
                              env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "no git"
    changed = "+changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"{tree} ({commit}{changed})"


if __name__ == "__main__":
    main()
