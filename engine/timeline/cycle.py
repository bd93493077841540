"""Handlers for the electoral cycle outside parliament: polls, results, disputes, gatherings,
boycotts, talks, agreements, parties dissolved; mandates to form a government, caretakers and
resignations; court rulings, seats vacated and the by-elections and re-runs that fill them.

Each handler checks first (an impossible event raises :class:`EngineError` and changes nothing),
then returns the new state and its findings.
"""

from __future__ import annotations

import attrs

from engine.errors import EngineError
from engine.timeline.court_events import ByElectionHeld, CourtRuling, SeatsVacated
from engine.timeline.events import (
    AgreementReached,
    BoycottDeclared,
    BoycottEnded,
    CaretakerAppointed,
    ComplaintFiled,
    ComplaintRuled,
    ElectionHeld,
    Event,
    GovernmentResigned,
    LegislatureInOffice,
    MandateExtended,
    MandateGiven,
    MandateReturned,
    PartyDissolved,
    Protest,
    Rally,
    ResultsAccepted,
    ResultsAnnounced,
    ResultsRejected,
    TalksHeld,
    unique_id,
)
from engine.timeline.findings import DAYS, SEATS, Finding, Verdict
from engine.timeline.law import LawMemo
from engine.timeline.state import RESIGNED, Deadline, Gathering, Mandate, Phase, State, get, put

__all__ = ["ENDS_MANDATE", "HANDLERS", "Result", "not_sitting", "refused"]

#: the events that end a mandate to form a government: it was fulfilled, or the parliament is gone
ENDS_MANDATE = frozenset({"government_formed", "assembly_dissolved"})

Result = tuple[State, list[Finding]]


def _election_held(event: ElectionHeld, state: State, memo: LawMemo) -> Result:
    if state.phase in (Phase.POLLS_CLOSED, Phase.PROVISIONAL_RESULTS, Phase.OFFICIAL_RESULTS):
        msg = f"can't hold an election while one is under way (phase: {state.phase.value})"
        raise EngineError(msg, event, "type")
    fresh = State(body=state.body, on=event.at, body_size=state.body_size, phase=Phase.POLLS_CLOSED, poll=event.at,
                  boycotts=frozenset(b for b in state.boycotts if b[1] == "election"), rejecting=frozenset(),
                  gatherings=state.gatherings, missed=state.missed, had_impasse=state.had_impasse,
                  deadlines=state.deadlines, overdue=state.overdue,  # overdue: answered, then dropped, by deadlines
                  annulled=state.annulled, void_acts=state.void_acts)  # history a new legislature keeps
    return fresh, []


def _legislature_in_office(event: LegislatureInOffice, state: State, memo: LawMemo) -> Result:
    if state.phase is not Phase.BEFORE_POLL or state.sittings:
        msg = "legislature_in_office can only start a scenario (before any poll or sitting)"
        raise EngineError(msg, event, "type")
    total = sum(n for _, n in event.seats)
    if state.body_size is not None and total > state.body_size:
        msg = f"{total} seats in office, but the body has {state.body_size} seats"
        raise EngineError(msg, event, "seats")
    phase = Phase.GOVERNMENT_FORMED if event.government else Phase.ASSEMBLY_CONVENED
    vacant = 0 if state.body_size is None else state.body_size - total  # seats not in office are unfilled
    return state.replace(seats=event.seats, seated=event.seats, sittings=1, phase=phase,
                         government=event.government, vacant=vacant), []


def _results_announced(event: ResultsAnnounced, state: State, memo: LawMemo) -> Result:
    if state.poll is None:
        msg = "can't announce results before an election is held"
        raise EngineError(msg, event, "type")
    if event.stage == "preliminary" and state.phase.rank >= Phase.OFFICIAL_RESULTS.rank:
        msg = f"preliminary results can't follow official results (phase: {state.phase.value})"
        raise EngineError(msg, event, "stage")
    findings: list[Finding] = []
    seats, vacant = state.seats, state.vacant
    if event.seats:
        total = sum(n for _, n in event.seats)
        if state.body_size is not None and total > state.body_size:
            msg = f"{total} seats announced, but the body has {state.body_size} seats"
            raise EngineError(msg, event, "seats")
        if state.body_size is not None and total < state.body_size:
            findings.append(Finding(Verdict.WARNING, "results.seats_unallocated", count=total,
                                    required=state.body_size, unit=SEATS))
        # seats the results leave unallocated are unfilled: a by-election may fill them
        seats, vacant = event.seats, (0 if state.body_size is None else state.body_size - total)
    phase = state.phase
    target = Phase.PROVISIONAL_RESULTS if event.stage == "preliminary" else Phase.OFFICIAL_RESULTS
    if phase.rank < target.rank:
        phase = target
    exhausted = state.avenues_exhausted or event.stage == "final"
    if event.stage == "final":
        findings.append(Finding(Verdict.INFO, "results.final", details=(("by", event.by),)))
    return state.replace(seats=seats, seats_stage=event.stage, phase=phase, avenues_exhausted=exhausted,
                         vacant=vacant), findings


def _complaint_filed(event: ComplaintFiled, state: State, memo: LawMemo) -> Result:
    # no count: at least one complaint, and no bound on how many
    most = None if state.complaints_most is None or event.count is None else \
        state.complaints_most + (event.count if event.count_max is None else event.count_max)
    return state.replace(complaints_pending=state.complaints_pending + (1 if event.count is None else event.count),
                         complaints_most=most), []


def _complaint_ruled(event: ComplaintRuled, state: State, memo: LawMemo) -> Result:
    most = state.complaints_most
    if event.count is not None and most is not None and event.count > most and event.filings_recorded:
        msg = (f"{event.count} complaints ruled on, but at most {most} were filed and not yet ruled on (sources "
               "that differ on a filing's count: its highest as count_max; filings not in the sources: "
               "filings_recorded: false)")
        raise EngineError(msg, event, "count")
    pending = max(0, state.complaints_pending - (event.count or state.complaints_pending))
    if event.final:
        pending = 0
    # a ruling with no count rules on every complaint pending
    if event.final or not event.count:
        most = 0
    elif most is not None:
        most = max(0, most - event.count)  # below 0 only for filings not recorded
    findings = []
    if event.final:
        findings.append(Finding(Verdict.INFO, "complaints.final",
                                details=(("by", event.by), ("outcome", event.outcome))))
    return state.replace(complaints_pending=pending, complaints_most=most,
                         avenues_exhausted=state.avenues_exhausted or event.final), findings


def _results_rejected(event: ResultsRejected, state: State, memo: LawMemo) -> Result:
    return state.replace(rejecting=state.rejecting | {event.party}), []


def _results_accepted(event: ResultsAccepted, state: State, memo: LawMemo) -> Result:
    if event.party not in state.rejecting:
        msg = f"{event.party} can't accept results it has not rejected"
        raise EngineError(msg, event, "party")
    return state.replace(rejecting=state.rejecting - {event.party}), []


def _gathering(event: Rally | Protest, state: State, memo: LawMemo) -> Result:
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


def _boycott_declared(event: BoycottDeclared, state: State, memo: LawMemo) -> Result:
    if event.of in ("parliament", "government") and state.seats and not get(state.seats, event.party, 0):
        seated = ", ".join(p for p, n in state.seats if n) or "none"
        msg = f"{event.party} holds no seats, so it can't boycott {event.of} (parties with seats: {seated})"
        raise EngineError(msg, event, "party")
    findings = []
    if (event.party, event.of) in state.boycotts:
        findings.append(Finding(Verdict.INFO, "boycott.reaffirmed",
                                details=(("party", event.party), ("of", event.of))))
    return state.replace(boycotts=state.boycotts | {(event.party, event.of)}), findings


def _boycott_ended(event: BoycottEnded, state: State, memo: LawMemo) -> Result:
    if (event.party, event.of) not in state.boycotts:
        msg = f"{event.party} has no boycott of {event.of} to end"
        raise EngineError(msg, event, "party")
    return state.replace(boycotts=state.boycotts - {(event.party, event.of)}), []


def _talks_held(event: TalksHeld, state: State, memo: LawMemo) -> Result:
    return state, []


def _agreement_reached(event: AgreementReached, state: State, memo: LawMemo) -> Result:
    parties = set(event.parties)
    boycotts = frozenset(b for b in state.boycotts if not (event.ends_boycott and b[0] in parties))
    rejecting = state.rejecting - parties if event.ends_dispute else state.rejecting
    return state.replace(boycotts=boycotts, rejecting=rejecting), []


def _party_dissolved(event: PartyDissolved, state: State, memo: LawMemo) -> Result:
    held: int = get(state.seats, event.party, 0)
    moved = sum(n for _, n in event.seats_to)
    if moved > held:
        msg = f"{moved} seats reallocated, but {event.party} holds {held}"
        raise EngineError(msg, event, "seats_to")
    seats = tuple((p, n) for p, n in state.seats if p != event.party)
    for party, n in event.seats_to:
        seats = put(seats, party, get(seats, party, 0) + n)
    seated = tuple((p, n) for p, n in state.seated if p != event.party)
    details = (("party", event.party), ("lost", held), ("reallocated", moved))
    findings = [Finding(Verdict.INFO, "party.dissolved", details=details)]
    return state.replace(seats=seats, seated=seated,
                         boycotts=frozenset(b for b in state.boycotts if b[0] != event.party),
                         rejecting=state.rejecting - {event.party}), findings


def refused(state: State, memo: LawMemo) -> bool:
    """Whether the body can't vote or table a motion now: it has not sat since the election, or it
    is dissolved and its pack does not say it sits on until the new assembly opens."""
    return state.sittings == 0 or (state.phase is Phase.DISSOLVED and not memo.law.sits_on)


def not_sitting(act: str, state: State) -> str:
    """Why the body can't ``act`` (hold a vote, table a motion) now: it has not convened since the
    election, or it is dissolved. The second is said as such: "not convened" misled a user whose
    Knesset, dissolved by the law at midnight, passed its own dissolution law at 3 a.m."""
    if state.phase is Phase.DISSOLVED:
        return (f"can't {act} when the assembly is dissolved (a dissolved assembly holds no sittings in this "
                "engine: record the new election and its opening sitting first)")
    return f"can't {act} when parliament has not convened (record a parliament_convened event first)"


def _running(state: State, rank: int, event: Event, field: str = "rank") -> Mandate:
    mandate = state.mandate
    if mandate is None or mandate.rank != rank:
        running = "none" if mandate is None else f"mandate {mandate.rank}"
        msg = f"no mandate {rank} to form a government is running (running: {running})"
        raise EngineError(msg, event, field)
    return mandate


def _mandate_given(event: MandateGiven, state: State, memo: LawMemo) -> Result:
    running = state.mandate
    if running is not None and running.rank == event.rank and running.holder is None and running.party is None:
        # the law passed this mandate on (a consequence) to no one named: this event names its holder,
        # and its period still runs from the day it passed
        return state.replace(mandate=attrs.evolve(running, holder=event.to, party=event.party)), []
    if state.mandate is not None:
        msg = (f"mandate {state.mandate.rank} is still running: record its return (mandate_returned) or the "
               "government formed before giving another")
        raise EngineError(msg, event, "rank")
    if event.rank != state.mandates + 1:
        msg = (f"mandate {event.rank} can't follow {f'mandate {state.mandates}' if state.mandates else 'none'}: "
               f"ranks count the mandates given since the election, so this one is {state.mandates + 1}")
        raise EngineError(msg, event, "rank")
    mandate = Mandate(event.rank, event.at, event.to, event.party, event.id)
    return state.replace(mandate=mandate, mandates=event.rank), []


def _mandate_returned(event: MandateReturned, state: State, memo: LawMemo) -> Result:
    _running(state, event.rank, event)
    return state.replace(mandate=None), []


def _mandate_extended(event: MandateExtended, state: State, memo: LawMemo) -> Result:
    mandate = _running(state, event.rank, event)
    if event.until < event.at:
        msg = f"a mandate can't be extended to {event.until}, before the extension itself ({event.at})"
        raise EngineError(msg, event, "until")
    # the mandate's period is every deadline its giving started
    ours = [d for d in state.deadlines if d.anchor == mandate.event and d.start == mandate.given]
    deadlines = tuple(attrs.evolve(d, due=event.until) if d in ours else d for d in state.deadlines)
    details = (("rank", event.rank), ("until", event.until), ("was", ours[0].due if ours else None))
    findings = [Finding(Verdict.INFO, "mandate.extended", details=details)]
    return state.replace(deadlines=deadlines), findings + _overextended(ours, event, memo)


def _overextended(ours: list[Deadline], event: MandateExtended, memo: LawMemo) -> list[Finding]:
    """A violation for each period extended past the most its rule allows (``extension``), counted
    from the period's own last day: the cap is on the extensions in total, so a second extension is
    measured from the first day the period had, not from the first extension's."""
    findings = []
    rules = memo.day(event.at).deadlines
    for d in ours:
        rule = rules.get(d.rule)
        if rule is None or rule.extension is None or rule.counted is None:
            continue
        last = rule.counted.end(d.start)
        most = rule.extension.end(last)
        if event.until > most:
            details = (("title", d.title), ("rank", event.rank), ("until", event.until), ("most", most), ("last", last))
            findings.append(Finding(Verdict.VIOLATION, "deadline.overextended", d.rule, d.article,
                                    count=(event.until - last).days, required=(most - last).days, unit=DAYS,
                                    details=details))
    return findings


def _caretaker_appointed(event: CaretakerAppointed, state: State, memo: LawMemo) -> Result:
    # in office until a government is formed: under every reading it is a caretaker, not one formed
    caretaker = tuple((reading, RESIGNED) for reading in memo.law.readings)
    return state.replace(government=event.head or "caretaker government", government_status=caretaker), []


def _government_resigned(event: GovernmentResigned, state: State, memo: LawMemo) -> Result:
    if state.government is None:
        msg = "there is no government to resign"
        raise EngineError(msg, event, "type")
    phase = Phase.ASSEMBLY_CONVENED if state.phase is Phase.GOVERNMENT_FORMED else state.phase
    return state.replace(government=None, phase=phase, confidence_lawful=(), government_lawful=()), []


# --------------------------------------------------------------------------- courts and seats


def _take_seats(state: State, taken: tuple[tuple[str, int], ...], event: Event, field: str, what: str) -> State:
    """``taken`` seats per party leave their holders and fall vacant (seats filled never go below zero)."""
    seats, seated = state.seats, state.seated
    for party, n in taken:
        held: int = get(seats, party, 0)
        if n > held:
            msg = f"{n} seats of {party} {what}, but it holds {held}"
            raise EngineError(msg, event, field)
        seats = put(seats, party, held - n)
        if get(seated, party) is not None:
            seated = put(seated, party, min(get(seated, party), held - n))
    return state.replace(seats=seats, seated=seated, vacant=state.vacant + sum(n for _, n in taken))


def _court_ruling(event: CourtRuling, state: State, memo: LawMemo) -> Result:
    details: tuple[tuple[str, object], ...] = (("court", event.court), ("majority", event.majority))
    if event.effect == "upholds":
        return state, [Finding(Verdict.INFO, "court.upheld", details=details)]
    if event.effect == "voids_act":
        return _void(event, state, details)
    if state.poll is None:
        msg = "a court can't annul an election before one is held"
        raise EngineError(msg, event, "effect")
    annulled = (*state.annulled, (state.poll, event.constituencies))
    details = (*details, ("poll", state.poll), ("constituencies", event.constituencies))
    if event.partial:
        new = _take_seats(state, event.seats, event, "seats", "annulled")
        return new.replace(annulled=annulled), [
            Finding(Verdict.INFO, "court.seats_annulled", count=sum(n for _, n in event.seats), unit=SEATS,
                    details=(*details, ("seats", event.seats)))]
    # the whole election is void: its results no longer stand, and a fresh poll may be held (the pack's
    # deadline anchored on this ruling says by when); the sitting assembly, if any, is not touched
    phase = state.phase if state.phase.rank > Phase.OFFICIAL_RESULTS.rank else Phase.BEFORE_POLL
    new = state.replace(annulled=annulled, phase=phase, **({} if phase is state.phase else {
        "seats": (), "seats_stage": None, "poll": None, "avenues_exhausted": False}))
    return new, [Finding(Verdict.INFO, "court.election_annulled", details=details)]


def _void(event: CourtRuling, state: State, details: tuple[tuple[str, object], ...]) -> Result:
    """The act is void from the ruling on: the verdicts the state keeps about it turn to unlawful, and the
    finding names those it reverses (the earlier findings stay in the timeline: what was believed then)."""
    assert event.act is not None  # the event's validator
    if event.act in state.void_acts:
        msg = f"{event.act!r} was already declared void"
        raise EngineError(msg, event, "act")
    field = {"opening": "opened_lawfully", "government": "government_lawful"}.get(event.act_kind)
    verdicts: tuple[tuple[str | None, bool], ...] = getattr(state, field) if field else ()
    reversed_readings = tuple(reading for reading, lawful in verdicts if lawful)  # None: the pack's own
    changes = {field: tuple((reading, False) for reading, _ in verdicts)} if field else {}
    new = state.replace(void_acts=(*state.void_acts, event.act), **changes)
    finding = Finding(Verdict.VIOLATION, "court.act_void", subject=event.act_kind,
                      details=(*details, ("act", event.act), ("reverses", reversed_readings)))
    return new, [finding]


def _seats_vacated(event: SeatsVacated, state: State, memo: LawMemo) -> Result:
    new = _take_seats(state, ((event.party, event.members),), event, "members", "vacated")
    details = (("party", event.party), ("reason", event.reason))
    return new, [Finding(Verdict.INFO, "seats.vacated", count=event.members, unit=SEATS, details=details)]


def _by_election_held(event: ByElectionHeld, state: State, memo: LawMemo) -> Result:
    # a poll for some seats only, which may come in any phase: it is no new legislature
    filled = sum(n for _, n in event.seats)
    if filled > state.vacant:
        msg = (f"{filled} seats filled, but {state.vacant} are vacant (record the seats_vacated, or the court "
               "ruling that annulled them, first)")
        raise EngineError(msg, event, "seats")
    seats = state.seats
    for party, n in event.seats:
        seats = put(seats, party, get(seats, party, 0) + n)
    details = (("rerun", event.rerun), ("constituencies", event.constituencies), ("seats", event.seats))
    finding = Finding(Verdict.INFO, "seats.filled", count=filled, required=state.vacant, unit=SEATS, details=details)
    return state.replace(seats=seats, vacant=state.vacant - filled), [finding]


HANDLERS = {
    ElectionHeld: _election_held,
    LegislatureInOffice: _legislature_in_office,
    ResultsAnnounced: _results_announced,
    ComplaintFiled: _complaint_filed,
    ComplaintRuled: _complaint_ruled,
    ResultsRejected: _results_rejected,
    ResultsAccepted: _results_accepted,
    Rally: _gathering,
    Protest: _gathering,
    BoycottDeclared: _boycott_declared,
    BoycottEnded: _boycott_ended,
    TalksHeld: _talks_held,
    AgreementReached: _agreement_reached,
    PartyDissolved: _party_dissolved,
    MandateGiven: _mandate_given,
    MandateReturned: _mandate_returned,
    MandateExtended: _mandate_extended,
    CaretakerAppointed: _caretaker_appointed,
    GovernmentResigned: _government_resigned,
    CourtRuling: _court_ruling,
    SeatsVacated: _seats_vacated,
    ByElectionHeld: _by_election_held,
}
