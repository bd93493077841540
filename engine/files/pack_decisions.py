"""A decision rule's contest, chamber and ballot keys in a pack: how a winner is picked among
candidates, the run-off, the bodies that must each decide and the one that prevails when they
disagree, the ballot of a procedure a rule governs."""

from __future__ import annotations

import difflib
from typing import Any

from engine.files.keys import DECISION, names
from engine.files.located_yaml import Located, Path
from engine.rules.constitution import Rule, RuleKind
from engine.rules.threshold_nodes import Threshold
from engine.rules.vocabulary import CONTESTS, MAJORITY, PLURALITY, SOLE_CANDIDATE

__all__ = ["DECISION_KEYS", "read_decision"]

#: the keys this module reads, on a version, a rule or an override (their table: engine/files/keys.py)
DECISION_KEYS = names(DECISION)


def read_decision(d: Located, pick: Any, kind: RuleKind, threshold: Threshold | None, body: str,
                  bodies: list[str], base: Rule | None) -> dict[str, Any]:
    """The contest and chamber fields of one version, checked (inherited from ``base`` when not given).

    Args:
        d: the pack's located YAML.
        pick: ``pick(key) -> (path, value)``, the version's own value or its rule's default.
        kind: the rule's kind (only a decision has these keys).
        threshold: the version's threshold, already parsed.
        body: the rule's body.
        bodies: every body of the pack.
        base: the rule an override inherits from, if any.
    """
    if kind is not RuleKind.DECISION:
        for key in DECISION_KEYS:
            if pick(key)[1] is not None:
                raise d.fail(pick(key)[0], f"only a decision rule has '{key}'")
        return {}
    inherited = base if base is not None and base.kind is RuleKind.DECISION else None
    contest = d.text(pick("contest")[0], required=False) or (inherited.contest if inherited else None)
    if contest is not None and contest not in CONTESTS:
        hint = difflib.get_close_matches(contest, CONTESTS, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else f" (contests: {', '.join(CONTESTS)})"
        raise d.fail(pick("contest")[0], f"unknown contest {contest!r}{extra}")
    runoff = d.integer(pick("runoff")[0], required=False, minimum=2)
    if runoff is None and inherited is not None and contest == MAJORITY:
        runoff = inherited.runoff  # a reading that makes the contest a plurality drops the run-off
    if runoff is not None and contest != MAJORITY:
        raise d.fail(pick("runoff")[0], f"only a contest decided by '{MAJORITY}' has a run-off")
    if contest in (MAJORITY, SOLE_CANDIDATE) and threshold is None:
        msg = f"a contest decided by '{contest}' needs the threshold a candidate's votes must reach"
        raise d.fail(pick("threshold")[0], msg)
    if contest == PLURALITY and threshold is not None:
        raise d.fail(pick("threshold")[0], "a plurality is won by most votes: give 'threshold: null'")
    chambers = _bodies(d, pick("chambers")[0], bodies) or (inherited.chambers if inherited else ())
    if chambers and body not in chambers:
        raise d.fail(pick("chambers")[0], f"the chambers must include the rule's own body {body!r}")
    prevails = d.text(pick("prevails")[0], required=False) or (inherited.prevails if inherited else None)
    if prevails is not None and prevails not in chambers:
        raise d.fail(pick("prevails")[0], f"{prevails!r} is not one of the chambers ({', '.join(chambers) or 'none'})")
    ballot = d.integer(pick("ballot")[0], required=False, minimum=1)
    if ballot is None and inherited is not None:
        ballot = inherited.ballot
    return {"contest": contest, "runoff": runoff, "chambers": chambers, "prevails": prevails, "ballot": ballot}


def _bodies(d: Located, where: Path, bodies: list[str]) -> tuple[str, ...]:
    names = d.texts(where)
    for i, name in enumerate(names):
        if name not in bodies:
            place = (*where, i) if isinstance(d.lookup(where), list) else where
            raise d.fail(place, f"unknown body {name!r} (bodies: {', '.join(bodies)})")
    if len(set(names)) != len(names):
        raise d.fail(where, "a body is named twice")
    return names
