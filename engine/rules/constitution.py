"""Constitutions as data: bodies, rules versioned by date, amendments and rival interpretations.

This module holds the immutable model and the one operation the engine needs from it:
:meth:`Constitution.rules_on` — the rules in force on a date, under a named interpretation or
under the pack's own reading. Loading packs from YAML lives in :mod:`engine.files.packs`.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from engine.errors import UnknownNameError
from engine.rules.thresholds import Threshold, render

__all__ = [
    "Amendment",
    "Body",
    "BodySize",
    "Constitution",
    "Interpretation",
    "Rule",
    "RuleKind",
    "RulesInForce",
]


class RuleKind(enum.Enum):
    """What a rule governs."""

    QUORUM = "quorum"  # who must be present for a sitting (applies_to: sitting kinds)
    DECISION = "decision"  # how many must vote yes (applies_to: motions)
    DEADLINE = "deadline"  # an act due within N days of an anchor event
    CONVOCATION = "convocation"  # who must convene a sitting (applies_to: sitting kinds)


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
    """A deliberative body: its statutory size changes over time (per legislature)."""

    id: str
    name: str
    sizes: tuple[BodySize, ...]
    minimum: int | None = None
    article: str | None = None
    source: tuple[str, ...] = ()

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
    "the opening sitting needs no quorum"). Deadline rules use ``days``, ``anchor`` (the event
    type that starts the clock) and ``met_by`` / ``sitting`` (the act that meets it).
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

    def in_force(self, on: date) -> bool:
        """True if this version applies on ``on``."""
        return (self.since is None or self.since <= on) and (self.until is None or on < self.until)

    def applies(self, what: str) -> bool:
        """True if the rule governs this sitting kind or motion (empty ``applies_to``: all)."""
        return not self.applies_to or what in self.applies_to

    @property
    def requirement(self) -> str:
        """The threshold as canonical text, or ``no requirement``."""
        if self.kind in (RuleKind.QUORUM, RuleKind.DECISION):
            return "no requirement" if self.threshold is None else render(self.threshold)
        if self.kind is RuleKind.DEADLINE:
            return f"{self.met_by or 'the act'} within {self.days} days of {self.anchor}"
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

    def rules_on(self, on: date, interpretation: str | Interpretation | None = None) -> RulesInForce:
        """The rules in force on ``on``, with the interpretation's overrides applied.

        An override replaces every version of the rule with the same id; if the interpretation's
        own versions are not in force on ``on``, the pack's rule stays.
        """
        interp = self.interpretation(interpretation) if isinstance(interpretation, str) else interpretation
        chosen: dict[str, Rule] = {}
        for rule in self.rules:
            if rule.in_force(on):
                chosen[rule.id] = rule
        if interp is not None:
            for rule in interp.overrides:
                if rule.in_force(on):
                    chosen[rule.id] = rule
        return RulesInForce(on, interp, tuple(chosen.values()))
