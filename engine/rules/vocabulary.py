"""The vocabulary of constitution packs that events share: kinds of sitting and of motion.

Events name the sitting and the motion of an act in these words, and pack rules say which ones they
govern, so both take them from here. (Event type names live with the events, in
:data:`engine.timeline.events.RECORDABLE_TYPES`.)
"""

from __future__ import annotations

__all__ = ["MOTIONS", "SITTINGS"]

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
