"""Consequences and mandates: events the law derives from an expiry or from the Nth event, applied by
the clock as derived steps; a dissolution ends the legislature's deadlines; mandates given, returned
and extended; the clock running on past the last event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import EngineError, PackError
from engine.files.packs import parse_pack
from engine.rules.constitution import Period
from engine.timeline.events import (
    AssemblyDissolved,
    CaretakerAppointed,
    ElectionHeld,
    Event,
    GovernmentFormed,
    GovernmentResigned,
    MandateExtended,
    MandateGiven,
    MandateReturned,
    ParliamentConvened,
    VoteHeld,
)
from engine.timeline.law import Law
from engine.timeline.machine import initial_state, transition
from engine.timeline.replay import HORIZON, Timeline, replay
from tests.helpers import FORMATION_RULE, PACK_HEAD

HEAD = PACK_HEAD

FORMATION = FORMATION_RULE

NEW_ELECTION = """\
  - id: new-election
    kind: deadline
    body: house
    title: A new election within 60 days of a dissolution
    period: 60 days
    anchor: assembly_dissolved
    met_by: {type: election_held, kind: [general, repeat]}
    article: "2"
    source: s
"""

FIRST_SESSION = """\
  - id: first-session
    kind: deadline
    body: house
    title: The first sitting within 120 days of the election
    period: 120 days
    anchor: election_held
    met_by: {type: parliament_convened, sitting: opening}
    article: "3"
    source: s
"""

DISSOLVE_ON_EXPIRY = """\
consequences:
  - id: dissolution
    body: house
    title: No government in time, the house is dissolved
    after: formation expires
    derive: {type: assembly_dissolved, reason: no government within two months}
    article: "1(2)"
    source: s
"""

MANDATES = """\
  - id: first-mandate
    kind: deadline
    body: house
    title: The first mandate's seven days
    period: 7 days
    anchor: {type: mandate_given, rank: 1}
    met_by: [{type: mandate_returned, rank: 1}, government_formed]
    article: "4"
    source: s
consequences:
  - id: first-mandate-passes
    body: house
    title: The first mandate lapses and passes on
    after: first-mandate expires
    derive:
      - {type: mandate_returned, rank: 1, deemed: true}
      - {type: mandate_given, rank: 2}
    article: "4(2)"
    source: s
"""


def _law(text: str) -> Law:
    return Law(parse_pack(HEAD + text, "t.yaml"), body="house")


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _poll(at: str = "2026-11-01") -> list[Event]:
    day = _day(at)
    return [ElectionHeld(at=day, source="s", id="poll"),
            ParliamentConvened(at=day + timedelta(days=19), source="s", sitting="opening", present=100, id="opening")]


def _vote(at: str, outcome: str = "rejected", yes: int = 40) -> VoteHeld:
    return VoteHeld(at=_day(at), source="s", motion="investiture", yes=yes, no=100 - yes, outcome=outcome,
                    id=f"vote@{at}")


def _codes(timeline: Timeline) -> list[tuple[str, str, str | None, bool]]:
    """(day, code, rule, derived) of every finding, in order."""
    return [(s.event.at.isoformat(), f.code, f.rule, s.derived) for s in timeline.steps for f in s.findings]


class TestConsequences:
    def test_an_expiry_derives_a_dissolution_on_the_day_after_the_period(self) -> None:
        """Two months from 31 Dec end on 28 Feb: the expiry and the dissolution it brings about are dated 1 March,
        both derived, and the dissolution starts the 60 days for a new election."""
        law = _law(FORMATION + NEW_ELECTION + DISSOLVE_ON_EXPIRY)
        timeline = replay([*_poll(), _vote("2026-12-31"), _vote("2027-01-20")], law, run_on=True)
        derived = [(s.event.at.isoformat(), s.event.TYPE) for s in timeline.steps if s.derived]
        assert derived == [("2027-03-01", "deadline_expired"), ("2027-03-01", "assembly_dissolved"),
                           ("2027-05-01", "deadline_expired")]
        dissolution = next(s for s in timeline.steps if s.event.TYPE == "assembly_dissolved")
        assert dissolution.state.deadlines[0].rule == "new-election"
        assert dissolution.state.deadlines[0].due == _day("2027-04-30")
        expiry = next(s for s in timeline.steps if s.event.TYPE == "deadline_expired")
        assert expiry.follows == (dissolution.event,)
        assert [f.code for f in expiry.findings] == ["deadline.missed", "consequence.derived"]

    def test_the_derived_dissolution_is_judged_like_a_recorded_one(self) -> None:
        """A recorded election on day 40 meets the deadline the derived dissolution started."""
        law = _law(FORMATION + NEW_ELECTION + DISSOLVE_ON_EXPIRY)
        events = [*_poll(), _vote("2026-12-31"), ElectionHeld(at=_day("2027-04-10"), source="s", kind="repeat")]
        assert ("2027-04-10", "deadline.met", "new-election", False) in _codes(replay(events, law))

    def test_a_dissolution_ends_the_running_deadlines(self) -> None:
        """The first-session deadline still running when the house is dissolved ends with it: it is never missed."""
        law = _law(FIRST_SESSION + NEW_ELECTION)
        events = [ElectionHeld(at=_day("2026-01-01"), source="s"), AssemblyDissolved(at=_day("2026-02-01"), source="s")]
        timeline = replay(events, law, until=_day("2026-12-31"))
        codes = [(day, code, rule) for day, code, rule, _ in _codes(timeline)]
        assert ("2026-02-01", "deadline.ended", "first-session") in codes
        assert not any(code == "deadline.missed" and rule == "first-session" for _, code, rule in codes)

    def test_a_dissolution_drops_what_was_overdue(self) -> None:
        """A missed deadline of the old house is no longer overdue once it is dissolved (missed stays in history)."""
        law = _law(FORMATION + NEW_ELECTION)
        events = [*_poll(), _vote("2026-12-31"), AssemblyDissolved(at=_day("2027-03-10"), source="s")]
        final = replay(events, law).final
        assert final.overdue == ()
        assert final.missed == ("formation",)

    def test_the_act_that_meets_a_deadline_brings_about_a_consequence(self) -> None:
        """``after: RULE met``: the adopted investiture vote that meets the formation period installs the government."""
        law = _law(FORMATION + """\
consequences:
  - id: installed
    body: house
    title: The investiture installs the government
    after: formation met
    derive: {type: government_formed, head: the Prime Minister elected}
    article: "1(3)"
    source: s
""")
        timeline = replay([*_poll(), _vote("2026-12-31"), _vote("2027-01-20", "adopted", 60)], law)
        assert [(s.event.at.isoformat(), s.event.TYPE) for s in timeline.steps if s.derived] == [
            ("2027-01-20", "government_formed")]
        assert timeline.final.government == "the Prime Minister elected"

    def test_the_nth_event_brings_about_a_consequence(self) -> None:
        """The third rejected investiture vote since the election dissolves the house; an election counts afresh."""
        law = _law(FORMATION + """\
consequences:
  - id: third-failure
    body: house
    title: A third failed investiture dissolves the house
    when: {type: vote, motion: investiture, outcome: rejected}
    count: 3
    derive: assembly_dissolved
    article: "5"
    source: s
""")
        votes = [_vote("2026-12-01"), _vote("2026-12-08"), _vote("2026-12-15")]
        timeline = replay([*_poll(), *votes], law)
        assert [(s.event.at.isoformat(), s.event.TYPE) for s in timeline.steps if s.derived] == [
            ("2026-12-15", "assembly_dissolved")]
        again = replay([*_poll(), *votes[:2], *_poll("2027-01-01"), _vote("2027-02-01")], law)
        assert not any(s.derived for s in again.steps)

    def test_a_government_deemed_to_resign(self) -> None:
        """A consequence may make the government resign: it is gone, and the phase is back to forming one."""
        law = _law(FORMATION + """\
consequences:
  - id: censure
    body: house
    title: An adopted motion of no confidence means the government resigns
    when: {type: vote, motion: no_confidence, outcome: adopted}
    derive: {type: government_resigned, deemed: true}
    article: "6"
    source: s
""")
        events = [*_poll(), _vote("2026-12-01", "adopted", 60), GovernmentFormed(at=_day("2026-12-02"), source="s"),
                  VoteHeld(at=_day("2027-03-01"), source="s", motion="no_confidence", yes=60, no=40)]
        final = replay(events, law).final
        assert final.government is None
        assert final.phase.value == "assembly convened"

    def test_consequences_without_end_are_refused(self) -> None:
        """A consequence that brings about its own trigger is an engine error, not a loop."""
        law = _law(FORMATION + """\
consequences:
  - id: loop
    body: house
    title: A dissolution dissolves
    when: assembly_dissolved
    derive: assembly_dissolved
    article: "7"
    source: s
""")
        with pytest.raises(EngineError, match="without end"):
            replay([*_poll(), AssemblyDissolved(at=_day("2027-01-01"), source="s")], law)

    def test_the_transition_returns_the_derived_events_as_data(self) -> None:
        """``transition`` applies nothing it derives: the step carries it, the state does not show it."""
        law = _law(FORMATION + """\
consequences:
  - id: caretaker-dissolves
    body: house
    title: The caretaker government's appointment dissolves the house
    when: caretaker_appointed
    derive: assembly_dissolved
    article: "8"
    source: s
""")
        state = initial_state(law)
        for event in _poll():
            state = transition(state, event, law).state
        step = transition(state, CaretakerAppointed(at=_day("2026-12-01"), source="s", head="A judge"), law)
        assert [e.TYPE for e in step.follows] == ["assembly_dissolved"]
        assert step.follows[0].id == "assembly_dissolved:caretaker-dissolves@2026-12-01"
        assert step.state.phase.value != "dissolved"
        assert not step.derived


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(1, 14))
def test_the_dissolution_follows_the_last_day_of_the_period(first: date, months: int) -> None:
    """Whatever the first vote's day and the period's months, the derived dissolution is dated the day after the
    period's last day (``Period.end``), and no deadline of the dissolved house is missed after it."""
    budget = FIRST_SESSION.replace("first-session", "budget").replace("120 days", "20 years").replace(
        "anchor: election_held", "anchor: {type: vote, motion: investiture}").replace(
        "{type: parliament_convened, sitting: opening}", "government_formed")
    law = _law(FORMATION.replace("2 months", f"{months} months") + budget + DISSOLVE_ON_EXPIRY)
    poll = first - timedelta(days=30)
    events = [ElectionHeld(at=poll, source="s"), ParliamentConvened(at=poll, source="s", sitting="opening", present=100),
              VoteHeld(at=first, source="s", motion="investiture", yes=10, no=90, outcome="rejected")]
    timeline = replay(events, law, run_on=True)
    dissolved = [s for s in timeline.steps if s.event.TYPE == "assembly_dissolved"]
    assert [s.event.at for s in dissolved] == [Period(months, "months").end(first) + timedelta(days=1)]
    assert dissolved[0].derived
    after = [f for s in timeline.steps if s.event.at >= dissolved[0].event.at for f in s.findings]
    assert not [f for f in after if f.code == "deadline.missed" and f.rule == "budget"]
    assert [f.code for f in dissolved[0].findings] == ["deadline.ended"]


class TestMandates:
    def test_a_returned_mandate_meets_its_period(self) -> None:
        """A mandate handed back within its seven days meets them; the next one may then be given."""
        law = _law(MANDATES)
        events = [*_poll(), MandateGiven(at=_day("2026-12-01"), source="s", rank=1, to="A", id="m1"),
                  MandateReturned(at=_day("2026-12-04"), source="s", rank=1),
                  MandateGiven(at=_day("2026-12-05"), source="s", rank=2, to="B")]
        timeline = replay(events, law)
        assert ("2026-12-04", "deadline.met", "first-mandate", False) in _codes(timeline)
        assert timeline.final.mandate is not None and timeline.final.mandate.rank == 2

    def test_an_expired_mandate_is_deemed_returned_and_passes_on(self) -> None:
        """Seven days from 1 Dec end on 8 Dec: on 9 Dec the first mandate is deemed returned and the second given."""
        law = _law(MANDATES)
        events = [*_poll(), MandateGiven(at=_day("2026-12-01"), source="s", rank=1, to="A")]
        timeline = replay(events, law, run_on=True)
        derived = [(s.event.at.isoformat(), s.event.TYPE) for s in timeline.steps if s.derived]
        assert derived == [("2026-12-09", "deadline_expired"), ("2026-12-09", "mandate_returned"),
                           ("2026-12-09", "mandate_given")]
        assert timeline.final.mandate is not None and timeline.final.mandate.rank == 2

    def test_a_mandate_passed_on_by_law_is_then_handed_over(self) -> None:
        """The second mandate, derived with no holder on 9 Dec, is handed to B on 10 Dec: that names its holder, and
        its period still runs from 9 Dec."""
        law = _law(MANDATES)
        events = [*_poll(), MandateGiven(at=_day("2026-12-01"), source="s", rank=1, to="A"),
                  MandateGiven(at=_day("2026-12-10"), source="s", rank=2, to="B", party="P")]
        mandate = replay(events, law).final.mandate
        assert mandate is not None
        assert (mandate.rank, mandate.holder, mandate.party, mandate.given) == (2, "B", "P", _day("2026-12-09"))

    def test_an_extension_moves_the_period(self) -> None:
        """A mandate extended to 20 Dec expires on 21 Dec, not on 9 Dec."""
        law = _law(MANDATES)
        events = [*_poll(), MandateGiven(at=_day("2026-12-01"), source="s", rank=1, to="A", id="m1"),
                  MandateExtended(at=_day("2026-12-07"), source="s", rank=1, until=_day("2026-12-20"))]
        timeline = replay(events, law, run_on=True)
        assert [s.event.at.isoformat() for s in timeline.steps if s.event.TYPE == "deadline_expired"] == ["2026-12-21"]
        extended = next(s for s in timeline.steps if s.event.TYPE == "mandate_extended")
        assert [(f.code, f.detail("was")) for f in extended.findings] == [("mandate.extended", _day("2026-12-08"))]

    def test_a_government_formed_ends_the_mandate(self) -> None:
        law = _law(MANDATES)
        events = [*_poll(), MandateGiven(at=_day("2026-12-01"), source="s", rank=1, to="A"),
                  GovernmentFormed(at=_day("2026-12-03"), source="s", head="A")]
        timeline = replay(events, law, run_on=True)
        assert timeline.final.mandate is None
        assert ("2026-12-03", "deadline.met", "first-mandate", False) in _codes(timeline)

    @pytest.mark.parametrize(("events", "message"), [
        ([MandateGiven(at=_day("2026-12-01"), source="s", rank=2)], "mandate 2 can't follow none"),
        ([MandateGiven(at=_day("2026-12-01"), source="s", rank=1),
          MandateGiven(at=_day("2026-12-02"), source="s", rank=2)], "mandate 1 is still running"),
        ([MandateReturned(at=_day("2026-12-01"), source="s", rank=1)], "no mandate 1 to form a government is running"),
        ([MandateGiven(at=_day("2026-12-01"), source="s", rank=1),
          MandateExtended(at=_day("2026-12-02"), source="s", rank=1, until=_day("2026-11-30"))], "before the extension"),
        ([GovernmentResigned(at=_day("2026-12-01"), source="s")], "no government to resign"),
    ])
    def test_impossible_mandates_are_engine_errors(self, events: list[Event], message: str) -> None:
        with pytest.raises(EngineError, match=message):
            replay([*_poll(), *events], _law(MANDATES))

    def test_an_election_counts_the_mandates_afresh(self) -> None:
        law = _law(MANDATES)
        events = [*_poll(), MandateGiven(at=_day("2026-12-01"), source="s", rank=1),
                  MandateReturned(at=_day("2026-12-02"), source="s", rank=1), *_poll("2027-01-01"),
                  MandateGiven(at=_day("2027-02-01"), source="s", rank=1)]
        assert replay(events, law).final.mandates == 1


class TestTheClockRunsOn:
    def test_without_run_on_the_replay_stops_at_the_last_event(self) -> None:
        law = _law(FORMATION + DISSOLVE_ON_EXPIRY)
        timeline = replay([*_poll(), _vote("2026-12-31")], law)
        assert timeline.as_of == _day("2026-12-31")
        assert not any(s.derived for s in timeline.steps)

    def test_run_on_stops_when_no_deadline_runs(self) -> None:
        law = _law(FORMATION + NEW_ELECTION + DISSOLVE_ON_EXPIRY)
        timeline = replay([*_poll(), _vote("2026-12-31")], law, run_on=True)
        assert timeline.as_of == _day("2027-05-01")  # the new election's 60 days expired: nothing runs after
        assert timeline.final.deadlines == ()

    def test_run_on_stops_at_the_horizon(self) -> None:
        """A deadline longer than the horizon is still running when the replay stops."""
        law = _law(FIRST_SESSION.replace("120 days", "10 years"))
        timeline = replay([ElectionHeld(at=_day("2026-01-01"), source="s")], law, run_on=True)
        assert timeline.as_of == _day("2026-01-01")
        assert timeline.final.deadlines[0].due > _day("2026-01-01") + HORIZON


class TestPackErrors:
    @pytest.mark.parametrize(("text", "message"), [
        ("  - id: c\n    body: house\n    title: C\n    when: assembly_dissolved\n    article: '1'\n    source: s\n",
         "a consequence rule needs 'derive'"),
        ("  - id: c\n    body: house\n    title: C\n    derive: assembly_dissolved\n    article: '1'\n    source: s\n",
         "a consequence rule needs 'when'"),
        ("  - id: c\n    body: house\n    title: C\n    when: assembly_dissolved\n    derive: mandate_given\n"
         "    article: '1'\n    source: s\n", "can't derive mandate_given: it needs 'rank'"),
        ("  - id: c\n    body: house\n    title: C\n    after: formation expires\n    count: 2\n"
         "    derive: assembly_dissolved\n    article: '1'\n    source: s\n", "'count' goes with 'when'"),
        ("  - id: c\n    body: house\n    title: C\n    after: formaton expires\n"
         "    derive: assembly_dissolved\n    article: '1'\n    source: s\n", "did you mean 'formation'"),
        ("  - id: c\n    body: house\n    title: C\n    when: assembly_dissolved\n    derive: assembly_dissolved\n"
         "    threshold: more than 1/2 of all members\n    article: '1'\n    source: s\n", "a consequence has no 'threshold'"),
        ("  - id: c\n    body: house\n    title: C\n    when: {type: mandate_returned, rank: 0}\n"
         "    derive: assembly_dissolved\n    article: '1'\n    source: s\n", "'rank' must be 1 or more"),
        ("  - id: formation\n    body: house\n    title: C\n    when: assembly_dissolved\n"
         "    derive: assembly_dissolved\n    article: '1'\n    source: s\n", "used twice in rules and consequences"),
    ])
    def test_bad_consequences_name_the_line_and_the_field(self, text: str, message: str) -> None:
        with pytest.raises(PackError, match=message):
            parse_pack(HEAD + FORMATION + "consequences:\n" + text, "t.yaml")

    def test_a_consequence_is_not_a_kind_of_rule(self) -> None:
        with pytest.raises(PackError, match="goes in the pack's 'consequences' list"):
            parse_pack(HEAD + FORMATION.replace("kind: deadline", "kind: consequence"), "t.yaml")

    def test_a_deadline_has_no_consequence_keys(self) -> None:
        with pytest.raises(PackError, match="only a consequence rule has 'derive'"):
            parse_pack(HEAD + FORMATION.replace("    article:", "    derive: assembly_dissolved\n    article:"),
                       "t.yaml")


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(0, 20))
def test_a_mandate_is_returned_in_time_or_deemed_returned_the_day_after(given_on: date, days: int) -> None:
    """A mandate handed back within its seven days meets them and nothing is derived; one still held after them is
    deemed returned, and the next one given, on the eighth day after it was given."""
    law = _law(MANDATES)
    poll = given_on - timedelta(days=30)
    events: list[Event] = [ElectionHeld(at=poll, source="s"),
                           ParliamentConvened(at=poll, source="s", sitting="opening", present=100),
                           MandateGiven(at=given_on, source="s", rank=1, id="m1")]
    if days <= 7:
        events.append(MandateReturned(at=given_on + timedelta(days=days), source="s", rank=1))
    timeline = replay(events, law, run_on=True)
    derived = [(s.event.at, s.event.TYPE) for s in timeline.steps if s.derived]
    if days <= 7:
        assert derived == []
        assert [f.count for s in timeline.steps for f in s.findings if f.code == "deadline.met"] == [days]
    else:
        lapse = given_on + timedelta(days=8)
        assert derived == [(lapse, "deadline_expired"), (lapse, "mandate_returned"), (lapse, "mandate_given")]
    assert timeline.final.mandates == (1 if days <= 7 else 2)
