"""Scenario files: loading with positions, and one clear error for every kind of bad input."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.crisis import replay_scenario
from engine.errors import ScenarioError
from engine.files.scenarios import dump_scenario, load_scenario, parse_scenario
from engine.timeline.events import ResultsRejected
from tests.helpers import HEADER, scenario_text

FIRST = 20  # line of the first event after the header and the poll


def _error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario = parse_scenario(text, "bad.yaml")
        replay_scenario(scenario)
    return info.value


BAD = [
    pytest.param("  - {type: rally, at: 2013-09-07, time: 1030, source: s, status: held, organiser: CNRP}\n",
                 FIRST, "events[2].time", "must be a time of day written HH:MM (got 1030)", id="time-number"),
    pytest.param("  - {type: rally, at: 2013-09-07, time: 25:00, source: s, status: held, organiser: CNRP}\n",
                 FIRST, "events[2].time", "must be a time of day written HH:MM (got '25:00')", id="time-25h"),
    pytest.param("  - {type: ralley, at: 2013-09-07, source: s, status: held, organiser: CNRP}\n",
                 FIRST, "events[2].type", "unknown event type 'ralley'. Did you mean 'rally'?", id="unknown-type"),
    pytest.param("  - {type: rally, at: 2013-09-07, source: s, organiser: CNRP}\n",
                 FIRST, "events[2].status", "is required", id="missing-field"),
    pytest.param("  - {type: seats_taken, at: 2013-09-09, source: s, party: CNRP, members: many}\n",
                 FIRST, "events[2].members", "must be a whole number", id="mistyped-field"),
    pytest.param("  - {type: results_announced, at: 2013-09-09, source: s, stage: final, by: NEC,"
                 " seats: {CPP: 75, CNRP: 55}}\n",
                 FIRST, "events[2].seats", "130 seats announced, but the body has 123 seats", id="seats-over-size"),
    pytest.param("  - {type: parliament_convened, at: 2013-09-23, source: s, sitting: opening, present: 68}\n"
                 "  - {type: vote, at: 2013-09-24, source: s, motion: vote_of_confidence, yes: 70}\n",
                 FIRST + 1, "events[3].yes", "exceed the 68 members present", id="votes-over-present"),
    pytest.param("  - {type: vote, at: 2013-09-24, source: s, motion: vote_of_confidence, yes: 70, present: 68}\n",
                 FIRST, "events[2].present", "'present' (68) is less than", id="votes-over-own-present"),
    pytest.param("  - {type: rally, at: 2013-09-07, source: s, status: held, organiser: CNRP}\n",
                 FIRST, "events[2].at", "date out of order: 2013-09-07 comes after 2013-09-08", id="date-order"),
    pytest.param("  - {type: vote, at: 2013-09-24, source: s, motion: vote_of_confidence, yes: 68}\n",
                 FIRST, "events[2].type", "can't hold a vote when parliament has not convened", id="vote-no-sitting"),
    pytest.param("  - {type: parliament_convened, at: 2013-09-23, source: s, sitting: opening, present: 68}\n"
                 "  - {type: assembly_dissolved, at: 2013-09-24, source: s}\n"
                 "  - {type: vote, at: 2013-09-25, source: s, motion: dissolution, yes: 94}\n",
                 FIRST + 2, "events[4].type", "can't hold a vote when the assembly is dissolved",
                 id="vote-after-dissolution"),
    pytest.param("  - {type: boycott_declared, at: 2013-09-09, source: s, party: CNPR}\n",
                 FIRST, "events[2].party", "unknown party 'CNPR'; did you mean 'CNRP'?", id="unknown-party"),
    pytest.param("  - {type: boycott_declared, at: 2013-09-09, source: s, party: CNRP, target: talks}\n",
                 FIRST, "events[2].target", "unknown field 'target'", id="extra-field"),
    pytest.param("  - {type: boycott_declared, at: 2013-09-31, source: s, party: CNRP}\n",
                 FIRST, "events[2].at", "is not a real date", id="bad-date"),
    pytest.param("  - {type: boycott_declared, at: 2013-09-09, party: CNRP}\n",
                 FIRST, "events[2].source", "is required", id="no-source"),
    pytest.param("  - {type: deadline_expired, at: 2013-09-09, source: s, rule: x, due: 2013-09-08}\n",
                 FIRST, "events[2].type", "made by the engine", id="derived-type"),
    pytest.param("  - {type: boycott_ended, at: 2013-09-09, source: s, party: CNRP}\n",
                 FIRST, "events[2].party", "CNRP has no boycott of parliament to end", id="impossible-end"),
    pytest.param("  - type: boycott_declared\n    at: 2013-09-09\n    at: 2013-09-10\n    source: s\n    party: CNRP\n",
                 FIRST + 2, "events[2].at", "key 'at' is given twice", id="duplicate-key"),
    pytest.param("  - {type: boycott_declared, at: 2013-09-09, source: s, party: [CNRP\n",
                 None, None, "not valid YAML", id="not-yaml"),
    pytest.param("  - {type: parliament_convened, at: 2013-09-23, source: s, present_by_party: {CPP: 70}}\n",
                 FIRST, "events[2].present_by_party", "70 members of CPP present, but it holds 68 seats",
                 id="present-over-party-seats"),
    pytest.param("  - {type: protest, at: 2013-09-09, source: s, status: held, organiser: CNRP, plan: nope}\n",
                 FIRST, "events[2].plan", "no planned rally or protest 'nope'", id="unknown-plan"),
]


class TestErrors:
    @pytest.mark.parametrize(("events", "line", "field", "reason"), BAD)
    def test_bad_input_names_file_line_field(self, events: str, line: int | None, field: str | None,
                                              reason: str) -> None:
        """Each kind of bad input is one ScenarioError naming file, line, field and reason."""
        err = _error(scenario_text(events))
        message = str(err)
        assert message.startswith("bad.yaml:")
        assert "\n" not in message
        if line is not None:
            assert err.line == line, message
        if field is not None:
            assert err.field == field, message
        assert reason in message

    def test_unknown_interpretation(self) -> None:
        """An interpretation the pack does not know is refused with a suggestion."""
        text = (HEADER.replace("opposition-120-to-open", "opposition-120")
                + "  - {type: election_held, at: 2013-07-28, source: s}\n")
        err = _error(text)
        assert err.field == "scenario.interpretations[1]"
        assert "did you mean 'opposition-120-to-open'" in str(err)

    def test_unknown_pack(self) -> None:
        """An unknown constitution pack is reported at its line."""
        err = _error(HEADER.replace("constitution: kh", "constitution: kx")
                     + "  - {type: election_held, at: 2013-07-28, source: s}\n")
        assert err.field == "scenario.constitution" and err.line == 5
        assert "Did you mean 'kh'?" in str(err)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a ScenarioError, not an OSError."""
        with pytest.raises(ScenarioError, match="cannot read scenario file"):
            load_scenario(tmp_path / "none.yaml")

    @given(st.binary(max_size=300))
    def test_any_bytes_load_or_raise_scenario_error(self, data: bytes) -> None:
        """Any byte string either loads or raises ScenarioError, never another exception."""
        with contextlib.suppress(ScenarioError):
            parse_scenario(data, "fuzz.yaml")

    @given(st.text(alphabet=st.sampled_from(list("abc:-{}[]\n 0123456789'\"#&*!|>%@`")), max_size=200))
    def test_yamlish_text_loads_or_raises_scenario_error(self, text: str) -> None:
        """YAML-looking noise either loads or raises ScenarioError."""
        with contextlib.suppress(ScenarioError):
            parse_scenario(HEADER + text, "fuzz.yaml")


class TestLoading:
    def test_ids_generated_and_kept(self) -> None:
        """Events without an id get type@date (suffixed when repeated); given ids are kept."""
        scenario = parse_scenario(scenario_text(
            "  - {type: talks_held, at: 2013-09-16, source: s, parties: [CPP, CNRP]}\n"
            "  - {type: talks_held, at: 2013-09-16, source: s, parties: [CPP, CNRP]}\n"
            "  - {type: talks_held, id: third, at: 2013-09-17, source: s, parties: [CPP, CNRP]}\n"))
        assert [e.id for e in scenario.events[2:]] == ["talks_held@2013-09-16", "talks_held@2013-09-16-2", "third"]

    def test_lines_kept(self) -> None:
        """Each event keeps the line it starts on."""
        scenario = parse_scenario(scenario_text("  - {type: talks_held, at: 2013-09-16, source: s, parties: [CPP]}\n"))
        assert scenario.lines == (11, 14, FIRST)

    def test_yes_no_stay_text(self) -> None:
        """YAML 1.1 booleans (no, yes, on, off) stay text: a party called 'NO' is a party."""
        text = HEADER.replace("  - {id: CPP, name: Cambodian People's Party}", "  - {id: NO, name: A party}") + \
            "  - {type: election_held, at: 2013-07-28, source: s}\n" \
            "  - {type: results_rejected, at: 2013-07-29, source: s, party: NO}\n"
        scenario = parse_scenario(text)
        rejected = scenario.events[1]
        assert isinstance(rejected, ResultsRejected)
        assert rejected.party == "NO"

    @pytest.mark.parametrize("path", sorted(Path("scenarios").glob("*.yaml")), ids=lambda p: p.name)
    def test_dump_and_reload_replays_identically(self, path: Path) -> None:
        """A shipped scenario re-serialised and reloaded is equal and replays identically."""
        scenario = load_scenario(path)
        text = yaml.safe_dump(dump_scenario(scenario), sort_keys=False, allow_unicode=True)
        again = parse_scenario(text, str(path))
        assert again.events == scenario.events
        assert again.uncertain == scenario.uncertain
        first, second = replay_scenario(scenario), replay_scenario(again)
        assert [s.state for s in first.steps] == [s.state for s in second.steps]
        assert [s.findings for s in first.steps] == [s.findings for s in second.steps]


def test_error_format_is_compiler_order() -> None:
    """Messages read path:line:column: field: reason."""
    err = _error(scenario_text("  - {type: ralley, at: 2013-09-07, source: s}\n"))
    assert re.match(r"^bad\.yaml:20:\d+: events\[2\]\.type: unknown event type", str(err))


def test_an_unquoted_time_of_day_is_read_as_written() -> None:
    """``time: 10:30`` without quotes is 10:30 (YAML 1.1 would make it 630, a number of minutes)."""
    scenario = parse_scenario(scenario_text("  - {type: rally, at: 2013-09-09, time: 10:30, source: s, status: held, "
                                            "organiser: CNRP}\n"), "t.yaml")
    assert scenario.events[-1].time is not None and scenario.events[-1].time.isoformat() == "10:30:00"


def test_an_interpretation_listed_twice_is_refused() -> None:
    """Listing a reading twice would judge it in two identical columns: refused at its line."""
    text = scenario_text("").replace("interpretations: [cpp-majority-suffices, opposition-120-to-open]",
                                     "interpretations: [cpp-majority-suffices, cpp-majority-suffices]")
    listed_twice = r"interpretations\[1\]: interpretation 'cpp-majority-suffices' is listed twice"
    with pytest.raises(ScenarioError, match=listed_twice):
        parse_scenario(text, "t.yaml")
