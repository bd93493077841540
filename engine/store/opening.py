"""Opening an event store: the one place that picks the implementation for a path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from os import PathLike

from engine.store.interface import EventStore
from engine.store.records import SCHEMAS, Schemas
from engine.store.sqlite import SQLiteStore

__all__ = ["open_store"]


def open_store(path: str | PathLike[str], *, create: bool = False, schemas: Schemas = SCHEMAS,
               clock: Callable[[], datetime] | None = None) -> EventStore:
    """Open the event store at ``path`` (a SQLite file).

    Args:
        path: the store's file.
        create: make the store if there is none (as ``impasse log init`` does).
        schemas: the schema registry for writing and upcasting.
        clock: returns the current time (aware); transaction times come from it unless given.

    Raises:
        StoreError: no store there (and ``create`` is false), or a file that is not one.
    """
    return SQLiteStore(path, create=create, schemas=schemas, clock=clock)
