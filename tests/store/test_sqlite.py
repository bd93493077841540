"""The SQLite event store: the contract, then what only SQLite does — WAL, triggers, tampering caught
by verify(), old schemas upcast. Writers killed with SIGKILL and two processes appending at once are
in tests/store/test_processes.py, on both storages."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from engine.crisis import replay_scenario, scenario_from_store, scenario_metadata
from engine.errors import StoreError
from engine.files.scenarios import load_scenario
from engine.store.interface import EventStore
from engine.store.opening import open_store
from engine.store.records import SCHEMAS, checked_event, checksum, strict_event
from engine.store.sqlite import _SCHEMA, SQLiteStore
from engine.timeline.events import ParliamentConvened, VoteHeld, unstructure_event
from tests.store.store_contract import Clock, EventStoreContract, sitting, talks

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
_files = itertools.count()


class TestSQLiteStore(EventStoreContract):
    """The event store contract, on SQLite."""

    def make_store(self, **kwargs: Any) -> EventStore:
        return SQLiteStore(self.tmp_path / f"store-{next(_files)}.db", create=True, **kwargs)


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


class TestFile:
    """The file: how it is opened, its journal, and the database's own append-only rule."""

    def test_missing_file_is_a_store_error(self, tmp_path: Path) -> None:
        """Opening a store that does not exist says how to make one."""
        with pytest.raises(StoreError, match="log init"):
            open_store(tmp_path / "none.db")

    @pytest.mark.parametrize("content", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 200])
    def test_other_files_are_refused(self, tmp_path: Path, content: bytes) -> None:
        """A file that is not an impasse store is a StoreError, never a sqlite3 error."""
        path = tmp_path / "x.db"
        path.write_bytes(content)
        with pytest.raises(StoreError, match=r"not an (impasse )?event store"):
            open_store(path)

    def test_other_sqlite_databases_are_refused(self, tmp_path: Path) -> None:
        """A SQLite file made by something else is not taken for a store."""
        path = tmp_path / "other.db"
        _raw(path).execute("CREATE TABLE t (x)")
        with pytest.raises(StoreError, match="not an impasse event store"):
            open_store(path)

    def test_wal_and_full_sync(self, tmp_path: Path) -> None:
        """The journal is WAL, and the writing connection syncs every commit (synchronous=FULL)."""
        store = SQLiteStore(tmp_path / "s.db", create=True)
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        store.close()

    def test_init_twice_is_harmless(self, tmp_path: Path) -> None:
        """Making a store where one exists keeps what it holds."""
        with open_store(tmp_path / "s.db", create=True) as store:
            store.append("a", [talks(0)])
        with open_store(tmp_path / "s.db", create=True) as store:
            assert store.version("a") == 1

    def test_update_and_delete_are_refused_by_the_database(self, tmp_path: Path) -> None:
        """Even outside impasse, SQLite refuses to change or remove a record."""
        path = tmp_path / "s.db"
        with open_store(path, create=True) as store:
            store.append("a", [talks(0)])
        db = _raw(path)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE records SET payload = '{}'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM records")

    def test_streaming_read_does_not_block_appends(self, tmp_path: Path) -> None:
        """A reader half-way through a stream sees its snapshot while a writer appends."""
        with open_store(tmp_path / "s.db", create=True) as store:
            store.append("a", [talks(i) for i in range(2000)])
            reader = store.read("a")
            next(reader)
            store.append("a", [talks(0, "late")])
            assert sum(1 for _ in reader) == 1999
            assert store.version("a") == 2001


def _tamper(path: Path, sql: str, *args: Any) -> None:
    """Change records behind the store's back: drop its triggers, run ``sql``, put them back."""
    db = _raw(path)
    db.execute("DROP TRIGGER records_no_update")
    db.execute("DROP TRIGGER records_no_delete")
    db.execute(sql, args)
    db.executescript(_SCHEMA)
    db.close()


class TestVerify:
    """verify() finds what was changed behind the store's back."""

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        path = tmp_path / "s.db"
        with open_store(path, create=True) as store:
            store.set_metadata("a", {"constitution": "kh"})
            store.append("a", [talks(0), sitting(1, 120), talks(2)])
            store.correct("a", 3, sitting(1, 68))
        return path

    def problems(self, path: Path) -> list[str]:
        with open_store(path) as store:
            return [str(p) for p in store.verify()]

    def test_sound(self, path: Path) -> None:
        assert self.problems(path) == []

    def test_changed_payload(self, path: Path) -> None:
        """A payload edited in place breaks its checksum."""
        _tamper(path, "UPDATE records SET payload = replace(payload, '120', '121') WHERE version = 3")
        assert self.problems(path) == ["a@3: checksum does not match: the record was changed after it was "
                                       "written, or the one before it was"]

    def test_removed_record(self, path: Path) -> None:
        """A deleted record is a gap; the chain breaks at the next record."""
        _tamper(path, "DELETE FROM records WHERE version = 2")
        problems = self.problems(path)
        assert problems[0] == "a@3: versions jump from 1 to 3"
        assert "checksum does not match" in problems[1]

    def test_unknown_schema_and_bad_payload(self, path: Path) -> None:
        """A schema from the future and a payload that is no event are both reported."""
        _tamper(path, "UPDATE records SET schema = 7 WHERE version = 2")
        _tamper(path, "UPDATE records SET payload = '{\"at\": \"2013-09-02\"}' WHERE version = 4")
        problems = self.problems(path)
        assert any("a@2: 'talks_held' payload has schema version 7, newer than this impasse knows" in p
                   for p in problems)
        assert any(p.startswith("a@4: not a valid talks_held event") for p in problems)

    def test_missing_triggers(self, path: Path) -> None:
        """A store whose append-only triggers were dropped is reported."""
        _raw(path).execute("DROP TRIGGER records_no_delete")
        assert self.problems(path) == ["(file): trigger records_no_delete is missing: records could be deleted"]

    def test_correction_of_a_non_event(self, path: Path) -> None:
        """A correction pointing at metadata is reported."""
        _tamper(path, "UPDATE records SET target = 1 WHERE version = 5")
        assert any("names version 1, which is not an earlier event record" in p for p in self.problems(path))


class TestTrustedRead:
    """Reading builds events straight from the payloads the store wrote (their validators ran when
    they were appended); a payload that does not fit its class goes the strict way and is reported."""

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        path = tmp_path / "s.db"
        with open_store(path, create=True) as store:
            store.append("a", [talks(0), sitting(1, 120), talks(2)])
        return path

    @pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
    def test_reading_makes_what_strict_structuring_makes(self, path: Path) -> None:
        """Every event of every scenario, from its stored payload: equal, same hash, same repr."""
        for event in load_scenario(path).events:
            data = unstructure_event(event)
            type_name = data.pop("type")
            payload = json.dumps(data)
            built, strict = checked_event(type_name, json.loads(payload)), strict_event(type_name, json.loads(payload))
            assert built == strict == event
            assert (hash(built), repr(built)) == (hash(strict), repr(strict))

    def test_defaults_and_conversions(self) -> None:
        """Fields left out of a payload take their defaults; texts, tallies, dates and times convert."""
        data = {"at": "2013-09-23", "source": "s", "time": "09:30", "present_by_party": {"CPP": 68, "A": 1}}
        built = checked_event("parliament_convened", dict(data))
        assert built == strict_event("parliament_convened", data)
        assert built.present_by_party == (("A", 1), ("CPP", 68)) and built.sitting == "ordinary"

    @pytest.mark.parametrize(("payload", "reason"), [
        ('{"at":"2013-09-02","source":["s"],"parties":["CPP"],"venue":"x"}', "venue"),
        ('{"at":"2013-09-02","source":["s"]}', "parties"),
        ('{"at":"2013-09-02","source":["s"],"parties":7}', "parties"),
        ('{"at":"2013-09-02","source":["s"],"parties":["CPP"]} x', "Extra data"),
        ('', "Expecting value"),
    ])
    def test_a_payload_that_does_not_fit_is_reported(self, path: Path, payload: str, reason: str) -> None:
        """An unknown or missing field, a value that does not convert, or text that is not JSON: the
        read names the record and the reason, as the strict path words it."""
        _tamper(path, "UPDATE records SET payload = ? WHERE version = 3", payload)
        with open_store(path) as store, pytest.raises(StoreError, match=f"stream 'a' version 3: .*{reason}"):
            list(store.read("a"))

    def test_json_with_spaces_reads(self, path: Path) -> None:
        """A payload another writer laid out differently is still read (by json.loads)."""
        _tamper(path, "UPDATE records SET payload = ? WHERE version = 3",
                ' {"at": "2013-09-03",\n "source": ["s"], "parties": ["CPP", "CNRP"]}\n')
        with open_store(path) as store:
            assert list(store.read("a"))[2] == talks(2)


class TestSchemas:
    """Stores written by an older schema read back as current events, through upcasters."""

    @staticmethod
    def renamed(old: str, new: str):
        def upcast(payload: dict[str, Any]) -> dict[str, Any]:
            return {(new if k == old else k): v for k, v in payload.items()}

        return upcast

    def write_v1(self, path: Path) -> None:
        """A store as an earlier impasse wrote it: votes said ``in_favour``, sittings ``members_present``."""
        SQLiteStore(path, create=True).close()
        rows = [
            ("parliament_convened", "2013-09-23",
             {"at": "2013-09-23", "source": ["s"], "sitting": "opening", "members_present": 68}),
            ("vote", "2013-09-24",
             {"at": "2013-09-24", "source": ["s"], "motion": "vote_of_confidence", "in_favour": 68, "present": 68}),
        ]
        db = _raw(path)
        previous = ""
        for version, (type_name, valid, data) in enumerate(rows, 1):
            payload = json.dumps(data, separators=(",", ":"))
            stamp = "2013-09-25T00:00:00.000000Z"
            digest = checksum(version, "event", type_name, 1, valid, stamp, None, payload, previous)
            db.execute("INSERT INTO records VALUES (?, ?, 'event', ?, 1, ?, ?, NULL, ?, ?)",
                       ("kh", version, type_name, valid, stamp, payload, digest))
            previous = digest
        db.close()

    def test_old_payloads_read_as_current_events(self, tmp_path: Path) -> None:
        """Registered upcasters rename the old fields; readers get today's classes, verify() passes."""
        path = tmp_path / "old.db"
        self.write_v1(path)
        schemas = (SCHEMAS.register("vote", 1, self.renamed("in_favour", "yes"))
                   .register("parliament_convened", 1, self.renamed("members_present", "present")))
        with SQLiteStore(path, schemas=schemas) as store:
            opening, vote = store.read("kh")
            assert opening == ParliamentConvened(at=date(2013, 9, 23), source=("s",), sitting="opening", present=68)
            assert vote == VoteHeld(at=date(2013, 9, 24), source=("s",), motion="vote_of_confidence", yes=68,
                                    present=68)
            assert store.verify() == ()
            store.append("kh", [attrs.evolve(vote, yes=60)])
            assert [r.schema for r in store.history("kh")] == [1, 1, 2]  # new records at the current version
            assert [getattr(e, "yes", None) for e in store.read("kh")] == [None, 68, 60]

    def test_without_upcasters_old_payloads_are_reported(self, tmp_path: Path) -> None:
        """With no upcaster, reading names the record and verify() reports it: nothing is guessed."""
        path = tmp_path / "old.db"
        self.write_v1(path)
        with SQLiteStore(path) as store:
            with pytest.raises(StoreError, match=r"stream 'kh' version 1: .*members_present"):
                list(store.read("kh"))
            assert [p.version for p in store.verify()] == [1, 2]
        newer = SCHEMAS.register("vote", 1, self.renamed("in_favour", "yes")).register("vote", 2, dict)
        with SQLiteStore(path, schemas=newer) as store:
            assert store.schemas.current("vote") == 3
            with pytest.raises(StoreError, match=r"no upcaster for 'parliament_convened'|members_present"):
                list(store.read("kh"))

    def test_missing_step_is_named(self) -> None:
        """An upcaster chain with a hole names the version it can't leave."""
        schemas = SCHEMAS.register("vote", 2, dict)
        with pytest.raises(StoreError, match="no upcaster for 'vote' payloads from schema version 1"):
            schemas.upcast("vote", 1, {})


class TestScenarios:
    """A stream holds a crisis as well as a scenario file does."""

    @pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
    def test_every_scenario_replays_the_same_from_a_store(self, tmp_path: Path, path: Path) -> None:
        """Import a scenario file, replay it from the store: the same steps and final state."""
        scenario = load_scenario(path)
        with open_store(tmp_path / "s.db", create=True) as store:
            store.append("x", scenario.events, 0, metadata=scenario_metadata(scenario))
            assert store.verify() == ()
            again = scenario_from_store(store, "x")
        assert again.events == scenario.events
        assert (again.constitution.id, again.body, again.interpretations, again.parties) == \
            (scenario.constitution.id, scenario.body, scenario.interpretations, scenario.parties)
        first, second = replay_scenario(scenario), replay_scenario(again)
        assert second.steps == first.steps
        assert second.final == first.final

    def test_replay_as_known_on_two_days_differs_after_a_correction(self, tmp_path: Path) -> None:
        """Cambodia 2013: record 120 present at the opening, correct it to 68 two days later; replayed as
        known before the correction the sitting is quorate under the opposition's reading, after it not."""
        scenario = load_scenario(ROOT / "scenarios" / "cambodia-2013.yaml")
        opening = next(e for e in scenario.events if getattr(e, "sitting", None) == "opening")
        recorded = [attrs.evolve(e, present=120, present_by_party=(), boycotters_present=52) if e is opening else e for e in scenario.events]
        clock = Clock()
        with open_store(tmp_path / "s.db", create=True, clock=clock) as store:
            store.append("kh-2013", recorded, 0, metadata=scenario_metadata(scenario), recorded_at="2013-09-23")
            version = next(en.version for en in store.entries("kh-2013") if en.event.id == opening.id)
            store.correct("kh-2013", version, opening, recorded_at="2013-09-25")

            def quorum(known_at: str) -> set:
                timeline = replay_scenario(scenario_from_store(store, "kh-2013", known_at=known_at))
                step = next(s for s in timeline.steps if s.event.id == opening.id)
                return {(f.interpretation, f.verdict.value) for f in step.findings
                        if f.rule and "quorum" in f.rule and f.interpretation == "opposition-120-to-open"}

            assert quorum("2013-09-24") == {("opposition-120-to-open", "ok")}
            assert quorum("2013-09-25") == {("opposition-120-to-open", "violation")}

    def test_engine_errors_name_the_stream_version(self, tmp_path: Path) -> None:
        """An impossible event read from a store is reported at STORE#STREAM:VERSION."""
        from engine.errors import ScenarioError
        from engine.timeline.events import ElectionHeld, ResultsAnnounced

        with open_store(tmp_path / "s.db", create=True) as store:
            store.set_metadata("x", {"constitution": "kh"})
            store.append("x", [ElectionHeld(at=date(2013, 7, 28), source=("s",)),
                               ResultsAnnounced(at=date(2013, 8, 1), source=("s",), stage="final", by="NEC",
                                                seats={"CPP": 130})])
            with pytest.raises(ScenarioError, match=r"s\.db#x:3: events\[1\]\.seats: 130 seats announced"):
                replay_scenario(scenario_from_store(store, "x"))

    def test_a_stream_without_a_pack_is_refused(self, tmp_path: Path) -> None:
        """Replay needs a constitution pack: the error says how to record one."""
        with open_store(tmp_path / "s.db", create=True) as store:
            store.append("x", [talks(0)])
            with pytest.raises(StoreError, match=r"no constitution pack recorded.*--constitution"):
                scenario_from_store(store, "x")
            with pytest.raises(StoreError, match="no stream 'y'"):
                scenario_from_store(store, "y")


def test_streaming_read_uses_bounded_memory(tmp_path: Path) -> None:
    """Reading 10,000 events holds about as much memory as reading 1,000: nothing is kept."""
    import tracemalloc

    with open_store(tmp_path / "s.db", create=True) as store:
        store.append("small", [talks(i % 60) for i in range(1_000)])
        store.append("large", [talks(i % 60) for i in range(10_000)])
        store.correct("large", 5, talks(3, "moved"))

        def peak(stream: str) -> int:
            tracemalloc.start()
            for _ in store.read(stream):
                pass
            _, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return top

        small, large = peak("small"), peak("large")
    assert large < 2 * small + 200_000, (small, large)


def test_store_dates_are_iso(tmp_path: Path) -> None:
    """Valid dates are stored as ISO text, so SQLite orders them as dates."""
    with open_store(tmp_path / "s.db", create=True) as store:
        store.append("a", [talks(40), talks(3)])
        assert [r.valid for r in store.history("a")] == [str(date(2013, 9, 1) + timedelta(days=d)) for d in (40, 3)]
