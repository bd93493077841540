"""Sweeps: one seeded ensemble per point of a grid of what-if values and ``uncertain:`` parameters.

Run ``i`` of the point labelled ``P`` (:attr:`~engine.sim.grid.Point.label`, ``PATH=VALUE;…``) draws
from ``random.Random(f"impasse:{seed}:{P}:{i}")``: a point's ensemble depends on the seed, the point's
values and the run, never on the other points of the grid, the executor or the number of workers.
The points' runs go out as :class:`~engine.sim.tasks.Task` chunks (whole points when there are many,
so that a worker's memo serves a whole ensemble), and each point is summed up, as
:meth:`~engine.sim.stats.Ensemble.to_dict` sums up an ensemble, as soon as its runs are all in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from engine.crisis import law_for
from engine.files.scenarios import Scenario
from engine.sim.grid import Axis, Grid, Point, check_grid, value_json
from engine.sim.jsonkeys import Key, Table, build
from engine.sim.pool import local_workers, run_tasks, tapered
from engine.sim.runs import RunResult
from engine.sim.stats import ENSEMBLE, SUMMARY, Ensemble
from engine.sim.tasks import Task, digest_of, forget, job_for
from engine.timeline.state import Reading

__all__ = ["SWEEP", "Sweep", "sweep"]

_SMALLEST_CHUNK = 250  # runs per task, at least (fewer: the pool's traffic costs more than the runs)
_TASKS_PER_WORKER = 8  # enough that the last tasks leave no worker idle for long


_AXIS = Table("axis", "a path varied and its values, in order", (
    Key("path", "string", "what varies: an event's field (ID.FIELD) or an uncertain: parameter (uncertain.…)"),
    Key("values", "list", "its values: numbers, or the text given", items="any"),
))
_POINT = Table("point", "one point of the grid and its ensemble, summed up as simulate's JSON is", (
    Key("values", "map", "each path's value at this point", items="any"),
    *SUMMARY,
))
#: ``impasse sweep --format json`` (docs/simulation.md): what :meth:`Sweep.to_dict` builds.
SWEEP = Table("sweep", "A sweep: one seeded ensemble per point of a grid of what-if values and uncertain: "
                       "parameters (docs/simulation.md)", (
    *(k for k in ENSEMBLE.keys if k.key in ("scenario", "seed")),
    Key("runs", "integer", "runs per point"),
    Key("interpretations", "list", "the readings judged, in order (null: the pack's own)", items="string",
        null_items=True),
    Key("vary", "list", "the paths varied, in the order given", of=_AXIS),
    Key("points", "list", "every point of the grid, the first path varying slowest", of=_POINT),
))


@attrs.frozen
class Sweep:
    """The outcome of a sweep: per point, its values and its ensemble summed up (``Ensemble.to_dict``)."""

    scenario: str
    seed: int
    runs: int
    readings: tuple[Reading, ...]
    axes: tuple[Axis, ...]
    points: tuple[tuple[Point, dict[str, Any]], ...]

    def to_dict(self) -> dict[str, Any]:
        """The sweep as JSON-ready data, built through :data:`SWEEP` (its published schema)."""
        return build(SWEEP, {
            "scenario": self.scenario, "seed": self.seed, "runs": self.runs,
            "interpretations": list(self.readings),
            "vary": [{"path": a.path, "values": [value_json(v) for v in a.values]} for a in self.axes],
            "points": [{"values": {path: value_json(v) for path, v in point.values},
                        **{k: v for k, v in summary.items() if k not in ("scenario", "seed", "runs")}}
                       for point, summary in self.points]})


def chunk_size(runs: int, points: int, workers: int) -> int:
    """Runs per task: a whole point when the grid gives every worker enough tasks, else smaller chunks
    (at least :data:`_SMALLEST_CHUNK`), so that about :data:`_TASKS_PER_WORKER` go to each worker."""
    share = math.ceil(runs * points / (max(1, workers) * _TASKS_PER_WORKER))
    return max(1, min(runs, max(_SMALLEST_CHUNK, share)))


def sweep(scenario: Scenario, grid: Grid, runs: int, seed: int, *, workers: int = 1,
          interpretations: Sequence[str] | None = None, client: Any = None,
          progress: Callable[[int], None] | None = None, chunk: int | None = None) -> Sweep:
    """Run one ensemble of ``runs`` runs at each point of ``grid``.

    Args:
        scenario: a scenario with an ``uncertain:`` section.
        grid: the axes (:func:`engine.sim.grid.parse_vary`); every point is checked before any run.
        runs: runs per point.
        seed: the sweep's seed (see the module's docstring for a run's generator).
        workers: local processes (1: this one), as :func:`engine.sim.ensemble.simulate` takes them.
        interpretations: readings to judge instead of the scenario's.
        client: a Dask ``distributed.Client``: the runs go to its cluster instead.
        progress: called with the number of runs finished so far, over all points.
        chunk: runs per task (default: :func:`chunk_size`); the results do not depend on it.

    Returns:
        The :class:`Sweep`, identical for the same seed whatever the executor and ``workers``.

    Raises:
        ScenarioError: a point whose values the scenario refuses.
    """
    points = check_grid(scenario, grid)
    interps = tuple(interpretations) if interpretations else None
    readings = law_for(scenario, interps).readings
    if client is not None:
        from engine.sim.cluster import worker_count

        workers = worker_count(client)
    size = chunk or chunk_size(runs, len(points), local_workers(workers, len(points) * runs))
    digest = digest_of(scenario, interps)
    tasks: list[Task] = []
    owner: list[int] = []  # the point of each task
    count = local_workers(workers, len(points) * runs) if client is None else workers
    per_point: dict[int, int] = {}  # tasks of each point
    for k, point in enumerate(points):
        job = job_for(scenario, interps, point, digest)
        # the last points' chunks shrink, so that no worker waits long for the others at the end
        chunks = tapered(runs, size, count, after=runs * (len(points) - 1 - k))
        per_point[point.index] = len(chunks)
        for part in chunks:
            tasks.append(Task(job, f"{seed}:{point.label}", tuple(part)))
            owner.append(point.index)
    parts: dict[int, dict[int, list[RunResult]]] = {}
    summaries: list[dict[str, Any] | None] = [None] * len(points)
    done = 0
    try:
        for i, results in run_tasks(tasks, workers=workers, client=client):
            p = owner[i]
            got = parts.setdefault(p, {})
            got[i] = results
            done += len(results)
            if len(got) == per_point[p]:  # the point's runs are all in: sum it up and let its results go
                ordered = tuple(r for k in sorted(got) for r in got[k])
                summaries[p] = Ensemble(scenario.id, seed, readings, ordered).to_dict()
                del parts[p]
            if progress:
                progress(done)
    finally:
        forget()  # the simulators and memos this process built for the points: they hold every state met
    return Sweep(scenario.id, seed, runs, readings, grid.axes,
                 tuple((point, summary) for point, summary in zip(points, summaries, strict=True) if summary))
