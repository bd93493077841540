"""The shared vocabulary of packs and events: kinds of sitting and of motion.

Kept in one stdlib-only module so that constitution packs, events and the state machine agree on
the names without importing each other.
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
