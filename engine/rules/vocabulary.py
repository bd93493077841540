"""The vocabulary of constitution packs that events share: kinds of sitting and of motion.

Events name the sitting and the motion of an act in these words, and pack rules say which ones they
govern, so both take them from here. (Event type names live with the events, in
:data:`engine.timeline.events.RECORDABLE_TYPES`.)
"""

from __future__ import annotations

__all__ = [
    "ADOPT",
    "CONFIRMS_GOVERNMENT",
    "CONTESTS",
    "DIRECTIONS",
    "EFFECTS",
    "INSTALLS_GOVERNMENT",
    "MAJORITY",
    "MOTIONS",
    "PLURALITY",
    "REJECT",
    "REMOVES_GOVERNMENT",
    "SITTINGS",
    "SOLE_CANDIDATE",
]

#: Kinds of sitting of a body. ``opening`` is the first sitting of a new legislature.
SITTINGS: tuple[str, ...] = ("opening", "ordinary", "extraordinary")

#: Kinds of motion a body votes on. A pack's decision rule names the motions it governs. ``programme``
#: is a government's programme put to the assembly (Portugal, Art. 192): a vote on it is recorded from
#: the programme's side, so a vote for a motion rejecting it is a vote against the programme.
#: ``designation`` is the assembly's choice of a prime minister among candidates (Japan, Art. 67).
MOTIONS: tuple[str, ...] = (
    "vote_of_confidence",
    "investiture",
    "assembly_president",
    "assembly_officers",
    "internal_rules",
    "package_vote",
    "law",
    "constitutional_amendment",
    "term_extension",
    "no_confidence",
    "dissolution",
    "mandate_validation",
    "programme",
    "designation",
)

#: What the adoption of a motion does to the government, declared on the decision rule that governs
#: the motion (``effect:`` in a pack). Which motions have which effect differs between constitutions,
#: so it is pack data: a vote of confidence, an investiture or a package vote installs a government
#: where the pack says so; a motion of no confidence removes one where the pack says so.
#: ``installs_government``: the vote comes first, and a government formed after it is judged by it;
#: ``confirms_government``: the head of state appoints first, and the government is pending until the
#: vote confirms it (or, lost, obliges it to resign).
INSTALLS_GOVERNMENT = "installs_government"
CONFIRMS_GOVERNMENT = "confirms_government"
REMOVES_GOVERNMENT = "removes_government"
EFFECTS: tuple[str, ...] = (INSTALLS_GOVERNMENT, CONFIRMS_GOVERNMENT, REMOVES_GOVERNMENT)

#: Which way a decision rule works. ``adopt``: the motion carries only if the threshold is reached
#: (measured on the votes in favour unless a clause names its own count). ``reject``: the motion stands
#: unless the threshold is reached against it (measured on the votes against): a programme not
#: rejected by an absolute majority (Portugal, Art. 192(4)) stands.
ADOPT = "adopt"
REJECT = "reject"
DIRECTIONS: tuple[str, ...] = (ADOPT, REJECT)

#: How a decision rule governing a contest between candidates (a designation, the election of a
#: speaker) picks the winner. ``plurality``: most votes wins. ``majority``: a candidate whose votes
#: reach the threshold wins; if none does, a run-off between the top ``runoff`` candidates is won by
#: most votes. ``sole_candidate``: the one candidate needs the threshold (more yes than no, say).
#: A tie for the win is never resolved by the engine (lots, seniority): it is a finding.
PLURALITY = "plurality"
MAJORITY = "majority"
SOLE_CANDIDATE = "sole_candidate"
CONTESTS: tuple[str, ...] = (PLURALITY, MAJORITY, SOLE_CANDIDATE)
