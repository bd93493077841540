"""The shared vocabulary of packs and events: kinds of sitting and of motion, and event type names.

Kept in one stdlib-only module so that constitution packs, events and the state machine agree on
the names without importing each other.
"""

from __future__ import annotations

__all__ = ["EVENT_TYPES", "MOTIONS", "SITTINGS"]

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

#: The event types a scenario may record, by name (``engine.events.REGISTRY`` has one class for each,
#: and also the types only the engine makes). A pack's deadline rule is started by one and met by one.
EVENT_TYPES: tuple[str, ...] = (
    "legislature_in_office",
    "election_held",
    "results_announced",
    "complaint_filed",
    "complaint_ruled",
    "results_rejected",
    "results_accepted",
    "rally",
    "protest",
    "boycott_declared",
    "boycott_ended",
    "talks_held",
    "parliament_convened",
    "vote",
    "government_formed",
    "agreement_reached",
    "assembly_dissolved",
    "seats_taken",
    "party_dissolved",
)
