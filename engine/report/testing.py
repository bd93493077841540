"""A replay compared with its scenario's ``expect:`` section: one outcome per expectation.

:func:`check` is pure: a timeline and the expectations read from the file in, an outcome for each
(passed or not, what the engine found, the engine's own sentence for the findings compared) out.
It lives with the reports because it words findings as every report does
(:func:`engine.report.sentences.finding_text`). :func:`outcomes_text` and :func:`summary_data`
are what ``impasse test`` prints (the JSON built through the table :data:`TEST`, its published schema).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs

from engine.files.expectations import END, Expectation, Scope
from engine.report.sentences import finding_text, formation_days
from engine.sim.jsonkeys import Key, Table, build
from engine.timeline.events import Event, unstructure_event
from engine.timeline.findings import Finding, Step
from engine.timeline.replay import Timeline
from engine.timeline.state import Reading, State, get

__all__ = ["TEST", "Outcome", "check", "outcomes_data", "outcomes_text", "summary_data"]


@attrs.frozen
class Outcome:
    """How one expectation fared.

    Attributes:
        expectation: what was expected, and where it is written.
        passed: whether the replay reached it.
        found: what the replay reached instead (or as well), as plain data.
        message: the engine's sentences for the findings compared, if any.
    """

    expectation: Expectation
    passed: bool
    found: Any = None
    message: str | None = None


@attrs.frozen
class _Place:
    """What a scope sees: its steps (for findings), the events derived there, the state, the day."""

    steps: tuple[Step, ...]
    derived: tuple[Event, ...]
    state: State | None
    day: date | None
    problem: str | None = None


def check(timeline: Timeline, expectations: Iterable[Expectation]) -> tuple[Outcome, ...]:
    """Compare a replay with what its author expected, in the order the expectations are written."""
    places: dict[Scope, _Place] = {}
    out = []
    for exp in expectations:
        place = places.get(exp.scope)
        if place is None:
            place = places[exp.scope] = _place(timeline, exp.scope)
        if place.problem is not None:
            out.append(Outcome(exp, passed=False, found=place.problem))
            continue
        out.append(_compare(timeline, place, exp))
    return tuple(out)


def _place(timeline: Timeline, scope: Scope) -> _Place:
    steps = timeline.steps
    if scope.kind == "event":
        step = next((s for s in steps if s.event.id == scope.key and not s.derived), None)
        if step is None:  # the replay stopped before it (a replay until a date)
            return _Place((), (), None, None, f"the replay ended before {scope.key}")
        return _Place((step,), step.follows, step.state, step.event.at)
    if scope.kind == END:
        return _Place(steps, tuple(s.event for s in steps if s.derived), timeline.final, timeline.as_of)
    day = date.fromisoformat(scope.key)
    before = [s for s in steps if s.event.at <= day]
    if not before:
        return _Place((), (), None, day, f"nothing has happened by {scope.key}")
    if timeline.as_of is not None and day > timeline.as_of and timeline.final.deadlines:
        return _Place((), (), None, day, f"the replay stops on {timeline.as_of.isoformat()}, with deadlines running")
    on_day = tuple(s for s in before if s.event.at == day)
    return _Place(on_day, tuple(s.event for s in on_day if s.derived), before[-1].state, day)


def _compare(timeline: Timeline, place: _Place, exp: Expectation) -> Outcome:
    if exp.kind == "finding":
        return _finding(timeline, place, exp)
    if exp.kind == "derived":
        return _derived(place, exp)
    if exp.kind == "history":
        readings = (exp.reading,) if exp.reading is not None else timeline.law.readings
        found = {r: _history(timeline, exp.field, r) for r in readings}
        return _per_reading(exp, found)
    if place.state is None:  # a scope with no state has a problem, reported above
        return Outcome(exp, passed=False, found="no state here")
    if exp.field == "reasons":
        reasons = [_plain(attrs.asdict(r, recurse=False)) for r in place.state.impasse.reasons]
        wanted = [_matches(item, reasons) for item in exp.expected]
        return Outcome(exp, all(wanted), [{k: v for k, v in r.items() if v not in (None, [], ())} for r in reasons])
    readings = (exp.reading,) if exp.reading is not None else timeline.law.readings
    found = {r: _state_value(place.state, exp.field, r, place.day, exp.expected) for r in readings}
    return _per_reading(exp, found)


def _per_reading(exp: Expectation, found: dict[Reading, Any]) -> Outcome:
    """Passed if the value under every reading compared is the one expected."""
    values = list(found.values())
    passed = all(_same(exp.field, exp.expected, v) for v in values)
    shown = values[0] if all(v == values[0] for v in values) else {r or "(pack's own)": v for r, v in found.items()}
    return Outcome(exp, passed, shown)


def _same(field: str, expected: Any, found: Any) -> bool:
    if field in ("rejecting", "boycotting"):
        return sorted(expected) == sorted(found)
    return bool(expected == found and type(expected) is type(found))


def _finding(timeline: Timeline, place: _Place, exp: Expectation) -> Outcome:
    select = dict(exp.select)
    findings = [f for s in place.steps for f in s.findings]
    picked = [f for f in findings if _picked(f, select)]
    if exp.field == "absent":
        return Outcome(exp, not picked, [_name(f) for f in picked] or None,
                       _sentences(picked, timeline) or None)
    if not picked:
        here = ", ".join(_name(f) for f in findings) or "none"
        return Outcome(exp, passed=False, found=f"no such finding (here: {here})")
    message = _sentences(picked, timeline)
    if exp.field == "found":
        return Outcome(exp, True, [_name(f) for f in picked], message)
    if exp.field.startswith("details."):
        name = exp.field.removeprefix("details.")
        values = {f.interpretation: _plain(f.detail(name)) for f in picked}
    else:
        values = {f.interpretation: _plain(getattr(f, exp.field)) for f in picked}
    outcome = _per_reading(exp, values)
    return attrs.evolve(outcome, message=message)


def _picked(f: Finding, select: dict[str, Any]) -> bool:
    return (select.get("rule", f.rule) == f.rule and select.get("code", f.code) == f.code
            and select.get("reading", f.interpretation) == f.interpretation
            and select.get("verdict", f.verdict.value) == f.verdict.value)


def _name(f: Finding) -> str:
    return f"{f.rule or '-'} {f.code}" + (f" under {f.interpretation}" if f.interpretation else "")


def _sentences(findings: list[Finding], timeline: Timeline) -> str:
    return "; ".join(dict.fromkeys(finding_text(f, timeline.law) for f in findings))


def _derived(place: _Place, exp: Expectation) -> Outcome:
    events = [{k: _plain(v) for k, v in unstructure_event(e).items()} | {"at": e.at.isoformat()} for e in place.derived]
    if exp.field == "count":
        return Outcome(exp, len(events) == exp.expected, len(events))
    assert exp.index is not None
    if exp.index >= len(events):
        return Outcome(exp, passed=False, found=f"only {len(events)} derived event(s) here")
    event = events[exp.index]
    found = {k: event.get(k) for k in exp.expected}
    return Outcome(exp, found == exp.expected, found)


def _state_value(state: State, field: str, reading: Reading, day: date | None, expected: Any) -> Any:
    """The value of a state field as the ``expect:`` section writes it."""
    if field == "phase":
        return state.phase.value
    if field == "impasse":
        return state.impasse.level.value
    if field in ("formation", "formation_days"):
        formation = get(state.formation, reading)
        if formation is None:
            return None
        if field == "formation":
            return formation.level.value
        counted = next((r for r in formation.reasons if r.since is not None), None)
        return None if counted is None else formation_days(counted, day)
    if field in ("government_status", "government_lawful", "opened_lawfully", "confidence_lawful"):
        return get(getattr(state, field), reading)
    if field == "seats":  # the parties named: ``seats_total`` pins the rest
        held = dict(state.seats)
        return {party: held.get(party, 0) for party in expected} if isinstance(expected, dict) else held
    if field == "seats_total":
        return state.seats_total
    if field == "rejecting":
        return sorted(state.rejecting)
    if field == "boycotting":
        return sorted(state.boycotting("parliament"))
    if field == "deadlines":
        if isinstance(expected, dict):
            return {d.rule: d.due.isoformat() for d in state.deadlines}
        return [d.rule for d in state.deadlines]
    if field == "runoffs":
        return [list(finalists) for _, finalists in state.runoffs]
    if field == "annulled":
        return [poll.isoformat() for poll, _ in state.annulled]
    return _plain(getattr(state, field))


def _history(timeline: Timeline, field: str, reading: Reading) -> list[Any]:
    """The successive values of a field over the replay, each change once."""
    out: list[Any] = []
    for step in timeline.steps:
        value = _state_value(step.state, field, reading, step.event.at, None)
        if not out or out[-1] != value:
            out.append(value)
    return out


def _matches(wanted: dict[str, Any], reasons: list[dict[str, Any]]) -> bool:
    def same(key: str, value: Any, reason: dict[str, Any]) -> bool:
        return sorted(value) == sorted(reason[key]) if key == "parties" else value == reason[key]

    return any(all(same(k, v, r) for k, v in wanted.items()) for r in reasons)


def _plain(value: Any) -> Any:
    """Plain data as an expectation is written: dates as text, tuples as lists, enums as their words."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.value if isinstance(value, enum.Enum) else value


# --- what `impasse test` prints -------------------------------------------------------------


def describe(exp: Expectation) -> str:
    """What an expectation says, in a few words: where it looks, what it compares, the value."""
    where = exp.scope.key if exp.scope.kind != END else "at the end"
    under = f" under {exp.reading}" if exp.reading else ""
    select = dict(exp.select)
    if exp.kind == "finding":
        name = " ".join(str(select[k]) for k in ("rule", "code", "verdict") if k in select)
        under = f" under {select['reading']}" if "reading" in select else ""
        if exp.field == "absent":
            return f"{where}: no finding {name}{under}"
        if exp.field == "found":
            return f"{where}: a finding {name}{under}"
        return f"{where}: {name}{under} {exp.field} {_shown(exp.expected)}"
    if exp.kind == "derived":
        if exp.field == "count":
            return f"{where}: {exp.expected} derived event(s)"
        return f"{where}: derived event {exp.index + 1 if exp.index is not None else ''}: {_shown(exp.expected)}"
    if exp.kind == "history":
        return f"history of {exp.field}{under}: {_shown(exp.expected)}"
    return f"{where}: {exp.field}{under} {_shown(exp.expected)}"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def outcomes_text(outcomes: Iterable[Outcome], *, failures_only: bool = False) -> list[str]:
    """One line an expectation: PASS or FAIL, file:line, what was expected and, when it fails, what was found."""
    lines = []
    for o in outcomes:
        if failures_only and o.passed:
            continue
        exp = o.expectation
        place = f"{exp.path}:{exp.line}" if exp.line else exp.path
        line = f"{'PASS' if o.passed else 'FAIL'} {place}: {describe(exp)}"
        if not o.passed:
            line += f"; found {_shown(o.found)}"
            if o.message:
                line += f" ({o.message})"
        lines.append(line)
    return lines


_OUTCOME = Table("outcome", "how one expectation fared", (
    Key("passed", "boolean", "whether the replay reached what was expected"),
    Key("file", "string", "the scenario file it is written in"),
    Key("line", "integer", "the line it is written on", null=True),
    Key("field", "string", "the dotted path of its key in the file"),
    Key("scope", "string", "where it looks: an event id, a date, or end"),
    Key("kind", "string", "finding, derived, state or history"),
    Key("compares", "string", "what is compared"),
    Key("reading", "string", "the reading it is expected under (null: every reading judged)", null=True),
    Key("expected", "any", "the value expected, as written"),
    Key("found", "any", "what the replay reached instead (or as well), as plain data"),
    Key("message", "string", "the engine's sentences for the findings compared", null=True),
    Key("says", "string", "what the expectation says, in a few words"),
))
#: ``impasse test --format json`` (docs/scenarios.md): what :func:`summary_data` builds.
TEST = Table("test", "Scenario files replayed and checked against their expect: sections (docs/scenarios.md)", (
    Key("files", "integer", "the files given"),
    Key("expectations", "integer", "the expectations checked"),
    Key("passed", "integer", "how many held"),
    Key("failed", "integer", "how many did not"),
    Key("without_expectations", "list", "the files with no expect: section (each counts as a failure)",
        items="string"),
    Key("outcomes", "list", "every expectation, file by file, in the order written", of=_OUTCOME),
))


def outcomes_data(outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """The outcomes as plain data, for ``--format json``."""
    return [build(_OUTCOME, {
        "passed": o.passed, "file": o.expectation.path, "line": o.expectation.line, "field": o.expectation.where,
        "scope": o.expectation.scope.key, "kind": o.expectation.kind, "compares": o.expectation.field,
        "reading": o.expectation.reading, "expected": o.expectation.expected, "found": o.found,
        "message": o.message, "says": describe(o.expectation)}) for o in outcomes]


def summary_data(files: int, outcomes: Iterable[Outcome], without: Iterable[str]) -> dict[str, Any]:
    """What ``impasse test --format json`` prints: the counts, the files without expectations, the
    outcomes; built through :data:`TEST`."""
    found = tuple(outcomes)
    failed = sum(not o.passed for o in found)
    return build(TEST, {"files": files, "expectations": len(found), "passed": len(found) - failed, "failed": failed,
                        "without_expectations": list(without), "outcomes": outcomes_data(found)})
