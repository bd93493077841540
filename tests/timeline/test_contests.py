"""Contests between candidates and procedures in two chambers: winners derived, run-offs, precedence."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.crisis import replay_scenario
from engine.errors import EngineError, ScenarioError
from engine.files.packs import parse_pack
from engine.files.scenarios import load_scenario
from engine.timeline.contests import chambers_decide, derive, most_votes
from engine.timeline.events import GovernmentFormed, LegislatureInOffice, VoteHeld
from engine.timeline.machine import Law, Verdict, initial_state, transition
from engine.timeline.vote_events import ContestHeld
from tests.helpers import TWO_HOUSES_HEAD

PACK = TWO_HOUSES_HEAD + """\
  - id: designation
    kind: decision
    body: lower
    title: Designation
    applies_to: [designation]
    effect: installs_government
    contest: majority
    threshold: more than 1/2 of votes cast
    runoff: 2
    chambers: [lower, upper]
    prevails: lower
    article: "67"
    source: s1
  - id: designation-upper
    kind: decision
    body: upper
    title: Designation by the upper house
    applies_to: [designation]
    contest: majority
    threshold: more than 1/2 of votes cast
    runoff: 2
    chambers: [lower, upper]
    prevails: lower
    article: "67"
    source: s1
  - id: speaker
    kind: decision
    body: lower
    title: Speaker
    applies_to: [assembly_president]
    contest: plurality
    threshold: null
    article: "7"
    source: s2
  - id: confidence
    kind: decision
    body: lower
    title: Confidence
    applies_to: [vote_of_confidence]
    effect: confirms_government
    chambers: [lower, upper]
    threshold: more votes in favour than against
    article: "94"
    source: s3
  - id: confidence-upper
    kind: decision
    body: upper
    title: Confidence of the upper house
    applies_to: [vote_of_confidence]
    effect: confirms_government
    chambers: [lower, upper]
    threshold: more votes in favour than against
    article: "94"
    source: s3
"""
LAW = Law(parse_pack(PACK, "t.yaml"), "lower")
START = date(2024, 11, 1)


def _fold(*events):
    state, steps = initial_state(LAW), []
    for event in (LegislatureInOffice(at=START, source="s", seats={"A": 300, "B": 165}), *events):
        step = transition(state, event, LAW)
        steps.append(step)
        state = step.state
    return steps


def _contest(votes: dict, winner: str | None = None, motion: str = "designation", **more) -> ContestHeld:
    return ContestHeld(at=START + timedelta(days=1), source="s", motion=motion, candidates=votes, winner=winner,
                       **more)


def _codes(step) -> list[str]:
    return [f.code for f in step.findings]


class TestContests:
    def test_first_round_without_majority_then_runoff(self) -> None:
        """No majority of the votes cast: a run-off of the top two, won by most votes (Japan, 2024)."""
        steps = _fold(_contest({"I": 221, "N": 151, "B": 93}),
                      _contest({"I": 221, "N": 160}, "I", invalid=84))
        first, runoff = steps[1].findings[0], steps[2].findings[0]
        assert (first.code, first.required, first.detail("finalists")) == ("contest.runoff_due", 233, ("I", "N"))
        assert (runoff.code, runoff.verdict, runoff.count) == ("contest.elected", Verdict.OK, 221)

    def test_recorded_winner_the_rule_does_not_produce(self) -> None:
        """A winner declared without the majority, and no run-off: a violation."""
        [_, step] = _fold(_contest({"I": 221, "N": 244}, "I"))
        assert (step.findings[0].code, step.findings[0].verdict) == ("contest.winner_not_produced", Verdict.VIOLATION)
        assert step.findings[0].detail("derived") == "N"

    def test_votes_outside_the_runoff(self) -> None:
        """A run-off is between the finalists: votes for anyone else are a violation (they are invalid)."""
        steps = _fold(_contest({"I": 200, "N": 150, "B": 115}), _contest({"I": 200, "N": 150, "B": 10}, "I"))
        assert _codes(steps[2]) == ["contest.outside_runoff", "contest.elected"]

    def test_plurality_tie_is_a_finding_not_a_winner(self) -> None:
        """Most votes wins; a tie is reported, and a winner declared on it is not produced by the count."""
        [_, step] = _fold(_contest({"A": 100, "B": 100}, "A", motion="assembly_president"))
        assert (step.findings[0].code, step.findings[0].detail("tied")) == ("contest.tie", ("A", "B"))

    def test_candidate_nobody_nominated(self) -> None:
        """Votes for a candidate nobody nominated can't be recorded: an engine error naming the field."""
        with pytest.raises(EngineError, match="nobody nominated") as caught:
            _fold(_contest({"A": 200, "Z": 3}, "A", nominated=("A", "B")))
        assert caught.value.field == "candidates"

    def test_unknown_count_is_not_judged(self) -> None:
        [_, step] = _fold(_contest({"A": 300, "B": None}, "A"))
        assert _codes(step) == ["contest.tally_not_recorded"]

    def test_scenario_error_names_file_line_and_field(self, tmp_path: Path) -> None:
        """In a scenario, the unnominated candidate is one error with the file, the line and the field."""
        pack = tmp_path / "t.yaml"
        pack.write_text(PACK)
        path = tmp_path / "s.yaml"
        path.write_text(f"""\
scenario: {{id: s, title: S, country: Nowhere, constitution: {pack}, body: lower}}
events:
  - {{type: legislature_in_office, at: 2024-11-01, seats: {{A: 300, B: 165}}, source: s}}
  - type: contest
    at: 2024-11-11
    motion: designation
    candidates: {{A: 300, Z: 1}}
    nominated: [A]
    source: s
""")
        with pytest.raises(ScenarioError) as caught:
            replay_scenario(load_scenario(path))
        assert str(caught.value).startswith(f"{path}:4:") and "events[1].candidates" in str(caught.value)


class TestChambers:
    def test_both_houses_agree(self) -> None:
        steps = _fold(_contest({"I": 300, "N": 165}, "I"), _contest({"I": 142, "N": 97}, "I", body="upper"))
        assert _codes(steps[2]) == ["contest.elected", "chambers.agree"]
        assert steps[2].state.confidence_lawful == ((None, True),)

    def test_lower_house_prevails_when_they_disagree(self) -> None:
        """Art. 67(2): the houses disagree; the lower house's decision is the Diet's."""
        steps = _fold(_contest({"I": 300, "N": 165}, "I"), _contest({"I": 97, "N": 142}, "N", body="upper"))
        diet = steps[2].findings[-1]
        assert (diet.code, diet.detail("decision"), diet.detail("prevails")) == ("chambers.disagree", "I", "lower")

    def test_all_must_consent(self) -> None:
        rule = next(r for r in LAW.constitution.rules if r.id == "confidence")
        assert chambers_decide(rule, {"lower": "adopted", "upper": "rejected"})[0] == "chambers.no_consent"
        assert chambers_decide(rule, {"lower": "adopted"})[0] == "chambers.pending"

    def test_confidence_of_both_chambers(self) -> None:
        """Italy, Art. 94: pending after one chamber's confidence, confirmed after both."""
        formed = GovernmentFormed(at=START + timedelta(days=1), source="s", head="C")
        upper = VoteHeld(at=START + timedelta(days=4), source="s", motion="vote_of_confidence", yes=171, no=117,
                         body="upper")
        lower = VoteHeld(at=START + timedelta(days=5), source="s", motion="vote_of_confidence", yes=350, no=115)
        steps = _fold(formed, upper, lower)
        assert steps[2].state.government_status == ((None, "pending"),)
        assert "government.confidence_of_chamber" in _codes(steps[2])
        assert steps[3].state.government_status == ((None, "confirmed"),)

    def test_lost_in_one_chamber_is_lost(self) -> None:
        formed = GovernmentFormed(at=START + timedelta(days=1), source="s", head="C")
        upper = VoteHeld(at=START + timedelta(days=4), source="s", motion="vote_of_confidence", yes=100, no=150,
                         body="upper", outcome="rejected")
        steps = _fold(formed, upper)
        assert steps[2].state.government_status == ((None, "resigned"),)
        assert "government.must_resign" in _codes(steps[2])

    def test_unknown_body(self) -> None:
        with pytest.raises(EngineError, match="unknown body 'senat'") as caught:
            _fold(_contest({"I": 300}, "I", body="senat"))
        assert caught.value.field == "body"


RULES = {r.id: r for r in LAW.constitution.rules}
VOTES = st.dictionaries(st.sampled_from("ABCDEF"), st.integers(0, 60), min_size=1)


def _numbers(votes: dict):
    from engine.rules.thresholds import Counts

    total = sum(votes.values())
    return lambda name: Counts(all_members=max(total, 1), yes=votes[name], no=total - votes[name])


class TestProperties:
    @given(VOTES)
    def test_plurality_winner_has_most_votes(self, votes: dict) -> None:
        """The derived plurality winner has strictly the most votes; a shared top is a tie, never a winner."""
        pairs = tuple(sorted(votes.items()))
        got = derive(RULES["speaker"], pairs, _numbers(votes))
        best = max(votes.values())
        top = sorted(c for c, n in votes.items() if n == best)
        if len(top) == 1:
            assert (got.winner, got.tied) == (top[0], ())
        else:
            assert (got.winner, got.tied) == (None, tuple(top))
        assert most_votes(pairs) == (got.winner, got.tied)

    @given(VOTES)
    def test_runoff_exactly_when_no_one_reaches_the_threshold(self, votes: dict) -> None:
        """A run-off (or a tie for its places) comes exactly when no candidate has more than half the votes."""
        pairs = tuple(sorted(votes.items()))
        got = derive(RULES["designation"], pairs, _numbers(votes))
        total = sum(votes.values())
        reached = [c for c, n in votes.items() if 2 * n > total]
        if reached:
            assert (got.winner, got.runoff) == (reached[0], ())
        else:
            assert got.winner is None
            assert bool(got.runoff) != bool(got.tied) or len(votes) < 2
            if got.runoff:
                assert min(votes[c] for c in got.runoff) >= max(
                    (n for c, n in votes.items() if c not in got.runoff), default=0)


class TestReadingsAndSoleCandidates:
    def test_a_recorded_winner_judged_under_each_reading(self) -> None:
        """A reading for which most votes wins produces the winner the pack's own rule does not."""
        text = PACK + """\
interpretations:
  - id: plurality-reading
    name: the plurality reading
    holder: someone
    claim: most votes wins at once
    source: s
    overrides:
      - rule: designation
        contest: plurality
        threshold: null
"""
        law = Law(parse_pack(text, "t.yaml"), "lower", readings=(None, "plurality-reading"))
        state = initial_state(law)
        for event in (LegislatureInOffice(at=START, source="s", seats={"A": 465}), _contest({"I": 221, "N": 160, "B": 84}, "I")):
            step = transition(state, event, law)
            state = step.state
        got = {(f.interpretation, f.code, f.verdict) for f in step.findings}
        assert got == {(None, "contest.winner_not_produced", Verdict.VIOLATION),
                       ("plurality-reading", "contest.elected", Verdict.OK)}

    def test_sole_candidate_needs_more_yes_than_no(self) -> None:
        text = PACK.replace("contest: plurality\n    threshold: null", "contest: sole_candidate\n    threshold: more votes in favour than against")
        law = Law(parse_pack(text, "t.yaml"), "lower")
        state = initial_state(law)
        for event in (LegislatureInOffice(at=START, source="s", seats={"A": 465}),
                      _contest({"S": 200}, "S", motion="assembly_president", no=201)):
            step = transition(state, event, law)
            state = step.state
        assert [(f.code, f.count, f.required) for f in step.findings] == [("contest.winner_not_produced", 200, 202)]

    def test_a_yes_no_vote_is_not_judged_by_a_contest_rule(self) -> None:
        """A contest rule judges contests: a yes-or-no vote on the same motion finds no rule for it."""
        [_, step] = _fold(VoteHeld(at=START + timedelta(days=1), source="s", motion="designation", yes=300, no=100))
        assert _codes(step) == ["decision.no_rule"]
