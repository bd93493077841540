"""Hypothesis strategies for thresholds and counts, to property-test your own rule sets.

Like ``hypothesis.strategies``, this module is public. It needs Hypothesis installed (the
``test`` extra)::

    from hypothesis import given
    from engine import strategies as ist
    from engine.thresholds import evaluate, Subject

    @given(ist.thresholds(), ist.counts())
    def test_my_rule_never_needs_more_than_the_body(threshold, counts):
        ...
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from engine.thresholds import Base, Combined, Comparator, Count, Counted, Counts, Op, Share, render

__all__ = ["count_clauses", "counts", "fractions", "shares", "threshold_texts", "thresholds"]


def fractions(max_denominator: int = 12) -> st.SearchStrategy[Fraction]:
    """Fractions f with 0 < f <= 1."""
    return st.builds(lambda d, n: Fraction(n, d), st.integers(1, max_denominator), st.integers(1, max_denominator)) \
        .filter(lambda f: 0 < f <= 1)


def shares(bases: tuple[Base, ...] = tuple(Base)) -> st.SearchStrategy[Share]:
    """``more than / at least F of BASE [plus K]`` clauses."""
    return st.builds(
        lambda comparator, fraction, base, offset: Share(
            Comparator.AT_LEAST if comparator is Comparator.MORE_THAN and fraction == 1 else comparator,
            fraction, base, offset),
        st.sampled_from(Comparator), fractions(), st.sampled_from(bases), st.integers(0, 3))


def count_clauses(max_number: int = 200) -> st.SearchStrategy[Count]:
    """``more than / at least N COUNTED`` clauses."""
    return st.builds(Count, st.sampled_from(Comparator), st.integers(0, max_number), st.sampled_from(Counted))


def thresholds(max_leaves: int = 4) -> st.SearchStrategy:
    """Any threshold: clauses, combined with ``and`` / ``or`` (flattened, as the parser makes them)."""
    leaves = st.one_of(shares(), count_clauses())

    def combine(children: st.SearchStrategy) -> st.SearchStrategy:
        return st.builds(_combined, st.sampled_from(Op), st.lists(children, min_size=2, max_size=3))

    return st.recursive(leaves, combine, max_leaves=max_leaves)


def _combined(op: Op, parts: list) -> Combined:
    flat = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Combined) and part.op is op else [part])
    return Combined(op, tuple(flat))


def threshold_texts(max_leaves: int = 4) -> st.SearchStrategy[str]:
    """Canonical threshold text."""
    return thresholds(max_leaves).map(render)


@st.composite
def counts(draw: st.DrawFn, max_members: int = 250, votes: bool = True) -> Counts:
    """Consistent counts: sitting <= members, present <= sitting, yes + no + abstain <= present."""
    members = draw(st.integers(1, max_members))
    sitting = draw(st.integers(0, members))
    present = draw(st.integers(0, sitting))
    if not votes:
        return Counts(members, sitting, present)
    yes = draw(st.integers(0, present))
    no = draw(st.integers(0, present - yes))
    abstain = draw(st.integers(0, present - yes - no))
    return Counts(members, sitting, present, yes, no, abstain)
