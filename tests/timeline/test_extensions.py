"""A deadline's ``extension``: the most a mandate's period may be extended in total ("by additional
periods not exceeding 14 days in total", Israel's Basic Law: The Government, s. 8). An extension within
it is only recorded; one past it is a ``deadline.overextended`` violation, measured from the period's
own last day whatever the extensions before it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import PackError
from engine.files.packs import parse_pack
from engine.rules.constitution import Period
from engine.timeline.events import ElectionHeld, Event, MandateExtended, MandateGiven, ParliamentConvened
from engine.timeline.law import Law
from engine.timeline.replay import replay
from tests.helpers import PACK_HEAD

MANDATE = """\
  - id: first-mandate
    kind: deadline
    body: house
    title: The first mandate's 28 days
    period: 28 days
    extension: 14 days
    anchor: {type: mandate_given, rank: 1}
    met_by: [{type: mandate_returned, rank: 1}, government_formed]
    expiry: lapse
    article: "8"
    source: s
"""


def _law(text: str = MANDATE) -> Law:
    return Law(parse_pack(PACK_HEAD + text, "t.yaml"), body="house")


def _events(given: date, *untils: date) -> list[Event]:
    """A poll, an opening, a mandate given on ``given`` and extended to each of ``untils`` in turn."""
    poll = given - timedelta(days=20)
    return [ElectionHeld(at=poll, source="s"),
            ParliamentConvened(at=poll + timedelta(days=5), source="s", sitting="opening", present=100),
            MandateGiven(at=given, source="s", rank=1, to="A", id="m1"),
            *(MandateExtended(at=given + timedelta(days=i + 1), source="s", rank=1, until=until)
              for i, until in enumerate(untils))]


def _overextended(law: Law, events: list[Event]) -> list[tuple[int | None, int | None]]:
    return [(f.count, f.required) for s in replay(events, law).steps for f in s.findings
            if f.code == "deadline.overextended"]


class TestExtension:
    def test_the_pack_reads_it(self) -> None:
        rule = next(r for r in parse_pack(PACK_HEAD + MANDATE, "t.yaml").rules if r.id == "first-mandate")
        assert rule.extension == Period(14, "days")

    def test_fourteen_days_are_allowed(self) -> None:
        """28 days from 17 April 2019 end on 15 May; extended to 29 May, 14 days more: no violation, and the
        period now ends on 29 May (Netanyahu's first mandate)."""
        events = _events(date(2019, 4, 17), date(2019, 5, 29))
        assert _overextended(_law(), events) == []
        assert replay(events, _law()).final.deadlines[0].due == date(2019, 5, 29)

    def test_one_day_more_is_a_violation(self) -> None:
        events = _events(date(2019, 4, 17), date(2019, 5, 30))
        (finding,) = [f for s in replay(events, _law()).steps for f in s.findings if f.code == "deadline.overextended"]
        assert (finding.rule, finding.count, finding.required) == ("first-mandate", 15, 14)
        assert finding.detail("most") == date(2019, 5, 29)

    def test_the_total_counts_not_each_extension(self) -> None:
        """Two extensions of 10 days: the second ends 20 days past the period, more than 14 in total."""
        events = _events(date(2019, 4, 17), date(2019, 5, 25), date(2019, 6, 4))
        assert _overextended(_law(), events) == [(20, 14)]

    def test_without_the_key_any_extension_stands(self) -> None:
        law = _law(MANDATE.replace("    extension: 14 days\n", ""))
        assert _overextended(law, _events(date(2019, 4, 17), date(2019, 12, 31))) == []

    @pytest.mark.parametrize(("value", "message"), [("fourteen", "a number and a unit"), ("0 days", "at least 1")])
    def test_a_bad_extension_is_a_pack_error(self, value: str, message: str) -> None:
        with pytest.raises(PackError, match=message):
            _law(MANDATE.replace("extension: 14 days", f"extension: {value}"))

    def test_only_a_deadline_has_it(self) -> None:
        decision = """\
  - id: vote
    kind: decision
    body: house
    title: A vote
    threshold: more than 1/2 of all members
    extension: 14 days
    article: "1"
    source: s
"""
        with pytest.raises(PackError, match="extension"):
            _law(decision)


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2080, 1, 1)), st.integers(0, 60), st.integers(1, 30))
def test_an_extension_is_a_violation_exactly_past_the_cap(given_on: date, extra: int, cap: int) -> None:
    """For any day a mandate is given, any cap and any extension: the extension is reported overextended
    exactly when it ends more than ``cap`` days after the period's own last day, and then by how much."""
    law = _law(MANDATE.replace("extension: 14 days", f"extension: {cap} days"))
    last = given_on + timedelta(days=28)
    found = _overextended(law, _events(given_on, last + timedelta(days=extra)))
    assert found == ([(extra, cap)] if extra > cap else [])
