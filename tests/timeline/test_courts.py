"""Court rulings and seats: an election annulled (whole, or some seats) with the re-run its ruling
starts a deadline for; an act declared void; seats vacated and filled by by-elections; quorum bases
on the seats filled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import EngineError
from engine.files.packs import parse_pack
from engine.timeline.court_events import ByElectionHeld, CourtRuling, SeatsVacated
from engine.timeline.events import ElectionHeld, Event, ParliamentConvened, ResultsAnnounced
from engine.timeline.law import Law
from engine.timeline.machine import initial_state, transition
from engine.timeline.replay import replay
from engine.timeline.state import Phase, State

PACK = """\
id: t
name: Test
country: Nowhere
bodies:
  - {id: house, name: House, sizes: [{since: 2000-01-01, seats: 100}]}
rules:
  - id: fresh-election
    kind: deadline
    body: house
    title: A fresh election within 60 days of an annulment
    period: 60 days
    anchor: {type: court_ruling, effect: annuls_election}
    met_by: {type: election_held, kind: [general, repeat]}
    article: "140(3)"
    source: s
  - id: rerun
    kind: deadline
    body: house
    title: Re-run polls within 30 days of a partial annulment
    period: 30 days
    anchor: {type: court_ruling, effect: annuls_election}
    met_by: {type: by_election_held, rerun: true}
    article: "9"
    source: s
  - id: opening-quorum
    kind: quorum
    body: house
    title: Quorum
    applies_to: [opening, ordinary]
    threshold: more than 1/2 of members in office
    article: "8"
    source: s
"""
LAW = Law(parse_pack(PACK, "t.yaml"), body="house")
POLL = date(2017, 8, 8)
RULING = date(2017, 9, 1)
SRC = ("s",)


def _day(n: int) -> date:
    return RULING + timedelta(days=n)


def _elected(seats: dict[str, int] | None = None) -> list[Event]:
    return [ElectionHeld(at=POLL, source=SRC, id="poll"),
            ResultsAnnounced(at=POLL + timedelta(days=3), source=SRC, stage="official", by="EC",
                             seats=seats or {"A": 60, "B": 40})]


def _annul(**fields: object) -> CourtRuling:
    return CourtRuling(at=RULING, source=SRC, id="ruling", court="Supreme Court", effect="annuls_election",
                       **fields)  # type: ignore[arg-type]


def _fold(events: list[Event]) -> State:
    state = initial_state(LAW)
    for event in events:
        state = transition(state, event, LAW).state
    return state


class TestAnnulment:
    def test_the_whole_election_annulled(self) -> None:
        """Its results no longer stand: the phase is back before the poll, the poll is remembered as annulled."""
        step = transition(_fold(_elected()), _annul(majority="4-2"), LAW)
        assert step.state.phase is Phase.BEFORE_POLL
        assert step.state.seats == ()
        assert step.state.annulled == ((POLL, ()),)
        (finding,) = [f for f in step.findings if f.code.startswith("court.")]
        assert (finding.code, finding.detail("poll"), finding.detail("majority")) == (
            "court.election_annulled", POLL, "4-2")
        assert [d.rule for d in step.state.deadlines] == ["fresh-election", "rerun"]

    def test_a_fresh_election_after_the_annulment_is_no_election_under_way(self) -> None:
        """The fresh poll meets the deadline the ruling started: 55 of 60 days."""
        state = _fold([*_elected(), _annul()])
        step = transition(state, ElectionHeld(at=_day(55), source=SRC, kind="repeat"), LAW)
        met = next(f for f in step.findings if f.rule == "fresh-election")
        assert (met.code, met.count, met.required) == ("deadline.met", 55, 60)
        assert step.state.annulled == ((POLL, ()),)  # a new legislature keeps the history

    def test_after_the_opening_the_assembly_stays(self) -> None:
        """Annulled once the new assembly has sat: the annulment is recorded, the assembly and its seats stay."""
        opening = ParliamentConvened(at=date(2017, 8, 20), source=SRC, sitting="opening", present=90)
        state = _fold([*_elected(), opening, _annul()])
        assert (state.phase, state.seats_total, state.annulled) == (Phase.ASSEMBLY_CONVENED, 100, ((POLL, ()),))

    def test_no_annulment_before_a_poll(self) -> None:
        with pytest.raises(EngineError, match="before one is held"):
            transition(initial_state(LAW), _annul(), LAW)

    def test_some_seats_annulled_fall_vacant_and_a_rerun_fills_them(self) -> None:
        """A partial annulment leaves the election standing; the re-run poll, not refused as an election under
        way, fills the seats and meets its deadline."""
        state = _fold([*_elected(), _annul(seats={"A": 3}, constituencies=["North", "South"])])
        assert (state.phase, state.vacant, dict(state.seats)["A"], state.seats_total) == (
            Phase.OFFICIAL_RESULTS, 3, 57, 97)
        assert state.annulled == ((POLL, ("North", "South")),)
        step = transition(state, ByElectionHeld(at=_day(20), source=SRC, seats={"A": 1, "B": 2}, rerun=True), LAW)
        assert (step.state.vacant, dict(step.state.seats)) == (0, {"A": 58, "B": 42})
        assert [(f.code, f.count) for f in step.findings] == [("seats.filled", 3), ("deadline.met", 20)]

    def test_constituencies_annulled_leave_the_election_standing(self) -> None:
        """An annulment that names constituencies but no seats (a presidential poll's) annuls those polls only."""
        step = transition(_fold(_elected()), _annul(constituencies=["Kisumu"]), LAW)
        assert (step.state.phase, step.state.vacant, step.state.annulled) == (
            Phase.OFFICIAL_RESULTS, 0, ((POLL, ("Kisumu",)),))
        assert [(f.code, f.count) for f in step.findings if f.code.startswith("court.")] == [("court.seats_annulled", 0)]

    def test_seats_annulled_must_be_held(self) -> None:
        with pytest.raises(EngineError, match="5 seats of B annulled, but it holds 0"):
            transition(_fold(_elected({"A": 100})), _annul(seats={"B": 5}), LAW)

    def test_a_ruling_names_what_it_annuls_or_voids(self) -> None:
        with pytest.raises(ValueError, match="must name the act"):
            CourtRuling(at=RULING, source=SRC, court="C", effect="voids_act")
        with pytest.raises(ValueError, match="with 'effect: annuls_election'"):
            CourtRuling(at=RULING, source=SRC, court="C", effect="upholds", seats={"A": 1})


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=60))
def test_a_fresh_election_within_the_period_always_meets_it(n: int) -> None:
    timeline = replay([*_elected(), _annul(), ElectionHeld(at=_day(n), source=SRC, kind="repeat")], LAW)
    codes = [(f.code, f.rule) for f in timeline.findings if f.rule == "fresh-election"]
    assert codes == [("deadline.met", "fresh-election")]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=61, max_value=400))
def test_a_fresh_election_after_the_period_never_meets_it(n: int) -> None:
    """The period expires unmet on day 61 (missed); the late election answers it as done late, never met."""
    timeline = replay([*_elected(), _annul(), ElectionHeld(at=_day(n), source=SRC, kind="repeat")], LAW)
    codes = [f.code for f in timeline.findings if f.rule == "fresh-election"]
    assert codes == ["deadline.missed", "deadline.done_late"]
    missed = next(s for s in timeline.steps if s.event.TYPE == "deadline_expired" and s.event.rule == "fresh-election")
    assert missed.event.at == _day(61)


class TestVoid:
    def test_a_void_opening_turns_its_lawful_verdict_unlawful_from_the_ruling_on(self) -> None:
        """The timeline keeps both: the opening judged lawful on its day, and the ruling's finding naming it and
        the verdict it reverses; the state shows the act void."""
        opening = ParliamentConvened(at=date(2017, 8, 20), source=SRC, id="opening", sitting="opening", present=90)
        before = _fold([*_elected(), opening])
        assert before.opened_lawfully == ((None, True),)
        ruling = CourtRuling(at=RULING, source=SRC, court="Constitutional Court", effect="voids_act", act="opening",
                             act_kind="opening")
        step = transition(before, ruling, LAW)
        assert step.state.opened_lawfully == ((None, False),)
        assert step.state.void_acts == ("opening",)
        (finding,) = step.findings
        assert (finding.code, finding.verdict.value, finding.detail("act"), finding.detail("reverses")) == (
            "court.act_void", "violation", "opening", (None,))
        with pytest.raises(EngineError, match="already declared void"):
            transition(step.state, ruling, LAW)

    def test_another_act_is_recorded_void(self) -> None:
        ruling = CourtRuling(at=RULING, source=SRC, court="C", effect="voids_act", act="law-12")
        step = transition(_fold(_elected()), ruling, LAW)
        assert (step.state.void_acts, step.findings[0].detail("reverses")) == (("law-12",), ())


class TestSeats:
    def test_resignations_lower_the_quorum_base_and_a_by_election_restores_it(self) -> None:
        """'members in office' counts the seats filled: 51 present of 97 in office is a quorum, of 100 it is too."""
        state = _fold([*_elected(), SeatsVacated(at=date(2017, 9, 2), source=SRC, party="A", members=3,
                                                 reason="resignation")])
        assert (state.vacant, state.seats_total) == (3, 97)
        step = transition(state, ParliamentConvened(at=date(2017, 9, 3), source=SRC, sitting="opening", present=49),
                          LAW)
        quorum = next(f for f in step.findings if f.rule == "opening-quorum")
        assert (quorum.code, quorum.required) == ("quorum.met", 49)  # more than 97/2
        filled = transition(step.state, ByElectionHeld(at=date(2017, 10, 1), source=SRC, seats={"B": 3}), LAW).state
        assert (filled.vacant, filled.seats_total) == (0, 100)

    def test_seats_the_results_leave_unallocated_are_vacant(self) -> None:
        """Results that allocate 95 of 100 seats leave 5 to fill; a by-election fills them."""
        state = _fold(_elected({"A": 60, "B": 35}))
        assert state.vacant == 5
        state = transition(state, ByElectionHeld(at=date(2017, 9, 3), source=SRC, seats={"B": 5}), LAW).state
        assert (state.vacant, state.seats_total) == (0, 100)

    def test_a_by_election_fills_no_more_than_the_vacant_seats(self) -> None:
        state = _fold([*_elected(), SeatsVacated(at=date(2017, 9, 2), source=SRC, party="A")])
        with pytest.raises(EngineError, match="2 seats filled, but 1 are vacant"):
            transition(state, ByElectionHeld(at=date(2017, 9, 3), source=SRC, seats={"A": 2}), LAW)

    def test_no_more_seats_vacated_than_held(self) -> None:
        with pytest.raises(EngineError, match="41 seats of B vacated, but it holds 40"):
            transition(_fold(_elected()), SeatsVacated(at=RULING, source=SRC, party="B", members=41), LAW)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100),
       st.lists(st.tuples(st.booleans(), st.sampled_from(["A", "B"]), st.integers(min_value=0, max_value=70)),
                max_size=12))
def test_seats_filled_stay_between_zero_and_the_body_size(a: int, b: int, moves: list[tuple[bool, str, int]]) -> None:
    """Whatever the results allocate and whatever vacancies and by-elections are tried, those the engine
    accepts keep seats filled plus vacant equal to the body's size; seats filled never go below zero nor
    above it."""
    state = _fold(_elected({"A": a, "B": min(b, 100 - a)}))
    day = date(2017, 9, 1)
    for vacate, party, n in moves:
        day += timedelta(days=1)
        event: Event = (SeatsVacated(at=day, source=SRC, party=party, members=n) if vacate
                        else ByElectionHeld(at=day, source=SRC, seats={party: n}))
        try:
            state = transition(state, event, LAW).state
        except EngineError:
            continue
        assert 0 <= state.seats_total <= 100
        assert all(n >= 0 for _, n in state.seats)
        assert state.seats_total + state.vacant == 100


CONVENING = PACK.replace("    threshold: more than 1/2 of members in office\n",
                         "    threshold: more than 1/2 of members in office\n    seats_filled: at least 2/3 of all members\n")
CONVENING_LAW = Law(parse_pack(CONVENING, "t.yaml"), body="house")


class TestConvening:
    def _opening(self, state: State) -> tuple[State, list[object]]:
        step = transition(state, ParliamentConvened(at=date(2017, 10, 5), source=SRC, id="opening",
                                                    sitting="opening", present=60), CONVENING_LAW)
        return step.state, [(f.code, f.count, f.required) for f in step.findings if f.code.startswith("convening.")]

    def _after(self, events: list[Event]) -> State:
        state = initial_state(CONVENING_LAW)
        for event in events:
            state = transition(state, event, CONVENING_LAW).state
        return state

    def test_an_opening_before_two_thirds_of_the_seats_are_filled_is_a_violation(self) -> None:
        """35 seats annulled leave 65 of 100 filled, short of 67: the sitting happened, so it is a finding,
        and the assembly is not lawfully opened."""
        state = self._after([*_elected(), _annul(seats={"A": 35})])
        state, found = self._opening(state)
        assert found == [("convening.seats_unfilled", 65, 67)]
        assert state.opened_lawfully == ((None, False),)

    def test_once_the_reruns_fill_them_it_may_convene(self) -> None:
        state = self._after([*_elected(), _annul(seats={"A": 35}),
                             ByElectionHeld(at=date(2017, 9, 20), source=SRC, seats={"A": 2}, rerun=True)])
        state, found = self._opening(state)
        assert found == [("convening.met", 67, 67)]
        assert state.opened_lawfully == ((None, True),)

    def test_seats_not_recorded_are_not_judged(self) -> None:
        _, found = self._opening(self._after([ElectionHeld(at=POLL, source=SRC)]))
        assert found == [("convening.not_recorded", None, None)]

    def test_only_a_quorum_rule_has_a_convening_condition(self) -> None:
        from engine.errors import PackError

        bad = PACK.replace("    period: 30 days\n", "    period: 30 days\n    seats_filled: at least 2/3 of all members\n")
        with pytest.raises(PackError, match="only a quorum rule has 'seats_filled'"):
            parse_pack(bad, "t.yaml")
        with pytest.raises(PackError, match="seats_filled"):
            parse_pack(CONVENING.replace("at least 2/3 of all members", "most of them"), "t.yaml")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=100))
def test_the_convening_condition_holds_exactly_from_two_thirds(annulled: int) -> None:
    """With 100 seats, the body may sit once 67 are filled (at least 2/3), and not before."""
    events: list[Event] = [*_elected({"A": 100})]
    if annulled:
        events.append(_annul(seats={"A": annulled}))
    state = initial_state(CONVENING_LAW)
    for event in events:
        state = transition(state, event, CONVENING_LAW).state
    step = transition(state, ParliamentConvened(at=date(2017, 10, 5), source=SRC, sitting="opening"), CONVENING_LAW)
    (found,) = [f for f in step.findings if f.code.startswith("convening.")]
    assert found.code == ("convening.met" if 100 - annulled >= 67 else "convening.seats_unfilled")
