"""Facts that cannot be true together are engine errors naming the field (issue 17): members of a
boycotting party counted present or voting, more complaints ruled on than were filed."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine.errors import EngineError
from engine.files.packs import load_pack
from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    ComplaintFiled,
    ComplaintRuled,
    ElectionHeld,
    ParliamentConvened,
    ResultsAnnounced,
    VoteHeld,
)
from engine.timeline.machine import Law, initial_state, transition
from engine.timeline.state import State

RULES = Law(load_pack("kh"), "national-assembly", (None,))
POLL = date(2013, 7, 28)


def _fold(*events, state: State | None = None) -> State:
    state = initial_state(RULES) if state is None else state
    for event in events:
        state = transition(state, event, RULES).state
    return state


def _boycotted(seats: dict[str, int], boycotting: tuple[str, ...], sat: bool = True) -> State:
    """A state after the results of ``seats`` (123 in all), the boycott of ``boycotting`` declared
    and, if ``sat``, an opening sitting of the members the boycott leaves."""
    events = [ElectionHeld(at=POLL, source="s"),
              ResultsAnnounced(at=POLL + timedelta(days=40), source="s", stage="final", by="NEC", seats=seats),
              *(BoycottDeclared(at=POLL + timedelta(days=50), source="s", party=p) for p in boycotting)]
    if sat:
        room = 123 - sum(seats[p] for p in boycotting)
        events.append(ParliamentConvened(at=POLL + timedelta(days=57), source="s", sitting="opening", present=room))
    return _fold(*events)


KH2013 = {"CPP": 68, "CNRP": 55}
DAY = POLL + timedelta(days=60)


class TestBoycottersCountedPresent:
    def test_the_2013_opening_holds_only_the_members_the_boycott_leaves(self) -> None:
        """68 present while the CNRP's 55 boycott is possible; 70 is refused, naming `present`."""
        state = _boycotted(KH2013, ("CNRP",), sat=False)
        sitting = ParliamentConvened(at=DAY, source="s", sitting="opening", present=68)
        assert transition(state, sitting, RULES).state.last_present == 68
        with pytest.raises(EngineError, match=r"70 members present, but CNRP \(55 seats\) boycott parliament, "
                                              r"so at most 68 of the 123") as info:
            transition(state, attrs.evolve(sitting, present=70), RULES)
        assert info.value.field == "present"

    def test_a_boycotting_party_counted_by_party_is_refused(self) -> None:
        """`present_by_party` naming the boycotting party is refused, naming that field."""
        state = _boycotted(KH2013, ("CNRP",), sat=False)
        sitting = ParliamentConvened(at=DAY, source="s", sitting="opening",
                                     present_by_party={"CPP": 68, "CNRP": 3})
        with pytest.raises(EngineError, match="3 of CNRP present, but it boycotts parliament") as info:
            transition(state, sitting, RULES)
        assert info.value.field == "present_by_party"

    def test_boycotters_present_says_how_many_broke_the_boycott(self) -> None:
        """With `boycotters_present: 3` the same sitting is possible, and no more than 3 of them."""
        state = _boycotted(KH2013, ("CNRP",), sat=False)
        sitting = ParliamentConvened(at=DAY, source="s", sitting="opening",
                                     present_by_party={"CPP": 68, "CNRP": 3}, boycotters_present=3)
        assert transition(state, sitting, RULES).state.last_present == 71
        with pytest.raises(EngineError, match="boycotters_present, here 2"):
            transition(state, attrs.evolve(sitting, boycotters_present=2), RULES)

    def test_a_vote_counts_only_the_members_the_boycott_leaves(self) -> None:
        """A vote's tally or its `present` past 68 is refused while the CNRP boycotts, naming the count."""
        state = _fold(ParliamentConvened(at=DAY, source="s", sitting="opening"),  # attendance not recorded
                      state=_boycotted(KH2013, ("CNRP",), sat=False))
        vote = VoteHeld(at=DAY, source="s", motion="package_vote", yes=68)
        transition(state, vote, RULES)
        with pytest.raises(EngineError, match="69 members counted in the vote") as info:
            transition(state, attrs.evolve(vote, yes=60, no=9), RULES)
        assert info.value.field == "yes"
        with pytest.raises(EngineError, match="80 members counted in the vote") as info:
            transition(state, attrs.evolve(vote, present=80), RULES)
        assert info.value.field == "present"
        transition(state, attrs.evolve(vote, present=80, boycotters_present=12), RULES)

    def test_the_count_is_free_once_the_boycott_ends(self) -> None:
        """After an agreement ends the boycott, 123 may sit."""
        state = _fold(AgreementReached(at=DAY, source="s", parties=("CPP", "CNRP")),
                      state=_boycotted(KH2013, ("CNRP",)))
        step = transition(state, ParliamentConvened(at=DAY, source="s", sitting="ordinary", present=123), RULES)
        assert step.state.last_present == 123  # not refused: the sitting is recorded with all 123

    def test_a_boycott_of_talks_keeps_no_one_away(self) -> None:
        """Only a boycott of parliament limits attendance."""
        state = _fold(BoycottDeclared(at=DAY, source="s", party="CNRP", of="talks"),
                      state=_boycotted(KH2013, ()))
        step = transition(state, ParliamentConvened(at=DAY, source="s", sitting="ordinary", present=123), RULES)
        assert step.state.last_present == 123  # not refused: the sitting is recorded with all 123

    @given(seats=st.lists(st.integers(1, 60), min_size=2, max_size=4).filter(lambda s: sum(s) <= 123),
           boycotting=st.integers(1, 3), present=st.integers(0, 123), came=st.integers(0, 123))
    @example(seats=[68, 55], boycotting=1, present=69, came=0)
    @example(seats=[68, 55], boycotting=1, present=69, came=1)
    def test_refused_exactly_when_more_than_the_boycott_leaves(self, seats: list[int], boycotting: int,
                                                               present: int, came: int) -> None:
        """Oracle: a sitting is refused iff it counts more boycotters present than the boycotting parties
        hold (field ``boycotters_present``), or present > 123 - boycotting seats + boycotters_present."""
        parties = {f"P{i}": n for i, n in enumerate(seats)}
        away = tuple(sorted(parties)[:min(boycotting, len(seats) - 1)])
        state = _boycotted(parties, away, sat=False)
        sitting = ParliamentConvened(at=DAY, source="s", sitting="opening", present=present,
                                     boycotters_present=came)
        if came > sum(parties[p] for p in away):
            with pytest.raises(EngineError, match="boycotters present, but") as info:
                transition(state, sitting, RULES)
            assert info.value.field == "boycotters_present"
        elif present > 123 - sum(parties[p] for p in away) + came:
            with pytest.raises(EngineError, match="boycott parliament") as info:
                transition(state, sitting, RULES)
            assert info.value.field == "present"
        else:
            assert transition(state, sitting, RULES).state.last_present == present


def _filed(*counts: tuple[int | None, int | None]) -> State:
    """A state after the results and one filing per (count, count_max)."""
    return _fold(ElectionHeld(at=POLL, source="s"),
                 *(ComplaintFiled(at=POLL + timedelta(days=10), source="s", by="CNRP", to="NEC", count=c,
                                  count_max=m) for c, m in counts))


def _ruled(count: int | None, **fields) -> ComplaintRuled:
    return ComplaintRuled(at=POLL + timedelta(days=20), source="s", by="NEC", outcome="rejected", count=count,
                          **fields)


class TestComplaintsRuledOn:
    def test_more_ruled_on_than_filed_is_refused(self) -> None:
        """17 filed, 19 ruled on: refused, naming the ruling's `count`; nothing is applied."""
        state = _filed((17, None))
        with pytest.raises(EngineError, match="19 complaints ruled on, but at most 17 were filed") as info:
            transition(state, _ruled(19), RULES)
        assert info.value.field == "count"

    def test_conflicting_sources_give_a_range(self) -> None:
        """Cambodia 2013: 17 (VNA) to 32 filed; the NEC's 19 (AP) is possible, and 13 at most remain."""
        state = _fold(_ruled(19), state=_filed((17, 32)))
        assert (state.complaints_pending, state.complaints_most) == (0, 13)
        with pytest.raises(EngineError, match="at most 13"):
            transition(state, attrs.evolve(_ruled(14), at=POLL + timedelta(days=30)), RULES)

    def test_a_filing_without_a_count_sets_no_bound(self) -> None:
        """'More than 250' (1998) is recorded with no count: any ruling count is possible after it."""
        state = _filed((609, None), (None, None))
        assert (state.complaints_pending, state.complaints_most) == (610, None)
        transition(state, _ruled(900), RULES)

    def test_filings_not_in_the_sources(self) -> None:
        """Kenya 2017: two petitions ruled on whose filing the sources do not give."""
        state = _filed()
        with pytest.raises(EngineError, match="filings_recorded: false"):
            transition(state, _ruled(2, final=True), RULES)
        after = transition(state, _ruled(2, final=True, filings_recorded=False), RULES).state
        assert (after.complaints_pending, after.complaints_most) == (0, 0)

    def test_count_max_needs_a_count_no_larger(self) -> None:
        """`count_max` below `count`, or without it, is a bad event."""
        for count, most in ((17, 16), (None, 32)):
            with pytest.raises(ValueError, match="'count_max'"):
                ComplaintFiled(at=POLL, source="s", by="CNRP", to="NEC", count=count, count_max=most)

    @given(filed=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 20)), min_size=1, max_size=4),
           ruled=st.integers(1, 200))
    @example(filed=[(17, 15)], ruled=19)
    @example(filed=[(17, 0)], ruled=18)
    def test_refused_exactly_when_more_than_the_filings_allow(self, filed: list[tuple[int, int]],
                                                              ruled: int) -> None:
        """Oracle: a ruling is refused iff its count passes the sum of the filings' highest counts."""
        state = _filed(*((c, c + extra or None) for c, extra in filed))
        most = sum(c + extra for c, extra in filed)
        if ruled > most:
            with pytest.raises(EngineError, match="complaints ruled on"):
                transition(state, _ruled(ruled), RULES)
        else:
            after = transition(state, _ruled(ruled), RULES).state
            assert after.complaints_most == most - ruled
            assert after.complaints_pending == max(0, sum(c for c, _ in filed) - ruled)
