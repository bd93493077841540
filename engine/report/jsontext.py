"""JSON text as every command prints it: indented, keys in the order built, UTF-8 kept readable.

Kept apart from the formats so that commands which print a little JSON (a threshold answer, the
rules in force) load nothing else.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

__all__ = ["dumps"]


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text, stable key order as built, UTF-8 kept readable; dates as ISO text (``indent=None``:
    on one line, as JSON Lines want it)."""
    return json.dumps(data, indent=indent, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    msg = f"cannot serialise {type(value).__name__}"
    raise TypeError(msg)
