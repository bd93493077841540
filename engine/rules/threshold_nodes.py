"""What a threshold is made of: its four kinds of node, their words, and the counts they are judged against.

* :class:`Share` — a share of a base: ``more than 1/2 of all members``,
  ``at least 1/2 of all members plus 1``. It measures the *subject* of the question, unless it
  names its own: ``more than 1/2 of members in office vote against``.
* :class:`Count` — a whole number of something: ``at least 120 members present``.
* :class:`Versus` — one side against the other: ``more votes in favour than against``.
* :class:`Combined` — ``and`` / ``or`` of other nodes.

:mod:`engine.rules.thresholds` parses, evaluates and renders them, and is where they are imported from.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from fractions import Fraction

import attrs

from engine.errors import CountsError

__all__ = ["Base", "Combined", "Comparator", "Count", "Counted", "Counts", "Op", "Share", "Subject", "Threshold",
           "Versus"]


class Comparator(enum.Enum):
    """How a count is compared with a share or number."""

    MORE_THAN = "more than"
    AT_LEAST = "at least"


class Base(enum.Enum):
    """What a share is a share of.

    ``members in office`` and ``sitting members`` are two spellings of one base (seats filled,
    vacancies out); they are two members so that each renders as it was written, and rules and
    answers written with the older ``sitting members`` read as before.
    """

    ALL_MEMBERS = "all members"  # the statutory size of the body
    MEMBERS_IN_OFFICE = "members in office"  # seats currently filled
    SITTING_MEMBERS = "sitting members"  # the older spelling of members in office
    MEMBERS_PRESENT = "members present"
    MEMBERS_VOTING = "members voting"  # yes + no + abstain + blank + invalid: everyone who took part
    VOTES_CAST = "votes cast"  # yes + no + blank + invalid: every ballot, abstentions out
    VALID_VOTES = "valid votes"  # yes + no: blank and invalid ballots out too


class Counted(enum.Enum):
    """What a whole-number clause counts."""

    MEMBERS = "members"  # the subject: members present (quorum) or votes in favour (decision)
    MEMBERS_PRESENT = "members present"
    MEMBERS_IN_OFFICE = "members in office"
    SITTING_MEMBERS = "sitting members"
    MEMBERS_VOTING = "members voting"
    VOTES_CAST = "votes cast"
    VALID_VOTES = "valid votes"
    VOTES_IN_FAVOUR = "votes in favour"
    VOTES_AGAINST = "votes against"


class Subject(enum.Enum):
    """What a question measures: attendance (quorum), support (decision), or another count of the vote.

    A share clause without a subject of its own measures the question's; one that names its own
    (``... vote against``) measures that, whatever the question's.
    """

    PRESENT = "present"  # members present
    YES = "yes"  # votes in favour
    NO = "no"  # votes against
    CAST = "cast"  # votes cast: yes + no + blank + invalid
    VALID = "valid"  # valid votes: yes + no


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
        yes, no, abstain: votes, for decisions (``yes`` may be unknown; ``no`` and ``abstain``
            default to none).
        blank, invalid: blank and invalid ballots (none unless given): they are votes cast but not
            valid votes.

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
    blank: int = attrs.field(default=0, validator=_nonneg)
    invalid: int = attrs.field(default=0, validator=_nonneg)

    def __attrs_post_init__(self) -> None:
        if self.sitting is not None and self.sitting > self.all_members:
            msg = f"sitting members ({self.sitting}) exceed all members ({self.all_members})"
            raise CountsError(msg)
        if self.present is not None and self.present > self.seated:
            msg = f"members present ({self.present}) exceed the {self.seated} sitting members"
            raise CountsError(msg)
        # the votes known (all of them when yes is given) can never outnumber those who could vote
        names = ["yes"] * (self.yes is not None) + ["no", "abstain"] + ["blank"] * bool(self.blank) + \
            ["invalid"] * bool(self.invalid)
        known = sum(getattr(self, name) for name in names)
        limit = self.present if self.present is not None else self.seated
        if known > limit:
            what = "members present" if self.present is not None else "sitting members"
            msg = f"{' + '.join(names)} ({known}) exceed the {limit} {what}"
            raise CountsError(msg)

    @property
    def seated(self) -> int:
        """Seats filled: ``sitting`` if given, else the statutory size."""
        return self.all_members if self.sitting is None else self.sitting

    @property
    def in_office(self) -> int:
        """Members in office: the seats filled, the same number as :attr:`seated`."""
        return self.seated

    @property
    def voting(self) -> int | None:
        """Members voting (yes + no + abstain + blank + invalid), or None when ``yes`` is unknown."""
        return None if self.yes is None else self.yes + self.no + self.abstain + self.blank + self.invalid

    @property
    def cast(self) -> int | None:
        """Votes cast (yes + no + blank + invalid), or None when ``yes`` is unknown."""
        return None if self.yes is None else self.yes + self.no + self.blank + self.invalid

    @property
    def valid(self) -> int | None:
        """Valid votes (yes + no), or None when ``yes`` is unknown."""
        return None if self.yes is None else self.yes + self.no


@attrs.frozen
class Share:
    """``COMPARATOR FRACTION of BASE [plus OFFSET] [SUBJECT]``.

    Measured on ``subject`` when the clause names one (``... vote against``), else on the question's.
    """

    comparator: Comparator
    fraction: Fraction = attrs.field(converter=Fraction)
    base: Base
    offset: int = 0
    subject: Subject | None = None

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


#: the two sides a :class:`Versus` clause can favour
SIDES = (Subject.YES, Subject.NO)


@attrs.frozen
class Versus:
    """``more votes in favour than against`` (``subject`` YES) or ``more votes against than in favour`` (NO)."""

    subject: Subject

    def __attrs_post_init__(self) -> None:
        if self.subject not in SIDES:
            msg = f"a comparison of sides is won by the votes in favour or against, not {self.subject.value!r}"
            raise ValueError(msg)

    @property
    def other(self) -> Subject:
        """The side the subject must outnumber."""
        return Subject.NO if self.subject is Subject.YES else Subject.YES


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


Threshold = Share | Count | Versus | Combined
