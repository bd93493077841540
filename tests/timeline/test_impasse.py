"""The impasse and formation levels: derived from a state's fields alone, per reading for the formation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.files.packs import load_pack
from engine.timeline.impasse import formation, with_impasse
from engine.timeline.law import Law, LawMemo
from engine.timeline.state import Deadline, Formation, FormationLevel, Gathering, Phase, Reason, State

READINGS = ("cpp-majority-suffices", "opposition-120-to-open")
LAW = Law(load_pack("kh"), "national-assembly", READINGS)
POLL = date(2021, 3, 17)
ON = POLL + timedelta(days=10)


def _state(**fields: object) -> State:
    return State(body="national-assembly", **{"on": ON, **fields})  # type: ignore[arg-type]


def _level(state: State, reading: str | None = READINGS[0]) -> FormationLevel:
    return formation(state, reading).level


class TestFormationLevels:
    def test_none_before_any_election(self) -> None:
        """Nothing has happened: no formation to speak of."""
        assert formation(_state(), None) == Formation()

    def test_an_election_starts_a_formation_counted_from_its_day(self) -> None:
        """After the poll, no government: ``formation``, its reason dated from the election."""
        state = _state(phase=Phase.OFFICIAL_RESULTS, poll=POLL)
        assert formation(state, None) == Formation(FormationLevel.FORMATION, (Reason("formation", since=POLL),))

    def test_lost_votes_make_it_fail(self) -> None:
        """Governments awaiting confirmation lost votes: ``formation failing``, with the count."""
        state = _state(phase=Phase.ASSEMBLY_CONVENED, poll=POLL, failed_votes=2)
        assert formation(state, None).level is FormationLevel.FAILING
        assert formation(state, None).reasons[1] == Reason("failed", count=2)

    def test_a_pending_government_is_still_a_formation(self) -> None:
        """Appointed, its vote to come: still forming (failing after lost votes)."""
        pending = _state(phase=Phase.GOVERNMENT_FORMED, poll=POLL, government="X",
                         government_status=((READINGS[0], "pending"),))
        assert _level(pending) is FormationLevel.FORMATION
        assert _level(pending.replace(failed_votes=1)) is FormationLevel.FAILING

    def test_a_government_that_lost_its_vote_is_caretaker_under_that_reading_only(self) -> None:
        """Resigned under one reading, confirmed under the other: the levels differ per reading."""
        state = _state(phase=Phase.GOVERNMENT_FORMED, poll=POLL, government="X", failed_votes=1,
                       government_status=((READINGS[0], "resigned"), (READINGS[1], "confirmed")))
        assert _level(state, READINGS[0]) is FormationLevel.CARETAKER
        assert _level(state, READINGS[1]) is FormationLevel.FORMED

    def test_dissolved(self) -> None:
        """A dissolved assembly: an election is due, counted from the last one."""
        state = _state(phase=Phase.DISSOLVED, poll=POLL)
        assert formation(state, None) == Formation(FormationLevel.DISSOLVED, (Reason("dissolved", since=POLL),))

    def test_formed_keeps_the_day_it_took_office(self) -> None:
        """Formed: the days stop on the day the government took office, whatever the state's date later."""
        formed = with_impasse(_state(phase=Phase.GOVERNMENT_FORMED, poll=POLL, government="X"), LawMemo(LAW), None)
        (_, first), _ = formed.formation
        assert first.reasons == (Reason("formed", target="X", since=POLL, until=ON),)
        later = with_impasse(formed.replace(on=ON + timedelta(days=30)), LawMemo(LAW), None)
        assert later.formation == formed.formation

    def test_in_office_from_before_the_scenario_is_no_formation(self) -> None:
        """A government in office before any election of the scenario: level none."""
        state = _state(phase=Phase.GOVERNMENT_FORMED, government="X")
        assert _level(state) is FormationLevel.NONE


_PHASES = st.sampled_from(list(Phase))
_STATUS = st.sampled_from([None, "pending", "confirmed", "resigned"])


@st.composite
def _relevant(draw: st.DrawFn) -> dict[str, object]:
    """The fields the impasse and formation levels read, drawn."""
    status = tuple((r, s) for r in READINGS if (s := draw(_STATUS)) is not None)
    return {
        "phase": draw(_PHASES),
        "poll": draw(st.none() | st.just(POLL)),
        "government": draw(st.none() | st.sampled_from(["X", "Y"])),
        "government_status": status,
        "failed_votes": draw(st.integers(0, 3)),
        "rejecting": draw(st.frozensets(st.sampled_from(["CNRP", "SRP"]))),
        "complaints_pending": draw(st.integers(0, 2)),
        "boycotts": draw(st.frozensets(st.tuples(st.sampled_from(["CNRP", "SRP"]),
                                                 st.sampled_from(["parliament", "government", "talks"])))),
        "seats": (("CNRP", 55), ("CPP", 68)),
        "body_size": 123,
        "had_impasse": draw(st.booleans()),
        "overdue": draw(st.sampled_from([(), ("first-session-deadline",)])),
    }


@st.composite
def _irrelevant(draw: st.DrawFn) -> dict[str, object]:
    """Fields the levels do not read: histories may differ in them."""
    day = POLL + timedelta(days=draw(st.integers(0, 30)))
    return {
        "sittings": draw(st.integers(0, 3)),
        "last_present": draw(st.none() | st.integers(0, 123)),
        "seated": draw(st.sampled_from([(), (("CPP", 68),)])),
        "gatherings": draw(st.sampled_from([(), (Gathering("g", "rally", "planned", "CNRP", day, day),)])),
        "deadlines": draw(st.sampled_from([(), (Deadline("d", "D", "1", POLL, day),)])),
        "missed": draw(st.sampled_from([(), ("d",)])),
        "avenues_exhausted": draw(st.booleans()),
    }


class TestAFunctionOfTheFields:
    @given(_relevant(), _irrelevant(), _irrelevant(), st.booleans())
    def test_states_equal_in_those_fields_have_equal_levels(self, relevant, one, other, shared: bool) -> None:
        """Two states equal in the fields the levels read get equal impasse and formation levels, whatever
        else differs, and whether the memo is shared or fresh."""
        memo = LawMemo(LAW)
        day = memo.day(ON)
        first = with_impasse(_state(**relevant, **one), memo, day)
        second_memo = memo if shared else LawMemo(LAW)
        second = with_impasse(_state(**relevant, **other), second_memo, second_memo.day(ON))
        assert (first.impasse, first.had_impasse, first.formation) == \
            (second.impasse, second.had_impasse, second.formation)
        assert [r for r, _ in first.formation] == list(READINGS)

    @given(_relevant(), st.integers(1, 300))
    def test_only_a_government_taking_office_reads_the_date(self, relevant, days: int) -> None:
        """A state's date changes the formation level only where a government is taking office (its day is kept)."""
        memo = LawMemo(LAW)
        base = with_impasse(_state(**relevant), memo, None)
        moved = with_impasse(base.replace(on=ON + timedelta(days=days)), memo, None)
        assert moved.formation == base.formation


@pytest.mark.parametrize("name", ["czech-2017", "portugal-2015"])
def test_a_formation_rises_and_falls(name: str) -> None:
    """Appointed, lost its vote (caretaker), a second government pending after a failed vote, then formed."""
    from engine.crisis import replay_scenario
    from engine.files.scenarios import load_scenario

    timeline = replay_scenario(load_scenario(f"scenarios/{name}.yaml"))
    levels = []
    for step in timeline.steps:
        level = step.state.formation[0][1].level.value
        if not levels or levels[-1] != level:
            levels.append(level)
    assert levels == ["formation", "caretaker", "formation failing", "formed"]


def test_formed_without_a_lawful_vote_says_so_under_that_reading() -> None:
    """Cambodia 2013: formed under every reading, with a reason where the vote was not lawful."""
    from engine.crisis import replay_scenario
    from engine.files.scenarios import load_scenario

    final = replay_scenario(load_scenario("scenarios/cambodia-2013.yaml")).final
    reasons = {reading: tuple(r.code for r in f.reasons) for reading, f in final.formation}
    assert {f.level for _, f in final.formation} == {FormationLevel.FORMED}
    assert reasons == {"cpp-majority-suffices": ("formed",), "opposition-120-to-open": ("formed", "unlawful"),
                       "two-thirds-valid-meeting": ("formed", "unlawful")}
