"""Deadlines v2 replayed: filters that start and meet, restart first or each, calendar months, windows,
exact days, chains; one finding per (rule, event)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import PackError
from engine.files.packs import parse_pack
from engine.rules.constitution import Period
from engine.timeline.events import (
    AssemblyDissolved,
    ElectionHeld,
    Event,
    GovernmentFormed,
    ParliamentConvened,
    VoteHeld,
)
from engine.timeline.law import Law
from engine.timeline.machine import Step, Verdict
from engine.timeline.replay import replay
from tests.helpers import FORMATION_RULE, PACK_HEAD

HEAD = PACK_HEAD

FORMATION = FORMATION_RULE

#: the codes that say how an act stands against a running or missed deadline: one per (rule, event)
JUDGED = {"deadline.met", "deadline.too_early", "deadline.done_late", "deadline.missed"}


def _law(*rules: str) -> Law:
    return Law(parse_pack(HEAD + "".join(rules), "t.yaml"), body="house")


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _poll(at: str = "2026-10-01") -> list[Event]:
    day = _day(at)
    return [ElectionHeld(at=day, source="s", id="poll"),
            ParliamentConvened(at=day + timedelta(days=20), source="s", sitting="opening", present=100, id="opening")]


def _vote(at: str, outcome: str = "rejected", yes: int | None = 40, vote_id: str | None = None) -> VoteHeld:
    return VoteHeld(at=_day(at), source="s", motion="investiture", yes=yes, no=0 if yes is None else 100 - yes,
                    outcome=outcome, id=vote_id or f"vote@{at}")


def _judged(steps: tuple[Step, ...], rule: str) -> list[tuple[str, str]]:
    """(day, code) of every finding about ``rule``, in order."""
    return [(s.event.at.isoformat(), f.code) for s in steps for f in s.findings if f.rule == rule]


class TestFilters:
    def test_the_first_matching_event_starts_the_period(self) -> None:
        """Two months from the first investiture vote (10 Jan): later failed votes do not move it, so
        the adopted vote of 15 March is late."""
        events = [*_poll(), _vote("2027-01-10"), _vote("2027-02-01"), _vote("2027-03-15", "adopted", 60)]
        timeline = replay(events, _law(FORMATION))
        assert _judged(timeline.steps, "formation") == [("2027-03-11", "deadline.missed"),
                                                       ("2027-03-15", "deadline.done_late")]
        expired = next(s.event for s in timeline.steps if s.derived)
        assert (expired.due, expired.anchor) == (_day("2027-03-10"), "vote@2027-01-10")

    def test_restart_each_moves_the_period(self) -> None:
        """Declared ``restart: each``, every investiture vote starts it afresh: 1 Feb + 2 months is 1 April."""
        timeline = replay([*_poll(), _vote("2027-01-10"), _vote("2027-02-01"), _vote("2027-03-15", "adopted", 60)],
                          _law(FORMATION.replace("    period:", "    restart: each\n    period:")))
        (met,) = [f for s in timeline.steps for f in s.findings if f.rule == "formation"]
        assert (met.code, met.detail("start"), met.detail("due"), met.count) == (
            "deadline.met", _day("2027-02-01"), _day("2027-04-01"), 42)

    def test_a_rejected_vote_or_one_without_a_tally_meets_nothing(self) -> None:
        """Only an adopted vote with its tally recorded meets "an adopted investiture vote"."""
        events = [*_poll(), _vote("2027-01-10"), _vote("2027-01-20", "adopted", None), _vote("2027-02-02")]
        timeline = replay(events, _law(FORMATION), until=_day("2027-03-10"))
        assert _judged(timeline.steps, "formation") == []
        assert [(d.rule, d.start) for d in timeline.final.deadlines] == [("formation", _day("2027-01-10"))]

    def test_an_adopted_vote_meets_it_and_does_not_start_it_again(self) -> None:
        """The vote that meets the deadline also matches its anchor: with ``restart: first`` it starts nothing."""
        timeline = replay([*_poll(), _vote("2027-01-10"), _vote("2027-01-25", "adopted", 55)], _law(FORMATION))
        assert _judged(timeline.steps, "formation") == [("2027-01-25", "deadline.met")]
        assert timeline.final.deadlines == ()

    def test_two_months_from_31_december(self) -> None:
        """A period of two months from 31 December 2026 ends on 28 February 2027: expiry on 1 March."""
        timeline = replay([*_poll(), _vote("2026-12-31")], _law(FORMATION), until=_day("2027-03-01"))
        (expired,) = [s for s in timeline.steps if s.derived]
        assert (expired.event.due, expired.event.at) == (_day("2027-02-28"), _day("2027-03-01"))


class TestOneFindingPerEvent:
    def test_an_act_that_meets_a_restarted_period_is_not_also_late(self) -> None:
        """A period missed, restarted (``restart: each``), then met: the act is "met", not also "done late"."""
        law = _law(FORMATION.replace("    period: 2 months", "    restart: each\n    period: 10 days"))
        events = [*_poll(), _vote("2027-01-01"), _vote("2027-01-20"), _vote("2027-01-25", "adopted", 60)]
        timeline = replay(events, law)
        assert _judged(timeline.steps, "formation") == [("2027-01-12", "deadline.missed"),
                                                       ("2027-01-25", "deadline.met")]
        assert timeline.final.overdue == () and timeline.final.missed == ("formation",)


WINDOW = """\
  - id: new-election
    kind: deadline
    body: house
    title: A new election between 60 and 90 days after a dissolution
    period: 90 days
    not_before: 60 days
    anchor: assembly_dissolved
    met_by: {type: election_held, kind: [general, repeat]}
    article: "2"
    source: s
"""

DISSOLVED = AssemblyDissolved(at=_day("2027-01-01"), source="s", id="dissolution")


class TestWindows:
    @pytest.mark.parametrize(("poll", "codes"), [
        ("2027-01-31", [("2027-01-31", "deadline.too_early")]),
        ("2027-03-02", [("2027-03-02", "deadline.met")]),
        ("2027-04-01", [("2027-04-01", "deadline.met")]),
        # a late poll is reported done late for its deadline before the election starts the state afresh
        # (issue 15, item 2: the election used to drop what was overdue first, and the late act went unsaid)
        ("2027-04-02", [("2027-04-02", "deadline.missed"), ("2027-04-02", "deadline.done_late")]),
    ])
    def test_too_early_in_time_or_late(self, poll: str, codes: list[tuple[str, str]]) -> None:
        """Not before day 60 (2 March), not after day 90 (1 April); a poll too early ends the deadline."""
        timeline = replay([*_poll("2026-06-01"), DISSOLVED, ElectionHeld(at=_day(poll), source="s", kind="repeat")],
                          _law(WINDOW), until=_day("2027-06-01"))
        assert _judged(timeline.steps, "new-election") == codes
        early = [f for s in timeline.steps for f in s.findings if f.code == "deadline.too_early"]
        assert all((f.verdict, f.required, f.detail("opens")) == (Verdict.VIOLATION, 60, _day("2027-03-02"))
                   for f in early)

    def test_a_by_election_does_not_meet_it(self) -> None:
        """The filter asks for a general or repeat election: a by-election leaves the deadline running."""
        timeline = replay([*_poll("2026-06-01"), DISSOLVED,
                           ElectionHeld(at=_day("2027-03-10"), source="s", kind="by-election")], _law(WINDOW))
        assert [d.rule for d in timeline.final.deadlines] == ["new-election"]

    def test_on_the_nth_day(self) -> None:
        """``exact_day``: the act is due on the period's last day itself; the day before is too early."""
        law = _law(WINDOW.replace("    not_before: 60 days\n", "    exact_day: true\n"))
        for poll, code in (("2027-03-31", "deadline.too_early"), ("2027-04-01", "deadline.met")):
            timeline = replay([*_poll("2026-06-01"), DISSOLVED, ElectionHeld(at=_day(poll), source="s")], law)
            assert _judged(timeline.steps, "new-election") == [(poll, code)]


CHAIN = """\
  - id: first-mandate
    kind: deadline
    body: house
    title: The first mandate, seven days
    period: 7 days
    anchor: election_held
    met_by: government_formed
    article: "3"
    source: s
  - id: second-mandate
    kind: deadline
    body: house
    title: The second mandate, seven days after the first expires
    period: 7 days
    after: first-mandate expires
    met_by: government_formed
    article: "3"
    source: s
  - id: confidence-within
    kind: deadline
    body: house
    title: A confidence vote within ten days of the government's formation
    period: 10 days
    after: second-mandate met
    met_by: {type: vote, motion: vote_of_confidence}
    article: "4"
    source: s
"""


class TestChains:
    def test_a_deadline_starts_when_another_expires_or_is_met(self) -> None:
        """The second mandate counts from the first one's last day (8 Jan); the confidence vote's ten days
        from the day the second was met."""
        events = [*_poll("2027-01-01")[:1], GovernmentFormed(at=_day("2027-01-12"), source="s", id="gov")]
        timeline = replay(events, _law(CHAIN), until=_day("2027-01-30"))
        assert _judged(timeline.steps, "second-mandate") == [("2027-01-12", "deadline.met")]
        met = next(f for s in timeline.steps for f in s.findings if f.rule == "second-mandate")
        assert (met.detail("start"), met.detail("due"), met.count) == (_day("2027-01-08"), _day("2027-01-15"), 4)
        assert _judged(timeline.steps, "first-mandate") == [("2027-01-09", "deadline.missed"),
                                                            ("2027-01-12", "deadline.done_late")]
        assert _judged(timeline.steps, "confidence-within") == [("2027-01-23", "deadline.missed")]
        expired = [s.event for s in timeline.steps if s.derived]
        assert [(e.rule, e.anchor) for e in expired] == [("first-mandate", "poll"), ("confidence-within", "gov")]


# --------------------------------------------------------------------------- properties

PROPERTY_LAW = _law(
    FORMATION,
    FORMATION.replace("id: formation", "id: formation-each").replace("    period: 2 months",
                                                                     "    restart: each\n    period: 3 weeks"),
    WINDOW.replace("anchor: assembly_dissolved", "anchor: {type: vote, motion: investiture, outcome: rejected}")
          .replace("90 days", "40 days").replace("60 days", "10 days")
          .replace("met_by: {type: election_held, kind: [general, repeat]}", "met_by: government_formed"),
    WINDOW.replace("id: new-election", "id: exact").replace("    not_before: 60 days\n", "    exact_day: true\n")
          .replace("90 days", "1 month").replace("anchor: assembly_dissolved", "anchor: election_held")
          .replace("met_by: {type: election_held, kind: [general, repeat]}",
                   "met_by: {type: vote, motion: investiture}"),
)

_acts = st.lists(st.tuples(st.integers(0, 40), st.sampled_from(("rejected", "adopted", "untallied", "government"))),
                 max_size=12)


def _events(start: date, acts: list[tuple[int, str]]) -> list[Event]:
    events = _poll(start.isoformat())
    day = events[-1].at
    for i, (gap, act) in enumerate(acts):
        day += timedelta(days=gap)
        if act == "government":
            events.append(GovernmentFormed(at=day, source="s", id=f"e{i}"))
        else:
            events.append(_vote(day.isoformat(), "rejected" if act == "rejected" else "adopted",
                                None if act == "untallied" else (40 if act == "rejected" else 60), f"e{i}"))
    return events


@settings(max_examples=80, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), _acts)
def test_met_late_too_early_and_missed_are_exclusive(start: date, acts: list[tuple[int, str]]) -> None:
    """Whatever happens, an event gets at most one of met, too early, done late and missed per rule,
    and every running deadline falls due when its period, counted afresh, says."""
    timeline = replay(_events(start, acts), PROPERTY_LAW, until=_events(start, acts)[-1].at + timedelta(days=70))
    rules = {r.id: r for r in PROPERTY_LAW.constitution.rules}
    for step in timeline.steps:
        per_rule = Counter(f.rule for f in step.findings if f.code in JUDGED)
        assert all(n == 1 for n in per_rule.values()), step
        for d in step.state.deadlines:
            assert d.due == _counted(rules[d.rule].counted, d.start)
        assert len(set(step.state.overdue)) == len(step.state.overdue)


def _counted(period: Period | None, start: date) -> date:
    """A period's last day counted by hand (the anchor's day excluded, short months end on their last day)."""
    import calendar

    assert period is not None and period.anchor_day == "excluded"
    if period.unit in ("days", "weeks"):
        return start + timedelta(days=period.amount * (7 if period.unit == "weeks" else 1))
    year, month = divmod(start.month - 1 + period.amount * (12 if period.unit == "years" else 1), 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


#: an extraordinary election within three months of the fourth rejected proposal (Sweden's ch. 6)
FOURTH_REJECTION = """\
  - id: extraordinary-election
    kind: deadline
    body: house
    title: An election within three months of the fourth rejected proposal
    period: 3 months
    anchor: {type: vote, motion: investiture, outcome: rejected}
    count: 4
    met_by: {type: election_held, kind: [general, repeat]}
    article: "6:3"
    source: s
"""


class TestCount:
    def test_only_the_fourth_rejection_starts_it(self) -> None:
        """Three rejections start nothing; the fourth, on 1 April, starts three months to 1 July."""
        votes = [_vote(at) for at in ("2027-01-10", "2027-02-01", "2027-03-01", "2027-04-01", "2027-05-01")]
        timeline = replay([*_poll(), *votes], _law(FOURTH_REJECTION), until=_day("2027-06-30"))
        assert [(d.start, d.due) for d in timeline.final.deadlines] == [(_day("2027-04-01"), _day("2027-07-01"))]
        early = replay([*_poll(), *votes[:3]], _law(FOURTH_REJECTION), until=_day("2027-03-31"))
        assert early.final.deadlines == ()

    def test_an_election_counts_afresh(self) -> None:
        """Three rejections, an election, then three more: never four in one legislature, nothing starts."""
        before = [_vote(at) for at in ("2027-01-10", "2027-02-01", "2027-03-01")]
        after = [_vote(at) for at in ("2027-07-10", "2027-08-01", "2027-09-01")]
        again = _poll("2027-05-01")
        events = [*_poll(), *before, *again, *after]
        timeline = replay(events, _law(FOURTH_REJECTION), run_on=True)
        assert _judged(timeline.steps, "extraordinary-election") == []
        assert timeline.final.deadlines == ()

    def test_count_needs_an_anchor(self) -> None:
        """A deadline chained ``after`` another has no events to count: ``count`` there is an error."""
        text = FOURTH_REJECTION.replace("    anchor: {type: vote, motion: investiture, outcome: rejected}\n",
                                        "    after: formation expires\n")
        with pytest.raises(PackError, match="'count' goes with 'anchor'"):
            _law(FORMATION, text)

    def test_the_rule_reads_the_nth_anchor(self) -> None:
        (rule,) = [r for r in _law(FOURTH_REJECTION).constitution.rules if r.id == "extraordinary-election"]
        assert rule.requirement == ("election_held (kind general or repeat) within 3 months of the 4th "
                                    "vote (motion investiture, outcome rejected)")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.lists(st.sampled_from(["rejected", "adopted"]), min_size=0, max_size=10))
def test_the_nth_matching_event_alone_starts_a_counted_deadline(n: int, outcomes: list[str]) -> None:
    """With ``count: N`` the deadline starts at the Nth rejected vote since the election, from that
    vote's day, and at no other: adopted votes neither count nor start it."""
    law = _law(FOURTH_REJECTION.replace("count: 4", f"count: {n}"))
    day = _day("2027-01-01")
    votes = [_vote((day + timedelta(days=10 * i)).isoformat(), o, 40 if o == "rejected" else 60)
             for i, o in enumerate(outcomes)]
    timeline = replay([*_poll(), *votes], law, until=day + timedelta(days=10 * len(outcomes)))
    rejected = [v.at for v in votes if v.outcome == "rejected"]
    expected = [rejected[n - 1]] if len(rejected) >= n else []
    started = [d.start for s in timeline.steps for d in s.state.deadlines]
    assert sorted(set(started)) == expected


LAPSING = FORMATION.replace("    article:", "    expiry: lapse\n    article:")


class TestLapse:
    def test_a_term_runs_out_without_a_violation(self) -> None:
        """Declared ``expiry: lapse``, the two months end in ``deadline.lapsed`` (info), not missed, not
        overdue, and a vote adopted later is not "done late"."""
        events = [*_poll(), _vote("2027-01-10"), _vote("2027-03-15", "adopted", 60)]
        timeline = replay(events, _law(LAPSING))
        assert _judged(timeline.steps, "formation") == [("2027-03-11", "deadline.lapsed")]
        (lapsed,) = [f for s in timeline.steps for f in s.findings if f.rule == "formation"]
        assert lapsed.verdict is Verdict.INFO
        assert timeline.final.missed == () and timeline.final.overdue == ()

    def test_what_an_expiry_brings_about_follows_a_lapse_too(self) -> None:
        """A consequence ``after: formation expires`` is derived on the lapse as on a miss."""
        from tests.timeline.test_consequences import DISSOLVE_ON_EXPIRY

        law = Law(parse_pack(HEAD + LAPSING + DISSOLVE_ON_EXPIRY, "t.yaml"), body="house")
        timeline = replay([*_poll(), _vote("2027-01-10")], law, run_on=True)
        assert [(s.event.at.isoformat(), s.event.type) for s in timeline.steps if s.derived] == [
            ("2027-03-11", "deadline_expired"), ("2027-03-11", "assembly_dissolved")]

    def test_expiry_is_checked(self) -> None:
        with pytest.raises(PackError, match="expiry"):
            _law(FORMATION.replace("    article:", "    expiry: lapsed\n    article:"))


@settings(max_examples=60, deadline=None)
@given(_acts)
def test_a_lapsing_term_runs_out_when_a_duty_is_missed_but_is_never_a_violation(acts: list[tuple[int, str]]) -> None:
    """Whatever happens, the same rule as a term runs out first on the day the duty is first missed,
    is never a violation, and never leaves the rule missed or overdue."""
    start = date(2026, 10, 1)
    events = _events(start, acts)
    until = events[-1].at + timedelta(days=70)
    duty = _judged(replay(events, _law(FORMATION), until=until).steps, "formation")
    term_steps = replay(events, _law(LAPSING), until=until).steps
    term = _judged(term_steps, "formation")
    first_miss = next((day for day, code in duty if code == "deadline.missed"), None)
    first_lapse = next((day for day, code in term if code == "deadline.lapsed"), None)
    assert first_miss == first_lapse
    assert not any(code in ("deadline.missed", "deadline.done_late") for _, code in term)
    assert not [f for s in term_steps for f in s.findings if f.rule == "formation" and f.verdict is Verdict.VIOLATION]
    assert all("formation" not in s.state.missed and "formation" not in s.state.overdue for s in term_steps)



def test_a_period_from_a_failed_first_vote_is_not_started_by_an_adopted_one() -> None:
    """An anchor on any investiture vote starts "two months from the first vote" with a vote adopted at
    once, and the period is then missed though nothing was due; anchored on a *rejected* vote (what
    docs/constitutions.md advises), the adopted vote starts nothing."""
    events = [*_poll(), _vote("2027-01-10", "adopted", 60)]
    assert _judged(replay(events, _law(FORMATION), run_on=True).steps, "formation") == [
        ("2027-03-11", "deadline.missed")]
    failed_first = FORMATION.replace("anchor: {type: vote, motion: investiture}",
                                     "anchor: {type: vote, motion: investiture, outcome: rejected}")
    timeline = replay(events, _law(failed_first), run_on=True)
    assert _judged(timeline.steps, "formation") == [] and timeline.final.deadlines == ()


def test_count_on_a_rule_of_another_kind_names_who_has_it() -> None:
    quorum = """\
  - id: q
    kind: quorum
    body: house
    title: Quorum
    threshold: more than 1/2 of all members
    count: 2
    article: "1"
    source: s
"""
    with pytest.raises(PackError, match="only a deadline or a consequence rule has 'count'"):
        _law(quorum)
