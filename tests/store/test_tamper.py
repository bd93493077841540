"""A store changed behind its back: every reader fails in one line naming the stream, the version and
what is wrong (exit 2, never a traceback); ``log import`` names the line of any malformed one;
read-only stores are read; ``log init`` leaves other files alone (issue 17, item 3).

The Hypothesis tamper runs a few examples by default; ``IMPASSE_SLOW_TESTS=1`` runs many more.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli.main import cli
from engine.crisis import scenario_metadata
from engine.errors import StoreError
from engine.files.scenarios import load_scenario
from engine.store.opening import open_store
from engine.store.records import payload_object
from engine.store.sqlite import _SCHEMA

ROOT = Path(__file__).resolve().parents[2]
SLOW = os.environ.get("IMPASSE_SLOW_TESTS") == "1"
STREAM = "kh-2013"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the 2013 scenario (metadata at version 1, events from 2), one correction (31)
    and one retraction (32)."""
    path = tmp_path_factory.mktemp("pristine") / "crisis.db"
    scenario = load_scenario(ROOT / "scenarios" / "cambodia-2013.yaml")
    with open_store(path, create=True) as store:
        store.append(STREAM, scenario.events, 0, metadata=scenario_metadata(scenario))
        store.correct(STREAM, 5, store.event(STREAM, 5))
        store.retract(STREAM, 6, reason="test")
    return path


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Path:
    path = tmp_path / "crisis.db"
    shutil.copy(pristine, path)
    return path


def tamper(path: Path, sql: str, *args: Any) -> None:
    """Change records behind the store's back: drop its append-only triggers, run ``sql``, put them back."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS records_no_update")
    raw.execute("DROP TRIGGER IF EXISTS records_no_delete")
    try:
        raw.execute(sql, args)
    finally:
        raw.executescript(_SCHEMA)
        raw.close()


#: every command that reads a stream's records
READERS = [
    ["log", "show", "{db}", "-s", STREAM],
    ["log", "show", "{db}", "-s", STREAM, "--history"],
    ["log", "show", "{db}", "-s", STREAM, "--history", "--format", "json"],
    ["log", "show", "{db}", "-s", STREAM, "--format", "json"],
    ["log", "export", "{db}", "-s", STREAM],
    ["log", "export", "{db}", "-s", STREAM, "--format", "yaml"],
    ["replay", "--store", "{db}", "--stream", STREAM, "--format", "json"],
    ["state", "--store", "{db}", "--stream", STREAM, "--at", "2014-01-01", "--format", "json"],
]


def run(runner: CliRunner, args: list[str], db: Path) -> Result:
    """Run a command; it exits 0, or 2 with exactly one line on stderr, and raises nothing."""
    result = runner.invoke(cli, [a.format(db=db) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), (args, result.output)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("impasse: error: "), (args, result.stderr)
    return result


def every_reader_fails(runner: CliRunner, db: Path, fragment: str) -> None:
    for args in READERS:
        result = run(runner, args, db)
        assert result.exit_code == 2, (args, result.stdout[:300])
        assert fragment in result.stderr, (args, result.stderr)
    verify = run(runner, ["log", "verify", "{db}"], db)
    assert verify.exit_code == 2 and "problem(s) found" in verify.stderr


class TestDamagedRecords:
    @pytest.mark.parametrize(("version", "payload", "reason"), [
        pytest.param(4, "null", "payload is null, not a JSON object", id="null-event"),
        pytest.param(1, "null", "payload is null, not a JSON object", id="null-metadata"),
        pytest.param(31, "null", "payload is null, not a JSON object", id="null-correction"),
        pytest.param(4, "not json", "payload is not JSON (Expecting value: line 1 column 1 (char 0))",
                     id="not-json-event"),
        pytest.param(1, "{oops", "payload is not JSON (Expecting property name", id="not-json-metadata"),
        pytest.param(4, "[1, 2]", "payload is an array, not a JSON object", id="array"),
        pytest.param(4, '"text"', "payload is a string, not a JSON object", id="string"),
        pytest.param(4, "[" * 100_000 + "]" * 100_000, "payload is JSON nested too deeply to read", id="deep"),
    ])
    def test_payload_that_does_not_decode(self, runner: CliRunner, db: Path, version: int, payload: str,
                                          reason: str) -> None:
        tamper(db, "UPDATE records SET payload = ? WHERE version = ?", payload, version)
        every_reader_fails(runner, db, f"stream '{STREAM}' version {version}: {reason}")

    @pytest.mark.parametrize(("payload", "reason"), [
        ('{"constitution": 5}', "metadata constitution must be text (got a number)"),
        ('{"constitution": "kh", "parties": 5}', "metadata parties must be a list (got a number)"),
        ('{"constitution": "kh", "parties": [{"id": []}]}', "metadata parties must each have a text id"),
        ('{"constitution": "kh", "interpretations": [[]]}', "metadata interpretations must be a list of texts"),
        ('{"constitution": "kh", "colour": "red"}', "unknown stream metadata 'colour'"),
    ])
    def test_metadata_of_the_wrong_shape(self, runner: CliRunner, db: Path, payload: str, reason: str) -> None:
        """Metadata that is JSON but not what the store writes: named, not a crash in replay."""
        tamper(db, "UPDATE records SET payload = ? WHERE version = 1", payload)
        for args in (READERS[0], READERS[5], READERS[6], READERS[7]):
            assert f"stream '{STREAM}' version 1: {reason}" in run(runner, args, db).stderr, args
        assert f"{STREAM}@1: {reason}" in run(runner, ["log", "verify", "{db}"], db).stdout

    def test_party_without_a_name_goes_by_its_id(self, runner: CliRunner, db: Path) -> None:
        tamper(db, "UPDATE records SET payload = ? WHERE version = 1", '{"constitution": "kh", "parties": [{"id": "CPP"}]}')
        assert run(runner, READERS[6], db).exit_code == 0
        with open_store(db) as store:
            assert store.metadata(STREAM)["parties"] == [{"name": "CPP", "id": "CPP"}]

    def test_retraction_payload(self, runner: CliRunner, db: Path) -> None:
        """A retraction's payload is read by the history and the export, which name it."""
        tamper(db, "UPDATE records SET payload = 'null' WHERE version = 32")
        for args in (READERS[1], READERS[4]):
            assert "version 32: payload is null" in run(runner, args, db).stderr
        assert run(runner, READERS[0], db).exit_code == 0  # reading applies it by its target alone

    def test_schema_that_is_no_number(self, runner: CliRunner, db: Path) -> None:
        tamper(db, "UPDATE records SET schema = 'x' WHERE version = 4")
        for args in (READERS[0], READERS[6]):
            assert f"stream '{STREAM}' version 4:" in run(runner, args, db).stderr

    @pytest.mark.parametrize("column", ["payload", "type", "kind", "checksum"])
    def test_bytes_that_are_not_utf8(self, runner: CliRunner, db: Path, column: str) -> None:
        """Corrupt bytes in a column: named, never echoed, by the readers that meet them, and by verify."""
        tamper(db, f"UPDATE records SET {column} = CAST(X'7B2280FF223A317D' AS TEXT) WHERE version = 4")
        reason = f"stream '{STREAM}' version 4: column {column} holds bytes that are not UTF-8 text"
        for args in READERS:
            result = run(runner, args, db)
            assert "\ufffd" not in result.stderr and '{"' not in result.stderr
            if column == "payload" or "--history" in args or (args[1:3] == ["export", "{db}"] and len(args) == 5):
                assert reason in result.stderr, (args, result.stderr)  # every reader that reads version 4
        verify = run(runner, ["log", "verify", "{db}"], db)
        problems = [line for line in verify.stdout.splitlines() if "@" in line]
        assert problems[0] == f"{db}: {STREAM}@4: column {column} holds bytes that are not UTF-8 text"
        assert problems[1:] == ([f"{db}: {STREAM}@5: checksum does not match: the record was changed after it "
                                 "was written, or the one before it was"] if column == "checksum" else [])

    def test_deleted_last_records(self, runner: CliRunner, db: Path) -> None:
        """Deleting the last records leaves a shorter stream every reader reads (verify can't tell
        without a published head: docs/store.md)."""
        tamper(db, "DELETE FROM records WHERE version > 20")
        for args in READERS:
            assert run(runner, args, db).exit_code == 0, args
        assert run(runner, ["log", "verify", "{db}"], db).exit_code == 0

    def test_corrupt_file(self, runner: CliRunner, db: Path) -> None:
        """Bytes of the file itself overwritten: one line, from opening or from reading."""
        data = bytearray(db.read_bytes())
        data[len(data) // 2: len(data) // 2 + 2000] = b"\xff" * 2000
        data[100:140] = b"\x00" * 40
        db.write_bytes(bytes(data))
        for args in [*READERS, ["log", "verify", "{db}"]]:
            run(runner, args, db)

    @settings(max_examples=300 if SLOW else 12, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(version=st.integers(1, 34),
           column=st.sampled_from(["payload", "kind", "type", "schema", "valid", "target", "recorded_at"]),
           value=st.one_of(st.none(), st.integers(-3, 40), st.text(max_size=30), st.binary(max_size=30),
                           st.sampled_from(["null", "{}", "[]", '{"at": null}', "event", "correction", "vote",
                                            '{"constitution": 5}', '{"parties": 5}', '{"parties": [5]}',
                                            '{"interpretations": 7}', '{"constitution": "kh", "body": []}'])),
           reader=st.sampled_from(READERS))
    def test_any_tampering(self, runner: CliRunner, pristine: Path, tmp_path: Path, version: int, column: str,
                           value: Any, reader: list[str]) -> None:
        """One column of one record set to anything: every reader exits 0 or 2 with one line."""
        path = tmp_path / "t.db"
        shutil.copy(pristine, path)
        try:
            tamper(path, f"UPDATE records SET {column} = ? WHERE version = ?", value, version)
        except sqlite3.IntegrityError:
            return  # NOT NULL or a duplicate key: SQLite refused the tampering itself
        run(runner, reader, path)
        path.unlink()


class TestPayloads:
    def test_payload_object(self) -> None:
        assert payload_object('{"a": 1}') == {"a": 1}
        for text, reason in [("null", "null"), ("true", "true"), ("1.5", "a number"), ("[]", "an array")]:
            with pytest.raises(ValueError, match=f"payload is {reason}, not a JSON object"):
                payload_object(text)
        with pytest.raises(ValueError, match="payload is not JSON text"):
            payload_object(b"{}")


class TestImport:
    """Every malformed line of a JSON Lines file is an error naming it."""

    def exported(self, runner: CliRunner, db: Path) -> list[dict[str, Any]]:
        return [json.loads(line) for line in run(runner, READERS[4], db).stdout.splitlines()]

    @pytest.mark.parametrize(("line", "reason"), [
        pytest.param(b'{"type": "rally", "at": "2013-09-07", "source": "\xff"}', "2: not UTF-8 text (invalid start "
                     "byte at byte 49 of the line)", id="not-utf8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "2: JSON nested too deeply to read", id="deep"),
        pytest.param(b'{"type": "rally", "at": ' + b"[" * 100_000, "2: JSON nested too deeply", id="deep-unclosed"),
        pytest.param(b"\x00\x01", "2: not JSON", id="control"),
    ])
    def test_bad_lines(self, runner: CliRunner, tmp_path: Path, line: bytes, reason: str) -> None:
        db = tmp_path / "s.db"
        run(runner, ["log", "init", "{db}"], db)
        path = tmp_path / "in.jsonl"
        path.write_bytes(b'{"type": "election_held", "at": "2013-07-28", "source": "s"}\n' + line + b"\n")
        result = run(runner, ["log", "import", "{db}", "-s", "x", str(path)], db)
        assert result.exit_code == 2 and f"{path}:{reason}" in result.stderr
        with open_store(db) as store:
            assert store.versions() == {}  # all or none

    @pytest.mark.parametrize(("field", "value", "reason"), [
        ("version", [1], "version must be a whole number >= 1 (got an array)"),
        ("version", 0, "version must be a whole number >= 1 (got a number)"),
        ("version", True, "version must be a whole number >= 1 (got true or false)"),
        ("schema", "1", "schema must be a whole number >= 1 (got text)"),
        ("recorded_at", 20130901, "recorded_at must be text (got a number)"),
        ("target", {}, "target must be a version number or null (got an object)"),
        ("payload", None, "payload must be a JSON object (got null)"),
        ("type", 5, "type must be text or null (got a number)"),
        ("checksum", None, "checksum must be text (got null)"),
    ])
    def test_exported_record_with_a_wrong_field(self, runner: CliRunner, db: Path, tmp_path: Path, field: str,
                                                value: Any, reason: str) -> None:
        records = self.exported(runner, db)
        records[2][field] = value
        path = tmp_path / "in.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        result = run(runner, ["log", "import", "{db}", "-s", "y", str(path)], db)
        assert result.exit_code == 2 and f"{path}:3: {reason}" in result.stderr


class TestInit:
    def test_refuses_another_sqlite_file_and_changes_nothing(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "other.db"
        raw = sqlite3.connect(path)
        raw.execute("CREATE TABLE t (x)")
        raw.commit()
        raw.close()
        before = path.read_bytes()
        line = run(runner, ["log", "init", "{db}"], path).stderr
        assert "is not empty and not an impasse event store" in line and "nothing was changed" in line
        assert path.read_bytes() == before
        raw = sqlite3.connect(path)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master")] == ["t"]

    def test_refuses_a_text_file(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "notes.txt"
        path.write_text("my notes\n" * 200)
        assert "is not empty and not an impasse event store" in run(runner, ["log", "init", "{db}"], path).stderr
        assert path.read_text() == "my notes\n" * 200

    def test_empty_file_and_existing_store(self, runner: CliRunner, tmp_path: Path, db: Path) -> None:
        empty = tmp_path / "empty.db"
        empty.touch()
        assert run(runner, ["log", "init", "{db}"], empty).stdout == f"event store {empty}: 0 stream(s)\n"
        assert run(runner, ["log", "init", "{db}"], db).stdout == f"event store {db}: 1 stream(s)\n"


def _without_write_access() -> list[str]:
    """A command prefix under which files' permission bits hold (root drops the power to ignore them)."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permission bits would not hold")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


def _impasse(prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*prefix, sys.executable, "-m", "engine", *args], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


class TestReadOnly:
    """A store in a directory and file that can't be written is read (SQLite mode=ro, or immutable)."""

    @pytest.fixture
    def readonly(self, pristine: Path, tmp_path: Path) -> Any:
        folder = tmp_path / "ro"
        folder.mkdir()
        shutil.copy(pristine, folder / "crisis.db")
        yield folder / "crisis.db"
        folder.chmod(0o755)
        (folder / "crisis.db").chmod(0o644)

    def test_read_only_file_and_directory(self, readonly: Path) -> None:
        prefix = _without_write_access()
        readonly.chmod(0o444)
        readonly.parent.chmod(0o555)
        shown = _impasse(prefix, "log", "show", str(readonly), "-s", STREAM)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith(f"{STREAM}: 28 event(s), stream at version 32")
        replayed = _impasse(prefix, "replay", "--store", str(readonly), "--stream", STREAM, "--format", "json")
        assert replayed.returncode == 0 and json.loads(replayed.stdout)["scenario"]["id"] == "cambodia-2013"
        assert _impasse(prefix, "log", "verify", str(readonly)).returncode == 0
        appended = _impasse(prefix, "log", "append", str(readonly), "-s", STREAM, "election_held", "--at",
                            "2018-07-29", "--source", "s")
        assert appended.returncode == 2
        assert appended.stderr.strip().splitlines() == [
            f"impasse: error: {readonly} is open for reading only: it cannot be written here (attempt to write a "
            "readonly database); nothing was written"]

    def test_read_only_file_in_a_writable_directory(self, readonly: Path) -> None:
        prefix = _without_write_access()
        readonly.chmod(0o444)
        shown = _impasse(prefix, "log", "show", str(readonly))
        assert (shown.returncode, shown.stdout) == (0, f"{STREAM}\tversion 32\n"), shown.stderr

    def test_write_ahead_log_that_cannot_be_read(self, pristine: Path, tmp_path: Path) -> None:
        """Records still in the write-ahead log need its index, which a read-only directory can't
        hold: refused, in words, rather than read without them."""
        prefix = _without_write_access()
        live = tmp_path / "live.db"
        shutil.copy(pristine, live)
        writer = sqlite3.connect(live, isolation_level=None)
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("DROP TRIGGER records_no_delete")  # any write lands in the log, not the file
        folder = tmp_path / "ro"
        folder.mkdir()
        shutil.copy(live, folder / "crisis.db")
        shutil.copy(f"{live}-wal", folder / "crisis.db-wal")
        writer.close()
        for name in ("crisis.db", "crisis.db-wal"):
            (folder / name).chmod(0o444)
        folder.chmod(0o555)
        try:
            shown = _impasse(prefix, "log", "show", str(folder / "crisis.db"))
        finally:
            folder.chmod(0o755)
        assert shown.returncode == 2
        (line,) = shown.stderr.strip().splitlines()
        assert "can't be written here and can't be read either: its write-ahead log" in line

    def test_unreadable_file(self, readonly: Path) -> None:
        """A store that can't even be read is one StoreError saying so (not 'not an event store')."""
        prefix = _without_write_access()
        readonly.chmod(0o000)
        code = (f"from engine.store.opening import open_store\ntry:\n    open_store({str(readonly)!r})\n"
                "except Exception as exc:\n    print(type(exc).__name__, exc)")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              timeout=60, check=False)
        assert done.stdout == (f"StoreError {readonly} can't be opened, even for reading only (unable to open "
                               "database file)\n"), done.stderr

    def test_library_appends_refused(self, pristine: Path) -> None:
        """open_store on a read-only store: reads work, an append is a StoreError naming why."""
        with open_store(pristine) as store:
            store.readonly = "is a test"
            with pytest.raises(StoreError, match="is open for reading only: it is a test; nothing was written"):
                store.retract(STREAM, 4)
