"""Constitutions as data: bodies, rules versioned by date, amendments and rival interpretations.

This module holds the immutable model and the one operation the engine needs from it:
:meth:`Constitution.rules_on` — the rules in force on a date, under a named interpretation or
under the pack's own reading. Loading packs from YAML lives in :mod:`engine.files.packs`.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from engine.errors import UnknownNameError
from engine.rules.thresholds import Base, Combined, Count, Counted, Subject, Threshold, Versus, render

__all__ = [
    "Amendment",
    "Body",
    "BodySize",
    "Constitution",
    "EventFilter",
    "Interpretation",
    "Period",
    "Rule",
    "RuleKind",
    "RulesInForce",
    "cite",
    "sides_named",
    "votes_read",
]


def cite(article: str | None) -> str:
    """How a rule's ``article`` is cited in a sentence: ``Art. 99(5)`` for a number (or any other
    text), and as the pack wrote it when it starts with a capital, naming its own instrument (``Basic
    Law: The Government, s. 8``, ``LOREG 42.2``): "Art." before a law's name cites an article that
    does not exist."""
    return article if article and article[:1].isupper() else f"Art. {article}"


class RuleKind(enum.Enum):
    """What a rule governs."""

    QUORUM = "quorum"  # who must be present for a sitting (applies_to: sitting kinds)
    DECISION = "decision"  # how many must vote yes, or against for a negative rule (applies_to: motions)
    DEADLINE = "deadline"  # an act due within a period of an anchor event
    CONVOCATION = "convocation"  # who must convene a sitting (applies_to: sitting kinds)
    CONSEQUENCE = "consequence"  # events the law derives from an expiry or from the Nth matching event


#: The units a deadline's period is counted in.
UNITS = ("days", "weeks", "months", "years")
#: Whether the anchor's own day is the period's first day (``included``) or not (``excluded``).
ANCHOR_DAYS = ("excluded", "included")
#: Whether a dissolved body ``stops`` (holds no sittings or votes until the new assembly opens) or
#: ``sits`` on, in office with the same members until the new assembly first sits.
AFTER_DISSOLUTION = ("stops", "sits")
#: A month counted from the 31st into a shorter month ends on its ``last_day`` or the ``next_day``.
MONTH_ENDS = ("last_day", "next_day")
#: Whether only the ``first`` matching event starts a deadline or ``each`` one restarts it.
RESTARTS = ("first", "each")
#: What a deadline's expiry is: a ``violation`` (an act was due and did not come) or a ``lapse`` (a term
#: the constitution lets run out, with what it attaches to the end: nobody broke a rule).
EXPIRIES = ("violation", "lapse")
#: What of another deadline a chained deadline starts from: its expiry or the act that met it.
CHAIN_ON = ("expires", "met")


#: the counts of a vote each base or subject reads (members present and seats are not votes)
_VOTES_OF = {
    Base.MEMBERS_VOTING: ("yes", "no", "abstain", "blank", "invalid"),
    Base.VOTES_CAST: ("yes", "no", "blank", "invalid"),
    Base.VALID_VOTES: ("yes", "no"),
    Subject.YES: ("yes",),
    Subject.NO: ("no",),
    Subject.CAST: ("yes", "no", "blank", "invalid"),
    Subject.VALID: ("yes", "no"),
    Counted.VOTES_IN_FAVOUR: ("yes",),
    Counted.VOTES_AGAINST: ("no",),
    Counted.MEMBERS_VOTING: ("yes", "no", "abstain", "blank", "invalid"),
    Counted.VOTES_CAST: ("yes", "no", "blank", "invalid"),
    Counted.VALID_VOTES: ("yes", "no"),
}


def votes_read(threshold: Threshold, subject: Subject) -> frozenset[str]:
    """The counts of a vote (``yes``, ``no``, ``abstain``, ``blank``, ``invalid``) that ``threshold``
    reads when the question measures ``subject``: a count it reads must be known to judge it."""
    if isinstance(threshold, Combined):
        return frozenset().union(*(votes_read(p, subject) for p in threshold.parts))
    if isinstance(threshold, Versus):
        return frozenset(("yes", "no"))
    if isinstance(threshold, Count):
        what: Subject | Counted = subject if threshold.counted is Counted.MEMBERS else threshold.counted
        return frozenset(_VOTES_OF.get(what, ()))
    return frozenset(_VOTES_OF.get(threshold.base, ()) + _VOTES_OF.get(threshold.subject or subject, ()))


def sides_named(threshold: Threshold) -> frozenset[Subject]:
    """The sides of a vote (``Subject.YES``, ``Subject.NO``) that clauses of ``threshold`` name as
    what they measure: ``... vote against``, ``more votes in favour than against``, ``at least 116
    votes against``. A clause that measures the question's subject names none."""
    if isinstance(threshold, Combined):
        return frozenset().union(*(sides_named(p) for p in threshold.parts))
    if isinstance(threshold, Versus):
        return frozenset((threshold.subject,))
    if isinstance(threshold, Count):
        named = {Counted.VOTES_IN_FAVOUR: Subject.YES, Counted.VOTES_AGAINST: Subject.NO}.get(threshold.counted)
        return frozenset(() if named is None else (named,))
    return frozenset((threshold.subject,)) if threshold.subject in (Subject.YES, Subject.NO) else frozenset()


@attrs.frozen
class Period:
    """A length of time counted from an anchor day, with the rule it is counted by.

    Attributes:
        amount: how many units.
        unit: days, weeks, months or years.
        anchor_day: ``excluded`` (the default, and what a bare ``days`` always meant): the period
            starts the day after the anchor, so ten days from 1 March end on 11 March; ``included``:
            the anchor's day is the first day, so they end on 10 March.
        month_end: a month counted from a day the target month lacks (the 31st; 29 February) ends
            on that month's ``last_day`` (``dateutil.relativedelta``, the default) or on the
            ``next_day`` (the 1st of the month after).
    """

    amount: int
    unit: str = "days"
    anchor_day: str = "excluded"
    month_end: str = "last_day"

    def __str__(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"

    def end(self, anchor: date) -> date:
        """The last day of the period counted from ``anchor``.

        Raises:
            OverflowError: the day falls off the calendar.
        """
        if self.unit in ("days", "weeks"):
            end = anchor + timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))
        else:
            months = self.amount * (12 if self.unit == "years" else 1)
            try:
                end = anchor + relativedelta(months=months)
            except ValueError:  # relativedelta's way of saying the year passed 9999
                msg = f"{self} from {anchor.isoformat()} is off the calendar"
                raise OverflowError(msg) from None
            if self.month_end == "next_day" and end.day != anchor.day:
                end += timedelta(days=1)  # the target month is too short: the day after its last
        if self.anchor_day == "included":
            end -= timedelta(days=1)
        return end


@attrs.frozen
class EventFilter:
    """The events that start or meet a deadline: an event type and values some of its fields must have.

    ``fields`` holds (field, values) pairs: an event matches if it is of ``type`` and each field
    has one of its values. Matching is the timeline's (``engine.timeline.deadlines``).
    """

    type: str
    fields: tuple[tuple[str, tuple[str | bool | int, ...]], ...] = ()

    def __str__(self) -> str:
        if not self.fields:
            return self.type
        shown = ", ".join(f"{k} {' or '.join(map(str, v))}" for k, v in self.fields)
        return f"{self.type} ({shown})"

    def values(self, name: str) -> tuple[str | bool | int, ...]:
        """The values the filter asks of field ``name`` (empty: it asks nothing of it)."""
        for key, values in self.fields:
            if key == name:
                return values
        return ()


@attrs.frozen
class BodySize:
    """The number of seats of a body from a date (one legislature or more)."""

    since: date
    seats: int
    legislature: str | None = None
    source: tuple[str, ...] = ()
    note: str | None = None


@attrs.frozen
class Body:
    """A deliberative body: its statutory size changes over time (per legislature).

    ``after_dissolution`` is ``sits`` where a dissolved body stays in office until the new assembly
    first sits (the Knesset: Basic Law: The Knesset, s. 37), so its votes after the dissolution are
    judged as before it; ``stops`` (the default) where it holds none. Its article and sources are
    kept apart from the size's, since they cite another provision.
    """

    id: str
    name: str
    sizes: tuple[BodySize, ...]
    minimum: int | None = None
    article: str | None = None
    source: tuple[str, ...] = ()
    after_dissolution: str = AFTER_DISSOLUTION[0]
    after_dissolution_article: str | None = None
    after_dissolution_source: tuple[str, ...] = ()

    @property
    def sits_after_dissolution(self) -> bool:
        """Whether the body stays in office, sitting and voting, after a dissolution."""
        return self.after_dissolution == "sits"

    def size_on(self, on: date) -> int | None:
        """Seats of the body on ``on``: the latest size whose ``since`` is not after it."""
        current = None
        for size in self.sizes:
            if size.since <= on:
                current = size.seats
        return current


@attrs.frozen
class Rule:
    """One version of a constitutional rule, in force from ``since`` until ``until`` (exclusive).

    ``threshold`` is None for a quorum or decision rule that requires nothing (a reading such as
    "the opening sitting needs no quorum"). Deadline rules use ``period`` (or, as packs first wrote
    it, ``days``), ``anchor`` and ``anchor_filter`` (the events that start the clock) or ``after``
    (another deadline whose expiry or fulfilment starts it), ``met_by`` and ``met_filter`` (the
    act that meets it; ``also_met_by``, other acts that do), ``restart``, and ``not_before`` or
    ``exact_day`` for a window. Consequence rules use ``when`` (and ``count``) or ``after`` (what
    triggers them) and ``derive`` (the events the law derives on the trigger's day).
    """

    id: str
    kind: RuleKind
    body: str
    title: str
    article: str
    source: tuple[str, ...]
    text: str | None = None
    note: str | None = None
    since: date | None = None
    until: date | None = None
    applies_to: frozenset[str] = frozenset()
    threshold: Threshold | None = None
    days: int | None = None
    anchor: str | None = None
    met_by: str | None = None
    convened_by: str | None = None
    amendment: str | None = None
    interpretation: str | None = None
    #: a decision rule's effect when a motion it governs is adopted (``engine.rules.vocabulary.EFFECTS``)
    effect: str | None = None
    #: a deadline's period with its counting rule (None: ``days`` days, the anchor's day excluded)
    period: Period | None = None
    #: the events that start a deadline (None: any event of type ``anchor``)
    anchor_filter: EventFilter | None = None
    #: the events that meet a deadline (None: any event of type ``met_by`` that ``applies_to`` admits)
    met_filter: EventFilter | None = None
    #: ``first``: a matching event starts the deadline unless it is running or missed and not yet
    #: done; ``each``: every matching event starts it afresh (``RESTARTS``)
    restart: str = "first"
    #: (rule, ``expires`` or ``met``): the deadline starts when that other deadline ends so
    after: tuple[str, str] | None = None
    #: the act is too early before this period from the anchor has run (a window)
    not_before: Period | None = None
    #: the act is due on the period's last day exactly ("on the Nth day"), not before it
    exact_day: bool = False
    #: what the deadline's expiry is (``EXPIRIES``): ``violation``, reported missed and overdue; ``lapse``,
    #: a term run out (``deadline.lapsed``, info), neither missed nor overdue
    expiry: str = "violation"
    #: the most the period may be extended in total, counted from its last day ("by additional periods
    #: not exceeding 14 days in total"): a ``mandate_extended`` past it is a ``deadline.overextended``
    #: violation (None: the constitution sets no limit, or none is checked)
    extension: Period | None = None
    #: a decision rule's direction (``engine.rules.vocabulary.DIRECTIONS``): ``adopt``, the motion needs
    #: the threshold; ``reject``, it stands unless the threshold is reached against it
    direction: str = "adopt"
    #: a decision rule that confirms a government: the failed votes after which the constitution
    #: attaches a consequence (Czech Art. 35(1)(a): after the third, the President may dissolve)
    attempts: int | None = None
    #: the article that attaches that consequence
    attempts_article: str | None = None
    #: other acts that meet a deadline as well as ``met_filter`` (a mandate: returned, or a government formed)
    also_met_by: tuple[EventFilter, ...] = ()
    #: a consequence: the events that trigger it (with ``after``: the expiry or fulfilment of a deadline)
    when: EventFilter | None = None
    #: a consequence: it follows the ``count``-th event matching ``when`` since the last election; a
    #: deadline: the ``count``-th event matching its anchor since the last election starts it, once
    count: int = 1
    #: a consequence: the events the law derives, each a type with the values of some of its fields
    derive: tuple[EventFilter, ...] = ()
    #: a decision rule for a contest between candidates (``engine.rules.vocabulary.CONTESTS``): how
    #: the winner is derived from the votes per candidate; None for a motion's yes-or-no vote
    contest: str | None = None
    #: a ``majority`` contest: the candidates with most votes that go to a run-off when no one
    #: reaches the threshold (None: no run-off, the contest is simply undecided)
    runoff: int | None = None
    #: the bodies that must each decide (a procedure run in two chambers); empty: this rule's body alone
    chambers: tuple[str, ...] = ()
    #: when the chambers disagree, the body whose decision stands (Japan, Art. 67(2)); None: all must
    #: consent (Italy, Art. 94(1))
    prevails: str | None = None
    #: the ballot of its procedure this rule governs, and the later ones until a rule for a later
    #: ballot (falling thresholds: an absolute majority on the first, more yes than no on the second);
    #: None: every ballot
    ballot: int | None = None
    #: a quorum rule's convening condition: the body may not hold the sittings the rule governs until
    #: this threshold, measured on the seats filled (as ``present``) against the body's size, is met
    #: (None: no condition)
    seats_filled: Threshold | None = None

    def in_force(self, on: date) -> bool:
        """True if this version applies on ``on``."""
        return (self.since is None or self.since <= on) and (self.until is None or on < self.until)

    @property
    def counted(self) -> Period | None:
        """A deadline's period (``days`` as a period of days when the pack gave only those)."""
        if self.period is not None:
            return self.period
        return None if self.days is None else Period(self.days)

    def applies(self, what: str) -> bool:
        """True if the rule governs this sitting kind or motion (empty ``applies_to``: all)."""
        return not self.applies_to or what in self.applies_to

    @property
    def contest_requirement(self) -> str:
        """How a contest rule picks its winner, in words."""
        if self.contest == "plurality":
            return "most votes wins"
        needed = "no requirement" if self.threshold is None else render(self.threshold)
        if self.contest == "sole_candidate":
            return f"a sole candidate needs {needed}"
        runoff = f", else a run-off between the top {self.runoff} won by most votes" if self.runoff else ""
        return f"{needed}{runoff}"

    @property
    def requirement(self) -> str:
        """The threshold as canonical text, or ``no requirement``."""
        if self.kind in (RuleKind.QUORUM, RuleKind.DECISION):
            if self.contest is not None:
                return self.contest_requirement
            if self.threshold is None:
                return "no requirement"
            # a negative rule's threshold is what rejects the motion, not what carries it
            return render(self.threshold) + (" (to reject the motion)" if self.direction == "reject" else "")
        if self.kind is RuleKind.CONSEQUENCE:
            nth = {1: "", 2: "the 2nd ", 3: "the 3rd "}.get(self.count, f"the {self.count}th ")
            trigger = f"{self.after[0]} {self.after[1]}" if self.after else f"{nth}{self.when}"
            return f"{trigger} brings about {' and '.join(map(str, self.derive))}"
        if self.kind is RuleKind.DEADLINE:
            act = " or ".join(map(str, (self.met_filter or self.met_by or "the act", *self.also_met_by)))
            nth = "" if self.count == 1 else {2: "the 2nd ", 3: "the 3rd "}.get(self.count, f"the {self.count}th ")
            start = f"{self.after[0]} {self.after[1]}" if self.after else f"{nth}{self.anchor_filter or self.anchor}"
            if self.exact_day:
                return f"{act} on the last day of {self.counted} from {start}"
            window = f"not before {self.not_before} and " if self.not_before else ""
            return f"{act} {window}within {self.counted} of {start}"
        return f"convened by {self.convened_by}"


@attrs.frozen
class Amendment:
    """A dated change to the constitution; rule versions name the amendment that made them."""

    id: str
    title: str
    in_force: date
    adopted: date | None = None
    articles: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    note: str | None = None

    @property
    def known_from(self) -> date:
        """The day the amendment became law as written: its adoption (its ``in_force`` if not given).

        An amendment may take effect before it is adopted (a period extended by a later act, back-dated):
        until ``known_from`` the law as it stood did not contain it, whatever its ``in_force`` says.
        """
        return self.adopted or self.in_force

    @property
    def retrospective(self) -> bool:
        """True if it takes effect before the day it was adopted."""
        return self.adopted is not None and self.in_force < self.adopted


@attrs.frozen
class Interpretation:
    """A named reading of the constitution: rules that replace (or add to) the pack's own.

    Each override is a :class:`Rule` whose ``id`` names the rule it replaces.
    """

    id: str
    name: str
    holder: str
    claim: str
    source: tuple[str, ...]
    overrides: tuple[Rule, ...] = ()
    note: str | None = None


@attrs.frozen
class RulesInForce:
    """The rules in force on one date under one reading; what the state machine consults."""

    on: date
    interpretation: Interpretation | None
    rules: tuple[Rule, ...]

    @property
    def reading(self) -> str | None:
        """The interpretation's id, or None for the pack's own reading."""
        return None if self.interpretation is None else self.interpretation.id

    def of_kind(self, kind: RuleKind, body: str | None = None, applies_to: str | None = None) -> tuple[Rule, ...]:
        """Rules of ``kind`` for ``body`` that govern ``applies_to`` (a sitting kind or motion)."""
        return tuple(
            r
            for r in self.rules
            if r.kind is kind and (body is None or r.body == body) and (applies_to is None or r.applies(applies_to))
        )


@attrs.frozen
class Constitution:
    """A constitution pack: bodies, versioned rules, amendments and interpretations."""

    id: str
    name: str
    country: str
    bodies: tuple[Body, ...]
    rules: tuple[Rule, ...]
    amendments: tuple[Amendment, ...] = ()
    interpretations: tuple[Interpretation, ...] = ()
    source: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def body(self, body_id: str) -> Body:
        """The body called ``body_id``."""
        for body in self.bodies:
            if body.id == body_id:
                return body
        known = ", ".join(b.id for b in self.bodies)
        msg = f"pack {self.id!r} has no body {body_id!r} (known: {known})"
        raise UnknownNameError(msg)

    def interpretation(self, name: str) -> Interpretation:
        """The interpretation called ``name``."""
        for interp in self.interpretations:
            if interp.id == name:
                return interp
        import difflib

        names = [i.id for i in self.interpretations]
        hint = difflib.get_close_matches(name, names, n=1)
        extra = f" Did you mean {hint[0]!r}?" if hint else f" Known: {', '.join(names) or 'none'}."
        msg = f"pack {self.id!r} has no interpretation {name!r}.{extra}"
        raise UnknownNameError(msg)

    def rules_on(self, on: date, interpretation: str | Interpretation | None = None,
                 known_on: date | None = None) -> RulesInForce:
        """The rules in force on ``on``, with the interpretation's overrides applied.

        An override replaces every version of the rule with the same id; if the interpretation's
        own versions are not in force on ``on``, the pack's rule stays.

        Args:
            on: the day the rules are asked for.
            interpretation: a reading (its id or itself), or None for the pack's own.
            known_on: judge by the law as it stood on this day: a version made by an amendment adopted
                after it is left out (even if its ``in_force`` is earlier), and the version it replaced
                runs on. None: the law as now known, every amendment applied.
        """
        interp = self.interpretation(interpretation) if isinstance(interpretation, str) else interpretation
        chosen: dict[str, Rule] = {}
        for rule in self.as_known_on(self.rules, known_on):
            if rule.in_force(on):
                chosen[rule.id] = rule
        if interp is not None:
            for rule in self.as_known_on(interp.overrides, known_on):
                if rule.in_force(on):
                    chosen[rule.id] = rule
        return RulesInForce(on, interp, tuple(chosen.values()))

    def as_known_on(self, rules: tuple[Rule, ...], known_on: date | None) -> tuple[Rule, ...]:
        """``rules`` as the law stood on ``known_on``: without the versions of amendments adopted later.

        A version that ran until a left-out version began runs on until that one would have ended, as
        if the pack had been written before the amendment (``engine.files.packs`` ends each version
        where the next begins).
        """
        if known_on is None:
            return rules
        later = {a.id for a in self.amendments if a.known_from > known_on}
        if not later:
            return rules
        dropped = {(r.id, r.since): r.until for r in rules if r.amendment in later}
        kept = []
        for rule in rules:
            if rule.amendment in later:
                continue
            until = rule.until
            while until is not None and (rule.id, until) in dropped:
                # ran until a version not yet adopted: it stays until that one's end, or the next kept one
                until = dropped[(rule.id, until)]
            kept.append(rule if until == rule.until else attrs.evolve(rule, until=until))
        return tuple(kept)
