"""The append-only event store (docs/store.md): the names a user needs, loaded when first asked for.

``from engine.store import open_store, EventStore, SCHEMAS`` works; each name comes from its module
(:mod:`~engine.store.opening`, :mod:`~engine.store.interface`, :mod:`~engine.store.records`) only
when it is first used, so that importing a submodule does not load SQLite and the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["SCHEMAS", "Entry", "EventStore", "Head", "Problem", "Record", "Schemas", "open_store"]

#: Where each re-exported name lives.
_HOMES = {
    "open_store": "engine.store.opening",
    "EventStore": "engine.store.interface",
    "SCHEMAS": "engine.store.records",
    "Schemas": "engine.store.records",
    "Entry": "engine.store.records",
    "Head": "engine.store.records",
    "Problem": "engine.store.records",
    "Record": "engine.store.records",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(home), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
