"""The PostgreSQL event store: the same contract as SQLite, then what only the database does — its
own append-only and concurrency rules, whoever connects, and the notification a follower wakes on."""

from __future__ import annotations

from typing import Any

import pytest

from engine.store.interface import EventStore
from engine.store.postgres import PostgresStore
from tests.store.conftest import PostgresDatabase
from tests.store.store_contract import EventStoreContract


class TestPostgresStore(EventStoreContract):
    """The event store contract, on PostgreSQL."""

    @pytest.fixture(autouse=True)
    def _database(self, postgres: PostgresDatabase) -> None:
        self.database = postgres

    def make_store(self, **kwargs: Any) -> EventStore:
        return PostgresStore(self.database.url(), create=True, **kwargs)
