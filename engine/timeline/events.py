"""Events: immutable, dated, sourced facts — one frozen attrs class per type, and a registry.

Every event has ``at`` (a date), an optional ``time`` of day, a ``source`` (one or more URLs or
citations), an optional ``note`` and an ``id``. Type names (``results_announced``) map to classes
(:class:`ResultsAnnounced`) through :data:`REGISTRY`; (un)structuring goes through the cattrs
:data:`converter`, strict about types (no silent ``"12"`` → ``12``).
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import date, time
from typing import Any, ClassVar

import attrs
import cattrs

from engine.rules.vocabulary import MOTIONS, SITTINGS
from engine.timeline.court_events import ByElectionHeld, CourtRuling, SeatsVacated
from engine.timeline.event_base import Event
from engine.timeline.event_base import nonempty as _nonempty
from engine.timeline.event_base import texts as _texts
from engine.timeline.event_fields import (
    BOYCOTT_TARGETS,
    OUTCOMES,
    RULINGS,
    STAGES,
    STATUSES,
    Tally,
    _count_range,
    _nonneg,
    _one_of,
    _pairs,
    _tally,
)
from engine.timeline.mandate_events import (
    CaretakerAppointed,
    GovernmentResigned,
    MandateExtended,
    MandateGiven,
    MandateReturned,
)
from engine.timeline.vote_events import Candidates, ContestHeld, structure_candidates

__all__ = [
    "RECORDABLE_TYPES",
    "REGISTRY",
    "AgreementReached",
    "AssemblyDissolved",
    "BoycottDeclared",
    "BoycottEnded",
    "CaretakerAppointed",
    "ComplaintFiled",
    "ComplaintRuled",
    "ContestHeld",
    "DeadlineExpired",
    "ElectionHeld",
    "Event",
    "GovernmentFormed",
    "GovernmentResigned",
    "LegislatureInOffice",
    "MandateExtended",
    "MandateGiven",
    "MandateReturned",
    "MotionTabled",
    "ParliamentConvened",
    "PartyDissolved",
    "Protest",
    "Rally",
    "ResultsAccepted",
    "ResultsAnnounced",
    "ResultsRejected",
    "SeatsTaken",
    "TalksHeld",
    "VoteHeld",
    "converter",
    "event_type",
    "structure_event",
    "unique_id",
    "unstructure_event",
]



@attrs.frozen(kw_only=True, cache_hash=True)
class ElectionHeld(Event):
    """Polling day. ``kind`` is general, repeat (after a dissolution) or by-election."""

    TYPE: ClassVar[str] = "election_held"
    body: str | None = None
    kind: str = attrs.field(default="general", validator=_one_of(("general", "repeat", "by-election")))


@attrs.frozen(kw_only=True, cache_hash=True)
class ResultsAnnounced(Event):
    """Results at a stage (preliminary, official, final) by an announcing body; seats and votes per party."""

    TYPE: ClassVar[str] = "results_announced"
    stage: str = attrs.field(validator=_one_of(STAGES))
    by: str
    seats: Tally = attrs.field(default=(), converter=_pairs, validator=_tally)
    votes: Tally = attrs.field(default=(), converter=_pairs, validator=_tally)


@attrs.frozen(kw_only=True, cache_hash=True)
class ComplaintFiled(Event):
    """A party's complaint against the results, to an electoral body or court."""

    TYPE: ClassVar[str] = "complaint_filed"
    PARTY_FIELDS: ClassVar[tuple[str, ...]] = ("by",)
    by: str
    to: str
    count: int | None = attrs.field(default=None, validator=_nonneg)
    # conflicting sources: the lowest count as 'count', the highest as 'count_max'
    count_max: int | None = attrs.field(default=None, validator=_count_range, metadata={"minimum": 0})
    about: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class ComplaintRuled(Event):
    """A body rules on complaints; ``final`` when no appeal remains (legal avenues exhausted)."""

    TYPE: ClassVar[str] = "complaint_ruled"
    by: str
    outcome: str = attrs.field(validator=_one_of(RULINGS))
    count: int | None = attrs.field(default=None, validator=_nonneg)
    final: bool = False
    filings_recorded: bool = True  # false: the complaints' filing is not in the sources, so no bound


@attrs.frozen(kw_only=True, cache_hash=True)
class ResultsRejected(Event):
    """A party refuses to accept the results."""

    TYPE: ClassVar[str] = "results_rejected"
    party: str


@attrs.frozen(kw_only=True, cache_hash=True)
class ResultsAccepted(Event):
    """A party that rejected the results accepts them."""

    TYPE: ClassVar[str] = "results_accepted"
    party: str


def _dates_in_order(instance: Any, attribute: attrs.Attribute, value: date | None) -> None:
    if value is not None and instance.start is not None and value < instance.start:
        msg = f"'end' ({value}) is before 'start' ({instance.start})"
        raise ValueError(msg)


@attrs.frozen(kw_only=True, cache_hash=True)
class _Gathering(Event):
    status: str = attrs.field(validator=_one_of(STATUSES))
    organiser: str
    start: date | None = None
    end: date | None = attrs.field(default=None, validator=_dates_in_order)
    place: str | None = None
    size: int | None = attrs.field(default=None, validator=_nonneg)
    plan: str | None = None  # id of the planned event this one reports on

    @property
    def first_day(self) -> date:
        return self.start or self.at

    @property
    def last_day(self) -> date:
        return self.end or self.first_day


@attrs.frozen(kw_only=True, cache_hash=True)
class Rally(_Gathering):
    """A rally: planned (announced), held or cancelled; start and end dates; size if sourced."""

    TYPE: ClassVar[str] = "rally"


@attrs.frozen(kw_only=True, cache_hash=True)
class Protest(_Gathering):
    """Protests or demonstrations: planned, held or cancelled, over one or more days."""

    TYPE: ClassVar[str] = "protest"


@attrs.frozen(kw_only=True, cache_hash=True)
class BoycottDeclared(Event):
    """A party boycotts parliament, talks, the election or the government."""

    TYPE: ClassVar[str] = "boycott_declared"
    party: str
    of: str = attrs.field(default="parliament", validator=_one_of(BOYCOTT_TARGETS))


@attrs.frozen(kw_only=True, cache_hash=True)
class BoycottEnded(Event):
    """A party ends its boycott."""

    TYPE: ClassVar[str] = "boycott_ended"
    party: str
    of: str = attrs.field(default="parliament", validator=_one_of(BOYCOTT_TARGETS))


@attrs.frozen(kw_only=True, cache_hash=True)
class TalksHeld(Event):
    """Talks between parties (or mediated by someone); ``outcome`` in words."""

    TYPE: ClassVar[str] = "talks_held"
    parties: tuple[str, ...] = attrs.field(converter=_texts, validator=_nonempty)
    mediator: str | None = None
    outcome: str | None = None


def _present_agrees(instance: Any, attribute: attrs.Attribute, value: Tally) -> None:
    _tally(instance, attribute, value)
    if value and instance.present is not None and sum(n for _, n in value) != instance.present:
        total = sum(n for _, n in value)
        msg = f"'present_by_party' adds up to {total} but 'present' is {instance.present}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True, cache_hash=True)
class ParliamentConvened(Event):
    """A sitting of the body: who convened and presided, which sitting, who was present."""

    TYPE: ClassVar[str] = "parliament_convened"
    sitting: str = attrs.field(default="ordinary", validator=_one_of(SITTINGS))
    convened_by: str | None = None
    presided_by: str | None = None
    present: int | None = attrs.field(default=None, validator=_nonneg)
    present_by_party: Tally = attrs.field(default=(), converter=_pairs, validator=_present_agrees)
    boycotters_present: int | None = attrs.field(default=None, validator=_nonneg)  # counted in present
    body: str | None = None

    @property
    def members_present(self) -> int | None:
        if self.present is not None:
            return self.present
        if self.present_by_party:
            return sum(n for _, n in self.present_by_party)
        return None


def _votes_fit(instance: Any, attribute: attrs.Attribute, value: int | None) -> None:
    _nonneg(instance, attribute, value)
    taking_part = instance.ballots + (instance.not_voting or 0)
    if value is not None and taking_part > value:
        msg = f"'present' ({value}) is less than {instance.counted_names()} ({taking_part})"
        raise ValueError(msg)


#: the counts of a vote's tally, in the order they are named
TALLY_FIELDS = ("yes", "no", "abstain", "blank", "invalid")


@attrs.frozen(kw_only=True, cache_hash=True)
class VoteHeld(Event):
    """A vote on a motion at a sitting; ``outcome`` is what the chamber declared.

    The tally: ``yes`` (for the motion), ``no`` (against it), ``abstain``, ``blank`` and ``invalid``
    ballots, and ``not_voting``, members present who took no part. Any count may be unknown (null);
    ``no``, ``abstain``, ``blank`` and ``invalid`` are none unless given, ``not_voting`` unknown.
    """

    TYPE: ClassVar[str] = "vote"
    motion: str = attrs.field(validator=_one_of(MOTIONS))
    yes: int | None = attrs.field(validator=_nonneg)  # null: the tally is not known
    no: int | None = attrs.field(default=0, validator=_nonneg)
    abstain: int | None = attrs.field(default=0, validator=_nonneg)
    invalid: int | None = attrs.field(default=0, validator=_nonneg)
    blank: int | None = attrs.field(default=0, validator=_nonneg)
    not_voting: int | None = attrs.field(default=None, validator=_nonneg)
    present: int | None = attrs.field(default=None, validator=_votes_fit, metadata={"minimum": 0})
    boycotters_present: int | None = attrs.field(default=None, validator=_nonneg)  # counted in present
    outcome: str = attrs.field(default="adopted", validator=_one_of(OUTCOMES))
    subject: str | None = None
    method: str | None = None
    #: the chamber that voted (default: the scenario's body)
    body: str | None = None

    @property
    def ballots(self) -> int:
        """The votes known: yes + no + abstain + blank + invalid (an unknown count as none)."""
        return sum(getattr(self, name) or 0 for name in TALLY_FIELDS)

    def counted_names(self) -> str:
        """The counts :attr:`ballots` adds up, as a message names them (``yes + no + abstain``)."""
        names = [n for n in TALLY_FIELDS if n != "blank" or self.blank]
        return " + ".join(names + ["not_voting"] * bool(self.not_voting))

    @property
    def unknown(self) -> frozenset[str]:
        """The counts of the tally that are not known."""
        return frozenset(name for name in TALLY_FIELDS if getattr(self, name) is None)


@attrs.frozen(kw_only=True, cache_hash=True)
class MotionTabled(Event):
    """A motion put before the body, not yet voted: a government's programme submitted, a request for
    a vote of confidence (Czech Art. 68(3): the government asks for it within 30 days). It meets a
    deadline whose ``met_by`` names it; the vote on it is a ``vote``."""

    TYPE: ClassVar[str] = "motion_tabled"
    motion: str = attrs.field(validator=_one_of(MOTIONS))
    by: str | None = None
    body: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class LegislatureInOffice(Event):
    """Where a scenario starts mid-legislature: the seats per party of the assembly in office."""

    TYPE: ClassVar[str] = "legislature_in_office"
    seats: Tally = attrs.field(converter=_pairs, validator=[_tally, _nonempty])
    government: str | None = None
    body: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class GovernmentFormed(Event):
    """A government takes office; ``head`` is the Prime Minister (or equivalent)."""

    TYPE: ClassVar[str] = "government_formed"
    head: str | None = None
    parties: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen(kw_only=True, cache_hash=True)
class AgreementReached(Event):
    """An agreement between parties; by default it ends their boycotts and their dispute of the results."""

    TYPE: ClassVar[str] = "agreement_reached"
    parties: tuple[str, ...] = attrs.field(converter=_texts, validator=_nonempty)
    ends_boycott: bool = True
    ends_dispute: bool = True
    terms: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen(kw_only=True, cache_hash=True)
class AssemblyDissolved(Event):
    """The body is dissolved; a new election is due."""

    TYPE: ClassVar[str] = "assembly_dissolved"
    by: str | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class SeatsTaken(Event):
    """Members of a party take their seats (are sworn in) late, e.g. after a boycott."""

    TYPE: ClassVar[str] = "seats_taken"
    party: str
    members: int = attrs.field(validator=_nonneg)


@attrs.frozen(kw_only=True, cache_hash=True)
class PartyDissolved(Event):
    """A party is dissolved (e.g. by a court); its seats are lost or reallocated."""

    TYPE: ClassVar[str] = "party_dissolved"
    party: str
    by: str | None = None
    seats_to: Tally = attrs.field(default=(), converter=_pairs, validator=_tally)


@attrs.frozen(kw_only=True, cache_hash=True)
class DeadlineExpired(Event):
    """Derived by the engine: a constitutional deadline passed without the act that meets it."""

    TYPE: ClassVar[str] = "deadline_expired"
    rule: str
    due: date
    anchor: str | None = None


REGISTRY: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        LegislatureInOffice, ElectionHeld, ResultsAnnounced, ComplaintFiled, ComplaintRuled, ResultsRejected,
        ResultsAccepted, Rally, Protest, BoycottDeclared, BoycottEnded, TalksHeld, ParliamentConvened, VoteHeld,
        GovernmentFormed, AgreementReached, AssemblyDissolved, SeatsTaken, PartyDissolved, DeadlineExpired,
        MotionTabled,
        MandateGiven, MandateReturned, MandateExtended, CaretakerAppointed, GovernmentResigned,
        ContestHeld,
        CourtRuling, SeatsVacated, ByElectionHeld,
    )
}

#: Types only the engine makes; a scenario may not record them.
DERIVED_TYPES = frozenset({DeadlineExpired.TYPE})

#: The types a scenario may record, in the registry's order: the one list of event type names
#: (a pack's deadline rule is started by one and met by one).
RECORDABLE_TYPES: tuple[str, ...] = tuple(name for name in REGISTRY if name not in DERIVED_TYPES)


def event_type(name: str) -> type[Event]:
    """The class for a type name.

    Raises:
        KeyError: with a suggestion, for an unknown name.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        import difflib

        hint = difflib.get_close_matches(name, list(REGISTRY), n=1)
        extra = f" Did you mean {hint[0]!r}?" if hint else f" Known types: {', '.join(sorted(REGISTRY))}."
        msg = f"unknown event type {name!r}.{extra}"
        raise KeyError(msg) from None


def unique_id(event: Event, taken: Container[str], counters: dict[str, int] | None = None) -> str:
    """The id an event goes by among ``taken``: its own, or ``TYPE@DATE`` for one without; then, while
    that is taken, ``-2``, ``-3``… appended (the rule docs/scenarios.md gives for generated ids).

    Args:
        event: the event.
        taken: the ids in use.
        counters: for a caller whose ``taken`` only grows, the suffix to try first for each base,
            kept here between calls (the caller's dict, updated): the thousandth event of one day then
            costs one try, not a thousand. Same ids as without it.
    """
    base = event.id or f"{event.TYPE}@{event.at.isoformat()}"
    if base not in taken:
        return base
    n = counters.get(base, 2) if counters is not None else 2
    ident = f"{base}-{n}"
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    if counters is not None:
        counters[base] = n + 1
    return ident


# --------------------------------------------------------------------------- cattrs

converter = cattrs.Converter(forbid_extra_keys=True)


def _strict(kind: type, label: str):
    def hook(value: Any, _: Any) -> Any:
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            msg = f"must be {label} (got {value!r})"
            raise TypeError(msg)
        return value

    return hook


def _structure_date(value: Any, _: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            msg = f"is not a real date: {value!r} ({exc})"
            raise ValueError(msg) from None
    msg = f"must be a date written YYYY-MM-DD (got {value!r})"
    raise ValueError(msg)


def _structure_time(value: Any, _: Any) -> time:
    # a number is refused: the loaders keep 07:30 as text, and 1030 is not a time of day
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    msg = f"must be a time of day written HH:MM (got {value!r})"
    raise ValueError(msg)


def _structure_texts(value: Any, _: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        msg = f"must be text or a list of texts (got {value!r})"
        raise TypeError(msg)
    return tuple(items)


def _structure_tally(value: Any, _: Any) -> Tally:
    if not isinstance(value, dict):
        msg = f"must be a mapping of party to a whole number (got {value!r})"
        raise TypeError(msg)
    for party, n in value.items():
        if isinstance(n, bool) or not isinstance(n, int):
            msg = f"{party} must be a whole number (got {n!r})"
            raise TypeError(msg)
    return _pairs(value)


converter.register_structure_hook(int, _strict(int, "a whole number"))
converter.register_structure_hook(str, _strict(str, "text"))
converter.register_structure_hook(bool, _strict(bool, "true or false"))
converter.register_structure_hook(date, _structure_date)
converter.register_structure_hook(time, _structure_time)
converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _structure_texts)
converter.register_structure_hook_func(lambda t: t == Tally, _structure_tally)
converter.register_unstructure_hook(date, date.isoformat)
converter.register_unstructure_hook(time, lambda t: t.isoformat(timespec="minutes"))
converter.register_unstructure_hook_func(lambda t: t == Tally, lambda pairs: dict(pairs))
converter.register_structure_hook_func(lambda t: t == Candidates, structure_candidates)
converter.register_unstructure_hook_func(lambda t: t == Candidates, dict)


def structure_event(data: dict[str, Any]) -> Event:
    """Build an event from plain data with a ``type`` key.

    Raises:
        KeyError: unknown type; cattrs.BaseValidationError / ValueError / TypeError for bad fields.
    """
    fields = dict(data)
    cls = event_type(fields.pop("type"))
    return converter.structure(fields, cls)


def unstructure_event(event: Event) -> dict[str, Any]:
    """Plain data for an event: ``type`` first, then its fields; unset optional fields left out."""
    raw = converter.unstructure(event)
    out: dict[str, Any] = {"type": event.TYPE}
    defaults = {a.name: a.default for a in attrs.fields(type(event))}
    for key, value in raw.items():
        default = defaults.get(key)
        required = default is attrs.NOTHING
        # an unknown count whose default is a number (a vote's ``no: null``) stays, or it would read back as 0
        if (value is None and not required and default is None) or (value in ((), [], {}) and not required):
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return out
