"""The PostgreSQL event store: several writers on several machines, one database, the same records.

Decisions made once:

* the records live in two tables, ``impasse_records`` and ``impasse_store``, in the first schema of
  the connection's search path (``public`` unless the URL says otherwise, e.g.
  ``?options=-c%20search_path%3Dkh``), so that one database may hold several stores;
* the database enforces what matters, whoever connects: the primary key ``(stream, version)`` lets
  only one of two writers take a version (optimistic concurrency: the loser's transaction fails
  whole and its stale expected version is refused), a trigger refuses versions that do not
  follow the stream's last (checked once per statement), and triggers refuse every ``UPDATE``,
  ``DELETE`` and ``TRUNCATE``;
* a batch is one ``COPY`` statement in one transaction, committed with PostgreSQL's default
  ``synchronous_commit = on``: an append that returned is in the server's write-ahead log on disk;
* a statement trigger ``NOTIFY``\\ s channel ``impasse_records`` with each stream appended to, so a
  follower (``impasse log follow``) wakes at once instead of polling;
* the text columns compare in the ``C`` collation, so that dates and stamps order as in SQLite
  whatever the database's locale; payloads are stored as text, byte for byte what the checksum
  covers, so heads are the same on both storages;
* every read takes a connection of its own from a small pool and streams rows through a
  server-side cursor, in one transaction (one snapshot), without holding up appends.

psycopg 3 is an optional dependency (``pip install 'impasse-engine[postgres]'``); without it a
``postgresql://`` store is a one-line :class:`~engine.errors.StoreError`. No psycopg exception leaves
this module.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import chain
from typing import Any

from engine.errors import StaleVersionError, StoreError
from engine.store.interface import EventStore
from engine.store.records import SCHEMAS, Draft, Problem, Record, Schemas

__all__ = ["CHANNEL", "PostgresStore", "redact"]

FORMAT = "impasse-event-store"
FORMAT_VERSION = "1"
#: the channel the insert trigger notifies, with the stream's name as payload
CHANNEL = "impasse_records"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS impasse_store (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS impasse_records (
    stream text COLLATE "C" NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    kind text NOT NULL,
    type text,
    schema integer NOT NULL,
    valid text COLLATE "C",
    recorded_at text COLLATE "C" NOT NULL,
    target integer,
    payload text NOT NULL,
    checksum text NOT NULL,
    PRIMARY KEY (stream, version)
);
CREATE INDEX IF NOT EXISTS impasse_records_by_valid ON impasse_records (stream, valid, version) WHERE kind = 'event';
CREATE INDEX IF NOT EXISTS impasse_records_notes ON impasse_records (stream, version) WHERE kind <> 'event';

CREATE OR REPLACE FUNCTION impasse_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event store records are append-only: no %', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE OR REPLACE FUNCTION impasse_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
    -- once per statement: each stream's new versions run on from its last before them, without a gap
    FOR bad IN EXECUTE format(
        'SELECT * FROM (SELECT a.stream, a.first, a.last, a.n, coalesce((SELECT max(r.version) FROM %I.%I AS r '
        'WHERE r.stream = a.stream AND r.version < a.first), 0) AS before FROM (SELECT stream, min(version) AS first, '
        'max(version) AS last, count(*) AS n FROM added GROUP BY stream) AS a) AS c '
        'WHERE c.first <> c.before + 1 OR c.n <> c.last - c.first + 1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
    LOOP
        RAISE EXCEPTION 'stream % is at version %: version % does not follow', bad.stream, bad.before, bad.first
            USING ERRCODE = 'unique_violation';
    END LOOP;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION impasse_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('impasse_records', s.stream) FROM (SELECT DISTINCT stream FROM added) AS s;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER records_no_update BEFORE UPDATE ON impasse_records
    FOR EACH ROW EXECUTE FUNCTION impasse_refuse_change();
CREATE OR REPLACE TRIGGER records_no_delete BEFORE DELETE ON impasse_records
    FOR EACH ROW EXECUTE FUNCTION impasse_refuse_change();
CREATE OR REPLACE TRIGGER records_no_truncate BEFORE TRUNCATE ON impasse_records
    FOR EACH STATEMENT EXECUTE FUNCTION impasse_refuse_change();
CREATE OR REPLACE TRIGGER records_contiguous AFTER INSERT ON impasse_records
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION impasse_next_version();
CREATE OR REPLACE TRIGGER records_notify AFTER INSERT ON impasse_records
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION impasse_notify();
"""

#: the triggers verify() expects, and what their absence would allow
_TRIGGERS = {"records_no_update": "changed", "records_no_delete": "deleted", "records_no_truncate": "truncated",
             "records_contiguous": "written out of order", "records_notify": "appended unseen by followers"}

_COLUMNS = "stream, version, kind, type, schema, valid, recorded_at, target, payload, checksum"
_COPY = f"COPY impasse_records ({_COLUMNS}) FROM STDIN"
_BATCH = 512  # rows fetched at a time by a read
_IDLE = 4  # read connections kept open between reads
_RETRIES = 50  # appends without an expected version retried when another writer took the version
_LOCK = zlib.crc32(b"impasse-event-store")  # the advisory lock that serialises two inits of one database


def redact(url: str) -> str:
    """The URL as messages show it: without a password, whether in the user part or the query."""
    url = re.sub(r"^(postgres(?:ql)?://[^:@/?]*):[^@/?]*@", r"\1:***@", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        msg = ("a PostgreSQL store needs psycopg, which is not installed: "
               "pip install 'impasse-engine[postgres]'")
        raise StoreError(msg) from None
    return psycopg


class PostgresStore(EventStore):
    """An :class:`~engine.store.interface.EventStore` in a PostgreSQL database.

    Args:
        url: a libpq connection URL, ``postgresql://[user@][host][:port]/database[?options]``; the
            password, if any, is best left to ``PGPASSWORD`` or ``~/.pgpass``.
        create: make the tables, indexes and triggers if they are missing (the database must exist).
        schemas: the schema registry.
        clock: the source of transaction times (aware datetimes).

    Raises:
        StoreError: psycopg missing, no server or database, no store there (and ``create`` is false).
    """

    def __init__(self, url: str, *, create: bool = False, schemas: Schemas = SCHEMAS,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(schemas=schemas, clock=clock)
        self._pg = _psycopg()
        self.url = url
        self.name = redact(url)
        self._idle: list[Any] = []
        self._listener: Any = None
        self._db = self._connect()
        try:
            if create:
                self._create()
            self._check_format()
        except StoreError:
            self._db.close()
            raise
        except self._pg.Error as exc:
            self._db.close()
            msg = f"{self.name} can't be opened as an event store: {_first_line(exc)}"
            raise StoreError(msg) from None

    def _connect(self) -> Any:
        try:
            return self._pg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._pg.Error as exc:
            msg = f"{self.name}: cannot connect to PostgreSQL: {_first_line(exc)}"
            raise StoreError(msg) from None
        except Exception as exc:  # a URL libpq can't parse is a ProgrammingError, or a ValueError on some versions
            msg = f"{self.name}: not a PostgreSQL connection URL: {_first_line(exc)}"
            raise StoreError(msg) from None

    def _create(self) -> None:
        with self._db.transaction():
            # two processes may init one database at once: CREATE ... IF NOT EXISTS alone races there
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            if self._db.execute("SELECT current_schema()").fetchone()[0] is None:
                msg = (f"{self.name}: no schema to make the store in (the search path names none that exists); "
                       f"create one, or connect with ?options=-c%20search_path%3DSCHEMA")
                raise StoreError(msg)
            self._db.execute(_SCHEMA)
            self._db.execute("INSERT INTO impasse_store (key, value) VALUES ('format', %s), ('format_version', %s) "
                             "ON CONFLICT (key) DO NOTHING", (FORMAT, FORMAT_VERSION))

    def _check_format(self) -> None:
        found = self._db.execute("SELECT to_regclass('impasse_store') IS NOT NULL").fetchone()[0]
        rows = dict(self._db.execute("SELECT key, value FROM impasse_store").fetchall()) if found else {}
        if rows.get("format") != FORMAT:
            msg = f"no event store at {self.name} (make one with 'impasse log init {self.name}')"
            raise StoreError(msg)
        if rows.get("format_version") != FORMAT_VERSION:
            msg = (f"{self.name} has store format {rows.get('format_version')!r}; this impasse reads "
                   f"format {FORMAT_VERSION!r}")
            raise StoreError(msg)

    def close(self) -> None:
        for db in [self._db, *self._idle, *([self._listener] if self._listener is not None else [])]:
            db.close()
        self._idle.clear()
        self._listener = None

    # --- writing ------------------------------------------------------------------

    def _commit(self, stream: str, drafts: Sequence[Draft], expected_version: int | None) -> int:
        pg = self._pg
        for _ in range(_RETRIES):
            if self._db.broken or self._db.closed:
                self._db = self._connect()  # the server restarted, or the network dropped: connect again
            try:
                with self._db.transaction():
                    row = self._db.execute(f"SELECT {_COLUMNS} FROM impasse_records WHERE stream = %s "
                                           "ORDER BY version DESC LIMIT 1", (stream,)).fetchone()
                    last = Record(*row) if row else None
                    current = last.version if last else 0
                    if expected_version is not None and expected_version != current:
                        raise StaleVersionError(stream, expected_version, current)
                    records = self._seal(stream, drafts, last, lambda version: self._kind(stream, version))
                    if records:  # one COPY: one statement, so the statement triggers run once for the batch
                        with self._db.cursor() as cursor, cursor.copy(_COPY) as copy:
                            for r in records:
                                copy.write_row((r.stream, r.version, r.kind, r.type, r.schema, r.valid,
                                                r.recorded_at, r.target, r.payload, r.checksum))
                return records[-1].version if records else current
            except pg.errors.UniqueViolation:
                # another writer took the version between our read and our insert: the database refused
                # this whole transaction, so nothing of it was written
                now = self.version(stream)
                if expected_version is not None:
                    if now == expected_version:  # not a race: something else is wrong with the versions
                        msg = f"{self.name}: append to {stream!r} refused by the database, nothing written"
                        raise StoreError(msg) from None
                    raise StaleVersionError(stream, expected_version, now) from None
            except pg.Error as exc:
                if self._db.broken:  # the connection went: a commit already sent may have landed
                    msg = (f"{self.name}: the connection was lost during an append to {stream!r} "
                           f"({_first_line(exc)}): read the stream's version before appending again")
                    raise StoreError(msg) from None
                msg = f"{self.name}: append to {stream!r} failed, nothing written: {_first_line(exc)}"
                raise StoreError(msg) from None
        msg = f"{self.name}: append to {stream!r} lost the race for a version {_RETRIES} times; nothing written"
        raise StoreError(msg)

    def _kind(self, stream: str, version: int) -> str | None:
        found = self._db.execute("SELECT kind FROM impasse_records WHERE stream = %s AND version = %s",
                                 (stream, version)).fetchone()
        return found[0] if found else None

    # --- reading ------------------------------------------------------------------

    def versions(self) -> dict[str, int]:
        # a skip-scan over the primary key: one index probe per stream, however long the streams are
        query = """
            WITH RECURSIVE s(name) AS (
                (SELECT stream FROM impasse_records ORDER BY stream LIMIT 1)
                UNION ALL
                SELECT (SELECT r.stream FROM impasse_records AS r WHERE r.stream > s.name ORDER BY r.stream LIMIT 1)
                FROM s WHERE s.name IS NOT NULL
            )
            SELECT name, (SELECT max(version) FROM impasse_records AS r WHERE r.stream = s.name)
            FROM s WHERE name IS NOT NULL
        """
        return dict(self._query(query, ()))

    def version(self, stream: str) -> int:
        rows = list(self._query("SELECT max(version) FROM impasse_records WHERE stream = %s", (stream,)))
        return rows[0][0] or 0

    def _record(self, stream: str, version: int) -> Record | None:
        rows = list(self._query(f"SELECT {_COLUMNS} FROM impasse_records WHERE stream = %s AND version = %s",
                                (stream, version)))
        return Record(*rows[0]) if rows else None

    def _records(self, stream: str, *, known_before: str | None = None,
                 kinds: tuple[str, ...] | None = None, after: int = 0) -> Iterator[Record]:
        sql = f"SELECT {_COLUMNS} FROM impasse_records WHERE stream = %s AND version > %s"
        args: list[object] = [stream, after]
        if kinds is not None:
            sql += " AND kind = ANY(%s)"
            args.append(list(kinds))
        if known_before is not None:
            sql += " AND recorded_at < %s"
            args.append(known_before)
        for row in self._query(sql + " ORDER BY version", args):
            yield Record(*row)

    def _event_rows(self, stream: str, *, until: str | None,
                    known_before: str | None) -> Iterator[tuple[int, str, int, str]]:
        return chain.from_iterable(self._event_batches(stream, until=until, known_before=known_before))

    def _event_batches(self, stream: str, *, until: str | None,
                       known_before: str | None) -> Iterator[list[tuple[int, str, int, str]]]:
        sql = "SELECT version, type, schema, payload FROM impasse_records WHERE stream = %s AND kind = 'event'"
        args: list[object] = [stream]
        if until is not None:
            sql += " AND valid <= %s"
            args.append(until)
        if known_before is not None:
            sql += " AND recorded_at < %s"
            args.append(known_before)
        return self._batches(sql + " ORDER BY valid, version", args)

    def _query(self, sql: str, args: Sequence[object]) -> Iterator[tuple]:
        """Rows streamed in one read-only transaction (one snapshot), on a connection of their own."""
        return chain.from_iterable(self._batches(sql, args))

    def _batches(self, sql: str, args: Sequence[object]) -> Iterator[list[tuple]]:
        """Like :meth:`_query`, in lists of up to ``_BATCH`` rows, through a server-side cursor.

        A pooled connection the server dropped meanwhile (a restart) is found broken on first use: the
        read is tried once more on a new one, before any row was handed out.
        """
        for attempt in (1, 2):
            yielded = False
            with self._reader() as db:
                try:
                    with db.transaction():
                        cursor = db.cursor(name="impasse_read")
                        cursor.execute(sql, args)
                        while rows := cursor.fetchmany(_BATCH):
                            yielded = True
                            yield rows
                        cursor.close()
                    return
                except self._pg.Error as exc:
                    if attempt == 1 and db.broken and not yielded:
                        continue
                    msg = f"{self.name}: read failed: {_first_line(exc)}"
                    raise StoreError(msg) from None

    @contextmanager
    def _reader(self) -> Iterator[Any]:
        """A read-only connection from the pool (or a new one), given back when the read is done."""
        db = self._idle.pop() if self._idle else None
        if db is None or db.broken or db.closed:
            db = self._connect()
            db.read_only = True
        try:
            yield db
        finally:
            if len(self._idle) < _IDLE and not db.broken and not db.closed and \
                    db.info.transaction_status == self._pg.pq.TransactionStatus.IDLE:
                self._idle.append(db)
            else:
                db.close()

    def _storage_problems(self) -> list[Problem]:
        try:
            found = {r[0] for r in self._db.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('impasse_records') AND tgenabled <> 'D'")}
            keyed = self._db.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass('impasse_records') "
                "AND contype = 'p'").fetchone()[0]
        except self._pg.Error as exc:
            return [Problem("(database)", None, f"PostgreSQL catalogue check failed: {_first_line(exc)}")]
        problems = [Problem("(database)", None, f"trigger {name} is missing or disabled: records could be {verb}")
                    for name, verb in _TRIGGERS.items() if name not in found]
        if not keyed:
            problems.append(Problem("(database)", None, "the primary key (stream, version) is missing: two writers "
                                                        "could take one version"))
        return problems

    # --- following ----------------------------------------------------------------

    def wait(self, stream: str, after: int, timeout: float) -> int:
        """Wait until ``stream`` passes version ``after`` (or ``timeout`` seconds pass): LISTEN/NOTIFY."""
        deadline = time.monotonic() + timeout
        try:
            if self._listener is None or self._listener.broken or self._listener.closed:
                self._listener = self._connect()
                self._listener.execute(f"LISTEN {CHANNEL}")
            # listening before looking: an append between the two is not missed
            now = self.version(stream)
            while now <= after:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                for _ in self._listener.notifies(timeout=left, stop_after=1):
                    pass
                now = self.version(stream)
        except self._pg.Error as exc:
            self._listener = None
            msg = f"{self.name}: lost the connection while following: {_first_line(exc)}"
            raise StoreError(msg) from None
        return now


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
