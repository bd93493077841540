"""JSON Lines, the store's export and import format: lossless round trips, checked checksums,
bare event lines, renumbered corrections, and scenario files in and out."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from engine.crisis import scenario_from_store, scenario_metadata
from engine.errors import StaleVersionError, StoreError
from engine.files.scenarios import dump_scenario, parse_scenario
from engine.store.interface import EventStore
from engine.store.opening import open_store
from engine.store.records import CORRECTION
from tests.store.store_contract import Clock, sitting, talks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    clock = Clock()
    store = open_store(tmp_path / "s.db", create=True, clock=clock)
    store.set_metadata("a", {"constitution": "kh", "interpretations": ["opposition-120-to-open"]})
    store.append("a", [talks(0, "t"), sitting(1, 120)])
    clock.advance(days=2)
    store.correct("a", 3, sitting(1, 68))
    yield store
    store.close()


def export(store: EventStore, stream: str = "a") -> list[str]:
    out = io.StringIO()
    store.export_jsonl(stream, out)
    return out.getvalue().splitlines()


class TestExport:
    def test_one_record_per_line(self, store: EventStore) -> None:
        """Every record, in version order, as a JSON object with its payload as an object."""
        lines = [json.loads(line) for line in export(store)]
        assert [(r["version"], r["kind"]) for r in lines] == [(1, "metadata"), (2, "event"), (3, "event"),
                                                              (4, "correction")]
        assert lines[3]["target"] == 3
        assert lines[3]["payload"]["present"] == 68
        assert lines[3]["recorded_at"] == "2013-09-03T12:00:00.000000Z"
        assert set(lines[0]) == {"stream", "version", "kind", "type", "schema", "valid", "recorded_at", "target",
                                 "payload", "checksum"}

    def test_round_trip_into_another_store(self, store: EventStore, tmp_path: Path) -> None:
        """Imported elsewhere, the stream has the same records, checksums, and reads the same at any time."""
        with open_store(tmp_path / "other.db", create=True) as other:
            assert other.import_jsonl("b", export(store), 0) == 4
            assert [r.checksum for r in other.history("b")] == [r.checksum for r in store.history("a")]
            for known in ("2013-09-01", None):
                assert list(other.read("b", known_at=known)) == list(store.read("a", known_at=known))
            assert other.metadata("b") == store.metadata("a")
            assert other.verify() == ()


class TestImport:
    def test_changed_line_is_refused(self, store: EventStore) -> None:
        """A line edited after export breaks the checksum chain: the import names the line, writes nothing."""
        lines = export(store)
        lines[2] = lines[2].replace('"present":120', '"present":121')
        with pytest.raises(StoreError, match=r"<jsonl>:3: checksum does not match for version 3"):
            store.import_jsonl("b", lines, 0)
        assert store.version("b") == 0

    def test_bad_lines_are_named(self, store: EventStore) -> None:
        """Not JSON, not an object, not an event: each names its line."""
        with pytest.raises(StoreError, match=r"f\.jsonl:2: not JSON"):
            store.import_jsonl("b", ['{"type": "talks_held", "at": "2013-09-01", "source": "s", "parties": "A"}',
                                     "{oops"], path="f.jsonl")
        with pytest.raises(StoreError, match="<jsonl>:1: each line must be a JSON object"):
            store.import_jsonl("b", ["[1, 2]"])
        with pytest.raises(StoreError, match=r"<jsonl>:1: unknown event type 'ralley'\. Did you mean 'rally'"):
            store.import_jsonl("b", ['{"type": "ralley", "at": "2013-09-01"}'])
        with pytest.raises(StoreError, match="<jsonl>:1: not a valid vote event"):
            store.import_jsonl("b", ['{"type": "vote", "at": "2013-09-01", "source": "s", "motion": "law", '
                                     '"yes": "x"}'])
        assert store.version("b") == 0

    def test_bare_events(self, store: EventStore) -> None:
        """Lines that are plain events are recorded now (or at --recorded-at), one batch."""
        lines = ['{"type": "talks_held", "at": "2013-09-05", "source": "s", "parties": ["A", "B"]}',
                 "",
                 '{"type": "boycott_declared", "at": "2013-09-04", "source": "s", "party": "A"}']
        assert store.import_jsonl("b", lines, 0, recorded_at="2013-09-06") == 2
        assert [e.TYPE for e in store.read("b")] == ["boycott_declared", "talks_held"]
        assert {r.recorded_at for r in store.history("b")} == {"2013-09-06T00:00:00.000000Z"}

    def test_a_correction_needs_its_event_in_the_file(self, store: EventStore) -> None:
        """A correction whose event is not among the lines before it is refused."""
        lines = export(store)
        with pytest.raises(StoreError, match="names version 3, which is not in the file before it"):
            store.import_jsonl("b", [lines[3]], 0)

    def test_import_into_a_stream_in_use(self, store: EventStore) -> None:
        """A whole export imported after existing, earlier records: targets follow, the stream verifies."""
        store.append("b", [talks(0, "existing")], 0, recorded_at="2013-08-01")
        assert store.import_jsonl("b", export(store), 1) == 5
        history = list(store.history("b"))
        assert [(r.kind, r.target) for r in history][-1] == (CORRECTION, 4)
        assert [getattr(e, "present", None) for e in store.read("b")] == [None, None, 68]
        assert store.verify() == ()

    def test_older_history_cannot_follow_newer_records(self, store: EventStore) -> None:
        """Transaction time only moves forward: an export can't be imported after later records."""
        store.append("b", [talks(0, "existing")], 0, recorded_at="2014-01-01")
        with pytest.raises(StoreError, match="only moves forward"):
            store.import_jsonl("b", export(store), 1)
        assert store.version("b") == 1

    def test_expected_version_holds(self, store: EventStore) -> None:
        """Import into a stream that moved on is refused, like any append."""
        with pytest.raises(StaleVersionError):
            store.import_jsonl("a", export(store), 0)


class TestScenarioFiles:
    def test_yaml_out_and_back(self, store: EventStore) -> None:
        """A stream dumps as a scenario file that loads back to the same events."""
        scenario = scenario_from_store(store, "a")
        import yaml

        text = yaml.safe_dump(dump_scenario(scenario), sort_keys=False)
        again = parse_scenario(text, "dumped.yaml")
        assert again.events == scenario.events
        assert again.interpretations == ("opposition-120-to-open",)

    def test_known_at_is_kept_when_exporting(self, store: EventStore) -> None:
        """As known before the correction, the scenario holds the event as first recorded."""
        before = scenario_from_store(store, "a", known_at=date(2013, 9, 2))
        after = scenario_from_store(store, "a")
        assert [getattr(e, "present", None) for e in before.events] == [None, 120]
        assert [getattr(e, "present", None) for e in after.events] == [None, 68]
        assert before.path.endswith("s.db#a")

    def test_scenario_metadata(self) -> None:
        """A scenario's metadata is its scenario block and its parties."""
        from engine.files.scenarios import load_scenario

        meta = scenario_metadata(load_scenario(ROOT / "scenarios" / "cambodia-2013.yaml"))
        assert meta["constitution"] == "kh"
        assert [p["id"] for p in meta["parties"]] == ["CPP", "CNRP"]


class TestBoundedLines:
    def test_a_line_too_long_is_refused_before_it_is_read_whole(self) -> None:
        """A line past the limit is one StoreError naming it; the lines before it come through."""
        import io

        from engine.store.jsonl import bounded_lines

        data = io.BytesIO(b'{"a": 1}\n' + b"x" * 100 + b"\n")
        lines = bounded_lines(data, "f.jsonl", limit=50)
        assert next(lines) == b'{"a": 1}\n'
        with pytest.raises(StoreError, match=r"f\.jsonl:2: line longer than 50 bytes"):
            next(lines)
        assert data.tell() <= 9 + 51  # no more than the limit was read of the long line

    def test_lines_at_the_limit_pass(self) -> None:
        import io

        from engine.store.jsonl import bounded_lines

        assert list(bounded_lines(io.BytesIO(b"x" * 49 + b"\n" + b"y" * 50), limit=50)) == [b"x" * 49 + b"\n", b"y" * 50]
