"""What a scenario leaves to chance: the ``uncertain:`` section, as immutable data.

Pure data, read by :mod:`engine.files.scenarios` and used by :mod:`engine.sim.ensemble`. Probabilities are
floats: they drive a seeded random generator, never a constitutional threshold.
"""

from __future__ import annotations

from datetime import date

import attrs

__all__ = ["Defection", "Delay", "Happens", "Talks", "Uncertainty"]


@attrs.frozen
class Defection:
    """Each boycotting member of ``party`` takes their seat with probability ``weekly`` per week."""

    party: str
    weekly: float
    start: date | None = None  # default: from the start of the simulation


@attrs.frozen
class Happens:
    """A recorded (often planned) event happens with ``probability``, on a day drawn uniformly in ``window``."""

    event: str
    probability: float
    window: tuple[date, date] | None = None


@attrs.frozen
class Delay:
    """A recorded event comes ``days`` later, drawn from a triangular law on [low, high] with ``mode``."""

    event: str
    low: int
    high: int
    mode: int | None = None


@attrs.frozen
class Talks:
    """Talks between ``parties`` succeed with probability ``weekly`` each week from ``start``:
    an agreement that ends their boycotts (and, if ``ends_dispute``, their dispute of the results)."""

    parties: tuple[str, ...]
    weekly: float
    start: date | None = None
    ends_dispute: bool = True


@attrs.frozen
class Uncertainty:
    """The uncertain elements of a scenario and the simulation horizon."""

    defection: tuple[Defection, ...] = ()
    happens: tuple[Happens, ...] = ()
    delay: tuple[Delay, ...] = ()
    talks: tuple[Talks, ...] = ()
    horizon: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.defection or self.happens or self.delay or self.talks)
