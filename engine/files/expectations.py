"""The ``expect:`` section of a scenario: the verdicts, numbers, derived events and state its author
expects the replay to reach, each kept with the line it is written on.

Rules-as-code peers let an author write expected outputs beside the inputs (OpenFisca's YAML tests,
Catala's test scopes); here they live in the scenario itself, so that no verdict is pinned twice and
``impasse test`` can name the line of one that no longer holds. This module only reads the section:
:mod:`engine.report.testing` compares it with a replay. The format is in ``docs/scenarios.md``
("Expected verdicts"); :data:`EXPECT_SCHEMA` describes it for JSON Schema, built from the same key
tables the reader checks against.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import attrs

from engine.errors import ScenarioError
from engine.files.located_yaml import Located, Path, parse_day
from engine.timeline.events import REGISTRY, event_type
from engine.timeline.findings import Verdict
from engine.timeline.state import CONFIRMED, PENDING, RESIGNED, FormationLevel, Level, Phase

__all__ = ["END", "EXPECT_SCHEMA", "FINDING_CHECKS", "FINDING_SELECTORS", "HISTORY_FIELDS", "REASON_FIELDS",
           "SCOPE_KEYS", "STATE_FIELDS", "Expectation", "Scope", "parse_expectations"]

#: The key of the scope "the end of the replay" (an event of that id, if any, takes precedence).
END = "end"

#: What one scope (an event id, a date, ``end``) may hold.
SCOPE_KEYS = ("findings", "derived", "state", "history")

#: The keys of a finding expectation that pick the findings it is about.
FINDING_SELECTORS = ("rule", "code", "reading")
#: The keys of a finding expectation that are compared with every finding picked, and their kinds.
FINDING_CHECKS: dict[str, str] = {"verdict": "verdict", "count": "int", "required": "int", "unit": "text",
                                  "details": "details"}
_FINDING_KEYS = (*FINDING_SELECTORS, *FINDING_CHECKS, "absent")

#: The words some state fields take.
_WORDS: dict[str, tuple[str, ...]] = {
    "verdict": tuple(v.value for v in Verdict),
    "phase": tuple(p.value for p in Phase),
    "level": tuple(v.value for v in Level),
    "formation": tuple(v.value for v in FormationLevel),
    "status": (PENDING, CONFIRMED, RESIGNED),
}

#: The state fields an expectation may name, and the kind of value each takes. Those whose kind
#: starts with ``reading:`` are held per reading: a single value is expected under every reading
#: judged, a mapping of reading to value under each reading named.
STATE_FIELDS: dict[str, str] = {
    "phase": "phase",
    "impasse": "level",
    "reasons": "reasons",
    "formation": "reading:formation",
    "formation_days": "reading:int",
    "government": "text?",
    "government_status": "reading:status",
    "government_lawful": "reading:bool",
    "opened_lawfully": "reading:bool",
    "confidence_lawful": "reading:bool?",
    "failed_votes": "int",
    "mandates": "int",
    "body_size": "int?",
    "seats": "seats",
    "seats_total": "int",
    "vacant": "int",
    "sittings": "int",
    "complaints_pending": "int",
    "rejecting": "set",
    "boycotting": "set",
    "deadlines": "deadlines",
    "missed": "list",
    "overdue": "list",
    "runoffs": "runoffs",
    "annulled": "dates",
}

#: The keys of an impasse reason expected among the state's reasons, and their kinds.
REASON_FIELDS: dict[str, str] = {"code": "text", "parties": "set", "count": "int", "required": "int",
                                 "target": "text", "article": "text", "rules": "list", "since": "date",
                                 "until": "date"}

#: The fields whose successive values over the whole replay ``history`` (under ``end``) may list.
HISTORY_FIELDS: dict[str, str] = {"phase": "phase", "impasse": "level", "formation": "reading:formation",
                                  "government": "text?", "government_status": "reading:status"}

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@attrs.frozen
class Scope:
    """Where an expectation looks: the step of one event (``event``), the end of one day (``date``:
    the state after its last step, and its steps' findings and derived events), or the end of the
    replay (``end``: the final state, and every finding and derived event)."""

    kind: str
    key: str


@attrs.frozen
class Expectation:
    """One expected value, where it is written.

    Attributes:
        scope: where it looks.
        kind: ``finding`` (``field`` a check of :data:`FINDING_CHECKS`, ``details.NAME``, ``found``
            that such a finding exists or ``absent`` that none does), ``derived`` (``field``
            ``count``, or ``item`` with ``index``), ``state`` (``field`` one of :data:`STATE_FIELDS`;
            ``reasons`` holds the list of reasons expected among the impasse's) or ``history`` (``field``
            one of :data:`HISTORY_FIELDS`, ``expected`` the successive values).
        field: what is compared.
        expected: the value expected, as plain data (text, numbers, booleans, lists, mappings).
        select: for a finding, the selectors given ((key, value) pairs), and for ``verdict`` with
            ``absent`` the verdict too.
        reading: the reading it is expected under; None: under every reading judged.
        index: the place of a derived event in its list.
        line: the line it is written on; ``path`` the file.
        where: the dotted path of its key, for messages.
    """

    scope: Scope
    kind: str
    field: str
    expected: Any
    select: tuple[tuple[str, Any], ...] = ()
    reading: str | None = None
    index: int | None = None
    line: int | None = None
    path: str = "<scenario>"
    where: str = ""


def parse_expectations(doc: Located[ScenarioError], event_ids: dict[str, int] | list[str],
                       readings: tuple[str, ...]) -> tuple[Expectation, ...]:
    """The ``expect:`` section of a scenario document, checked against its event ids and readings.

    Raises:
        ScenarioError: an unknown key, event id, reading or word; a value of the wrong kind; each
            naming the file, the line and the field.
    """
    top: Path = ("expect",)
    section = doc.lookup(top)
    if section is None:
        return ()
    if not isinstance(section, dict):
        raise doc.fail(top, "must be a mapping of event ids (or dates, or 'end') to what is expected there")
    return tuple(_Reader(doc, list(event_ids), readings).scopes(section))


@attrs.define
class _Reader:
    doc: Located[ScenarioError]
    ids: list[str]
    readings: tuple[str, ...]
    out: list[Expectation] = attrs.Factory(list)

    def scopes(self, section: dict[str, Any]) -> list[Expectation]:
        for key in section:
            name = str(key)
            where: Path = ("expect", key)
            if name in self.ids:
                scope = Scope("event", name)
            elif _DATE.match(name):
                parse_day(name, lambda reason, w=where: self.doc.fail_key(w, reason))
                scope = Scope("date", name)
            elif name == END:
                scope = Scope(END, END)
            else:
                hint = difflib.get_close_matches(name, self.ids, n=1)
                extra = f"; did you mean {hint[0]!r}?" if hint else ""
                raise self.doc.fail_key(where, f"no event {name!r} in this scenario (a key of 'expect' is an "
                                        f"event id, a date YYYY-MM-DD or '{END}'){extra}")
            self.scope(scope, where)
        return self.out

    def add(self, scope: Scope, kind: str, field: str, where: Path, expected: Any, **extra: Any) -> None:
        # a value's key names its line (for a list written below its key, the key's line, not the first item's)
        line, _ = self.doc.key_position(where) if isinstance(where[-1], str) else self.doc.position(where)
        self.out.append(Expectation(scope, kind, field, expected, line=line, path=self.doc.path,
                                    where=_dotted(where), **extra))

    def scope(self, scope: Scope, where: Path) -> None:
        body = self.doc.mapping(where, SCOPE_KEYS)
        if "history" in body and scope.kind != END:
            raise self.doc.fail_key((*where, "history"), f"'history' goes under '{END}' (the whole replay)")
        for i in range(len(self.doc.items((*where, "findings")))):
            self.finding(scope, (*where, "findings", i))
        if "derived" in body:
            items = self.doc.items((*where, "derived"))
            self.add(scope, "derived", "count", (*where, "derived"), len(items))
            for i in range(len(items)):
                self.derived(scope, (*where, "derived", i), i)
        if body.get("state") is not None:
            state = self.doc.mapping((*where, "state"), STATE_FIELDS)
            for name in state:
                self.state(scope, (*where, "state", name), name, STATE_FIELDS[name], "state")
        if body.get("history") is not None:
            history = self.doc.mapping((*where, "history"), HISTORY_FIELDS)
            for name in history:
                self.state(scope, (*where, "history", name), name, HISTORY_FIELDS[name], "history")

    def finding(self, scope: Scope, where: Path) -> None:
        d = self.doc
        item = d.mapping(where, _FINDING_KEYS)
        if not {"rule", "code", "verdict"} & set(item):
            raise d.fail(where, "a finding expectation names its 'rule', its 'code' or (with 'absent') its 'verdict'")
        select = []
        for key in FINDING_SELECTORS:
            if item.get(key) is not None:
                value = d.text((*where, key))
                if key == "reading":
                    self.reading(value, (*where, key))  # type: ignore[arg-type]
                select.append((key, value))
        absent = item.get("absent", False)
        if not isinstance(absent, bool):
            raise d.fail((*where, "absent"), f"must be true or false (got {absent!r})")
        if absent:
            extra = [k for k in item if k in FINDING_CHECKS and k != "verdict"]
            if extra:
                raise d.fail_key((*where, extra[0]), "a finding expected absent has no numbers to compare")
            if "verdict" in item:
                select.append(("verdict", self.value((*where, "verdict"), "verdict")))
            self.add(scope, "finding", "absent", (*where, "absent"), True, select=tuple(select))
            return
        if not {"rule", "code"} & set(item):
            raise d.fail(where, "a finding expected present names its 'rule' or its 'code'")
        self.add(scope, "finding", "found", where, True, select=tuple(select))
        for key, kind in FINDING_CHECKS.items():
            if key not in item:
                continue
            if kind == "details":  # any names: a finding's details differ by code
                if not isinstance(item[key], dict):
                    raise d.fail((*where, key), "must be a mapping of detail names to values")
                for name in item[key]:
                    value = self.value((*where, key, name), "any")
                    self.add(scope, "finding", f"details.{name}", (*where, key, name), value, select=tuple(select))
                continue
            self.add(scope, "finding", key, (*where, key), self.value((*where, key), kind), select=tuple(select))

    def derived(self, scope: Scope, where: Path, index: int) -> None:
        d = self.doc
        raw = d.get(where)
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            raise d.fail(where, "a derived event expected is a mapping with its 'type' and any of its fields")
        try:
            cls = event_type(raw["type"])
        except KeyError as exc:
            raise d.fail((*where, "type"), str(exc.args[0])) from None
        d.mapping(where, ("type", *(a.name for a in attrs.fields(cls)), "at"))
        expected = {str(k): self.value((*where, k), "any") for k in raw}
        self.add(scope, "derived", "item", where, expected, index=index)

    def state(self, scope: Scope, where: Path, name: str, kind: str, family: str) -> None:
        raw = self.doc.get(where)
        if not kind.startswith("reading:"):
            self.add(scope, family, name, where, self.value(where, kind, history=family == "history"))
            return
        kind = kind.removeprefix("reading:")
        if isinstance(raw, dict):
            for reading in raw:
                self.reading(str(reading), (*where, reading))
                self.add(scope, family, name, (*where, reading),
                         self.value((*where, reading), kind, history=family == "history"), reading=str(reading))
            return
        self.add(scope, family, name, where, self.value(where, kind, history=family == "history"))

    def reading(self, name: str, where: Path) -> None:
        if name not in self.readings:
            known = ", ".join(self.readings) or "none: the pack's own reading alone is judged"
            hint = difflib.get_close_matches(name, list(self.readings), n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else f" (the scenario's readings: {known})"
            raise self.doc.fail(where, f"unknown reading {name!r}{extra}")

    def value(self, where: Path, kind: str, *, history: bool = False) -> Any:
        """The value at ``where`` checked against its kind, as plain data."""
        d = self.doc
        if history:
            return [self.value((*where, i), kind) for i in range(len(d.items(where)))]
        raw = d.get(where)
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        if raw is None:
            if optional or kind == "any":
                return None
            raise d.fail(where, "needs a value")
        if kind in _WORDS:
            if raw not in _WORDS[kind]:
                words = ", ".join(_WORDS[kind])
                raise d.fail(where, f"must be one of: {words} (got {raw!r})")
            return raw
        if kind == "int":
            return d.integer(where, minimum=None)
        if kind == "bool":
            if not isinstance(raw, bool):
                raise d.fail(where, f"must be true or false (got {raw!r})")
            return raw
        if kind == "text":
            return d.text(where)
        if kind == "date":
            return d.day(where).isoformat()  # type: ignore[union-attr]
        if kind in ("list", "set"):
            return [d.text((*where, i)) for i in range(len(d.items(where)))]
        if kind == "dates":
            return [d.day((*where, i)).isoformat() for i in range(len(d.items(where)))]  # type: ignore[union-attr]
        if kind == "seats":
            if not isinstance(raw, dict):
                raise d.fail(where, "must be a mapping of parties to seats")
            return {str(k): d.integer((*where, k)) for k in raw}
        if kind == "deadlines":  # a list of rules, or a mapping of rule to due day
            if isinstance(raw, dict):
                return {str(k): d.day((*where, k)).isoformat() for k in raw}  # type: ignore[union-attr]
            return [d.text((*where, i)) for i in range(len(d.items(where)))]
        if kind == "runoffs":
            return [[d.text((*where, i, j)) for j in range(len(d.items((*where, i))))]
                    for i in range(len(d.items(where)))]
        if kind == "reasons":
            out = []
            for i in range(len(d.items(where))):
                item = d.mapping((*where, i), REASON_FIELDS, required=("code",))
                out.append({str(k): self.value((*where, i, k), REASON_FIELDS[str(k)]) for k in item})
            return out
        return _plain_scalar(d, where, raw)


def _plain_scalar(d: Located[ScenarioError], where: Path, raw: Any) -> Any:
    """A detail's value: text, a number, a boolean, or a list of those."""
    if isinstance(raw, dict):
        raise d.fail(where, "must be a value or a list of values, not a mapping")
    if isinstance(raw, list):
        return [_plain_scalar(d, (*where, i), v) for i, v in enumerate(raw)]
    if isinstance(raw, float):
        raise d.fail(where, f"must be a whole number, text or true/false (got {raw!r})")
    return raw


def _dotted(where: Path) -> str:
    from engine.files.located_yaml import dotted

    return dotted(where)


def _schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of value."""
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    scalar: dict[str, Any] = {"type": ["string", "integer", "boolean"]}
    simple: dict[str, dict[str, Any]] = {
        "int": {"type": "integer"},
        "bool": {"type": "boolean"},
        "text": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "list": {"type": "array", "items": {"type": "string"}},
        "set": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
        "seats": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "deadlines": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                {"type": "object", "additionalProperties": {"type": "string", "format": "date"}}]},
        "runoffs": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        "details": {"type": "object", "additionalProperties": {"oneOf": [scalar, {"type": "array", "items": scalar}]}},
        "any": {},
    }
    if kind == "reasons":
        reason = {"type": "object", "required": ["code"], "additionalProperties": False,
                  "properties": {k: _schema(v) for k, v in REASON_FIELDS.items()}}
        out: dict[str, Any] = {"type": "array", "items": reason}
    elif kind.startswith("reading:"):
        one = _schema(kind.removeprefix("reading:"))
        out = {"oneOf": [one, {"type": "object", "additionalProperties": one}]}
    elif kind in _WORDS:
        out = {"enum": list(_WORDS[kind])}
    else:
        out = simple[kind]
    return {"oneOf": [out, {"type": "null"}]} if optional else out


def _history_schema(kind: str) -> dict[str, Any]:
    if kind.startswith("reading:"):
        one = {"type": "array", "items": _schema(kind.removeprefix("reading:"))}
        return {"oneOf": [one, {"type": "object", "additionalProperties": one}]}
    return {"type": "array", "items": _schema(kind)}


_FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["rule"]}, {"required": ["code"]}, {"required": ["verdict", "absent"]}],
    "properties": {**{k: {"type": "string"} for k in FINDING_SELECTORS},
                   **{k: _schema(v) for k, v in FINDING_CHECKS.items()},
                   "absent": {"type": "boolean"}},
}

#: A JSON Schema fragment for the value of ``expect:``, built from the key tables above.
EXPECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "What the replay is expected to reach: keys are event ids, dates (YYYY-MM-DD: the end of "
                   f"that day) or '{END}' (the end of the replay). See docs/scenarios.md.",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "findings": {"type": "array", "items": _FINDING_SCHEMA},
            "derived": {"type": "array", "items": {"type": "object", "required": ["type"],
                                                   "properties": {"type": {"enum": sorted(REGISTRY)}}}},
            "state": {"type": "object", "additionalProperties": False,
                      "properties": {k: _schema(v) for k, v in STATE_FIELDS.items()}},
            "history": {"type": "object", "additionalProperties": False,
                        "properties": {k: _history_schema(v) for k, v in HISTORY_FIELDS.items()}},
        },
    },
}
