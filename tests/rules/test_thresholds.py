"""The threshold language: exact requirements, parsing, rendering, and the invariants of DESIGN.md."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine import strategies as ist
from engine.errors import CountsError, ImpasseError, ThresholdSyntaxError
from engine.rules.thresholds import (
    Base,
    Combined,
    Comparator,
    Count,
    Counted,
    Counts,
    Op,
    Outcome,
    Share,
    Subject,
    Threshold,
    Versus,
    evaluate,
    parse_threshold,
    render,
    required_count,
)

MORE, LEAST = Comparator.MORE_THAN, Comparator.AT_LEAST
HALF, TWO_THIRDS = Fraction(1, 2), Fraction(2, 3)

#: Thresholds whose every clause measures the members present and nothing else that moves with them:
#: for these the required count is one number, and a quorum is met exactly from it upwards.
QUORUMS = ist.thresholds(max_leaves=4, bases=(Base.ALL_MEMBERS, Base.SITTING_MEMBERS),
                         counted=(Counted.MEMBERS, Counted.MEMBERS_PRESENT))

# --------------------------------------------------------------------------- the oracle


def _numbers(counts: Counts) -> dict[str, Any]:
    # None where a count is not given: the oracle reads only the numbers its question needs
    return {"all": counts.all_members, "sitting": counts.seated, "present": counts.present, "yes": counts.yes,
            "no": counts.no, "abstain": counts.abstain, "blank": counts.blank, "invalid": counts.invalid}


#: the oracle's name for what each subject counts
_SUBJECT_KEYS = {Subject.PRESENT: "present", Subject.YES: "yes", Subject.NO: "no", Subject.CAST: "cast",
                 Subject.VALID: "valid"}


def _have(n: dict[str, Any], key: str) -> int:
    # votes cast are every ballot (blank and invalid too), valid votes only those for or against
    if key == "cast":
        return n["yes"] + n["no"] + n["blank"] + n["invalid"]
    if key == "valid":
        return n["yes"] + n["no"]
    if key == "voting":
        return n["yes"] + n["no"] + n["abstain"] + n["blank"] + n["invalid"]
    return n[key]


def _holds(threshold: Threshold, n: dict[str, Any], subject: str) -> bool:
    """The threshold read as plain Fraction inequalities, without floor, ceil or the engine's code."""
    if isinstance(threshold, Combined):
        results = [_holds(p, n, subject) for p in threshold.parts]
        return all(results) if threshold.op is Op.AND else any(results)
    if isinstance(threshold, Versus):
        side, other = ("yes", "no") if threshold.subject is Subject.YES else ("no", "yes")
        return n[side] > n[other]
    if isinstance(threshold, Share):
        base = {
            Base.ALL_MEMBERS: lambda: n["all"],
            Base.MEMBERS_IN_OFFICE: lambda: n["sitting"],
            Base.SITTING_MEMBERS: lambda: n["sitting"],
            Base.MEMBERS_PRESENT: lambda: n["present"],
            Base.MEMBERS_VOTING: lambda: _have(n, "voting"),
            Base.VOTES_CAST: lambda: _have(n, "cast"),
            Base.VALID_VOTES: lambda: _have(n, "valid"),
        }[threshold.base]()
        measured = _SUBJECT_KEYS[threshold.subject] if threshold.subject else subject
        have, bar = _have(n, measured) - threshold.offset, threshold.fraction * base
    else:
        have = {
            Counted.MEMBERS: lambda: _have(n, subject),
            Counted.MEMBERS_PRESENT: lambda: n["present"],
            Counted.MEMBERS_IN_OFFICE: lambda: n["sitting"],
            Counted.SITTING_MEMBERS: lambda: n["sitting"],
            Counted.MEMBERS_VOTING: lambda: _have(n, "voting"),
            Counted.VOTES_CAST: lambda: _have(n, "cast"),
            Counted.VALID_VOTES: lambda: _have(n, "valid"),
            Counted.VOTES_IN_FAVOUR: lambda: n["yes"],
            Counted.VOTES_AGAINST: lambda: n["no"],
        }[threshold.counted]()
        bar = threshold.number
    return have > bar if threshold.comparator is MORE else have >= bar


def _smallest_quorum(threshold: Threshold, counts: Counts) -> int:
    """The fewest members present that satisfy ``threshold``, found by counting up from zero."""
    k = 0
    while not _holds(threshold, {**_numbers(counts), "present": k}, "present"):
        k += 1
        assert k < 10_000, "no count satisfies the threshold"
    return k


def _leaves(threshold: Threshold):
    if isinstance(threshold, Combined):
        for part in threshold.parts:
            yield from _leaves(part)
    else:
        yield threshold


def _assert_consistent(outcome: Outcome) -> None:
    """'and' is met when every part is, 'or' when any is; the margin is the binding part's."""
    assert outcome.satisfied == (outcome.margin >= 0) == (outcome.count >= outcome.required)
    if isinstance(outcome.threshold, Combined):
        met, margins = [p.satisfied for p in outcome.parts], [p.margin for p in outcome.parts]
        is_and = outcome.threshold.op is Op.AND
        assert outcome.satisfied == (all(met) if is_and else any(met))
        assert outcome.margin == (min(margins) if is_and else max(margins))
        for part in outcome.parts:
            _assert_consistent(part)


def _decision(text: str, members: int, **counts: int) -> tuple[bool, int, int]:
    outcome = evaluate(parse_threshold(text), Counts(members, **counts), Subject.YES)
    return outcome.satisfied, outcome.required, outcome.margin


def _quorum(text: str, members: int, present: int, **counts: int) -> tuple[bool, int, int]:
    outcome = evaluate(parse_threshold(text), Counts(members, present=present, **counts), Subject.PRESENT)
    return outcome.satisfied, outcome.required, outcome.margin


# --------------------------------------------------------------------------- real cases


class TestRealCases:
    def test_absolute_majority_of_123_is_62(self) -> None:
        """More than half of 123 seats is 62."""
        assert _quorum("more than 1/2 of all members", 123, 62) == (True, 62, 0)
        assert _quorum("more than 1/2 of all members", 123, 61) == (False, 62, -1)

    def test_fifty_percent_plus_one_of_123_is_63(self) -> None:
        """The literal '50 % + 1' of 123 is 63, one more than the absolute majority."""
        assert _quorum("at least 1/2 of all members plus 1", 123, 62) == (False, 63, -1)
        assert _quorum("at least 50% of all members plus 1", 123, 63) == (True, 63, 0)

    def test_two_thirds_of_123_and_122_is_82(self) -> None:
        """Two-thirds of 123 is exactly 82; of 122, 81 1/3 rounds up to 82."""
        assert _quorum("at least 2/3 of all members", 123, 82)[1] == 82
        assert _quorum("at least 2/3 of all members", 122, 82)[1] == 82

    def test_2003_confidence_vote_falls_short(self) -> None:
        """Cambodia 2003: the ruling party's 73 seats fall nine short of a two-thirds confidence vote."""
        assert _decision("at least 2/3 of all members", 123, present=123, yes=73) == (False, 82, -9)

    def test_1998_confidence_vote_passes(self) -> None:
        """Cambodia 1998: 99 in favour in a 122-seat Assembly meet two-thirds (82)."""
        assert _decision("at least 2/3 of all members", 122, present=116, yes=99, no=13, abstain=3) == (True, 82, 17)

    def test_2013_opening(self) -> None:
        """Cambodia 2013: 68 present meet 'more than 1/2 of all members' and fail 'at least 120 members present'."""
        assert _quorum("more than 1/2 of all members", 123, 68) == (True, 62, 6)
        assert _quorum("at least 120 members present", 123, 68) == (False, 120, -52)

    def test_and_binding_clause(self) -> None:
        """With 'and' the unmet clause decides: 68 present fail 120 even though a majority is present."""
        outcome = evaluate(parse_threshold("at least 120 members present and more than 1/2 of all members"),
                           Counts(123, present=68))
        assert (outcome.satisfied, outcome.required, outcome.margin) == (False, 120, -52)
        assert [(p.required, p.satisfied) for p in outcome.parts] == [(120, False), (62, True)]

    def test_or_binding_clause(self) -> None:
        """With 'or' the best-met clause decides: a majority of seats is enough."""
        outcome = evaluate(parse_threshold("at least 120 members present or more than 1/2 of all members"),
                           Counts(123, present=68))
        assert (outcome.satisfied, outcome.required, outcome.margin) == (True, 62, 6)

    def test_cloture_counts_sitting_members(self) -> None:
        """US Senate cloture, three-fifths of senators duly chosen and sworn: 60 of 100, 59 of 98 sitting."""
        assert _decision("at least 3/5 of sitting members", 100, present=100, yes=60)[1] == 60
        assert _decision("at least 3/5 of sitting members", 100, sitting=98, present=98, yes=59)[:2] == (True, 59)

    def test_votes_cast_and_members_voting(self) -> None:
        """'votes cast' counts yes + no; 'members voting' adds the abstentions."""
        counts = {"present": 90, "yes": 40, "no": 30, "abstain": 10}
        assert _decision("majority of votes cast", 100, **counts) == (True, 36, 4)
        assert _decision("majority of members voting", 100, **counts) == (False, 41, -1)
        assert _decision("more than 1/2 of members present", 100, **counts) == (False, 46, -6)


class TestCounts:
    def test_missing_count_is_a_counts_error(self) -> None:
        """A base that needs the votes, judged without them, is a CountsError naming what is missing."""
        with pytest.raises(CountsError, match="'votes cast' needs the yes votes"):
            evaluate(parse_threshold("majority of votes cast"), Counts(100, present=50), Subject.PRESENT)
        with pytest.raises(CountsError, match="a quorum needs the number of members present"):
            evaluate(parse_threshold("majority of all members"), Counts(100))

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"present": 124}, "members present (124) exceed the 123 sitting members"),
        ({"sitting": 120, "present": 121}, "members present (121) exceed the 120 sitting members"),
        ({"sitting": 124}, "sitting members (124) exceed all members (123)"),
        ({"present": 10, "yes": 8, "no": 3}, "yes + no + abstain (11) exceed the 10 members present"),
        ({"yes": 100, "no": 20, "abstain": 4}, "yes + no + abstain (124) exceed the 123 sitting members"),
        ({"present": -3}, "'present' must be >= 0 (got -3)"),
        ({"abstain": -1}, "'abstain' must be >= 0 (got -1)"),
    ])
    def test_impossible_counts(self, kwargs: dict[str, int], message: str) -> None:
        """Counts that cannot coexist are refused with a CountsError naming both numbers."""
        with pytest.raises(CountsError) as info:
            Counts(123, **kwargs)
        assert str(info.value) == message
        assert isinstance(info.value, ValueError) and isinstance(info.value, ImpasseError)

    @given(ist.counts())
    def test_drawn_counts_are_consistent(self, counts: Counts) -> None:
        """The counts strategy only draws numbers that can coexist."""
        assert counts.present is not None and counts.voting is not None
        assert 0 <= counts.present <= counts.seated <= counts.all_members
        assert counts.voting <= counts.present


# --------------------------------------------------------------------------- parsing


class TestParsing:
    @pytest.mark.parametrize(("text", "expected"), [
        ("more than 1/2 of all members", Share(MORE, HALF, Base.ALL_MEMBERS)),
        ("majority of all members", Share(MORE, HALF, Base.ALL_MEMBERS)),
        ("a majority of votes cast", Share(MORE, HALF, Base.VOTES_CAST)),
        ("an absolute majority of sitting members", Share(MORE, HALF, Base.SITTING_MEMBERS)),
        ("a simple majority of members voting", Share(MORE, HALF, Base.MEMBERS_VOTING)),
        ("at least 2/4 of members present", Share(LEAST, HALF, Base.MEMBERS_PRESENT)),
        ("at least 50% of all members plus 1", Share(LEAST, HALF, Base.ALL_MEMBERS, 1)),
        ("at least 50 % of all members", Share(LEAST, HALF, Base.ALL_MEMBERS)),
        ("At Least 60 percent of votes cast", Share(LEAST, Fraction(3, 5), Base.VOTES_CAST)),
        ("at least 66.5% of all members", Share(LEAST, Fraction(133, 200), Base.ALL_MEMBERS)),
        ("at least 3 / 5 of sitting members", Share(LEAST, Fraction(3, 5), Base.SITTING_MEMBERS)),
        ("at least 100% of all members", Share(LEAST, Fraction(1), Base.ALL_MEMBERS)),
        ("at least 120 members present", Count(LEAST, 120, Counted.MEMBERS_PRESENT)),
        ("at least 120 members", Count(LEAST, 120, Counted.MEMBERS)),
        ("more than 10 votes in favor", Count(MORE, 10, Counted.VOTES_IN_FAVOUR)),
        ("more than 10 votes in favour", Count(MORE, 10, Counted.VOTES_IN_FAVOUR)),
        ("  (at least 2/3 of all members)  ", Share(LEAST, TWO_THIRDS, Base.ALL_MEMBERS)),
    ])
    def test_forms(self, text: str, expected: Threshold) -> None:
        """Constitution-like phrasings parse to the expected clause."""
        assert parse_threshold(text) == expected

    def test_two_quarters_is_one_half(self) -> None:
        """'2/4', '50%', '50 percent' and '1/2' are the same threshold."""
        texts = ["at least 2/4 of all members", "at least 50% of all members", "at least 50 percent of all members",
                 "AT LEAST 1/2 OF ALL MEMBERS"]
        assert {render(parse_threshold(t)) for t in texts} == {"at least 1/2 of all members"}

    def test_and_binds_tighter_than_or(self) -> None:
        """'a or b and c' is 'a or (b and c)'; 'a and b or c' is '(a and b) or c'."""
        a, b, c = (Count(LEAST, i, Counted.MEMBERS) for i in (1, 2, 3))
        assert parse_threshold("at least 1 members or at least 2 members and at least 3 members") == \
            Combined(Op.OR, (a, Combined(Op.AND, (b, c))))
        assert parse_threshold("at least 1 members and at least 2 members or at least 3 members") == \
            Combined(Op.OR, (Combined(Op.AND, (a, b)), c))

    def test_parentheses_group(self) -> None:
        """Parentheses override precedence, and render keeps them where they matter."""
        text = "(at least 1 members or at least 2 members) and at least 3 members"
        threshold = parse_threshold(text)
        assert isinstance(threshold, Combined) and threshold.op is Op.AND
        assert render(threshold) == text

    def test_same_operator_flattens(self) -> None:
        """'a and (b and c)' and '(a and b) and c' are one 'and' of three parts."""
        flat = parse_threshold("at least 1 members and at least 2 members and at least 3 members")
        assert isinstance(flat, Combined)
        assert len(flat.parts) == 3
        assert parse_threshold("at least 1 members and (at least 2 members and at least 3 members)") == flat
        assert parse_threshold("(at least 1 members and at least 2 members) and at least 3 members") == flat


class TestSyntaxErrors:
    @pytest.mark.parametrize(("text", "column", "expected", "got"), [
        ("", 1, "a threshold such as 'more than 1/2 of all members'", "end of text"),
        ("   ", 4, "a threshold such as", "end of text"),
        ("half of all members", 1, "'more than', 'at least', 'majority of' or '('", "'half'"),
        ("more 1/2 of all members", 6, "'than'", "'1/2'"),
        ("majority all members", 10, "'of'", "'all'"),
        ("more than half of all members", 11, "a fraction like 1/2, a percentage like 50% or a whole number", "'half'"),
        ("more than 1/2 of everyone", 18, "a base: 'all members', 'sitting members'", "'everyone'"),
        ("at least 2/3 of all", 17, "a base:", "'all'"),
        ("at least 3/2 of all members", 10, "a share greater than 0 and at most 1 (100%)", "'3/2'"),
        ("at least 0/3 of all members", 10, "a share greater than 0", "'0/3'"),
        ("more than 1/1 of all members", 11, "a share below 1 ('more than all' can never be met)", "'1/1'"),
        ("more than 100% of all members", 11, "a share below 1", "'100%'"),
        ("at least 1/0 of all members", 10, "a fraction of whole numbers with a non-zero denominator", "'1/0'"),
        ("at least 1.5 members", 10, "a whole number of members", "'1.5'"),
        ("at least 120", 13, "what is counted: 'members', 'members present'", "end of text"),
        ("more than 1/2 of all members and", 33, "'more than', 'at least', 'majority of' or '('", "end of text"),
        ("at least 2/3 of all members or or", 32, "'more than', 'at least'", "'or'"),
        ("(more than 1/2 of all members", 30, "')'", "end of text"),
        ("more than 1/2 of all members)", 29, "'and', 'or' or the end of the threshold", "')'"),
        ("at least 1/2 of all members plus one", 34, "a whole number after 'plus'", "'one'"),
        ("at least 1/2 of all members plus 1/2", 34, "a whole number after 'plus'", "'1/2'"),
        ("more than 1/2 of all members; drop", 29, "a word, a number or a parenthesis", "';'"),
    ])
    def test_error_names_column_expected_and_got(self, text: str, column: int, expected: str, got: str) -> None:
        """Each syntax error is a ThresholdSyntaxError saying where, what was expected and what was found."""
        with pytest.raises(ThresholdSyntaxError) as info:
            parse_threshold(text)
        err = info.value
        assert str(err).startswith(f"threshold {text!r}, column {column}: expected ")
        assert str(err).endswith(f", got {got}")
        assert expected in err.expected
        assert (err.position, err.got) == (column - 1, got)
        assert isinstance(err, ValueError) and isinstance(err, ImpasseError)

    def test_parentheses_nested_too_deeply(self) -> None:
        """Thousands of nested parentheses are a syntax error that says so, not Python's recursion message."""
        with pytest.raises(ThresholdSyntaxError, match=r"got parentheses nested too deeply$"):
            parse_threshold("(" * 5000 + "at least 1 members" + ")" * 5000)

    @pytest.mark.parametrize("value", [None, 50, Fraction(1, 2), b"more than 1/2 of all members"])
    def test_not_text(self, value: object) -> None:
        """Anything but a string is a ThresholdSyntaxError, not a TypeError."""
        with pytest.raises(ThresholdSyntaxError, match="expected threshold text"):
            parse_threshold(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- DESIGN.md invariants


class TestRequiredCount:
    def test_needs_only_the_bases(self) -> None:
        """The seats needed can be asked before anyone is counted; only a base that is missing is an error."""
        assert required_count(parse_threshold("more than 1/2 of all members"), Counts(123)) == 62
        assert required_count(parse_threshold("at least 120 members and more than 1/2 of all members"),
                              Counts(123)) == 120
        assert required_count(parse_threshold("at least 2/3 of all members"), Counts(122), Subject.YES) == 82
        with pytest.raises(CountsError, match="'members present' needs the number of members present"):
            required_count(parse_threshold("majority of members present"), Counts(123))

    @given(st.sampled_from(Comparator), ist.fractions(max_denominator=30), st.integers(1, 400))
    @example(MORE, HALF, 123)
    @example(LEAST, TWO_THIRDS, 123)
    @example(LEAST, TWO_THIRDS, 122)
    @example(LEAST, Fraction(7, 10), 120)
    @example(MORE, HALF, 1)
    def test_share_of_n_is_floor_plus_one_or_ceil(self, comparator: Comparator, fraction: Fraction, n: int) -> None:
        """'more than f of n' requires floor(f*n)+1 and 'at least f of n' ceil(f*n): the least count satisfying it."""
        if comparator is MORE and fraction == 1:
            comparator = LEAST
        counts = Counts(n, present=0)
        required = required_count(Share(comparator, fraction, Base.ALL_MEMBERS), counts)
        formula = math.floor(fraction * n) + 1 if comparator is MORE else math.ceil(fraction * n)
        assert required == formula
        assert required == _smallest_quorum(Share(comparator, fraction, Base.ALL_MEMBERS), counts)

    @given(QUORUMS, ist.counts(votes=False))
    @example(Share(MORE, HALF, Base.ALL_MEMBERS), Counts(123, present=68))
    @example(Share(LEAST, HALF, Base.ALL_MEMBERS, 1), Counts(123, present=68))
    @example(Share(LEAST, TWO_THIRDS, Base.ALL_MEMBERS), Counts(122, present=99))
    @example(parse_threshold("at least 120 members present and more than 1/2 of all members"), Counts(123, present=68))
    @example(parse_threshold("at least 3/5 of sitting members"), Counts(100, sitting=98, present=59))
    def test_minimal_and_exact_against_brute_force(self, threshold: Threshold, counts: Counts) -> None:
        """The requirement is the fewest present that satisfy the threshold, found by counting up; any
        attendance from 0 to every seat meets the quorum exactly when it reaches that requirement."""
        required = required_count(threshold, counts)
        assert required == _smallest_quorum(threshold, counts)
        for present in range(counts.seated + 1):
            outcome = evaluate(threshold, Counts(counts.all_members, counts.sitting, present))
            assert outcome.satisfied == (present >= required), present

    @given(st.lists(ist.thresholds(max_leaves=1, bases=(Base.ALL_MEMBERS, Base.SITTING_MEMBERS),
                                   counted=(Counted.MEMBERS,)), min_size=2, max_size=4),
           ist.counts(votes=False))
    @example([Count(LEAST, 120, Counted.MEMBERS), Share(MORE, HALF, Base.ALL_MEMBERS)], Counts(123, present=68))
    def test_and_takes_the_largest_or_the_smallest(self, parts: list[Threshold], counts: Counts) -> None:
        """'and' requires the largest of its parts' counts and 'or' the smallest."""
        assert counts.present is not None
        alone = [_smallest_quorum(p, counts) for p in parts]
        both, either = Combined(Op.AND, tuple(parts)), Combined(Op.OR, tuple(parts))
        assert required_count(both, counts) == max(alone) == _smallest_quorum(both, counts)
        assert required_count(either, counts) == min(alone) == _smallest_quorum(either, counts)
        assert evaluate(both, counts).satisfied == all(counts.present >= r for r in alone)
        assert evaluate(either, counts).satisfied == any(counts.present >= r for r in alone)


class TestSatisfaction:
    @given(ist.thresholds(max_leaves=4), ist.counts())
    @example(parse_threshold("at least 2/3 of all members"), Counts(123, present=123, yes=73))
    @example(parse_threshold("majority of votes cast"), Counts(100, present=90, yes=40, no=30, abstain=10))
    def test_monotone_in_the_yes_votes(self, threshold: Threshold, counts: Counts) -> None:
        """One more vote in favour never turns an adopted decision into a rejected one; verdicts match the oracle."""
        assert counts.present is not None
        room = counts.present - counts.no - counts.abstain
        verdicts = []
        for yes in range(room + 1):
            now = Counts(counts.all_members, counts.sitting, counts.present, yes, counts.no, counts.abstain)
            outcome = evaluate(threshold, now, Subject.YES)
            assert outcome.satisfied == _holds(threshold, _numbers(now), "yes")
            _assert_consistent(outcome)
            verdicts.append(outcome.satisfied)
        assert verdicts == sorted(verdicts)

    @given(ist.thresholds(max_leaves=4, bases=(Base.ALL_MEMBERS, Base.SITTING_MEMBERS, Base.MEMBERS_PRESENT),
                          counted=(Counted.MEMBERS, Counted.MEMBERS_PRESENT, Counted.SITTING_MEMBERS)),
           ist.counts(votes=False))
    def test_monotone_in_attendance(self, threshold: Threshold, counts: Counts) -> None:
        """One more member present never breaks a quorum that was met, even for shares of members present."""
        verdicts = [evaluate(threshold, Counts(counts.all_members, counts.sitting, present)).satisfied
                    for present in range(counts.seated + 1)]
        assert verdicts == sorted(verdicts)


class TestEqualFractions:
    @given(ist.fractions(), st.integers(1, 7), st.sampled_from(Comparator), ist.counts())
    @example(HALF, 2, LEAST, Counts(123, present=68, yes=68))
    def test_equal_fractions_give_equal_results(self, fraction: Fraction, k: int, comparator: Comparator,
                                                counts: Counts) -> None:
        """n/d, kn/kd and the same share as a percentage parse to equal thresholds with equal verdicts."""
        if comparator is MORE and fraction == 1:
            comparator = LEAST
        texts = [f"{comparator.value} {fraction.numerator}/{fraction.denominator} of all members",
                 f"{comparator.value} {fraction.numerator * k}/{fraction.denominator * k} of all members"]
        if (fraction * 100).denominator == 1:
            texts.append(f"{comparator.value} {fraction * 100}% of all members")
        thresholds = [parse_threshold(t) for t in texts]
        assert all(t == thresholds[0] for t in thresholds)
        outcomes = {(o.required, o.satisfied) for o in (evaluate(t, counts, Subject.YES) for t in thresholds)}
        assert len(outcomes) == 1

    @given(ist.fractions(), st.integers(1, 7))
    def test_share_objects_compare_by_value(self, fraction: Fraction, k: int) -> None:
        """Share(2/4) equals Share(1/2): the fraction is stored reduced."""
        scaled = Fraction(fraction.numerator * k, fraction.denominator * k)
        assert Share(LEAST, scaled, Base.ALL_MEMBERS) == Share(LEAST, fraction, Base.ALL_MEMBERS)


class TestRoundTrip:
    @given(ist.thresholds(max_leaves=5))
    @example(parse_threshold("at least 1/2 of all members plus 1"))
    @example(parse_threshold("(at least 120 members present or at least 2/3 of all members) and more than 0 members"))
    def test_parse_render_round_trip(self, threshold: Threshold) -> None:
        """Parsing the canonical text gives an equal threshold, whatever the letter case."""
        text = render(threshold)
        assert parse_threshold(text) == threshold
        assert parse_threshold(text.upper()) == threshold


#: Every word, number and mark the grammar knows, and a few it refuses.
WORDS = ["more", "than", "at", "least", "of", "all", "members", "present", "sitting", "voting", "votes", "cast",
         "in", "favour", "favor", "plus", "and", "or", "(", ")", "majority", "a", "an", "absolute", "simple",
         "1/2", "2/3", "1", "120", "0", "50%", "100%", "60 percent", "1/0", "3/2", "1.5", "%", "percent", "/"]


class TestParserRobustness:
    @given(st.text(max_size=80))
    @example("more than 1/2 of all members and ((")
    @example("(" * 5000)
    @example("at least " + "9" * 5000 + " members")
    @example("at least 1/2 of all members\x00")
    def test_arbitrary_text(self, text: str) -> None:
        """Arbitrary text parses, or raises ThresholdSyntaxError with a column inside the text, never anything else."""
        _parse_or_syntax_error(text)

    @given(st.lists(st.sampled_from(WORDS), max_size=14))
    def test_grammar_words_in_any_order(self, words: list[str]) -> None:
        """The grammar's own words strung together at random parse, or raise ThresholdSyntaxError."""
        _parse_or_syntax_error(" ".join(words))

    @given(ist.threshold_texts(max_leaves=3).flatmap(lambda text: st.permutations(text.split())))
    def test_real_thresholds_shuffled(self, words: list[str]) -> None:
        """The words of a valid threshold, shuffled, parse or raise ThresholdSyntaxError."""
        _parse_or_syntax_error(" ".join(words))


def _parse_or_syntax_error(text: str) -> None:
    try:
        threshold = parse_threshold(text)
    except ThresholdSyntaxError as err:
        assert 0 <= err.position <= len(text)
        assert str(err).startswith(f"threshold {text!r}, column {err.position + 1}: expected ")
        return
    assert parse_threshold(render(threshold)) == threshold


def test_only_ascii_digits_are_numbers() -> None:
    """Digits of other scripts are not read as numbers (they would silently change a threshold)."""
    with pytest.raises(ThresholdSyntaxError):
        parse_threshold("at least \u0661\u0662 members")
