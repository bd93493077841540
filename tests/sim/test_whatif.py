"""What-if variants: transforms of the event stream and rules, and the differences they make."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import ScenarioError
from engine.files.scenarios import load_scenario
from engine.sim.whatif import Variant, apply_variant, compare, parse_variant
from engine.timeline.events import DERIVED_TYPES, REGISTRY

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")


class TestCompare:
    def test_no_op_variant_shows_no_difference(self) -> None:
        """An empty variant replays exactly like the baseline."""
        assert compare(KH2013, Variant()).same

    def test_full_house_makes_the_opening_lawful_for_the_opposition(self) -> None:
        """With 120 present the opening becomes lawful under the 120 reading; the ruling party's verdict stays ok."""
        result = compare(KH2013, parse_variant(sets=("opening-sitting.members_present=120",
                                                           "opening-sitting.boycotters_present=52")))
        changed = {(f["event"], f["rule"], f["interpretation"]): f for f in result.findings}
        opp = changed[("opening-sitting", "opening-quorum", "opposition-120-to-open")]
        assert (opp["baseline_verdict"], opp["verdict"]) == ("violation", "ok")
        cpp = changed[("opening-sitting", "opening-quorum", "cpp-majority-suffices")]
        assert cpp["change"] == "numbers change" and cpp["verdict"] == "ok"
        assert not result.phases and not result.deadlines and not result.impasse

    def test_replacing_a_rule_for_every_reading(self) -> None:
        """A two-thirds opening quorum in every reading makes the boycott a deadlock before the opening."""
        result = compare(KH2013, parse_variant(rules=("opening-quorum=at least 2/3 of all members",)))
        assert {"timeline": "variant", "at": KH2013.event("final-results").at, "level": "deadlock"} in result.impasse

    def test_dropping_the_opening_misses_the_deadline(self) -> None:
        """Without the opening sitting (and what depends on it) the 60-day deadline is missed."""
        later = [e.id for e in KH2013.events if e.id is not None and e.at >= KH2013.event("opening-sitting").at
                 and e.TYPE in ("parliament_convened", "vote", "government_formed", "seats_taken")]
        result = compare(KH2013, parse_variant(drops=tuple(later)))
        (deadline,) = result.deadlines
        assert deadline["rule"] == "first-session-deadline" and deadline["variant"].startswith("missed")


def test_a_term_that_runs_out_reads_lapsed_not_missed() -> None:
    """Spain 2016 cut after the June election: the two months of Art. 99(5) (``expiry: lapse``) read
    "lapsed" in the variant, against the baseline's term met by Rajoy's investiture."""
    es = load_scenario("scenarios/spain-2016.yaml")
    later = tuple(e.id for e in es.events if e.id is not None and e.at >= es.event("constitutive-session-2016").at)
    deadlines = {d["rule"]: d for d in compare(es, parse_variant(drops=later)).deadlines}
    term = deadlines["investiture-two-months"]
    assert (term["baseline"], term["variant"]) == ("met on 2016-10-29", "lapsed (ran out 2016-05-03)")


class TestErrors:
    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"sets": ("nope.present=1",)}, "no event 'nope'"),
        ({"sets": ("opening-sitting.colour=1",)}, "has no field 'colour'"),
        ({"sets": ("opening-sitting.present=200",)}, "is refused"),
        ({"shifts": ("opening-sitting=soon",)}, "expected ID=\\+Nd"),
        ({"shifts": ("opening-sitting=+99999999d",)}, "moves it off the calendar"),
        ({"sets": ("opening-sitting.at=2013-02-30",)}, "is refused: is not a real date: '2013-02-30'"),
        ({"rules": ("opening-quorum=at most 3",)}, "column 4: expected .least."),
        ({"rules": ("no-such-rule=at least 3 members",)}, "has no rule 'no-such-rule'"),
    ])
    def test_refused_with_a_clear_message(self, kwargs: dict, match: str) -> None:
        """A variant that names nothing real, or cannot happen, is one ScenarioError."""
        with pytest.raises(ScenarioError, match=match):
            compare(KH2013, parse_variant(**kwargs))


FIELDS = ["present", "yes", "no", "abstain", "members", "size", "count", "status", "stage", "sitting", "motion",
          "party", "outcome", "final", "at"]
VALUES = st.one_of(st.integers(-5, 200), st.sampled_from(["held", "final", "opening", "CNRP", "x", "2013-09-30"]),
                   st.booleans(), st.none())


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, len(KH2013.events) - 1), field=st.sampled_from(FIELDS), value=VALUES)
def test_any_set_replays_or_is_refused(index: int, field: str, value: object) -> None:
    """Any --set on the accepted scenario either replays or is refused with a ScenarioError."""
    event = KH2013.events[index]
    assert event.id is not None  # a loaded scenario's events all have one
    variant = Variant(sets=((event.id, field, value),))
    try:
        compare(KH2013, variant)
    except ScenarioError as exc:
        assert str(exc) and "\n" not in str(exc)


def test_shift_keeps_date_order() -> None:
    """A shifted event moves to its new place in time."""
    moved = apply_variant(KH2013, parse_variant(shifts=("freedom-park-rally=+30d",)))
    dates = [e.at for e in moved.events]
    assert dates == sorted(dates)


def test_events_that_become_impossible_are_skipped_and_listed() -> None:
    """Moving the opening a week later leaves the 23-24 Sep votes without a sitting: they are listed as
    skipped, and the 60-day deadline is missed."""
    result = compare(KH2013, parse_variant(shifts=("opening-sitting=+7d",)))
    assert [s["event"] for s in result.skipped] == ["vote@2013-09-23", "government-vote"]
    assert result.deadlines[0]["variant"].startswith("missed")


class TestImpossibleVariants:
    """An event the variant itself sets, shifts or adds that can't happen is refused like a bad
    scenario; recorded events made impossible by the variant's history are skipped and listed."""

    def test_an_impossible_count_is_refused_not_judged(self) -> None:
        """130 present in a 123-seat assembly: the variant is refused, naming the option and the event."""
        with pytest.raises(ScenarioError, match=r"--set: in this variant opening-sitting \(2013-09-23\) can't "
                                                "happen: 130 members present, but the body has 123 seats"):
            compare(KH2013, parse_variant(sets=("opening-sitting.members_present=130",)))

    def test_an_impossible_added_event_is_refused(self) -> None:
        """Ending a boycott nobody declared is refused, not skipped."""
        variant = parse_variant(adds=("{type: boycott_ended, at: 2013-08-01, party: CNRP, of: parliament}",))
        with pytest.raises(ScenarioError, match=r"--add #1: in this variant .* has no boycott of parliament to end"):
            compare(KH2013, variant)

    def test_events_the_variant_makes_impossible_are_still_skipped(self) -> None:
        """Dropping the opening sitting makes the later votes impossible: they are listed, not refused."""
        result = compare(KH2013, parse_variant(drops=("opening-sitting",)))
        assert any("parliament has not convened" in s["reason"] for s in result.skipped)


class TestAdd:
    def test_talks_that_succeed_before_the_opening_resolve_the_impasse_then(self) -> None:
        """An agreement added on 20 Sep ends the boycott and the dispute that day, ten months early."""
        agreement = "{type: agreement_reached, at: 2013-09-20, parties: [CPP, CNRP]}"
        result = compare(KH2013, parse_variant(adds=(agreement,)))
        assert {"timeline": "variant", "at": date(2013, 9, 20), "level": "resolved"} in result.impasse
        assert {"timeline": "baseline", "at": date(2014, 7, 22), "level": "resolved"} in result.impasse

    def test_an_added_event_goes_after_its_day_or_before_the_event_it_names(self) -> None:
        """Without 'before' an added event follows the recorded events of its day; with it, it takes that
        event's day and comes just before it. Added events get TYPE@DATE ids, no line, and a what-if source."""
        changed = apply_variant(KH2013, parse_variant(adds=(
            "{type: rally, at: 2013-09-23, status: held, organiser: CNRP}",
            "{type: boycott_ended, party: CNRP, before: opening-sitting}",
        )))
        day = [e.id for e in changed.events if e.at == date(2013, 9, 23)]
        assert day == ["boycott_ended@2013-09-23", "opening-sitting", "vote@2013-09-23", "rally@2013-09-23"]
        added = changed.event("boycott_ended@2013-09-23")
        assert changed.line_of(added) is None and added.source == ("what-if: an event added for this run",)
        assert len(changed.events) == len(KH2013.events) + 2

    @pytest.mark.parametrize(("add", "match"), [
        ("{type: ralley, at: 2013-09-20}", r"--add #1:1:8: type: unknown event type 'ralley'. Did you mean 'rally'\?"),
        ("[boycott_ended]", r"--add #1: expected an event as a YAML mapping"),
        ("{type: boycott_ended, party: CNRPP, at: 2013-09-20}", r"party: unknown party 'CNRPP'; did you mean 'CNRP'\?"),
        ("{type: boycott_ended, party: CNRP, before: openin-sitting}",
         r"before: no recorded event 'openin-sitting'; did you mean 'opening-sitting'\?"),
        ("{type: boycott_ended, party: CNRP, at: 2013-09-20, before: opening-sitting}",
         r"at: 2013-09-20 is not the day of 'opening-sitting' \(2013-09-23\)"),
        ("{type: boycott_ended, party: CNRP, at: 2013-09-20, id: poll}", r"id 'poll' is already used"),
        ("{type: vote, at: 2013-09-25, motion: law, yes: 200, present: 68}",
         r"--add #1:1:62: present: .present. \(68\) is less than yes \+ no"),
        ("{type: deadline_expired, at: 2013-09-25}", r"made by the engine"),
    ])
    def test_refused_with_a_clear_message(self, add: str, match: str) -> None:
        """An added event is read as a scenario's events are: every problem is one ScenarioError at its place."""
        with pytest.raises(ScenarioError, match=match) as info:
            compare(KH2013, parse_variant(adds=(add,)))
        assert "\n" not in str(info.value)

    def test_before_an_event_the_variant_drops(self) -> None:
        """An event cannot be placed before one that the same variant leaves out."""
        with pytest.raises(ScenarioError, match="--add #1: before: event 'opening-sitting' is dropped"):
            compare(KH2013, parse_variant(drops=("opening-sitting",),
                                          adds=("{type: boycott_ended, party: CNRP, before: opening-sitting}",)))

    @settings(max_examples=60, deadline=None)
    @given(kind=st.sampled_from(sorted(set(REGISTRY) - DERIVED_TYPES)), day=st.integers(-30, 400),
           fields=st.dictionaries(st.sampled_from([*FIELDS[:-1], "parties", "by", "of", "seats", "present_by_party"]),
                                  VALUES | st.just(["CPP"]) | st.just({"CPP": 68}), max_size=4))
    def test_any_add_replays_or_is_refused(self, kind: str, day: int, fields: dict) -> None:
        """Any event added to the accepted scenario either replays (skipped if it cannot happen) or is
        refused with one ScenarioError."""
        at = (KH2013.events[0].at + timedelta(days=day)).isoformat()
        text = json.dumps({"type": kind, "at": at, **fields})  # JSON is YAML
        try:
            result = compare(KH2013, parse_variant(adds=(text,)))
        except ScenarioError as exc:
            assert str(exc).startswith("--add #1") and "\n" not in str(exc)
        else:
            assert len(result.variant.steps) + len(result.variant.skipped) >= len(result.baseline.steps)
