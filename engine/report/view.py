"""The view model of a replay: what every renderer reads, built once from the engine's results.

The renderers (text, Markdown, JSON) read only these frozen values, never ``State``, ``Step``,
``Scenario`` or ``Law``: each fact (a reading's name, a finding's sentence, the days left on a
deadline) is worked out here, once, the same way for every output format. Values are plain: text,
numbers, dates and tuples, with enums given by their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from engine.report import sentences
from engine.report.describe import describe
from engine.rules.constitution import cite
from engine.timeline.events import DeadlineExpired, unstructure_event
from engine.timeline.state import get

if TYPE_CHECKING:
    from engine.crisis import Reversal
    from engine.files.scenarios import Scenario
    from engine.timeline.machine import Finding, Law, Step
    from engine.timeline.replay import Timeline
    from engine.timeline.state import Deadline, Reading, State

__all__ = [
    "DeadlineView",
    "FindingView",
    "FormationChange",
    "FormationView",
    "GatheringView",
    "LawfulnessView",
    "ReadingView",
    "ReversalView",
    "ScenarioView",
    "StateView",
    "StepView",
    "TimelineView",
    "reading_view",
    "state_view",
    "timeline_view",
]

#: the name of the pack's own reading, where a scenario names no interpretation
PACK_READING = "the pack's own reading"


@attrs.frozen
class ReadingView:
    """A reading judged: one of the pack's interpretations, or the pack's own (``id`` None)."""

    id: str | None
    name: str
    holder: str | None = None
    claim: str | None = None
    source: tuple[str, ...] = ()


@attrs.frozen
class FindingView:
    """A judgement of one act: its verdict, its sentence, and the numbers compared."""

    verdict: str
    text: str
    rule: str | None
    article: str | None
    #: the interpretation's id, None for rules no reading changes and for facts
    reading: str | None
    #: the reading's name, None when the reading is not among those judged
    reading_name: str | None
    required: int | None
    count: int | None
    reason: str | None
    #: what was found (docs/replay-format.md lists the codes)
    code: str = ""
    #: the unit of ``required`` and ``count``: members, votes, days or seats
    unit: str | None = None
    #: the rule's threshold as canonical text
    threshold: str | None = None
    #: the day the rule's version took effect, and the amendment that made it
    version: date | None = None
    amendment: str | None = None
    #: the rule's sources
    sources: tuple[str, ...] = ()
    #: the sitting kind or motion judged
    subject: str | None = None
    #: what else the finding names, as (name, value) pairs
    details: tuple[tuple[str, Any], ...] = ()


@attrs.frozen
class DeadlineView:
    """A deadline running, with the days left on the day it is seen (None: no date to count from)."""

    rule: str
    title: str
    article: str
    start: date
    due: date
    days_left: int | None

    @property
    def citation(self) -> str:
        """The article as findings cite it (``Art. 82``, or a section of a Basic Law as the pack names it)."""
        return cite(self.article)


@attrs.frozen
class GatheringView:
    """A rally or protest planned to start later."""

    id: str
    kind: str
    organiser: str
    first_day: date
    last_day: date


@attrs.frozen
class LawfulnessView:
    """Under one reading: was the assembly lawfully opened, the government lawfully installed (None: not yet)."""

    reading: ReadingView
    opened_lawfully: bool | None
    government_lawful: bool | None
    #: a government appointed before its vote: ``pending``, ``confirmed`` or ``resigned`` (None: not such)
    government_status: str | None = None


@attrs.frozen
class FormationView:
    """Where the forming of a government stands under one reading (docs/replay-format.md)."""

    reading: str | None
    reading_name: str
    level: str
    reasons: tuple[str, ...]
    #: the election the days are counted from, and the days since it (to the government's taking
    #: office once formed); None where no election is known
    since: date | None = None
    days: int | None = None


@attrs.frozen
class FormationChange:
    """The formation level under a reading changed on ``at`` (the event ``event``)."""

    at: date
    event: str | None
    reading: str | None
    level: str


@attrs.frozen
class StateView:
    """The state of a crisis at a date, as every output format shows it."""

    as_of: date | None
    phase: str
    impasse: str
    impasse_reasons: tuple[str, ...]
    body_size: int | None
    seats: tuple[tuple[str, int], ...]
    seated: tuple[tuple[str, int], ...]
    rejecting: tuple[str, ...]
    complaints_pending: int
    avenues_exhausted: bool
    #: ``(party, target)`` pairs, sorted
    boycotts: tuple[tuple[str, str], ...]
    government: str | None
    deadlines: tuple[DeadlineView, ...]
    missed: tuple[str, ...]
    overdue: tuple[str, ...]
    upcoming: tuple[GatheringView, ...]
    readings: tuple[LawfulnessView, ...]
    #: per reading judged, where the forming of a government stands
    formation: tuple[FormationView, ...] = ()
    #: the day whose law judged (``--law-as-of``); None: the law as now known
    law_as_of: date | None = None
    #: seats vacant and not yet filled
    vacant: int = 0
    #: elections a court annulled: (polling day, the constituencies annulled; none: the whole election)
    annulled: tuple[tuple[date, tuple[str, ...]], ...] = ()
    #: ids of the sittings and acts a court declared void
    void_acts: tuple[str, ...] = ()


@attrs.frozen
class StepView:
    """One event of a replay and what followed from it."""

    at: date
    #: time of day as ``HH:MM``, or None
    time: str | None
    id: str | None
    #: the event as in a scenario file: ``type`` and every field set
    event: Mapping[str, Any]
    summary: str
    #: the event's line in the scenario file; None for derived events
    line: int | None
    phase: str
    impasse: str
    impasse_reasons: tuple[str, ...]
    derived: bool
    findings: tuple[FindingView, ...]
    deadlines: tuple[DeadlineView, ...]
    #: per reading judged, where the forming of a government stands after the event
    formation: tuple[FormationView, ...] = ()
    #: the body's seats after the event, its seats per party, and the ``(party, target)`` boycotts
    #: (the chamber diagrams of the HTML report read them)
    body_size: int | None = None
    seats: tuple[tuple[str, int], ...] = ()
    boycotts: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class ScenarioView:
    """A scenario's metadata, sources and notes."""

    id: str
    title: str
    country: str
    constitution: str
    body: str
    path: str
    sources: tuple[str, ...]
    notes: tuple[str, ...]


@attrs.frozen
class ReversalView:
    """A finding a retrospective amendment reversed: believed until ``believed_until`` (``before``),
    and what holds from ``holds_from`` (``after``); None where that view made no such finding."""

    at: date
    event: str | None
    rule: str | None
    reading: str | None
    amendment: str
    believed_until: date
    holds_from: date
    before: FindingView | None
    after: FindingView | None


@attrs.frozen
class TimelineView:
    """A whole replay: the scenario, the readings judged (in column order), every step, the final state."""

    scenario: ScenarioView
    readings: tuple[ReadingView, ...]
    steps: tuple[StepView, ...]
    final: StateView
    #: the day whose law judged (``--law-as-of``); None: the law as now known
    law_as_of: date | None = None
    #: findings retrospective amendments reversed
    reversed: tuple[ReversalView, ...] = ()
    #: how the formation level rose and fell, under each reading
    formation_history: tuple[FormationChange, ...] = ()


def reading_view(law: Law, reading: Reading) -> ReadingView:
    """The reading ``reading`` (an interpretation id, or None for the pack's own) as ``law`` names it."""
    if reading is None:
        return ReadingView(id=None, name=PACK_READING)
    interp = law.constitution.interpretation(reading)
    return ReadingView(id=interp.id, name=interp.name, holder=interp.holder, claim=interp.claim,
                       source=tuple(interp.source))


def state_view(state: State, law: Law) -> StateView:
    """The view of ``state``, judged under the readings of ``law``."""
    return _state_view(state, law, tuple(reading_view(law, r) for r in law.readings))


def formation_history(steps: tuple[StepView, ...]) -> tuple[FormationChange, ...]:
    """Each change of the formation level under each reading, in the order of ``steps``: how it rose and fell."""
    out: list[FormationChange] = []
    last: dict[Reading, str] = {}
    for step in steps:
        for f in step.formation:
            if last.get(f.reading, "none") != f.level:
                out.append(FormationChange(at=step.at, event=step.id, reading=f.reading, level=f.level))
            last[f.reading] = f.level
    return tuple(out)


def timeline_view(scenario: Scenario, timeline: Timeline, reversed_: tuple[Reversal, ...] = ()) -> TimelineView:
    """The view of a replay of ``scenario`` (``reversed_``: what :func:`engine.crisis.reversals` found)."""
    law = timeline.law
    readings = tuple(reading_view(law, r) for r in law.readings)
    names = {r.id: r.name for r in readings}

    def finding(f: Finding | None) -> FindingView | None:
        return None if f is None else _finding_view(f, law, names)

    steps = tuple(_step_view(step, scenario, law, names) for step in timeline.steps)
    return TimelineView(
        scenario=ScenarioView(id=scenario.id, title=scenario.title, country=scenario.country,
                              constitution=scenario.constitution.id, body=scenario.body, path=scenario.path,
                              sources=tuple(scenario.sources), notes=tuple(scenario.notes)),
        readings=readings,
        steps=steps,
        final=_state_view(timeline.final, law, readings),
        law_as_of=law.known_on,
        reversed=tuple(ReversalView(at=r.at, event=r.event, rule=r.rule, reading=r.interpretation,
                                    amendment=r.amendment, believed_until=r.believed_until, holds_from=r.holds_from,
                                    before=finding(r.before), after=finding(r.after)) for r in reversed_),
        formation_history=formation_history(steps),
    )


def _step_view(step: Step, scenario: Scenario, law: Law, names: dict[Reading, str]) -> StepView:
    event, state = step.event, step.state
    return StepView(
        at=event.at,
        time=event.time.isoformat(timespec="minutes") if event.time else None,
        id=event.id,
        event=MappingProxyType(unstructure_event(event)),
        summary=_summary(step),
        line=scenario.line_of(event),
        phase=state.phase.value,
        impasse=state.impasse.level.value,
        impasse_reasons=tuple(sentences.reason_texts(state.impasse)),
        derived=step.derived,
        findings=tuple(_finding_view(f, law, names) for f in step.findings),
        deadlines=_deadlines(state.deadlines, event.at),
        formation=_formation(state, names),
        body_size=state.body_size,
        seats=tuple(state.seats),
        boycotts=tuple(sorted(state.boycotts)),
    )


def _summary(step: Step) -> str:
    """The event's line; one the law derived (not an expiry, whose line says so) says it was derived.
    An expiry whose rule is a term (``expiry: lapse``) says the term ran out: no act was missed."""
    event = step.event
    if isinstance(event, DeadlineExpired) and any(f.code == "deadline.lapsed" for f in step.findings):
        return f"TERM RAN OUT: {event.rule} (ended {event.due.isoformat()})"
    line = describe(step.event)
    return f"{line} (derived)" if step.derived and step.event.TYPE != "deadline_expired" else line


def _finding_view(finding: Finding, law: Law, names: dict[Reading, str]) -> FindingView:
    # the sentence comes from report.sentences alone, looked up at call time, so that every format
    # states a finding in the same words
    return FindingView(verdict=finding.verdict.value, text=sentences.finding_text(finding, law), rule=finding.rule,
                       article=finding.article, reading=finding.interpretation,
                       reading_name=names.get(finding.interpretation), required=finding.required,
                       count=finding.count, reason=finding.reason, code=finding.code, unit=finding.unit,
                       threshold=finding.threshold, version=finding.since, amendment=finding.amendment,
                       sources=finding.sources, subject=finding.subject, details=finding.details)


def _deadlines(deadlines: tuple[Deadline, ...], on: date | None) -> tuple[DeadlineView, ...]:
    return tuple(DeadlineView(rule=d.rule, title=d.title, article=d.article, start=d.start, due=d.due,
                              days_left=d.days_left(on) if on else None) for d in deadlines)


def _formation(state: State, names: Mapping[Reading, str]) -> tuple[FormationView, ...]:
    out = []
    for reading, formation in state.formation:
        first = formation.reasons[0] if formation.reasons else None
        out.append(FormationView(reading=reading, reading_name=names.get(reading, str(reading)),
                                 level=formation.level.value,
                                 reasons=tuple(sentences.reason_texts(formation, state.on)),
                                 since=None if first is None else first.since,
                                 days=None if first is None else sentences.formation_days(first, state.on)))
    return tuple(out)


def _state_view(state: State, law: Law, readings: tuple[ReadingView, ...]) -> StateView:
    return StateView(
        as_of=state.on,
        phase=state.phase.value,
        impasse=state.impasse.level.value,
        impasse_reasons=tuple(sentences.reason_texts(state.impasse)),
        body_size=state.body_size,
        seats=tuple(state.seats),
        seated=tuple(state.seated),
        rejecting=tuple(sorted(state.rejecting)),
        complaints_pending=state.complaints_pending,
        avenues_exhausted=state.avenues_exhausted,
        boycotts=tuple(sorted(state.boycotts)),
        government=state.government,
        deadlines=_deadlines(state.deadlines, state.on),
        missed=tuple(state.missed),
        overdue=tuple(state.overdue),
        upcoming=tuple(GatheringView(id=g.id, kind=g.kind, organiser=g.organiser, first_day=g.first_day,
                                     last_day=g.last_day) for g in state.upcoming()),
        readings=tuple(
            LawfulnessView(reading=reading, opened_lawfully=_verdict(get(state.opened_lawfully, reading.id)),
                           government_lawful=_verdict(get(state.government_lawful, reading.id)),
                           government_status=get(state.government_status, reading.id))
            for reading in readings
        ),
        formation=_formation(state, {r.id: r.name for r in readings}),
        law_as_of=law.known_on,
        vacant=state.vacant,
        annulled=state.annulled,
        void_acts=state.void_acts,
    )


def _verdict(value: object) -> bool | None:
    # the tallies hold booleans; typed as object only because get() serves every tally
    return None if value is None else bool(value)
