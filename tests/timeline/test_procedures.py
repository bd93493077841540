"""Procedures written from the docs alone: the investiture snippets of docs/constitutions.md ("Writing
an investiture from these pages") built into packs and replayed to the outcome their text states."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.files.packs import parse_pack
from engine.rules.thresholds import Counts, Subject, evaluate
from engine.timeline.events import Event, GovernmentFormed, LegislatureInOffice, VoteHeld
from engine.timeline.machine import Law, Step, Verdict, initial_state, transition
from engine.timeline.vote_events import ContestHeld

DOCS = Path(__file__).resolve().parents[2] / "docs" / "constitutions.md"
START = date(2020, 1, 1)


def _snippets() -> list[str]:
    """The YAML blocks of the chapter, in order: negative majority, falling thresholds, run-off."""
    text = DOCS.read_text(encoding="utf-8")
    chapter = text.split("### Writing an investiture from these pages", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", chapter, flags=re.DOTALL)


def _law(snippet: str, seats: int) -> Law:
    """A pack made of the snippet and what the chapter says to add: an id, a name, a country, a body."""
    head = (f"id: docs\nname: From the docs\ncountry: Nowhere\n"
            f"bodies: [{{id: assembly, name: Assembly, sizes: [{{since: 2000-01-01, seats: {seats}}}]}}]\nrules:\n")
    return Law(parse_pack(head + snippet, "docs.yaml"), body="assembly")


def _fold(law: Law, seats: int, *events: Event) -> list[Step]:
    state, steps = initial_state(law), []
    for event in (LegislatureInOffice(at=START, source="s", seats={"A": seats // 2, "B": seats - seats // 2}),
                  *events):
        step = transition(state, event, law)
        steps.append(step)
        state = step.state
    return steps


def _vote(day: int, outcome: str, yes: int, no: int) -> VoteHeld:
    return VoteHeld(at=START + timedelta(days=day), source="s", motion="investiture", outcome=outcome, yes=yes, no=no)


def _formed(day: int) -> GovernmentFormed:
    return GovernmentFormed(at=START + timedelta(days=day), source="s", head="X")


def test_the_chapter_has_its_three_snippets() -> None:
    assert len(_snippets()) == 3


class TestNegativeMajority:
    """The government stands unless more than 1/2 of the 230 members in office vote against it."""

    def test_116_against_reject_it(self) -> None:
        law = _law(_snippets()[0], 230)
        [_, vote] = _fold(law, 230, _vote(1, "rejected", 110, 116))
        assert [(f.code, f.verdict, f.count, f.required) for f in vote.findings] == [
            ("decision.rejected_by_majority", Verdict.OK, 116, 116)]

    def test_115_against_leave_it_standing_and_the_government_lawful(self) -> None:
        law = _law(_snippets()[0], 230)
        steps = _fold(law, 230, _vote(1, "adopted", 100, 115), _formed(2))
        assert [f.code for f in steps[1].findings] == ["decision.not_rejected"]
        assert [f.code for f in steps[2].findings] == ["government.lawful"]

    def test_declared_standing_with_116_against_is_a_violation(self) -> None:
        law = _law(_snippets()[0], 230)
        [_, vote] = _fold(law, 230, _vote(1, "adopted", 100, 116))
        assert [(f.code, f.verdict) for f in vote.findings] == [("decision.stands_though_rejected", Verdict.VIOLATION)]


class TestFallingThresholds:
    """300 members: 151 on the first ballot, 3/5 of the votes cast on the second, more yes than no after."""

    def test_120_to_100_carry_the_third_ballot_only(self) -> None:
        law = _law(_snippets()[1], 300)
        steps = _fold(law, 300, _vote(1, "rejected", 120, 100), _vote(3, "rejected", 120, 100),
                      _vote(5, "adopted", 120, 100), _formed(6))
        judged = [(f.rule, f.code, f.required, f.detail("ballot")) for s in steps[1:4] for f in s.findings]
        assert judged == [("investiture-1", "decision.rejected", 151, 1),
                          ("investiture-2", "decision.rejected", 132, 2),
                          ("investiture-3", "decision.adopted", 101, 3)]
        assert [f.code for f in steps[4].findings] == ["government.lawful"]

    def test_declared_adopted_on_the_first_ballot_is_too_few(self) -> None:
        law = _law(_snippets()[1], 300)
        steps = _fold(law, 300, _vote(1, "adopted", 120, 100), _formed(2))
        assert [(f.code, f.verdict) for f in steps[1].findings] == [("decision.too_few", Verdict.VIOLATION)]
        assert [f.code for f in steps[2].findings] == ["government.unlawful_vote"]


class TestRunoff:
    """A majority of the votes cast, else a run-off between the top two won by most votes."""

    def _contest(self, day: int, winner: str | None, **votes: int) -> ContestHeld:
        return ContestHeld(at=START + timedelta(days=day), source="s", motion="designation", candidates=votes,
                           winner=winner)

    def test_100_80_60_go_to_a_runoff_that_most_votes_win(self) -> None:
        law = _law(_snippets()[2], 300)
        steps = _fold(law, 300, self._contest(1, None, A=100, B=80, C=60), self._contest(1, "A", A=130, B=110),
                      _formed(1))
        first, runoff = steps[1].findings[0], steps[2].findings[0]
        assert (first.code, first.required, first.detail("finalists")) == ("contest.runoff_due", 121, ("A", "B"))
        assert (runoff.code, runoff.verdict, runoff.count) == ("contest.elected", Verdict.OK, 130)
        assert [f.code for f in steps[3].findings] == ["government.lawful"]

    def test_a_winner_declared_in_the_first_round_is_not_produced(self) -> None:
        law = _law(_snippets()[2], 300)
        [_, first] = _fold(law, 300, self._contest(1, "A", A=100, B=80, C=60))
        assert (first.findings[0].code, first.findings[0].verdict) == ("contest.winner_not_produced",
                                                                      Verdict.VIOLATION)


@pytest.fixture(scope="module")
def falling() -> Law:
    return _law(_snippets()[1], 300)


@given(failed=st.integers(0, 4), yes=st.integers(0, 300), no=st.integers(0, 300))
def test_each_ballot_is_judged_by_its_own_threshold(falling: Law, failed: int, yes: int, no: int) -> None:
    """After ``failed`` failed ballots, a vote is the ballot ``failed + 1``, judged by the rule for the latest
    ballot numbered up to it, and declared adopted it is lawful exactly when that rule's threshold is met."""
    if yes + no > 300:
        no = 300 - yes
    steps = _fold(falling, 300, *(_vote(1 + 2 * i, "rejected", 0, 0) for i in range(failed)),
                  _vote(1 + 2 * failed, "adopted", yes, no))
    [finding] = steps[-1].findings
    ballot = failed + 1
    rule = next(r for r in falling.constitution.rules if r.ballot == min(ballot, 3))
    assert rule.threshold is not None
    met = evaluate(rule.threshold, Counts(all_members=300, sitting=300, yes=yes, no=no), Subject.YES).satisfied
    assert (finding.rule, finding.detail("ballot")) == (rule.id, ballot)
    assert finding.code == ("decision.adopted" if met else "decision.too_few")
