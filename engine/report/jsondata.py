"""The JSON output of ``impasse replay`` and ``impasse state``: the contract of docs/replay-format.md.

Builds JSON-ready data from the view model (keys in the documented order; dates stay dates until
:func:`dumps` writes them as ISO text). Each JSON object is a table of keys (:data:`OBJECTS`): the key,
the view's attribute it comes from and how it is written. :func:`timeline_data` and :func:`state_data`
build from these tables, and :mod:`engine.report.json_schema` writes the published schema from them
and the view's field types, so the output and its schema can't say different things.
"""

from __future__ import annotations

import operator
from typing import Any

import attrs

from engine.report.jsontext import dumps
from engine.report.view import StateView, StepView, TimelineView

__all__ = ["AS_OF", "FINAL_EXTRA", "OBJECTS", "ROOTS", "Out", "dumps", "state_data", "step_data", "timeline_data"]

#: How a key's value is written: ``value`` as it is, ``list`` a tuple as a list, ``dict`` pairs as an
#: object, ``pairs`` pairs as objects with the two ``names``, ``objects`` each item by the table ``of``,
#: ``object`` one value by the table ``of`` (null stays null), ``details`` a finding's named details.
FORMS = ("value", "list", "dict", "pairs", "objects", "object", "details")


@attrs.frozen
class Out:
    """One key of a JSON object: where its value comes from in the view, and how it is written."""

    key: str
    #: the view's attribute (``reading.id``: an attribute of an attribute)
    attr: str
    form: str = attrs.field(default="value", validator=attrs.validators.in_(FORMS))
    #: the table of ``objects`` and ``object``
    of: str | None = None
    #: the two keys of ``pairs``
    names: tuple[str, str] | None = None
    #: the key is written only where this attribute of the view is not None
    when: str | None = None


#: Every JSON object by name: its keys in order.
OBJECTS: dict[str, tuple[Out, ...]] = {
    "timeline": (
        Out("scenario", "scenario", "object", of="scenario"),
        Out("interpretations", "readings", "objects", of="reading"),
        Out("steps", "steps", "objects", of="step"),
        Out("final", "final", "object", of="state"),
    ),
    "scenario": (
        Out("id", "id"), Out("title", "title"), Out("country", "country"), Out("constitution", "constitution"),
        Out("body", "body"), Out("path", "path"), Out("sources", "sources", "list"), Out("notes", "notes", "list"),
    ),
    # the pack's own reading (id None) has a name and nothing more
    "reading": (
        Out("id", "id"), Out("name", "name"), Out("holder", "holder", when="id"), Out("claim", "claim", when="id"),
        Out("source", "source", "list", when="id"),
    ),
    "step": (
        Out("at", "at"), Out("time", "time"), Out("event", "event", "dict"), Out("summary", "summary"),
        Out("line", "line"), Out("phase", "phase"), Out("impasse", "impasse"),
        Out("impasse_reasons", "impasse_reasons", "list"), Out("derived", "derived"),
        Out("findings", "findings", "objects", of="finding"), Out("deadlines", "deadlines", "objects", of="deadline"),
        Out("formation", "formation", "objects", of="step_formation"),
    ),
    "step_formation": (Out("interpretation", "reading"), Out("level", "level")),
    "finding": (
        Out("verdict", "verdict"), Out("interpretation", "reading"), Out("rule", "rule"), Out("article", "article"),
        Out("message", "text"), Out("required", "required"), Out("count", "count"), Out("reason", "reason"),
        Out("code", "code"), Out("unit", "unit"), Out("threshold", "threshold"), Out("version", "version"),
        Out("amendment", "amendment"), Out("sources", "sources", "list"), Out("subject", "subject"),
        Out("details", "details", "details"),
    ),
    "deadline": (
        Out("rule", "rule"), Out("title", "title"), Out("article", "article"), Out("start", "start"),
        Out("due", "due"), Out("days_left", "days_left"),
    ),
    "state": (
        Out("as_of", "as_of"), Out("phase", "phase"), Out("impasse", "impasse"),
        Out("impasse_reasons", "impasse_reasons", "list"), Out("body_size", "body_size"),
        Out("seats", "seats", "dict"), Out("seated", "seated", "dict"), Out("rejecting", "rejecting", "list"),
        Out("complaints_pending", "complaints_pending"), Out("legal_avenues_exhausted", "avenues_exhausted"),
        Out("boycotts", "boycotts", "pairs", names=("party", "of")), Out("government", "government"),
        Out("deadlines", "deadlines", "objects", of="deadline"), Out("missed_deadlines", "missed", "list"),
        Out("overdue", "overdue", "list"), Out("upcoming", "upcoming", "objects", of="gathering"),
        Out("readings", "readings", "objects", of="lawfulness"),
        Out("formation", "formation", "objects", of="formation"), Out("law_as_of", "law_as_of"),
        Out("vacant_seats", "vacant"), Out("annulled_elections", "annulled", "pairs", names=("poll", "constituencies")),
        Out("void_acts", "void_acts", "list"),
    ),
    "gathering": (
        Out("id", "id"), Out("kind", "kind"), Out("organiser", "organiser"), Out("from", "first_day"),
        Out("to", "last_day"),
    ),
    "lawfulness": (
        Out("interpretation", "reading.id"), Out("opened_lawfully", "opened_lawfully"),
        Out("government_lawful", "government_lawful"), Out("government_status", "government_status"),
    ),
    "formation": (
        Out("interpretation", "reading"), Out("level", "level"), Out("since", "since"), Out("days", "days"),
        Out("reasons", "reasons", "list"),
    ),
    "formation_change": (
        Out("at", "at"), Out("event", "event"), Out("interpretation", "reading"), Out("level", "level"),
    ),
    "reversal": (
        Out("at", "at"), Out("event", "event"), Out("rule", "rule"), Out("interpretation", "reading"),
        Out("amendment", "amendment"), Out("believed_until", "believed_until"),
        Out("before", "before", "object", of="finding"), Out("holds_from", "holds_from"),
        Out("after", "after", "object", of="finding"),
    ),
}
#: The view class each top-level object is built from: what :mod:`engine.report.json_schema` starts at.
ROOTS = {"timeline": TimelineView, "state": StateView}
#: Read off the timeline and written into its ``final`` state: how the formation level rose and fell
#: (beside the final level, as a step's keys are fixed).
FINAL_EXTRA = (Out("formation_history", "formation_history", "objects", of="formation_change"),)
#: Written only where the law's date matters: judged as of a date, or findings a retrospective
#: amendment reversed.
AS_OF = (Out("law_as_of", "law_as_of"), Out("reversed", "reversed", "objects", of="reversal"))


def timeline_data(view: TimelineView) -> dict[str, Any]:
    """The replay as one JSON-ready object (``law_as_of`` and ``reversed`` only where the law's date matters:
    judged as of a date, or findings a retrospective amendment reversed)."""
    data = _build(view, OBJECTS["timeline"])
    data["final"].update(_build(view, FINAL_EXTRA))
    if view.law_as_of is not None or view.reversed:
        data.update(_build(view, AS_OF))
    return data


def state_data(view: StateView) -> dict[str, Any]:
    """A state as JSON-ready data (``final`` of a replay, and ``impasse state --format json``)."""
    return _build(view, OBJECTS["state"])


def step_data(view: StepView) -> dict[str, Any]:
    """One step as JSON-ready data, as in a replay's ``steps`` (and each step ``impasse log follow`` prints)."""
    return _build(view, OBJECTS["step"])


def _build(view: Any, table: tuple[Out, ...]) -> dict[str, Any]:
    return {out.key: _value(out, operator.attrgetter(out.attr)(view)) for out in table
            if out.when is None or operator.attrgetter(out.when)(view) is not None}


def _value(out: Out, value: Any) -> Any:
    form = out.form
    if form == "list":
        return list(value)
    if form == "dict":
        return dict(value)
    if form == "pairs":
        first, second = out.names  # type: ignore[misc]
        return [{first: a, second: list(b) if isinstance(b, tuple) else b} for a, b in value]
    if form == "objects":
        return [_build(item, OBJECTS[out.of]) for item in value]  # type: ignore[index]
    if form == "object":
        return None if value is None else _build(value, OBJECTS[out.of])  # type: ignore[index]
    if form == "details":
        return {k: list(v) if isinstance(v, tuple) else v for k, v in value}
    return value
