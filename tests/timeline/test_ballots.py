"""Procedures of several ballots: the engine counts which ballot a vote is, and judges it by that
ballot's rule (falling thresholds)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from engine.files.packs import parse_pack
from engine.report.sentences import finding_text
from engine.rules.constitution import Rule, RuleKind
from engine.timeline.events import GovernmentFormed, LegislatureInOffice, MotionTabled, VoteHeld
from engine.timeline.machine import Law, Verdict, initial_state, transition
from engine.timeline.parliament import for_ballot

PACK = """\
id: t
name: Test
country: Nowhere
bodies: [{id: house, name: House, sizes: [{since: 2000-01-01, seats: 350}]}]
rules:
  - id: investiture-first
    kind: decision
    body: house
    title: Investiture, first ballot
    applies_to: [investiture]
    effect: installs_government
    ballot: 1
    threshold: more than 1/2 of all members
    article: "99(3)"
    source: s
  - id: investiture-later
    kind: decision
    body: house
    title: Investiture, later ballots
    applies_to: [investiture]
    effect: installs_government
    ballot: 2
    threshold: more votes in favour than against
    article: "99(3)"
    source: s
"""
LAW = Law(parse_pack(PACK, "t.yaml"), "house")
START = date(2016, 8, 1)


def _fold(*events):
    state, steps = initial_state(LAW), []
    for event in (LegislatureInOffice(at=START, source="s", seats={"A": 170, "B": 180}), *events):
        step = transition(state, event, LAW)
        steps.append(step)
        state = step.state
    return steps


def _vote(day: int, yes: int, no: int, outcome: str = "adopted") -> VoteHeld:
    return VoteHeld(at=START + timedelta(days=day), source="s", motion="investiture", yes=yes, no=no,
                    abstain=350 - yes - no, outcome=outcome)


class TestBallots:
    def test_falling_threshold_on_the_second_ballot(self) -> None:
        """170 of 350 fall short of the absolute majority on the first ballot; 170 to 111 carry the second."""
        steps = _fold(_vote(1, 170, 180, "rejected"), _vote(3, 170, 111))
        first, second = steps[1].findings[0], steps[2].findings[0]
        assert (first.rule, first.code, first.required, first.detail("ballot")) == (
            "investiture-first", "decision.rejected", 176, 1)
        assert (second.rule, second.code, second.verdict, second.required, second.detail("ballot")) == (
            "investiture-later", "decision.adopted", Verdict.OK, 112, 2)
        assert finding_text(second, LAW).startswith("investiture (ballot 2) adopted: 170 in favour, 112 required")
        assert steps[1].state.ballots == ((("house", "investiture"), 1),)
        assert steps[2].state.ballots == ()

    def test_second_ballot_rule_is_not_applied_to_the_first(self) -> None:
        """Declared adopted on the first ballot with more yes than no only: too few for that ballot."""
        [_, step] = _fold(_vote(1, 170, 111))
        assert (step.findings[0].code, step.findings[0].rule) == ("decision.too_few", "investiture-first")

    def test_third_ballot_keeps_the_second_rule(self) -> None:
        steps = _fold(_vote(1, 100, 200, "rejected"), _vote(3, 100, 200, "rejected"), _vote(5, 150, 100))
        assert [s.findings[0].detail("ballot") for s in steps[1:]] == [1, 2, 3]
        assert steps[3].findings[0].rule == "investiture-later"

    def test_a_government_formed_starts_the_next_procedure_afresh(self) -> None:
        steps = _fold(_vote(1, 100, 200, "rejected"), GovernmentFormed(at=START + timedelta(days=2), source="s"),
                      _vote(3, 170, 111))
        assert steps[3].findings[0].rule == "investiture-first"


    def test_a_new_proposal_tabled_starts_the_ballots_afresh(self) -> None:
        """Spain 2016: Rajoy fails twice (31 August, 2 September); his new proposal, tabled in October,
        is voted on as the first was (Art. 99(4)): its first vote needs the absolute majority again."""
        steps = _fold(_vote(30, 170, 180, "rejected"), _vote(32, 170, 180, "rejected"),
                      MotionTabled(at=START + timedelta(days=80), source="s", motion="investiture"),
                      _vote(87, 170, 180, "rejected"), _vote(89, 170, 111))
        assert [(s.findings[0].rule, s.findings[0].detail("ballot"), s.findings[0].required)
                for s in steps if s.findings and s.findings[0].rule] == [
            ("investiture-first", 1, 176), ("investiture-later", 2, 181),
            ("investiture-first", 1, 176), ("investiture-later", 2, 112)]

    def test_tabling_another_motion_leaves_the_count_alone(self) -> None:
        steps = _fold(_vote(1, 100, 200, "rejected"),
                      MotionTabled(at=START + timedelta(days=2), source="s", motion="programme"), _vote(3, 170, 111))
        assert steps[3].findings[0].rule == "investiture-later"


@given(st.lists(st.sampled_from(["rejected", "adopted", "tabled"]), max_size=12))
def test_a_vote_is_the_ballot_its_failures_since_the_last_proposal_make_it(acts: list[str]) -> None:
    """Each vote's ballot is one more than the failed votes since the last proposal tabled or the
    last vote adopted, whatever the order of votes and proposals."""
    events, expected, failed = [], [], 0
    for day, act in enumerate(acts, start=1):
        if act == "tabled":
            events.append(MotionTabled(at=START + timedelta(days=day), source="s", motion="investiture"))
            failed = 0
            continue
        events.append(_vote(day, 100, 200, "rejected") if act == "rejected" else _vote(day, 200, 100))
        expected.append(failed + 1)
        failed = failed + 1 if act == "rejected" else 0
    steps = _fold(*events)
    assert [s.findings[0].detail("ballot") for s in steps[1:] if s.event.TYPE == "vote"] == expected


def _rule(ballot: int | None) -> Rule:
    return Rule(id=f"r{ballot}", kind=RuleKind.DECISION, body="b", title="t", article="1", source=("s",),
                ballot=ballot)


@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=6), st.integers(1, 8))
def test_the_latest_ballot_rule_up_to_the_count_governs(ballots: list[int | None], n: int) -> None:
    """Unnumbered rules always apply; of the numbered, exactly those for the latest ballot up to ``n``."""
    rules = tuple(_rule(b) for b in ballots)
    chosen = for_ballot(rules, n)
    assert all(r in chosen for r in rules if r.ballot is None)
    numbered = {r.ballot for r in chosen if r.ballot is not None}
    eligible = [b for b in ballots if b is not None and b <= n]
    assert numbered == ({max(eligible)} if eligible else set())
