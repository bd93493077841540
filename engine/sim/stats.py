"""The statistics of an ensemble: Wilson intervals, quantiles, a histogram, and the :class:`Ensemble` summary,
whose JSON is built through the key tables :data:`ENSEMBLE` (a sweep's points reuse :data:`SUMMARY`) that
its published schema is written from."""

from __future__ import annotations

import math
from typing import Any

import attrs

from engine.sim.jsonkeys import Key, Table, build
from engine.sim.runs import RunResult
from engine.timeline.state import Reading

__all__ = ["ENSEMBLE", "SUMMARY", "Ensemble", "Interval", "wilson"]

_Z95 = 1.959963984540054  # the standard normal quantile of a two-sided 95 % interval


@attrs.frozen
class Interval:
    """A proportion with its 95 % Wilson score interval."""

    successes: int
    runs: int
    low: float
    high: float

    @property
    def p(self) -> float:
        return self.successes / self.runs if self.runs else 0.0


def wilson(successes: int, runs: int, z: float = _Z95) -> Interval:
    """The Wilson score interval for ``successes`` out of ``runs``."""
    if runs == 0:
        return Interval(0, 0, 0.0, 1.0)
    p = successes / runs
    denom = 1 + z * z / runs
    centre = (p + z * z / (2 * runs)) / denom
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == runs else min(1.0, centre + half)
    return Interval(successes, runs, low, high)


#: a share of the runs and its interval: the keys every proportion in the output starts with
_SHARE = (
    Key("p", "number", "the share of runs, 0 to 1"),
    Key("low", "number", "the interval's lower bound"),
    Key("high", "number", "the interval's upper bound"),
)
_PROPORTION = Table("proportion", "a share of the runs with its 95 % Wilson interval", (
    *_SHARE,
    Key("successes", "integer", "the runs counted"),
))
_OUTCOME = Table("outcome", "one reading's outcomes", (
    Key("interpretation", "string", "the reading (null: the pack's own)", null=True),
    Key("opened_by_deadline", "object", "the opening sitting met the quorum, and no deadline the opening meets "
                                        "had expired", of=_PROPORTION),
    Key("opened_ever", "object", "by the horizon, the assembly was lawfully constituted", of=_PROPORTION),
    Key("government_lawful", "object", "the government was installed by a lawful vote", of=_PROPORTION),
))
_RESOLVED = Table("resolved", "the share of runs whose impasse was resolved within the horizon", (
    *_SHARE,
    Key("runs", "integer", "the runs resolved"),
))
_DAYS = Table("impasse_days", "days from the poll until the impasse was first resolved, over the runs resolved", (
    Key("resolved", "object", "the runs resolved within the horizon", of=_RESOLVED),
    *(Key(name, "number", about, optional=True) for name, about in (
        ("mean", "the mean (when any run was resolved, as for the keys below)"),
        ("mean_low", "the mean's 95 % interval, lower bound"), ("mean_high", "the mean's 95 % interval, upper bound"),
        ("median", "the median"), ("p10", "the 10th percentile"), ("p90", "the 90th percentile"))),
    Key("min", "integer", "the shortest", optional=True),
    Key("max", "integer", "the longest", optional=True),
))
_BAR = Table("bar", "a bar of the histogram: [low, high, count]", (
    Key("low", "integer", "its first day"), Key("high", "integer", "its last day"),
    Key("count", "integer", "the runs resolved in these days"),
), row=True)
_FIRST_LAST = Table("first_last", "[first, last]", (
    Key("first", "integer", "the first day"), Key("last", "integer", "the last day"),
), row=True)
_FALLBACK_EVENT = Table("fallback_event", "a recorded event that ended runs' impasse", (
    Key("event", "string", "the event's id"),
    Key("runs", "integer", "the runs it ended"),
    Key("days", "object", "the days from the poll it ended them on", of=_FIRST_LAST),
))
_FALLBACK = Table("recorded_fallback", "the runs that reached no resolution of their own and ended as the history "
                                       "did: a recorded event resolved their impasse", (
    Key("runs", "integer", "how many"),
    Key("p", "number", "their share of the runs"),
    Key("events", "list", "per event, most runs first", of=_FALLBACK_EVENT),
))
_MEAN = Table("mean", "a mean per run", (Key("mean", "number", "the mean"),))
#: The keys of an ensemble summed up, beside the scenario, seed and runs: what a sweep's point holds too.
SUMMARY: tuple[Key, ...] = (
    Key("outcomes", "list", "per reading judged, in order", of=_OUTCOME),
    Key("impasse_days", "object", "the impasse's length", of=_DAYS),
    Key("histogram", "list", "the lengths of the runs resolved, in equal-width bars of whole days", of=_BAR),
    Key("defections", "object", "members who took their seats against their party's boycott", of=_MEAN),
    Key("skipped_events", "object", "recorded events that could not happen in a run's history", of=_MEAN),
    Key("recorded_fallback", "object", "runs whose length is the history's, not the model's", of=_FALLBACK),
)
#: ``impasse simulate --format json`` (docs/simulation.md): what :meth:`Ensemble.to_dict` builds.
ENSEMBLE = Table("simulate", "A seeded ensemble: per reading, outcome probabilities with 95 % Wilson intervals; "
                             "the impasse's length (docs/simulation.md)", (
    Key("scenario", "string", "the scenario's id"),
    Key("seed", "integer", "the seed: the same seed gives the same runs, whatever the workers"),
    Key("runs", "integer", "the number of runs"),
    *SUMMARY,
))


@attrs.frozen
class Ensemble:
    """The outcome of many runs: per reading, proportions with Wilson intervals; impasse lengths."""

    scenario: str
    seed: int
    readings: tuple[Reading, ...]
    results: tuple[RunResult, ...]

    @property
    def runs(self) -> int:
        return len(self.results)

    def proportion(self, field: str, reading_index: int) -> Interval:
        hits = sum(1 for r in self.results if getattr(r, field)[reading_index])
        return wilson(hits, self.runs)

    def lengths(self) -> list[int]:
        return sorted(r.impasse_days for r in self.results if r.impasse_days is not None)

    def to_dict(self) -> dict[str, Any]:
        """The ensemble summed up as JSON-ready data, built through :data:`ENSEMBLE` (its published schema)."""
        outcomes = []
        for i, reading in enumerate(self.readings):
            row: dict[str, Any] = {"interpretation": reading}
            for field in ("opened_by_deadline", "opened_ever", "government_lawful"):
                iv = self.proportion(field, i)
                row[field] = {"p": iv.p, "low": iv.low, "high": iv.high, "successes": iv.successes}
            outcomes.append(row)
        lengths = self.lengths()
        resolved = wilson(len(lengths), self.runs)
        summary: dict[str, Any] = {"resolved": {"p": resolved.p, "low": resolved.low, "high": resolved.high,
                                                "runs": len(lengths)}}
        if lengths:
            mean = sum(lengths) / len(lengths)
            sd = math.sqrt(sum((x - mean) ** 2 for x in lengths) / max(1, len(lengths) - 1))
            half = _Z95 * sd / math.sqrt(len(lengths))
            summary.update({"mean": mean, "mean_low": mean - half, "mean_high": mean + half,
                            "median": _quantile(lengths, 0.5), "p10": _quantile(lengths, 0.1),
                            "p90": _quantile(lengths, 0.9), "min": lengths[0], "max": lengths[-1]})
        return build(ENSEMBLE, {
            "scenario": self.scenario, "seed": self.seed, "runs": self.runs, "outcomes": outcomes,
            "impasse_days": summary, "histogram": _histogram(lengths),
            "defections": {"mean": sum(r.defected for r in self.results) / max(1, self.runs)},
            "skipped_events": {"mean": sum(r.skipped for r in self.results) / max(1, self.runs)},
            "recorded_fallback": self.fallback()})

    def fallback(self) -> dict[str, Any]:
        """The runs that reached no resolution of their own and ended as the history did: a recorded
        event resolved their impasse. Their lengths are the history's, not an outcome of the model,
        and they gather in one bar of the histogram; per event, how many runs and on which days."""
        days: dict[str, list[int]] = {}
        for r in self.results:
            if r.resolved_by is not None and r.impasse_days is not None:
                days.setdefault(r.resolved_by, []).append(r.impasse_days)
        ranked = sorted(days.items(), key=lambda item: (-len(item[1]), item[0]))
        events = [{"event": event, "runs": len(found), "days": [min(found), max(found)]} for event, found in ranked]
        runs = sum(len(found) for found in days.values())
        return {"runs": runs, "p": runs / self.runs if self.runs else 0.0, "events": events}


def _histogram(values: list[int], bins: int = 10) -> list[tuple[int, int, int]]:
    """``[(low, high, count)]`` over equal-width bins of whole days; ``values`` are sorted."""
    if not values:
        return []
    low, high = values[0], values[-1]
    width = max(1, math.ceil((high - low + 1) / bins))
    counts = [0] * math.ceil((high - low + 1) / width)
    for v in values:
        counts[(v - low) // width] += 1
    return [(low + i * width, low + (i + 1) * width - 1, n) for i, n in enumerate(counts)]


def _quantile(values: list[int], q: float) -> float:
    """The ``q``-quantile of sorted ``values``, interpolated linearly between the two nearest."""
    pos = q * (len(values) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)

