"""Hypothesis strategies for thresholds and counts, to property-test your own rule sets.

Like ``hypothesis.strategies``, this module is public. It needs Hypothesis installed (the
``test`` extra); nothing else in ``engine`` imports it. Every strategy draws *valid* values only:
fractions in (0, 1], no ``more than 1/1``, counts that can coexist, and combinations already
flattened the way the parser builds them, so ``parse_threshold(render(t)) == t`` for every ``t``
drawn. By default share clauses measure the question's subject, as the older strategies did; ask
for clauses that name their own (``... vote against``) with ``subjects=`` and for
``more votes in favour than against`` with ``versus=``. Example::

    from hypothesis import given
    from engine import strategies as ist
    from engine.rules.thresholds import Base, Counted, Subject, evaluate, required_count

    # thresholds that measure only the members present, so the required count is meaningful
    QUORUMS = ist.thresholds(bases=(Base.ALL_MEMBERS, Base.SITTING_MEMBERS), counted=(Counted.MEMBERS,))

    @given(QUORUMS, ist.counts())
    def test_required_count_is_the_line(threshold, counts):
        met = evaluate(threshold, counts, Subject.PRESENT).satisfied
        assert met == (counts.present >= required_count(threshold, counts))
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from engine.rules.thresholds import (
    Base,
    Combined,
    Comparator,
    Count,
    Counted,
    Counts,
    Op,
    Share,
    Subject,
    Threshold,
    Versus,
    render,
)

__all__ = [
    "SUBJECTS",
    "count_clauses",
    "counts",
    "fractions",
    "shares",
    "threshold_texts",
    "thresholds",
    "versus_clauses",
]

#: the subjects a share clause can name; ``None`` means the question's own
SUBJECTS: tuple[Subject | None, ...] = (None, *Subject)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidArgument(message)


def _choices(name: str, values: Sequence) -> tuple:
    values = tuple(values)
    _check(bool(values), f"{name} must not be empty")
    return values


def fractions(max_denominator: int = 12) -> st.SearchStrategy[Fraction]:
    """Fractions ``f`` with ``0 < f <= 1`` and a denominator of at most ``max_denominator``.

    Shrinks towards ``1``; ``1/2``, ``2/3`` and ``3/5`` are all reachable with the default.
    """
    _check(isinstance(max_denominator, int) and max_denominator >= 1,
           f"max_denominator={max_denominator!r} must be a whole number >= 1")
    return st.integers(1, max_denominator).flatmap(
        lambda d: st.integers(1, d).map(lambda n: Fraction(n, d)))


def shares(
    bases: Sequence[Base] = tuple(Base),
    *,
    comparators: Sequence[Comparator] = tuple(Comparator),
    max_denominator: int = 12,
    max_offset: int = 3,
    subjects: Sequence[Subject | None] = (None,),
) -> st.SearchStrategy[Share]:
    """``more than / at least F of BASE [plus K] [SUBJECT]`` clauses.

    Args:
        bases: the bases to draw from.
        comparators: the comparators to draw from.
        max_denominator: largest denominator of ``F``.
        max_offset: largest ``K`` (0 for no ``plus`` clause).
        subjects: the subjects a clause names (``vote against`` is :attr:`Subject.NO`); ``None``
            draws clauses that measure the question's subject. :data:`SUBJECTS` holds them all.
    """
    bases = _choices("bases", bases)
    comparators = _choices("comparators", comparators)
    subjects = _choices("subjects", subjects)
    _check(max_offset >= 0, f"max_offset={max_offset!r} must not be negative")

    def build(comparator: Comparator, fraction: Fraction, base: Base, offset: int, subject: Subject | None) -> Share:
        # 'more than 1/1' can never be met and is refused by Share: read it as 'at least 1/1'
        if comparator is Comparator.MORE_THAN and fraction == 1:
            comparator = Comparator.AT_LEAST
        return Share(comparator, fraction, base, offset, subject)

    return st.builds(build, st.sampled_from(comparators), fractions(max_denominator), st.sampled_from(bases),
                     st.integers(0, max_offset), st.sampled_from(subjects))


def versus_clauses(sides: Sequence[Subject] = (Subject.YES, Subject.NO)) -> st.SearchStrategy[Versus]:
    """``more votes in favour than against`` (``Subject.YES``) and ``more votes against than in favour`` (``NO``)."""
    sides = _choices("sides", sides)
    _check(all(side in (Subject.YES, Subject.NO) for side in sides), f"sides={sides!r} must be Subject.YES or NO")
    return st.builds(Versus, st.sampled_from(sides))


def count_clauses(
    max_number: int = 200,
    *,
    counted: Sequence[Counted] = tuple(Counted),
    comparators: Sequence[Comparator] = tuple(Comparator),
) -> st.SearchStrategy[Count]:
    """``more than / at least N COUNTED`` clauses with ``0 <= N <= max_number``."""
    _check(max_number >= 0, f"max_number={max_number!r} must not be negative")
    return st.builds(Count, st.sampled_from(_choices("comparators", comparators)), st.integers(0, max_number),
                     st.sampled_from(_choices("counted", counted)))


def thresholds(
    max_leaves: int = 4,
    *,
    bases: Sequence[Base] = tuple(Base),
    counted: Sequence[Counted] = tuple(Counted),
    max_number: int = 200,
    subjects: Sequence[Subject | None] = (None,),
    versus: Sequence[Subject] = (),
) -> st.SearchStrategy[Threshold]:
    """Any threshold: clauses joined by ``and`` / ``or``, nested, flattened as the parser makes them.

    Args:
        max_leaves: most clauses in one threshold (1 gives single clauses only).
        bases: bases for share clauses.
        counted: what whole-number clauses count; empty for shares only.
        max_number: largest ``N`` of a whole-number clause.
        subjects: the subjects share clauses name, as in :func:`shares`.
        versus: the sides of ``more votes ... than ...`` clauses; empty (the default) for none.
    """
    _check(max_leaves >= 1, f"max_leaves={max_leaves!r} must be >= 1")
    leaves: st.SearchStrategy[Threshold] = shares(bases, subjects=subjects)
    if tuple(counted):
        leaves = st.one_of(leaves, count_clauses(max_number, counted=counted))
    if tuple(versus):
        leaves = st.one_of(leaves, versus_clauses(versus))
    if max_leaves == 1:
        return leaves

    def combine(children: st.SearchStrategy[Threshold]) -> st.SearchStrategy[Threshold]:
        return st.builds(_combined, st.sampled_from(Op), st.lists(children, min_size=2, max_size=3))

    return st.recursive(leaves, combine, max_leaves=max_leaves)


def _combined(op: Op, parts: list[Threshold]) -> Combined:
    # the parser flattens 'a and (b and c)' into one 'and' of three parts; so do we
    flat: list[Threshold] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Combined) and part.op is op else [part])
    return Combined(op, tuple(flat))


def threshold_texts(max_leaves: int = 4, **kwargs: object) -> st.SearchStrategy[str]:
    """Canonical threshold text, as :func:`engine.rules.thresholds.render` writes it.

    Takes the arguments of :func:`thresholds`.
    """
    return thresholds(max_leaves, **kwargs).map(render)  # type: ignore[arg-type]


@st.composite
def counts(
    draw: st.DrawFn,
    max_members: int = 250,
    votes: bool = True,
    *,
    min_members: int = 1,
    vacancies: bool = True,
    ballots: bool = False,
) -> Counts:
    """Counts that can coexist: sitting <= members, present <= sitting, all the votes <= present.

    Args:
        max_members: largest statutory size of the body.
        votes: draw ``yes``, ``no`` and ``abstain`` too (otherwise ``yes`` is None).
        min_members: smallest statutory size.
        vacancies: draw a number of sitting members below the statutory size (otherwise
            ``sitting`` is None, meaning every seat is filled).
        ballots: draw ``blank`` and ``invalid`` ballots too (otherwise none).
    """
    _check(1 <= min_members <= max_members, f"need 1 <= min_members <= max_members (got {min_members}, {max_members})")
    members = draw(st.integers(min_members, max_members))
    sitting = draw(st.integers(0, members)) if vacancies else None
    seated = members if sitting is None else sitting
    present = draw(st.integers(0, seated))
    if not votes:
        return Counts(members, sitting, present)
    yes = draw(st.integers(0, present))
    no = draw(st.integers(0, present - yes))
    abstain = draw(st.integers(0, present - yes - no))
    if not ballots:
        return Counts(members, sitting, present, yes, no, abstain)
    blank = draw(st.integers(0, present - yes - no - abstain))
    invalid = draw(st.integers(0, present - yes - no - abstain - blank))
    return Counts(members, sitting, present, yes, no, abstain, blank, invalid)
