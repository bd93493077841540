"""Events of a government's formation: mandates to form one given, returned and extended, caretakers
appointed, governments resigning (registered with the others in :mod:`engine.timeline.events`)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

import attrs

from engine.timeline.event_base import Event

__all__ = ["CaretakerAppointed", "GovernmentResigned", "MandateExtended", "MandateGiven", "MandateReturned"]


def _rank(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    if value < 1:
        msg = f"'{attribute.name}' must be 1 or more: the first mandate is 1 (got {value})"
        raise ValueError(msg)


#: what ``_rank`` checks, for the files' JSON Schema (engine/files/schema.py)
_RANK = {"minimum": 1}


@attrs.frozen(kw_only=True, cache_hash=True)
class MandateGiven(Event):
    """A mandate to form a government given by ``by`` to ``to`` of ``party``; ``rank``: 1st, 2nd... since the poll."""

    TYPE: ClassVar[str] = "mandate_given"
    rank: int = attrs.field(validator=_rank, metadata=_RANK)
    to: str | None = None
    party: str | None = None
    by: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class MandateReturned(Event):
    """The mandate of ``rank`` handed back unfulfilled (``deemed``: the law holds it returned)."""

    TYPE: ClassVar[str] = "mandate_returned"
    rank: int = attrs.field(validator=_rank, metadata=_RANK)
    deemed: bool = False


@attrs.frozen(kw_only=True, cache_hash=True)
class MandateExtended(Event):
    """The mandate of ``rank`` given more time: its period now ends on ``until``."""

    TYPE: ClassVar[str] = "mandate_extended"
    rank: int = attrs.field(validator=_rank, metadata=_RANK)
    until: date
    by: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class CaretakerAppointed(Event):
    """A caretaker government under ``head``, appointed by ``by`` to hold an election."""

    TYPE: ClassVar[str] = "caretaker_appointed"
    head: str | None = None
    by: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class GovernmentResigned(Event):
    """The government resigns (``deemed``: the law holds it to have resigned)."""

    TYPE: ClassVar[str] = "government_resigned"
    head: str | None = None
    deemed: bool = False
