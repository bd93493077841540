"""What a threshold is made of: its three kinds of node, their words, and the counts they are judged against.

* :class:`Share` — a share of a base: ``more than 1/2 of all members``,
  ``at least 1/2 of all members plus 1``. It measures the *subject* of the question.
* :class:`Count` — a whole number of something: ``at least 120 members present``.
* :class:`Combined` — ``and`` / ``or`` of other nodes.

:mod:`engine.rules.thresholds` parses, evaluates and renders them, and is where they are imported from.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from fractions import Fraction

import attrs

from engine.errors import CountsError

__all__ = ["Base", "Combined", "Comparator", "Count", "Counted", "Counts", "Op", "Share", "Subject", "Threshold"]


class Comparator(enum.Enum):
    """How a count is compared with a share or number."""

    MORE_THAN = "more than"
    AT_LEAST = "at least"


class Base(enum.Enum):
    """What a share is a share of."""

    ALL_MEMBERS = "all members"  # the statutory size of the body
    SITTING_MEMBERS = "sitting members"  # seats currently filled
    MEMBERS_PRESENT = "members present"
    MEMBERS_VOTING = "members voting"  # yes + no + abstain
    VOTES_CAST = "votes cast"  # yes + no


class Counted(enum.Enum):
    """What a whole-number clause counts."""

    MEMBERS = "members"  # the subject: members present (quorum) or votes in favour (decision)
    MEMBERS_PRESENT = "members present"
    SITTING_MEMBERS = "sitting members"
    MEMBERS_VOTING = "members voting"
    VOTES_CAST = "votes cast"
    VOTES_IN_FAVOUR = "votes in favour"


class Subject(enum.Enum):
    """What a question measures: attendance (quorum) or support (decision)."""

    PRESENT = "present"
    YES = "yes"


def _nonneg(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and value < 0:
        msg = f"{attribute.name!r} must be >= 0 (got {value})"
        raise CountsError(msg)


def _opt_int(value: object) -> int | None:
    return None if value is None else value  # type: ignore[return-value]


@attrs.frozen
class Counts:
    """The numbers a threshold is judged against.

    Args:
        all_members: statutory size of the body.
        sitting: seats currently filled (defaults to ``all_members``).
        present: members present, if known.
        yes, no, abstain: votes, for decisions.

    Raises:
        CountsError: for a negative count or numbers that cannot coexist
            (more present than sitting, more votes than members present).
    """

    all_members: int = attrs.field(validator=[attrs.validators.instance_of(int), _nonneg])
    sitting: int | None = attrs.field(default=None, validator=_nonneg)
    present: int | None = attrs.field(default=None, validator=_nonneg)
    yes: int | None = attrs.field(default=None, validator=_nonneg)
    no: int = attrs.field(default=0, validator=_nonneg)
    abstain: int = attrs.field(default=0, validator=_nonneg)

    def __attrs_post_init__(self) -> None:
        if self.sitting is not None and self.sitting > self.all_members:
            msg = f"sitting members ({self.sitting}) exceed all members ({self.all_members})"
            raise CountsError(msg)
        if self.present is not None and self.present > self.seated:
            msg = f"members present ({self.present}) exceed the {self.seated} sitting members"
            raise CountsError(msg)
        voting = self.voting
        limit = self.present if self.present is not None else self.seated
        if voting is not None and voting > limit:
            what = "members present" if self.present is not None else "sitting members"
            msg = (
                f"yes + no + abstain ({voting}) exceed the {limit} {what}"
            )
            raise CountsError(msg)

    @property
    def seated(self) -> int:
        """Seats filled: ``sitting`` if given, else the statutory size."""
        return self.all_members if self.sitting is None else self.sitting

    @property
    def voting(self) -> int | None:
        """Members voting (yes + no + abstain), or None when ``yes`` is unknown."""
        return None if self.yes is None else self.yes + self.no + self.abstain

    @property
    def cast(self) -> int | None:
        """Votes cast (yes + no), or None when ``yes`` is unknown."""
        return None if self.yes is None else self.yes + self.no


@attrs.frozen
class Share:
    """``COMPARATOR FRACTION of BASE [plus OFFSET]``, measured on the question's subject."""

    comparator: Comparator
    fraction: Fraction = attrs.field(converter=Fraction)
    base: Base
    offset: int = 0

    def __attrs_post_init__(self) -> None:
        if not 0 < self.fraction <= 1:
            msg = f"fraction must be in (0, 1] (got {self.fraction})"
            raise ValueError(msg)
        if self.comparator is Comparator.MORE_THAN and self.fraction == 1:
            msg = "'more than 1/1' can never be met"
            raise ValueError(msg)
        if self.offset < 0:
            msg = f"offset must be >= 0 (got {self.offset})"
            raise ValueError(msg)


@attrs.frozen
class Count:
    """``COMPARATOR NUMBER COUNTED``: a whole number of members or votes."""

    comparator: Comparator
    number: int
    counted: Counted

    def __attrs_post_init__(self) -> None:
        if self.number < 0:
            msg = f"number must be >= 0 (got {self.number})"
            raise ValueError(msg)


class Op(enum.Enum):
    """How a :class:`Combined` joins its parts."""

    AND = "and"
    OR = "or"


def _parts(parts: Iterable[Threshold]) -> tuple[Threshold, ...]:
    # a named converter, not the bare ``tuple``: type checkers then know what the parts are
    return tuple(parts)


@attrs.frozen
class Combined:
    """``and`` / ``or`` of two or more parts; ``and`` needs every part, ``or`` any."""

    op: Op
    parts: tuple[Threshold, ...] = attrs.field(converter=_parts)

    def __attrs_post_init__(self) -> None:
        if len(self.parts) < 2:
            msg = "a combination needs at least two parts"
            raise ValueError(msg)


Threshold = Share | Count | Combined
