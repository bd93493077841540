"""Handlers for the government and the legislature's life: a government formed (was it installed by
a lawful vote, under each reading, or is it pending the vote that confirms it?), what that vote does to
it, the assembly dissolved, members taking their seats.
"""

from __future__ import annotations

from engine.errors import EngineError
from engine.rules.constitution import Rule, RuleKind
from engine.rules.vocabulary import CONFIRMS_GOVERNMENT
from engine.timeline.cycle import Result
from engine.timeline.events import AssemblyDissolved, GovernmentFormed, SeatsTaken, VoteHeld
from engine.timeline.findings import VOTES, Finding, Verdict
from engine.timeline.law import LawMemo
from engine.timeline.state import CONFIRMED, PENDING, RESIGNED, Phase, Reading, State, get, put

__all__ = ["CONFIRMED", "HANDLERS", "PENDING", "RESIGNED", "chambers_confirm", "confirmation"]

#: where a government appointed before its vote stands (``State.government_status``)


def _confirming_rule(memo: LawMemo, event_at: object, reading: Reading, motion: str | None = None,
                     body: str | None = None) -> Rule | None:
    """The decision rule in force under ``reading`` whose vote confirms a government (for ``motion``,
    in ``body``: by default the law's)."""
    rules = memo.rules_on(event_at, reading).of_kind(RuleKind.DECISION, body or memo.law.body, motion)  # type: ignore[arg-type]
    return next((r for r in rules if r.effect == CONFIRMS_GOVERNMENT), None)


def _government_formed(event: GovernmentFormed, state: State, memo: LawMemo) -> Result:
    findings: list[Finding] = []
    lawful: tuple = ()
    installing = dict(memo.day(event.at).installing)
    confirming = dict(memo.day(event.at).confirming)
    for reading in memo.law.readings:
        if not installing[reading]:  # no rule says which vote installs a government
            if confirming.get(reading):
                continue  # appointed first: judged by the vote that confirms it (below)
            findings.append(Finding(Verdict.INFO, "government.not_judged", interpretation=reading))
            continue
        verdict_ok = get(state.confidence_lawful, reading, "absent")
        if verdict_ok is None:
            findings.append(Finding(Verdict.INFO, "government.tally_not_recorded", interpretation=reading))
        elif verdict_ok == "absent":
            findings.append(Finding(Verdict.VIOLATION, "government.no_vote", interpretation=reading))
            lawful = put(lawful, reading, False)
        elif verdict_ok:
            findings.append(Finding(Verdict.OK, "government.lawful", interpretation=reading))
            lawful = put(lawful, reading, True)
        else:
            findings.append(Finding(Verdict.VIOLATION, "government.unlawful_vote", interpretation=reading))
            lawful = put(lawful, reading, False)
    status: tuple = ()
    for reading, motions in memo.day(event.at).confirming:
        rule = _confirming_rule(memo, event.at, reading) if motions else None
        if rule is not None:  # appointed first: the vote that confirms it is still to come
            status = put(status, reading, PENDING)
            findings.append(Finding(Verdict.INFO, "government.pending", rule.id, rule.article, reading,
                                    sources=rule.source, subject=", ".join(sorted(motions)),
                                    details=(("government", event.head or "formed"),)))
    # attempts are counted from the last government confirmed: a new one after it starts afresh
    failed = 0 if CONFIRMED in (v for _, v in state.government_status) else state.failed_votes
    phase = Phase.GOVERNMENT_FORMED if state.phase is not Phase.DISSOLVED else state.phase
    refusing = state.boycotting("government")
    if refusing:
        # a refusal to support any government is moot once one is formed: it is opposition now
        parties = ("parties", tuple(sorted(refusing)))
        findings.append(Finding(Verdict.INFO, "government.refusal_ends", details=(parties,)))
    # each government needs every chamber's confidence anew
    return state.replace(phase=phase, government=event.head or "formed", government_lawful=lawful,
                         government_status=status, failed_votes=failed, chamber_decisions=(), ballots=(),
                         boycotts=frozenset(b for b in state.boycotts if b[1] != "government")), findings


def chambers_confirm(event: VoteHeld, body: str, state: State, verdicts: tuple[tuple[Reading, bool | None], ...],
                     memo: LawMemo) -> tuple[State, tuple[tuple[Reading, bool | None], ...], list[Finding]]:
    """A confirming vote in one of several chambers whose confidence the government needs (Italy,
    Art. 94(1): both).

    The chamber's decision is recorded; a vote won confirms the government only once every chamber
    the rule names has given its confidence (lawfully if every one of those votes met its rule), and
    until then the government stays pending. A vote lost in any chamber is lost. Readings whose rule
    names no chambers pass through unchanged.

    Returns:
        the state with the chamber's decision, the verdicts for :func:`confirmation` (a reading still
        waiting for a chamber is left out), and a finding per reading still waiting.
    """
    findings: list[Finding] = []
    decisions = state.chamber_decisions
    out: list[tuple[Reading, bool | None]] = []
    for reading, ok in verdicts:
        rule = _confirming_rule(memo, event.at, reading, event.motion, body)
        if rule is None or len(rule.chambers) < 2 or get(state.government_status, reading) != PENDING:
            out.append((reading, ok))
            continue
        key = (body, event.motion, reading or "")
        decisions = put(decisions, key, (event.outcome, ok))
        if event.outcome != "adopted":
            out.append((reading, ok))
            continue
        taken = {b: get(decisions, (b, event.motion, reading or "")) for b in rule.chambers}
        awaiting = tuple(b for b, d in taken.items() if d is None or d[0] != "adopted")
        if awaiting:
            findings.append(Finding(Verdict.INFO, "government.confidence_of_chamber", rule.id, rule.article, reading,
                                    sources=rule.source, subject=event.motion,
                                    details=(("government", state.government), ("body", body),
                                             ("awaiting", awaiting))))
            continue
        oks = [d[1] for d in taken.values() if d is not None]
        out.append((reading, None if None in oks else all(oks)))
    return state.replace(chamber_decisions=decisions), tuple(out), findings


def confirmation(event: VoteHeld, state: State, verdicts: tuple[tuple[Reading, bool | None], ...],
                 memo: LawMemo) -> Result:
    """What a vote on a motion that confirms governments does to the government in office.

    Args:
        event: the vote; its declared outcome says whether the government won it (``adopted``; for
            a negative rule, its programme not rejected) or lost it.
        state: the state after the vote was judged.
        verdicts: per reading whose rule confirms governments by this motion, whether the vote met
            that rule (None: its tally is not recorded).
        memo: the law's memo.

    A pending government won its vote: it is confirmed, lawfully under a reading if the vote met
    the rule there. A government that lost it must resign (it stays as caretaker until its
    successor): the state says ``resigned``, and a pending one's failure is counted; at the count a
    rule's ``attempts`` names, a finding records it. What follows (a dissolution the head of state
    may decide) is not derived.
    """
    findings: list[Finding] = []
    status, lawful = state.government_status, state.government_lawful
    won = event.outcome == "adopted"
    was_pending = False
    head = (("government", state.government),)
    for reading, ok in verdicts:
        now = get(status, reading)
        if now is None or now == RESIGNED or (won and now == CONFIRMED):
            continue  # not appointed to be confirmed, already resigned, or a confidence it already had
        was_pending = was_pending or now == PENDING
        if not won:
            status = put(status, reading, RESIGNED)
            if now == PENDING:
                lawful = put(lawful, reading, False)
            findings.append(Finding(Verdict.INFO, "government.must_resign", interpretation=reading,
                                    subject=event.motion, details=head))
            continue
        status = put(status, reading, CONFIRMED)
        if ok is None:
            findings.append(Finding(Verdict.INFO, "government.tally_not_recorded", interpretation=reading))
            continue
        lawful = put(lawful, reading, ok)
        code, verdict = ("government.confirmed", Verdict.OK) if ok else ("government.unlawful_vote", Verdict.VIOLATION)
        findings.append(Finding(verdict, code, interpretation=reading, subject=event.motion, details=head))
    failed = state.failed_votes + (1 if was_pending and not won else 0)
    if failed != state.failed_votes:
        rule = _confirming_rule(memo, event.at, None, event.motion)
        if rule is not None and rule.attempts == failed:
            findings.append(Finding(Verdict.INFO, "government.attempts_exhausted", rule.id,
                                    rule.attempts_article or rule.article, sources=rule.source, since=rule.since,
                                    count=failed, required=rule.attempts, unit=VOTES, subject=event.motion))
    return state.replace(government_status=status, government_lawful=lawful, failed_votes=failed), findings


def _assembly_dissolved(event: AssemblyDissolved, state: State, memo: LawMemo) -> Result:
    """The election is due and the formation ends. A body that stops loses its sittings and members;
    one that sits on (``after_dissolution: sits``) keeps them, and its proceedings (ballots, run-offs,
    the chambers' decisions), so its votes are judged as before until the new assembly opens."""
    new = state.replace(phase=Phase.DISSOLVED, government=None, confidence_lawful=(), government_lawful=(),
                        government_status=(), failed_votes=0)
    if memo.law.sits_on:
        return new, []
    return new.replace(sittings=0, seated=(), last_present=None, opened_lawfully=(), runoffs=(),
                       chamber_decisions=(), ballots=()), []


def _seats_taken(event: SeatsTaken, state: State, memo: LawMemo) -> Result:
    if state.sittings == 0:
        msg = "members can't take their seats before the assembly has convened"
        raise EngineError(msg, event, "type")
    held: int = get(state.seats, event.party, 0)
    now: int = get(state.seated, event.party, 0) + event.members
    if state.seats and now > held:
        msg = f"{now} members of {event.party} would be seated, but it holds {held} seats"
        raise EngineError(msg, event, "members")
    return state.replace(seated=put(state.seated, event.party, now)), []


HANDLERS = {GovernmentFormed: _government_formed, AssemblyDissolved: _assembly_dissolved, SeatsTaken: _seats_taken}
