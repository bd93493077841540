"""The impasse level, derived from a state's fields under the pack's own reading: disputes,
boycotts, a boycott that blocks what the constitution requires next, missed deadlines.
"""

from __future__ import annotations

from engine.errors import CountsError
from engine.rules.constitution import Rule, RuleKind, RulesInForce
from engine.rules.thresholds import Counts, Subject, evaluate
from engine.rules.vocabulary import INSTALLS_GOVERNMENT
from engine.timeline.law import Day, LawMemo
from engine.timeline.state import Impasse, Level, Phase, Reason, State

__all__ = ["with_impasse"]


def with_impasse(state: State, memo: LawMemo, day: Day | None) -> State:
    """The state with its impasse level derived from its fields (``day``: the law on its date)."""
    # the level depends only on these, so states that share them share it (simulations revisit them)
    key = ("impasse", state.rejecting, state.complaints_pending, state.boycotts, state.overdue, state.had_impasse,
           state.phase, state.seats, state.body_size, None if day is None else id(day.ruleset))
    impasse, had = memo.judged(key, _impasse, state, memo.law.body, None if day is None else day.ruleset)
    now = state.impasse
    if had == state.had_impasse and (impasse is now or (impasse.level is now.level and impasse.reasons == now.reasons)):
        return state
    return state.replace(impasse=impasse, had_impasse=had)


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
