"""The grid of a sweep: ``--vary PATH=RANGE`` read into axes, their points, and a point applied to a scenario.

A PATH is a what-if path (``EVENT-ID.FIELD``, as ``impasse whatif --set`` takes it) or a parameter of the
``uncertain:`` section (``uncertain.defection.PARTY.weekly``, ``uncertain.happens.EVENT.probability``,
``uncertain.delay.EVENT.min|max|mode``, ``uncertain.talks.PARTY+PARTY.weekly``). A RANGE is
``A..B`` (integers, both ends included), ``A..B:STEP``, decimals in any of them (read as exact
fractions, so ``0..0.3:0.05`` has exactly seven values and ends at 0.3), or a comma list ``a,b,c``.

Values stay exact (:class:`~fractions.Fraction`) until they reach the scenario: an event's field gets
the value's text read as YAML, as ``--set`` does; a probability becomes the float the seeded
generator draws against (``uncertain:`` probabilities are floats, see :mod:`engine.files.uncertain`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from fractions import Fraction

import attrs

from engine.crisis import law_for
from engine.errors import ScenarioError
from engine.files.scenarios import Scenario
from engine.files.uncertain import Uncertainty
from engine.sim.whatif import Variant, apply_variant, parse_variant
from engine.timeline.replay import replay

__all__ = ["MAX_POINTS", "Axis", "Grid", "Point", "Value", "apply_point", "check_grid", "parse_range",
           "parse_vary", "value_json", "value_text"]

#: the most points a sweep's grid may have: each is an ensemble of its own
MAX_POINTS = 10_000

Value = Fraction | str
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_RANGE = re.compile(rf"\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*(?::\s*({_NUMBER})\s*)?")
_PROBABILITIES = {("defection", "weekly"), ("happens", "probability"), ("talks", "weekly")}
_DAYS = {("delay", "min"), ("delay", "max"), ("delay", "mode")}


def _fail(path: str | None, reason: str) -> ScenarioError:
    return ScenarioError(reason, field=f"--vary {path}" if path else "--vary")


@attrs.frozen
class Axis:
    """One ``--vary``: a path and the values it takes, in order."""

    path: str
    values: tuple[Value, ...]


@attrs.frozen
class Point:
    """One point of the grid: its position (row-major, the last axis fastest) and each path's value."""

    index: int
    values: tuple[tuple[str, Value], ...]

    @property
    def label(self) -> str:
        """``PATH=VALUE;PATH=VALUE``: what the point's runs are seeded by, beside the seed and the run."""
        return ";".join(f"{path}={value_text(v)}" for path, v in self.values)


@attrs.frozen
class Grid:
    """The axes of a sweep; its points are every combination of their values."""

    axes: tuple[Axis, ...]

    @property
    def size(self) -> int:
        n = 1
        for axis in self.axes:
            n *= len(axis.values)
        return n

    def points(self) -> list[Point]:
        paths = [a.path for a in self.axes]
        return [Point(i, tuple(zip(paths, combo, strict=True)))
                for i, combo in enumerate(itertools.product(*(a.values for a in self.axes)))]


def value_text(value: Value) -> str:
    """A value as written: ``60``, ``0.05``, ``1/3`` (a fraction with no finite decimal), or the text given."""
    if isinstance(value, str):
        return value
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    for prime in (2, 5):
        while d % prime == 0:
            d //= prime
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    sign, whole = ("-" if value < 0 else ""), abs(value) * 10**places
    digits = str(whole.numerator).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def value_json(value: Value) -> int | float | str:
    """A value in JSON: an integer, a number, or the text given."""
    if isinstance(value, str):
        return value
    return value.numerator if value.denominator == 1 else float(value)


def parse_range(text: str, path: str | None = None) -> tuple[Value, ...]:
    """The values of a RANGE: ``A..B``, ``A..B:STEP`` or ``a,b,c`` (see the module's docstring).

    Raises:
        ScenarioError: an empty range, a step that is not positive, more than :data:`MAX_POINTS`
            values, or an empty item in a list.
    """
    m = _RANGE.fullmatch(text)
    if m is not None:
        low, high = Fraction(m.group(1)), Fraction(m.group(2))
        step = Fraction(m.group(3)) if m.group(3) else Fraction(1)
        if step <= 0:
            raise _fail(path, f"the step must be more than 0 (got {m.group(3)})")
        if high < low:
            raise _fail(path, f"{text.strip()} is empty: {m.group(2)} is below {m.group(1)}")
        count = int((high - low) // step) + 1
        if count > MAX_POINTS:
            raise _fail(path, f"{text.strip()} has {count:,} values; at most {MAX_POINTS:,}")
        return tuple(low + k * step for k in range(count))
    if ".." in text:
        raise _fail(path, f"expected A..B or A..B:STEP with numbers (got {text!r})")
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise _fail(path, f"expected A..B, A..B:STEP or a list a,b,c (got {text!r})")
    if len(items) > MAX_POINTS:
        raise _fail(path, f"{len(items):,} values; at most {MAX_POINTS:,}")
    return tuple(Fraction(item) if re.fullmatch(_NUMBER, item) else item for item in items)


def parse_vary(texts: Sequence[str]) -> Grid:
    """The grid of ``--vary PATH=RANGE`` options (at most :data:`MAX_POINTS` points in all).

    Raises:
        ScenarioError: a malformed option, a path given twice, a bad range, or too many points.
    """
    if not texts:
        raise _fail(None, "give at least one --vary PATH=RANGE")
    axes: list[Axis] = []
    for text in texts:
        path, sep, spec = text.partition("=")
        path = path.strip()
        if not sep or not path or "." not in path:
            raise _fail(None, f"expected PATH=RANGE, PATH being EVENT-ID.FIELD or uncertain.… (got {text!r})")
        if any(a.path == path for a in axes):
            raise _fail(path, "given twice")
        axes.append(Axis(path, parse_range(spec, path)))
    grid = Grid(tuple(axes))
    if grid.size > MAX_POINTS:
        raise _fail(None, f"the grid has {grid.size:,} points; at most {MAX_POINTS:,}")
    return grid


def apply_point(scenario: Scenario, point: Point) -> Scenario:
    """The scenario at this point: what-if paths set as ``--set`` sets them, ``uncertain.`` paths replaced.

    Raises:
        ScenarioError: an unknown event, field or parameter, or a value it refuses (naming ``--vary PATH``).
    """
    uncertain = scenario.uncertain
    for path, value in point.values:
        if path.startswith("uncertain."):
            uncertain = _set_uncertain(uncertain, path, value)
            continue
        try:  # one at a time, so that an error names its path
            sets = parse_variant(sets=(f"{path}={value_text(value)}",)).sets
            scenario = apply_variant(scenario, Variant(sets=sets))
        except ScenarioError as exc:
            raise _fail(path, exc.reason) from None
    if uncertain is not scenario.uncertain:
        _check_delays(uncertain)
        scenario = attrs.evolve(scenario, uncertain=uncertain)
    return scenario


def check_grid(scenario: Scenario, grid: Grid) -> list[Point]:
    """The grid's points, each checked against the scenario (every value applied once, before any run).

    Raises:
        ScenarioError: as :func:`apply_point`, for the first point that fails.
    """
    points = grid.points()
    for point in points:
        _refuse_impossible(apply_point(scenario, point), point)
    return points


def _refuse_impossible(changed: Scenario, point: Point) -> None:
    """A point whose values make an event it sets impossible (120 present while 55 boycott, say) is a
    bad point, refused as ``whatif --set`` refuses it: its runs would only skip that event and report
    numbers for a crisis that cannot happen."""
    edited = {path.split(".", 1)[0]: path for path, _ in point.values if not path.startswith("uncertain.")}
    if not edited:
        return
    for event, reason in replay(changed.events, law_for(changed, None), lenient=True).skipped:
        path = edited.get(event.id or "")
        if path is not None:
            raise _fail(path, f"at {point.label} {event.id} ({event.at.isoformat()}) can't happen: {reason}")


def _set_uncertain(u: Uncertainty, path: str, value: Value) -> Uncertainty:
    parts = path.split(".")
    if len(parts) != 4 or (parts[1], parts[3]) not in _PROBABILITIES | _DAYS:
        raise _fail(path, "expected uncertain.defection.PARTY.weekly, uncertain.happens.EVENT.probability, "
                    "uncertain.delay.EVENT.min|max|mode or uncertain.talks.PARTY+PARTY.weekly")
    _, section, name, field = parts
    if isinstance(value, str):
        raise _fail(path, f"{value!r} is not a number")
    if (section, field) in _PROBABILITIES and not 0 <= value <= 1:
        raise _fail(path, f"must be a probability between 0 and 1 (got {value_text(value)})")
    if (section, field) in _DAYS and value.denominator != 1:
        raise _fail(path, f"must be a whole number of days (got {value_text(value)})")
    entries = getattr(u, section)
    keys = [_key(section, entry) for entry in entries]
    if name not in keys:
        known = ", ".join(keys) or "none"
        raise _fail(path, f"the scenario's uncertain.{section} has no {name!r} (it has: {known})")
    attribute = {"from": "start", "min": "low", "max": "high"}.get(field, field)
    new = float(value) if (section, field) in _PROBABILITIES else int(value)
    changed = tuple(attrs.evolve(e, **{attribute: new}) if k == name else e for e, k in zip(entries, keys, strict=True))
    return attrs.evolve(u, **{section: changed})  # type: ignore[arg-type]


def _key(section: str, entry: object) -> str:
    if section == "defection":
        return entry.party  # type: ignore[attr-defined]
    if section == "talks":
        return "+".join(entry.parties)  # type: ignore[attr-defined]
    return entry.event  # type: ignore[attr-defined]


def _check_delays(u: Uncertainty) -> None:
    for d in u.delay:
        if d.high < d.low or (d.mode is not None and not d.low <= d.mode <= d.high):
            where = f"uncertain.delay.{d.event}"
            raise _fail(where, f"needs min <= mode <= max (got {d.low}, {d.mode}, {d.high})")
