"""The pure state machine: guards (engine errors) versus findings, and a stateful property test."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from engine.crisis import law_for
from engine.errors import EngineError
from engine.files.packs import load_pack
from engine.files.scenarios import load_scenario
from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    BoycottEnded,
    ElectionHeld,
    GovernmentFormed,
    ParliamentConvened,
    Protest,
    ResultsAnnounced,
    ResultsRejected,
    TalksHeld,
    VoteHeld,
)
from engine.timeline.machine import Law, LawMemo, Verdict, initial_state, transition
from engine.timeline.state import Level, Phase

KH = load_pack("kh")
READINGS = (None, "cpp-majority-suffices", "opposition-120-to-open", "two-thirds-valid-meeting")
RULES = Law(KH, "national-assembly", READINGS)
SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def _run(*events):
    state = initial_state(RULES)
    steps = []
    for event in events:
        step = transition(state, event, RULES)
        steps.append(step)
        state = step.state
    return steps


def _poll(day: date, seats: dict[str, int]):
    return [ElectionHeld(at=day, source="s"),
            ResultsAnnounced(at=day + timedelta(days=30), source="s", stage="final", by="NEC", seats=seats)]


class TestGuards:
    def test_results_before_election(self) -> None:
        """Results without an election are impossible, and nothing is applied."""
        state = initial_state(RULES)
        with pytest.raises(EngineError, match="before an election"):
            transition(state, ResultsAnnounced(at=date(2013, 8, 1), source="s", stage="final", by="NEC"), RULES)

    def test_events_in_date_order(self) -> None:
        """An event dated before the state's date is refused."""
        (step,) = _run(ElectionHeld(at=date(2013, 7, 28), source="s"))
        with pytest.raises(EngineError, match="date order"):
            transition(step.state, ElectionHeld(at=date(2013, 7, 1), source="s"), RULES)


    def test_a_party_without_seats_cannot_boycott_parliament(self) -> None:
        """Once seats are known, a boycott of parliament or government needs seats; of talks it does not."""
        steps = _run(*_poll(date(2013, 7, 28), {"CPP": 68, "CNRP": 55}))
        state = steps[-1].state
        boycott = BoycottDeclared(at=date(2013, 9, 1), source="s", party="SRP", of="parliament")
        with pytest.raises(EngineError, match="SRP holds no seats, so it can't boycott parliament") as info:
            transition(state, boycott, RULES)
        assert info.value.field == "party"
        talks = BoycottDeclared(at=date(2013, 9, 1), source="s", party="SRP", of="talks")
        assert ("SRP", "talks") in transition(state, talks, RULES).state.boycotts

    def test_an_opening_sitting_needs_an_election(self) -> None:
        """An opening sitting before any poll is refused: nothing is applied, the sitting is named."""
        opening = ParliamentConvened(at=date(2013, 7, 1), source="s", sitting="opening", present=100)
        with pytest.raises(EngineError, match="record the election first") as info:
            transition(initial_state(RULES), opening, RULES)
        assert info.value.field == "sitting"


class TestFindings:
    def test_2003_two_thirds_confidence_falls_short(self) -> None:
        """2003: 73 CPP votes fall short of the 82 the two-thirds confidence rule requires."""
        steps = _run(*_poll(date(2003, 7, 27), {"CPP": 73, "FUNCINPEC": 26, "SRP": 24}),
                     ParliamentConvened(at=date(2003, 9, 24), source="s", sitting="opening", present=123,
                                        convened_by="King"),
                     VoteHeld(at=date(2003, 10, 1), source="s", motion="vote_of_confidence", yes=73, outcome="adopted"))
        found = [f for f in steps[-1].findings if f.interpretation is None]
        assert [(f.verdict, f.required, f.count) for f in found] == [(Verdict.VIOLATION, 82, 73)]

    def test_boycott_that_blocks_the_quorum_is_a_deadlock(self) -> None:
        """2003: without FUNCINPEC and SRP, 73 members can't open the assembly under 7/10 (87)."""
        steps = _run(*_poll(date(2003, 7, 27), {"CPP": 73, "FUNCINPEC": 26, "SRP": 24}),
                     BoycottDeclared(at=date(2003, 9, 17), source="s", party="FUNCINPEC"),
                     BoycottDeclared(at=date(2003, 9, 17), source="s", party="SRP"))
        assert steps[-1].state.impasse.level is Level.DEADLOCK
        assert (steps[-1].state.impasse.reasons[-1].code, steps[-1].state.impasse.reasons[-1].required) == ("blocked", 87)

    def test_agreement_resolves(self) -> None:
        """An agreement ending every boycott and dispute resolves the impasse."""
        steps = _run(*_poll(date(2013, 7, 28), {"CPP": 68, "CNRP": 55}),
                     ResultsRejected(at=date(2013, 9, 8), source="s", party="CNRP"),
                     BoycottDeclared(at=date(2013, 9, 8), source="s", party="CNRP"),
                     AgreementReached(at=date(2014, 7, 22), source="s", parties=("CPP", "CNRP")))
        assert [s.state.impasse.level for s in steps[2:]] == [Level.DISPUTED, Level.BOYCOTT, Level.RESOLVED]


PARTIES = {"A": 61, "B": 40, "C": 22}  # 123 seats


class CrisisMachine(RuleBasedStateMachine):
    """Random valid event sequences driven through transition; invariants hold after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.day = date(2013, 7, 28)
        self.steps = _run(*_poll(self.day, PARTIES))
        self.day += timedelta(days=30)

    @property
    def state(self):
        return self.steps[-1].state

    def _apply(self, event) -> None:
        before = self.state
        step = transition(before, event, RULES)
        assert step.event is event
        self.steps.append(step)

    def _next(self, days: int) -> date:
        self.day += timedelta(days=days)
        return self.day

    def _room(self) -> int:
        """The members who can attend: the boycotters of parliament are away."""
        return 123 - sum(PARTIES[p] for p in self.state.boycotting("parliament"))

    @rule(days=st.integers(0, 20), party=st.sampled_from(sorted(PARTIES)))
    def boycott(self, days: int, party: str) -> None:
        self._apply(BoycottDeclared(at=self._next(days), source="s", party=party))

    @rule(days=st.integers(0, 20), data=st.data())
    def end_boycott(self, days: int, data) -> None:
        mine = sorted(self.state.boycotting("parliament"))
        if mine:
            party = data.draw(st.sampled_from(mine))
            self._apply(BoycottEnded(at=self._next(days), source="s", party=party))
        else:
            with pytest.raises(EngineError):
                transition(self.state, BoycottEnded(at=self.day, source="s", party="A"), RULES)

    @rule(days=st.integers(0, 20), data=st.data(), sitting=st.sampled_from(["opening", "ordinary"]))
    def convene(self, days: int, data, sitting: str) -> None:
        if sitting == "ordinary" and self.state.sittings == 0:
            sitting = "opening"  # an ordinary sitting before the opening is an engine error
        present = data.draw(st.integers(0, self._room()))
        self._apply(ParliamentConvened(at=self._next(days), source="s", sitting=sitting, present=present,
                                       convened_by=data.draw(st.sampled_from(["King", "Senate President"]))))

    @precondition(lambda self: self.state.sittings > 0)
    @rule(days=st.integers(0, 5), data=st.data())
    def vote(self, days: int, data) -> None:
        present = min(self.state.last_present or 0, self._room())
        yes = data.draw(st.integers(0, present))
        no = data.draw(st.integers(0, present - yes))
        self._apply(VoteHeld(at=self._next(days), source="s", motion="vote_of_confidence", yes=yes, no=no,
                             outcome=data.draw(st.sampled_from(["adopted", "rejected"]))))

    @precondition(lambda self: self.state.sittings > 0)
    @rule(days=st.integers(0, 5))
    def government(self, days: int) -> None:
        self._apply(GovernmentFormed(at=self._next(days), source="s", head="X"))

    @rule(days=st.integers(0, 30))
    def agreement(self, days: int) -> None:
        self._apply(AgreementReached(at=self._next(days), source="s", parties=tuple(sorted(PARTIES))))

    @rule(days=st.integers(0, 30), length=st.integers(0, 5))
    def protest(self, days: int, length: int) -> None:
        start = self._next(days) + timedelta(days=3)
        self._apply(Protest(at=self.day, source="s", status="planned", organiser="B", start=start,
                            end=start + timedelta(days=length)))

    @rule()
    def impossible_vote_is_refused_without_change(self) -> None:
        """A vote by more members than sit is refused and leaves the state as it was."""
        before = self.state
        with pytest.raises(EngineError):
            transition(before, VoteHeld(at=self.day, source="s", motion="vote_of_confidence", yes=124), RULES)
        assert self.state is before

    @rule(extra=st.integers(1, 10))
    def boycotters_counted_present_are_refused(self, extra: int) -> None:
        """A sitting counting more members than the boycott leaves is refused, unless it says that many
        boycotters attended anyway."""
        before, room = self.state, self._room()
        if room == 123 or self.state.sittings == 0:
            return
        sitting = ParliamentConvened(at=self.day, source="s", sitting="ordinary", present=room + extra)
        with pytest.raises(EngineError, match="boycott parliament"):
            transition(before, sitting, RULES)
        transition(before, attrs.evolve(sitting, boycotters_present=extra), RULES)
        assert self.state is before

    @invariant()
    def seats_fit_the_body(self) -> None:
        assert self.state.seats_total <= (self.state.body_size or 0)

    @invariant()
    def impasse_follows_boycotts(self) -> None:
        level = self.state.impasse.level
        if self.state.boycotts:
            assert level in (Level.BOYCOTT, Level.DEADLOCK)
        else:
            assert level in (Level.NONE, Level.RESOLVED, Level.DISPUTED, Level.DEADLOCK)

    @invariant()
    def findings_are_cited(self) -> None:
        for finding in self.steps[-1].findings:
            if finding.rule is not None:
                assert finding.article
            assert finding.interpretation in READINGS

    @invariant()
    def one_verdict_per_reading_for_quorum(self) -> None:
        step = self.steps[-1]
        if isinstance(step.event, ParliamentConvened):
            quorum = [f for f in step.findings
                      if f.rule in ("opening-quorum", "sitting-quorum") and f.verdict is not Verdict.INFO]
            assert sorted(map(str, (f.interpretation for f in quorum))) == sorted(map(str, READINGS))

    @invariant()
    def phase_never_before_results(self) -> None:
        assert self.state.phase.rank >= Phase.OFFICIAL_RESULTS.rank


TestCrisisMachine = CrisisMachine.TestCase
TestCrisisMachine.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)


class TestScenarioMechanisms:
    def test_legislature_in_office_then_dissolution(self) -> None:
        """A scenario may start mid-term; a party dissolved then loses its real seats."""
        from engine.timeline.events import LegislatureInOffice, PartyDissolved

        steps = _run(LegislatureInOffice(at=date(2017, 11, 1), source="s", seats={"CPP": 68, "CNRP": 55}, government="X"),
                     PartyDissolved(at=date(2017, 11, 16), source="s", party="CNRP"))
        assert steps[0].state.phase is Phase.GOVERNMENT_FORMED
        assert dict(steps[1].state.seats) == {"CPP": 68}
        assert steps[1].findings[0].code == "party.dissolved" and steps[1].findings[0].detail("lost") == 55
        with pytest.raises(EngineError, match="only start a scenario"):
            transition(steps[1].state, LegislatureInOffice(at=date(2017, 12, 1), source="s", seats={"CPP": 1}), RULES)

    def test_unknown_tally_is_not_judged(self) -> None:
        """A vote with yes: null is recorded; its rule gives info, and the government's lawfulness is open."""
        steps = _run(*_poll(date(2013, 7, 28), {"CPP": 68, "CNRP": 55}),
                     ParliamentConvened(at=date(2013, 9, 23), source="s", sitting="opening", present=123,
                                        convened_by="King"),
                     VoteHeld(at=date(2013, 9, 24), source="s", motion="vote_of_confidence", yes=None),
                     GovernmentFormed(at=date(2013, 9, 24), source="s"))
        assert {f.verdict for f in steps[-2].findings} == {Verdict.INFO}
        assert {f.verdict for f in steps[-1].findings} == {Verdict.INFO}

    def test_government_boycott_blocks_the_confidence_vote(self) -> None:
        """Parties that attend but refuse any government leave 73 of 82: a deadlock, ended by the government."""
        steps = _run(*_poll(date(2003, 7, 27), {"CPP": 73, "FUNCINPEC": 26, "SRP": 24}),
                     BoycottDeclared(at=date(2003, 9, 1), source="s", party="FUNCINPEC", of="government"),
                     BoycottDeclared(at=date(2003, 9, 1), source="s", party="SRP", of="government"),
                     ParliamentConvened(at=date(2003, 9, 20), source="s", sitting="opening", present=123,
                                        convened_by="King"),
                     AgreementReached(at=date(2004, 6, 25), source="s", parties=("CPP", "FUNCINPEC")),
                     GovernmentFormed(at=date(2004, 7, 15), source="s"))
        assert steps[2].state.impasse.level is Level.BOYCOTT  # opening needs attendance only
        assert steps[4].state.impasse.level is Level.DEADLOCK
        assert steps[5].state.impasse.level is Level.BOYCOTT  # SRP alone can't block 99 of 82
        assert steps[6].state.boycotts == frozenset()


@functools.cache
def _loaded(path: Path):
    return load_scenario(path)


@functools.cache
def _steps(path: Path) -> tuple:
    """The steps of a scenario's replay, up to its first impossible event."""
    scenario = _loaded(path)
    rules = law_for(scenario)
    state, steps = initial_state(rules), []
    for event in scenario.events:
        try:
            step = transition(state, event, rules)
        except EngineError:
            break
        steps.append(step)
        state = step.state
    return tuple(steps)


class TestWhatTransitionRemembers:
    """Replay and the simulator pass transition a LawMemo that keeps what the law says and the
    judgements made; it may change how soon a step comes, never what it is."""

    @pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
    def test_a_shared_memo_makes_the_steps_no_memo_makes(self, path: Path) -> None:
        """Every scenario folded with one memo, and again with none (a fresh one each event): equal steps."""
        scenario = load_scenario(path)
        law = law_for(scenario)
        memo = LawMemo(law)
        state = again = initial_state(law)
        for event in scenario.events:
            try:
                step = transition(state, event, law, memo)
            except EngineError:
                break
            fresh = transition(again, event, law)
            assert (fresh.event, fresh.state, fresh.findings) == (step.event, step.state, step.findings)
            assert fresh.state.impasse == step.state.impasse
            state, again = step.state, fresh.state

    def test_a_memo_serves_one_law(self) -> None:
        """A memo made for one law is refused with another: its answers would be the other law's."""
        other = Law(KH, "national-assembly", (None,))
        with pytest.raises(ValueError, match="another law"):
            transition(initial_state(RULES), ElectionHeld(at=date(2013, 7, 28), source="s"), RULES, LawMemo(other))

    @settings(max_examples=60, deadline=None)
    @given(st.sampled_from(SCENARIOS), st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=400))
    def test_the_incoming_date_only_orders_events(self, path: Path, pick: int, days_before: int) -> None:
        """A state's date matters to the next event only as a bound: any date up to the event's
        gives the same step (the simulator's step memo leaves dates out of its keys on this)."""
        scenario = _loaded(path)
        rules = law_for(scenario)
        steps = _steps(path)
        if not steps:
            return
        i = pick % len(steps)
        before = steps[i - 1].state if i else initial_state(rules)
        step = steps[i]
        for on in (None, step.event.at - timedelta(days=days_before)):
            other = transition(before.replace(on=on), step.event, rules)
            assert (other.event, other.state, other.findings) == (step.event, step.state, step.findings)
        later = step.event.at + timedelta(days=1 + days_before)
        with pytest.raises(EngineError, match="date order"):
            transition(before.replace(on=later), step.event, rules)

    def test_an_impasse_not_derived_by_transition_is_derived_again(self) -> None:
        """A state made by hand, its impasse left at the default: the next step derives it."""
        (step,) = _run(*_poll(date(2013, 7, 28), {"CPP": 68, "CNRP": 55})[:1])
        by_hand = step.state.replace(boycotts=frozenset({("CNRP", "parliament")}))
        assert by_hand.impasse.level is Level.NONE
        talks = TalksHeld(at=date(2013, 8, 1), source="s", parties=("CPP", "CNRP"))
        assert transition(by_hand, talks, RULES).state.impasse.level is Level.BOYCOTT
