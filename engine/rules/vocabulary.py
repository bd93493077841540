"""The vocabulary of constitution packs that events share: kinds of sitting and of motion.

Events name the sitting and the motion of an act in these words, and pack rules say which ones they
govern, so both take them from here. (Event type names live with the events, in
:data:`engine.timeline.events.RECORDABLE_TYPES`.)
"""

from __future__ import annotations

__all__ = ["EFFECTS", "INSTALLS_GOVERNMENT", "MOTIONS", "REMOVES_GOVERNMENT", "SITTINGS"]

#: Kinds of sitting of a body. ``opening`` is the first sitting of a new legislature.
SITTINGS: tuple[str, ...] = ("opening", "ordinary", "extraordinary")

#: Kinds of motion a body votes on. A pack's decision rule names the motions it governs.
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
)

#: What the adoption of a motion does to the government, declared on the decision rule that governs
#: the motion (``effect:`` in a pack). Which motions have which effect differs between constitutions,
#: so it is pack data: a vote of confidence, an investiture or a package vote installs a government
#: where the pack says so; a motion of no confidence removes one where the pack says so.
INSTALLS_GOVERNMENT = "installs_government"
REMOVES_GOVERNMENT = "removes_government"
EFFECTS: tuple[str, ...] = (INSTALLS_GOVERNMENT, REMOVES_GOVERNMENT)
