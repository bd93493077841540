"""Precedence after inaction (Japan, Art. 67(2)): if the upper house does not designate within 10 days
of the lower house's designation, the lower house's decision is the Diet's. A deadline anchored on the
lower house's contest, met by the upper house's, and a consequence on its expiry that derives the upper
house's contest as deemed (no candidates): the chamber that prevails decides. The deadline's ``met_by``
says ``deemed: false``: the contest the law deems is no designation, and must not answer the period late."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.files.packs import parse_pack
from engine.report.sentences import finding_text
from engine.timeline.events import GovernmentFormed, LegislatureInOffice
from engine.timeline.machine import Law, Verdict
from engine.timeline.replay import replay
from engine.timeline.vote_events import ContestHeld
from tests.helpers import TWO_HOUSES_HEAD

PACK = TWO_HOUSES_HEAD + """\
""" + "".join(f"""\
  - id: designation-{body}
    kind: decision
    body: {body}
    title: Designation
    applies_to: [designation]
    effect: installs_government
    contest: majority
    threshold: more than 1/2 of votes cast
    runoff: 2
    chambers: [lower, upper]
    prevails: lower
    article: "67"
    source: s
""" for body in ("lower", "upper")) + """\
  - id: upper-within-10-days
    kind: deadline
    body: lower
    title: The upper house designates within 10 days of the lower house
    period: 10 days
    anchor: {type: contest, motion: designation, body: lower}
    met_by: {type: contest, motion: designation, body: upper, deemed: false}
    article: "67(2)"
    source: s
consequences:
  - id: lower-prevails
    body: lower
    title: The upper house did not designate within 10 days; the lower house's designation is the Diet's
    after: upper-within-10-days expires
    derive: {type: contest, motion: designation, body: upper, deemed: true}
    article: "67(2)"
    source: s
"""
LAW = Law(parse_pack(PACK, "t.yaml"), "lower")
START = date(2024, 11, 11)


def _contest(day: int, body: str, winner: str, **votes: int) -> ContestHeld:
    return ContestHeld(at=START + timedelta(days=day), source="s", motion="designation", body=body, candidates=votes,
                       winner=winner)


OFFICE = LegislatureInOffice(at=START, source="s", seats={"A": 233, "B": 232})
LOWER = _contest(0, "lower", "Ishiba", Ishiba=240, Noda=225)


class TestUpperHouseSilent:
    def test_the_lower_house_prevails_on_the_eleventh_day(self) -> None:
        timeline = replay([OFFICE, LOWER], LAW, run_on=True)
        derived = [(s.event.at, s.event.type) for s in timeline.steps if s.derived]
        assert derived == [(date(2024, 11, 22), "deadline_expired"), (date(2024, 11, 22), "contest")]
        deemed = timeline.steps[-1]
        assert deemed.event.deemed and deemed.event.body == "upper" and deemed.event.candidates == ()
        [finding] = deemed.findings
        assert (finding.code, finding.verdict, finding.detail("prevails"), finding.detail("decision")) == (
            "chambers.not_decided", Verdict.INFO, "lower", "Ishiba")
        assert finding_text(finding, LAW) == (
            "designation: Upper did not decide within its period; Lower's decision stands: Ishiba "
            "under the pack's reading of Art. 67")
        assert timeline.final.confidence_lawful == ((None, True),)

    def test_a_government_formed_after_it_is_lawful(self) -> None:
        formed = GovernmentFormed(at=date(2024, 11, 25), source="s", head="Ishiba")
        timeline = replay([OFFICE, LOWER, formed], LAW)
        assert [f.code for f in timeline.steps[-1].findings] == ["government.lawful"]
        missed = [f for s in timeline.steps for f in s.findings if f.code == "deadline.missed"]
        assert [f.rule for f in missed] == ["upper-within-10-days"]

    def test_before_the_ten_days_run_out_the_diet_has_not_decided(self) -> None:
        formed = GovernmentFormed(at=date(2024, 11, 20), source="s", head="Ishiba")
        timeline = replay([OFFICE, LOWER, formed], LAW)
        assert [f.code for f in timeline.steps[-1].findings] == ["government.no_vote"]


class TestUpperHouseActs:
    def test_in_time_and_alike_the_period_is_met(self) -> None:
        upper = _contest(3, "upper", "Ishiba", Ishiba=142, Noda=97)
        timeline = replay([OFFICE, LOWER, upper], LAW, run_on=True)
        assert not any(s.derived for s in timeline.steps)
        codes = [f.code for f in timeline.steps[-1].findings]
        assert codes == ["contest.elected", "chambers.agree", "deadline.met"]

    def test_a_silent_chamber_whose_rule_names_no_other_that_prevails_decides_nothing(self) -> None:
        law = Law(parse_pack(PACK.replace("    prevails: lower\n", ""), "t.yaml"), "lower")
        timeline = replay([OFFICE, LOWER], law, run_on=True)
        [finding] = timeline.steps[-1].findings
        assert (finding.code, finding.detail("decision")) == ("chambers.not_decided", None)
        assert timeline.final.confidence_lawful == ()


def test_a_deemed_contest_has_no_candidates() -> None:
    with pytest.raises(ValueError, match="no candidates and no winner"):
        ContestHeld(at=START, source="s", motion="designation", candidates={"A": 1}, deemed=True)
    with pytest.raises(ValueError, match="must not be empty"):
        ContestHeld(at=START, source="s", motion="designation")


@given(st.integers(0, 30))
def test_the_upper_house_counts_only_within_ten_days(day: int) -> None:
    """Designating on day ``day``: within 10 days it meets the period and no precedence is derived;
    later, the lower house has already prevailed on day 11 and the upper house's designation comes late."""
    upper = _contest(day, "upper", "Ishiba", Ishiba=142, Noda=97)
    timeline = replay([OFFICE, LOWER, upper], LAW, run_on=True)
    codes = {f.code for s in timeline.steps for f in s.findings}
    assert ("chambers.not_decided" in codes) == (day > 10)
    assert ("deadline.met" in codes) == (day <= 10)
    assert timeline.final.confidence_lawful == ((None, True),)
