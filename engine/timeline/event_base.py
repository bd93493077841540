"""The fields every event has (:class:`Event`) and the checks the event modules share."""

from __future__ import annotations

from datetime import date, time
from typing import Any, ClassVar

import attrs

__all__ = ["Event", "nonempty", "texts"]


def nonempty(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """An attrs validator: the value must not be empty."""
    if not value:
        msg = f"'{attribute.name}' must not be empty"
        raise ValueError(msg)


def texts(value: Any) -> tuple[str, ...]:
    """One text or several, as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True, cache_hash=True)
class Event:
    """Fields every event has. Subclasses add their own; ``TYPE`` is the name used in files."""

    TYPE: ClassVar[str] = ""
    #: fields whose values name parties of the scenario (checked by the scenario loader)
    PARTY_FIELDS: ClassVar[tuple[str, ...]] = ("party", "parties")
    #: fields that map parties to counts
    PARTY_KEYED: ClassVar[tuple[str, ...]] = ("seats", "votes", "present_by_party", "seats_to")
    at: date
    source: tuple[str, ...] = attrs.field(converter=texts, validator=nonempty)
    note: str | None = None
    id: str | None = None
    time: time | None = None

    @property
    def type(self) -> str:
        return self.TYPE
