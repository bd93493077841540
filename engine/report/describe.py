"""One-line summaries of events, for tables and finding lists: one small function per event type."""

from __future__ import annotations

import functools

from engine.timeline.court_events import ByElectionHeld, CourtRuling, SeatsVacated
from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    BoycottEnded,
    CaretakerAppointed,
    ComplaintFiled,
    ComplaintRuled,
    ContestHeld,
    DeadlineExpired,
    Event,
    GovernmentFormed,
    GovernmentResigned,
    LegislatureInOffice,
    MandateExtended,
    MandateGiven,
    MandateReturned,
    MotionTabled,
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
)

__all__ = ["describe"]


@functools.singledispatch
def describe(event: Event) -> str:
    """A one-line summary of an event, for tables (an event type with no summary of its own: its name)."""
    return event.TYPE.replace("_", " ")


@describe.register
def _(event: ResultsAnnounced) -> str:
    seats = ", ".join(f"{p} {n}" for p, n in event.seats)
    return f"{event.stage} results by {event.by}" + (f": {seats}" if seats else "")


@describe.register
def _(event: ParliamentConvened) -> str:
    parts = [f"{event.sitting} sitting"]
    if event.members_present is not None:
        by_party = ", ".join(f"{p} {n}" for p, n in event.present_by_party)
        parts.append(f"{event.members_present} present" + (f" ({by_party})" if by_party else ""))
    if event.boycotters_present:
        parts.append(f"{event.boycotters_present} of them breaking a boycott")
    if event.convened_by:
        parts.append(f"convened by {event.convened_by}")
    return ", ".join(parts)


def _count(n: int | None) -> str:
    return "?" if n is None else str(n)


@describe.register
def _(event: VoteHeld) -> str:
    if event.yes is None:
        tally = "tally not recorded"
    else:
        tally = f"{event.yes} yes, {_count(event.no)} no, {_count(event.abstain)} abstain"
        # counts the summary never named (invalid ballots) stay out, so summaries read as they did;
        # the new ones are named when recorded
        extra = [(event.blank, "blank"), (event.not_voting, "not voting")]
        tally += "".join(f", {_count(n)} {word}" for n, word in extra if n)
    if event.boycotters_present:
        tally += f" ({event.boycotters_present} breaking a boycott)"
    where = f" ({event.body.replace('-', ' ')})" if event.body else ""
    return f"vote on {event.motion.replace('_', ' ')}{where}: {tally}; {event.outcome}"


@describe.register
def _(event: ContestHeld) -> str:
    if event.deemed:
        where = f"the {event.body.replace('-', ' ')}" if event.body else "the body"
        return f"{event.motion.replace('_', ' ')}: {where} did not decide within its period"
    votes = ", ".join(f"{c} {_count(n)}" for c, n in sorted(event.candidates, key=lambda cn: -(cn[1] or 0)))
    extra = [(event.no, "against"), (event.blank, "blank"), (event.invalid, "invalid")]
    votes += "".join(f", {_count(n)} {word}" for n, word in extra if n != 0)
    where = f" ({event.body.replace('-', ' ')})" if event.body else ""
    return f"{event.motion.replace('_', ' ')}{where}: {votes}; " + (event.winner or "no one") + " declared"


@describe.register
def _(event: MotionTabled) -> str:
    return f"motion tabled: {event.motion.replace('_', ' ')}" + (f" by {event.by}" if event.by else "")


@describe.register
def _(event: BoycottDeclared) -> str:
    return f"{event.party} boycotts {event.of}"


@describe.register
def _(event: BoycottEnded) -> str:
    return f"{event.party} ends its boycott of {event.of}"


def _gathering(event: Rally | Protest) -> str:
    span = event.first_day.isoformat()
    if event.last_day != event.first_day:
        span += f" to {event.last_day.isoformat()}"
    size = f", ~{event.size:,}" if event.size else ""
    return f"{event.TYPE} {event.status} by {event.organiser} ({span}{size})"


describe.register(Rally, _gathering)
describe.register(Protest, _gathering)


@describe.register
def _(event: ResultsRejected) -> str:
    return f"{event.party} rejects the results"


@describe.register
def _(event: ResultsAccepted) -> str:
    return f"{event.party} accepts the results"


@describe.register
def _(event: ComplaintFiled) -> str:
    return f"{event.by} files {event.count or 'a'} complaint(s) to {event.to}"


@describe.register
def _(event: ComplaintRuled) -> str:
    return f"{event.by}: complaints {event.outcome}" + (" (final)" if event.final else "")


@describe.register
def _(event: TalksHeld) -> str:
    return f"talks: {', '.join(event.parties)}" + (f" ({event.mediator})" if event.mediator else "")


@describe.register
def _(event: AgreementReached) -> str:
    return f"agreement: {', '.join(event.parties)}"


@describe.register
def _(event: GovernmentFormed) -> str:
    return "government formed" + (f": {event.head}" if event.head else "")


@describe.register
def _(event: SeatsTaken) -> str:
    return f"{event.members} {event.party} members take their seats"


@describe.register
def _(event: DeadlineExpired) -> str:
    return f"DEADLINE MISSED: {event.rule} (due {event.due.isoformat()})"


@describe.register
def _(event: PartyDissolved) -> str:
    return f"{event.party} dissolved"


@describe.register
def _(event: LegislatureInOffice) -> str:
    return "legislature in office: " + ", ".join(f"{p} {n}" for p, n in event.seats)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


@describe.register
def _(event: MandateGiven) -> str:
    holder = ", ".join(x for x in (event.to, event.party) if x)
    return (f"{_ordinal(event.rank)} mandate to form a government" + (f" to {holder}" if holder else "")
            + (f", given by {event.by}" if event.by else ""))


@describe.register
def _(event: MandateReturned) -> str:
    return f"{_ordinal(event.rank)} mandate " + ("deemed returned" if event.deemed else "returned unfulfilled")


@describe.register
def _(event: MandateExtended) -> str:
    return f"{_ordinal(event.rank)} mandate extended to {event.until.isoformat()}"


@describe.register
def _(event: CaretakerAppointed) -> str:
    return "caretaker government appointed" + (f": {event.head}" if event.head else "")


@describe.register
def _(event: GovernmentResigned) -> str:
    return ("government deemed to resign" if event.deemed else "government resigns") + (
        f": {event.head}" if event.head else "")


def _tally(seats: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{party} {n}" for party, n in seats)


@describe.register
def _(event: CourtRuling) -> str:
    by = f"{event.court}" + (f" ({event.majority})" if event.majority else "")
    if event.effect == "upholds":
        return f"{by} upholds what was challenged"
    if event.effect == "voids_act":
        return f"{by} declares {event.act} void"
    if event.partial:
        where = f" in {', '.join(event.constituencies)}" if event.constituencies else ""
        return f"{by} annuls the polls{where}" + (f": seats of {_tally(event.seats)}" if event.seats else "")
    return f"{by} annuls the election"


@describe.register
def _(event: SeatsVacated) -> str:
    return f"{event.members} seat{'s' * (event.members != 1)} of {event.party} vacated ({event.reason})"


@describe.register
def _(event: ByElectionHeld) -> str:
    return ("re-run poll" if event.rerun else "by-election") + (f": {_tally(event.seats)}" if event.seats else "")
