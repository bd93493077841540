"""Replay on the SimPy clock: the Cambodia 2013 timeline pinned, deadlines, point-in-time state."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.crisis import law_for, replay_scenario
from engine.errors import EngineError
from engine.files.scenarios import load_scenario, parse_scenario
from engine.timeline.machine import Step, Verdict
from engine.timeline.replay import Clock, StepMemo, replay, state_at
from engine.timeline.state import Level, Phase
from tests.helpers import scenario_text

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")
TIMELINE = replay_scenario(KH2013)


def _state(day: str):
    return state_at(KH2013.events, law_for(KH2013), date.fromisoformat(day))


def _findings(event_id: str, rule: str | None = None):
    step = next(s for s in TIMELINE.steps if s.event.id == event_id)
    return {f.interpretation: f for f in step.findings if rule is None or f.rule == rule}


class TestCambodia2013:
    @pytest.mark.parametrize(("day", "phase", "level"), [
        ("2013-07-28", Phase.PROVISIONAL_RESULTS, Level.NONE),
        ("2013-08-13", Phase.OFFICIAL_RESULTS, Level.NONE),
        ("2013-08-20", Phase.OFFICIAL_RESULTS, Level.DISPUTED),
        ("2013-09-08", Phase.OFFICIAL_RESULTS, Level.BOYCOTT),
        ("2013-09-23", Phase.ASSEMBLY_CONVENED, Level.BOYCOTT),
        ("2013-09-24", Phase.GOVERNMENT_FORMED, Level.BOYCOTT),
        ("2014-07-22", Phase.GOVERNMENT_FORMED, Level.RESOLVED),
    ])
    def test_phase_and_impasse_at_key_dates(self, day: str, phase: Phase, level: Level) -> None:
        """The crisis stands where the record says on each key date."""
        state = _state(day)
        assert (state.phase, state.impasse.level) == (phase, level)

    def test_opening_judged_per_reading(self) -> None:
        """68 present: lawful under the ruling party's reading, unlawful under the 120 and 2/3 readings."""
        quorum = _findings("opening-sitting", "opening-quorum")
        assert quorum["cpp-majority-suffices"].verdict is Verdict.OK
        opp = quorum["opposition-120-to-open"]
        assert (opp.verdict, opp.count, opp.required) == (Verdict.VIOLATION, 68, 120)
        assert opp.code == "quorum.below" and opp.unit == "members" and "76" in opp.article
        third = quorum["two-thirds-valid-meeting"]
        assert (third.verdict, third.required) == (Verdict.VIOLATION, 82)

    def test_sixty_day_deadline_met(self) -> None:
        """The opening on 23 Sep is 57 days after the poll: within the 60-day deadline."""
        met = _findings("opening-sitting", "first-session-deadline")[None]
        assert (met.verdict, met.count, met.required) == (Verdict.OK, 57, 60)
        assert not any(s.derived for s in TIMELINE.steps)

    def test_government_vote(self) -> None:
        """The 68 votes meet 63 (literal 50 % + 1) for the ruling party; the others deny the assembly's lawfulness."""
        vote = _findings("government-vote", "confidence-vote")
        assert (vote["cpp-majority-suffices"].verdict, vote["cpp-majority-suffices"].required) == (Verdict.OK, 63)
        assert vote["opposition-120-to-open"].verdict is Verdict.VIOLATION
        final = TIMELINE.final
        assert dict(final.government_lawful) == {"cpp-majority-suffices": True, "opposition-120-to-open": False,
                                                  "two-thirds-valid-meeting": False}

    def test_planned_protest_is_upcoming_until_its_date(self) -> None:
        """The three days of protests announced on 8 Sep are upcoming until 15 Sep."""
        assert [g.first_day for g in _state("2013-09-10").upcoming()] == [date(2013, 9, 15)]
        assert _state("2013-09-16").upcoming() == ()

    def test_deadline_days_left(self) -> None:
        """On 10 Sep the first-session deadline (26 Sep) has 16 days left."""
        state = _state("2013-09-10")
        (deadline,) = state.deadlines
        assert (deadline.due, deadline.days_left(state.on)) == (date(2013, 9, 26), 16)


LATE_OPENING = scenario_text(
    "  - {type: boycott_declared, at: 2013-09-09, source: s, party: CNRP}\n"
    "  - {type: parliament_convened, at: 2013-09-30, source: s, sitting: opening, present: 68, convened_by: Senate President}\n")


class TestDeadlines:
    def test_missed_deadline_becomes_a_derived_event(self) -> None:
        """No opening by 26 Sep: the engine derives deadline_expired on 27 Sep, before the late sitting."""
        timeline = replay_scenario(parse_scenario(LATE_OPENING))
        derived = [s for s in timeline.steps if s.derived]
        assert len(derived) == 1
        step = derived[0]
        assert step.event.at == date(2013, 9, 27) and step.event.due == date(2013, 9, 26)
        assert step.findings[0].verdict is Verdict.VIOLATION
        assert step.state.impasse.level is Level.DEADLOCK
        types = [s.event.TYPE for s in timeline.steps]
        assert types.index("deadline_expired") < types.index("parliament_convened")

    def test_convened_by_the_wrong_authority(self) -> None:
        """An opening not convened by the King is a violation of the convocation rule."""
        timeline = replay_scenario(parse_scenario(LATE_OPENING))
        found = [f for s in timeline.steps for f in s.findings if f.rule == "opening-convened-by-king"]
        assert [f.verdict for f in found] == [Verdict.VIOLATION]

    def test_deadline_not_fired_before_it_is_due(self) -> None:
        """Replaying only up to the due date derives nothing."""
        scenario = parse_scenario(LATE_OPENING)
        timeline = replay_scenario(scenario, until=date(2013, 9, 26))
        assert not any(s.derived for s in timeline.steps)
        assert timeline.final.deadlines[0].days_left(timeline.final.on) == 0


class TestProperties:
    def test_deterministic(self) -> None:
        """Same log, same rules: identical timeline."""
        again = replay_scenario(load_scenario("scenarios/cambodia-2013.yaml"))
        assert again.steps == TIMELINE.steps

    @settings(max_examples=40, deadline=None)
    @given(st.integers(min_value=-3, max_value=(date(2014, 9, 1) - date(2013, 7, 28)).days))
    def test_prefix_replay_equals_state_at(self, offset: int) -> None:
        """Replaying the events up to a date gives the state at that date, and the full timeline's prefix."""
        day = date(2013, 7, 28) + timedelta(days=offset)
        rules = law_for(KH2013)
        prefix = replay([e for e in KH2013.events if e.at <= day], rules, until=day)
        assert prefix.final == state_at(KH2013.events, rules, day)
        full = [s for s in TIMELINE.steps if s.event.at <= day]
        assert list(prefix.steps) == full

    def test_seats_never_exceed_body(self) -> None:
        """At every step the seats allocated fit the body."""
        for step in TIMELINE.steps:
            assert step.state.seats_total <= (step.state.body_size or 0)
            assert sum(n for _, n in step.state.seated) <= step.state.seats_total


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=len(KH2013.events) - 1))
def test_replay_from_a_snapshot_gives_the_same_final_state(k: int) -> None:
    """Splitting the log and replaying the rest from the prefix's final state gives the same end state."""
    rules = law_for(KH2013)
    events = list(KH2013.events)
    cut = events[k].at
    prefix = [e for e in events if e.at < cut]
    rest = [e for e in events if e.at >= cut]
    snapshot = replay(prefix, rules).final
    clock = Clock(rules, events[0].at, snapshot, start=cut)
    clock.env.process(clock.feed(rest, None))
    clock.env.run(until=clock.day(events[-1].at) + 1 - 2e-6)
    assert clock.state == TIMELINE.final


class TestClockRun:
    def test_stops_before_the_given_day_number(self) -> None:
        """Clock.run applies every event dated before the end it is given and none after; SimPy's own
        env.run(until=...) on a twin clock reaches the same state."""
        rules = law_for(KH2013)
        events = list(KH2013.events)
        middle = events[len(events) // 2].at
        ours, simpys = Clock(rules, events[0].at), Clock(rules, events[0].at)
        for clock in (ours, simpys):
            clock.env.process(clock.feed(events, None))
        end = ours.day(middle) + 1 - 2e-6  # the end of the middle event's day
        ours.run(end)
        simpys.env.run(until=end)
        assert ours.state == simpys.state
        assert ours.steps == simpys.steps
        assert [s.event for s in ours.steps] == [e for e in events if e.at <= middle]
        assert ours.env.peek() > end  # what is left is dated after the end


class TestStepMemo:
    def _pair(self):
        step = TIMELINE.steps[5]
        before = TIMELINE.steps[4].state
        return before, step

    def test_a_pair_seen_before_gives_the_same_step(self) -> None:
        """The step remembered for (state, event) comes back for those objects."""
        before, step = self._pair()
        memo = StepMemo()
        kept = memo.put(before, step.event, step)
        assert kept is step
        assert memo.get(before, step.event) is step
        assert len(memo) == 1

    def test_equal_objects_find_the_step_too(self) -> None:
        """An equal state and an equal event, distinct objects, find the remembered step."""
        before, step = self._pair()
        memo = StepMemo()
        memo.put(before, step.event, step)
        twin_state = before.replace()  # equal, not the same object
        twin_event = attrs.evolve(step.event)
        assert twin_state is not before and twin_event is not step.event
        assert memo.get(twin_state, twin_event) is step
        assert memo.get(twin_state, TIMELINE.steps[6].event) is None

    def test_a_state_of_another_date_finds_the_step(self) -> None:
        """A state that differs only in its date, up to the event's, finds the step remembered."""
        before, step = self._pair()
        memo = StepMemo()
        memo.put(before, step.event, step)
        assert before.on is not None and before.on < step.event.at
        for on in (None, before.on - timedelta(days=30), step.event.at):
            assert memo.get(before.replace(on=on), step.event) is step

    def test_an_event_dated_before_the_state_is_not_answered(self) -> None:
        """Past the event's date the memo answers nothing, and the date-order refusal stays with its pair."""
        before, step = self._pair()
        memo = StepMemo()
        memo.put(before, step.event, step)
        later = before.replace(on=step.event.at + timedelta(days=1))
        assert memo.get(later, step.event) is None
        refusal = EngineError("out of date order", step.event, "at")
        memo.put(later, step.event, refusal)
        assert memo.get(later, step.event) is refusal  # the same objects, by identity
        assert memo.get(before, step.event) is step  # the refusal did not replace the step

    def test_equal_states_are_made_one_object(self) -> None:
        """A step whose state equals one remembered before comes back holding that earlier object."""
        before, step = self._pair()
        memo = StepMemo()
        memo.put(before, step.event, step)
        other = Step(TIMELINE.steps[6].event, step.state.replace(), ())
        kept = memo.put(step.state, other.event, other)
        assert kept.state is step.state and kept.event is other.event

    def test_a_refusal_is_remembered(self) -> None:
        """An engine error is remembered as it is, for the lenient clocks that skip the event."""
        before, step = self._pair()
        memo = StepMemo()
        refusal = EngineError("cannot happen", step.event)
        assert memo.put(before, step.event, refusal) is refusal
        assert memo.get(before, step.event) is refusal

    def test_the_limit_bounds_the_memo(self) -> None:
        """Past its limit the memo starts afresh instead of growing."""
        memo = StepMemo(limit=3)
        for i in range(1, 8):
            memo.put(TIMELINE.steps[i - 1].state, TIMELINE.steps[i].event, TIMELINE.steps[i])
            assert len(memo) <= 3

    @settings(max_examples=25, deadline=None)
    @given(st.integers(min_value=1, max_value=len(KH2013.events) - 1))
    def test_a_shared_memo_changes_no_replay(self, k: int) -> None:
        """Clocks sharing one memo (and starting from different snapshots) end as clocks without one."""
        rules = law_for(KH2013)
        events = list(KH2013.events)
        memo = StepMemo()
        for cut_index in (k, max(1, k - 3), k):
            cut = events[cut_index].at
            snapshot = replay([e for e in events if e.at < cut], rules).final
            clock = Clock(rules, events[0].at, snapshot, start=cut, memo=memo, keep_steps=False)
            clock.env.process(clock.feed([e for e in events if e.at >= cut], None))
            clock.env.run(until=clock.day(events[-1].at) + 1 - 2e-6)
            assert clock.state == TIMELINE.final


def test_running_on_from_the_calendars_last_days_does_not_overflow() -> None:
    """A last event near 9999-12-31 (a fuzzed date) replays to the end: the horizon stops at the calendar's end."""
    from engine.timeline.events import TalksHeld

    last = TalksHeld(at=date.max, source="s", parties=("CPP", "CNRP"))
    timeline = replay([*KH2013.events[:1], last], law_for(KH2013), run_on=True)
    assert timeline.steps[-1].event is last
