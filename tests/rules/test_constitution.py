"""The constitution model: sizes and rules picked by date, interpretations overriding the pack's rules."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine.errors import UnknownNameError
from engine.files.packs import load_pack
from engine.rules.constitution import (
    Body,
    BodySize,
    Constitution,
    EventFilter,
    Interpretation,
    Period,
    Rule,
    RuleKind,
    cite,
)
from engine.rules.thresholds import Counts, Subject, evaluate, parse_threshold

D2000, D2010 = date(2000, 1, 1), date(2010, 1, 1)


def _rule(rule_id: str = "q", *, since: date | None = None, until: date | None = None,
          threshold: str | None = "more than 1/2 of all members", kind: RuleKind = RuleKind.QUORUM,
          interpretation: str | None = None, **kw: object) -> Rule:
    return Rule(id=rule_id, kind=kind, body="house", title=rule_id, article="1", source=("s",), since=since,
                until=until, threshold=parse_threshold(threshold) if threshold else None,
                interpretation=interpretation, **kw)  # type: ignore[arg-type]


HOUSE = Body("house", "House", (BodySize(D2000, 100), BodySize(D2010, 101)))
STRICT = Interpretation("strict", "Strict", "a judge", "Two thirds from 2010", ("s",), overrides=(
    _rule(since=D2010, threshold="at least 2/3 of all members", interpretation="strict"),
    _rule("extra", threshold="at least 90 members present", interpretation="strict"),
))
LAX = Interpretation("lax", "Lax", "a party", "No quorum at all", ("s",), overrides=(
    _rule(threshold=None, interpretation="lax"),
))
PACK = Constitution(
    id="t", name="Test", country="Nowhere", bodies=(HOUSE,),
    rules=(_rule(since=D2000, until=D2010), _rule(since=D2010, threshold="at least 1/2 of all members plus 1"),
           _rule("confidence", kind=RuleKind.DECISION, applies_to=frozenset({"vote_of_confidence"}))),
    interpretations=(STRICT, LAX),
)


def _requirements(on: date, reading: str | Interpretation | None = None) -> dict[str, str]:
    return {r.id: r.requirement for r in PACK.rules_on(on, reading).rules}


class TestBody:
    @pytest.mark.parametrize(("on", "seats"), [
        (date(1999, 12, 31), None), (D2000, 100), (date(2009, 12, 31), 100), (D2010, 101), (date(2030, 1, 1), 101)])
    def test_size_on(self, on: date, seats: int | None) -> None:
        """A size applies from its 'since' date on; before the first there is none."""
        assert HOUSE.size_on(on) == seats

    def test_unknown_body(self) -> None:
        """Asking for a body the pack lacks is an UnknownNameError listing the known ones."""
        with pytest.raises(UnknownNameError, match=r"pack 't' has no body 'senate' \(known: house\)"):
            PACK.body("senate")


class TestRule:
    @given(st.dates(date(1990, 1, 1), date(2030, 1, 1)))
    @example(D2000)
    @example(D2010)
    @example(D2010 - timedelta(days=1))
    def test_in_force_from_since_until_the_day_before_until(self, on: date) -> None:
        """A version is in force from 'since' (inclusive) to 'until' (exclusive)."""
        rule = _rule(since=D2000, until=D2010)
        assert rule.in_force(on) == (D2000 <= on < D2010)
        assert _rule().in_force(on)

    def test_applies(self) -> None:
        """An empty applies_to governs every sitting or motion; otherwise only those named."""
        assert _rule().applies("opening")
        confidence = _rule(kind=RuleKind.DECISION, applies_to=frozenset({"vote_of_confidence"}))
        assert confidence.applies("vote_of_confidence") and not confidence.applies("law")

    @pytest.mark.parametrize(("rule", "text"), [
        (_rule(), "more than 1/2 of all members"),
        (_rule(threshold=None), "no requirement"),
        (_rule(kind=RuleKind.DEADLINE, threshold=None, days=60, anchor="election_held", met_by="parliament_convened"),
         "parliament_convened within 60 days of election_held"),
        (_rule(kind=RuleKind.CONVOCATION, threshold=None, convened_by="King"), "convened by King"),
    ])
    def test_requirement(self, rule: Rule, text: str) -> None:
        """Each kind of rule states its requirement in one line."""
        assert rule.requirement == text


class TestRulesOn:
    def test_version_by_date(self) -> None:
        """The version in force on the day is chosen; the new one applies from its first day."""
        assert _requirements(date(2009, 12, 31))["q"] == "more than 1/2 of all members"
        assert _requirements(D2010)["q"] == "at least 1/2 of all members plus 1"

    def test_no_version_yet(self) -> None:
        """Before a rule's first version it is simply absent."""
        assert "q" not in _requirements(date(1999, 1, 1))

    def test_override_replaces_only_while_in_force(self) -> None:
        """An override dated from 2010 leaves the pack's rule standing before 2010."""
        assert _requirements(date(2005, 1, 1), "strict")["q"] == "more than 1/2 of all members"
        assert _requirements(date(2015, 1, 1), "strict")["q"] == "at least 2/3 of all members"

    def test_override_without_date_applies_always(self) -> None:
        """An undated override applies on every date, and may say 'no requirement'."""
        assert _requirements(date(2005, 1, 1), "lax")["q"] == "no requirement"
        assert _requirements(date(2015, 1, 1), "lax")["q"] == "no requirement"

    def test_override_may_add_a_rule(self) -> None:
        """An interpretation can add a rule the pack does not have."""
        assert _requirements(D2010, "strict")["extra"] == "at least 90 members present"
        assert "extra" not in _requirements(D2010)

    def test_other_rules_untouched(self) -> None:
        """Law an interpretation does not override stay the pack's own."""
        rules = {r.id: r for r in PACK.rules_on(D2010, "strict").rules}
        assert rules["confidence"].interpretation is None and rules["q"].interpretation == "strict"

    def test_interpretation_by_object_or_name(self) -> None:
        """The reading can be given by id or as the Interpretation itself."""
        assert _requirements(D2010, STRICT) == _requirements(D2010, "strict")
        ruleset = PACK.rules_on(D2010, "strict")
        assert ruleset.reading == "strict" and PACK.rules_on(D2010).reading is None

    def test_of_kind(self) -> None:
        """A rule set filters by kind, body and what the rule governs."""
        ruleset = PACK.rules_on(D2010)
        assert [r.id for r in ruleset.of_kind(RuleKind.DECISION, "house", "vote_of_confidence")] == ["confidence"]
        assert ruleset.of_kind(RuleKind.DECISION, "house", "law") == ()
        assert [r.id for r in ruleset.of_kind(RuleKind.QUORUM, applies_to="opening")] == ["q"]

    @pytest.mark.parametrize(("name", "hint"), [("strikt", "Did you mean 'strict'?"), ("zzz", "Known: strict, lax.")])
    def test_unknown_interpretation(self, name: str, hint: str) -> None:
        """An unknown reading is an UnknownNameError with a suggestion or the list of known readings."""
        with pytest.raises(UnknownNameError) as info:
            PACK.rules_on(D2010, name)
        assert str(info.value) == f"pack 't' has no interpretation {name!r}. {hint}"
        assert isinstance(info.value, LookupError)


class TestCambodianAmendments:
    """The Cambodian pack across its 2006 amendment, through the model's own API."""

    KH = load_pack("kh")

    def _rule(self, on: date, rule_id: str, reading: str | None = None) -> Rule:
        return next(r for r in self.KH.rules_on(on, reading).rules if r.id == rule_id)

    @pytest.mark.parametrize(("on", "required"), [
        (date(1998, 11, 30), 82),  # 2/3 of 122
        (date(2003, 9, 27), 82),  # 2/3 of 123
        (date(2006, 3, 1), 82),  # the day before the amendment
        (date(2006, 3, 2), 62),  # the amendment's day: more than 1/2 of 123
        (date(2013, 9, 24), 62),
        (date(2018, 9, 5), 63),  # more than 1/2 of 125
    ])
    def test_confidence_vote_requirement_by_date(self, on: date, required: int) -> None:
        """The confidence vote needs two-thirds until 2 March 2006 and an absolute majority from that day."""
        seats = self.KH.body("national-assembly").size_on(on)
        rule = self._rule(on, "confidence-vote")
        assert seats is not None and rule.threshold is not None
        assert evaluate(rule.threshold, Counts(seats, present=seats, yes=0), Subject.YES).required == required

    def test_undated_override_applies_before_the_amendment(self) -> None:
        """The opposition's 120-member reading has no date, so it also governs 2003."""
        assert self._rule(date(2003, 9, 27), "opening-quorum", "opposition-120-to-open").requirement == \
            "at least 120 members present"


def _months_later(day: date, months: int, month_end: str) -> date:
    """Calendar months counted by hand, independently of dateutil: the same day number, or the
    month's last day (``last_day``) or the 1st after it (``next_day``) when the month is shorter."""
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    return date(year, month, last) + timedelta(days=1 if month_end == "next_day" else 0)


class TestPeriod:
    @pytest.mark.parametrize(("period", "anchor", "end"), [
        (Period(2, "months"), date(2026, 12, 31), date(2027, 2, 28)),
        (Period(2, "months"), date(2027, 12, 31), date(2028, 2, 29)),
        (Period(2, "months", month_end="next_day"), date(2026, 12, 31), date(2027, 3, 1)),
        (Period(1, "months"), date(2021, 1, 31), date(2021, 2, 28)),
        (Period(60), date(2013, 7, 28), date(2013, 9, 26)),
        (Period(60, anchor_day="included"), date(2013, 7, 28), date(2013, 9, 25)),
        (Period(2, "weeks"), date(2021, 4, 5), date(2021, 4, 19)),
        (Period(1, "years"), date(2024, 2, 29), date(2025, 2, 28)),
        (Period(1, "years", month_end="next_day"), date(2024, 2, 29), date(2025, 3, 1)),
    ])
    def test_worked_examples(self, period: Period, anchor: date, end: date) -> None:
        """Two months from 31 December end on the last day of February (28 or 29); one day earlier
        when the anchor's day counts; on 1 March with ``month_end: next_day``."""
        assert period.end(anchor) == end

    @given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.integers(1, 400),
           st.sampled_from(("days", "weeks", "months", "years")), st.sampled_from(("excluded", "included")),
           st.sampled_from(("last_day", "next_day")))
    @example(date(2026, 12, 31), 2, "months", "excluded", "last_day")
    def test_end_against_an_independent_count(self, anchor: date, amount: int, unit: str, anchor_day: str,
                                              month_end: str) -> None:
        """A period's last day is what counting by hand gives, for every unit and counting rule."""
        if unit in ("days", "weeks"):
            expected = anchor + timedelta(days=amount * (7 if unit == "weeks" else 1))
        else:
            expected = _months_later(anchor, amount * (12 if unit == "years" else 1), month_end)
        if anchor_day == "included":
            expected -= timedelta(days=1)
        assert Period(amount, unit, anchor_day, month_end).end(anchor) == expected

    def test_off_the_calendar(self) -> None:
        """A period that runs past the year 9999 is an OverflowError, whatever its unit."""
        for period in (Period(2, "years"), Period(30, "days")):
            with pytest.raises(OverflowError):
                period.end(date(9999, 12, 20))

    def test_words(self) -> None:
        """A period reads as its amount and unit, singular for one."""
        assert (str(Period(1, "months")), str(Period(60))) == ("1 month", "60 days")

    def test_deadline_requirement_names_filters_windows_and_chains(self) -> None:
        """A deadline's requirement line names what meets it, its window and what starts it."""
        vote = EventFilter("vote", (("motion", ("investiture",)), ("outcome", ("adopted",))))
        rule = _rule(kind=RuleKind.DEADLINE, threshold=None, period=Period(2, "months"), met_filter=vote,
                     met_by="vote", anchor="vote", anchor_filter=EventFilter("vote", (("motion", ("investiture",)),)))
        assert rule.requirement == ("vote (motion investiture, outcome adopted) within 2 months of "
                                    "vote (motion investiture)")
        window = attrs.evolve(rule, not_before=Period(30))
        assert window.requirement.startswith("vote (motion investiture, outcome adopted) not before 30 days and within")
        chained = attrs.evolve(rule, anchor=None, anchor_filter=None, after=("mandate", "expires"), exact_day=True)
        assert chained.requirement.endswith("on the last day of 2 months from mandate expires")


# --------------------------------------------------------------------------- the law as known on a date

_HEAD = """\
id: t
name: Test
country: Nowhere
bodies: [{id: house, name: House, sizes: [{since: 2000-01-01, seats: 100}]}]
"""


def _deadline_pack(versions: list[tuple[date, int, tuple[date, date] | None]]) -> str:
    """A pack whose one deadline has ``versions``: (since, days, (in force, adopted) of its amendment or None)."""
    amendments = [(i, a) for i, (_, _, a) in enumerate(versions) if a is not None]
    text = _HEAD
    if amendments:
        text += "amendments:\n" + "".join(
            f"  - {{id: a{i}, title: A{i}, in_force: {a[0]}, adopted: {a[1]}, source: s}}\n" for i, a in amendments)
    text += ("rules:\n  - id: d\n    kind: deadline\n    body: house\n    title: D\n    anchor: election_held\n"
             "    met_by: {type: parliament_convened, sitting: opening}\n    article: '1'\n    source: s\n"
             "    versions:\n")
    for i, (since, days, amendment) in enumerate(versions):
        text += f"      - {{since: {since}, days: {days}" + (f", amendment: a{i}" if amendment else "") + "}\n"
    return text


class TestLawAsKnownOn:
    PACK = _deadline_pack([(D2000, 60, None), (date(2021, 1, 1), 90, (date(2021, 1, 1), date(2021, 3, 20))),
                           (date(2022, 1, 1), 30, None)])

    def _days(self, on: date, known_on: date | None) -> int | None:
        from engine.files.packs import parse_pack

        return parse_pack(self.PACK, "t.yaml").rules_on(on, known_on=known_on).rules[0].days

    @pytest.mark.parametrize(("on", "known_on", "days"), [
        (date(2021, 2, 1), None, 90),  # the law as now known: the back-dated period applies
        (date(2021, 2, 1), date(2021, 3, 20), 90),  # known from its adoption
        (date(2021, 2, 1), date(2021, 3, 19), 60),  # the day before: the period it replaced runs on
        (date(2021, 12, 31), date(2021, 3, 19), 60),  # ...until the next version known begins
        (date(2022, 1, 1), date(2021, 3, 19), 30),
        (date(2020, 12, 31), None, 60),
    ])
    def test_an_amendment_applies_only_once_adopted(self, on: date, known_on: date | None, days: int) -> None:
        """A version made by an amendment adopted after ``known_on`` is left out, even if in force earlier."""
        assert self._days(on, known_on) == days

    def test_known_from_and_retrospective(self) -> None:
        """An amendment is known from its adoption (or its entry into force if no adoption is given)."""
        from engine.rules.constitution import Amendment

        back = Amendment("a", "A", in_force=date(2021, 1, 1), adopted=date(2021, 3, 20))
        assert (back.known_from, back.retrospective) == (date(2021, 3, 20), True)
        plain = Amendment("b", "B", in_force=date(2021, 1, 1))
        assert (plain.known_from, plain.retrospective) == (date(2021, 1, 1), False)

    @given(st.lists(st.tuples(st.integers(1, 3000), st.integers(1, 400), st.booleans(), st.integers(-200, 400)),
                    min_size=1, max_size=4),
           st.integers(0, 4000), st.integers(1, 120))
    def test_before_every_adoption_the_pack_is_as_if_unamended(
            self, raw: list[tuple[int, int, bool, int]], election: int, wait: int) -> None:
        """Under the law as known on a day before every amendment's adoption, rules and replay are those of
        the same pack written without the amendments' versions."""
        from engine.files.packs import parse_pack
        from engine.timeline.events import ElectionHeld, ParliamentConvened
        from engine.timeline.law import Law
        from engine.timeline.replay import replay

        versions: list[tuple[date, int, tuple[date, date] | None]] = [(D2000, 60, None)]
        since = D2000
        for gap, days, amended, lag in raw:
            since += timedelta(days=gap)
            versions.append((since, days, (since, since + timedelta(days=lag)) if amended else None))
        amended_pack = parse_pack(_deadline_pack(versions), "t.yaml")
        plain_pack = parse_pack(_deadline_pack([v for v in versions if v[2] is None]), "t.yaml")
        adoptions = [a.known_from for a in amended_pack.amendments]
        known_on = min(adoptions, default=date(2030, 1, 1)) - timedelta(days=1)
        poll = D2000 + timedelta(days=election)
        events = [ElectionHeld(at=poll, source="s"),
                  ParliamentConvened(at=poll + timedelta(days=wait), source="s", sitting="opening", present=100)]
        for day in (poll, poll + timedelta(days=wait), *(v[0] for v in versions)):
            assert amended_pack.rules_on(day, known_on=known_on).rules == plain_pack.rules_on(day).rules
        as_of = replay(events, Law(amended_pack, "house", known_on=known_on))
        unamended = replay(events, Law(plain_pack, "house"))
        assert [(s.event, s.state, s.findings) for s in as_of.steps] == \
            [(s.event, s.state, s.findings) for s in unamended.steps]

#: how findings cite a rule's article: "Art." before a number, the pack's words when they name the
#: instrument (a capital first: Israel's Basic Laws have sections, not articles)
@pytest.mark.parametrize(("article", "cited"), [
    ("99(5)", "Art. 99(5)"),
    ("6:2(2) (chapter 6, as numbered in the text read)", "Art. 6:2(2) (chapter 6, as numbered in the text read)"),
    ("Basic Law: The Government, s. 8", "Basic Law: The Government, s. 8"),
    ("LOREG 42.2 (electoral law; as reported, not read)", "LOREG 42.2 (electoral law; as reported, not read)"),
    ("not verified (1993 text)", "Art. not verified (1993 text)"),   # as it always read
])
def test_an_article_is_cited_as_the_pack_names_it(article: str, cited: str) -> None:
    assert cite(article) == cited
