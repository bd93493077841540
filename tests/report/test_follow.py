"""The follower behind ``impasse log follow``: a stream's replay kept up to date record by record,
in the same words as ``impasse replay``, on a SQLite store (the PostgreSQL store gives the follower
the same records: tests/cli/test_cli_follow.py runs the command on both)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from engine.crisis import replay_scenario, scenario_from_store
from engine.report.follow import Follower, json_lines
from engine.report.json_schema import follow_schema
from engine.report.jsondata import dumps, timeline_data
from engine.report.view import timeline_view
from engine.store.interface import EventStore
from engine.store.opening import open_store
from engine.timeline.events import ElectionHeld, ParliamentConvened, ResultsAnnounced

ELECTION = ElectionHeld(at=date(2013, 7, 28), source=("NEC",))
RESULTS = ResultsAnnounced(at=date(2013, 9, 8), source=("AFP",), stage="final", by="NEC", seats={"CPP": 68, "CNRP": 55})


def opening(present: int, day: int = 23) -> ParliamentConvened:
    return ParliamentConvened(at=date(2013, 9, day), source=("wire",), sitting="opening", present=present)


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    store = open_store(tmp_path / "s.db", create=True)
    store.set_metadata("kh", {"constitution": "kh", "interpretations": ["opposition-120-to-open"]})
    store.append("kh", [ELECTION, RESULTS])
    yield store
    store.close()


def test_start_says_where_the_stream_stands(store: EventStore) -> None:
    """Version, events replayed, pack and readings, then the impasse and the deadlines running."""
    lines = Follower(store, "kh").start()
    assert lines[0] == "kh: version 3, 2 event(s) replayed; constitution kh, readings: opposition-120-to-open"
    assert lines[1].strip().startswith("now: phase ")
    assert any("deadline running: First sitting" in line and "due 2013-09-26" in line for line in lines)


def test_from_start_prints_every_event(store: EventStore) -> None:
    lines = Follower(store, "kh").start(from_start=True)
    assert lines[1].startswith("v2    2013-07-28  election held")
    assert lines[2].startswith("v3    2013-09-08  final results by NEC")


def test_a_new_event_is_judged_as_replay_judges_it(store: EventStore) -> None:
    """An appended event prints with the findings it draws, in replay's words, and nothing else is replayed."""
    follower = Follower(store, "kh")
    follower.start()
    assert follower.update() == []
    store.append("kh", [opening(68)])
    lines = follower.update()
    assert lines[0].startswith("v4    2013-09-23  opening sitting, 68 present")
    timeline = replay_scenario(scenario_from_store(store, "kh"))
    from engine.report.sentences import finding_text

    expected = {finding_text(f, timeline.law) for f in timeline.steps[-1].findings}
    assert expected and all(any(text in line for line in lines) for text in expected)
    assert any("VIOLATION [the opposition's reading] opening sitting below quorum: 68 present, 120 required" in line
               for line in lines)
    assert follower.seen == 4


def test_a_deadline_expiring_between_events_is_printed(store: EventStore) -> None:
    """An event dated after a deadline's due day brings its expiry first, marked as derived (``-``)."""
    follower = Follower(store, "kh")
    follower.start()
    store.append("kh", [opening(122, day=30)])
    lines = follower.update()
    expired = next(i for i, line in enumerate(lines) if line.startswith("-"))
    assert "deadline" in lines[expired] and lines[expired].startswith("-     2013-09-27")
    assert lines[expired + 1].strip().startswith("VIOLATION")
    assert any(line.startswith("v4    2013-09-30") for line in lines[expired:])


def test_a_correction_replays_from_the_start(store: EventStore) -> None:
    """A correction changes the past: the stream is judged again and the corrected event shown anew."""
    store.append("kh", [opening(120)])
    follower = Follower(store, "kh")
    follower.start()
    store.correct("kh", 4, opening(68))
    lines = follower.update()
    assert lines[0].startswith("v5") and "correction of v4: parliament_convened on 2013-09-23" in lines[0]
    assert "judged again from the start: the past changed" in lines[1]
    assert lines[2].startswith("v4    2013-09-23  opening sitting, 68 present")
    assert any("below quorum: 68 present" in line for line in lines)


def test_an_event_dated_before_the_last_replays_from_the_start(store: EventStore) -> None:
    follower = Follower(store, "kh")
    follower.start()
    store.append("kh", [ElectionHeld(at=date(2013, 7, 1), source=("late",), kind="by-election")])
    lines = follower.update()
    assert "judged again from the start: an event dated before the last" in lines[0]
    assert lines[1].startswith("v4    2013-07-01")


def test_a_refused_event_is_printed_and_the_follow_goes_on(store: EventStore) -> None:
    """An event the machine refuses (more present than seats) is named with its version; later ones still judge."""
    follower = Follower(store, "kh")
    follower.start()
    store.append("kh", [opening(200)])
    lines = follower.update()
    assert lines[0].startswith("v4    2013-09-23  parliament_convened: refused, not applied:")
    assert "impasse log correct --target 4" in lines[0]
    store.append("kh", [opening(68, day=24)])
    lines = follower.update()
    assert lines[0].startswith("v5    2013-09-24  opening sitting, 68 present")
    assert any("below quorum" in line for line in lines)


def test_a_stream_without_a_pack_is_shown_unjudged(tmp_path: Path) -> None:
    """Until metadata names a pack, events are printed as they are; once it does, they are judged."""
    with open_store(tmp_path / "s.db", create=True) as store:
        follower = Follower(store, "kh")
        assert follower.start() == ["kh: no records yet; waiting for the first"]
        store.append("kh", [ELECTION])
        assert follower.update() == ["v1    2013-07-28  election held  (unjudged)"]
        store.set_metadata("kh", {"constitution": "kh"})
        lines = follower.update()
        assert lines[0].startswith("v2") and "metadata: constitution kh" in lines[0]
        assert lines[1].strip() == "the stream is judged from the start, by pack kh"
        assert lines[2].startswith("v1    2013-07-28  election held")
        assert any(line.strip().startswith("now: phase") for line in lines)


# --- the same entries as JSON Lines (``impasse log follow --format json``) ------------------------

FOLLOW = Draft7Validator(follow_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)


def _lines(texts: list[str]) -> list[dict[str, Any]]:
    """Each line parsed; each one object on one line that the published schema takes."""
    found = []
    for text in texts:
        assert "\n" not in text
        data = json.loads(text)
        assert [e.message for e in FOLLOW.iter_errors(data)] == []
        found.append(data)
    return found


def test_json_lines_say_what_the_text_says(store: EventStore) -> None:
    """Start, then a step judged as replay judges it (the same object as in replay's JSON), then the state."""
    follower = Follower(store, "kh")
    start = _lines(json_lines(follower.start_entries()))
    assert [d["kind"] for d in start] == ["start", "now"]
    assert start[0] == {"kind": "start", "stream": "kh", "version": 3, "events": 2, "constitution": "kh",
                        "interpretations": ["opposition-120-to-open"], "unjudged": None}
    assert [d["rule"] for d in start[1]["state"]["deadlines"]] == ["first-session-deadline"]
    store.append("kh", [opening(68)])
    update = _lines(json_lines(follower.update_entries()))
    assert [d["kind"] for d in update] == ["step", "now"]
    step = update[0]["step"]
    replayed = json.loads(dumps(timeline_data(timeline_view(
        scenario_from_store(store, "kh"), replay_scenario(scenario_from_store(store, "kh"))))))["steps"][-1]
    # the same object as replay's, but that the line is the stream's version
    assert step["line"] == 4 and step | {"line": None} == replayed | {"line": None}
    assert {"verdict": "violation", "interpretation": "opposition-120-to-open", "count": 68, "required": 120} \
        .items() <= next(f for f in step["findings"] if f["interpretation"]).items()
    assert update[1]["state"]["deadlines"] == []


def test_json_lines_for_refusals_records_and_unjudged_events(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db", create=True) as store:
        follower = Follower(store, "kh")
        assert _lines(json_lines(follower.start_entries()))[0]["version"] == 0
        store.append("kh", [ELECTION])
        assert _lines(json_lines(follower.update_entries())) == [
            {"kind": "unjudged", "version": 1, "at": "2013-07-28", "summary": "election held"}]
        store.set_metadata("kh", {"constitution": "kh"})
        kinds = _lines(json_lines(follower.update_entries()))
        assert [d["kind"] for d in kinds] == ["record", "rejudged", "step", "now"]
        assert kinds[0] | {"recorded_at": ""} == {"kind": "record", "version": 2, "recorded_at": "",
                                                  "record": "metadata", "target": None,
                                                  "summary": "metadata: constitution kh"}
        assert kinds[1]["reason"] == "the stream is judged from the start, by pack kh"
        store.append("kh", [RESULTS, opening(200)])
        refused = _lines(json_lines(follower.update_entries()))
        assert [d["kind"] for d in refused] == ["step", "refused", "now"]
        assert refused[1]["version"] == 4 and refused[1]["type"] == "parliament_convened"
        assert "200" in refused[1]["reason"]
