"""The SQLite event store: one file, WAL journal, every acknowledged append on disk.

Decisions made once:

* ``journal_mode=WAL`` so readers never block the writer, and ``synchronous=FULL`` so a commit
  that returned has been synced to disk (WAL alone, at ``NORMAL``, may lose the last commits on
  power loss);
* appends run in ``BEGIN IMMEDIATE``: the write lock is taken before the stream's version is read,
  so two writers are serialised and the second sees the first's records (and its stale expected
  version is refused) — nothing is merged;
* triggers refuse every ``UPDATE`` and ``DELETE`` on records: append-only is the database's rule
  too, not just this module's;
* every read opens its own read-only connection, so a long streaming read sees one snapshot and
  does not hold up appends;
* a store that can't be written here (its file or its directory) is opened for reading only, with
  ``mode=ro``, or ``immutable=1`` when the directory can't hold the WAL index and no write-ahead
  log holds records the file lacks; ``impasse log init`` makes a store only in a new or empty file.

No ``sqlite3`` exception leaves this module: each becomes a :class:`~engine.errors.StoreError`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from itertools import chain
from os import PathLike, fspath
from pathlib import Path

from engine.errors import StaleVersionError, StoreError
from engine.store.interface import EventStore
from engine.store.records import EVENT, SCHEMAS, Draft, NotUtf8, Problem, Record, Schemas, column_problem

__all__ = ["SQLiteStore"]

#: What the ``store`` table says about a file this module made.
FORMAT = "impasse-event-store"
FORMAT_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS store (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    stream TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    kind TEXT NOT NULL,
    type TEXT,
    schema INTEGER NOT NULL,
    valid TEXT,
    recorded_at TEXT NOT NULL,
    target INTEGER,
    payload TEXT NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (stream, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_valid ON records (stream, valid, version) WHERE kind = 'event';
CREATE INDEX IF NOT EXISTS records_notes ON records (stream, version) WHERE kind <> 'event';
CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'event store records are append-only: no UPDATE'); END;
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'event store records are append-only: no DELETE'); END;
"""

#: SQLite's primary result codes that the opening tells apart
_NO_WRITE = (3, 8, 14)  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN: no write access here
_CORRUPT = 11
_NOTADB = 26


class _NotUtf8(StoreError):
    """A read met text that is not UTF-8 (SQLite stores whatever bytes it is given)."""


def _text(raw: bytes) -> str | bytes:
    """Text as SQLite hands it over, or the bytes themselves, marked, when they are not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return NotUtf8(raw)


def _code(exc: sqlite3.Error) -> int:
    """The primary SQLite result code of an error (0 when the driver gives none)."""
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


_COLUMNS = "stream, version, kind, type, schema, valid, recorded_at, target, payload, checksum"
_BUSY_MS = 30_000
_BATCH = 512  # rows fetched at a time by a read


class SQLiteStore(EventStore):
    """An :class:`~engine.store.interface.EventStore` in one SQLite file.

    Args:
        path: the file.
        create: make the file and its tables if they are missing.
        schemas: the schema registry.
        clock: the source of transaction times (aware datetimes).

    Raises:
        StoreError: no store at ``path`` (and ``create`` is false), or a file that is not one.
    """

    def __init__(self, path: str | PathLike[str], *, create: bool = False, schemas: Schemas = SCHEMAS,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(schemas=schemas, clock=clock)
        self.path = Path(path)
        self.name = fspath(path)
        #: why the store was opened for reading only (None: it can be written)
        self.readonly: str | None = None
        self._uri: str | None = None  # the URI every connection opens, when read-only
        if not create and not self.path.is_file():
            msg = f"no event store at {self.name} (make one with 'impasse log init {self.name}')"
            raise StoreError(msg)
        try:
            self._db = self._connect()
            if create and self.path.is_file() and self.path.stat().st_size > 0:
                # a file that is there already becomes a store only if it is one: nothing is added to,
                # or switched in, a file something else made
                self._check_format(creating=True)
            if create:
                self._create()
            self._check_format()
        except sqlite3.Error as exc:
            if create or _code(exc) not in _NO_WRITE:
                raise StoreError(self._describe(exc, create=create)) from exc
            self._open_readonly(exc)

    def _open_readonly(self, why: sqlite3.Error) -> None:
        """Open the file for reading only (it, or its directory, can't be written here)."""
        uri = self.path.absolute().as_uri() + "?mode=ro"
        wal = Path(f"{self.path}-wal")
        # mode=ro still needs the WAL index (-shm) beside the file, made on the first read;
        # immutable=1 reads the file alone, safe when no write-ahead log holds records it lacks
        tries = [uri] if wal.is_file() and wal.stat().st_size else [uri, uri + "&immutable=1"]
        if hasattr(self, "_db"):  # the writable connection, if connecting got that far
            self._db.close()
        for candidate in tries:
            self._uri = candidate
            db = None
            try:
                db = self._db = self._connect()
                self._check_format()
            except sqlite3.Error as exc:
                if db is not None:
                    db.close()
                why = exc
                continue
            self.readonly = f"cannot be written here ({why})"
            return
        if len(tries) == 1:
            msg = (f"{self.name} can't be written here and can't be read either: its write-ahead log {wal} holds "
                   f"records that SQLite reads only with write access to the directory ({why})")
        else:
            msg = f"{self.name} can't be opened, even for reading only ({why})"
        raise StoreError(msg) from why

    def _describe(self, exc: sqlite3.Error, *, create: bool) -> str:
        """What a SQLite error on opening says about the file, in words."""
        code = _code(exc)
        if code == _NOTADB and create:
            return (f"{self.name} is not empty and not an impasse event store ({exc}): a store is made only in a "
                    f"new or empty file (nothing was changed)")
        if code == _NOTADB:
            return f"{self.name} is not an event store ({exc})"
        if code == _CORRUPT:
            return f"{self.name} is damaged: SQLite says {exc}"
        if code in _NO_WRITE:
            return f"{self.name} can't be written here ({exc}): make the store where you may write"
        return f"{self.name} can't be opened as an event store ({exc})"

    def _connect(self, *, readonly: bool = False) -> sqlite3.Connection:
        target = self._uri or self.path
        db = sqlite3.connect(target, uri=self._uri is not None, isolation_level=None, timeout=_BUSY_MS / 1000,
                             check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        if readonly or self._uri is not None:
            db.execute("PRAGMA query_only = ON")
        else:
            db.execute("PRAGMA synchronous = FULL")
        return db

    def _create(self) -> None:
        mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            msg = f"{self.name}: SQLite could not switch to WAL journal mode (got {mode!r})"
            raise StoreError(msg)
        # every statement is idempotent: two processes may init the same file at once
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO store (key, value) VALUES ('format', ?), ('format_version', ?)",
                         (FORMAT, FORMAT_VERSION))

    def _check_format(self, *, creating: bool = False) -> None:
        try:
            rows = dict(self._db.execute("SELECT key, value FROM store").fetchall())
        except sqlite3.OperationalError as exc:
            if _code(exc) in _NO_WRITE:  # not "no such table": the file can't be read as it is
                raise
            rows = {}
        if rows.get("format") != FORMAT:
            msg = (f"{self.name} is not empty and not an impasse event store: a store is made only in a new or "
                   f"empty file (nothing was changed)" if creating
                   else f"{self.name} is not an impasse event store (make one with 'impasse log init')")
            raise StoreError(msg)
        if rows.get("format_version") != FORMAT_VERSION:
            msg = (f"{self.name} has store format {rows.get('format_version')!r}; this impasse reads "
                   f"format {FORMAT_VERSION!r}")
            raise StoreError(msg)

    def close(self) -> None:
        self._db.close()

    # --- writing ------------------------------------------------------------------

    def _commit(self, stream: str, drafts: Sequence[Draft], expected_version: int | None) -> int:
        if self.readonly:
            msg = f"{self.name} is open for reading only: it {self.readonly}; nothing was written"
            raise StoreError(msg)
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            msg = f"{self.name}: cannot take the write lock: {exc}"
            raise StoreError(msg) from exc
        try:
            row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE stream = ? ORDER BY version DESC LIMIT 1",
                             (stream,)).fetchone()
            last = Record(*row) if row else None
            current = last.version if last else 0
            if expected_version is not None and expected_version != current:
                raise StaleVersionError(stream, expected_version, current)

            def kind_of(version: int) -> str | None:
                found = db.execute("SELECT kind FROM records WHERE stream = ? AND version = ?",
                                   (stream, version)).fetchone()
                return found[0] if found else None

            records = self._seal(stream, drafts, last, kind_of)
            db.executemany(f"INSERT INTO records ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(r.stream, r.version, r.kind, r.type, r.schema, r.valid, r.recorded_at, r.target,
                             r.payload, r.checksum) for r in records])
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                msg = f"{self.name}: append to {stream!r} failed, nothing written: {exc}"
                raise StoreError(msg) from exc
            raise
        return records[-1].version if records else current

    # --- reading ------------------------------------------------------------------

    def versions(self) -> dict[str, int]:
        # a skip-scan over the primary key: one seek per stream, however long the streams are
        query = """
            WITH RECURSIVE s(name) AS (
                SELECT MIN(stream) FROM records
                UNION ALL
                SELECT (SELECT MIN(stream) FROM records WHERE stream > s.name) FROM s WHERE s.name IS NOT NULL
            )
            SELECT name, (SELECT MAX(version) FROM records WHERE stream = name) FROM s WHERE name IS NOT NULL
        """
        return dict(self._query(query, ()))

    def version(self, stream: str) -> int:
        rows = list(self._query("SELECT MAX(version) FROM records WHERE stream = ?", (stream,)))
        return rows[0][0] or 0

    def _record(self, stream: str, version: int) -> Record | None:
        rows = list(self._query(f"SELECT {_COLUMNS} FROM records WHERE stream = ? AND version = ?",
                                (stream, version), tolerant=True))
        return Record(*rows[0]) if rows else None

    def _records(self, stream: str, *, known_before: str | None = None,
                 kinds: tuple[str, ...] | None = None, after: int = 0) -> Iterator[Record]:
        sql = f"SELECT {_COLUMNS} FROM records WHERE stream = ?"
        args: list[object] = [stream]
        if kinds is not None:
            if "event" not in kinds:
                # the few records that are not events have an index of their own: use it
                sql = f"SELECT {_COLUMNS} FROM records INDEXED BY records_notes WHERE stream = ? AND kind <> 'event'"
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            args += kinds
        if after:
            sql += " AND version > ?"
            args.append(after)
        if known_before is not None:
            sql += " AND recorded_at < ?"
            args.append(known_before)
        for row in self._query(sql + " ORDER BY version", args, tolerant=True):
            yield Record(*row)

    def _event_rows(self, stream: str, *, until: str | None,
                    known_before: str | None) -> Iterator[tuple[int, str, int, str]]:
        return chain.from_iterable(self._event_batches(stream, until=until, known_before=known_before))

    def _event_batches(self, stream: str, *, until: str | None,
                       known_before: str | None) -> Iterator[list[tuple[int, str, int, str]]]:
        sql = "SELECT version, type, schema, payload FROM records WHERE stream = ? AND kind = 'event'"
        args: list[object] = [stream]
        if until is not None:
            sql += " AND valid <= ?"
            args.append(until)
        if known_before is not None:
            sql += " AND recorded_at < ?"
            args.append(known_before)
        batches = self._batches(sql + " ORDER BY valid, version", args)
        try:
            yield from batches
        except _NotUtf8 as exc:  # the fast path decodes in C: find the record, reading as verify does
            for record in self._records(stream, kinds=(EVENT,)):
                problem = column_problem(record)
                if problem is not None:
                    msg = f"stream {stream!r} version {record.version}: {problem}"
                    raise StoreError(msg) from None
            raise StoreError(str(exc)) from None

    def _query(self, sql: str, args: Sequence[object], *, tolerant: bool = False) -> Iterator[tuple]:
        """Rows streamed from a connection of their own, in one read transaction (one snapshot)."""
        return chain.from_iterable(self._batches(sql, args, tolerant=tolerant))

    def _batches(self, sql: str, args: Sequence[object], *, tolerant: bool = False) -> Iterator[list[tuple]]:
        """Like :meth:`_query`, in lists of up to ``_BATCH`` rows (the memory of one list, however long
        the result).

        With ``tolerant``, text that is not UTF-8 comes back as bytes, for
        :func:`~engine.store.records.column_problem` to name; without, it is an error (SQLite's
        decoding, in C, is what the replay path wants).
        """
        try:
            db = self._connect(readonly=True)
        except sqlite3.Error as exc:
            msg = f"{self.name}: cannot open for reading: {exc}"
            raise StoreError(msg) from exc
        if tolerant:
            db.text_factory = _text
        try:
            db.execute("BEGIN")
            cursor = db.execute(sql, args)
            while True:
                rows = cursor.fetchmany(_BATCH)
                if not rows:
                    break
                yield rows
        except sqlite3.Error as exc:
            reason = re.sub(r" with text '.*", "", str(exc), flags=re.S)  # the text may be anything: not echoed
            msg = f"{self.name}: read failed: {reason}"
            if reason.startswith("Could not decode to UTF-8"):
                msg += " (a record was changed behind the store's back: see 'impasse log verify')"
                raise _NotUtf8(msg) from None
            raise StoreError(msg) from exc
        finally:
            db.close()

    def _storage_problems(self) -> list[Problem]:
        try:
            rows = [r[0] for r in self._db.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.Error as exc:
            return [Problem("(file)", None, f"SQLite integrity check failed: {exc}")]
        problems = [Problem("(file)", None, f"SQLite integrity check: {r}") for r in rows if r != "ok"]
        triggers = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for name, verb in (("records_no_update", "changed"), ("records_no_delete", "deleted")):
            if name not in triggers:
                problems.append(Problem("(file)", None, f"trigger {name} is missing: records could be {verb}"))
        return problems
