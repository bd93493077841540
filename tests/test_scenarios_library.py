"""The scenario library: every shipped scenario replays, and each one's key verdicts are pinned."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.timeline.events import DeadlineExpired
from engine.timeline.machine import Finding, Step, Verdict
from engine.timeline.replay import Timeline
from engine.timeline.state import FormationLevel, Level, Phase

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LIBRARY = sorted(SCENARIOS.glob("*.yaml"))


@cache
def _timeline(name: str) -> Timeline:
    return replay_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))


def _step(name: str, event_id: str) -> Step:
    return next(s for s in _timeline(name).steps if s.event.id == event_id)


def _finding(name: str, event_id: str, rule: str, reading: str | None = None) -> Finding:
    return next(f for f in _step(name, event_id).findings if f.rule == rule and f.interpretation == reading)


def _last_on(name: str, day: str) -> Step:
    """The last step dated on or before ``day``."""
    return [s for s in _timeline(name).steps if s.event.at <= date.fromisoformat(day)][-1]


class TestLibrary:
    def test_library_is_not_empty(self) -> None:
        """The Cambodian elections 1998-2018 are all shipped."""
        names = {p.stem for p in LIBRARY}
        assert {"cambodia-1998", "cambodia-2003", "cambodia-2008", "cambodia-2013", "cambodia-2018"} <= names

    @pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
    def test_replays_without_engine_errors(self, path: Path) -> None:
        """Each shipped scenario loads and replays to the end without an engine error."""
        scenario = load_scenario(path)
        timeline = replay_scenario(scenario)
        recorded = [s for s in timeline.steps if not s.derived]
        assert len(recorded) == len(scenario.events)

    @pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
    def test_every_event_is_sourced(self, path: Path) -> None:
        """Every recorded event cites at least one non-empty source."""
        for event in load_scenario(path).events:
            assert event.source and all(s.strip() for s in event.source), event.id


class TestCambodia1998:
    def test_assembly_of_122(self) -> None:
        """The 1998 Assembly has 122 seats, all allocated."""
        final = _timeline("cambodia-1998").final
        assert final.body_size == 122
        assert final.seats_total == 122

    def test_confidence_vote_meets_two_thirds(self) -> None:
        """99 in favour of 122 meets the two-thirds rule in force in 1998 (82 required)."""
        vote = _finding("cambodia-1998", "confidence-vote", "confidence-vote")
        assert (vote.verdict, vote.required, vote.count) == (Verdict.OK, 82, 99)

    def test_opening_quorate_on_the_sixtieth_day(self) -> None:
        """121 present meets 7/10 of 122 (86), and 24 Sep is day 60: the deadline is met."""
        quorum = _finding("cambodia-1998", "opening-sitting", "opening-quorum")
        assert (quorum.verdict, quorum.required, quorum.count) == (Verdict.OK, 86, 121)
        deadline = _finding("cambodia-1998", "opening-sitting", "first-session-deadline")
        assert (deadline.verdict, deadline.count, deadline.required) == (Verdict.OK, 60, 60)
        assert not any(s.derived for s in _timeline("cambodia-1998").steps)

    def test_boycott_blocks_the_opening(self) -> None:
        """While FUNCINPEC and the SRP boycott, the CPP's 64 cannot open the Assembly (86 required)."""
        state = _last_on("cambodia-1998", "1998-09-22").state
        assert state.impasse.level is Level.DEADLOCK
        assert any(r.code == "blocked" and r.count == 64 and r.target == "opening" and r.required == 86 for r in state.impasse.reasons)

    def test_government_formed_lawfully(self) -> None:
        """The government of 30 Nov is installed by a lawful vote; the SRP's rejection is never recorded ended."""
        final = _timeline("cambodia-1998").final
        assert final.phase is Phase.GOVERNMENT_FORMED
        assert final.government_lawful == ((None, True),)
        assert final.rejecting == frozenset({"SRP"})


class TestCambodia2003:
    def test_opening_below_the_seven_tenths_quorum(self) -> None:
        """73 present at the opening of 27 Sep 2003 is below 7/10 of 123 (87): a violation."""
        quorum = _finding("cambodia-2003", "opening-sitting", "opening-quorum")
        assert (quorum.verdict, quorum.required, quorum.count) == (Verdict.VIOLATION, 87, 73)

    def test_sixty_day_deadline_expires(self) -> None:
        """The engine derives a missed deadline: due 25 Sep, expired on 26 Sep, before the opening of 27 Sep."""
        derived = [s for s in _timeline("cambodia-2003").steps if s.derived]
        assert len(derived) == 1
        event = derived[0].event
        assert isinstance(event, DeadlineExpired)
        assert (event.rule, event.due, event.at) == ("first-session-deadline", date(2003, 9, 25), date(2003, 9, 26))
        assert [f.verdict for f in derived[0].findings] == [Verdict.VIOLATION]
        opening = _step("cambodia-2003", "opening-sitting")
        late = [f for f in opening.findings if f.rule == "first-session-deadline"]
        assert [(f.verdict, f.code) for f in late] == [(Verdict.INFO, "deadline.done_late")]
        assert opening.state.overdue == () and opening.state.missed == ("first-session-deadline",)

    def test_boycott_is_a_deadlock(self) -> None:
        """Once FUNCINPEC and the SRP both boycott, the CPP's 73 can neither open the Assembly nor install a government."""
        before = _step("cambodia-2003", "funcinpec-boycott").state
        assert before.impasse.level is Level.DEADLOCK
        assert any(r.code == "blocked" and r.count == 73 and r.target == "opening" and r.required == 87 for r in before.impasse.reasons)
        after = _step("cambodia-2003", "opening-sitting").state
        assert after.impasse.level is Level.DEADLOCK
        assert any(r.code == "blocked" and r.count == 73 and r.target == "government" and r.required == 82 for r in after.impasse.reasons)

    def test_deadlock_until_the_coalition(self) -> None:
        """A deadlock from the boycott until the CPP-FUNCINPEC agreement of 25 Jun 2004 gives 99 votes (82
        needed); from then on the SRP's boycott remains until and beyond the 15 Jul vote (96 yes)."""
        steps = _timeline("cambodia-2003").steps
        start = next(i for i, s in enumerate(steps) if s.event.id == "funcinpec-boycott")
        for step in steps[start:]:
            if step.event.at < date(2004, 6, 25):
                assert step.state.impasse.level is Level.DEADLOCK, step.event.id
            else:
                assert step.state.impasse.level is Level.BOYCOTT, step.event.id
        sittings_resumed = _step("cambodia-2003", "validation-sitting").state
        assert any(r.code == "blocked" and r.target == "government" and r.required == 82 for r in sittings_resumed.impasse.reasons)

    def test_assembly_constituted_on_15_december(self) -> None:
        """118 present on 15 Dec 2003 meets the 87 the opening lacked."""
        cure = _finding("cambodia-2003", "validation-sitting", "opening-quorum")
        assert (cure.verdict, cure.required, cure.count) == (Verdict.INFO, 87, 118)

    def test_package_vote_law_is_not_a_confidence_vote(self) -> None:
        """The Additional Constitutional Law of 8 Jul 2004 (96 yes) is an amendment: no confidence rule applies."""
        step = _step("cambodia-2003", "package-vote-law")
        assert step.event.motion == "constitutional_amendment"
        assert [f.verdict for f in step.findings] == [Verdict.INFO]
        assert step.state.confidence_lawful == ()

    def test_confidence_vote_meets_two_thirds(self) -> None:
        """96 in favour on 15 Jul 2004 meets two-thirds of 123 (82)."""
        vote = _finding("cambodia-2003", "confidence-vote", "confidence-vote")
        assert (vote.verdict, vote.required, vote.count) == (Verdict.OK, 82, 96)

    def test_ends_with_the_srp_boycotting(self) -> None:
        """A lawful government; the SRP still boycotts and rejects the results at the end of the record."""
        final = _timeline("cambodia-2003").final
        assert final.phase is Phase.GOVERNMENT_FORMED
        assert final.government_lawful == ((None, True),)
        assert final.impasse.level is Level.BOYCOTT
        assert final.boycotting("parliament") == frozenset({"SRP"})


class TestCambodia2008:
    def test_confidence_vote_meets_absolute_majority(self) -> None:
        """94 in favour of 123 meets the post-2006 rule, more than half of all members (62)."""
        vote = _finding("cambodia-2008", "government-vote", "confidence-vote")
        assert (vote.verdict, vote.required, vote.count) == (Verdict.OK, 62, 94)

    def test_opening_by_the_king_within_the_deadline(self) -> None:
        """The King opens the Assembly on 24 Sep, 59 days after the poll."""
        convened = _finding("cambodia-2008", "opening-sitting", "opening-convened-by-king")
        assert convened.verdict is Verdict.OK
        deadline = _finding("cambodia-2008", "opening-sitting", "first-session-deadline")
        assert (deadline.verdict, deadline.count) == (Verdict.OK, 59)

    def test_hrp_boycott_is_no_deadlock(self) -> None:
        """HRP's 3 boycott the opening; the others can act, so it is a boycott, later resolved."""
        assert _step("cambodia-2008", "opening-sitting").state.impasse.level is Level.BOYCOTT
        assert not any(s.state.impasse.level is Level.DEADLOCK for s in _timeline("cambodia-2008").steps)
        assert _timeline("cambodia-2008").final.impasse.level is Level.RESOLVED


class TestCambodia2018:
    def test_assembly_of_125_all_cpp(self) -> None:
        """The 2018 Assembly has 125 seats, all won by the CPP."""
        final = _timeline("cambodia-2018").final
        assert final.body_size == 125
        assert final.seats == (("CPP", 125),)

    def test_opening_and_vote(self) -> None:
        """All 125 present at the opening (63 required); 125 in favour of the government (63 required)."""
        quorum = _finding("cambodia-2018", "opening-sitting", "opening-quorum")
        assert (quorum.verdict, quorum.required, quorum.count) == (Verdict.OK, 63, 125)
        vote = _finding("cambodia-2018", "government-vote", "confidence-vote")
        assert (vote.verdict, vote.required, vote.count) == (Verdict.OK, 63, 125)

    def test_no_impasse(self) -> None:
        """Nothing in the 2018 record is an impasse."""
        assert all(s.state.impasse.level is Level.NONE for s in _timeline("cambodia-2018").steps)
        assert not any(f.verdict is Verdict.VIOLATION for f in _timeline("cambodia-2018").findings)


class TestPortugal2015:
    def test_xx_programme_rejected_by_an_absolute_majority_against_it(self) -> None:
        """123 against the XX programme reach 116 of the 230 deputies in office (Art. 192(4)): rejected."""
        vote = _finding("portugal-2015", "xx-programme-vote", "programme-rejection")
        assert (vote.code, vote.verdict, vote.count, vote.required) == ("decision.rejected_by_majority", Verdict.OK,
                                                                         123, 116)
        assert vote.detail("measures") == "votes against"

    def test_xx_government_must_resign(self) -> None:
        """The rejection obliges the XX government to resign: it stays as caretaker, not lawfully confirmed."""
        step = _step("portugal-2015", "xx-programme-vote")
        assert [f.code for f in step.findings if f.code.startswith("government.")] == ["government.must_resign"]
        assert step.state.government == "Pedro Passos Coelho"
        assert step.state.government_status == ((None, "resigned"),)
        assert step.state.government_lawful == ((None, False),)
        assert step.state.failed_votes == 1

    def test_xxi_programme_stands_with_107_against(self) -> None:
        """107 against the XXI programme fall short of 116: it stands, and the government is lawful (not "too few")."""
        vote = _finding("portugal-2015", "xxi-programme-vote", "programme-rejection")
        assert (vote.code, vote.verdict, vote.count, vote.required) == ("decision.not_rejected", Verdict.OK, 107, 116)
        final = _timeline("portugal-2015").final
        assert final.government == "António Costa"
        assert final.government_status == ((None, "confirmed"),)
        assert final.government_lawful == ((None, True),)

    def test_each_programme_submitted_within_ten_days(self) -> None:
        """Art. 192(1): the XX programme on day 10 (9 Nov), the XXI on day 6; nothing is missed."""
        xx = _finding("portugal-2015", "xx-programme", "programme-submission")
        xxi = _finding("portugal-2015", "xxi-programme", "programme-submission")
        assert [(f.verdict, f.count) for f in (xx, xxi)] == [(Verdict.OK, 10), (Verdict.OK, 6)]
        assert not any(s.derived for s in _timeline("portugal-2015").steps)

    def test_pending_until_the_programme_is_considered(self) -> None:
        """Each government is pending from its appointment until the vote on its programme."""
        assert _step("portugal-2015", "xx-government").state.government_status == ((None, "pending"),)
        assert _step("portugal-2015", "xxi-programme").state.government_status == ((None, "pending"),)
        assert not any(f.verdict is Verdict.VIOLATION for f in _timeline("portugal-2015").findings)


class TestCzech2017:
    def test_first_government_loses_78_to_117(self) -> None:
        """78 in favour of 195 present: a majority of those present is 98, so the vote is lost."""
        vote = _finding("czech-2017", "babis-1-vote", "confidence-vote")
        assert (vote.code, vote.verdict, vote.count, vote.required) == ("decision.rejected", Verdict.OK, 78, 98)
        state = _step("czech-2017", "babis-1-vote").state
        assert state.government_status == ((None, "resigned"),)
        assert state.failed_votes == 1

    def test_second_government_wins_105_to_91(self) -> None:
        """105 in favour of 196 present (99 required): the second government is confirmed, lawfully."""
        vote = _finding("czech-2017", "babis-2-vote", "confidence-vote")
        assert (vote.code, vote.verdict, vote.count, vote.required) == ("decision.adopted", Verdict.OK, 105, 99)
        final = _timeline("czech-2017").final
        assert final.government_status == ((None, "confirmed"),)
        assert final.government_lawful == ((None, True),)

    def test_one_failed_attempt_and_no_dissolution_option(self) -> None:
        """One failed vote at the end; the third failure that opens Art. 35(1)(a) is never reached."""
        assert _timeline("czech-2017").final.failed_votes == 1
        assert not any(f.code == "government.attempts_exhausted" for f in _timeline("czech-2017").findings)

    def test_each_government_asks_within_30_days(self) -> None:
        """Art. 68(3): asked on day 28 (the vote itself came on day 34) and on day 14; nothing is missed."""
        first = _finding("czech-2017", "babis-1-asks", "confidence-request")
        second = _finding("czech-2017", "babis-2-asks", "confidence-request")
        assert [(f.verdict, f.count) for f in (first, second)] == [(Verdict.OK, 28), (Verdict.OK, 14)]
        assert not any(s.derived for s in _timeline("czech-2017").steps)

    def test_pending_between_appointment_and_vote(self) -> None:
        """The second government is pending from 27 June until its vote."""
        assert _step("czech-2017", "babis-2-asks").state.government_status == ((None, "pending"),)
class TestBulgaria2021:
    def test_the_formation_level_follows_the_mandates(self) -> None:
        """formation after the poll, failing once a mandate is given back, caretaker with the caretaker
        government, dissolved, then formation again after the July election."""
        levels = []
        for step in _timeline("bulgaria-2021").steps:
            level = dict(step.state.formation)[None].level.value
            if not levels or levels[-1] != level:
                levels.append(level)
        assert levels == ["formation", "formation failing", "caretaker", "dissolved", "formation"]

    def test_three_mandates_returned_in_time(self) -> None:
        """Mandates 1 and 2 are returned within their seven days (Art. 99(2)-(3)); the third has no period."""
        returned = [s for s in _timeline("bulgaria-2021").steps if s.event.TYPE == "mandate_returned"]
        assert [(s.event.rank, s.event.at.isoformat(), s.derived) for s in returned] == [
            (1, "2021-04-23", False), (2, "2021-04-28", False), (3, "2021-05-05", False)]
        first = _finding("bulgaria-2021", "first-mandate-returned", "first-mandate")
        assert (first.code, first.count, first.required) == ("deadline.met", 3, 7)
        second = _finding("bulgaria-2021", "second-mandate-returned", "second-mandate")
        assert (second.code, second.count, second.required) == ("deadline.met", 0, 7)

    def test_the_dissolution_is_derived_on_12_may(self) -> None:
        """The caretaker government's appointment brings about the dissolution the same day (Art. 99(5)), derived."""
        steps = _timeline("bulgaria-2021").steps
        (dissolution,) = [s for s in steps if s.event.TYPE == "assembly_dissolved"]
        assert dissolution.derived
        assert dissolution.event.at == date(2021, 5, 12)
        assert dissolution.state.phase is Phase.DISSOLVED
        caretaker = _step("bulgaria-2021", "caretaker")
        assert caretaker.follows == (dissolution.event,)
        assert [f.code for f in caretaker.findings] == ["consequence.derived"]

    def test_no_deadline_of_the_dissolved_assembly_is_missed(self) -> None:
        """Nothing is reported missed, after the dissolution or before it; no expiry is derived."""
        timeline = _timeline("bulgaria-2021")
        assert not any(f.code == "deadline.missed" for f in timeline.findings)
        assert not any(isinstance(s.event, DeadlineExpired) for s in timeline.steps)

    def test_the_election_within_two_months(self) -> None:
        """Two months from 12 May end on 12 July: the election of 11 July, 60 days on, meets them."""
        met = _finding("bulgaria-2021", "early-election", "new-election")
        assert (met.code, met.count, met.required) == ("deadline.met", 60, 61)
        assert met.detail("due") == date(2021, 7, 12)
        assert _timeline("bulgaria-2021").final.deadlines == ()


class TestGreece2012:
    def test_three_exploratory_mandates_returned_within_three_days(self) -> None:
        """Each exploratory mandate is returned within its three days (Art. 37)."""
        found = [(_finding("greece-2012", f"{n}-mandate-returned", f"{n}-exploratory-mandate").code,
                  _finding("greece-2012", f"{n}-mandate-returned", f"{n}-exploratory-mandate").count)
                 for n in ("first", "second", "third")]
        assert found == [("deadline.met", 0), ("deadline.met", 2), ("deadline.met", 2)]
        assert _step("greece-2012", "third-mandate-returned").state.mandates == 3

    def test_caretaker_dissolution_and_the_june_election(self) -> None:
        """A caretaker government, the dissolution of 19 May, the repeat election of 17 June."""
        assert _step("greece-2012", "caretaker").state.government == "Panagiotis Pikrammenos"
        assert _step("greece-2012", "dissolution").state.phase is Phase.DISSOLVED
        june = _step("greece-2012", "june-election")
        assert (june.event.at, june.event.kind) == (date(2012, 6, 17), "repeat")
        final = _timeline("greece-2012").final
        assert dict(final.seats)["ND"] == 129
        assert final.government == "Antonis Samaras"
        assert not any(f.verdict is Verdict.VIOLATION for f in _timeline("greece-2012").findings)


def test_the_bulgarian_replay_until_a_date_keeps_the_election_due() -> None:
    """Replayed to 31 May, the Assembly is dissolved and the election is due by 12 July, 42 days on; in the JSON the
    derived dissolution has no line and says it was derived."""
    from engine.report.jsondata import timeline_data
    from engine.report.view import timeline_view

    scenario = load_scenario(SCENARIOS / "bulgaria-2021.yaml")
    timeline = replay_scenario(scenario, until=date(2021, 5, 31))
    assert timeline.final.phase is Phase.DISSOLVED
    assert [(d.rule, d.due, d.days_left(date(2021, 5, 31))) for d in timeline.final.deadlines] == [
        ("new-election", date(2021, 7, 12), 42)]
    steps = timeline_data(timeline_view(scenario, timeline))["steps"]
    derived = [(s["at"], s["event"]["type"], s["line"], s["summary"]) for s in steps if s["derived"]]
    assert derived == [(date(2021, 5, 12), "assembly_dissolved", None, "assembly dissolved (derived)")]


class TestJapan2024:
    def test_no_majority_in_the_first_round(self) -> None:
        """Ishiba's 221 of 465 votes cast fall short of the 233 a majority needs: a run-off of the top two."""
        first = _finding("japan-2024", "representatives-round-1", "designation-representatives")
        assert (first.code, first.verdict, first.required) == ("contest.runoff_due", Verdict.INFO, 233)
        assert first.detail("finalists") == ("Ishiba", "Noda")
        assert _step("japan-2024", "representatives-round-1").state.runoffs == (
            (("house-of-representatives", "designation", ""), ("Ishiba", "Noda")),)

    def test_runoff_won_221_to_160(self) -> None:
        """Most votes wins the run-off: 221 to 160, with 84 invalid ballots, less than a majority."""
        runoff = _finding("japan-2024", "representatives-runoff", "designation-representatives")
        assert (runoff.code, runoff.verdict, runoff.count, runoff.detail("winner")) == (
            "contest.elected", Verdict.OK, 221, "Ishiba")
        assert _step("japan-2024", "representatives-runoff").state.runoffs == ()

    def test_councillors_designate_the_same_person(self) -> None:
        """142 of 239 in the Councillors (120 needed); both houses agree, so that is the Diet's decision."""
        councillors = _finding("japan-2024", "councillors", "designation-councillors")
        assert (councillors.code, councillors.count, councillors.required) == ("contest.elected", 142, 120)
        diet = [f for f in _step("japan-2024", "representatives-runoff").findings if f.code.startswith("chambers.")]
        assert [(f.code, f.verdict, f.detail("decision")) for f in diet] == [("chambers.agree", Verdict.OK, "Ishiba")]

    def test_cabinet_installed_by_the_designation(self) -> None:
        """The cabinet formed that evening is judged by the Diet's designation: lawful."""
        formed = _step("japan-2024", "ishiba-2")
        assert [f.code for f in formed.findings] == ["government.lawful"]
        assert not any(f.verdict is Verdict.VIOLATION for f in _timeline("japan-2024").findings)


class TestItaly2018:
    def test_senate_171_to_117_leaves_it_pending(self) -> None:
        """The Senate's confidence alone does not confirm: Art. 94(1) asks for both Chambers."""
        vote = _finding("italy-2018", "senate-confidence", "confidence-senate")
        assert (vote.code, vote.verdict, vote.count, vote.required) == ("decision.adopted", Verdict.OK, 171, 145)
        step = _step("italy-2018", "senate-confidence")
        assert step.state.government_status == ((None, "pending"),)
        assert "government.confidence_of_chamber" in [f.code for f in step.findings]

    def test_chamber_350_to_236_confirms_within_10_days(self) -> None:
        """350 of 586 voting (294 required) on day 5: confirmed by both Chambers inside the 10 days."""
        vote = _finding("italy-2018", "chamber-confidence", "confidence-deputies")
        assert (vote.code, vote.count, vote.required) == ("decision.adopted", 350, 294)
        final = _timeline("italy-2018").final
        assert final.government_status == ((None, "confirmed"),)
        assert final.government_lawful == ((None, True),)
        senate = _finding("italy-2018", "senate-confidence", "confidence-senate-within-10-days")
        chamber = _finding("italy-2018", "chamber-confidence", "confidence-deputies-within-10-days")
        assert [(f.code, f.count) for f in (senate, chamber)] == [("deadline.met", 4), ("deadline.met", 5)]
        assert not any(f.verdict is Verdict.VIOLATION for f in _timeline("italy-2018").findings)


class TestNetherlands2021:
    def test_299_days_of_formation(self) -> None:
        """Rutte IV took office 299 days after the election of 17 March 2021."""
        from engine.report.sentences import formation_days

        ((reading, formed),) = _timeline("netherlands-2021").final.formation
        assert (reading, formed.level) == (None, FormationLevel.FORMED)
        assert formation_days(formed.reasons[0], None) == 299
        assert formed.reasons[0].since == date(2021, 3, 17) and formed.reasons[0].until == date(2022, 1, 10)

    def test_no_deadline_and_no_vote(self) -> None:
        """No deadline ran or was missed, nothing was derived, and the formation is not judged (no investiture)."""
        timeline = _timeline("netherlands-2021")
        assert not any(s.derived or s.state.deadlines or s.state.missed for s in timeline.steps)
        assert {f.code for f in timeline.findings} == {"government.not_judged"}
        assert not any(f.verdict is Verdict.VIOLATION for f in timeline.findings)

    def test_the_formation_level_rises_at_the_election_and_falls_when_the_cabinet_is_sworn_in(self) -> None:
        """none before, 'formation' from the election (198 days in on 1 October), 'formed' on 10 January 2022;
        the impasse level stays none: there was no dispute or boycott."""
        from engine.crisis import replay_scenario as replay_at
        from engine.report.sentences import formation_days

        levels = [(s.event.at.isoformat(), s.state.formation[0][1].level.value) for s in _timeline("netherlands-2021").steps]
        assert levels == [("2021-03-17", "formation"), ("2021-03-26", "formation"), ("2021-12-15", "formation"),
                          ("2022-01-10", "formed")]
        october = replay_at(load_scenario(SCENARIOS / "netherlands-2021.yaml"), until=date(2021, 10, 1)).final
        ((_, running),) = october.formation
        assert formation_days(running.reasons[0], october.on) == 198
        assert all(s.state.impasse.level is Level.NONE for s in _timeline("netherlands-2021").steps)

    def test_the_coalition_holds_78_of_150(self) -> None:
        """VVD, D66, CDA and CU: 78 seats of 150, a majority of 76."""
        final = _timeline("netherlands-2021").final
        coalition = next(s.event for s in _timeline("netherlands-2021").steps if s.event.id == "rutte-4")
        assert final.body_size == final.seats_total == 150
        assert sum(n for p, n in final.seats if p in coalition.parties) == 78
class TestKenya2017:
    def test_the_annulment_on_1_september(self) -> None:
        """The Supreme Court annuls the election of 8 August (Art. 140(3)): its results no longer stand, and the
        petition was determined on day 14 of 14 (Art. 140(2))."""
        step = _step("kenya-2017", "annulment")
        assert step.event.at == date(2017, 9, 1)
        assert [(f.code, f.detail("poll")) for f in step.findings] == [("court.election_annulled", date(2017, 8, 8))]
        assert step.state.annulled == ((date(2017, 8, 8), ()),)
        assert step.state.phase is Phase.BEFORE_POLL
        assert [(d.rule, d.due) for d in step.state.deadlines] == [("fresh-election", date(2017, 10, 31))]
        decided = _finding("kenya-2017", "determination", "petition-determined")
        assert (decided.code, decided.count, decided.required) == ("deadline.met", 14, 14)

    def test_the_fresh_election_on_day_55_of_60(self) -> None:
        """The fresh election of 26 October meets the 60 days: held on day 55, due by 31 October."""
        met = _finding("kenya-2017", "fresh-election", "fresh-election")
        assert (met.code, met.verdict, met.count, met.required) == ("deadline.met", Verdict.OK, 55, 60)
        assert met.detail("due") == date(2017, 10, 31)
        timeline = _timeline("kenya-2017")
        assert not any(f.verdict is Verdict.VIOLATION for f in timeline.findings)
        assert timeline.final.deadlines == ()
        assert timeline.final.government == "Uhuru Kenyatta"
