"""Events of courts and of seats: rulings that annul an election or void an act, seats vacated, and the
by-elections and court-ordered re-runs that fill them (registered in :mod:`engine.timeline.events`)."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from engine.timeline.event_base import Event
from engine.timeline.event_base import texts as _texts
from engine.timeline.event_fields import Tally, _nonneg, _one_of, _pairs, _tally

__all__ = ["ACT_KINDS", "EFFECTS", "VACANCY_REASONS", "ByElectionHeld", "CourtRuling", "SeatsVacated"]

#: what a ruling does: annul an election (all of it, or the seats or constituencies it names), declare an
#: earlier sitting or act void, or uphold what was challenged (no effect on the state)
EFFECTS = ("annuls_election", "voids_act", "upholds")
#: what a voided act was, for the verdicts the state keeps about it: the ``opening`` sitting (was the
#: assembly lawfully opened), the act that installed the ``government`` (was it lawful), or an ``other`` act
ACT_KINDS = ("opening", "government", "other")
#: why seats fall vacant
VACANCY_REASONS = ("resignation", "death", "disqualification", "other")


def _effect_needs(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    _one_of(EFFECTS)(instance, attribute, value)
    if value == "voids_act" and not instance.act:
        msg = "a ruling that 'voids_act' must name the act: 'act' is the id of the sitting, vote or event it voids"
        raise ValueError(msg)
    if value != "annuls_election" and (instance.seats or instance.constituencies):
        msg = "'seats' and 'constituencies' name what a ruling annuls: give them with 'effect: annuls_election'"
        raise ValueError(msg)
    if value != "voids_act" and instance.act:
        msg = "'act' names what a ruling voids: give it with 'effect: voids_act'"
        raise ValueError(msg)


@attrs.frozen(kw_only=True, cache_hash=True)
class CourtRuling(Event):
    """A court's ruling with an effect in law.

    ``annuls_election`` with no ``seats`` annuls the whole election (its results no longer stand: a
    fresh poll may follow); with ``seats`` per party or ``constituencies`` it annuls those only: the
    seats fall vacant until a re-run fills them, and the rest of the election stands. ``voids_act`` declares the
    event whose id is ``act`` void from the ruling's date on; ``act_kind`` says what it was (the
    ``opening`` sitting, the act that installed the ``government``), so that the verdicts the state
    keeps about it are reversed. ``upholds`` changes nothing. The period
    the re-run must be held in is the pack's: a deadline anchored on ``{type: court_ruling, effect:
    annuls_election}``.
    """

    TYPE: ClassVar[str] = "court_ruling"
    court: str
    # the metadata says what the validator checks, for the files' JSON Schema (engine/files/schema.py)
    effect: str = attrs.field(validator=_effect_needs, metadata={"one_of": EFFECTS})
    # the validator above reads these: they are declared before it runs (attrs validates after __init__)
    seats: Tally = attrs.field(default=(), converter=_pairs, validator=_tally)
    constituencies: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    act: str | None = None
    act_kind: str = attrs.field(default="other", validator=_one_of(ACT_KINDS))
    majority: str | None = None

    @property
    def partial(self) -> bool:
        """True for an annulment of some seats or constituencies only (the rest of the election stands)."""
        return bool(self.seats or self.constituencies)


@attrs.frozen(kw_only=True, cache_hash=True)
class SeatsVacated(Event):
    """``members`` seats of ``party`` fall vacant (a resignation, a death, a disqualification)."""

    TYPE: ClassVar[str] = "seats_vacated"
    party: str
    members: int = attrs.field(default=1, validator=_nonneg)
    reason: str = attrs.field(default="other", validator=_one_of(VACANCY_REASONS))


@attrs.frozen(kw_only=True, cache_hash=True)
class ByElectionHeld(Event):
    """A poll for some seats only: a by-election, or (``rerun``) a re-run a court ordered; ``seats``
    per party are the winners, who fill vacant seats. It does not start a new legislature."""

    TYPE: ClassVar[str] = "by_election_held"
    seats: Tally = attrs.field(converter=_pairs, validator=_tally)
    constituencies: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    rerun: bool = False
