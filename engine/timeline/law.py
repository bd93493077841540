"""The law the state machine judges by, and the memo that keeps what it says.

:class:`Law` is a plain value: a constitution pack, the body whose acts are judged and the readings
to judge them under. :class:`LawMemo` is the one place where speed lives: replay and the simulator
create one per law and pass it to :func:`engine.timeline.machine.transition`, which asks it what
the law says on a day (:class:`Day`) and for judgements it made before. Everything it keeps is a
pure function of the law and the question, so a memo changes no result, only how soon it comes;
``transition`` without a memo makes a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import attrs

from engine.rules.constitution import Constitution, Rule, RuleKind, RulesInForce
from engine.rules.vocabulary import CONFIRMS_GOVERNMENT, INSTALLS_GOVERNMENT, MOTIONS, REMOVES_GOVERNMENT, SITTINGS
from engine.timeline.state import Reading

__all__ = ["Day", "Law", "LawMemo", "PerReading"]

T = TypeVar("T")

#: Rules under each reading judged: ((reading, rules), ...), in the law's order of readings.
PerReading = tuple[tuple[Reading, tuple[Rule, ...]], ...]


@attrs.frozen
class Law:
    """What the machine judges by: a constitution pack, the body, and the readings to judge.

    ``readings`` lists interpretation ids (None for the pack's own reading). The impasse level is
    derived under the pack's own reading, the formation level under each. ``known_on`` judges by the
    law as it stood on that day (``--law-as-of``): an amendment adopted later does not apply, even
    where it is back-dated; None judges by the law as now known.
    """

    constitution: Constitution
    body: str = "national-assembly"
    readings: tuple[Reading, ...] = (None,)
    known_on: date | None = None

    def rules_on(self, day: date, reading: Reading = None) -> RulesInForce:
        """The rules in force on ``day`` under ``reading``, as the law stood on ``known_on``."""
        return self.constitution.rules_on(day, reading, self.known_on)

    def size_on(self, day: date) -> int | None:
        """The body's seats on ``day`` (None before its first size)."""
        return self.constitution.body(self.body).size_on(day)

    @property
    def sits_on(self) -> bool:
        """Whether the body stays in office after a dissolution until the new assembly first sits
        (the pack's ``after_dissolution: sits``): its sittings and votes go on as before."""
        return any(b.id == self.body and b.sits_after_dissolution for b in self.constitution.bodies)

    def name(self, reading: Reading) -> str:
        """How findings name a reading."""
        if reading is None:
            return "the pack's reading"
        return self.constitution.interpretation(reading).name


@attrs.frozen(eq=False)
class Day:
    """What the law says on one day, looked up once: every event of the day consults it.

    Attributes:
        size: the body's seats (None before its first size).
        ruleset: the rules in force under the pack's own reading (deadlines, the impasse).
        deadlines: the deadline rules for the body, by id.
        anchored: the deadline rules each event type may start (their filters decide).
        chained: the deadline rules that start when another ends, by (rule, ``expires`` or ``met``).
        convocations: the convocation rules for each kind of sitting.
        quorums: the quorum rules for each kind of sitting, under each reading.
        decisions: the decision rules for each motion, under each reading.
        installing: per reading, the motions whose adoption installs a government.
        confirming: per reading, the motions whose vote confirms a government appointed before it
            (adopted, or for a negative rule not rejected), or obliges it to resign (lost).
        removing: the motions whose adoption removes the government (under the pack's own reading:
            what happened to the government is one fact, whoever's reading is right).
    """

    size: int | None
    ruleset: RulesInForce
    deadlines: dict[str, Rule]
    anchored: dict[str, tuple[Rule, ...]]
    chained: dict[tuple[str, str], tuple[Rule, ...]]
    convocations: dict[str, tuple[Rule, ...]]
    quorums: dict[str, PerReading]
    decisions: dict[str, PerReading]
    installing: tuple[tuple[Reading, frozenset[str]], ...]
    removing: frozenset[str]
    confirming: tuple[tuple[Reading, frozenset[str]], ...] = ()


def day_of(law: Law, size: int | None, own: RulesInForce, rulesets: tuple[tuple[Reading, RulesInForce], ...]) -> Day:
    """The :class:`Day` for a body size, the rules in force under the pack's own reading and under
    each reading judged."""
    body = law.body

    def per_reading(kind: RuleKind, applies_to: str) -> PerReading:
        return tuple((reading, rs.of_kind(kind, body, applies_to)) for reading, rs in rulesets)

    def motions(rs: RulesInForce, effect: str) -> frozenset[str]:
        return frozenset(m for m in MOTIONS
                         if any(r.effect == effect for r in rs.of_kind(RuleKind.DECISION, body, m)))

    deadlines = {r.id: r for r in own.of_kind(RuleKind.DEADLINE, body)}
    anchored: dict[str, list[Rule]] = {}
    chained: dict[tuple[str, str], list[Rule]] = {}
    for rule in deadlines.values():
        if rule.counted is None:
            continue
        if rule.after is not None:
            chained.setdefault(rule.after, []).append(rule)
        elif rule.anchor is not None:
            anchored.setdefault(rule.anchor, []).append(rule)
    return Day(
        size=size,
        ruleset=own,
        deadlines=deadlines,
        anchored={k: tuple(v) for k, v in anchored.items()},
        chained={k: tuple(v) for k, v in chained.items()},
        convocations={s: own.of_kind(RuleKind.CONVOCATION, body, s) for s in SITTINGS},
        quorums={s: per_reading(RuleKind.QUORUM, s) for s in SITTINGS},
        decisions={m: per_reading(RuleKind.DECISION, m) for m in MOTIONS},
        installing=tuple((reading, motions(rs, INSTALLS_GOVERNMENT)) for reading, rs in rulesets),
        removing=motions(own, REMOVES_GOVERNMENT),
        confirming=tuple((reading, motions(rs, CONFIRMS_GOVERNMENT)) for reading, rs in rulesets),
    )


class LawMemo:
    """What a law says and the judgements made under it, each worked out once.

    Replay and the simulator own one per :class:`Law` and pass it to ``transition``; clocks that
    replay similar histories share it. Its answers are pure functions of the law and the question:
    the memo changes how soon an answer comes, never what it is.

    Args:
        law: the law whose answers are kept.
        limit: judgements kept before the memo starts afresh (bounds its memory).
    """

    def __init__(self, law: Law, limit: int = 200_000) -> None:
        self.law = law
        self.limit = limit
        self._days: dict[date, Day] = {}
        self._regimes: dict[tuple, RulesInForce] = {}
        self._shared_days: dict[tuple, Day] = {}
        self._judgements: dict[tuple, Any] = {}

    def rules_on(self, day: date, reading: Reading = None) -> RulesInForce:
        """The rules in force on ``day`` under ``reading``: one object for every day of a regime."""
        fresh = self.law.rules_on(day, reading)
        return self._regimes.setdefault((reading, tuple(map(id, fresh.rules))), fresh)

    def day(self, day: date) -> Day:
        """What the law says on ``day``."""
        found = self._days.get(day)
        if found is None:
            own = self.rules_on(day)
            rulesets = tuple((reading, self.rules_on(day, reading)) for reading in self.law.readings)
            size = self.law.size_on(day)
            key = (size, id(own), *(id(rs) for _, rs in rulesets))
            found = self._shared_days.get(key)
            if found is None:
                found = self._shared_days[key] = day_of(self.law, size, own, rulesets)
            self._days[day] = found
        return found

    def judged(self, key: tuple, judge: Callable[..., T], *args: Any) -> T:
        """``judge(*args)``, worked out once for ``key`` (which must determine the answer)."""
        try:
            return self._judgements[key]
        except KeyError:
            if len(self._judgements) >= self.limit:
                self._judgements.clear()
            value = self._judgements[key] = judge(*args)
            return value
