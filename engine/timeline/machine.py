"""The pure state machine: ``transition(state, event, rules) -> Step``.

One small handler per event type (``functools.singledispatch``). Two kinds of "no":

* an **engine error** (:class:`EngineError`) for an event that cannot describe reality in the
  current state (a vote with no sitting, more seats than the body has); nothing is applied;
* a **finding** (:class:`Finding`) for an act that broke a rule (a sitting below quorum, a missed
  deadline, a government installed by too few votes); data, judged per interpretation.

No I/O, no clock, no randomness.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import attrs

from engine.errors import CountsError, EngineError
from engine.rules.constitution import Constitution, Rule, RuleKind, RulesInForce
from engine.rules.thresholds import Counts, Outcome, Subject, evaluate, render
from engine.timeline.events import (
    AgreementReached,
    AssemblyDissolved,
    BoycottDeclared,
    BoycottEnded,
    ComplaintFiled,
    ComplaintRuled,
    DeadlineExpired,
    ElectionHeld,
    Event,
    GovernmentFormed,
    LegislatureInOffice,
    ParliamentConvened,
    PartyDissolved,
    Protest,
    Rally,
    ResultsAccepted,
    ResultsAnnounced,
    ResultsRejected,
    SeatsTaken,
    TalksHeld,
    VoteHeld,
    unique_id,
)
from engine.timeline.state import Deadline, Gathering, Impasse, Level, Phase, Reading, State, get, put

__all__ = ["Day", "Finding", "Law", "Step", "Verdict", "initial_state", "transition"]

#: Motions whose adoption installs a government (a vote of confidence or its equivalents).
CONFIDENCE_MOTIONS = frozenset({"vote_of_confidence", "investiture", "package_vote"})


class Verdict(enum.Enum):
    """How an act stands against a rule."""

    OK = "ok"
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Finding:
    """A judgement of one act against one rule under one reading (None: the pack's own)."""

    verdict: Verdict
    message: str
    rule: str | None = None
    article: str | None = None
    interpretation: Reading = None
    required: int | None = None
    count: int | None = None
    #: why a violation stands although the numbers are met (e.g. the assembly was not lawfully opened)
    reason: str | None = None


@attrs.frozen
class Step:
    """The state after one event, and what was found about the event."""

    event: Event
    state: State
    findings: tuple[Finding, ...] = ()

    @property
    def derived(self) -> bool:
        """True for events the engine made (a missed deadline)."""
        return isinstance(self.event, DeadlineExpired)


@attrs.frozen
class Law:
    """What the machine consults: a constitution pack, the body, and the readings to judge.

    ``readings`` lists interpretation ids (None for the pack's own reading). The impasse level is
    derived under the pack's own reading. Rule sets are memoised per date and reading.
    """

    constitution: Constitution
    body: str = "national-assembly"
    readings: tuple[Reading, ...] = (None,)
    _cache: dict = attrs.field(factory=dict, eq=False, repr=False, hash=False)

    def on(self, day: date, reading: Reading = None) -> RulesInForce:
        key = (day, reading)
        found = self._cache.get(key)
        if found is None:
            fresh = self.constitution.rules_on(day, reading)
            # one RulesInForce per regime, so memos keyed on it are shared by every day it covers
            regime = ("regime", reading, tuple(map(id, fresh.rules)))
            found = self._cache[key] = self._cache.setdefault(regime, fresh)
        return found

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computed once per Law (everything memoised is a pure function of it)."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
            return value

    def size_on(self, day: date) -> int | None:
        return self.day(day).size

    def day(self, day: date) -> Day:
        """What ``transition`` consults for every event of a day, looked up once per day."""
        found = self._cache.get(day)  # keyed by the date itself; every other key is a tuple
        if found is None:
            ruleset = self.on(day)
            deadlines = ruleset.memo(("deadlines", self.body),
                                     lambda: {r.id: r for r in ruleset.of_kind(RuleKind.DEADLINE, self.body)})
            anchors: dict[str, list[Rule]] = {}
            for rule in deadlines.values():
                if rule.anchor is not None and rule.days is not None:
                    anchors.setdefault(rule.anchor, []).append(rule)
            found = self._cache[day] = Day(self.constitution.body(self.body).size_on(day), ruleset,
                                           {k: tuple(v) for k, v in anchors.items()}, self.body,
                                           tuple((reading, self.on(day, reading)) for reading in self.readings))
        return found

    def name(self, reading: Reading) -> str:
        if reading is None:
            return "the pack's reading"
        return self.constitution.interpretation(reading).name


@attrs.frozen
class Day:
    """The facts of one day that ``transition`` consults for every event: the body's size, the
    rule set in force (the pack's own reading) and the deadline rules each event type anchors."""

    size: int | None
    ruleset: RulesInForce
    anchored: dict[str, tuple[Rule, ...]] = attrs.field(eq=False, hash=False)
    body: str = "national-assembly"
    #: the rule set in force under each reading judged
    rulesets: tuple[tuple[Reading, RulesInForce], ...] = ()
    _convocations: dict = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    _quorums: dict = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    _decisions: dict = attrs.field(factory=dict, eq=False, repr=False, hash=False)

    def convocations(self, sitting: str) -> tuple[Rule, ...]:
        """The convocation rules for a sitting, under the pack's own reading."""
        found = self._convocations.get(sitting)
        if found is None:
            found = self._convocations[sitting] = self.ruleset.of_kind(RuleKind.CONVOCATION, self.body, sitting)
        return found

    def quorums(self, sitting: str) -> tuple[tuple[Reading, tuple[Rule, ...]], ...]:
        """The quorum rules for a sitting, under each reading."""
        found = self._quorums.get(sitting)
        if found is None:
            found = self._quorums[sitting] = self._per_reading(RuleKind.QUORUM, sitting)
        return found

    def decisions(self, motion: str) -> tuple[tuple[Reading, tuple[Rule, ...]], ...]:
        """The decision rules for a motion, under each reading."""
        found = self._decisions.get(motion)
        if found is None:
            found = self._decisions[motion] = self._per_reading(RuleKind.DECISION, motion)
        return found

    def _per_reading(self, kind: RuleKind, applies_to: str) -> tuple[tuple[Reading, tuple[Rule, ...]], ...]:
        return tuple((reading, ruleset.of_kind(kind, self.body, applies_to)) for reading, ruleset in self.rulesets)


def initial_state(rules: Law) -> State:
    """The state before any event."""
    return State(body=rules.body)


# --------------------------------------------------------------------------- entry point


def transition(state: State, event: Event, rules: Law) -> Step:
    """Apply one event to the state.

    Args:
        state: the state before the event.
        event: the event (recorded, or derived by replay).
        rules: the constitution, body and readings.

    Returns:
        A :class:`Step` with the new state and the findings about the event.

    Raises:
        EngineError: the event cannot happen in this state; nothing is applied.
    """
    at = event.at
    before = state
    if state.on is not None and at < state.on:
        msg = f"event dated {at} comes after one dated {state.on}: events must be in date order"
        raise EngineError(msg, event, "at")
    day = rules._cache.get(at)  # Law.day, without the call
    if day is None:
        day = rules.day(at)
    size = day.size if day.size is not None else state.body_size
    if state.on != at or state.body_size != size:
        state = state.replace(on=at, body_size=size)
    cls = type(event)
    handler = _HANDLERS.get(cls)
    if handler is None:
        handler = _HANDLERS[cls] = _apply.dispatch(cls)
    new, findings = handler(event, state, rules)
    more: list[Finding] = []
    if cls is not DeadlineExpired and (new.deadlines or new.overdue or event.TYPE in day.anchored):
        new, more = _deadlines(new, event, rules)
    # the state this one follows is the last one made with these rules: its impasse is derived
    # from its fields, which _with_impasse needn't look up again if the event left them alone
    last_state, last_ruleset = rules._cache.get(_LAST, _NOTHING)
    derived = before if before is last_state and day.ruleset is last_ruleset else None
    new = _with_impasse(new, rules, derived, day.ruleset)
    rules._cache[_LAST] = (new, day.ruleset)
    step = _new(Step)
    _set_event(step, event)
    _set_state(step, new)
    _set_findings(step, tuple(findings + more) if more else tuple(findings))
    return step


_LAST = ("last step",)  # Law' memo key for the state the last transition made, and its rule set


_NOTHING = (None, None)


# Steps are made for every event: set their three slots directly (what attrs' __init__ does,
# without its per-call overhead)
_new = object.__new__
_set_event = Step.event.__set__  # type: ignore[attr-defined]
_set_state = Step.state.__set__  # type: ignore[attr-defined]
_set_findings = Step.findings.__set__  # type: ignore[attr-defined]

_HANDLERS: dict[type, Any] = {}
_POLLS_CLOSED = Phase.POLLS_CLOSED.rank
_OFFICIAL_RESULTS = Phase.OFFICIAL_RESULTS.rank  # singledispatch resolved once per event class


Result = tuple[State, list[Finding]]


@functools.singledispatch
def _apply(event: Event, state: State, rules: Law) -> Result:
    msg = f"no handler for event type {type(event).__name__}"
    raise EngineError(msg, event)


# --------------------------------------------------------------------------- the cycle


@_apply.register
def _(event: ElectionHeld, state: State, rules: Law) -> Result:
    if state.phase in (Phase.POLLS_CLOSED, Phase.PROVISIONAL_RESULTS, Phase.OFFICIAL_RESULTS):
        msg = f"can't hold an election while one is under way (phase: {state.phase.value})"
        raise EngineError(msg, event, "type")
    fresh = State(body=state.body, on=event.at, body_size=state.body_size, phase=Phase.POLLS_CLOSED, poll=event.at,
                  boycotts=frozenset(b for b in state.boycotts if b[1] == "election"), rejecting=frozenset(),
                  gatherings=state.gatherings, missed=state.missed, had_impasse=state.had_impasse,
                  deadlines=state.deadlines)
    return fresh, []


@_apply.register
def _(event: LegislatureInOffice, state: State, rules: Law) -> Result:
    if state.phase is not Phase.BEFORE_POLL or state.sittings:
        msg = "legislature_in_office can only start a scenario (before any poll or sitting)"
        raise EngineError(msg, event, "type")
    total = sum(n for _, n in event.seats)
    if state.body_size is not None and total > state.body_size:
        msg = f"{total} seats in office, but the body has {state.body_size} seats"
        raise EngineError(msg, event, "seats")
    phase = Phase.GOVERNMENT_FORMED if event.government else Phase.ASSEMBLY_CONVENED
    return state.replace(seats=event.seats, seated=event.seats, sittings=1, phase=phase,
                        government=event.government), []


@_apply.register
def _(event: ResultsAnnounced, state: State, rules: Law) -> Result:
    if state.poll is None:
        msg = "can't announce results before an election is held"
        raise EngineError(msg, event, "type")
    if event.stage == "preliminary" and state.phase.rank >= Phase.OFFICIAL_RESULTS.rank:
        msg = f"preliminary results can't follow official results (phase: {state.phase.value})"
        raise EngineError(msg, event, "stage")
    findings: list[Finding] = []
    seats = state.seats
    if event.seats:
        total = sum(n for _, n in event.seats)
        if state.body_size is not None and total > state.body_size:
            msg = f"{total} seats announced, but the body has {state.body_size} seats"
            raise EngineError(msg, event, "seats")
        if state.body_size is not None and total < state.body_size:
            findings.append(Finding(Verdict.WARNING, f"{total} of {state.body_size} seats allocated in these results",
                                    count=total, required=state.body_size))
        seats = event.seats
    phase = state.phase
    target = Phase.PROVISIONAL_RESULTS if event.stage == "preliminary" else Phase.OFFICIAL_RESULTS
    if phase.rank < target.rank:
        phase = target
    exhausted = state.avenues_exhausted or event.stage == "final"
    if event.stage == "final":
        findings.append(Finding(Verdict.INFO, f"final results by {event.by}: no further challenge is open"))
    return state.replace(seats=seats, seats_stage=event.stage, phase=phase, avenues_exhausted=exhausted), findings


@_apply.register
def _(event: ComplaintFiled, state: State, rules: Law) -> Result:
    return state.replace(complaints_pending=state.complaints_pending + (event.count or 1)), []


@_apply.register
def _(event: ComplaintRuled, state: State, rules: Law) -> Result:
    pending = max(0, state.complaints_pending - (event.count or state.complaints_pending))
    if event.final:
        pending = 0
    findings = []
    if event.final:
        findings.append(Finding(Verdict.INFO, f"{event.by} ruled finally ({event.outcome}): legal avenues exhausted"))
    return state.replace(complaints_pending=pending,
                        avenues_exhausted=state.avenues_exhausted or event.final), findings


@_apply.register
def _(event: ResultsRejected, state: State, rules: Law) -> Result:
    return state.replace(rejecting=state.rejecting | {event.party}), []


@_apply.register
def _(event: ResultsAccepted, state: State, rules: Law) -> Result:
    if event.party not in state.rejecting:
        msg = f"{event.party} can't accept results it has not rejected"
        raise EngineError(msg, event, "party")
    return state.replace(rejecting=state.rejecting - {event.party}), []


def _gathering(event: Rally | Protest, state: State) -> Result:
    ident = unique_id(event, ())
    gathering = Gathering(ident, event.TYPE, event.status, event.organiser, event.first_day, event.last_day, event.size)
    items = list(state.gatherings)
    if event.plan is not None:
        index = next((i for i, g in enumerate(items) if g.id == event.plan), None)
        if index is None:
            known = ", ".join(g.id for g in items if g.status == "planned") or "none"
            msg = f"no planned rally or protest {event.plan!r} to report on (planned: {known})"
            raise EngineError(msg, event, "plan")
        items[index] = attrs.evolve(items[index], status=event.status, size=event.size or items[index].size,
                                    last_day=event.last_day if event.status == "held" else items[index].last_day)
    else:
        items.append(gathering)
    return state.replace(gatherings=tuple(items)), []


_apply.register(Rally, lambda e, s, r: _gathering(e, s))
_apply.register(Protest, lambda e, s, r: _gathering(e, s))


@_apply.register
def _(event: BoycottDeclared, state: State, rules: Law) -> Result:
    findings = []
    if (event.party, event.of) in state.boycotts:
        findings.append(Finding(Verdict.INFO, f"{event.party} reaffirms its boycott of {event.of}"))
    return state.replace(boycotts=state.boycotts | {(event.party, event.of)}), findings


@_apply.register
def _(event: BoycottEnded, state: State, rules: Law) -> Result:
    if (event.party, event.of) not in state.boycotts:
        msg = f"{event.party} has no boycott of {event.of} to end"
        raise EngineError(msg, event, "party")
    return state.replace(boycotts=state.boycotts - {(event.party, event.of)}), []


@_apply.register
def _(event: TalksHeld, state: State, rules: Law) -> Result:
    return state, []


@_apply.register
def _(event: AgreementReached, state: State, rules: Law) -> Result:
    parties = set(event.parties)
    boycotts = frozenset(b for b in state.boycotts if not (event.ends_boycott and b[0] in parties))
    rejecting = state.rejecting - parties if event.ends_dispute else state.rejecting
    return state.replace(boycotts=boycotts, rejecting=rejecting), []


# --------------------------------------------------------------------------- parliament


def _counts(state: State, present: int | None, yes: int | None = None, no: int = 0, abstain: int = 0) -> Counts:
    size = state.body_size if state.body_size is not None else max(state.seats_total, present or 0, 1)
    sitting = state.seats_total if state.seats else None
    if sitting is not None and present is not None and present > sitting:
        sitting = None
    return Counts(all_members=size, sitting=sitting, present=present, yes=yes, no=no, abstain=abstain)


def _under(rules: Law, reading: Reading, rule: Rule) -> str:
    return f"under {rules.name(reading)} of Art. {rule.article}"


@_apply.register
def _(event: ParliamentConvened, state: State, rules: Law) -> Result:
    present = event.members_present
    if present is not None and state.body_size is not None and present > state.body_size:
        msg = f"{present} members present, but the body has {state.body_size} seats"
        raise EngineError(msg, event, "present")
    for party, n in event.present_by_party:
        if state.seats and n > get(state.seats, party, 0):  # type: ignore[operator]
            msg = f"{n} members of {party} present, but it holds {get(state.seats, party, 0)} seats"
            raise EngineError(msg, event, "present_by_party")
    findings: list[Finding] = []
    opening = event.sitting == "opening"
    rank = state.phase.rank
    if not opening and _POLLS_CLOSED <= rank <= _OFFICIAL_RESULTS:
        msg = (f"an {event.sitting} sitting can't come between the election and the new assembly's opening "
               f"sitting (phase: {state.phase.value})")
        raise EngineError(msg, event, "sitting")
    if opening and rank < _OFFICIAL_RESULTS:
        findings.append(Finding(Verdict.WARNING, "the new assembly opens before official results were announced"))
    day = rules.day(event.at)
    for rule in day.convocations(event.sitting):
        findings.append(_convocation(rule, event))
    lawful = state.opened_lawfully
    total = state.seats_total
    for reading, quorum_rules in day.quorums(event.sitting):
        verdicts = [_quorum(rule, state, event, present, rules, reading, total) for rule in quorum_rules]
        findings.extend(verdicts)
        if opening:
            lawful = put(lawful, reading, all(f.verdict is not Verdict.VIOLATION for f in verdicts))
        elif lawful and get(lawful, reading) is False and present is not None:
            cure = _opening_met_later(state, event, present, rules, reading)
            if cure is not None:
                findings.append(cure)
                lawful = put(lawful, reading, True)
    new = state.replace(sittings=state.sittings + 1, last_present=present, opened_lawfully=lawful)
    if opening:
        seated = event.present_by_party or tuple(
            (p, n) for p, n in state.seats if p not in state.boycotting("parliament"))
        new = new.replace(seated=seated, sittings=1, government=None, government_lawful=(),
                           confidence_lawful=())
        if state.phase.rank < Phase.ASSEMBLY_CONVENED.rank or state.phase is Phase.DISSOLVED:
            new = new.replace(phase=Phase.ASSEMBLY_CONVENED)
    return new, findings


def _opening_met_later(state: State, event: ParliamentConvened, present: int, rules: Law,
                       reading: Reading) -> Finding | None:
    """A later sitting that meets the opening quorum constitutes an assembly whose opening did not."""
    opening_rules = rules.on(event.at, reading).of_kind(RuleKind.QUORUM, rules.body, "opening")
    outcomes = [_evaluate(r, state, present, None, Subject.PRESENT, event) for r in opening_rules if r.threshold]
    if not outcomes or not all(o.satisfied for o in outcomes):
        return None
    rule = next(r for r in opening_rules if r.threshold)
    needed = max(o.required for o in outcomes)
    return Finding(Verdict.INFO, f"the assembly is now constituted: {present} present meets the {needed} required "
                   f"to open it {_under(rules, reading, rule)}", rule.id, rule.article, reading, needed, present)


def _convocation(rule: Rule, event: ParliamentConvened) -> Finding:
    who = event.convened_by
    if who is None:
        return Finding(Verdict.INFO, f"{event.sitting} sitting: who convened it is not recorded; "
                       f"Art. {rule.article} requires the {rule.convened_by}", rule.id, rule.article)
    wanted = (rule.convened_by or "").lower()
    if wanted in who.lower():
        return Finding(Verdict.OK, f"{event.sitting} sitting convened by {who}, as Art. {rule.article} requires",
                       rule.id, rule.article)
    return Finding(Verdict.VIOLATION, f"{event.sitting} sitting convened by {who}, not by the {rule.convened_by} "
                   f"(Art. {rule.article})", rule.id, rule.article)


def _quorum(rule: Rule, state: State, event: ParliamentConvened, present: int | None, rules: Law,
            reading: Reading, total: int) -> Finding:
    # a judgement depends only on these (total: the seats allocated); memoised, since sittings with
    # the same numbers recur
    key = ("quorum", id(rule), event.sitting, present, state.body_size, total, reading)
    found = rules._cache.get(key)  # Law.memo, without making a closure for every sitting
    if found is None:
        found = rules._cache[key] = _judge_quorum(rule, state, event, present, rules, reading)
    return found


def _judge_quorum(rule: Rule, state: State, event: ParliamentConvened, present: int | None, rules: Law,
                  reading: Reading) -> Finding:
    under = _under(rules, reading, rule)
    if rule.threshold is None:
        shown = f"; {present} present" if present is not None else ""
        return Finding(Verdict.OK, f"{event.sitting} sitting: no quorum required {under}{shown}", rule.id,
                       rule.article, reading, count=present)
    if present is None:
        return Finding(Verdict.INFO, f"{event.sitting} sitting: members present not recorded; "
                       f"{render(rule.threshold)} required {under}", rule.id, rule.article, reading)
    outcome = _evaluate(rule, state, present, None, Subject.PRESENT, event)
    verdict = Verdict.OK if outcome.satisfied else Verdict.VIOLATION
    word = "quorate" if outcome.satisfied else "below quorum"
    msg = (f"{event.sitting} sitting {word}: {present} present, {outcome.required} required "
           f"({render(rule.threshold)}) {under}")
    return Finding(verdict, msg, rule.id, rule.article, reading, outcome.required, present)


def _evaluate(rule: Rule, state: State, present: int | None, vote: VoteHeld | None, subject: Subject,
              event: Event) -> Outcome:
    try:
        if vote is None:
            counts = _counts(state, present)
        else:
            counts = _counts(state, present, vote.yes, vote.no, vote.abstain)
        return evaluate(rule.threshold, counts, subject)  # type: ignore[arg-type]
    except CountsError as exc:
        msg = f"rule {rule.id}: {exc}"
        raise EngineError(msg, event) from None


@_apply.register
def _(event: VoteHeld, state: State, rules: Law) -> Result:
    if state.sittings == 0 or state.phase is Phase.DISSOLVED:
        msg = "can't hold a vote when parliament has not convened (record a parliament_convened event first)"
        raise EngineError(msg, event, "type")
    present = event.present if event.present is not None else state.last_present
    voting = event.ballots
    if present is not None and voting > present:
        msg = f"yes + no + abstain + invalid ({voting}) exceed the {present} members present at the sitting"
        raise EngineError(msg, event, "yes")
    if state.body_size is not None and voting > state.body_size:
        msg = f"yes + no + abstain + invalid ({voting}) exceed the {state.body_size} seats of the body"
        raise EngineError(msg, event, "yes")
    findings: list[Finding] = []
    confidence = state.confidence_lawful
    for reading, decision in rules.day(event.at).decisions(event.motion):
        if not decision:
            key = ("no decision rule", event.motion, event.outcome, reading)
            found = rules._cache.get(key)  # the same finding for every such vote: made once
            if found is None:
                found = rules._cache[key] = Finding(Verdict.INFO, f"no decision rule for {event.motion} in the pack; "
                                                    f"declared {event.outcome}", interpretation=reading)
            findings.append(found)
            continue
        if event.yes is None:
            findings.append(Finding(Verdict.INFO, f"{event.motion.replace('_', ' ')} declared {event.outcome}; "
                                    f"the tally is not recorded, so the rule can't be judged",
                                    decision[0].id, decision[0].article, reading))
            if event.motion in CONFIDENCE_MOTIONS and event.outcome == "adopted":
                confidence = put(confidence, reading, None)
            continue
        lawful_all = True
        for rule in decision:
            finding = _decision(rule, state, event, present, rules, reading)
            findings.append(finding)
            lawful_all = lawful_all and finding.verdict is Verdict.OK
        if event.motion in CONFIDENCE_MOTIONS and event.outcome == "adopted":
            confidence = put(confidence, reading, lawful_all)
    return state.replace(last_present=present, confidence_lawful=confidence), findings


def _decision(rule: Rule, state: State, event: VoteHeld, present: int | None, rules: Law,
              reading: Reading) -> Finding:
    key = ("decision", id(rule), event.motion, event.yes, event.no, event.abstain, event.outcome, present,
           state.body_size, state.seats_total, get(state.opened_lawfully, reading), reading)
    found = rules._cache.get(key)  # Law.memo, without making a closure for every vote
    if found is None:
        found = rules._cache[key] = _judge_decision(rule, state, event, present, rules, reading)
    return found


def _judge_decision(rule: Rule, state: State, event: VoteHeld, present: int | None, rules: Law,
                    reading: Reading) -> Finding:
    under = _under(rules, reading, rule)
    what = event.motion.replace("_", " ")
    if rule.threshold is None:
        return Finding(Verdict.OK, f"{what}: no majority required {under}", rule.id, rule.article, reading)
    outcome = _evaluate(rule, state, present, event, Subject.YES, event)
    numbers = f"{event.yes} in favour, {outcome.required} required ({render(rule.threshold)}) {under}"
    opened = get(state.opened_lawfully, reading)
    if event.outcome == "adopted":
        if not outcome.satisfied:
            return Finding(Verdict.VIOLATION, f"{what} declared adopted with too few votes: {numbers}", rule.id,
                           rule.article, reading, outcome.required, event.yes)
        if opened is False:
            return Finding(Verdict.VIOLATION, f"{what} adopted: {numbers}; but the assembly was not lawfully "
                           f"opened {under.split(' of Art.')[0]}", rule.id, rule.article, reading,
                           outcome.required, event.yes, reason="assembly not lawfully opened")
        return Finding(Verdict.OK, f"{what} adopted: {numbers}", rule.id, rule.article, reading,
                       outcome.required, event.yes)
    if outcome.satisfied:
        return Finding(Verdict.WARNING, f"{what} declared rejected although it met the rule: {numbers}", rule.id,
                       rule.article, reading, outcome.required, event.yes)
    return Finding(Verdict.OK, f"{what} rejected: {numbers}", rule.id, rule.article, reading, outcome.required,
                   event.yes)


@_apply.register
def _(event: GovernmentFormed, state: State, rules: Law) -> Result:
    findings: list[Finding] = []
    lawful: tuple = ()
    for reading in rules.readings:
        needed = any(
            r.applies(m) for r in rules.on(event.at, reading).of_kind(RuleKind.DECISION, rules.body)
            for m in CONFIDENCE_MOTIONS if r.applies_to)
        verdict_ok = get(state.confidence_lawful, reading, "absent")
        if not needed:
            findings.append(Finding(Verdict.INFO, "no confidence rule in the pack; formation not judged",
                                    interpretation=reading))
            continue
        if verdict_ok is None:
            findings.append(Finding(Verdict.INFO, "government formed after a vote of confidence whose tally is not "
                                    "recorded: its lawfulness can't be judged", interpretation=reading))
        elif verdict_ok == "absent":
            findings.append(Finding(Verdict.VIOLATION, f"government formed without an adopted vote of confidence "
                                    f"{'under ' + rules.name(reading)}", interpretation=reading))
            lawful = put(lawful, reading, False)
        elif verdict_ok:
            findings.append(Finding(Verdict.OK, f"government installed by a lawful vote under {rules.name(reading)}",
                                    interpretation=reading))
            lawful = put(lawful, reading, True)
        else:
            findings.append(Finding(Verdict.VIOLATION, f"government installed by a vote that was not lawful under "
                                    f"{rules.name(reading)}", interpretation=reading))
            lawful = put(lawful, reading, False)
    phase = Phase.GOVERNMENT_FORMED if state.phase is not Phase.DISSOLVED else state.phase
    refusing = state.boycotting("government")
    if refusing:
        # a refusal to support any government is moot once one is formed: it is opposition now
        findings.append(Finding(Verdict.INFO, f"{_names(refusing)}'s refusal to support a government ends with its "
                                "formation"))
    return state.replace(phase=phase, government=event.head or "formed", government_lawful=lawful,
                        boycotts=frozenset(b for b in state.boycotts if b[1] != "government")), findings


@_apply.register
def _(event: AssemblyDissolved, state: State, rules: Law) -> Result:
    return state.replace(phase=Phase.DISSOLVED, sittings=0, seated=(), government=None, last_present=None,
                        opened_lawfully=(), confidence_lawful=(), government_lawful=()), []


@_apply.register
def _(event: SeatsTaken, state: State, rules: Law) -> Result:
    if state.sittings == 0:
        msg = "members can't take their seats before the assembly has convened"
        raise EngineError(msg, event, "type")
    held = get(state.seats, event.party, 0)
    now = get(state.seated, event.party, 0) + event.members  # type: ignore[operator]
    if state.seats and now > held:  # type: ignore[operator]
        msg = f"{now} members of {event.party} would be seated, but it holds {held} seats"
        raise EngineError(msg, event, "members")
    return state.replace(seated=put(state.seated, event.party, now)), []


@_apply.register
def _(event: PartyDissolved, state: State, rules: Law) -> Result:
    held = get(state.seats, event.party, 0)
    moved = sum(n for _, n in event.seats_to)
    if moved > held:  # type: ignore[operator]
        msg = f"{moved} seats reallocated, but {event.party} holds {held}"
        raise EngineError(msg, event, "seats_to")
    seats = tuple((p, n) for p, n in state.seats if p != event.party)
    for party, n in event.seats_to:
        seats = put(seats, party, get(seats, party, 0) + n)  # type: ignore[operator]
    seated = tuple((p, n) for p, n in state.seated if p != event.party)
    findings = [Finding(Verdict.INFO, f"{event.party} dissolved: {held} seats lost, {moved} reallocated")]
    return state.replace(seats=seats, seated=seated,
                        boycotts=frozenset(b for b in state.boycotts if b[0] != event.party),
                        rejecting=state.rejecting - {event.party}), findings


@_apply.register
def _(event: DeadlineExpired, state: State, rules: Law) -> Result:
    running = [d for d in state.deadlines if d.rule == event.rule]
    if not running:
        msg = f"no deadline {event.rule!r} is running"
        raise EngineError(msg, event, "rule")
    d = running[0]
    finding = Finding(Verdict.VIOLATION, f"deadline missed: {d.title}; due {d.due.isoformat()} "
                      f"({(d.due - d.start).days} days after {d.start.isoformat()}) (Art. {d.article})",
                      d.rule, d.article)
    return state.replace(deadlines=tuple(x for x in state.deadlines if x.rule != event.rule),
                        missed=(*state.missed, event.rule), overdue=(*state.overdue, event.rule)), [finding]


# --------------------------------------------------------------------------- deadlines


def _meets(rule: Rule, event: Event) -> bool:
    if rule.met_by != event.TYPE:
        return False
    if not rule.applies_to:
        return True
    kind = getattr(event, "sitting", None) or getattr(event, "motion", None)
    return kind is not None and rule.applies(kind)


def _deadlines(state: State, event: Event, rules: Law) -> Result:
    """Meet the deadlines this event meets; start those it anchors."""
    if isinstance(event, DeadlineExpired):
        return state, []
    ruleset = rules.on(event.at)
    by_id = ruleset.memo(("deadlines", rules.body),
                         lambda: {r.id: r for r in ruleset.of_kind(RuleKind.DEADLINE, rules.body)})
    anchored = ruleset.memo(("anchored", rules.body, event.TYPE), lambda: tuple(
        r for r in by_id.values() if r.anchor == event.TYPE and r.days is not None))
    if not (state.deadlines or state.overdue or anchored):
        return state, []  # the common case: nothing to meet, nothing to start
    findings: list[Finding] = []
    running = list(state.deadlines)
    for d in list(running):
        rule = by_id.get(d.rule)
        if rule is not None and _meets(rule, event):
            running.remove(d)
            days = (event.at - d.start).days
            findings.append(Finding(Verdict.OK, f"deadline met: {d.title}; {days} days after "
                                    f"{d.start.isoformat()}, due by {d.due.isoformat()} (Art. {d.article})",
                                    d.rule, d.article, required=(d.due - d.start).days, count=days))
    for rule_id in state.overdue:
        rule = by_id.get(rule_id)
        if rule is not None and _meets(rule, event):
            findings.append(Finding(Verdict.INFO, f"done late: {rule.title} (Art. {rule.article})", rule.id,
                                    rule.article))
            state = state.replace(overdue=tuple(x for x in state.overdue if x != rule_id))
    for rule in anchored:
        running = [d for d in running if d.rule != rule.id]
        try:
            due = event.at + timedelta(days=rule.days)  # type: ignore[arg-type]
        except OverflowError:
            due = date.max
        if due >= date.max:  # its expiry is dated the day after: that day must exist too
            msg = (f"deadline {rule.id!r} ({rule.days} days from {event.at.isoformat()}) falls after "
                   f"{(date.max - timedelta(days=1)).isoformat()}, the last day the engine can count to")
            raise EngineError(msg, event, "at")
        running.append(Deadline(rule.id, rule.title, rule.article, event.at, due, event.id))
    if running == list(state.deadlines):
        return state, findings
    return state.replace(deadlines=tuple(running)), findings


# --------------------------------------------------------------------------- impasse


def _with_impasse(state: State, rules: Law, derived: State | None = None, ruleset: RulesInForce | None = None) -> State:
    """The state with its impasse level derived from its fields.

    ``derived``: a state whose impasse was derived from its fields, under the same rule set; if
    ``state`` has the same fields the level depends on, it has the same impasse. ``ruleset``: the
    rule set in force on the state's date, if the caller has it.
    """
    if derived is not None and (state.rejecting is derived.rejecting and state.boycotts is derived.boycotts
                                and state.complaints_pending == derived.complaints_pending
                                and state.overdue is derived.overdue and state.had_impasse == derived.had_impasse
                                and state.phase is derived.phase and state.seats is derived.seats
                                and state.body_size == derived.body_size):
        impasse, had = derived.impasse, derived.had_impasse
    else:
        # the level depends only on these; memoised per Law, since simulations revisit the same states
        # (the phase by name: an Enum member hashes in Python)
        if ruleset is None and state.on:
            ruleset = rules.on(state.on)
        key = ("impasse", state.rejecting, state.complaints_pending, state.boycotts, state.overdue,
               state.had_impasse, state.phase._name_, state.seats, state.body_size,
               id(ruleset) if state.on else None)
        found = rules._cache.get(key)  # Law.memo, without making a closure for every event
        if found is None:
            found = rules._cache[key] = _impasse(state, rules)
        impasse, had = found
    now = state.impasse
    if had == state.had_impasse and (impasse is now or (impasse.level is now.level and impasse.reasons == now.reasons)):
        return state
    return state.replace(impasse=impasse, had_impasse=had)


def _impasse(state: State, rules: Law) -> tuple[Impasse, bool]:
    reasons: list[str] = []
    level = Level.NONE
    if state.rejecting:
        reasons.append(f"{_names(state.rejecting)} reject{'s' if len(state.rejecting) == 1 else ''} the results")
    if state.complaints_pending:
        reasons.append(f"{state.complaints_pending} complaint(s) pending")
    if reasons:
        level = Level.DISPUTED
    boycotts = sorted(state.boycotts)
    if boycotts:
        level = Level.BOYCOTT
        for target in sorted({t for _, t in boycotts}):
            parties = state.boycotting(target)
            reasons.append(f"{_names(parties)} boycott{'s' if len(parties) == 1 else ''} {target}")
    blocked = _blocked(state, rules) if level in (Level.BOYCOTT, Level.DISPUTED) else None
    if blocked:
        level = Level.DEADLOCK
        reasons.append(blocked)
    if level is not Level.NONE and state.overdue:
        level = Level.DEADLOCK
        reasons.append(f"deadline missed and not yet met: {', '.join(state.overdue)}")
    had = state.had_impasse or level is not Level.NONE
    if level is Level.NONE and state.had_impasse:
        level = Level.RESOLVED
        reasons.append("no dispute or boycott remains")
    return Impasse(level, tuple(reasons)), had


def _names(parties: frozenset[str] | set[str]) -> str:
    return " and ".join(sorted(parties))


def _blocked(state: State, rules: Law) -> str | None:
    """Why the parties that attend cannot do what the constitution requires next, if they can't."""
    if state.on is None or state.body_size is None or not state.seats:
        return None
    ruleset = rules.on(state.on)
    away = state.boycotting("parliament")
    if state.phase is Phase.ASSEMBLY_CONVENED:
        away = away | state.boycotting("government")  # parties refusing to support any government
    if not away:
        return None
    key = ("blocked", id(ruleset), state.phase, away, state.seats, state.body_size)
    return rules.memo(key, lambda: _blocking(state, rules, ruleset, away))


def _blocking(state: State, rules: Law, ruleset: RulesInForce, away: frozenset[str]) -> str | None:
    available = sum(n for p, n in state.seats if p not in away)
    if Phase.OFFICIAL_RESULTS.rank <= state.phase.rank < Phase.ASSEMBLY_CONVENED.rank:
        needs: list[tuple[Rule, Subject]] = [(r, Subject.PRESENT) for r in
                                             ruleset.of_kind(RuleKind.QUORUM, rules.body, "opening")]
        step = "open the assembly"
    elif state.phase is Phase.ASSEMBLY_CONVENED:
        needs = [(r, Subject.YES) for r in ruleset.of_kind(RuleKind.DECISION, rules.body)
                 if any(r.applies(m) for m in CONFIDENCE_MOTIONS)]
        step = "install a government"
    else:
        return None
    for rule, subject in needs:
        if rule.threshold is None:
            continue
        counts = Counts(all_members=state.body_size, present=available, yes=available if subject is Subject.YES else None)
        try:
            outcome = evaluate(rule.threshold, counts, subject)
        except CountsError:
            continue
        if not outcome.satisfied:
            return (f"without {_names(away)}, {available} members can't {step}: "
                    f"{outcome.required} required by Art. {rule.article}")
    return None

