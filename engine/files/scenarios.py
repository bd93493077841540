"""Scenario files: metadata, parties and dated, sourced events, read with their line numbers.

The format is documented in ``docs/scenarios.md``. :func:`load_scenario` lets nothing escape but
:class:`ScenarioError`, which names file, line, field and reason.
"""

from __future__ import annotations

import difflib
import re
from datetime import timedelta
from pathlib import Path as FsPath
from typing import Any

import attrs
import cattrs

from engine.errors import ImpasseError, NotAScenarioError, ScenarioError
from engine.files.expectations import Expectation, parse_expectations
from engine.files.keys import (
    SCENARIO,
    SCENARIO_META,
    SCENARIO_PARTY,
    SECTIONS,
    UNCERTAIN,
    names,
    required,
)
from engine.files.located_yaml import Located, Path, load_located, read_file
from engine.files.packs import load_pack
from engine.files.uncertain import Defection, Delay, Happens, Talks, Uncertainty
from engine.rules.constitution import Constitution
from engine.timeline.events import (
    DERIVED_TYPES,
    Event,
    converter,
    event_type,
    unique_id,
    unstructure_event,
)

__all__ = ["Party", "Scenario", "dump_scenario", "load_scenario", "parse_event", "parse_scenario"]

# the keys of each mapping, from the tables the schema is written from (engine/files/keys.py)
_TOP = names(SCENARIO)
_META = names(SCENARIO_META)
_PARTY = names(SCENARIO_PARTY)
_NOTHING_UNCERTAIN = Uncertainty()  # frozen, so every scenario without an 'uncertain:' section can share it



@attrs.frozen
class Party:
    """A party (or coalition) taking part in the crisis."""

    id: str
    name: str
    role: str | None = None
    note: str | None = None


@attrs.frozen
class Scenario:
    """A crisis as recorded: metadata, parties, events, and where each event stands in its file."""

    id: str
    title: str
    country: str
    constitution: Constitution
    body: str
    interpretations: tuple[str, ...]
    parties: tuple[Party, ...]
    events: tuple[Event, ...]
    lines: tuple[int | None, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    path: str = "<scenario>"
    uncertain: Uncertainty = _NOTHING_UNCERTAIN
    #: what the author expects the replay to reach (``expect:``; not part of the crisis, so not dumped)
    expect: tuple[Expectation, ...] = ()

    def line_of(self, event: Event) -> int | None:
        """The line an event starts on in its file (None for events made by the engine)."""
        for index, candidate in enumerate(self.events):
            if candidate is event:
                return self.lines[index] if index < len(self.lines) else None
        return None

    def event(self, event_id: str) -> Event:
        """The event with this id."""
        for candidate in self.events:
            if candidate.id == event_id:
                return candidate
        hint = difflib.get_close_matches(event_id, [e.id or "" for e in self.events], n=1)
        extra = f" Did you mean {hint[0]!r}?" if hint else ""
        msg = f"no event {event_id!r} in {self.path}.{extra}"
        raise ScenarioError(msg, path=self.path)


def load_scenario(path: str | FsPath) -> Scenario:
    """Read a scenario file.

    Only a regular file is read, of at most :data:`~engine.files.located_yaml.MAX_BYTES` bytes.

    Raises:
        ScenarioError: naming file, line, field and reason, for anything wrong.
    """
    return parse_scenario(read_file(path, ScenarioError, "scenario file"), str(path))


def parse_scenario(text: str | bytes, path: str = "<scenario>") -> Scenario:
    """Parse scenario text; ``path`` is used in messages. Raises only :class:`ScenarioError`."""
    try:
        doc = load_located(text, path, ScenarioError)
        return _Reader(doc).read()
    except ScenarioError:
        raise
    except ImpasseError as exc:  # e.g. an unknown pack: reported against the file
        raise ScenarioError(str(exc), path=path) from None
    except RecursionError:
        msg = "nested too deeply"
        raise ScenarioError(msg, path=path) from None


def parse_event(doc: Located, parties: tuple[str, ...] | list[str] = ()) -> Event:
    """One event in the scenario format (the mapping at the top of ``doc``), checked as a scenario's are.

    Args:
        doc: the event's mapping, loaded with :func:`engine.files.located_yaml.load_located`.
        parties: the party ids that party fields may name (none: names are not checked).

    Raises:
        ScenarioError: an unknown type or field, a value the event refuses, an unknown party.
    """
    return _Reader(doc).event((), list(parties))


@attrs.define
class _Reader:
    doc: Located[ScenarioError]

    def read(self) -> Scenario:
        d = self.doc
        if not isinstance(d.data, dict):
            raise d.fail((), "a scenario must be a mapping with 'scenario', 'parties' and 'events'", field="(top)")
        if not {"scenario", "events"} & set(d.data) and {"bodies", "rules"} <= set(d.data):
            msg = ("is a constitution pack, not a scenario: 'impasse check' and 'impasse rules FILE' check it "
                   "(docs/constitutions.md)")
            raise NotAScenarioError(msg, path=d.path)
        if not {"scenario", "events"} & set(d.data):
            # some other file: named, and none of it echoed (its keys may be anything)
            msg = "is not a scenario file: a scenario is a YAML mapping with 'scenario', 'parties' and 'events'"
            raise ScenarioError(msg, path=d.path)
        d.mapping((), _TOP, required=required(SCENARIO))
        d.mapping(("scenario",), _META, required=required(SCENARIO_META))
        pack_name = d.text(("scenario", "constitution"))
        try:
            pack = load_pack(pack_name) if not _is_path(pack_name) else load_pack(self._relative(pack_name))  # type: ignore[arg-type]
        except ImpasseError as exc:
            raise d.fail(("scenario", "constitution"), str(exc)) from None
        body = d.text(("scenario", "body"), required=False) or pack.bodies[0].id
        if body not in [b.id for b in pack.bodies]:
            raise d.fail(("scenario", "body"), f"pack {pack.id!r} has no body {body!r} "
                         f"(bodies: {', '.join(b.id for b in pack.bodies)})")
        interps = d.texts(("scenario", "interpretations"))
        known = [i.id for i in pack.interpretations]
        for i, name in enumerate(interps):
            if name in interps[:i]:
                raise d.fail(("scenario", "interpretations", i), f"interpretation {name!r} is listed twice")
            if name not in known:
                hint = difflib.get_close_matches(name, known, n=1)
                extra = (f"; did you mean {hint[0]!r}?" if hint
                         else f"; pack {pack.id!r} has: {', '.join(known) or 'none'}")
                listed = isinstance(d.get(("scenario", "interpretations")), list)
                where: Path = ("scenario", "interpretations", i) if listed else ("scenario", "interpretations")
                raise d.fail(where, f"unknown interpretation {name!r}{extra}")
        parties = self.parties()
        party_ids = [p.id for p in parties]
        events: list[Event] = []
        lines: list[int | None] = []
        ids: dict[str, int] = {}
        suffixes: dict[str, int] = {}  # unique_id's counters: linear time for many events of one day
        for index in range(len(d.items(("events",)))):
            where = ("events", index)
            event = self.event(where, party_ids)
            if events and event.at < events[-1].at:
                raise d.fail((*where, "at"), f"date out of order: {event.at} comes after {events[-1].at} "
                             f"(events[{index - 1}]); list events in date order")
            if events and event.at == events[-1].at and event.time and events[-1].time and event.time < events[-1].time:
                raise d.fail((*where, "time"),
                             f"time out of order: {event.time} comes after {events[-1].time} on the same day")
            ident = event.id
            if ident is None:
                ident = unique_id(event, ids, suffixes)
                event = attrs.evolve(event, id=ident)
            elif ident in ids:
                raise d.fail((*where, "id"), f"id {ident!r} is already used by events[{ids[ident]}]")
            ids[ident] = index
            events.append(event)
            lines.append(d.position(where)[0])
        if not events:
            raise d.fail(("events",), "a scenario needs at least one event")
        uncertain = self.uncertain(ids, party_ids, events)
        return Scenario(
            id=d.text(("scenario", "id")),  # type: ignore[arg-type]
            title=d.text(("scenario", "title")),  # type: ignore[arg-type]
            country=d.text(("scenario", "country")),  # type: ignore[arg-type]
            constitution=pack,
            body=body,
            interpretations=interps,
            parties=parties,
            events=tuple(events),
            lines=tuple(lines),
            sources=d.texts(("scenario", "sources")),
            notes=d.texts(("scenario", "notes")),
            path=d.path,
            uncertain=uncertain,
            expect=parse_expectations(d, ids, interps),
        )

    def uncertain(self, ids: dict[str, int], parties: list[str], events: list[Event]) -> Uncertainty:
        d = self.doc
        if d.get(()).get("uncertain") is None:
            return Uncertainty()
        top = ("uncertain",)
        d.mapping(top, names(UNCERTAIN))

        def prob(where: Path) -> float:
            value = d.lookup(where)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise d.fail(where, f"must be a probability between 0 and 1 (got {value!r})")
            return float(value)

        def event_id(where: Path) -> str:
            name = d.text(where)  # required: never None
            if name is None or name not in ids:
                hint = difflib.get_close_matches(str(name), list(ids), n=1)
                extra = f"; did you mean {hint[0]!r}?" if hint else ""
                raise d.fail(where, f"no event {name!r} in this scenario{extra}")
            return name

        def party(where: Path) -> str:
            name = d.text(where)  # required: never None
            if name is None or (parties and name not in parties):
                raise d.fail(where, f"unknown party {name!r}; parties: {', '.join(parties)}")
            return name

        defection = []
        for i in range(len(d.items((*top, "defection")))):
            w = (*top, "defection", i)
            d.mapping(w, *_keys("defection"))
            defection.append(Defection(party((*w, "party")), prob((*w, "weekly")), d.day((*w, "from"), required=False)))
        happens = []
        for i in range(len(d.items((*top, "happens")))):
            w = (*top, "happens", i)
            d.mapping(w, *_keys("happens"))
            window = None
            if d.get(w).get("window") is not None:
                raw = d.items((*w, "window"))
                if len(raw) != 2:
                    raise d.fail((*w, "window"), "must be [first day, last day]")
                first, last = d.day((*w, "window", 0)), d.day((*w, "window", 1))
                if last < first:  # type: ignore[operator]
                    raise d.fail((*w, "window", 1), f"last day {last} is before first day {first}")
                window = (first, last)
            happens.append(Happens(event_id((*w, "event")), prob((*w, "probability")), window))  # type: ignore[arg-type]
        delay = []
        for i in range(len(d.items((*top, "delay")))):
            w = (*top, "delay", i)
            d.mapping(w, *_keys("delay"))
            d.mapping((*w, "days"), *_keys("delay_days"))
            low = d.integer((*w, "days", "min"), minimum=None)
            high = d.integer((*w, "days", "max"), minimum=None)
            mode = d.integer((*w, "days", "mode"), required=False, minimum=None)
            if high < low or (mode is not None and not low <= mode <= high):  # type: ignore[operator]
                raise d.fail((*w, "days"), f"needs min <= mode <= max (got {low}, {mode}, {high})")
            name = event_id((*w, "event"))
            at = events[ids[name]].at
            for bound, days in (("min", low), ("max", high)):
                try:
                    at + timedelta(days=days)  # type: ignore[arg-type]
                except OverflowError:
                    raise d.fail((*w, "days", bound), f"{days} days from {at.isoformat()} is off the calendar "
                                 "(years 1 to 9999)") from None
            delay.append(Delay(name, low, high, mode))  # type: ignore[arg-type]
        talks = []
        for i in range(len(d.items((*top, "talks")))):
            w = (*top, "talks", i)
            d.mapping(w, *_keys("talks"))
            talkers = tuple(party((*w, "parties", j)) for j in range(len(d.items((*w, "parties")))))
            ends = d.get(w).get("ends_dispute", True)
            if not isinstance(ends, bool):
                raise d.fail((*w, "ends_dispute"), f"must be true or false (got {ends!r})")
            talks.append(Talks(talkers, prob((*w, "weekly")), d.day((*w, "from"), required=False), ends))
        return Uncertainty(tuple(defection), tuple(happens), tuple(delay), tuple(talks),
                           d.day((*top, "horizon"), required=False))

    def _relative(self, name: str) -> str:
        base = FsPath(self.doc.path).parent
        candidate = base / name
        return str(candidate) if candidate.exists() else name

    def parties(self) -> tuple[Party, ...]:
        d = self.doc
        out = []
        for i in range(len(d.items(("parties",)))):
            where = ("parties", i)
            if isinstance(d.get(where), str):
                out.append(Party(id=d.get(where), name=d.get(where)))
                continue
            d.mapping(where, _PARTY, required=required(SCENARIO_PARTY))
            party = Party(
                id=d.text((*where, "id")),  # type: ignore[arg-type]
                name=d.text((*where, "name"), required=False) or d.text((*where, "id")),  # type: ignore[arg-type]
                role=d.text((*where, "role"), required=False),
                note=d.text((*where, "note"), required=False),
            )
            if party.id in [p.id for p in out]:
                raise d.fail((*where, "id"), f"party {party.id!r} is listed twice")
            out.append(party)
        return tuple(out)

    def event(self, where: Path, parties: list[str]) -> Event:
        d = self.doc
        raw = d.get(where)
        if not isinstance(raw, dict):
            raise d.fail(where, "each event must be a mapping with 'type', 'at' and 'source'")
        type_name = raw.get("type")
        if type_name is None:
            raise d.fail(where, "missing required field 'type'", field=_dotted((*where, "type")))
        if not isinstance(type_name, str):
            raise d.fail((*where, "type"), f"must be an event type name (got {type_name!r})")
        if type_name in DERIVED_TYPES:
            raise d.fail((*where, "type"), f"{type_name!r} events are made by the engine and can't be recorded")
        try:
            cls = event_type(type_name)
        except KeyError as exc:
            raise d.fail((*where, "type"), str(exc.args[0])) from None
        fields = {k: v for k, v in raw.items() if k != "type"}
        try:
            event = converter.structure(fields, cls)
        except cattrs.BaseValidationError as exc:
            field, reason = _first_problem(exc, cls)
            if field and reason.startswith("unknown field"):
                raise d.fail_key((*where, field), reason) from None
            raise d.fail((*where, field) if field else where, reason) from None
        except (ValueError, TypeError) as exc:
            raise d.fail(where, str(exc)) from None
        self.check_parties(event, where, parties)
        return event

    def check_parties(self, event: Event, where: Path, parties: list[str]) -> None:
        if not parties:
            return
        d = self.doc

        def bad(name: str, field: str, key: Any = None) -> ScenarioError:
            hint = difflib.get_close_matches(name, parties, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else f"; parties: {', '.join(parties)}"
            place: Path = (*where, field) if key is None else (*where, field, key)
            return d.fail(place, f"unknown party {name!r}{extra}")

        for field in event.PARTY_FIELDS:
            value = getattr(event, field, None)
            for i, name in enumerate((value,) if isinstance(value, str) else (value or ())):
                if name not in parties:
                    raise bad(name, field, i if not isinstance(value, str) else None)
        for field in event.PARTY_KEYED:
            for name, _ in getattr(event, field, ()) or ():
                if name not in parties and name.lower() not in ("others", "other"):
                    raise bad(name, field, name)


def _keys(section: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys a section of ``uncertain:`` allows and those it requires (engine/files/keys.py)."""
    return names(SECTIONS[section]), required(SECTIONS[section])


def _is_path(name: str | None) -> bool:
    return name is not None and (name.endswith((".yaml", ".yml")) or "/" in name)


def _dotted(where: Path) -> str:
    from engine.files.located_yaml import dotted

    return dotted(where)


def _first_problem(exc: BaseException, cls: type) -> tuple[str | None, str]:
    """The first field and reason in a cattrs validation error."""
    for sub in getattr(exc, "exceptions", [exc]):
        if isinstance(sub, cattrs.BaseValidationError):
            return _first_problem(sub, cls)
        field = None
        for note in getattr(sub, "__notes__", []) or []:
            m = re.search(r"@ attribute (\w+)", str(note))
            if m:
                field = m.group(1)
        if isinstance(sub, cattrs.ForbiddenExtraKeysError):
            extra = sorted(sub.extra_fields)[0]
            names = [a.name for a in attrs.fields(cls)]
            hint = difflib.get_close_matches(extra, names, n=1)
            tip = f". Did you mean {hint[0]!r}?" if hint else f" (fields of {cls.TYPE}: {', '.join(names)})"  # type: ignore[attr-defined]
            return extra, f"unknown field {extra!r} for a {cls.TYPE} event{tip}"  # type: ignore[attr-defined]
        if isinstance(sub, KeyError):
            return field, "is required"
        text = str(sub)
        m = re.match(r"^'(\w+)'", text)
        if m and field is None:
            field = m.group(1)
            if text[m.end():].startswith(" must"):
                text = text[m.end():].strip()
        return field, text
    return None, str(exc)


def dump_scenario(scenario: Scenario) -> dict[str, Any]:
    """Plain data that :func:`parse_scenario` reads back into an equal scenario (YAML- or JSON-ready)."""
    meta: dict[str, Any] = {
        "id": scenario.id,
        "title": scenario.title,
        "country": scenario.country,
        "constitution": scenario.constitution.id,
        "body": scenario.body,
    }
    if scenario.interpretations:
        meta["interpretations"] = list(scenario.interpretations)
    if scenario.sources:
        meta["sources"] = list(scenario.sources)
    if scenario.notes:
        meta["notes"] = list(scenario.notes)
    parties = [{k: v for k, v in attrs.asdict(p).items() if v is not None} for p in scenario.parties]
    out: dict[str, Any] = {"scenario": meta, "parties": parties}
    uncertain = _dump_uncertain(scenario.uncertain)
    if uncertain:
        out["uncertain"] = uncertain
    out["events"] = [unstructure_event(e) for e in scenario.events]
    return out


def _dump_uncertain(u: Uncertainty) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if u.horizon:
        out["horizon"] = u.horizon.isoformat()
    if u.defection:
        out["defection"] = [{"party": d.party, "weekly": d.weekly, **({"from": d.start.isoformat()} if d.start else {})}
                            for d in u.defection]
    if u.happens:
        out["happens"] = [{"event": h.event, "probability": h.probability,
                           **({"window": [h.window[0].isoformat(), h.window[1].isoformat()]} if h.window else {})}
                          for h in u.happens]
    if u.delay:
        out["delay"] = [{"event": d.event, "days": {"min": d.low, "max": d.high,
                                                     **({"mode": d.mode} if d.mode is not None else {})}}
                        for d in u.delay]
    if u.talks:
        out["talks"] = [{"parties": list(t.parties), "weekly": t.weekly, "ends_dispute": t.ends_dispute,
                         **({"from": t.start.isoformat()} if t.start else {})} for t in u.talks]
    return out

