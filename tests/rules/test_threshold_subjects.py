"""The threshold language's subjects and bases: votes against, votes cast, valid votes, members in office.

Real cases from ../shared/facts/world.md (Portugal 2015, the Czech Republic 2018, Italy 2018, Japan
2024), then the properties of each subject: monotone in the votes that count, abstentions neutral
where the rule leaves them out, render/parse round trip, and the required count minimal and exact
against the brute-force oracle of ``test_thresholds``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine import strategies as ist
from engine.errors import CountsError, ThresholdSyntaxError
from engine.rules.thresholds import (
    Base,
    Comparator,
    Count,
    Counted,
    Counts,
    Share,
    Subject,
    Threshold,
    Versus,
    evaluate,
    parse_threshold,
    render,
    required_count,
)
from tests.rules.test_thresholds import _assert_consistent, _holds, _numbers

MORE, LEAST = Comparator.MORE_THAN, Comparator.AT_LEAST
HALF = Fraction(1, 2)
IN_OFFICE = Base.MEMBERS_IN_OFFICE

#: every form the language has, the new ones included
EVERYTHING = ist.thresholds(max_leaves=4, subjects=ist.SUBJECTS, versus=(Subject.YES, Subject.NO))

#: bases that hold still while the votes move (the members present are fixed by the counts)
STILL = (Base.ALL_MEMBERS, Base.MEMBERS_IN_OFFICE, Base.SITTING_MEMBERS, Base.MEMBERS_PRESENT)

#: the counted phrases that grow with each subject, and the bases that do
GROWS = {
    Subject.NO: ((Counted.VOTES_AGAINST, Counted.VOTES_CAST, Counted.VALID_VOTES, Counted.MEMBERS_VOTING),
                 (Base.VOTES_CAST, Base.VALID_VOTES, Base.MEMBERS_VOTING)),
    Subject.CAST: ((Counted.VOTES_CAST, Counted.MEMBERS_VOTING), (Base.VOTES_CAST, Base.MEMBERS_VOTING)),
    Subject.VALID: ((Counted.VALID_VOTES, Counted.VOTES_CAST, Counted.MEMBERS_VOTING),
                    (Base.VALID_VOTES, Base.VOTES_CAST, Base.MEMBERS_VOTING)),
}

#: the count each subject's required number is reached by, everything else held at zero
MOVES = {Subject.NO: "no", Subject.CAST: "blank", Subject.VALID: "yes", Subject.YES: "yes"}


def _with(counts: Counts, **changes: int) -> Counts:
    numbers = {"all_members": counts.all_members, "sitting": counts.sitting, "present": counts.present,
               "yes": counts.yes, "no": counts.no, "abstain": counts.abstain, "blank": counts.blank,
               "invalid": counts.invalid}
    return Counts(**{**numbers, **changes})


def _room(counts: Counts, key: str) -> int:
    """How high ``key`` can go with the other counts fixed."""
    assert counts.present is not None and counts.yes is not None
    others = counts.yes + counts.no + counts.abstain + counts.blank + counts.invalid - getattr(counts, key)
    return counts.present - others


# --------------------------------------------------------------------------- real cases


class TestRealCases:
    def test_portugal_2015_programme_rejected(self) -> None:
        """Art. 192(4): 123 for rejection reach the absolute majority of the 230 in office (116)."""
        rule = parse_threshold("more than 1/2 of members in office vote against")
        outcome = evaluate(rule, Counts(230, present=230, yes=107, no=123))
        assert (outcome.satisfied, outcome.required, outcome.count, outcome.measures) == \
            (True, 116, 123, "votes against")

    def test_portugal_2015_second_programme_survives(self) -> None:
        """The XXI government's programme: 107 for rejection, 122 against it, 1 abstention: rejection fails."""
        rule = parse_threshold("an absolute majority of members in office vote against")
        outcome = evaluate(rule, Counts(230, present=230, yes=122, no=107, abstain=1), Subject.YES)
        assert (outcome.satisfied, outcome.required, outcome.margin) == (False, 116, -9)

    def test_a_rejection_needs_no_yes_count(self) -> None:
        """A negative majority of members in office is judged from the votes against alone."""
        rule = parse_threshold("more than 1/2 of members in office vote against")
        assert evaluate(rule, Counts(230, no=123), Subject.YES).satisfied
        assert required_count(rule, Counts(230, sitting=229)) == 115

    @pytest.mark.parametrize(("present", "yes", "no", "required", "met"), [(195, 78, 117, 98, False),
                                                                            (196, 105, 91, 99, True)])
    def test_czech_confidence_by_members_present(self, present: int, yes: int, no: int, required: int,
                                                 met: bool) -> None:
        """Czech Republic 2018: a majority of the deputies present; the absent lower the bar."""
        outcome = evaluate(parse_threshold("majority of members present"), Counts(200, present=present, yes=yes, no=no),
                           Subject.YES)
        assert (outcome.required, outcome.satisfied) == (required, met)

    def test_italy_2018_chamber_abstainers_present_not_voting(self) -> None:
        """Italy, Chamber, 6 Jun 2018: 586 voting of 621 present, majority 294; abstentions change nothing."""
        counts = Counts(630, present=621, yes=350, no=236, abstain=35)
        assert evaluate(parse_threshold("majority of votes cast"), counts, Subject.YES).required == 294
        assert evaluate(parse_threshold("more votes in favour than against"), counts).required == 237
        # the engine's 'members voting' counts the abstainers: not the Italian 'votanti'
        assert evaluate(parse_threshold("majority of members voting"), counts, Subject.YES).required == 311

    def test_japan_2024_runoff_invalid_ballots(self) -> None:
        """Japan, run-off: 221 of 465 ballots, 84 of them invalid: 12 short of a majority of the votes cast."""
        counts = Counts(465, yes=221, no=160, invalid=84)
        cast = evaluate(parse_threshold("more than 1/2 of votes cast"), counts, Subject.YES)
        valid = evaluate(parse_threshold("more than 1/2 of valid votes"), counts, Subject.YES)
        assert (cast.required, cast.margin, valid.required, valid.satisfied) == (233, -12, 191, True)
        assert evaluate(parse_threshold("at least 233 votes cast"), counts).satisfied


# --------------------------------------------------------------------------- parsing and rendering


class TestForms:
    @pytest.mark.parametrize(("text", "expected", "canonical"), [
        ("more than 1/2 of members in office vote against", Share(MORE, HALF, IN_OFFICE, 0, Subject.NO), None),
        ("a majority of all seats vote for", Share(MORE, HALF, Base.ALL_MEMBERS, 0, Subject.YES),
         "more than 1/2 of all members vote in favour"),
        ("at least 1/2 of votes cast plus 1", Share(LEAST, HALF, Base.VOTES_CAST, 1), None),
        ("at least 1/2 of all members plus 1 vote in favor", Share(LEAST, HALF, Base.ALL_MEMBERS, 1, Subject.YES),
         "at least 1/2 of all members plus 1 vote in favour"),
        ("at least 1/3 of all members be present", Share(LEAST, Fraction(1, 3), Base.ALL_MEMBERS, 0, Subject.PRESENT),
         "at least 1/3 of all members are present"),
        ("more than 1/2 of members present cast a vote", Share(MORE, HALF, Base.MEMBERS_PRESENT, 0, Subject.CAST),
         None),
        ("majority of votes cast cast a valid vote", Share(MORE, HALF, Base.VOTES_CAST, 0, Subject.VALID),
         "more than 1/2 of votes cast cast a valid vote"),
        ("majority of valid votes", Share(MORE, HALF, Base.VALID_VOTES), "more than 1/2 of valid votes"),
        ("more than 1/2 of sitting members", Share(MORE, HALF, Base.SITTING_MEMBERS), None),
        ("more votes in favour than against", Versus(Subject.YES), None),
        ("MORE VOTES FOR THAN AGAINST", Versus(Subject.YES), "more votes in favour than against"),
        ("more votes against than in favor", Versus(Subject.NO), "more votes against than in favour"),
        ("at least 116 votes against", Count(LEAST, 116, Counted.VOTES_AGAINST), None),
        ("more than 100 valid votes", Count(MORE, 100, Counted.VALID_VOTES), None),
        ("at least 100 members in office", Count(LEAST, 100, Counted.MEMBERS_IN_OFFICE), None),
        ("at least 116 members vote against", Count(LEAST, 116, Counted.VOTES_AGAINST), "at least 116 votes against"),
        ("more than 60 members cast a valid vote", Count(MORE, 60, Counted.VALID_VOTES), "more than 60 valid votes"),
        ("at least 120 members are present", Count(LEAST, 120, Counted.MEMBERS_PRESENT),
         "at least 120 members present"),
    ])
    def test_forms(self, text: str, expected: Threshold, canonical: str | None) -> None:
        """The new phrasings parse to their clause, and render to one canonical text that parses back."""
        assert parse_threshold(text) == expected
        assert render(expected) == (canonical or text)

    def test_two_spellings_of_members_in_office_judge_alike(self) -> None:
        """'sitting members' is kept as written, and judged exactly as 'members in office'."""
        counts = Counts(100, sitting=98, present=98, yes=59)
        old, new = (parse_threshold(f"at least 3/5 of {base}") for base in ("sitting members", "members in office"))
        assert evaluate(old, counts, Subject.YES).required == evaluate(new, counts, Subject.YES).required == 59

    @given(EVERYTHING)
    @example(parse_threshold("more than 1/2 of members in office vote against or more votes for than against"))
    def test_round_trip(self, threshold: Threshold) -> None:
        """Every form, the new subjects and comparisons included, survives render and parse in any letter case."""
        assert parse_threshold(render(threshold)) == threshold
        assert parse_threshold(render(threshold).upper()) == threshold

    @pytest.mark.parametrize(("text", "column", "expected", "got"), [
        ("more votes", 11, "'in favour' or 'against'", "end of text"),
        ("more votes in favour against", 22, "'than'", "'against'"),
        ("more votes in favour than in favour", 27, "'against' (the other side)", "'in'"),
        ("more votes against than", 24, "'in favour' (the other side)", "end of text"),
        ("more 1/2 of all members", 6, "'than' or 'votes'", "'1/2'"),
        ("more than 1/2 of members in office vote", 40, "'in favour', 'for' or 'against' after 'vote'",
         "end of text"),
        ("more than 1/2 of all members vote no", 35, "'in favour', 'for' or 'against' after 'vote'", "'no'"),
        ("more than 1/2 of all members are absent", 34, "'present' after 'are'", "'absent'"),
        ("more than 1/2 of all members cast ballots", 35, "'a vote' or 'a valid vote' after 'cast'", "'ballots'"),
        ("more than 1/2 of members in", 18, "a base: 'all members', 'sitting members', 'members in office'",
         "'members'"),
        ("at least 116 votes", 14, "'votes in favour' or 'votes against'", "'votes'"),
        ("at least 116 members vote", 26, "'in favour', 'for' or 'against' after 'vote'", "end of text"),
        ("at least 116 votes against vote against", 28, "'and', 'or' or the end of the threshold", "'vote'"),
    ])
    def test_syntax_errors(self, text: str, column: int, expected: str, got: str) -> None:
        """Errors in the new forms name the column, what was expected and what was found."""
        with pytest.raises(ThresholdSyntaxError) as info:
            parse_threshold(text)
        assert (info.value.position + 1, info.value.got) == (column, got)
        assert expected in info.value.expected


# --------------------------------------------------------------------------- counts


class TestCounts:
    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"no": 120, "abstain": 4}, "no + abstain (124) exceed the 123 sitting members"),
        ({"present": 10, "yes": 5, "no": 3, "blank": 2, "invalid": 1},
         "yes + no + abstain + blank + invalid (11) exceed the 10 members present"),
        ({"present": 10, "no": 3, "invalid": 8}, "no + abstain + invalid (11) exceed the 10 members present"),
        ({"blank": -1}, "'blank' must be >= 0 (got -1)"),
    ])
    def test_impossible_counts(self, kwargs: dict[str, int], message: str) -> None:
        """The votes known, blank and invalid ballots included, never outnumber those who could vote."""
        with pytest.raises(CountsError) as info:
            Counts(123, **kwargs)
        assert str(info.value) == message

    def test_what_each_total_counts(self) -> None:
        """Valid votes are yes + no; votes cast add blank and invalid ballots; members voting add abstentions."""
        counts = Counts(100, present=90, yes=40, no=30, abstain=10, blank=3, invalid=2)
        assert (counts.valid, counts.cast, counts.voting, counts.in_office) == (70, 75, 85, 100)

    @pytest.mark.parametrize(("text", "subject", "message"), [
        ("majority of valid votes", Subject.YES, "'valid votes' needs the yes votes"),
        ("more votes in favour than against", Subject.YES, "'more votes in favour than against' needs the yes votes"),
        ("more votes against than in favour", Subject.NO, "'more votes against than in favour' needs the yes votes"),
        ("at least 10 votes cast", Subject.NO, "'votes cast' needs the yes votes"),
        ("majority of all members", Subject.VALID, "'valid votes' needs the yes votes"),
        ("majority of all members cast a vote", Subject.YES, "'votes cast' needs the yes votes"),
        ("majority of all members are present", Subject.NO, "a quorum needs the number of members present"),
    ])
    def test_missing_counts(self, text: str, subject: Subject, message: str) -> None:
        """A count the rule needs and the counts lack is a CountsError saying which."""
        with pytest.raises(CountsError, match=message):
            evaluate(parse_threshold(text), Counts(100, no=10), subject)


# --------------------------------------------------------------------------- properties


class TestOwnSubject:
    @given(ist.thresholds(max_leaves=3, subjects=tuple(Subject), counted=(), versus=(Subject.YES, Subject.NO)),
           ist.counts(ballots=True), st.sampled_from(Subject), st.sampled_from(Subject))
    def test_named_subject_wins(self, threshold: Threshold, counts: Counts, one: Subject, other: Subject) -> None:
        """A threshold whose every clause names its subject is judged the same whatever the caller asks."""
        assert evaluate(threshold, counts, one) == evaluate(threshold, counts, other)

    @given(EVERYTHING, ist.counts(ballots=True), st.sampled_from(Subject))
    @example(parse_threshold("majority of votes cast"), Counts(100, present=90, yes=40, no=30, invalid=12),
             Subject.YES)
    @example(parse_threshold("majority of members voting cast a valid vote"),
             Counts(100, present=90, yes=40, no=30, abstain=5, blank=8), Subject.PRESENT)
    def test_verdicts_match_the_oracle(self, threshold: Threshold, counts: Counts, subject: Subject) -> None:
        """Every form, judged on any subject, agrees with the plain Fraction reading of the oracle."""
        outcome = evaluate(threshold, counts, subject)
        key = {Subject.PRESENT: "present", Subject.YES: "yes", Subject.NO: "no", Subject.CAST: "cast",
               Subject.VALID: "valid"}[subject]
        assert outcome.satisfied == _holds(threshold, _numbers(counts), key)
        _assert_consistent(outcome)

    @given(ist.counts(ballots=True))
    @example(Counts(630, present=621, yes=350, no=236, abstain=35))
    @example(Counts(10, present=10, yes=4, no=4, blank=2))
    def test_more_in_favour_than_against_is_a_majority_of_valid_votes(self, counts: Counts) -> None:
        """'more votes in favour than against' and 'more than 1/2 of valid votes' are one rule."""
        simple = evaluate(Versus(Subject.YES), counts).satisfied
        assert simple == evaluate(Share(MORE, HALF, Base.VALID_VOTES), counts, Subject.YES).satisfied


class TestMonotone:
    @pytest.mark.parametrize("subject", [Subject.NO, Subject.CAST, Subject.VALID])
    def test_monotone_in_the_votes_that_count(self, subject: Subject) -> None:
        """One more vote of the kind a rule counts never turns a verdict it reached into one it misses."""
        counted, bases = GROWS[subject]
        versus = (Subject.NO,) if subject is Subject.NO else ()

        @given(ist.thresholds(max_leaves=4, bases=STILL + bases, counted=(Counted.MEMBERS, *counted),
                              subjects=(None, subject), versus=versus),
               ist.counts(ballots=True))
        def check(threshold: Threshold, counts: Counts) -> None:
            key = {Subject.NO: "no", Subject.CAST: "invalid", Subject.VALID: "no"}[subject]
            verdicts = [evaluate(threshold, _with(counts, **{key: k}), subject).satisfied
                        for k in range(_room(counts, key) + 1)]
            assert verdicts == sorted(verdicts)

        check()

    @given(ist.thresholds(max_leaves=4, bases=STILL, counted=(Counted.MEMBERS, Counted.MEMBERS_PRESENT),
                          subjects=(None, Subject.PRESENT)),
           ist.counts(ballots=True))
    def test_monotone_in_attendance_with_votes(self, threshold: Threshold, counts: Counts) -> None:
        """More members present, the votes unchanged, never break a quorum that was met."""
        assert counts.present is not None and counts.voting is not None
        verdicts = [evaluate(threshold, _with(counts, present=p), Subject.PRESENT).satisfied
                    for p in range(counts.voting, counts.seated + 1)]
        assert verdicts == sorted(verdicts)


class TestAbstentions:
    @given(ist.thresholds(max_leaves=4, bases=tuple(b for b in Base if b is not Base.MEMBERS_VOTING),
                          counted=tuple(c for c in Counted if c is not Counted.MEMBERS_VOTING),
                          subjects=ist.SUBJECTS, versus=(Subject.YES, Subject.NO)),
           ist.counts(ballots=True), st.sampled_from(Subject))
    @example(parse_threshold("more than 1/2 of members in office vote against"),
             Counts(230, present=230, yes=122, no=107, abstain=1), Subject.YES)
    def test_abstentions_are_neutral_unless_members_voting_counts_them(self, threshold: Threshold, counts: Counts,
                                                                       subject: Subject) -> None:
        """With the members present fixed, abstaining or not changes no verdict of a rule that leaves
        'members voting' out: abstentions are not votes cast, valid votes, votes for or against."""
        verdicts = {evaluate(threshold, _with(counts, abstain=a), subject).satisfied
                    for a in range(_room(counts, "abstain") + 1)}
        assert len(verdicts) == 1

    def test_members_voting_counts_abstentions(self) -> None:
        """Under 'majority of members voting' an abstention weighs like a vote against."""
        rule = parse_threshold("majority of members voting")
        assert evaluate(rule, Counts(100, present=90, yes=40, no=30), Subject.YES).satisfied
        assert not evaluate(rule, Counts(100, present=90, yes=40, no=30, abstain=10), Subject.YES).satisfied


class TestRequiredCount:
    @pytest.mark.parametrize("subject", [Subject.NO, Subject.CAST, Subject.VALID, Subject.YES])
    def test_minimal_and_exact_against_brute_force(self, subject: Subject) -> None:
        """For each subject, the required count is the fewest of it that satisfy the rule (counting up with the
        oracle), and every count from zero to the room left meets the rule exactly when it reaches that number."""
        counted = {Subject.NO: Counted.VOTES_AGAINST, Subject.CAST: Counted.VOTES_CAST,
                   Subject.VALID: Counted.VALID_VOTES, Subject.YES: Counted.VOTES_IN_FAVOUR}[subject]
        versus = (Subject.NO,) if subject is Subject.NO else (Subject.YES,) if subject is Subject.YES else ()
        key, measured = MOVES[subject], {Subject.CAST: "cast", Subject.VALID: "valid"}.get(subject, MOVES[subject])

        @given(ist.thresholds(max_leaves=4, bases=STILL, counted=(Counted.MEMBERS, counted),
                              subjects=(None, subject), versus=versus),
               ist.counts(ballots=True))
        def check(threshold: Threshold, counts: Counts) -> None:
            # only the moving count is left: the subject then equals it, and the bars hold still
            base = _with(counts, yes=0, no=counts.no if subject is Subject.YES else 0, blank=0, invalid=0)
            required = required_count(threshold, base, subject)
            k = 0
            while not _holds(threshold, {**_numbers(base), key: k}, measured):
                k += 1
                assert k < 10_000
            assert required == k
            for value in range(_room(base, key) + 1):
                outcome = evaluate(threshold, _with(base, **{key: value}), subject)
                assert outcome.satisfied == (value >= required), value

        check()
