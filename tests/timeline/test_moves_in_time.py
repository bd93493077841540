"""Steps that hold on other days: a step that ``moves_in_time`` is the step ``transition`` makes for an
equal event dated any other day of the same law, but for the new state's date. The step memo uses
this to make a defection or an agreement once per state, not once per day (docs/performance.md).

The oracle is ``transition`` itself, on every step of every bundled scenario's replay and on every
step the 2013 ensemble makes, moved to other days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.crisis import law_for, replay_scenario
from engine.errors import EngineError
from engine.files.scenarios import load_scenario
from engine.sim.ensemble import simulate
from engine.sim.simulator import Simulator
from engine.timeline import replay as replay_module
from engine.timeline.events import AgreementReached, ParliamentConvened, SeatsTaken
from engine.timeline.machine import DATE_FREE, LawMemo, Step, moved, moves_in_time, transition, undated_event
from engine.timeline.state import Deadline, State

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
CAMBODIA = ROOT / "scenarios" / "cambodia-2013.yaml"
OFFSETS = (-400, -30, -7, -1, 1, 2, 7, 30, 90, 365, 1000)


@cache
def _ensemble_pairs() -> tuple[tuple[State, SeatsTaken | AgreementReached, Step, LawMemo], ...]:
    """Every date-free step 400 runs of the 2013 ensemble made, with the state it was made from (undated)."""
    sim = Simulator(load_scenario(CAMBODIA))
    for i in range(400):
        sim.run(1, i)
    memo = sim.memo.law_memo(sim.rules)
    return tuple((state, event, step, memo) for (state, event), step in sim.memo.items()
                 if isinstance(step, Step) and type(event) in DATE_FREE)


def _replayed_pairs() -> list[tuple[State, object, Step, LawMemo]]:
    """Every step of every bundled scenario's replay whose event is of a date-free type."""
    pairs = []
    for path in SCENARIOS:
        scenario = load_scenario(path)
        law = law_for(scenario)
        memo = LawMemo(law)
        timeline = replay_scenario(scenario)
        before = [None, *[s.state for s in timeline.steps[:-1]]]
        for prior, step in zip(before, timeline.steps, strict=True):
            if prior is not None and type(step.event) in DATE_FREE:
                pairs.append((prior.replace(on=None), step.event, transition(prior, step.event, law, memo), memo))
    return pairs


def _check(state: State, event: object, step: Step, memo: LawMemo, offset: int) -> bool:
    """Moved ``offset`` days, the step is transition's, wherever the law is the same Day; True if checked."""
    other = attrs.evolve(event, at=event.at + timedelta(days=offset))  # type: ignore[attr-defined]
    if memo.day(other.at) is not memo.day(event.at):  # type: ignore[attr-defined]
        return False
    assert moved(step, other) == transition(state, other, memo.law, memo)
    return True


def test_the_ensembles_date_free_steps_hold_on_other_days() -> None:
    pairs = [p for p in _ensemble_pairs() if moves_in_time(p[0], p[2], p[3])]
    assert len(pairs) > 500  # most of the ensemble's new steps are defections and agreements
    checked = sum(_check(*pair, offset) for pair in pairs[::7] for offset in OFFSETS)
    assert checked > 500


def test_the_replays_date_free_steps_hold_on_other_days() -> None:
    pairs = [p for p in _replayed_pairs() if moves_in_time(p[0], p[2], p[3])]
    assert pairs  # seats taken after a boycott, agreements
    assert sum(_check(*pair, offset) for pair in pairs for offset in OFFSETS) >= len(pairs)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), offset=st.integers(-3000, 3000))
def test_any_date_free_step_holds_on_any_day_of_its_law(data: st.DataObject, offset: int) -> None:
    """Property: for any step of the ensemble that moves in time and any day of the same law, moved == transition."""
    pairs = [p for p in _ensemble_pairs() if moves_in_time(p[0], p[2], p[3])]
    _check(*data.draw(st.sampled_from(pairs)), offset)


def test_steps_that_read_the_date_do_not_move() -> None:
    """A deadline running before or after, a type outside DATE_FREE, or a finding: the step stays on its day."""
    state, event, step, memo = next(p for p in _ensemble_pairs() if moves_in_time(p[0], p[2], p[3]))
    running = Deadline(rule="r", title="t", article="1", start=date(2013, 7, 28), due=date(2013, 9, 26))
    assert not moves_in_time(state.replace(deadlines=(running,)), step, memo)
    assert not moves_in_time(state, attrs.evolve(step, state=step.state.replace(overdue=("r",))), memo)
    sitting = ParliamentConvened(at=event.at, source=("s",), sitting="ordinary", present=68)
    assert type(sitting) not in DATE_FREE
    assert not moves_in_time(state, Step(sitting, step.state), memo)
    made = transition(state, event, memo.law, memo)
    assert moves_in_time(state, made, memo)
    assert not moves_in_time(state, attrs.evolve(made, findings=(object(),)), memo)


def test_undated_event_leaves_out_the_date_alone() -> None:
    a = SeatsTaken(at=date(2013, 10, 1), source=("s",), party="CNRP", members=3)
    assert undated_event(a) == undated_event(attrs.evolve(a, at=date(2014, 1, 1)))
    assert undated_event(a) != undated_event(attrs.evolve(a, members=4))
    assert undated_event(a) != undated_event(attrs.evolve(a, source=("t",)))


def test_the_ensemble_is_the_same_with_steps_moved_or_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo's moved steps change no result: 600 runs, with and without them, equal run for run."""
    scenario = load_scenario(CAMBODIA)
    with_moves = simulate(scenario, 600, 5)
    monkeypatch.setattr(replay_module, "DATE_FREE", frozenset())
    assert simulate(scenario, 600, 5).results == with_moves.results


def test_a_refusal_is_never_moved() -> None:
    """A step refused (an EngineError) is kept for its pair only: members taking seats before any sitting."""
    scenario = load_scenario(CAMBODIA)
    law = law_for(scenario)
    memo = replay_module.StepMemo()
    state = replay_scenario(scenario, until=date(2013, 9, 20)).final
    early = SeatsTaken(at=date(2013, 9, 21), source=("s",), party="CNRP", members=2)
    with pytest.raises(EngineError):
        transition(state, early, law, memo.law_memo(law))
    memo.put(state, early, EngineError("refused", early))
    assert memo.get(state, attrs.evolve(early, at=date(2013, 9, 22))) is None


def test_a_formation_level_read_from_the_date_keeps_the_step_on_its_day() -> None:
    """A government in office whose formation level is not yet 'formed': the level transition gives it
    is dated by the step (formed until that day), so the step does not move. (Replays and runs recompute
    the level at every step, so a date-free event meets such a state only when it is built by hand.)"""
    state, event, _, memo = next(p for p in _ensemble_pairs() if moves_in_time(p[0], p[2], p[3]))
    # nothing judged yet: the level is read from the date
    in_office = state.replace(government="Hun Sen", government_status=(), government_lawful=(), formation=())
    step = transition(in_office, event, memo.law, memo)
    later = attrs.evolve(event, at=event.at + timedelta(days=7))
    assert memo.day(later.at) is memo.day(event.at)
    made_later = transition(in_office, later, memo.law, memo)
    assert made_later != moved(step, later)  # the formation's reason carries the day it took office
    assert not moves_in_time(in_office, step, memo)
