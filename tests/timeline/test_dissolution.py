"""A dissolved body that stops (the default) or sits on until the new assembly first sits
(``after_dissolution: sits``, the Knesset under Basic Law: The Knesset, s. 37)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import EngineError
from engine.files.packs import parse_pack
from engine.timeline.events import (
    AssemblyDissolved,
    ElectionHeld,
    LegislatureInOffice,
    MotionTabled,
    ParliamentConvened,
    VoteHeld,
)
from engine.timeline.machine import Law, initial_state, transition
from engine.timeline.state import Phase
from engine.timeline.vote_events import ContestHeld

PACK = """\
id: t
name: Test
country: Nowhere
bodies:
  - id: house
    name: House
    sizes: [{{since: 2000-01-01, seats: 120}}]
{extra}
rules:
  - id: dissolution-law
    kind: decision
    body: house
    title: A law dissolving the house
    applies_to: [dissolution, law]
    threshold: more than 1/2 of all members
    article: "34"
    source: s1
  - id: speaker
    kind: decision
    body: house
    title: The speaker
    applies_to: [assembly_president]
    contest: plurality
    threshold: null
    article: "20"
    source: s2
  - id: quorum
    kind: quorum
    body: house
    title: A quarter of the members
    threshold: at least 1/4 of all members
    article: "25"
    source: s3
"""
SITS = Law(parse_pack(PACK.format(extra="    after_dissolution: sits\n    after_dissolution_source: s4"), "t.yaml"),
           "house")
STOPS = Law(parse_pack(PACK.format(extra=""), "t.yaml"), "house")
START = date(2020, 1, 1)


def _day(n: int) -> date:
    return START + timedelta(days=n)


def _fold(law: Law, *events):
    state, steps = initial_state(law), []
    for event in (LegislatureInOffice(at=START, source="s", seats={"A": 70, "B": 50}), *events):
        step = transition(state, event, law)
        steps.append(step)
        state = step.state
    return steps


def _vote(day: int, motion: str = "law", **tally) -> VoteHeld:
    return VoteHeld(at=_day(day), source="s", motion=motion, outcome="adopted", **tally)


def _dissolved(day: int) -> AssemblyDissolved:
    return AssemblyDissolved(at=_day(day), source="s", by="the law")


class TestStops:
    def test_a_vote_after_the_dissolution_is_refused_as_before(self) -> None:
        with pytest.raises(EngineError, match="can't hold a vote when the assembly is dissolved"):
            _fold(STOPS, _dissolved(1), _vote(2, yes=94, no=0))

    def test_so_are_a_motion_and_a_contest(self) -> None:
        with pytest.raises(EngineError, match="can't table a motion when the assembly is dissolved"):
            _fold(STOPS, _dissolved(1), MotionTabled(at=_day(2), source="s", motion="law"))
        contest = ContestHeld(at=_day(2), source="s", motion="assembly_president", candidates={"X": 60, "Y": 40},
                              winner="X")
        with pytest.raises(EngineError, match="can't hold a contest when the assembly is dissolved"):
            _fold(STOPS, _dissolved(1), contest)

    def test_a_sitting_after_the_dissolution_does_not_open_the_door(self) -> None:
        sitting = ParliamentConvened(at=_day(2), source="s", sitting="extraordinary", present=100)
        with pytest.raises(EngineError, match="the assembly is dissolved"):
            _fold(STOPS, _dissolved(1), sitting, _vote(3, yes=94))


class TestSits:
    def test_the_dissolved_knesset_passes_its_law(self) -> None:
        steps = _fold(SITS, _dissolved(1), _vote(2, yes=94, no=0))
        (finding,) = steps[-1].findings
        assert (finding.code, finding.rule, finding.count, finding.required) == ("decision.adopted", "dissolution-law",
                                                                               94, 61)
        assert steps[-1].state.phase is Phase.DISSOLVED

    def test_sittings_motions_and_contests_go_on(self) -> None:
        sitting = ParliamentConvened(at=_day(2), source="s", sitting="ordinary", present=20)
        contest = ContestHeld(at=_day(4), source="s", motion="assembly_president", candidates={"X": 60, "Y": 40},
                              winner="X")
        steps = _fold(SITS, _dissolved(1), sitting, MotionTabled(at=_day(3), source="s", motion="law"), contest)
        assert [f.code for f in steps[2].findings] == ["quorum.below"]   # judged as any sitting: 20 of 30
        assert steps[-1].state.phase is Phase.DISSOLVED

    def test_the_dissolution_still_ends_the_government(self) -> None:
        steps = _fold(SITS, _dissolved(1))
        assert steps[-1].state.government is None
        assert steps[-1].state.phase is Phase.DISSOLVED

    def test_the_new_assembly_takes_over_at_its_opening(self) -> None:
        opening = ParliamentConvened(at=_day(40), source="s", sitting="opening", present=120)
        steps = _fold(SITS, _dissolved(1), ElectionHeld(at=_day(30), source="s", kind="repeat"), opening,
                      _vote(41, yes=70))
        assert steps[3].state.phase is Phase.ASSEMBLY_CONVENED
        assert steps[3].state.sittings == 1
        assert [f.code for f in steps[-1].findings] == ["decision.adopted"]


TALLY = st.fixed_dictionaries({"yes": st.integers(0, 120)}).flatmap(
    lambda t: st.fixed_dictionaries({"yes": st.just(t["yes"]), "no": st.integers(0, 120 - t["yes"])}))


@given(tally=TALLY, motion=st.sampled_from(["law", "dissolution", "vote_of_confidence"]),
       gap=st.integers(0, 30), sat=st.booleans())
def test_a_body_that_sits_on_judges_a_vote_after_the_dissolution_as_before(tally, motion, gap, sat) -> None:
    """For any tally and motion, with or without a sitting before: after a dissolution, a body that
    sits on finds exactly what it found for the same vote before it; one that stops refuses it."""
    before = () if not sat else (ParliamentConvened(at=_day(1), source="s", sitting="ordinary", present=120),)
    vote = _vote(2 + gap, motion, **tally)
    undissolved = _fold(SITS, *before, vote)[-1]
    dissolved = _fold(SITS, *before, _dissolved(2), vote)[-1]
    assert dissolved.findings == undissolved.findings
    assert dissolved.state.phase is Phase.DISSOLVED
    with pytest.raises(EngineError, match="when the assembly is dissolved"):
        _fold(STOPS, *before, _dissolved(2), vote)
