"""Contests between candidates (a prime minister designated, a speaker elected): the winner derived
from the votes per candidate by the pack's rule, run-offs, and decisions taken in several chambers."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from engine.errors import CountsError, EngineError
from engine.rules.constitution import Rule, RuleKind
from engine.rules.thresholds import Counts, Subject, evaluate
from engine.rules.vocabulary import MAJORITY, PLURALITY, SOLE_CANDIDATE
from engine.timeline.cycle import Result, not_sitting, refused
from engine.timeline.findings import VOTES, Finding, Verdict, about
from engine.timeline.law import LawMemo
from engine.timeline.state import Reading, State, get, put
from engine.timeline.vote_events import Candidates, ContestHeld

__all__ = ["HANDLERS", "Derived", "chambers_decide", "derive", "most_votes"]


@attrs.frozen
class Derived:
    """What a contest rule makes of the votes.

    Attributes:
        winner: the candidate the rule designates (None: nobody).
        tied: the candidates tied for the win, or for the last place in a run-off (the engine draws
            no lots: a tie is a finding, never a winner).
        runoff: the finalists of the run-off due because no candidate reached the threshold.
        required: the votes the threshold asked for, where one applies.
    """

    winner: str | None = None
    tied: tuple[str, ...] = ()
    runoff: tuple[str, ...] = ()
    required: int | None = None


def most_votes(votes: Candidates) -> tuple[str | None, tuple[str, ...]]:
    """The candidate with most votes, or (None, the tied) when several share the most."""
    if not votes:
        return None, ()
    best = max(n or 0 for _, n in votes)
    top = tuple(name for name, n in votes if (n or 0) == best)
    return (top[0], ()) if len(top) == 1 else (None, top)


def derive(rule: Rule, votes: Candidates, numbers: Callable[[str], Counts],
           finalists: tuple[str, ...] | None = None) -> Derived:
    """The winner ``rule`` derives from ``votes`` (every count known).

    Args:
        rule: a decision rule with a ``contest``.
        votes: the votes per candidate.
        numbers: the counts one candidate's votes are measured on (its votes in favour, the others'
            against).
        finalists: the candidates of the run-off this ballot is, if it is one: most votes wins.
    """
    if finalists is not None or rule.contest == PLURALITY:
        winner, tied = most_votes(tuple((c, n) for c, n in votes if finalists is None or c in finalists))
        return Derived(winner, tied)
    assert rule.threshold is not None
    outcomes = {name: evaluate(rule.threshold, numbers(name), Subject.YES) for name, _ in votes}
    required = min((o.required for o in outcomes.values()), default=None)
    reached = tuple((name, n) for name, n in votes if outcomes[name].satisfied)
    if reached:
        winner, tied = most_votes(reached)
        return Derived(winner, tied, required=required)
    if rule.contest == MAJORITY and rule.runoff:
        ranked = sorted(votes, key=lambda cn: -(cn[1] or 0))
        if len(ranked) > rule.runoff and ranked[rule.runoff - 1][1] == ranked[rule.runoff][1]:
            last = ranked[rule.runoff - 1][1]
            return Derived(tied=tuple(sorted(c for c, n in ranked if n == last)), required=required)
        return Derived(runoff=tuple(sorted(c for c, _ in ranked[:rule.runoff])), required=required)
    return Derived(required=required)


def chambers_decide(rule: Rule, decisions: dict[str, str | None]) -> tuple[str, str | None, str | None]:
    """What several chambers' decisions come to under ``rule``: (code, the decision, the body it is
    taken from). ``chambers.pending`` while a chamber has not decided; ``chambers.agree`` when all
    decided alike; ``chambers.disagree`` when the body that prevails decides (after the joint
    committee the constitution may ask for); ``chambers.no_consent`` when all must consent and do not.
    """
    if any(decisions.get(b) is None for b in rule.chambers):
        return "chambers.pending", None, None
    taken = {decisions[b] for b in rule.chambers}
    if len(taken) == 1:
        return "chambers.agree", decisions[rule.chambers[0]], None
    if rule.prevails is not None:
        return "chambers.disagree", decisions[rule.prevails], rule.prevails
    return "chambers.no_consent", None, None


def _numbers(event: ContestHeld, size: int | None) -> Callable[[str], Counts]:
    votes = dict(event.candidates)
    total = sum(n or 0 for n in votes.values())

    def of(name: str) -> Counts:
        mine = votes[name] or 0
        against = total - mine + (event.no or 0)
        members = size if size is not None else max(event.ballots, event.present or 0, 1)
        return Counts(all_members=members, present=event.present, yes=mine, no=against,
                      blank=event.blank or 0, invalid=event.invalid or 0)

    return of


def _check(event: ContestHeld, state: State, memo: LawMemo, body: str) -> int | None:
    """Refuse a contest that cannot have happened; the size of its body (None if unknown)."""
    bodies = [b.id for b in memo.law.constitution.bodies]
    if body not in bodies:
        msg = f"unknown body {body!r} (bodies of the pack: {', '.join(bodies)})"
        raise EngineError(msg, event, "body")
    if body == memo.law.body and refused(state, memo):
        msg = not_sitting("hold a contest", state)
        raise EngineError(msg, event, "type")
    names = [c for c, _ in event.candidates]
    if event.nominated:
        stray = [c for c, n in event.candidates if c not in event.nominated and n]
        if stray:
            msg = (f"{', '.join(stray)} received votes but nobody nominated them "
                   f"(nominated: {', '.join(event.nominated)})")
            raise EngineError(msg, event, "candidates")
    if event.winner is not None and event.winner not in names:
        msg = f"the winner {event.winner!r} is not among the candidates ({', '.join(names)})"
        raise EngineError(msg, event, "winner")
    size = state.body_size if body == memo.law.body else memo.law.constitution.body(body).size_on(event.at)
    for limit, what in ((event.present, "members present"), (size, "seats of the body")):
        if limit is not None and event.ballots > limit:
            msg = f"the ballots ({event.ballots}) exceed the {limit} {what}"
            raise EngineError(msg, event, "candidates")
    return size


def _not_decided(event: ContestHeld, state: State, memo: LawMemo, body: str) -> Result:
    """A chamber deemed not to have decided within its period (a pack's consequence derives it): where
    the rule names a chamber that prevails, that chamber's decision stands (Japan, Art. 67(2))."""
    findings: list[Finding] = []
    confidence = state.confidence_lawful
    installing = dict(memo.day(event.at).installing)
    for reading in memo.law.readings:
        rules = [r for r in memo.rules_on(event.at, reading).of_kind(RuleKind.DECISION, body, event.motion)
                 if r.contest]
        if not rules:
            findings.append(Finding(Verdict.INFO, "decision.no_rule", interpretation=reading, subject=event.motion,
                                    details=(("winner", None), ("body", body))))
            continue
        rule = rules[0]
        prevails = rule.prevails if rule.prevails != body else None
        decided, lawful = get(state.chamber_decisions, (prevails, event.motion, reading or ""), (None, None)) \
            if prevails else (None, None)
        findings.append(Finding(Verdict.INFO, "chambers.not_decided", rule.id, rule.article, reading,
                                sources=rule.source, subject=event.motion,
                                details=(("body", body), ("prevails", prevails), ("decision", decided))))
        if decided is not None and event.motion in installing.get(reading, frozenset()):
            confidence = put(confidence, reading, lawful)
    return state.replace(confidence_lawful=confidence), findings


def _contest_held(event: ContestHeld, state: State, memo: LawMemo) -> Result:
    body = event.body or memo.law.body
    size = _check(event, state, memo, body)
    if event.deemed:
        return _not_decided(event, state, memo, body)
    findings: list[Finding] = []
    runoffs, decisions, confidence = state.runoffs, state.chamber_decisions, state.confidence_lawful
    installing = dict(memo.day(event.at).installing)
    for reading in memo.law.readings:
        rules = [r for r in memo.rules_on(event.at, reading).of_kind(RuleKind.DECISION, body, event.motion)
                 if r.contest]
        if not rules:
            findings.append(Finding(Verdict.INFO, "decision.no_rule", interpretation=reading, subject=event.motion,
                                    details=(("winner", event.winner), ("body", body))))
            continue
        rule, key = rules[0], (body, event.motion, reading or "")
        finalists = get(runoffs, key)
        runoffs = tuple(p for p in runoffs if p[0] != key)
        lawful: bool | None = None
        if event.unknown:
            findings.append(Finding(Verdict.INFO, "contest.tally_not_recorded", **about(rule), interpretation=reading,
                                    subject=event.motion, details=(("winner", event.winner),)))
        else:
            if rule.contest == SOLE_CANDIDATE and len(event.candidates) != 1:
                msg = f"rule {rule.id} is for a sole candidate, but {len(event.candidates)} candidates received votes"
                raise EngineError(msg, event, "candidates")
            try:
                derived = derive(rule, event.candidates, _numbers(event, size), finalists)
            except CountsError as exc:
                msg = f"rule {rule.id}: {exc}"
                raise EngineError(msg, event, "candidates") from None
            found = _judge(rule, event, derived, finalists, reading)
            findings.extend(found)
            lawful = all(f.verdict is not Verdict.VIOLATION for f in found)
            if derived.runoff and event.winner is None:
                runoffs = put(runoffs, key, derived.runoff)
        if event.winner is None:
            continue
        decisions = put(decisions, key, (event.winner, lawful))
        decided: str | None = event.winner
        ok = lawful
        if rule.chambers:
            taken = {b: get(decisions, (b, event.motion, reading or ""), (None, None)) for b in rule.chambers}
            code, decided, by = chambers_decide(rule, {b: d for b, (d, _) in taken.items()})
            if code == "chambers.pending":
                continue
            oks = [taken[by][1]] if by else [ok for _, ok in taken.values()]
            ok = None if None in oks else all(oks)
            verdict = Verdict.OK if code == "chambers.agree" else Verdict.INFO
            findings.append(Finding(verdict, code, rule.id, rule.article, reading, sources=rule.source,
                                    subject=event.motion,
                                    details=(("decision", decided), ("prevails", by),
                                             ("chambers", tuple(f"{b}: {d}" for b, (d, _) in taken.items())))))
        if decided is not None and event.motion in installing.get(reading, frozenset()):
            confidence = put(confidence, reading, ok)
    return state.replace(runoffs=runoffs, chamber_decisions=decisions, confidence_lawful=confidence), findings


def _judge(rule: Rule, event: ContestHeld, derived: Derived, finalists: tuple[str, ...] | None,
           reading: Reading) -> list[Finding]:
    """The recorded winner against the derived one (and a run-off's candidates against its finalists)."""
    votes = dict(event.candidates)
    common = {**about(rule), "interpretation": reading, "subject": event.motion, "unit": VOTES}
    common["threshold"] = rule.requirement if finalists is None else "most votes wins (run-off)"
    out: list[Finding] = []
    if finalists is not None:
        outside = tuple(c for c, n in event.candidates if c not in finalists and n)
        if outside:
            out.append(Finding(Verdict.VIOLATION, "contest.outside_runoff", **common,
                               details=(("finalists", finalists), ("outside", outside))))
    recorded = event.winner
    details = (("winner", recorded), ("derived", derived.winner), ("runoff", finalists is not None))
    count = votes.get(derived.winner or recorded or "")
    numbers = {**common, "count": count, "required": derived.required, "details": details}
    if derived.tied:
        tie = {**numbers, "details": (*details, ("tied", derived.tied))}
        out.append(Finding(Verdict.WARNING, "contest.tie", **tie))
    elif recorded is not None and recorded != derived.winner:
        out.append(Finding(Verdict.VIOLATION, "contest.winner_not_produced", **numbers))
    elif recorded is None and derived.winner is not None:
        out.append(Finding(Verdict.WARNING, "contest.winner_not_declared", **numbers))
    elif recorded is not None:
        out.append(Finding(Verdict.OK, "contest.elected", **numbers))
    elif derived.runoff:
        out.append(Finding(Verdict.INFO, "contest.runoff_due",
                           **{**numbers, "details": (*details, ("finalists", derived.runoff))}))
    else:
        out.append(Finding(Verdict.INFO, "contest.no_winner", **numbers))
    return out


HANDLERS: dict[type, Callable[..., Result]] = {ContestHeld: _contest_held}
