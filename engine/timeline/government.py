"""Handlers for the government and the legislature's life: a government formed (was it installed by
a lawful vote, under each reading?), the assembly dissolved, members taking their seats.
"""

from __future__ import annotations

from engine.errors import EngineError
from engine.timeline.cycle import Result
from engine.timeline.events import AssemblyDissolved, GovernmentFormed, SeatsTaken
from engine.timeline.findings import Finding, Verdict
from engine.timeline.law import LawMemo
from engine.timeline.state import Phase, State, get, put

__all__ = ["HANDLERS"]


def _government_formed(event: GovernmentFormed, state: State, memo: LawMemo) -> Result:
    findings: list[Finding] = []
    lawful: tuple = ()
    installing = dict(memo.day(event.at).installing)
    for reading in memo.law.readings:
        if not installing[reading]:  # no rule says which vote installs a government
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
    phase = Phase.GOVERNMENT_FORMED if state.phase is not Phase.DISSOLVED else state.phase
    refusing = state.boycotting("government")
    if refusing:
        # a refusal to support any government is moot once one is formed: it is opposition now
        parties = ("parties", tuple(sorted(refusing)))
        findings.append(Finding(Verdict.INFO, "government.refusal_ends", details=(parties,)))
    return state.replace(phase=phase, government=event.head or "formed", government_lawful=lawful,
                         boycotts=frozenset(b for b in state.boycotts if b[1] != "government")), findings


def _assembly_dissolved(event: AssemblyDissolved, state: State, memo: LawMemo) -> Result:
    return state.replace(phase=Phase.DISSOLVED, sittings=0, seated=(), government=None, last_present=None,
                         opened_lawfully=(), confidence_lawful=(), government_lawful=()), []


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
