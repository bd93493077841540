"""Opening an event store: the one place that picks the implementation for a location.

A ``postgresql://`` (or ``postgres://``) URL opens :class:`~engine.store.postgres.PostgresStore`;
anything else is a SQLite file. The PostgreSQL module (and psycopg) is imported only for a URL, so
the default install, without psycopg, opens SQLite files as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from os import PathLike

from engine.store.interface import EventStore
from engine.store.records import SCHEMAS, Schemas
from engine.store.sqlite import SQLiteStore

__all__ = ["ENV", "open_store", "store_location"]

#: the environment variable that names the store where a command's ``--store`` is left out
ENV = "IMPASSE_STORE"


def store_location(given: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The store a command reads: the one given, else the one ``IMPASSE_STORE`` names (None: neither)."""
    if given is not None:
        return given
    return environ.get(ENV) or None


def open_store(path: str | PathLike[str], *, create: bool = False, schemas: Schemas = SCHEMAS,
               clock: Callable[[], datetime] | None = None) -> EventStore:
    """Open the event store at ``path``: a ``postgresql://`` URL, or a SQLite file.

    Args:
        path: the store's file, or a PostgreSQL URL (``postgresql://user@host/database``).
        create: make the store if there is none (as ``impasse log init`` does).
        schemas: the schema registry for writing and upcasting.
        clock: returns the current time (aware); transaction times come from it unless given.

    Raises:
        StoreError: no store there (and ``create`` is false), a file that is not one, or a database
            that can't be reached (or psycopg not installed, for a URL).
    """
    if isinstance(path, str) and path.startswith(("postgresql://", "postgres://")):
        from engine.store.postgres import PostgresStore

        return PostgresStore(path, create=create, schemas=schemas, clock=clock)
    return SQLiteStore(path, create=create, schemas=schemas, clock=clock)
