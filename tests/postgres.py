"""The PostgreSQL server the tests share (the ``postgres`` fixture, registered in tests/conftest.py): one
per session, started by the tests themselves (tests/pg_server.py).

Where the server can't be started (no PostgreSQL binaries, no psycopg) the PostgreSQL tests skip,
saying why, on a developer's machine; in CI (``CI=true``, as ``.ci/run`` runs) they fail instead:
``.ci/run`` installs both, so CI never skips them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests import pg_server

_schemas = itertools.count()


class PostgresDatabase:
    """A running server, handing out a fresh store location (its own schema) per call."""

    def __init__(self, server: pg_server.Server) -> None:
        import psycopg

        self.server = server
        self._admin = psycopg.connect(server.url(), autocommit=True)

    def url(self) -> str:
        """The URL of a new, empty schema: a store of its own."""
        name = f"store_{os.getpid()}_{next(_schemas)}"
        self._admin.execute(f"CREATE SCHEMA {name}")
        return self.server.url(schema=name)

    def close(self) -> None:
        self._admin.close()


def _unavailable(reason: str) -> Any:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests can't run in CI: {reason}")
    pytest.skip(f"PostgreSQL tests need a server and psycopg ({reason}; pip install -e '.[postgres]', "
                "apt-get install postgresql: .ci/run does both)")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabase]:
    """A PostgreSQL server for the session (initdb and pg_ctl in a temporary folder)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed")
    try:
        server = pg_server.start()
    except RuntimeError as exc:
        _unavailable(str(exc))
    database = PostgresDatabase(server)
    try:
        yield database
    finally:
        database.close()
        server.stop()
