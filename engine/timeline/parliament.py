"""Handlers for parliament's acts: sittings (who convened them, were they quorate) and votes (did
they meet the decision rule), judged under each reading.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from engine.errors import CountsError, EngineError
from engine.rules.constitution import Rule, RuleKind, sides_named, votes_read
from engine.rules.thresholds import Counts, Outcome, Subject, evaluate, render
from engine.rules.vocabulary import CONFIRMS_GOVERNMENT, REJECT
from engine.timeline.contests import HANDLERS as CONTEST_HANDLERS
from engine.timeline.cycle import Result, not_sitting, refused
from engine.timeline.events import TALLY_FIELDS, Event, MotionTabled, ParliamentConvened, VoteHeld
from engine.timeline.findings import MEMBERS, SEATS, VOTES, Finding, Verdict, about
from engine.timeline.government import chambers_confirm, confirmation
from engine.timeline.law import LawMemo
from engine.timeline.state import Phase, Reading, State, get, put

__all__ = ["HANDLERS", "counts", "for_ballot"]

#: what the opening sitting's lawfulness depends on beyond the numbers
NOT_OPENED = "assembly not lawfully opened"


def counts(state: State, present: int | None, yes: int | None = None, no: int | None = 0, abstain: int | None = 0,
           blank: int | None = 0, invalid: int | None = 0) -> Counts:
    """The numbers a threshold is evaluated on, from the state and an act's own counts (an unknown
    count as none: a rule that reads it is not judged, see ``_unknown_needed``)."""
    # a body of unknown size (a chamber the sources give no size) is at least as large as its vote
    taking_part = sum(n or 0 for n in (yes, no, abstain, blank, invalid))
    size = state.body_size if state.body_size is not None else max(state.seats_total, present or 0, taking_part, 1)
    sitting = state.seats_total if state.seats else None
    if sitting is not None and present is not None and present > sitting:
        sitting = None
    return Counts(all_members=size, sitting=sitting, present=present, yes=yes, no=no or 0, abstain=abstain or 0,
                  blank=blank or 0, invalid=invalid or 0)


def _evaluate(rule: Rule, state: State, present: int | None, vote: VoteHeld | None, subject: Subject,
              event: Event) -> Outcome:
    assert rule.threshold is not None
    try:
        numbers = counts(state, present) if vote is None else counts(state, present, vote.yes, vote.no, vote.abstain,
                                                                     vote.blank, vote.invalid)
        return evaluate(rule.threshold, numbers, subject)
    except CountsError as exc:
        msg = f"rule {rule.id}: {exc}"
        raise EngineError(msg, event) from None


# --------------------------------------------------------------------------- sittings


def _parliament_convened(event: ParliamentConvened, state: State, memo: LawMemo) -> Result:
    present = event.members_present
    if present is not None and state.body_size is not None and present > state.body_size:
        msg = f"{present} members present, but the body has {state.body_size} seats"
        raise EngineError(msg, event, "present")
    for party, n in event.present_by_party:
        held: int = get(state.seats, party, 0)
        if state.seats and n > held:
            msg = f"{n} members of {party} present, but it holds {held} seats"
            raise EngineError(msg, event, "present_by_party")
    if event.body in (None, memo.law.body):
        _check_boycott(event, state, present, "present")
    findings: list[Finding] = []
    opening = event.sitting == "opening"
    if opening and state.poll is None:
        msg = ("an opening sitting opens a newly elected assembly: record the election first (or start the "
               "scenario with legislature_in_office for an assembly already sitting)")
        raise EngineError(msg, event, "sitting")
    rank = state.phase.rank
    if not opening and Phase.POLLS_CLOSED.rank <= rank <= Phase.OFFICIAL_RESULTS.rank:
        msg = (f"an {event.sitting} sitting can't come between the election and the new assembly's opening "
               f"sitting (phase: {state.phase.value})")
        raise EngineError(msg, event, "sitting")
    if opening and rank < Phase.OFFICIAL_RESULTS.rank:
        findings.append(Finding(Verdict.WARNING, "sitting.before_official_results"))
    day = memo.day(event.at)
    findings.extend(_convocation(rule, event) for rule in day.convocations[event.sitting])
    lawful = state.opened_lawfully
    total = state.seats_total
    for reading, quorum_rules in day.quorums[event.sitting]:
        verdicts = [memo.judged(("quorum", id(rule), event.sitting, present, state.body_size, total, reading),
                                _judge_quorum, rule, state, event, present, reading)
                    for rule in quorum_rules]
        findings.extend(verdicts)
        conditions = [_convening(rule, state, event, reading) for rule in quorum_rules if rule.seats_filled]
        verdicts.extend(conditions)
        findings.extend(conditions)
        if opening:
            lawful = put(lawful, reading, all(f.verdict is not Verdict.VIOLATION for f in verdicts))
        elif lawful and get(lawful, reading) is False and present is not None:
            cure = _opening_met_later(state, event, present, memo, reading)
            if cure is not None:
                findings.append(cure)
                lawful = put(lawful, reading, True)
    new = state.replace(sittings=state.sittings + 1, last_present=present, opened_lawfully=lawful)
    if opening:
        seated = event.present_by_party or tuple(
            (p, n) for p, n in state.seats if p not in state.boycotting("parliament"))
        new = new.replace(seated=seated, sittings=1, government=None, government_lawful=(),
                          confidence_lawful=(), government_status=(), failed_votes=0, runoffs=(),
                          chamber_decisions=(), ballots=())
        if state.phase.rank < Phase.ASSEMBLY_CONVENED.rank or state.phase is Phase.DISSOLVED:
            new = new.replace(phase=Phase.ASSEMBLY_CONVENED)
    return new, findings


def _check_boycott(event: ParliamentConvened | VoteHeld, state: State, counted: int | None, field: str) -> None:
    """Members of a party boycotting parliament are away: an act may count them only as many as it
    says attended anyway (``boycotters_present``, which the simulator's defections write)."""
    boycotting = state.boycotting("parliament")
    away = state.seats_away("parliament")
    if not away:
        return
    came = event.boycotters_present or 0
    if came > away:
        holding = sorted(p for p in boycotting if get(state.seats, p, 0))
        who = f"{holding[0]} boycotts" if len(holding) == 1 else f"{', '.join(holding)} boycott"
        msg = f"{came} boycotters present, but {who} parliament with {away} seats in all"
        raise EngineError(msg, event, "boycotters_present")
    by_party = [(p, n) for p, n in getattr(event, "present_by_party", ()) if p in boycotting and n]
    if sum(n for _, n in by_party) > came:
        named = ", ".join(f"{n} of {p}" for p, n in by_party)
        msg = (f"{named} present, but {'it boycotts' if len(by_party) == 1 else 'they boycott'} parliament "
               f"(members who attended anyway: boycotters_present, here {came})")
        raise EngineError(msg, event, "present_by_party")
    size = state.body_size if state.body_size is not None else state.seats_total
    if counted is not None and counted > size - away + came:
        parties = ", ".join(sorted(p for p in boycotting if get(state.seats, p, 0)))
        what = "present" if isinstance(event, ParliamentConvened) else "counted in the vote"
        msg = (f"{counted} members {what}, but {parties} ({away} seats) boycott parliament, so at most "
               f"{size - away + came} of the {size} members can attend (members who attended anyway: "
               f"boycotters_present, here {came})")
        raise EngineError(msg, event, field)


def _opening_met_later(state: State, event: ParliamentConvened, present: int, memo: LawMemo,
                       reading: Reading) -> Finding | None:
    """A later sitting that meets the opening quorum constitutes an assembly whose opening did not."""
    opening_rules = [r for r in memo.rules_on(event.at, reading).of_kind(RuleKind.QUORUM, memo.law.body, "opening")
                     if r.threshold]
    outcomes = [_evaluate(r, state, present, None, Subject.PRESENT, event) for r in opening_rules]
    if not outcomes or not all(o.satisfied for o in outcomes):
        return None
    return Finding(Verdict.INFO, "quorum.constituted", **about(opening_rules[0]), interpretation=reading,
                   required=max(o.required for o in outcomes), count=present, unit=MEMBERS, subject="opening")


def _convocation(rule: Rule, event: ParliamentConvened) -> Finding:
    who = event.convened_by
    wanted = rule.convened_by or ""
    details = (("by", who), ("wanted", wanted))
    if who is None:
        verdict, code = Verdict.INFO, "convocation.not_recorded"
    elif wanted.lower() in who.lower():
        verdict, code = Verdict.OK, "convocation.ok"
    else:
        verdict, code = Verdict.VIOLATION, "convocation.wrong"
    return Finding(verdict, code, rule.id, rule.article, sources=rule.source, since=rule.since,
                   amendment=rule.amendment, subject=event.sitting, details=details)


def _judge_quorum(rule: Rule, state: State, event: ParliamentConvened, present: int | None,
                  reading: Reading) -> Finding:
    rule_fields = about(rule)
    if rule.threshold is None:
        return Finding(Verdict.OK, "quorum.none_required", **rule_fields, interpretation=reading, count=present,
                       unit=MEMBERS, subject=event.sitting)
    if present is None:
        return Finding(Verdict.INFO, "quorum.not_recorded", **rule_fields, interpretation=reading,
                       subject=event.sitting)
    outcome = _evaluate(rule, state, present, None, Subject.PRESENT, event)
    verdict, code = (Verdict.OK, "quorum.met") if outcome.satisfied else (Verdict.VIOLATION, "quorum.below")
    return Finding(verdict, code, **rule_fields, interpretation=reading, required=outcome.required, count=present,
                   unit=MEMBERS, subject=event.sitting)


def _convening(rule: Rule, state: State, event: ParliamentConvened, reading: Reading) -> Finding:
    """The rule's convening condition: enough seats filled (the results' seats, less those vacant) for the
    body to sit. A sitting held before is a violation, not an engine error: it did happen, and the
    breach is what a replay must show (under each reading, which may set another share)."""
    assert rule.seats_filled is not None
    fields = {**about(rule), "threshold": render(rule.seats_filled)}
    if not state.seats or state.body_size is None:
        return Finding(Verdict.INFO, "convening.not_recorded", **fields, interpretation=reading,
                       subject=event.sitting)
    filled = state.seats_total
    numbers = Counts(all_members=state.body_size, present=filled)
    outcome = evaluate(rule.seats_filled, numbers, Subject.PRESENT)
    verdict, code = (Verdict.OK, "convening.met") if outcome.satisfied else (Verdict.VIOLATION,
                                                                             "convening.seats_unfilled")
    return Finding(verdict, code, **fields, interpretation=reading, required=outcome.required, count=filled,
                   unit=SEATS, subject=event.sitting, details=(("vacant", state.vacant),))


def _motion_tabled(event: MotionTabled, state: State, memo: LawMemo) -> Result:
    """A motion put before the body: it meets the deadlines that name its tabling, and, being a new
    proposal (a new candidate), starts the ballots on its motion afresh: its first vote is ballot 1
    (Spain, Art. 99(4): successive proposals are voted on as the first was)."""
    if refused(state, memo):
        msg = not_sitting("table a motion", state)
        raise EngineError(msg, event, "type")
    key = (event.body or memo.law.body, event.motion)
    if get(state.ballots, key) is None:
        return state, []
    return state.replace(ballots=tuple(p for p in state.ballots if p[0] != key)), []


# --------------------------------------------------------------------------- votes


def _check_tally(event: VoteHeld, state: State, present: int | None) -> None:
    """A tally that cannot have happened is an engine error, naming the count that is too large."""
    taking_part = event.ballots + (event.not_voting or 0)
    field = "yes" if event.yes else next((n for n in TALLY_FIELDS if getattr(event, n)), "not_voting")
    names = event.counted_names()
    if present is not None and taking_part > present:
        msg = f"{names} ({taking_part}) exceed the {present} members present at the sitting"
        raise EngineError(msg, event, field)
    if state.body_size is not None and taking_part > state.body_size:
        msg = f"{names} ({taking_part}) exceed the {state.body_size} seats of the body"
        raise EngineError(msg, event, field)
    if state.seats and present is None and taking_part > state.seats_total:
        msg = f"{names} ({taking_part}) exceed the {state.seats_total} members in office"
        raise EngineError(msg, event, field)


def _question(rule: Rule) -> Subject:
    """What a decision rule's clauses measure unless they name their own: the side the direction counts."""
    return Subject.NO if rule.direction == REJECT else Subject.YES


def _unknown_needed(event: VoteHeld, decision: tuple[Rule, ...]) -> bool:
    """True if a count the rules read is not recorded (an adopting rule always reads the votes in favour)."""
    if event.yes is None and any(r.direction != REJECT for r in decision):
        return True
    unknown = event.unknown
    return bool(unknown) and any(unknown & votes_read(r.threshold, _question(r)) for r in decision if r.threshold)


def for_ballot(rules: tuple[Rule, ...], ballot: int) -> tuple[Rule, ...]:
    """The decision rules that govern the ``ballot``-th ballot of a procedure: those for no ballot in
    particular, and those for the latest ballot numbered up to it (a rule for ballot 2 governs the
    third too, unless a rule for ballot 3 exists)."""
    numbered = [r.ballot for r in rules if r.ballot is not None and r.ballot <= ballot]
    latest = max(numbered, default=None)
    return tuple(r for r in rules if r.ballot is None or r.ballot == latest)


def _chamber(event: VoteHeld, state: State, memo: LawMemo) -> tuple[str, State, int | None]:
    """The body that voted, the state as that body's numbers read (another chamber has its own size
    and no seats or sittings of the scenario's body), and the members present."""
    body = event.body or memo.law.body
    if body == memo.law.body:
        return body, state, event.present if event.present is not None else state.last_present
    bodies = [b.id for b in memo.law.constitution.bodies]
    if body not in bodies:
        msg = f"unknown body {body!r} (bodies of the pack: {', '.join(bodies)})"
        raise EngineError(msg, event, "body")
    size = memo.law.constitution.body(body).size_on(event.at)
    return body, state.replace(body_size=size, seats=(), last_present=None, opened_lawfully=()), event.present


def _vote_held(event: VoteHeld, state: State, memo: LawMemo) -> Result:
    if refused(state, memo):
        msg = not_sitting("hold a vote", state)
        raise EngineError(msg, event, "type")
    body, seen, present = _chamber(event, state, memo)
    _check_tally(event, seen, present)
    if body == memo.law.body:
        taking_part = event.ballots + (event.not_voting or 0)
        counted = max(event.present or 0, taking_part)
        field = "present" if event.present is not None and event.present >= taking_part else \
            "yes" if event.yes else next((n for n in TALLY_FIELDS if getattr(event, n)), "not_voting")
        _check_boycott(event, state, counted, field)
    findings: list[Finding] = []
    confidence = state.confidence_lawful
    day = memo.day(event.at)
    installs = dict(day.installing)
    if body == memo.law.body:
        confirms, per_reading = dict(day.confirming), day.decisions[event.motion]
    else:  # another chamber: its own rules
        per_reading = tuple((reading, memo.rules_on(event.at, reading).of_kind(RuleKind.DECISION, body, event.motion))
                            for reading in memo.law.readings)
        confirms = {reading: frozenset({event.motion}) for reading, rules in per_reading
                    if any(r.effect == CONFIRMS_GOVERNMENT for r in rules)}
        installs = {}
    adopted = event.outcome == "adopted"
    verdicts: list[tuple[Reading, bool | None]] = []  # the vote's lawfulness where it confirms a government
    ballot = get(state.ballots, (body, event.motion), 0) + 1
    for reading, rules in per_reading:
        decision = for_ballot(tuple(r for r in rules if r.contest is None), ballot)  # contest rules judge contests
        confers = adopted and event.motion in installs.get(reading, ())
        if not decision:
            findings.append(Finding(Verdict.INFO, "decision.no_rule", interpretation=reading, subject=event.motion,
                                    details=(("outcome", event.outcome),)))
            continue
        if _unknown_needed(event, decision):
            findings.append(Finding(Verdict.INFO, "decision.tally_not_recorded", decision[0].id, decision[0].article,
                                    reading, subject=event.motion, details=(("outcome", event.outcome),)))
            if confers:
                confidence = put(confidence, reading, None)
            if event.motion in confirms.get(reading, ()):
                verdicts.append((reading, None))
            continue
        lawful_all = True
        for rule in decision:
            key = ("decision", id(rule), event.motion, event.yes, event.no, event.abstain, event.blank, event.invalid,
                   event.outcome, present, seen.body_size, seen.seats_total, get(seen.opened_lawfully, reading),
                   reading)
            finding = memo.judged(key, _judge_decision, rule, seen, event, present, reading)
            if rule.ballot is not None:  # which ballot of the procedure the vote was, and so which rule
                finding = attrs.evolve(finding, details=(*finding.details, ("ballot", ballot)))
            findings.append(finding)
            lawful_all = lawful_all and finding.verdict is Verdict.OK
        if confers:
            confidence = put(confidence, reading, lawful_all)
        if event.motion in confirms.get(reading, ()):
            verdicts.append((reading, lawful_all))
    # a motion adopted (or, under a negative rule, standing) ends its procedure; a failed ballot counts
    # (only where the pack numbers the ballots of the motion's procedure)
    ballots = state.ballots
    if any(r.ballot is not None for _, rules in per_reading for r in rules):
        ballots = tuple(p for p in ballots if p[0] != (body, event.motion)) if adopted else \
            put(ballots, (body, event.motion), ballot)
    new = state.replace(last_present=present if body == memo.law.body else state.last_present,
                        confidence_lawful=confidence, ballots=ballots)
    if adopted and body == memo.law.body and event.motion in day.removing and state.government is not None:
        findings.append(Finding(Verdict.INFO, "government.removed", subject=event.motion,
                                details=(("government", state.government),)))
        phase = Phase.ASSEMBLY_CONVENED if state.phase is Phase.GOVERNMENT_FORMED else state.phase
        new = new.replace(government=None, government_lawful=(), confidence_lawful=(), government_status=(),
                          phase=phase)
    elif verdicts and state.government is not None:
        new, ready, waiting = chambers_confirm(event, body, new, tuple(verdicts), memo)
        findings.extend(waiting)
        new, more = confirmation(event, new, ready, memo)
        findings.extend(more)
    return new, findings


def _judge_decision(rule: Rule, state: State, event: VoteHeld, present: int | None, reading: Reading) -> Finding:
    rule_fields = about(rule)
    if rule.threshold is None:
        return Finding(Verdict.OK, "decision.none_required", **rule_fields, interpretation=reading,
                       subject=event.motion)
    against = rule.direction == REJECT
    wrong = Subject.YES if against else Subject.NO
    if wrong in sides_named(rule.threshold):  # a pack refuses it; a rule replaced for a what-if may not
        msg = (f"rule {rule.id} {'rejects' if against else 'adopts'} its motion but counts the votes "
               f"{'in favour' if against else 'against'}: it can't be judged")
        raise EngineError(msg, event, "motion")
    outcome = _evaluate(rule, state, present, event, _question(rule), event)
    if against:
        return _judge_rejection(rule_fields, outcome, event, reading)
    numbers = {**rule_fields, "interpretation": reading, "required": outcome.required, "count": event.yes,
               "unit": VOTES, "subject": event.motion}
    if event.outcome == "adopted":
        if not outcome.satisfied:
            return Finding(Verdict.VIOLATION, "decision.too_few", **numbers)
        if get(state.opened_lawfully, reading) is False:
            return Finding(Verdict.VIOLATION, "decision.assembly_not_opened", **numbers, reason=NOT_OPENED)
        return Finding(Verdict.OK, "decision.adopted", **numbers)
    if outcome.satisfied:
        return Finding(Verdict.WARNING, "decision.rejected_though_met", **numbers)
    return Finding(Verdict.OK, "decision.rejected", **numbers)


def _judge_rejection(rule_fields: dict, outcome: Outcome, event: VoteHeld, reading: Reading) -> Finding:
    """A negative rule: the motion stands unless the threshold is reached against it."""
    numbers = {**rule_fields, "interpretation": reading, "required": outcome.required, "count": outcome.count,
               "unit": VOTES, "subject": event.motion,
               "details": (("outcome", event.outcome), ("measures", outcome.measures))}
    if event.outcome == "rejected":
        if outcome.satisfied:
            return Finding(Verdict.OK, "decision.rejected_by_majority", **numbers)
        return Finding(Verdict.VIOLATION, "decision.rejected_too_few", **numbers)
    if outcome.satisfied:
        return Finding(Verdict.VIOLATION, "decision.stands_though_rejected", **numbers)
    return Finding(Verdict.OK, "decision.not_rejected", **numbers)


HANDLERS: dict[type, Callable[..., Result]] = {ParliamentConvened: _parliament_convened, VoteHeld: _vote_held,
                                MotionTabled: _motion_tabled, **CONTEST_HANDLERS}
