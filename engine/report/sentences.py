"""The sentences of findings: the engine's findings carry data, and this module writes their text.

One function per finding code (``docs/replay-format.md`` lists the codes); a reading is named as the
law names it. Every renderer takes a finding's text from :func:`finding_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from engine.rules.constitution import cite
from engine.timeline.findings import Finding
from engine.timeline.law import Law
from engine.timeline.state import Formation, Impasse, Reason

__all__ = ["CODES", "REASONS", "finding_text", "formation_days", "reason_text", "reason_texts"]


def finding_text(finding: Finding, law: Law) -> str:
    """The sentence that states ``finding``, naming readings as ``law`` names them."""
    write = CODES.get(finding.code)
    if write is None:
        return finding.code  # a code this version does not know: say what it is rather than fail
    return write(finding, law)


def _under(f: Finding, law: Law) -> str:
    return f"under {law.name(f.interpretation)} of {cite(f.article)}"


def _what(f: Finding) -> str:
    ballot = f.detail("ballot")
    return (f.subject or "").replace("_", " ") + (f" (ballot {ballot})" if ballot else "")


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _parties(f: Finding) -> str:
    return " and ".join(f.detail("parties", ()))


def _numbers(f: Finding, law: Law) -> str:
    return f"{f.count} in favour, {f.required} required ({f.threshold}) {_under(f, law)}"


def _body(body: str) -> str:
    return body.replace("-", " ")


def _needed(f: Finding) -> str:
    return "" if f.required is None else f", {f.required} required"


def _declared(f: Finding) -> str:
    winner = f.detail("winner")
    return f"; {winner} declared designated" if winner else ""


def _against(f: Finding, law: Law) -> str:
    """The numbers of a negative rule: what it counts, and what rejecting the motion takes."""
    return (f"{f.count} {f.detail('measures', 'votes against')}, {f.required} required to reject it ({f.threshold}) "
            f"{_under(f, law)}")


def _chamber(law: Law, body: str) -> str:
    """A chamber by the name its pack gives it (its id if the pack has no such body)."""
    found = [b.name for b in law.constitution.bodies if b.id == body]
    return found[0] if found else _body(body)


def _not_decided(f: Finding, law: Law) -> str:
    stands = (f"{_chamber(law, f.detail('prevails'))}'s decision stands: {f.detail('decision')}"
              if f.detail("decision") else "no other chamber's decision stands")
    return f"{_what(f)}: {_chamber(law, f.detail('body'))} did not decide within its period; {stands} {_under(f, law)}"


def _quorum(f: Finding, law: Law) -> str:
    word = "quorate" if f.code == "quorum.met" else "below quorum"
    return f"{f.subject} sitting {word}: {f.count} present, {f.required} required ({f.threshold}) {_under(f, law)}"


def _quorum_none(f: Finding, law: Law) -> str:
    shown = f"; {f.count} present" if f.count is not None else ""
    return f"{f.subject} sitting: no quorum required {_under(f, law)}{shown}"


def _deadline_missed(f: Finding, law: Law) -> str:
    start, due = f.detail("start"), f.detail("due")
    return (f"deadline missed: {f.detail('title')}; due {_iso(due)} ({(due - start).days} days after {_iso(start)}) "
            f"({cite(f.article)})")


def _deadline_lapsed(f: Finding, law: Law) -> str:
    start, due = f.detail("start"), f.detail("due")
    return (f"term ran out: {f.detail('title')}; it ended {_iso(due)} ({(due - start).days} days after {_iso(start)}) "
            f"({cite(f.article)})")


def _deadline_met(f: Finding, law: Law) -> str:
    return (f"deadline met: {f.detail('title')}; {f.count} days after {_iso(f.detail('start'))}, "
            f"due by {_iso(f.detail('due'))} ({cite(f.article)})")


def _deadline_too_early(f: Finding, law: Law) -> str:
    return (f"too early: {f.detail('title')}; done {f.count} days after {_iso(f.detail('start'))}, not before "
            f"{_iso(f.detail('opens'))} ({cite(f.article)})")


def _deadline_overextended(f: Finding, law: Law) -> str:
    return (f"extended too far: {f.detail('title')}; extended to {_iso(f.detail('until'))}, {f.count} days past its "
            f"last day {_iso(f.detail('last'))}, at most {f.required} allowed (to {_iso(f.detail('most'))}) "
            f"({cite(f.article)})")


def _deadline_ended(f: Finding, law: Law) -> str:
    return (f"deadline ended by the dissolution: {f.detail('title')}, due {_iso(f.detail('due'))}, is no longer due "
            f"({cite(f.article)})")


def _consequence(f: Finding, law: Law) -> str:
    events = " and ".join(e.replace("_", " ") for e in f.detail("events", ()))
    return f"{f.detail('title')}: the law brings about {events} ({cite(f.article)})"


CODES: dict[str, Callable[[Finding, Law], str]] = {
    # results and disputes
    "results.seats_unallocated": lambda f, law: f"{f.count} of {f.required} seats allocated in these results",
    "results.final": lambda f, law: f"final results by {f.detail('by')}: no further challenge is open",
    "complaints.final": lambda f, law: (f"{f.detail('by')} ruled finally ({f.detail('outcome')}): "
                                        "legal avenues exhausted"),
    "boycott.reaffirmed": lambda f, law: f"{f.detail('party')} reaffirms its boycott of {f.detail('of')}",
    "party.dissolved": lambda f, law: (f"{f.detail('party')} dissolved: {f.detail('lost')} seats lost, "
                                       f"{f.detail('reallocated')} reallocated"),
    # sittings
    "sitting.before_official_results": lambda f, law: "the new assembly opens before official results were announced",
    "convocation.not_recorded": lambda f, law: (f"{f.subject} sitting: who convened it is not recorded; "
                                                f"{cite(f.article)} requires the {f.detail('wanted')}"),
    "convocation.ok": lambda f, law: f"{f.subject} sitting convened by {f.detail('by')}, as {cite(f.article)} requires",
    "convocation.wrong": lambda f, law: (f"{f.subject} sitting convened by {f.detail('by')}, not by the "
                                         f"{f.detail('wanted')} ({cite(f.article)})"),
    "quorum.none_required": _quorum_none,
    "quorum.not_recorded": lambda f, law: (f"{f.subject} sitting: members present not recorded; {f.threshold} "
                                           f"required {_under(f, law)}"),
    "quorum.met": _quorum,
    "quorum.below": _quorum,
    "quorum.constituted": lambda f, law: (f"the assembly is now constituted: {f.count} present meets the "
                                          f"{f.required} required to open it {_under(f, law)}"),
    # votes
    "decision.no_rule": lambda f, law: (f"no decision rule for {f.subject} in the pack; "
                                        f"declared {f.detail('outcome')}"),
    "decision.tally_not_recorded": lambda f, law: (f"{_what(f)} declared {f.detail('outcome')}; the tally is not "
                                                   "recorded, so the rule can't be judged"),
    "decision.none_required": lambda f, law: f"{_what(f)}: no majority required {_under(f, law)}",
    "decision.too_few": lambda f, law: f"{_what(f)} declared adopted with too few votes: {_numbers(f, law)}",
    "decision.assembly_not_opened": lambda f, law: (f"{_what(f)} adopted: {_numbers(f, law)}; but the assembly was "
                                                    f"not lawfully opened under {law.name(f.interpretation)}"),
    "decision.adopted": lambda f, law: f"{_what(f)} adopted: {_numbers(f, law)}",
    "decision.rejected_though_met": lambda f, law: (f"{_what(f)} declared rejected although it met the rule: "
                                                    f"{_numbers(f, law)}"),
    "decision.rejected": lambda f, law: f"{_what(f)} rejected: {_numbers(f, law)}",
    "decision.not_rejected": lambda f, law: f"{_what(f)} stands, not rejected: {_against(f, law)}",
    "decision.rejected_by_majority": lambda f, law: f"{_what(f)} rejected: {_against(f, law)}",
    "decision.rejected_too_few": lambda f, law: (f"{_what(f)} declared rejected with too few votes against it: "
                                                 f"{_against(f, law)}"),
    "decision.stands_though_rejected": lambda f, law: (f"{_what(f)} declared to stand although the votes against "
                                                       f"it reject it: {_against(f, law)}"),
    # the government
    "government.not_judged": lambda f, law: "no confidence rule in the pack; formation not judged",
    "government.tally_not_recorded": lambda f, law: ("government formed after a vote of confidence whose tally is "
                                                     "not recorded: its lawfulness can't be judged"),
    "government.no_vote": lambda f, law: (f"government formed without an adopted vote of confidence under "
                                          f"{law.name(f.interpretation)}"),
    "government.lawful": lambda f, law: f"government installed by a lawful vote under {law.name(f.interpretation)}",
    "government.unlawful_vote": lambda f, law: (f"government installed by a vote that was not lawful under "
                                                f"{law.name(f.interpretation)}"),
    "government.refusal_ends": lambda f, law: (f"{_parties(f)}'s refusal to support a government ends with its "
                                               "formation"),
    "government.removed": lambda f, law: f"{_what(f)} adopted: the government ({f.detail('government')}) falls",
    "government.pending": lambda f, law: (f"government ({f.detail('government')}) appointed; pending its vote "
                                          f"({_what(f)}) {_under(f, law)}"),
    "government.confirmed": lambda f, law: (f"government ({f.detail('government')}) confirmed by a lawful vote "
                                            f"({_what(f)}) under {law.name(f.interpretation)}"),
    "government.must_resign": lambda f, law: (f"government ({f.detail('government')}) lost its vote ({_what(f)}): "
                                              f"it must resign, and stays as caretaker until its successor"),
    "government.attempts_exhausted": lambda f, law: (f"{f.count} failed attempts to win a vote ({_what(f)}) for "
                                                     f"a newly appointed government: the count at which "
                                                     f"{cite(f.article)} attaches its consequence"),
    # contests between candidates, and chambers
    "contest.elected": lambda f, law: (f"{_what(f)}: {f.detail('winner')} designated with {f.count} votes"
                                       f"{_needed(f)} ({f.threshold}) {_under(f, law)}"),
    "contest.runoff_due": lambda f, law: (f"{_what(f)}: no candidate reached {f.required} votes ({f.threshold}); "
                                          f"a run-off between {' and '.join(f.detail('finalists', ()))} "
                                          f"{_under(f, law)}"),
    "contest.no_winner": lambda f, law: (f"{_what(f)}: no candidate reached {f.required} votes ({f.threshold}); "
                                         f"no one designated {_under(f, law)}"),
    "contest.tie": lambda f, law: (f"{_what(f)}: a tie between {' and '.join(f.detail('tied', ()))} the count does "
                                   f"not settle ({f.threshold}){_declared(f)} {_under(f, law)}"),
    "contest.winner_not_produced": lambda f, law: (f"{_what(f)}: {f.detail('winner')} declared designated, but "
                                                   f"the rule gives {f.detail('derived') or 'no one'} "
                                                   f"({f.threshold}) {_under(f, law)}"),
    "contest.winner_not_declared": lambda f, law: (f"{_what(f)}: the rule gives {f.detail('derived')} "
                                                   f"({f.count} votes{_needed(f)}, {f.threshold}), but no one was "
                                                   f"declared designated {_under(f, law)}"),
    "contest.outside_runoff": lambda f, law: (f"{_what(f)}: votes for {', '.join(f.detail('outside', ()))} in a "
                                              f"run-off between {' and '.join(f.detail('finalists', ()))} "
                                              f"{_under(f, law)}"),
    "contest.tally_not_recorded": lambda f, law: (f"{_what(f)}: {f.detail('winner') or 'no one'} declared; the "
                                                  "votes per candidate are not all recorded, so the rule can't be "
                                                  "judged"),
    "chambers.agree": lambda f, law: (f"{_what(f)}: every chamber decided alike ({f.detail('decision')}): the "
                                      f"decision stands {_under(f, law)}"),
    "chambers.disagree": lambda f, law: (f"{_what(f)}: the chambers disagree ({'; '.join(f.detail('chambers', ()))})"
                                         f"; unless a joint committee agrees, {f.detail('prevails')} prevails: "
                                         f"{f.detail('decision')} {_under(f, law)}"),
    "chambers.no_consent": lambda f, law: (f"{_what(f)}: the chambers disagree "
                                           f"({'; '.join(f.detail('chambers', ()))}) and all must consent: no "
                                           f"decision {_under(f, law)}"),
    "chambers.not_decided": _not_decided,
    "government.confidence_of_chamber": lambda f, law: (f"government ({f.detail('government')}) won the confidence "
                                                        f"of the {_body(f.detail('body'))}; still pending in the "
                                                        f"{', '.join(map(_body, f.detail('awaiting', ())))} "
                                                        f"{_under(f, law)}"),
    # deadlines
    "deadline.missed": _deadline_missed,
    "deadline.lapsed": _deadline_lapsed,
    "deadline.met": _deadline_met,
    "deadline.done_late": lambda f, law: f"done late: {f.detail('title')} ({cite(f.article)})",
    "deadline.too_early": _deadline_too_early,
    "deadline.ended": _deadline_ended,
    "deadline.overextended": _deadline_overextended,
    # consequences and mandates
    "consequence.derived": _consequence,
    "mandate.extended": lambda f, law: (f"mandate {f.detail('rank')} extended to {_iso(f.detail('until'))}"
                                        + (f" (it ran to {_iso(f.detail('was'))})" if f.detail("was") else "")),
    # courts and seats
    "court.election_annulled": lambda f, law: f"{_court(f)} annuls the election of {_iso(f.detail('poll'))}",
    "court.seats_annulled": lambda f, law: (f"{_court(f)} annuls " + (f"{f.count} seats of " if f.count else "")
                                            + f"the election of {_iso(f.detail('poll'))}" + _places(f)
                                            + (": they are vacant" if f.count else "")),
    "court.upheld": lambda f, law: f"{_court(f)} upholds what was challenged",
    "court.act_void": lambda f, law: (f"{_court(f)} declares {f.detail('act')} void from this day"
                                      + (f": it was held lawful before under {_readings(f, law)}, and is "
                                         "unlawful from now on" if f.detail("reverses") else "")),
    "convening.met": lambda f, law: (f"{f.subject} sitting: {f.count} seats filled, {f.required} needed before the "
                                     f"body may sit ({f.threshold}, {cite(f.article)})"),
    "convening.seats_unfilled": lambda f, law: (f"{f.subject} sitting held with {f.count} seats filled: the body may "
                                                f"not sit before {f.required} are ({f.threshold}, {cite(f.article)})"),
    "convening.not_recorded": lambda f, law: (f"{f.subject} sitting: the seats filled are not recorded, so the "
                                              f"condition of {cite(f.article)} ({f.threshold}) is not judged"),
    "seats.vacated": lambda f, law: (f"{f.count} seat{'s' * (f.count != 1)} of {f.detail('party')} vacated "
                                     f"({f.detail('reason')})"),
    "seats.filled": lambda f, law: (f"{'a re-run poll' if f.detail('rerun') else 'a by-election'} fills {f.count} "
                                    f"of {f.required} vacant seats" + _places(f)),
}


def _court(f: Finding) -> str:
    return f"{f.detail('court')}" + (f" ({f.detail('majority')})" if f.detail("majority") else "")


def _readings(f: Finding, law: Law) -> str:
    return ", ".join(law.name(reading) for reading in f.detail("reverses"))


def _places(f: Finding) -> str:
    places = f.detail("constituencies")
    return f" in {', '.join(places)}" if places else ""


# --------------------------------------------------------------------------- the impasse's reasons


def reason_text(reason: Reason, on: date | None = None) -> str:
    """The sentence for one reason of the impasse or formation level (``on``: the state's date, from
    which a formation's days are counted while they run)."""
    write = REASONS.get(reason.code)
    if write is None:
        return reason.code
    text = write(reason)
    days = formation_days(reason, on)
    if reason.since is not None:
        text += f", {days} days after the election of {reason.since.isoformat()}" if days is not None else \
            f", since the election of {reason.since.isoformat()}"
    return text


def reason_texts(impasse: Impasse | Formation, on: date | None = None) -> list[str]:
    """The sentences for every reason of an impasse or a formation level, in order."""
    return [reason_text(r, on) for r in impasse.reasons]


def formation_days(reason: Reason, on: date | None) -> int | None:
    """The days from the election to ``until`` (a government formed) or, while they run, to ``on``."""
    end = reason.until or on
    return None if reason.since is None or end is None else (end - reason.since).days


def _names(reason: Reason) -> str:
    return " and ".join(reason.parties)


def _s(reason: Reason) -> str:
    """The verb's -s for one party."""
    return "s" if len(reason.parties) == 1 else ""


_BLOCKED = {"opening": "open the assembly", "government": "install a government"}

REASONS: dict[str, Callable[[Reason], str]] = {
    "rejecting": lambda r: f"{_names(r)} reject{_s(r)} the results",
    "complaints": lambda r: f"{r.count} complaint(s) pending",
    "boycott": lambda r: f"{_names(r)} boycott{_s(r)} {r.target}",
    "blocked": lambda r: (f"without {_names(r)}, {r.count} members can't {_BLOCKED.get(r.target or '', r.target)}: "
                          f"{r.required} required by {cite(r.article)}"),
    "overdue": lambda r: f"deadline missed and not yet met: {', '.join(r.rules)}",
    "resolved": lambda r: "no dispute or boycott remains",
    # the forming of a government (docs/replay-format.md, "The formation level")
    "formation": lambda r: "no government formed yet",
    "pending": lambda r: f"the government of {r.target} awaits the vote that confirms it",
    "failed": lambda r: f"{r.count} vote(s) lost by governments awaiting confirmation",
    "returned": lambda r: f"{r.count} mandate(s) to form a government given back",
    "caretaker": lambda r: f"the government of {r.target} lost its vote and stays in office as caretaker",
    "dissolved": lambda r: "the assembly is dissolved: a new election is due",
    "formed": lambda r: f"the government of {r.target} took office"
                        + (f" on {r.until.isoformat()}" if r.until else ""),
    "unlawful": lambda r: "not installed by a lawful vote under this reading",
}
