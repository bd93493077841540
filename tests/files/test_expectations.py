"""The ``expect:`` section of a scenario: read into records that keep their lines; bad input is one
error naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import ScenarioError
from engine.files.expectations import (
    EXPECT_SCHEMA,
    FINDING_CHECKS,
    FINDING_SELECTORS,
    HISTORY_FIELDS,
    SCOPE_KEYS,
    STATE_FIELDS,
    Expectation,
    Scope,
)
from engine.files.located_yaml import load_located
from engine.files.scenarios import parse_scenario
from tests.helpers import scenario_text

OPENING = """\
  - type: parliament_convened
    id: opening
    at: 2013-09-23
    sitting: opening
    present_by_party: {CPP: 68}
    source: s
"""


def _text(expect: str) -> str:
    return scenario_text(OPENING) + expect


def _parse(expect: str) -> tuple[Expectation, ...]:
    return parse_scenario(_text(expect), "x.yaml").expect


def _line(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _error(expect: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        _parse(expect)
    return info.value


class TestReading:
    def test_no_section_no_expectations(self) -> None:
        """A scenario without 'expect:' has none, and one with an empty section has none either."""
        assert parse_scenario(scenario_text(OPENING)).expect == ()
        assert _parse("expect:\n") == ()

    def test_each_checked_field_is_one_expectation_at_its_line(self) -> None:
        """A finding written over several lines gives one record for its existence and one per number, each
        at the line of its key."""
        expect = ("expect:\n  opening:\n    findings:\n      - rule: opening-quorum\n"
                  "        reading: opposition-120-to-open\n        verdict: violation\n        count: 68\n"
                  "        required: 120\n")
        text = _text(expect)
        found = parse_scenario(text, "x.yaml").expect
        assert [(e.kind, e.field, e.expected, e.line) for e in found] == [
            ("finding", "found", True, _line(text, "- rule: opening-quorum")),
            ("finding", "verdict", "violation", _line(text, "verdict: violation")),
            ("finding", "count", 68, _line(text, "count: 68")),
            ("finding", "required", 120, _line(text, "required: 120")),
        ]
        assert all(e.scope == Scope("event", "opening") and e.path == "x.yaml" for e in found)
        assert found[0].select == (("rule", "opening-quorum"), ("reading", "opposition-120-to-open"))
        assert found[2].where == "expect.opening.findings[0].count"

    def test_scopes_event_date_and_end(self) -> None:
        """A key is an event id, a date or 'end'."""
        found = _parse("expect:\n  opening: {state: {phase: assembly convened}}\n"
                       "  2013-09-22: {state: {impasse: boycott}}\n  end: {state: {sittings: 1}}\n")
        assert [e.scope for e in found] == [Scope("event", "opening"), Scope("date", "2013-09-22"),
                                            Scope("end", "end")]

    def test_per_reading_values(self) -> None:
        """A mapping of readings gives one expectation per reading; a single value one for every reading."""
        found = _parse("expect:\n  end:\n    state:\n      government_lawful: {cpp-majority-suffices: true}\n"
                       "      formation: formation\n")
        assert [(e.field, e.reading, e.expected) for e in found] == [
            ("government_lawful", "cpp-majority-suffices", True), ("formation", None, "formation")]

    def test_derived_events_counted_and_each_compared(self) -> None:
        """'derived' is the exact list: its length is one expectation, each event another."""
        found = _parse("expect:\n  end:\n    derived:\n      - {type: deadline_expired, rule: r, due: 2013-09-26}\n")
        assert [(e.field, e.expected, e.index) for e in found] == [
            ("count", 1, None), ("item", {"type": "deadline_expired", "rule": "r", "due": "2013-09-26"}, 0)]

    def test_history_and_absent_findings(self) -> None:
        """'history' lists successive values; 'absent' pins that no finding of that kind is made."""
        found = _parse("expect:\n  end:\n    findings: [{verdict: violation, absent: true}]\n"
                       "    history: {impasse: [none, boycott]}\n")
        assert [(e.kind, e.field, e.expected, e.select) for e in found] == [
            ("finding", "absent", True, (("verdict", "violation"),)),
            ("history", "impasse", ["none", "boycott"], ())]


BAD = [
    pytest.param("  openin: {state: {phase: dissolved}}", "expect.openin", "no event 'openin' in this scenario",
                 "did you mean 'opening'?", id="unknown-event"),
    pytest.param("  2013-02-30: {state: {phase: dissolved}}", "expect.2013-02-30", "is not a real date", "",
                 id="unreal-date"),
    pytest.param("  end: {stat: {phase: dissolved}}", "expect.end.stat", "unknown field 'stat'",
                 "Did you mean 'state'?", id="unknown-key"),
    pytest.param("  end: {state: {phase: disolved}}", "expect.end.state.phase", "must be one of:", "dissolved",
                 id="unknown-word"),
    pytest.param("  end: {state: {failed_votes: two}}", "expect.end.state.failed_votes", "must be a whole number",
                 "", id="not-a-number"),
    pytest.param("  end: {state: {formation: {opposition-120: formed}}}", "expect.end.state.formation.opposition-120",
                 "unknown reading 'opposition-120'", "did you mean 'opposition-120-to-open'?", id="unknown-reading"),
    pytest.param("  end: {findings: [{rule: q, reading: nobody}]}", "expect.end.findings[0].reading",
                 "unknown reading 'nobody'", "", id="unknown-finding-reading"),
    pytest.param("  end: {findings: [{count: 3}]}", "expect.end.findings[0]", "names its 'rule', its 'code'", "",
                 id="finding-without-selector"),
    pytest.param("  end: {findings: [{rule: q, absent: true, count: 3}]}", "expect.end.findings[0].count",
                 "has no numbers", "", id="absent-with-numbers"),
    pytest.param("  end: {derived: [{type: assembly_dissolvd}]}", "expect.end.derived[0].type",
                 "unknown event type", "", id="unknown-derived-type"),
    pytest.param("  end: {derived: [{type: assembly_dissolved, colour: red}]}", "expect.end.derived[0].colour",
                 "unknown field 'colour'", "", id="unknown-derived-field"),
    pytest.param("  opening: {history: {impasse: [none]}}", "expect.opening.history", "goes under 'end'", "",
                 id="history-not-at-end"),
    pytest.param("  end: {findings: [{rule: q, details: [winner]}]}", "expect.end.findings[0].details",
                 "must be a mapping of detail names to values", "", id="details-not-a-mapping"),
    pytest.param("  end: {state: {seats: 68}}", "expect.end.state.seats", "must be a mapping of parties to seats", "",
                 id="seats-not-a-mapping"),
    pytest.param("  end: {state: {impasse: none, seats: {CPP: many}}}", "expect.end.state.seats.CPP",
                 "must be a whole number", "", id="seats-not-a-number"),
]


class TestErrors:
    @pytest.mark.parametrize(("line", "field", "reason", "hint"), BAD)
    def test_one_error_at_the_line(self, line: str, field: str, reason: str, hint: str) -> None:
        """Each mistake is one ScenarioError naming the file, the line written and the field."""
        text = _text("expect:\n" + line + "\n")
        error = _error("expect:\n" + line + "\n")
        assert error.path == "x.yaml"
        assert error.line == len(text.splitlines())
        assert error.field == field
        assert reason in str(error) and hint in str(error)

    def test_not_a_mapping(self) -> None:
        """'expect:' holding a list is refused at its line."""
        error = _error("expect:\n  - opening\n")
        assert error.field == "expect" and "must be a mapping" in str(error)


_NUMBERS = ("count", "required")


@given(values=st.lists(st.tuples(st.sampled_from(_NUMBERS), st.integers(-10**6, 10**6)), min_size=1, max_size=8),
       flow=st.booleans())
def test_every_number_is_read_at_its_own_line(values: list[tuple[str, int]], flow: bool) -> None:
    """However many findings are written, in block or flow style, each number is read as written and kept with
    the line it stands on."""
    lines = []
    for i, (key, value) in enumerate(values):
        if flow:
            lines.append(f"      - {{rule: rule-{i}, {key}: {value}}}")
        else:
            lines += [f"      - rule: rule-{i}", f"        {key}: {value}"]
    text = _text("expect:\n  opening:\n    findings:\n" + "\n".join(lines) + "\n")
    numbers = [e for e in parse_scenario(text).expect if e.field in _NUMBERS]
    written = text.splitlines()
    assert [(e.field, e.expected) for e in numbers] == values
    for e, (key, value) in zip(numbers, values, strict=True):
        assert e.line is not None and f"{key}: {value}" in written[e.line - 1]


def test_the_schema_is_built_from_the_keys_the_reader_checks() -> None:
    """EXPECT_SCHEMA names exactly the keys the reader accepts, and is plain JSON."""
    scope = EXPECT_SCHEMA["additionalProperties"]
    assert tuple(scope["properties"]) == SCOPE_KEYS
    assert set(scope["properties"]["state"]["properties"]) == set(STATE_FIELDS)
    assert set(scope["properties"]["history"]["properties"]) == set(HISTORY_FIELDS)
    finding = scope["properties"]["findings"]["items"]["properties"]
    assert set(finding) == {*FINDING_SELECTORS, *FINDING_CHECKS, "absent"}
    assert scope["properties"]["state"]["properties"]["phase"]["enum"][0] == "before the poll"
    assert json.loads(json.dumps(EXPECT_SCHEMA)) == EXPECT_SCHEMA


@pytest.mark.parametrize("path", sorted(Path("scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_the_bundled_sections_meet_the_schema(path: Path) -> None:
    """Each bundled 'expect:' section, as read (dates as text), meets EXPECT_SCHEMA; a misspelt key does not."""
    jsonschema = pytest.importorskip("jsonschema")
    section = load_located(path.read_bytes(), str(path), ScenarioError).data["expect"]
    jsonschema.validate(section, EXPECT_SCHEMA)
    first = next(iter(section))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({first: {"stat": {}}}, EXPECT_SCHEMA)
