"""What-if variants: transforms of a scenario's event stream and rules, and the difference they make.

A :class:`Variant` never copies the scenario: it names events by id and says what to drop, which
field to set, how far to shift an event in time, what to add, and which rule's threshold to replace
for the run.
:func:`compare` replays the baseline and the variant and reports what differs.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from typing import Any

import attrs
import cattrs

from engine.crisis import law_for, replay_scenario
from engine.errors import ScenarioError, ThresholdSyntaxError
from engine.files.located_yaml import load_located
from engine.files.scenarios import Scenario, parse_event
from engine.rules.constitution import Constitution
from engine.rules.thresholds import parse_threshold
from engine.timeline.events import Event, converter, unique_id, unstructure_event
from engine.timeline.findings import Finding
from engine.timeline.replay import Timeline, replay

__all__ = ["Comparison", "Variant", "apply_variant", "compare", "parse_variant"]

#: ``--set ID.members_present=N`` on a sitting sets the total and drops the per-party breakdown.
_ALIASES = {("parliament_convened", "members_present"): ("present", ("present_by_party",))}


@attrs.frozen
class Variant:
    """What to change: ``drops`` (event ids), ``sets`` ((id, field, value)), ``shifts`` ((id, days)),
    ``rules`` ((rule id, threshold text or None, interpretation or None)), ``adds`` (events: an
    :class:`Event`, or a YAML mapping in the scenario format, which may say ``before: ID``)."""

    drops: tuple[str, ...] = ()
    sets: tuple[tuple[str, str, Any], ...] = ()
    shifts: tuple[tuple[str, int], ...] = ()
    rules: tuple[tuple[str, str | None, str | None], ...] = ()
    adds: tuple[str | Event, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.drops or self.sets or self.shifts or self.rules or self.adds)


def _fail(option: str, reason: str) -> ScenarioError:
    return ScenarioError(reason, field=option)


def parse_variant(drops: tuple[str, ...] = (), sets: tuple[str, ...] = (), shifts: tuple[str, ...] = (),
                  rules: tuple[str, ...] = (), adds: tuple[str, ...] = ()) -> Variant:
    """Read command-line forms: ``ID``, ``ID.field=VALUE``, ``ID=+7d``, ``[READING:]RULE=THRESHOLD``, and
    events to add as YAML mappings (read against the scenario by :func:`apply_variant`).

    Values of ``--set`` are read as YAML scalars (``120``, ``true``, ``2013-09-30``, ``{CPP: 68}``).
    """
    parsed_sets = []
    for text in sets:
        m = re.fullmatch(r"([^=]+)\.(\w+)=(.*)", text)
        if m is None:
            msg = "--set"
            raise _fail(msg, f"expected ID.FIELD=VALUE (got {text!r})")
        try:  # read as the scenario files are: dates and times stay text, yes/no are not booleans
            value = load_located(m.group(3), "--set", ScenarioError).data if m.group(3).strip() else None
        except ScenarioError:
            value = m.group(3)  # not YAML: the event's own check then says what the field must be
        parsed_sets.append((m.group(1), m.group(2), value))
    parsed_shifts = []
    for text in shifts:
        m = re.fullmatch(r"([^=]+)=([+-][0-9]+)d?", text)
        if m is None:
            msg = "--shift"
            raise _fail(msg, f"expected ID=+Nd or ID=-Nd (got {text!r})")
        parsed_shifts.append((m.group(1), int(m.group(2))))
    parsed_rules: list[tuple[str, str | None, str | None]] = []
    for text in rules:
        m = re.fullmatch(r"(?:([\w-]+):)?([\w-]+)=(.*)", text, flags=re.S)
        if m is None:
            msg = "--rule"
            raise _fail(msg, f"expected RULE=THRESHOLD or READING:RULE=THRESHOLD (got {text!r})")
        threshold = m.group(3).strip()
        if threshold.lower() in ("none", "null", ""):
            parsed_rules.append((m.group(2), None, m.group(1)))
            continue
        try:
            parse_threshold(threshold)
        except ThresholdSyntaxError as exc:
            msg = "--rule"
            raise _fail(msg, str(exc)) from None
        parsed_rules.append((m.group(2), threshold, m.group(1)))
    return Variant(tuple(drops), tuple(parsed_sets), tuple(parsed_shifts), tuple(parsed_rules), tuple(adds))


def apply_variant(scenario: Scenario, variant: Variant) -> Scenario:
    """The scenario with the variant applied; events stay in date order (stable for equal dates).

    Raises:
        ScenarioError: an unknown event id or field, or a value the event refuses.
    """
    return _applied(scenario, variant)[0]


def _applied(scenario: Scenario, variant: Variant) -> tuple[Scenario, dict[str, str]]:
    """The scenario with the variant applied, and the option that made each event it changed or added
    (by event id: ``--set``, ``--shift``, ``--add #N``)."""
    made: dict[str, str] = {}
    events = list(scenario.events)
    lines = list(scenario.lines)
    index = {e.id: i for i, e in enumerate(events) if e.id is not None}  # looked up by id only

    def where(event_id: str, option: str) -> int:
        if event_id not in index:
            scenario.event(event_id)  # raises with a suggestion
            raise _fail(option, f"no event {event_id!r}")
        return index[event_id]

    for event_id, field, value in variant.sets:
        i = where(event_id, "--set")
        events[i] = _set(events[i], field, value)
        made[event_id] = "--set"
    for event_id, days in variant.shifts:
        i = where(event_id, "--shift")
        try:
            events[i] = attrs.evolve(events[i], at=events[i].at + timedelta(days=days))
        except OverflowError:
            msg = "--shift"
            raise _fail(msg, f"{event_id}={days:+d}d moves it off the calendar (years 1 to 9999)") from None
        made[event_id] = "--shift"
    dropped = {where(event_id, "--drop") for event_id in variant.drops}
    # the order of events on a day: recorded ones in file order, an added one just before the event it
    # names in 'before', or else after the recorded ones of its day, in the order given
    rank: list[tuple[int, int]] = [(i, 1) for i in range(len(events))]
    recorded = len(events)
    for n, spec in enumerate(variant.adds, 1):
        event, event_id, before = _added(scenario, spec, n, events[:recorded], index)
        if before is not None:
            if before in dropped:
                msg = f"--add #{n}"
                raise _fail(msg, f"before: event {events[before].id!r} is dropped in this variant")
            rank.append((before, 0))
        else:
            rank.append((recorded + n, 1))
        index[event_id] = len(events)
        made[event_id] = f"--add #{n}"
        events.append(event)
        lines.append(None)
    kept = sorted((i for i in range(len(events)) if i not in dropped), key=lambda i: (events[i].at, rank[i], i))
    constitution = _replace_rules(scenario.constitution, variant.rules)
    changed = attrs.evolve(scenario, events=tuple(events[i] for i in kept),
                           lines=tuple(lines[i] for i in kept), constitution=constitution)
    return changed, made


_ADDED_SOURCE = "what-if: an event added for this run"


def _added(scenario: Scenario, spec: str | Event, n: int, recorded: list[Event],
           index: dict[str, int]) -> tuple[Event, str, int | None]:
    """The ``n``-th event to add, its unique id, and the index of the recorded event it goes before (if any)."""
    label = f"--add #{n}"
    before: int | None = None
    if isinstance(spec, Event):
        event = spec
    else:
        doc = load_located(spec, label, ScenarioError)
        if not isinstance(doc.data, dict):
            raise _fail(label, "expected an event as a YAML mapping, as in a scenario file: "
                               "{type: boycott_ended, at: 2013-09-20, party: CNRP}")
        target = doc.data.pop("before", None)
        if target is not None:
            if str(target) not in index or index[str(target)] >= len(recorded):
                hint = difflib.get_close_matches(str(target), [e.id or "" for e in recorded], n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                raise doc.fail(("before",), f"no recorded event {target!r}{suggestion}")
            before = index[str(target)]
            day = recorded[before].at
            given = doc.data.setdefault("at", day)
            if given != day and str(given) != day.isoformat():
                raise doc.fail(("at",), f"{given} is not the day of {target!r} ({day}), which this event goes before")
        doc.data.setdefault("source", _ADDED_SOURCE)
        event = parse_event(doc, [p.id for p in scenario.parties])
    event_id = event.id
    if event_id is None:
        event_id = unique_id(event, index)
        event = attrs.evolve(event, id=event_id)
    elif event_id in index:
        raise _fail(label, f"id {event_id!r} is already used by another event")
    return event, event_id, before


def _set(event: Event, field: str, value: Any) -> Event:
    data = unstructure_event(event)
    alias = _ALIASES.get((event.TYPE, field))
    if alias is not None:
        field, cleared = alias
        for name in cleared:
            data.pop(name, None)
    names = {a.name for a in attrs.fields(type(event))}
    if field not in names or field in ("id",):
        msg = "--set"
        raise _fail(msg, f"a {event.TYPE} event has no field {field!r} (fields: {', '.join(sorted(names - {'id'}))})")
    data[field] = value
    data.pop("type")
    try:
        return converter.structure(data, type(event))
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        causes = getattr(exc, "exceptions", [exc])
        msg = "--set"
        raise _fail(msg, f"{event.id}.{field}={value!r} is refused: {causes[0]}") from None


def _replace_rules(constitution: Constitution, changes: tuple[tuple[str, str | None, str | None], ...]) -> Constitution:
    for rule_id, text, reading in changes:
        threshold = None if text is None else parse_threshold(text)
        if not any(r.id == rule_id for r in constitution.rules):
            known = ", ".join(sorted({r.id for r in constitution.rules}))
            msg = "--rule"
            raise _fail(msg, f"pack {constitution.id!r} has no rule {rule_id!r} (rules: {known})")
        if reading is None:
            rules = tuple(attrs.evolve(r, threshold=threshold, note="replaced for this what-if run")
                          if r.id == rule_id else r for r in constitution.rules)
            interps = tuple(attrs.evolve(i, overrides=tuple(o for o in i.overrides if o.id != rule_id))
                            for i in constitution.interpretations)
        else:
            interp = constitution.interpretation(reading)
            base = next(r for r in constitution.rules if r.id == rule_id)
            override = attrs.evolve(base, threshold=threshold, since=None, until=None, interpretation=reading,
                                    note="replaced for this what-if run")
            new = attrs.evolve(interp, overrides=(*[o for o in interp.overrides if o.id != rule_id], override))
            interps = tuple(new if i.id == reading else i for i in constitution.interpretations)
            rules = constitution.rules
        constitution = attrs.evolve(constitution, rules=rules, interpretations=interps)
    return constitution


@attrs.frozen
class Comparison:
    """What a variant changes: baseline and variant timelines and their differences.

    Each of ``findings`` holds the variant's ``finding`` (and the baseline's, ``baseline_finding``,
    when both timelines judged the act): :mod:`engine.report.comparison` words them.
    """

    baseline: Timeline
    variant: Timeline
    phases: tuple[dict[str, Any], ...]
    impasse: tuple[dict[str, Any], ...]
    findings: tuple[dict[str, Any], ...]
    deadlines: tuple[dict[str, Any], ...]
    skipped: tuple[dict[str, Any], ...] = ()

    @property
    def same(self) -> bool:
        return not (self.phases or self.impasse or self.findings or self.deadlines or self.skipped)


def _phases(t: Timeline) -> dict[str, date]:
    first: dict[str, date] = {}
    for step in t.steps:
        first.setdefault(step.state.phase.value, step.event.at)
    return first


def _levels(t: Timeline) -> list[tuple[date, str]]:
    out: list[tuple[date, str]] = []
    for step in t.steps:
        level = step.state.impasse.level.value
        if not out or out[-1][1] != level:
            out.append((step.event.at, level))
    return out


def _verdicts(t: Timeline) -> dict[tuple, dict[str, Any]]:
    out = {}
    for step in t.steps:
        for f in step.findings:
            if f.rule is None and f.verdict.value == "info":
                continue
            key = (step.event.id, f.rule, f.interpretation)
            out[key] = {"event": step.event.id, "at": step.event.at, "rule": f.rule, "interpretation": f.interpretation,
                        "verdict": f.verdict.value, "finding": f}
    return out


def _said(f: Finding) -> tuple:
    """What a finding's sentence states: two findings that agree on it read the same."""
    return (f.code, f.article, f.required, f.count, f.unit, f.threshold, f.reason, f.subject, f.details)


def _deadline_outcomes(t: Timeline) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for step in t.steps:
        for f in step.findings:
            if f.code == "deadline.met":
                out[f.rule] = f"met on {step.event.at.isoformat()}"
            elif f.code == "deadline.missed":
                out[f.rule] = f"missed (expired {step.event.at.isoformat()})"
            elif f.code == "deadline.lapsed":
                out[f.rule] = f"lapsed (ran out {step.event.at.isoformat()})"
    return out


def _refuse_impossible_edits(made: dict[str, str], other: Timeline) -> None:
    """An event the variant sets, shifts or adds that can't happen is a bad variant, refused as a bad
    scenario is; recorded events that its history makes impossible are skipped and listed."""
    for event, reason in other.skipped:
        option = made.get(event.id or "")
        if option is not None:
            raise _fail(option, f"in this variant {event.id} ({event.at.isoformat()}) can't happen: {reason}")


def compare(scenario: Scenario, variant: Variant, interpretations: tuple[str, ...] | None = None) -> Comparison:
    """Replay the baseline and the variant and list what differs."""
    base = replay_scenario(scenario, interpretations=interpretations)
    changed, made = _applied(scenario, variant)
    # in the variant's history some recorded events may no longer be possible: they are skipped, and listed
    other = replay(changed.events, law_for(changed, interpretations), lenient=True)
    _refuse_impossible_edits(made, other)
    pa, pb = _phases(base), _phases(other)
    phases = tuple({"phase": p, "baseline": pa.get(p), "variant": pb.get(p)}
                   for p in dict.fromkeys([*pa, *pb]) if pa.get(p) != pb.get(p))
    la, lb = _levels(base), _levels(other)
    impasse = () if la == lb else tuple(
        [{"timeline": "baseline", "at": d, "level": lvl} for d, lvl in la if (d, lvl) not in lb]
        + [{"timeline": "variant", "at": d, "level": lvl} for d, lvl in lb if (d, lvl) not in la])
    va, vb = _verdicts(base), _verdicts(other)
    findings = []
    for key in dict.fromkeys([*va, *vb]):
        a, b = va.get(key), vb.get(key)
        if a is None:
            findings.append({"change": "appears", **b})  # type: ignore[dict-item]
        elif b is None:
            findings.append({"change": "disappears", **a})
        elif a["verdict"] != b["verdict"] or _said(a["finding"]) != _said(b["finding"]):
            change = "verdict changes" if a["verdict"] != b["verdict"] else "numbers change"
            findings.append({"change": change, **b, "baseline_verdict": a["verdict"],
                             "baseline_finding": a["finding"]})
    findings.sort(key=lambda f: f["at"])
    da, db = _deadline_outcomes(base), _deadline_outcomes(other)
    deadlines = tuple({"rule": r, "baseline": da.get(r), "variant": db.get(r)}
                      for r in dict.fromkeys([*da, *db]) if da.get(r) != db.get(r))
    skipped = tuple({"event": e.id, "at": e.at, "type": e.TYPE, "reason": reason} for e, reason in other.skipped)
    return Comparison(base, other, phases, impasse, tuple(findings), deadlines, skipped)
