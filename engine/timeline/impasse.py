"""The impasse level, derived from a state's fields under the pack's own reading: disputes,
boycotts, a boycott that blocks what the constitution requires next, missed deadlines; and, per
reading, where the forming of a government stands.
"""

from __future__ import annotations

from engine.errors import CountsError
from engine.rules.constitution import Rule, RuleKind, RulesInForce
from engine.rules.thresholds import Counts, Subject, evaluate
from engine.rules.vocabulary import INSTALLS_GOVERNMENT
from engine.timeline.law import Day, LawMemo
from engine.timeline.state import (
    PENDING,
    RESIGNED,
    Formation,
    FormationLevel,
    Impasse,
    Level,
    Phase,
    Reading,
    Reason,
    State,
    get,
)

__all__ = ["formation", "formation_reads_date", "with_impasse"]


def with_impasse(state: State, memo: LawMemo, day: Day | None) -> State:
    """The state with its impasse level derived from its fields (``day``: the law on its date), and
    where the forming of a government stands under each reading."""
    # the level depends only on these, so states that share them share it (simulations revisit them)
    key = ("impasse", state.rejecting, state.complaints_pending, state.boycotts, state.overdue, state.had_impasse,
           state.phase, state.seats, state.body_size, None if day is None else id(day.ruleset))
    impasse, had = memo.judged(key, _impasse, state, memo.law.body, None if day is None else day.ruleset)
    # the formation level reads these alone; the date only when a government may be taking office
    # (once formed, the level keeps the day it did), so that most steps find it judged before
    shape: tuple = ("formation", state.phase, state.poll, state.failed_votes, state.mandates, state.mandate is None,
                    state.government, state.government_status, state.government_lawful, state.formation,
                    state.on if formation_reads_date(state) else None)
    forming = memo.judged(shape, _formations, state, memo.law.readings)
    if forming is not state.formation and forming == state.formation:
        forming = state.formation  # the same objects: equal states stay cheap to compare
    now = state.impasse
    if had == state.had_impasse and forming is state.formation and (
            impasse is now or (impasse.level is now.level and impasse.reasons == now.reasons)):
        return state
    return state.replace(impasse=impasse, had_impasse=had, formation=forming)


_NONE = Formation()


def formation_reads_date(state: State) -> bool:
    """Whether the formation level :func:`with_impasse` gives ``state`` depends on the state's date: when
    none is judged yet, or a government holds office that is not yet ``formed`` under every reading."""
    head, poll = state.government, state.poll
    return not state.formation or (head is not None and not all(
        f.level is FormationLevel.FORMED and f.reasons[0].target == head and f.reasons[0].since == poll
        for _, f in state.formation))


def _formations(state: State, readings: tuple[Reading, ...]) -> tuple[tuple[Reading, Formation], ...]:
    return tuple((reading, formation(state, reading)) for reading in readings)


def formation(state: State, reading: Reading) -> Formation:
    """Where the forming of a government stands under ``reading``, from the state's fields alone.

    ``dissolved`` while the assembly is dissolved; with a government in office, ``caretaker`` if it lost
    the vote that confirms it under this reading, ``formation`` (``formation failing`` after lost votes)
    while it awaits that vote, and ``formed`` once it holds office after an election; with none,
    ``formation`` (or ``formation failing``) after an election or a government's fall. Reasons carry
    the election's date, from which the days are counted; a government formed without a lawful vote
    under the reading is ``formed`` with a reason that says so.
    """
    since = state.poll
    if state.phase is Phase.DISSOLVED:
        return Formation(FormationLevel.DISSOLVED, (Reason("dissolved", since=since),))
    failed = (Reason("failed", count=state.failed_votes),) if state.failed_votes else ()
    returned = state.mandates - (1 if state.mandate is not None else 0)  # mandates given and given back
    if returned > 0:
        failed = (*failed, Reason("returned", count=returned))
    level = FormationLevel.FAILING if failed else FormationLevel.FORMATION
    head = state.government
    if head is None:
        if since is None and state.phase is Phase.BEFORE_POLL:
            return _NONE
        return Formation(level, (Reason("formation", since=since), *failed))
    status = get(state.government_status, reading)
    if status == RESIGNED:
        return Formation(FormationLevel.CARETAKER, (Reason("caretaker", target=head, since=since), *failed))
    if status == PENDING:
        return Formation(level, (Reason("pending", target=head, since=since), *failed))
    # formed, but not by a lawful vote under this reading: the level says so, the verdict stays a finding's
    unlawful = (Reason("unlawful", target=head),) if get(state.government_lawful, reading) is False else ()
    before = get(state.formation, reading, _NONE)
    if before.level is FormationLevel.FORMED and before.reasons[0].since == since and \
            before.reasons[0].target == head and before.reasons[1:] == unlawful:
        return before  # formed earlier: the days stopped on the day it took office
    if since is None and before.level is FormationLevel.NONE:
        return _NONE  # in office from before the scenario began: no formation to speak of
    return Formation(FormationLevel.FORMED, (Reason("formed", target=head, since=since, until=state.on), *unlawful))


def _impasse(state: State, body: str, ruleset: RulesInForce | None) -> tuple[Impasse, bool]:
    reasons: list[Reason] = []
    level = Level.NONE
    if state.rejecting:
        reasons.append(Reason("rejecting", tuple(sorted(state.rejecting))))
    if state.complaints_pending:
        reasons.append(Reason("complaints", count=state.complaints_pending))
    if reasons:
        level = Level.DISPUTED
    if state.boycotts:
        level = Level.BOYCOTT
        for target in sorted({t for _, t in state.boycotts}):
            reasons.append(Reason("boycott", tuple(sorted(state.boycotting(target))), target=target))
    blocked = _blocked(state, body, ruleset) if level in (Level.BOYCOTT, Level.DISPUTED) else None
    if blocked:
        level = Level.DEADLOCK
        reasons.append(blocked)
    if level is not Level.NONE and state.overdue:
        level = Level.DEADLOCK
        reasons.append(Reason("overdue", rules=state.overdue))
    had = state.had_impasse or level is not Level.NONE
    if level is Level.NONE and state.had_impasse:
        level = Level.RESOLVED
        reasons.append(Reason("resolved"))
    return Impasse(level, tuple(reasons)), had


def _blocked(state: State, body: str, ruleset: RulesInForce | None) -> Reason | None:
    """Why the parties that attend cannot do what the constitution requires next, if they can't."""
    if ruleset is None or state.body_size is None or not state.seats:
        return None
    away = state.boycotting("parliament")
    if state.phase is Phase.ASSEMBLY_CONVENED:
        away = away | state.boycotting("government")  # parties refusing to support any government
    if not away:
        return None
    available = sum(n for p, n in state.seats if p not in away)
    needs: list[tuple[Rule, Subject]]
    if Phase.OFFICIAL_RESULTS.rank <= state.phase.rank < Phase.ASSEMBLY_CONVENED.rank:
        needs = [(r, Subject.PRESENT) for r in ruleset.of_kind(RuleKind.QUORUM, body, "opening")]
        target = "opening"
    elif state.phase is Phase.ASSEMBLY_CONVENED:
        needs = [(r, Subject.YES) for r in ruleset.of_kind(RuleKind.DECISION, body) if r.effect == INSTALLS_GOVERNMENT]
        target = "government"
    else:
        return None
    for rule, subject in needs:
        if rule.threshold is None:
            continue
        yes = available if subject is Subject.YES else None
        counts = Counts(all_members=state.body_size, present=available, yes=yes)
        try:
            outcome = evaluate(rule.threshold, counts, subject)
        except CountsError:
            continue
        if not outcome.satisfied:
            return Reason("blocked", tuple(sorted(away)), count=available, required=outcome.required, target=target,
                          article=rule.article)
    return None
