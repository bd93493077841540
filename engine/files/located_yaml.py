"""Reading YAML safely while keeping where every value stood (line and column).

Both constitution packs and scenario files go through here. Decisions made once:

* safe loading only (no Python objects);
* ``yes``/``no``/``on``/``off`` stay strings; only ``true``/``false`` are booleans;
* dates stay strings here and are parsed, with their position, by the loaders;
* a key given twice in one mapping is an error (YAML would silently keep the last one).

No ``yaml`` exception crosses this module: each becomes the caller's :class:`InputError` subclass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, Generic, TypeVar

import yaml

from engine.errors import InputError

__all__ = ["Located", "Path", "load_located"]

Path = tuple[str | int, ...]

#: the error a loader raises (ScenarioError, PackError, ...): what ``fail`` builds
E = TypeVar("E", bound=InputError)

_KEY = "\x00key"  # marks the position of a mapping key (not its value) in the position table


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 booleans (yes/no/on/off), timestamps or base-60 numbers.

    YAML 1.1 reads ``10:30`` as 630 (minutes, in base 60) and ``1:30:00`` as 5400: a time of day
    written without quotes would become a number, and a bare number would pass for a time. Here
    both stay text, as in YAML 1.2, so the field that receives them says what it needs.
    """


_DROPPED = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
# SafeLoader's int and float patterns without their base-60 forms
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


class Located(Generic[E]):
    """Plain data loaded from YAML, with the position of every value, and the error to place in it.

    Attributes:
        data: dicts, lists and scalars.
        path: the file name used in messages.
    """

    def __init__(self, data: Any, positions: dict[Path, tuple[int, int]], path: str, error: type[E]) -> None:
        self.data = data
        self._positions = positions
        self.path = path
        self.error = error

    def position(self, where: Path) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``where``, or of its nearest parent."""
        where = tuple(where)
        while where:
            if where in self._positions:
                return self._positions[where]
            where = where[:-1]
        return self._positions.get((), (None, None))

    def fail(self, where: Path, reason: str, *, field: str | None = None) -> E:
        """An error of the loader's type placed at ``where`` (``field`` defaults to the path)."""
        line, column = self.position(where)
        return self.error(reason, path=self.path, line=line, column=column, field=field or dotted(where))

    def fail_key(self, where: Path, reason: str) -> E:
        """Like :meth:`fail`, placed at the mapping key (for unknown fields) rather than its value."""
        line, column = self._positions.get((*where[:-1], _KEY, where[-1]), self.position(where))
        return self.error(reason, path=self.path, line=line, column=column, field=dotted(where))

    # --- typed accessors used by the loaders -----------------------------------------

    def mapping(self, where: Path, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
        """The mapping at ``where``, checked for unknown and missing keys."""
        value = self.get(where)
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping (got {_kind(value)})")
        allowed = list(allowed)
        for key in value:
            if key not in allowed:
                import difflib

                hint = difflib.get_close_matches(str(key), allowed, n=1)
                extra = f". Did you mean {hint[0]!r}?" if hint else f" (expected one of: {', '.join(allowed)})"
                raise self.fail_key((*where, key), f"unknown field {key!r}{extra}")
        for key in required:
            if value.get(key) is None:
                raise self.fail(where, f"missing required field {key!r}", field=dotted((*where, key)))
        return value

    def get(self, where: Path) -> Any:
        value = self.data
        for step in where:
            value = value[step]
        return value

    def text(self, where: Path, *, required: bool = True) -> str | None:
        value = self.lookup(where)
        if value is None:
            if required:
                raise self.fail(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(where, f"must be text (got {_kind(value)})")
        return str(value)

    def texts(self, where: Path) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple (empty when absent)."""
        value = self.lookup(where)
        if value is None:
            return ()
        if isinstance(value, list):
            return tuple(self.text((*where, i)) for i in range(len(value)))  # type: ignore[misc]
        return (self.text(where),)  # type: ignore[return-value]

    def integer(self, where: Path, *, required: bool = True, minimum: int | None = 0) -> int | None:
        value = self.lookup(where)
        if value is None:
            if required:
                raise self.fail(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"must be a whole number (got {value!r})")
        if minimum is not None and value < minimum:
            raise self.fail(where, f"must be >= {minimum} (got {value})")
        return value

    def day(self, where: Path, *, required: bool = True) -> date | None:
        value = self.lookup(where)
        if value is None:
            if required:
                raise self.fail(where, "is required (a date, YYYY-MM-DD)")
            return None
        return parse_day(value, lambda reason: self.fail(where, reason))

    def items(self, where: Path) -> list[Any]:
        value = self.lookup(where)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list (got {_kind(value)})")
        return value

    def lookup(self, where: Path) -> Any:
        """The value at ``where``, or None if any step of the path is missing."""
        value: Any = self.data
        for step in where:
            if isinstance(value, dict):
                value = value.get(step)
            elif isinstance(value, list) and isinstance(step, int) and step < len(value):
                value = value[step]
            else:
                return None
            if value is None:
                return None
        return value


def parse_day(value: Any, fail) -> date:
    """Read a date written ``YYYY-MM-DD``; ``fail(reason)`` builds the error to raise."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        msg = f"must be a date written YYYY-MM-DD (got {value!r})"
        raise fail(msg)
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        msg = f"is not a real date: {value!r} ({exc})"
        raise fail(msg) from None


def dotted(where: Path) -> str:
    """``("events", 6, "present")`` → ``events[6].present``."""
    out = ""
    for step in where:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"text {value!r}", bool: f"{value}"}.get(type(value), repr(value))


def load_located(text: str | bytes, path: str, error: type[E]) -> Located[E]:
    """Parse YAML text into :class:`Located` data.

    Raises:
        error: for text that is not YAML, not UTF-8, or has a duplicate key.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"file is not UTF-8 text ({exc.reason} at byte {exc.start})"
            raise error(msg, path=path) from None
    positions: dict[Path, tuple[int, int]] = {}
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        data = _build(loader, node, (), positions, path, error) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = f"not valid YAML: {exc.problem or exc.context}"
        raise error(reason, path=path, line=line, column=column) from None
    except yaml.YAMLError as exc:
        msg = f"not valid YAML: {exc}"
        raise error(msg, path=path) from None
    except RecursionError:
        msg = "not valid YAML: nested too deeply"
        raise error(msg, path=path) from None
    finally:
        if loader is not None:
            loader.dispose()
    return Located(data, positions, path, error)


def _build(loader: _Loader, node: yaml.Node, where: Path, positions: dict, path: str, error: type[InputError]) -> Any:
    positions[where] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                line = key_node.start_mark.line + 1
                msg = f"mapping keys must be text (got {key!r})"
                raise error(msg, path=path, line=line, field=dotted(where))
            key = str(key)
            if key in out:
                line = key_node.start_mark.line + 1
                msg = f"key {key!r} is given twice"
                raise error(msg, path=path, line=line, field=dotted((*where, key)))
            positions[(*where, _KEY, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(loader, value_node, (*where, key), positions, path, error)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, child, (*where, i), positions, path, error) for i, child in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        line = node.start_mark.line + 1
        msg = f"cannot read value: {exc}"
        raise error(msg, path=path, line=line, field=dotted(where)) from None
