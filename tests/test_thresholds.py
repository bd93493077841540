"""The threshold language: exact requirements, parsing, rendering, and the invariants of DESIGN.md."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine import strategies as ist
from engine.errors import CountsError, ThresholdSyntaxError
from engine.thresholds import (
    Base,
    Combined,
    Comparator,
    Count,
    Counted,
    Counts,
    Op,
    Share,
    Subject,
    evaluate,
    parse_threshold,
    render,
    required_count,
)


def need(text: str, members: int, present: int | None = None, yes: int | None = None, **kw) -> int:
    subject = Subject.YES if yes is not None else Subject.PRESENT
    counts = Counts(members, present=present if present is not None else (yes if yes is not None else 0), yes=yes, **kw)
    return evaluate(parse_threshold(text), counts, subject).required


class TestRealCases:
    def test_absolute_majority_of_123_is_62(self) -> None:
        """More than half of 123 seats is 62."""
        assert need("more than 1/2 of all members", 123) == 62

    def test_fifty_percent_plus_one_of_123_is_63(self) -> None:
        """The literal '50 % + 1' of 123 is 63, distinct from the absolute majority."""
        assert need("at least 1/2 of all members plus 1", 123) == 63
        assert need("at least 50% of all members plus 1", 123) == 63

    def test_two_thirds_of_123_and_122_is_82(self) -> None:
        """Two-thirds of 123 is 82 exactly; of 122, 81.33 rounds up to 82."""
        assert need("at least 2/3 of all members", 123) == 82
        assert need("at least 2/3 of all members", 122) == 82

    def test_2003_confidence_vote_falls_short(self) -> None:
        """Cambodia 2003: 73 seats fall short of a two-thirds confidence vote."""
        outcome = evaluate(parse_threshold("at least 2/3 of all members"), Counts(123, present=123, yes=73), Subject.YES)
        assert (outcome.satisfied, outcome.required, outcome.margin) == (False, 82, -9)

    def test_1998_confidence_vote_passes(self) -> None:
        """Cambodia 1998: 99 in favour of 122 meets two-thirds (82)."""
        outcome = evaluate(parse_threshold("at least 2/3 of all members"),
                           Counts(122, present=116, yes=99, no=13, abstain=3), Subject.YES)
        assert outcome.satisfied and outcome.required == 82

    def test_2013_opening(self) -> None:
        """2013: 68 present meets a majority-of-seats quorum and fails a 120-member one."""
        counts = Counts(123, present=68)
        assert evaluate(parse_threshold("more than 1/2 of all members"), counts).satisfied
        assert not evaluate(parse_threshold("at least 120 members present"), counts).satisfied

    def test_and_binding_clause(self) -> None:
        """With 'and', the unmet clause decides: 68 present fails 120 even though a majority is present."""
        outcome = evaluate(parse_threshold("at least 120 members present and more than 1/2 of all members"),
                           Counts(123, present=68))
        assert (outcome.satisfied, outcome.required, [p.satisfied for p in outcome.parts]) == (False, 120, [False, True])

    def test_votes_cast_and_members_voting(self) -> None:
        """'votes cast' counts yes + no; 'members voting' adds abstentions."""
        counts = Counts(100, present=90, yes=40, no=30, abstain=10)
        assert evaluate(parse_threshold("majority of votes cast"), counts, Subject.YES).required == 36
        assert evaluate(parse_threshold("majority of members voting"), counts, Subject.YES).required == 41

    def test_missing_count_is_a_counts_error(self) -> None:
        with pytest.raises(CountsError, match="yes votes"):
            evaluate(parse_threshold("majority of votes cast"), Counts(100, present=50), Subject.PRESENT)

    def test_impossible_counts(self) -> None:
        with pytest.raises(CountsError, match="exceed"):
            Counts(123, present=124)
        with pytest.raises(CountsError, match="exceed the 10 members present"):
            Counts(123, present=10, yes=8, no=3)


class TestParsing:
    @pytest.mark.parametrize(("text", "expected"), [
        ("majority of all members", Share(Comparator.MORE_THAN, Fraction(1, 2), Base.ALL_MEMBERS)),
        ("an absolute majority of sitting members", Share(Comparator.MORE_THAN, Fraction(1, 2), Base.SITTING_MEMBERS)),
        ("at least 2/4 of members present", Share(Comparator.AT_LEAST, Fraction(1, 2), Base.MEMBERS_PRESENT)),
        ("At Least 60 percent of votes cast", Share(Comparator.AT_LEAST, Fraction(3, 5), Base.VOTES_CAST)),
        ("at least 120 members present", Count(Comparator.AT_LEAST, 120, Counted.MEMBERS_PRESENT)),
        ("more than 10 votes in favor", Count(Comparator.MORE_THAN, 10, Counted.VOTES_IN_FAVOUR)),
    ])
    def test_forms(self, text: str, expected: object) -> None:
        """Constitution-like phrasings parse to the expected clause."""
        assert parse_threshold(text) == expected

    def test_and_binds_tighter_than_or_and_flattens(self) -> None:
        """'a or b and c' is a or (b and c); nested same operators flatten."""
        t = parse_threshold("at least 1 members or at least 2 members and at least 3 members")
        assert isinstance(t, Combined) and t.op is Op.OR and isinstance(t.parts[1], Combined)
        flat = parse_threshold("at least 1 members and (at least 2 members and at least 3 members)")
        assert isinstance(flat, Combined) and len(flat.parts) == 3
        assert render(parse_threshold("(at least 1 members or at least 2 members) and at least 3 members")) == \
            "(at least 1 members or at least 2 members) and at least 3 members"

    @pytest.mark.parametrize(("text", "column", "expected"), [
        ("", 1, "a threshold such as"),
        ("more than half of all members", 11, "a fraction like 1/2"),
        ("more than 1/2 of everyone", 18, "a base: 'all members'"),
        ("at least 3/2 of all members", 10, "a share greater than 0 and at most 1"),
        ("more than 1/1 of all members", 11, "a share below 1"),
        ("at least 1/0 of all members", 10, "non-zero denominator"),
        ("more than 1/2 of all members and", 33, "'more than', 'at least'"),
        ("(more than 1/2 of all members", 30, "')'"),
        ("at least 1/2 of all members plus one", 34, "a whole number after 'plus'"),
        ("at least 120", 13, "what is counted"),
        ("more than 1/2 of all members; drop", 29, "a word, a number or a parenthesis"),
    ])
    def test_syntax_errors_name_column_and_expectation(self, text: str, column: int, expected: str) -> None:
        """Each syntax error says where and what was expected."""
        with pytest.raises(ThresholdSyntaxError) as info:
            parse_threshold(text)
        assert f"column {column}: expected" in str(info.value) and expected in str(info.value)
        assert info.value.position == column - 1


def _oracle(comparator: Comparator, fraction: Fraction, n: int) -> int:
    """The smallest count c with c > f*n (or c >= f*n), by search."""
    c = 0
    while not (c > fraction * n if comparator is Comparator.MORE_THAN else c >= fraction * n):
        c += 1
    return c


class TestProperties:
    @given(st.sampled_from(Comparator), ist.fractions(), st.integers(0, 400))
    @example(Comparator.MORE_THAN, Fraction(1, 2), 123)
    @example(Comparator.AT_LEAST, Fraction(2, 3), 122)
    def test_required_is_minimal_and_exact(self, comparator: Comparator, fraction: Fraction, n: int) -> None:
        """The requirement is the smallest count satisfying the Fraction inequality."""
        if comparator is Comparator.MORE_THAN and fraction == 1:
            comparator = Comparator.AT_LEAST
        share = Share(comparator, fraction, Base.ALL_MEMBERS)
        got = evaluate(share, Counts(max(n, 1), present=0)).required if n else None
        if n:
            assert got == _oracle(comparator, fraction, n)
            expected = math.floor(fraction * n) + 1 if comparator is Comparator.MORE_THAN else math.ceil(fraction * n)
            assert got == expected

    @given(ist.thresholds(), st.integers(1, 250), st.data())
    def test_monotone_in_the_count(self, threshold, members: int, data) -> None:
        """With everything else fixed, more yes votes never turn a met decision into an unmet one."""
        present = data.draw(st.integers(0, members))
        yes = data.draw(st.integers(0, present))
        try:
            before = evaluate(threshold, Counts(members, present=present, yes=yes), Subject.YES)
            after = evaluate(threshold, Counts(members, present=present, yes=min(yes + 1, present)), Subject.YES)
        except CountsError:
            return
        measured_only_by_yes = not any(
            isinstance(p, Share) and p.base in (Base.VOTES_CAST, Base.MEMBERS_VOTING) for p in _leaves(threshold))
        if before.satisfied and measured_only_by_yes:
            assert after.satisfied

    @given(ist.shares(bases=(Base.ALL_MEMBERS, Base.SITTING_MEMBERS)), ist.counts(votes=False))
    def test_quorum_monotone(self, share: Share, counts: Counts) -> None:
        """One more member present never breaks a quorum that was met."""
        if counts.present is None or counts.present >= counts.seated:
            return
        more = Counts(counts.all_members, counts.sitting, counts.present + 1)
        if evaluate(share, counts).satisfied:
            assert evaluate(share, more).satisfied

    @given(st.lists(ist.shares(bases=(Base.ALL_MEMBERS,)), min_size=2, max_size=4), st.integers(1, 300),
           st.integers(0, 300))
    def test_and_takes_largest_or_smallest(self, parts, members: int, present: int) -> None:
        """'and' requires the largest part's count, 'or' the smallest; satisfied iff count >= required."""
        present = min(present, members)
        counts = Counts(members, present=present)
        reqs = [evaluate(p, counts).required for p in parts]
        both = evaluate(Combined(Op.AND, tuple(parts)), counts)
        either = evaluate(Combined(Op.OR, tuple(parts)), counts)
        assert required_count(Combined(Op.AND, tuple(parts)), counts) == max(reqs) == both.required
        assert required_count(Combined(Op.OR, tuple(parts)), counts) == min(reqs) == either.required
        assert both.satisfied == all(present >= r for r in reqs)
        assert either.satisfied == any(present >= r for r in reqs)

    @given(ist.fractions(), st.integers(1, 7), st.integers(1, 300), st.sampled_from(Comparator))
    def test_equal_fractions_equal_results(self, fraction: Fraction, k: int, members: int, comparator) -> None:
        """n/d and kn/kd parse to equal thresholds with equal requirements."""
        if comparator is Comparator.MORE_THAN and fraction == 1:
            return
        a = parse_threshold(f"{comparator.value} {fraction.numerator}/{fraction.denominator} of all members")
        b = parse_threshold(f"{comparator.value} {fraction.numerator * k}/{fraction.denominator * k} of all members")
        assert a == b
        assert evaluate(a, Counts(members, present=0)).required == evaluate(b, Counts(members, present=0)).required

    @given(ist.thresholds())
    def test_render_parse_round_trip(self, threshold) -> None:
        """Parsing the canonical text gives an equal object."""
        assert parse_threshold(render(threshold)) == threshold

    @given(st.text(max_size=80))
    @example("more than 1/2 of all members and ((")
    @example("(" * 5000)
    def test_parser_raises_only_its_error(self, text: str) -> None:
        """Arbitrary text parses or raises ThresholdSyntaxError, never anything else."""
        try:
            parse_threshold(text)
        except ThresholdSyntaxError:
            pass

    @given(st.lists(st.sampled_from(["more", "than", "at", "least", "1/2", "2/3", "120", "of", "all", "members",
                                     "present", "and", "or", "(", ")", "plus", "1", "majority", "votes", "cast",
                                     "50%", "sitting", "voting"]), max_size=12))
    def test_grammar_words_shuffled(self, words: list[str]) -> None:
        """Grammar words in any order parse or raise ThresholdSyntaxError."""
        try:
            threshold = parse_threshold(" ".join(words))
        except ThresholdSyntaxError:
            return
        assert parse_threshold(render(threshold)) == threshold


def _leaves(threshold):
    if isinstance(threshold, Combined):
        for part in threshold.parts:
            yield from _leaves(part)
    else:
        yield threshold
