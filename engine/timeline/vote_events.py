"""Events of contests between candidates: a body's ballot to designate or elect one person
(registered with the others in :mod:`engine.timeline.events`)."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from engine.rules.vocabulary import MOTIONS
from engine.timeline.event_base import Event, texts
from engine.timeline.event_fields import AtLeast

__all__ = ["Candidates", "ContestHeld", "candidate_pairs", "structure_candidates"]

#: votes per candidate, sorted by name; a count may be unknown (None)
Candidates = tuple[tuple[str, int | None], ...]


def candidate_pairs(value: Any) -> Candidates:
    """A candidate → votes mapping kept as a sorted tuple of pairs (hashable, order-free)."""
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return tuple(sorted(tuple(p) for p in value))


def structure_candidates(value: Any, _: Any = None) -> Candidates:
    """The cattrs hook for :data:`Candidates`: a mapping of candidate to a whole number or null."""
    if not isinstance(value, dict):
        msg = f"must be a mapping of candidate to a whole number or null (got {value!r})"
        raise TypeError(msg)
    for name, n in value.items():
        if n is not None and (isinstance(n, bool) or not isinstance(n, int)):
            msg = f"{name} must be a whole number or null (got {n!r})"
            raise TypeError(msg)
    return candidate_pairs(value)


_count = AtLeast(0)


def _counts(instance: Any, attribute: attrs.Attribute, value: Candidates) -> None:
    for name, n in value:
        if n is not None and n < 0:
            msg = f"'{attribute.name}' of {name} must be >= 0 (got {n})"
            raise ValueError(msg)


def _held_or_deemed(instance: Any, attribute: attrs.Attribute, value: bool) -> None:
    """A contest held has candidates; one the law deems (a chamber that did not decide) has none."""
    if value and (instance.candidates or instance.winner is not None):
        msg = ("'deemed' is for a contest the law deems (a chamber that did not decide in time): no candidates "
               "and no winner")
        raise ValueError(msg)
    if not value and not instance.candidates:
        msg = "'candidates' must not be empty"
        raise ValueError(msg)


def _motion(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if value not in MOTIONS:
        msg = f"'{attribute.name}' must be one of {', '.join(MOTIONS)} (got {value!r})"
        raise ValueError(msg)


@attrs.frozen(kw_only=True, cache_hash=True)
class ContestHeld(Event):
    """A ballot between candidates in a body: a prime minister designated, a speaker elected.

    ``candidates`` maps each candidate to the votes received (a count may be unknown: null);
    ``nominated`` lists who was nominated, when the body nominates (a candidate with votes nobody
    nominated is then an engine error); ``winner`` is who the body declared designated or elected
    (null: no one, e.g. a first round that leads to a run-off). ``no`` counts votes against a sole
    candidate; ``blank`` and ``invalid`` ballots count as votes cast. ``body`` names the chamber
    (default: the scenario's). Whether the ballot is a run-off the engine derives from the last one.
    ``deemed``: the chamber did not decide within the period its constitution gives it, as a pack's
    consequence derives (Japan, Art. 67(2)): no candidates, no winner.
    """

    TYPE: ClassVar[str] = "contest"
    # the metadata says what the validator checks, for the files' JSON Schema (engine/files/schema.py)
    motion: str = attrs.field(validator=_motion, metadata={"one_of": MOTIONS})
    candidates: Candidates = attrs.field(default=(), converter=candidate_pairs, validator=_counts)
    nominated: tuple[str, ...] = attrs.field(default=(), converter=texts)
    winner: str | None = None
    no: int | None = attrs.field(default=0, validator=_count)
    blank: int | None = attrs.field(default=0, validator=_count)
    invalid: int | None = attrs.field(default=0, validator=_count)
    present: int | None = attrs.field(default=None, validator=_count)
    body: str | None = None
    method: str | None = None
    deemed: bool = attrs.field(default=False, validator=_held_or_deemed)

    @property
    def ballots(self) -> int:
        """The ballots known: every candidate's votes, against, blank and invalid (unknown as none)."""
        return sum(n or 0 for _, n in self.candidates) + (self.no or 0) + (self.blank or 0) + (self.invalid or 0)

    @property
    def unknown(self) -> bool:
        """True if a count the winner depends on is not recorded."""
        return any(n is None for _, n in self.candidates) or self.no is None or self.blank is None or \
            self.invalid is None
