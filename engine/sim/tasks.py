"""Tasks that any executor can run: a chunk of one ensemble's runs, carrying everything a worker needs.

A :class:`Task` names its :class:`Job` (the scenario, the readings, the sweep point, and a key that
identifies all three), the seed its runs draw from and the run indices. A worker builds one
:class:`~engine.sim.simulator.Simulator` per job and keeps it for the job's later tasks, so a remote
worker (a Dask cluster's) needs nothing but the engine installed: no scenario file, no initializer.
A process that prepares tasks registers its own simulators first (:func:`register`), so that it,
and workers forked from it, use them instead of building new ones.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Sequence

import attrs

from engine.crisis import law_for
from engine.files.scenarios import Scenario
from engine.sim.grid import Point, apply_point
from engine.sim.runs import RunResult
from engine.sim.simulator import Simulator
from engine.timeline.law import Law
from engine.timeline.replay import StepMemo

__all__ = ["Job", "Task", "digest_of", "forget", "job_for", "register", "run_task", "simulator_for", "unregister"]

_KEPT = 8  # simulators, and laws' memos, a thread keeps: a worker of a long sweep keeps the last few
#: what this thread holds: its simulators by job key, and the step memos of its sweep points, one per
#: law (points that change events or ``uncertain:`` parameters judge by an equal law, and
#: ``transition`` is pure, so a step made for one point is the step of any other point that meets
#: the same state and event). Per thread because simulators and memos serve one thread at a time
#: (a Dask worker may run tasks in several); a process forked from a thread keeps that thread's.
_HELD = threading.local()


def _simulators() -> dict[str, Simulator]:
    if not hasattr(_HELD, "simulators"):
        _HELD.simulators = {}
    return _HELD.simulators


def _memos() -> list[tuple[Law, StepMemo]]:
    if not hasattr(_HELD, "memos"):
        _HELD.memos = []
    return _HELD.memos


@attrs.frozen
class Job:
    """One ensemble: ``scenario`` at ``point`` (none: as it is), judged under ``interpretations``."""

    key: str  # a digest of the other fields: equal keys, equal simulators
    scenario: Scenario = attrs.field(eq=False, repr=False)
    interpretations: tuple[str, ...] | None = None
    point: Point | None = None


@attrs.frozen
class Task:
    """Runs ``indices`` of ``job``, each drawing from ``Random(f"impasse:{seed}:{index}")``."""

    job: Job
    seed: int | str
    indices: tuple[int, ...]


def job_for(scenario: Scenario, interpretations: Sequence[str] | None = None, point: Point | None = None,
            digest: str | None = None) -> Job:
    """The job of ``scenario`` at ``point``; its key digests the scenario as pickled (or is ``digest``,
    :func:`digest_of` it), so two files with one path but different contents (a cluster serving
    several users) never share a simulator."""
    interps = tuple(interpretations) if interpretations else None
    digest = digest or digest_of(scenario, interps)
    return Job(f"{digest}:{point.label if point else ''}", scenario, interps, point)


def digest_of(scenario: Scenario, interpretations: tuple[str, ...] | None) -> str:
    """A digest of the scenario and the readings, as pickled."""
    return hashlib.sha256(pickle.dumps((scenario, interpretations))).hexdigest()[:24]


def register(job: Job, sim: Simulator) -> None:
    """Make ``sim`` this process's simulator of ``job`` (and that of the workers forked from it)."""
    _simulators()[job.key] = sim


def unregister(job: Job) -> None:
    """Drop this process's simulator of ``job`` (its memo holds every state met)."""
    _simulators().pop(job.key, None)


def simulator_for(job: Job) -> Simulator:
    """This process's simulator of ``job``, built the first time it is needed."""
    held = _simulators()
    sim = held.get(job.key)
    if sim is None:
        if len(held) >= _KEPT:
            held.pop(next(iter(held)))  # the oldest: a sweep's points come in order
        if job.point is None:
            sim = Simulator(job.scenario, job.interpretations)
        else:
            scenario = apply_point(job.scenario, job.point)
            law, memo = _memo_of(law_for(scenario, job.interpretations))
            sim = Simulator(scenario, job.interpretations, law=law, memo=memo)
        held[job.key] = sim
    return sim


def _memo_of(law: Law) -> tuple[Law, StepMemo]:
    """The law equal to ``law`` that this process met first, and its step memo (new if none is equal)."""
    memos = _memos()
    for known, memo in memos:
        if known == law:
            return known, memo
    if len(memos) >= _KEPT:
        memos.pop(0)
    memos.append((law, StepMemo()))
    return memos[-1]


def run_task(task: Task) -> list[RunResult]:
    """The results of the task's runs, in index order."""
    sim = simulator_for(task.job)
    seed = task.seed
    return [sim.run(seed, i) for i in task.indices]


def forget() -> None:
    """Drop this thread's simulators and memos (they hold every state met)."""
    _simulators().clear()
    _memos().clear()
