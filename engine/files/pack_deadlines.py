"""Reading a deadline rule's keys in a constitution pack: periods, filters, restarts, windows, chains;
and a consequence rule's: what brings it about, the events it derives.

The pack reader (:mod:`engine.files.packs`) hands each deadline and consequence version here; the keys
are documented in the "Deadlines", "Consequences" and "Mandates" chapters of ``docs/constitutions.md``.
Every error names the file, the line and the field, with a suggestion for a near miss.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import attrs

from engine.errors import PackError
from engine.files.keys import CONSEQUENCE, DEADLINE, names
from engine.files.located_yaml import Located, Path
from engine.rules.constitution import (
    ANCHOR_DAYS,
    CHAIN_ON,
    EXPIRIES,
    MONTH_ENDS,
    RESTARTS,
    UNITS,
    EventFilter,
    Period,
    Rule,
    RuleKind,
)
from engine.timeline.events import RECORDABLE_TYPES, REGISTRY, Event

__all__ = ["CONSEQUENCE_KEYS", "DEADLINE_KEYS", "DeadlineReader"]

#: the keys only a deadline rule has (``after`` a consequence has too); their table: engine/files/keys.py
DEADLINE_KEYS = names(DEADLINE)
#: the keys only a consequence rule has
CONSEQUENCE_KEYS = names(CONSEQUENCE)
#: a day to build a derived event on when the pack is read, to check that the rule can make it
_SOME_DAY = date(2000, 1, 1)
#: fields every event has: a deadline's filter may not ask for them
_COMMON_FIELDS = ("at", "source", "note", "id", "time")
_PERIOD = re.compile(r"(\d+)\s+([a-z]+)")
#: every anchor day of four years, a leap year among them: a window must be open whatever the anchor
_LEAP_CYCLE = tuple(date(2001, 1, 1) + timedelta(days=n) for n in range(4 * 365 + 1))


@attrs.define
class DeadlineReader:
    """Reads deadline versions from one pack, and checks afterwards that chained deadlines name real ones."""

    doc: Located[PackError]
    #: (where, rule named) of every deadline chained ``after`` another, checked once all rules are read
    chains: list[tuple[Path, str]] = attrs.Factory(list)

    def check_chains(self, rules: Iterable[Rule]) -> None:
        """Every ``after: RULE ...`` names a deadline rule of the pack."""
        deadlines = sorted({r.id for r in rules if r.kind is RuleKind.DEADLINE})
        for where, name in self.chains:
            if name not in deadlines:
                hint = difflib.get_close_matches(name, deadlines, n=1)
                known = ", ".join(deadlines) or "none"
                extra = f"; did you mean {hint[0]!r}?" if hint else f" (deadline rules: {known})"
                raise self.doc.fail(where, f"no deadline rule {name!r} to start after{extra}")

    def read(self, vp: Path, pick: Any, base: Rule | None, applies: tuple[str, ...]) -> dict[str, Any]:
        """The fields of a deadline version: its period, what starts it, what meets it, its window.

        Args:
            vp: where the version is.
            pick: the pack reader's lookup of a key, in the version or in the rule's defaults.
            base: the rule an interpretation overrides (its values are the defaults), or None.
            applies: the version's ``applies_to``.
        """
        d = self.doc

        def choice(key: str, options: tuple[str, ...], inherited: str) -> str:
            p, raw = pick(key)
            if raw is None:
                return inherited
            return self.one_of(p, d.text(p), options)  # type: ignore[arg-type]

        inherit = base if base is not None and base.kind is RuleKind.DEADLINE else None
        (days_at, days), (period_at, period_text) = pick("days"), pick("period")
        if days is not None and period_text is not None:
            raise d.fail(period_at, "give 'days' or 'period', not both ('days: 60' is 'period: 60 days')")
        anchor_day = choice("anchor_day", ANCHOR_DAYS, inherit.counted.anchor_day if inherit and inherit.counted
                            else ANCHOR_DAYS[0])
        month_end = choice("month_end", MONTH_ENDS, inherit.counted.month_end if inherit and inherit.counted
                           else MONTH_ENDS[0])
        if days is not None:
            period = Period(d.integer(days_at, minimum=1), "days", anchor_day, month_end)  # type: ignore[arg-type]
        elif period_text is not None:
            period = attrs.evolve(self.period(period_at), anchor_day=anchor_day, month_end=month_end)
        elif inherit is not None and inherit.counted is not None:
            period = attrs.evolve(inherit.counted, anchor_day=anchor_day, month_end=month_end)
        else:
            raise d.fail(vp, "a deadline rule needs 'period' (like '60 days' or '2 months') or 'days'")
        not_before = None
        if pick("not_before")[1] is not None:
            not_before = attrs.evolve(self.period(pick("not_before")[0]), anchor_day=anchor_day, month_end=month_end)
            # months and days compare differently from one anchor to another: try a leap cycle of them
            if any(not_before.end(day) >= period.end(day) for day in _LEAP_CYCLE):
                raise d.fail(pick("not_before")[0], f"must be shorter than the period ({period}), whatever the "
                                                    "anchor's day (use 'exact_day' for an act due on one day)")
        elif inherit is not None:
            not_before = inherit.not_before
        exact_at, exact = pick("exact_day")
        if exact is not None and not isinstance(exact, bool):
            raise d.fail(exact_at, f"must be true or false (got {exact!r})")
        exact_day = exact if exact is not None else (inherit.exact_day if inherit else False)
        if exact_day and not_before is not None:
            raise d.fail(exact_at, "give 'exact_day' (the act on the last day) or 'not_before' (a window), not both")
        extension = inherit.extension if inherit is not None else None
        if pick("extension")[1] is not None:  # counted from the period's last day, that day excluded
            extension = attrs.evolve(self.period(pick("extension")[0]), month_end=month_end)
        restart = choice("restart", RESTARTS, inherit.restart if inherit else RESTARTS[0])
        expiry = choice("expiry", EXPIRIES, inherit.expiry if inherit else EXPIRIES[0])
        after = self.after(pick("after")[0]) if pick("after")[1] is not None else None
        anchor_at, anchor_raw = pick("anchor")
        if after is not None and anchor_raw is not None:
            raise d.fail(anchor_at, "give 'anchor' (the event that starts it) or 'after' (another deadline), not both")
        anchor_filter = met_filter = None
        if anchor_raw is not None:
            anchor_filter = self.event_filter(anchor_at)
        elif after is None and inherit is not None:
            anchor_filter, after = inherit.anchor_filter, inherit.after
        met_at, met_raw = pick("met_by")
        also: tuple[EventFilter, ...] = ()
        if isinstance(met_raw, list):  # any of several acts meets it: the first is its own act
            if not met_raw:
                raise d.fail(met_at, "must name at least one event")
            met_filter, *others = (self.event_filter((*met_at, i)) for i in range(len(met_raw)))
            also = tuple(others)
        elif met_raw is not None:
            met_filter = self.event_filter(met_at)
        elif inherit is not None:
            met_filter, also = inherit.met_filter, inherit.also_met_by
        count_at, count_raw = pick("count")
        count = d.integer(count_at, minimum=1) if count_raw is not None else (inherit.count if inherit else 1)
        if count != 1 and anchor_filter is None:
            raise d.fail(count_at, "'count' goes with 'anchor': the Nth event that matches it starts the deadline")
        if (anchor_filter is None and after is None) or met_filter is None:
            raise d.fail(vp, "a deadline rule needs 'anchor' (the event that starts it) or 'after' "
                             "(the deadline it follows), and 'met_by' (the event that meets it)")
        event_fields = attrs.fields_dict(REGISTRY[met_filter.type])
        key = next((k for k in ("sitting", "motion") if k in event_fields), None)
        if met_raw is None and key is not None and pick("applies_to")[1] is not None:
            # an override's own applies_to replaces what the met_by it inherits asks
            met_filter = attrs.evolve(met_filter, fields=tuple(f for f in met_filter.fields if f[0] != key))
        if applies and pick("applies_to")[1] is not None:  # the pack's own text: fold it into met_by
            met_filter = self.fold_applies_to(pick("applies_to")[0], met_filter, applies)
        elif applies and key is not None and not met_filter.values(key):  # inherited with a plain met_by
            met_filter = attrs.evolve(met_filter, fields=(*met_filter.fields, (key, applies)))
        # the sitting kinds or motions the filter asks for are what the deadline applies to
        applies = () if key is None else tuple(str(v) for v in met_filter.values(key))
        return {"days": period.amount if period.unit == "days" else None, "period": period,
                "anchor": None if anchor_filter is None else anchor_filter.type, "anchor_filter": anchor_filter,
                "met_by": met_filter.type, "met_filter": met_filter, "restart": restart, "after": after,
                "not_before": not_before, "exact_day": exact_day, "applies_to": applies, "also_met_by": also,
                "count": count, "expiry": expiry, "extension": extension}

    def check_keys(self, kind: RuleKind, pick: Any) -> None:
        """A rule of another kind gives none of a deadline's or a consequence's keys (they'd be ignored)."""
        for key in (*DEADLINE_KEYS, *CONSEQUENCE_KEYS):
            if pick(key)[1] is None or (kind is RuleKind.CONSEQUENCE and key in ("after", *CONSEQUENCE_KEYS)):
                continue
            if kind is RuleKind.DEADLINE and (key not in CONSEQUENCE_KEYS or key == "count"):
                continue
            owner = "deadline or a consequence" if key == "count" else (
                "consequence" if key in CONSEQUENCE_KEYS else "deadline")
            raise self.doc.fail(pick(key)[0], f"only a {owner} rule has '{key}'")
        if kind is RuleKind.CONSEQUENCE:
            for key in ("threshold", "applies_to", "convened_by"):
                if pick(key)[1] is not None:  # it would be ignored, silently
                    raise self.doc.fail(pick(key)[0], f"a consequence has no '{key}': it derives events ('derive')")

    def consequence(self, vp: Path, pick: Any, base: Rule | None) -> dict[str, Any]:
        """The fields of a consequence version: what brings it about (``when``, ``count`` or ``after``)
        and the events it derives (``derive``).

        Args:
            vp: where the version is.
            pick: the pack reader's lookup of a key, in the version or in the rule's defaults.
            base: the rule an interpretation overrides (its values are the defaults), or None.
        """
        d = self.doc
        inherit = base if base is not None and base.kind is RuleKind.CONSEQUENCE else None
        (after_at, after_raw), (when_at, when_raw) = pick("after"), pick("when")
        if after_raw is not None and when_raw is not None:
            raise d.fail(when_at, "give 'when' (the event that brings it about) or 'after' (a deadline), not both")
        after = self.after(after_at) if after_raw is not None else None
        when = self.event_filter(when_at) if when_raw is not None else None
        if after is None and when is None and inherit is not None:
            after, when = inherit.after, inherit.when
        if after is None and when is None:
            raise d.fail(vp, "a consequence rule needs 'when' (the event that brings it about, like "
                             "'{type: mandate_returned, rank: 3}') or 'after' (like 'first-mandate expires')")
        count_at, count_raw = pick("count")
        count = d.integer(count_at, minimum=1) if count_raw is not None else (inherit.count if inherit else 1)
        if count != 1 and when is None:
            raise d.fail(count_at, "'count' goes with 'when': the Nth event that matches it")
        derive_at, derive_raw = pick("derive")
        if derive_raw is None:
            if inherit is None:
                raise d.fail(vp, "a consequence rule needs 'derive': the events the law brings about, like "
                                 "'assembly_dissolved' or '{type: mandate_returned, rank: 1, deemed: true}'")
            return {"after": after, "when": when, "count": count, "derive": inherit.derive}
        places = [(*derive_at, i) for i in range(len(derive_raw))] if isinstance(derive_raw, list) else [derive_at]
        if not places:
            raise d.fail(derive_at, "must name at least one event")
        derive = []
        for at in places:
            wanted = self.event_filter(at)
            for key, values in wanted.fields:
                if len(values) != 1:
                    raise d.fail((*at, key), "a derived event has one value for each field, not a list")
            try:  # the event must be one the engine can make: every field it requires given
                fields: dict[str, Any] = {k: v[0] for k, v in wanted.fields}
                REGISTRY[wanted.type](at=_SOME_DAY, source=("pack",), **fields)
            except (TypeError, ValueError) as exc:
                missing = re.search(r"argument: '(\w+)'", str(exc))
                why = f"it needs '{missing.group(1)}'" if missing else str(exc)
                raise d.fail(at, f"can't derive {wanted}: {why}") from None
            derive.append(wanted)
        return {"after": after, "when": when, "count": count, "derive": tuple(derive)}

    def one_of(self, where: Path, value: str, options: tuple[str, ...]) -> str:
        if value not in options:
            hint = difflib.get_close_matches(value, options, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise self.doc.fail(where, f"must be one of {', '.join(options)} (got {value!r}){extra}")
        return value

    def period(self, where: Path) -> Period:
        """A period written as a number and a unit: ``60 days``, ``2 months``, ``1 year``."""
        text = self.doc.text(where) or ""
        found = _PERIOD.fullmatch(text.strip())
        if found is None:
            raise self.doc.fail(where, f"must be a number and a unit, like '60 days' or '2 months' (got {text!r})")
        if len(found.group(1)) > 6:  # no period runs a million units; int() of thousands of digits is refused
            raise self.doc.fail(where, f"is too long a period (got {text[:40]!r}...)")
        amount, unit = int(found.group(1)), found.group(2)
        if amount < 1:
            raise self.doc.fail(where, f"must be at least 1 {unit} (got {text!r})")
        if f"{unit}s" in UNITS:
            unit = f"{unit}s"
        return Period(amount, self.one_of(where, unit, UNITS))

    def after(self, where: Path) -> tuple[str, str]:
        """``RULE expires`` or ``RULE met``: the deadline another one's end starts."""
        words = (self.doc.text(where) or "").split()
        if len(words) != 2:
            raise self.doc.fail(where, f"must be a deadline rule and 'expires' or 'met', like 'first-mandate "
                                       f"expires' (got {' '.join(words)!r})")
        self.chains.append((where, words[0]))
        return words[0], self.one_of(where, words[1], CHAIN_ON)

    def event_filter(self, where: Path) -> EventFilter:
        """An event type (``election_held``) or a filter (``{type: vote, motion: investiture}``)."""
        d = self.doc
        raw = d.get(where)
        if not isinstance(raw, dict):
            return EventFilter(self.event_type(where))
        d.mapping(where, ("type", *raw), required=("type",))
        name = self.event_type((*where, "type"))
        cls = REGISTRY[name]
        known = [a.name for a in attrs.fields(cls) if a.name not in _COMMON_FIELDS]
        fields = []
        for key in raw:
            if key == "type":
                continue
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1)
                extra = f". Did you mean {hint[0]!r}?" if hint else f" (fields of {name}: {', '.join(known) or 'none'})"
                raise d.fail_key((*where, key), f"{name} has no field {key!r}{extra}")
            values = raw[key] if isinstance(raw[key], list) else [raw[key]]
            for i, value in enumerate(values):
                at = (*where, key, i) if isinstance(raw[key], list) else (*where, key)
                self.check_value(at, cls, key, value)
            fields.append((key, tuple(values)))
        return EventFilter(name, tuple(fields))

    def event_type(self, where: Path) -> str:
        name = self.doc.text(where) or ""
        if name not in RECORDABLE_TYPES:  # a misspelt type would start or meet nothing, silently
            hint = difflib.get_close_matches(name, RECORDABLE_TYPES, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else f" (event types: {', '.join(RECORDABLE_TYPES)})"
            raise self.doc.fail(where, f"unknown event type {name!r}{extra}")
        return name

    def check_value(self, where: Path, cls: type[Event], key: str, value: Any) -> None:
        """A filter's value must be one the event's field can hold (its own validator says which)."""
        if value is None or isinstance(value, (dict, list)) or not isinstance(value, (str, bool, int)):
            raise self.doc.fail(where, f"must be text, a number, true or false (got {value!r})")
        check = attrs.fields_dict(cls)[key].validator
        if check is None or isinstance(value, bool) or not isinstance(value, (str, int)):
            return
        try:
            check(None, attrs.fields_dict(cls)[key], value)
        except ValueError as exc:  # the event's own words: "'motion' must be one of ..."
            raise self.doc.fail(where, str(exc)) from None
        except (AttributeError, TypeError):
            return  # a validator that compares with other fields: nothing to say about one value

    def fold_applies_to(self, where: Path, met: EventFilter, applies: tuple[str, ...]) -> EventFilter:
        """A deadline's ``applies_to`` (the form packs first used) as the sitting or motion ``met_by`` asks for."""
        fields = attrs.fields_dict(REGISTRY[met.type])
        key = next((k for k in ("sitting", "motion") if k in fields), None)
        if key is None:
            raise self.doc.fail(where, f"applies_to names sitting kinds or motions, and {met.type} has neither")
        if met.values(key):
            raise self.doc.fail(where, f"give the {key} in met_by or in applies_to, not both")
        for i, name in enumerate(applies):
            self.check_value((*where, i) if isinstance(self.doc.lookup(where), list) else where,
                             REGISTRY[met.type], key, name)
        return attrs.evolve(met, fields=(*met.fields, (key, applies)))
