"""Votes as parliaments hold them: full tallies, negative rules, governments confirmed after appointment."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import EngineError
from engine.files.packs import parse_pack
from engine.timeline.events import GovernmentFormed, LegislatureInOffice, MotionTabled, ParliamentConvened, VoteHeld
from engine.timeline.machine import Law, Verdict, initial_state, transition

PACK = """\
id: t
name: Test
country: Nowhere
bodies:
  - id: house
    name: House
    sizes: [{since: 2000-01-01, seats: 230}]
rules:
  - id: programme
    kind: decision
    body: house
    title: Rejection of the programme
    applies_to: [programme]
    direction: reject
    effect: confirms_government
    threshold: more than 1/2 of members in office vote against
    article: "192(4)"
    source: s1
  - id: confidence
    kind: decision
    body: house
    title: Confidence after appointment
    applies_to: [vote_of_confidence]
    effect: confirms_government
    attempts: 3
    attempts_article: "35(1)(a)"
    threshold: majority of members present
    article: "68(3)"
    source: s2
  - id: asked
    kind: deadline
    body: house
    title: Confidence asked within 30 days of the appointment
    period: 30 days
    anchor: government_formed
    met_by: {type: vote, motion: vote_of_confidence, outcome: adopted}
    article: "68(3)"
    source: s3
"""
LAW = Law(parse_pack(PACK, "t.yaml"), "house")
START = date(2020, 1, 1)


def _fold(*events):
    state, steps = initial_state(LAW), []
    for event in (LegislatureInOffice(at=START, source="s", seats={"A": 120, "B": 110}), *events):
        step = transition(state, event, LAW)
        steps.append(step)
        state = step.state
    return steps


def _vote(motion: str, day: int, outcome: str = "adopted", **tally) -> VoteHeld:
    return VoteHeld(at=START + timedelta(days=day), source="s", motion=motion, outcome=outcome, **tally)


def _formed(day: int = 1, head: str = "PM") -> GovernmentFormed:
    return GovernmentFormed(at=START + timedelta(days=day), source="s", head=head)


def _codes(step) -> list[str]:
    return [f.code for f in step.findings]


class TestTallies:
    def test_blank_and_not_voting_count_against_the_members_present(self) -> None:
        """yes + no + abstain + invalid + blank + not voting above those present is refused, naming 'present'."""
        with pytest.raises(ValueError, match=r"'present' \(200\) is less than yes \+ no \+ abstain \+ blank \+ "
                                             r"invalid \+ not_voting \(201\)"):
            _vote("law", 2, yes=100, no=90, blank=5, not_voting=6, present=200)

    def test_more_votes_than_members_present_names_the_field(self) -> None:
        """A tally above the members present names the count at fault."""
        sitting = ParliamentConvened(at=START + timedelta(days=1), source="s", present=200)
        with pytest.raises(EngineError, match="exceed the 200 members present") as caught:
            _fold(sitting, _vote("law", 2, yes=None, no=150, blank=60))
        assert caught.value.field == "no"

    def test_more_votes_than_seats(self) -> None:
        """Without an attendance, the votes may not outnumber the seats of the body."""
        with pytest.raises(EngineError, match="exceed the 230 seats"):
            _fold(_vote("law", 2, yes=200, no=31))

    def test_unknown_count_the_rule_reads_is_not_judged(self) -> None:
        """An unknown count of votes against leaves a negative rule unjudged: the tally is not recorded."""
        steps = _fold(_formed(), _vote("programme", 5, no=None, yes=107))
        assert "decision.tally_not_recorded" in _codes(steps[-1])

    def test_unknown_count_the_rule_does_not_read(self) -> None:
        """The votes in favour are not needed to judge a rejection measured on the votes against."""
        steps = _fold(_formed(), _vote("programme", 5, outcome="rejected", yes=None, no=123))
        assert "decision.rejected_by_majority" in _codes(steps[-1])

    def test_event_round_trip_with_nulls(self) -> None:
        """Unknown counts survive unstructuring and structuring."""
        from engine.timeline.events import structure_event, unstructure_event

        vote = _vote("law", 1, yes=10, no=None, blank=2, not_voting=3)
        assert structure_event(unstructure_event(vote)) == vote


class TestDirection:
    def test_programme_rejected(self) -> None:
        """Portugal 2015: 123 against of 230 in office reach 116: rejected, as declared."""
        steps = _fold(_formed(), _vote("programme", 5, outcome="rejected", yes=107, no=123))
        finding = steps[-1].findings[0]
        assert (finding.code, finding.verdict, finding.count, finding.required) == (
            "decision.rejected_by_majority", Verdict.OK, 123, 116)

    def test_programme_stands_is_lawful_not_too_few(self) -> None:
        """107 against: the programme stands, and the government it confirms is lawful."""
        steps = _fold(_formed(), _vote("programme", 5, yes=122, no=107, abstain=1))
        assert _codes(steps[-1]) == ["decision.not_rejected", "government.confirmed"]
        assert steps[-1].state.government_lawful == ((None, True),)

    def test_declared_rejected_with_too_few_against(self) -> None:
        """Declared rejected with 110 against: a violation, the rejection lacked its majority."""
        steps = _fold(_formed(), _vote("programme", 5, outcome="rejected", yes=120, no=110))
        assert steps[-1].findings[0].verdict is Verdict.VIOLATION
        assert steps[-1].findings[0].code == "decision.rejected_too_few"

    def test_declared_standing_though_rejected(self) -> None:
        """Declared standing with 120 against: a violation, and the government is not lawfully confirmed."""
        steps = _fold(_formed(), _vote("programme", 5, yes=110, no=120))
        assert _codes(steps[-1]) == ["decision.stands_though_rejected", "government.unlawful_vote"]
        assert steps[-1].state.government_lawful == ((None, False),)

    @settings(max_examples=60, deadline=None)
    @given(st.integers(0, 230), st.integers(0, 230), st.sampled_from(["adopted", "rejected"]))
    def test_monotone_in_against_indifferent_to_in_favour(self, no: int, yes: int, outcome: str) -> None:
        """A negative rule's verdict depends on the votes against only, and more of them never save the motion."""
        yes = min(yes, 230 - no)

        def rejected(y: int, n: int) -> bool:
            code = _fold(_formed(), _vote("programme", 5, outcome=outcome, yes=y, no=n))[-1].findings[0].code
            return code in ("decision.rejected_by_majority", "decision.stands_though_rejected")

        assert rejected(yes, no) == rejected(0, no) == (no >= 116)
        if no < 230:
            assert rejected(0, no) <= rejected(0, no + 1)


class TestConfirmation:
    def test_pending_until_the_vote(self) -> None:
        """Appointed first, a government is pending: not judged unlawful for lacking a vote."""
        steps = _fold(_formed())
        assert steps[-1].state.government_status == ((None, "pending"),)
        assert _codes(steps[-1]) == ["government.pending"]
        assert steps[-1].state.government_lawful == ()

    def test_confirmed_within_the_period(self) -> None:
        """An adopted vote of confidence within 30 days confirms it and meets the deadline."""
        steps = _fold(_formed(), _vote("vote_of_confidence", 15, yes=105, no=91, present=196))
        assert steps[-1].state.government_status == ((None, "confirmed"),)
        assert {"decision.adopted", "government.confirmed", "deadline.met"} <= set(_codes(steps[-1]))

    def test_lost_vote_obliges_resignation_and_counts(self) -> None:
        """A lost vote: the government must resign; the failure is counted."""
        steps = _fold(_formed(), _vote("vote_of_confidence", 10, outcome="rejected", yes=78, no=117, present=195))
        state = steps[-1].state
        assert (state.government_status, state.government_lawful, state.failed_votes) == (
            ((None, "resigned"),), ((None, False),), 1)
        assert "government.must_resign" in _codes(steps[-1])

    def test_third_failure_is_recorded(self) -> None:
        """At the count the rule names (3), a finding cites the article that attaches the consequence."""
        events = []
        for n in range(3):
            events += [_formed(1 + 40 * n), _vote("vote_of_confidence", 10 + 40 * n, outcome="rejected", yes=78,
                                                  no=117, present=195)]
        steps = _fold(*events)
        exhausted = [f for f in steps[-1].findings if f.code == "government.attempts_exhausted"]
        assert [(f.count, f.required, f.article) for f in exhausted] == [(3, 3, "35(1)(a)")]
        assert steps[-1].state.failed_votes == 3

    def test_a_confirmed_government_resets_the_count(self) -> None:
        """Attempts are counted from the last confirmed government."""
        steps = _fold(_formed(), _vote("vote_of_confidence", 10, outcome="rejected", yes=78, no=117, present=195),
                      _formed(20), _vote("vote_of_confidence", 25, yes=105, no=91, present=196))
        assert steps[-1].state.failed_votes == 1
        later = transition(steps[-1].state, _formed(60), LAW)
        assert later.state.failed_votes == 0

    def test_tabling_a_motion_changes_nothing_but_deadlines(self) -> None:
        """A motion tabled is recorded; the government stays pending."""
        steps = _fold(_formed(), MotionTabled(at=START + timedelta(days=3), source="s", motion="vote_of_confidence"))
        assert steps[-1].state.government_status == ((None, "pending"),)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(["vote_of_confidence", "programme", "law"]),
                              st.sampled_from(["adopted", "rejected"]), st.integers(0, 115)), max_size=5))
    def test_pending_becomes_confirmed_only_by_a_vote_that_confirms(self, votes) -> None:
        """Pending -> confirmed happens only at a vote on a confirming motion declared adopted."""
        events = [_vote(motion, 2 + i, outcome, yes=yes, no=115 - yes, present=230)
                  for i, (motion, outcome, yes) in enumerate(votes)]
        steps = _fold(_formed(), *events)
        for before, step in itertools.pairwise(steps[1:]):
            was = dict(before.state.government_status).get(None)
            now = dict(step.state.government_status).get(None)
            if was == "pending" and now == "confirmed":
                assert step.event.motion in ("vote_of_confidence", "programme")
                assert step.event.outcome == "adopted"
            if was != "pending":
                assert now != "confirmed" or was == "confirmed"


class TestReadings:
    STRICT = PACK + """\
interpretations:
  - id: strict
    name: the strict reading
    holder: a judge
    claim: Confidence needs two thirds of all members
    source: s4
    overrides:
      - rule: confidence
        threshold: at least 2/3 of all members
        article: "68(3) (strict)"
        source: s5
"""

    def test_the_verdict_on_a_confirmation_is_per_reading(self) -> None:
        """Won by 105 of 196 present: confirmed under both readings, lawfully only under the pack's own."""
        law = Law(parse_pack(self.STRICT, "t.yaml"), "house", readings=(None, "strict"))
        state = initial_state(law)
        for event in (LegislatureInOffice(at=START, source="s", seats={"A": 120, "B": 110}), _formed(),
                      _vote("vote_of_confidence", 10, yes=105, no=91, present=196)):
            step = transition(state, event, law)
            state = step.state
        assert state.government_status == ((None, "confirmed"), ("strict", "confirmed"))
        assert state.government_lawful == ((None, True), ("strict", False))
        assert [(f.code, f.interpretation) for f in step.findings if f.code.startswith("government.")] == [
            ("government.confirmed", None), ("government.unlawful_vote", "strict")]
