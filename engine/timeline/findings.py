"""What the state machine returns: findings (an act judged against a rule) and steps.

A finding is data, never a sentence: what was found (``code``), the verdict, the rule and its
version, the article, the reading, the numbers and their unit, and whatever else a sentence about it
names (``details``). :mod:`engine.report.sentences` writes the sentences; ``docs/replay-format.md``
lists the codes.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import attrs

from engine.rules.constitution import Rule
from engine.rules.thresholds import render
from engine.timeline.events import DeadlineExpired, Event
from engine.timeline.state import Reading, State

__all__ = ["DAYS", "MEMBERS", "SEATS", "VOTES", "Finding", "Step", "Verdict", "about"]


class Verdict(enum.Enum):
    """How an act stands against a rule."""

    OK = "ok"
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


#: The units of ``Finding.count`` and ``Finding.required``.
MEMBERS = "members"
VOTES = "votes"
DAYS = "days"
SEATS = "seats"


@attrs.frozen
class Finding:
    """A judgement of one act against one rule under one reading (None: the pack's own).

    Attributes:
        verdict: ok, violation, warning or info.
        code: what was found, e.g. ``quorum.below`` (the list: docs/replay-format.md).
        rule: the id of the rule judged by, if any; ``since`` and ``amendment`` name its version.
        article: the article the rule cites.
        interpretation: the reading judged under (None: the pack's own).
        required: the number the rule requires, in ``unit``.
        count: the number counted, in ``unit``.
        unit: members, votes, days or seats.
        reason: why a violation stands although the numbers are met.
        threshold: the rule's threshold as canonical text.
        sources: the rule's sources.
        subject: the sitting kind or motion judged.
        details: what else the finding's sentence names, as (name, value) pairs.
    """

    verdict: Verdict
    code: str
    rule: str | None = None
    article: str | None = None
    interpretation: Reading = None
    required: int | None = None
    count: int | None = None
    unit: str | None = None
    reason: str | None = None
    threshold: str | None = None
    since: date | None = None
    amendment: str | None = None
    sources: tuple[str, ...] = ()
    subject: str | None = None
    details: tuple[tuple[str, Any], ...] = ()

    def detail(self, name: str, default: Any = None) -> Any:
        """The value of one of ``details``."""
        for key, value in self.details:
            if key == name:
                return value
        return default


def about(rule: Rule) -> dict[str, Any]:
    """The fields of a :class:`Finding` that describe the rule it was judged by."""
    return {"rule": rule.id, "article": rule.article, "since": rule.since, "amendment": rule.amendment,
            "sources": rule.source, "threshold": None if rule.threshold is None else render(rule.threshold)}


def _made_by_the_engine(step: Step) -> bool:
    return isinstance(step.event, DeadlineExpired)


@attrs.frozen
class Step:
    """The state after one event, and what was found about the event.

    Attributes:
        follows: the events the law derives from this one (a dissolution, a mandate deemed
            returned), as data: the clock applies them next, on their dates.
        derived: True for an event the engine made (an expiry, or one of another step's
            ``follows``), False for one recorded.
    """

    event: Event
    state: State
    findings: tuple[Finding, ...] = ()
    follows: tuple[Event, ...] = ()
    derived: bool = attrs.field(default=attrs.Factory(_made_by_the_engine, takes_self=True))
