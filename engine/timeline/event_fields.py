"""What event fields share: the words some fields take, and the checks and conversions of values.

Pure values and attrs validators, no event class: :mod:`engine.timeline.events` and the modules that
add event classes of their own build on them.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["BOYCOTT_TARGETS", "OUTCOMES", "RULINGS", "STAGES", "STATUSES", "AtLeast", "OneOf", "Tally"]

STAGES = ("preliminary", "official", "final")
STATUSES = ("planned", "held", "cancelled")
BOYCOTT_TARGETS = ("parliament", "talks", "election", "government")
RULINGS = ("rejected", "upheld", "partly_upheld", "dismissed")
OUTCOMES = ("adopted", "rejected")


@attrs.frozen
class AtLeast:
    """An attrs validator: a number, if given, is at least ``minimum`` (kept, for the files' JSON Schema)."""

    minimum: int

    def __call__(self, instance: Any, attribute: attrs.Attribute, value: int | None) -> None:
        if value is not None and value < self.minimum:
            msg = f"'{attribute.name}' must be >= {self.minimum} (got {value})"
            raise ValueError(msg)


@attrs.frozen
class OneOf:
    """An attrs validator: a word, if given, is one of ``options`` (kept, for the files' JSON Schema)."""

    options: tuple[str, ...]

    def __call__(self, instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
        if value is not None and value not in self.options:
            import difflib

            hint = difflib.get_close_matches(str(value), self.options, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            msg = f"'{attribute.name}' must be one of {', '.join(self.options)} (got {value!r}){extra}"
            raise ValueError(msg)


_nonneg = AtLeast(0)
_one_of = OneOf


def _count_range(instance: Any, attribute: attrs.Attribute, value: int | None) -> None:
    """``count_max``: the highest count conflicting sources give, with ``count`` the lowest."""
    if value is not None and (instance.count is None or value < instance.count):
        msg = (f"'{attribute.name}' ({value}) needs a 'count' no larger ({instance.count}): the sources' "
               "lowest count is 'count', their highest 'count_max'")
        raise ValueError(msg)


def _tally(instance: Any, attribute: attrs.Attribute, value: tuple[tuple[str, int], ...]) -> None:
    for party, n in value:
        if n < 0:
            msg = f"'{attribute.name}' of {party} must be >= 0 (got {n})"
            raise ValueError(msg)


def _pairs(value: Any) -> tuple[tuple[str, int], ...]:
    """A party → count mapping kept as a sorted tuple of pairs (hashable, order-free)."""
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return tuple(sorted(tuple(p) for p in value))


Tally = tuple[tuple[str, int], ...]
