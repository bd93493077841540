"""Reading YAML safely while keeping where every value stood (line and column).

Both constitution packs and scenario files go through here. Decisions made once:

* safe loading only (no Python objects);
* ``yes``/``no``/``on``/``off`` stay strings; only ``true``/``false`` are booleans;
* dates stay strings here and are parsed, with their position, by the loaders;
* a key given twice in one mapping is an error (YAML would silently keep the last one);
* what a document may cost is capped (:data:`MAX_BYTES`, :data:`MAX_VALUES`, :data:`MAX_ALIAS_VALUES`,
  :data:`MAX_ALIASES`, :data:`MAX_DEPTH`; docs/scenarios.md, "Limits"), and :func:`read_file` reads only regular files:
  a few hundred bytes of nested aliases or a path to ``/dev/zero`` is one error, not gigabytes.

No ``yaml`` exception crosses this module: each becomes the caller's :class:`InputError` subclass.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from datetime import date
from typing import IO, Any, Generic, TypeVar

import yaml

from engine.errors import InputError

__all__ = ["MAX_ALIASES", "MAX_ALIAS_VALUES", "MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "Located", "Path",
           "load_located", "open_regular", "read_file"]

Path = tuple[str | int, ...]

#: the error a loader raises (ScenarioError, PackError, ...): what ``fail`` builds
E = TypeVar("E", bound=InputError)

_KEY = "\x00key"  # marks the position of a mapping key (not its value) in the position table

#: The largest YAML document read, in bytes (the bundled scenarios are under 15 KB; 40,000 events
#: written one a line are about 3 MB).
MAX_BYTES = 16 * 1024 * 1024
#: The most values (scalars, lists and mappings) one document may hold once its aliases are
#: expanded: an alias stands for every value under its anchor, so nine aliases of nine aliases…
#: of a nine-item list grow tenfold a level; the cap is met while the document is read, before
#: anything is built.
MAX_VALUES = 1_000_000
#: The most values aliases may stand for in one document, all aliases together (aliases repeat a
#: source or a tally; a few hundred bytes of aliases of aliases would otherwise cost seconds).
MAX_ALIAS_VALUES = 100_000
#: The most aliases (``*name``) one document may use.
MAX_ALIASES = 10_000
#: The deepest nesting of lists and mappings (a scenario needs five levels).
MAX_DEPTH = 100


class _Capped(Exception):
    """A cap of this module reached, at a place in the text (turned into the caller's error)."""

    def __init__(self, mark: Any, reason: str) -> None:
        super().__init__(reason)
        self.mark = mark
        self.reason = reason


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 booleans (yes/no/on/off), timestamps or base-60 numbers, and
    with the caps on aliases, values and depth counted as the document is composed.

    YAML 1.1 reads ``10:30`` as 630 (minutes, in base 60) and ``1:30:00`` as 5400: a time of day
    written without quotes would become a number, and a bare number would pass for a time. Here
    both stay text, as in YAML 1.2, so the field that receives them says what it needs.

    The composer shares the node of an anchor among its aliases; building plain data from it (or a
    key's value, by the constructor) copies that node once per alias, at every level. So each node
    composed counts one value, and each alias counts every value of its anchor's node (known, since
    the anchor's node is finished before an alias can name it): ``values`` is exactly what building
    the document will produce, and the cap stops it before any of that is built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.values = 0
        self.aliased = 0  # the values aliases stand for
        self.aliases = 0
        self.depth = 0
        self.sizes: dict[int, int] = {}  # id(anchored node) -> the values it expands to

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Capped(event.start_mark, f"more than {MAX_ALIASES:,} aliases (*name) in one document "
                                                "(the cap on a YAML document; see docs/scenarios.md)")
            node = super().compose_node(parent, index)  # raises for an undefined alias
            size = self.sizes.get(id(node))
            if size is None:  # the anchor's node is not finished: the alias is inside it
                raise _Capped(event.start_mark, f"alias *{event.anchor} is inside the value it names")
            self.aliased += size
            if self.aliased > MAX_ALIAS_VALUES:
                raise _Capped(event.start_mark, f"alias *{event.anchor} brings what aliases stand for over "
                                                f"{MAX_ALIAS_VALUES:,} values (the cap on a YAML document; "
                                                "see docs/scenarios.md)")
            self._count(size, event.start_mark, f"alias *{event.anchor} brings the document over")
            return node
        event = self.peek_event()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Capped(event.start_mark, f"lists and mappings nested more than {MAX_DEPTH} deep "
                                            "(the cap on a YAML document; see docs/scenarios.md)")
        before = self.values
        self._count(1, event.start_mark, "the document holds over")
        node = super().compose_node(parent, index)
        self.depth -= 1
        if event.anchor is not None:
            self.sizes[id(node)] = self.values - before
        return node

    def _count(self, values: int, mark: Any, what: str) -> None:
        self.values += values
        if self.values > MAX_VALUES:
            raise _Capped(mark, f"{what} {MAX_VALUES:,} values with its aliases expanded "
                                "(the cap on a YAML document; see docs/scenarios.md)")


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

    def key_position(self, where: Path) -> tuple[int | None, int | None]:
        """Line and column of the key of the mapping entry at ``where`` (its value's, for a list item)."""
        if not where:
            return self.position(where)
        return self._positions.get((*where[:-1], _KEY, where[-1]), self.position(where))

    def fail(self, where: Path, reason: str, *, field: str | None = None) -> E:
        """An error of the loader's type placed at ``where`` (``field`` defaults to the path)."""
        line, column = self.position(where)
        return self.error(reason, path=self.path, line=line, column=column, field=field or dotted(where))

    def fail_key(self, where: Path, reason: str) -> E:
        """Like :meth:`fail`, placed at the mapping key (for unknown fields) rather than its value."""
        line, column = self.key_position(where)
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


def open_regular(path: str | os.PathLike[str], error: type[E], what: str = "file") -> IO[bytes]:
    """Open a regular file for reading in binary, refusing anything else at once.

    A named pipe would block the reader until someone writes to it, and a device such as
    ``/dev/zero`` never ends: both are refused before a byte is read (the pipe is opened without
    waiting for a writer).

    Args:
        path: the file.
        error: the error to raise (it names ``path``).
        what: what the file should be, for messages ("scenario file").

    Raises:
        error: the file can't be opened, or is not a regular file.
    """
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        msg = f"cannot read {what}: {exc.strerror or exc}"
        raise error(msg, path=name) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
                    else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
            msg = f"cannot read {what}: it is {kind}, not a regular file"
            raise error(msg, path=name)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path: str | os.PathLike[str], error: type[E], what: str = "file", limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`).

    Raises:
        error: the file can't be read, is not a regular file, or is larger than ``limit``.
    """
    name = os.fspath(path)
    with open_regular(path, error, what) as f:
        try:
            data = f.read(limit + 1)  # a file growing while it is read is cut here too
        except OSError as exc:
            msg = f"cannot read {what}: {exc.strerror or exc}"
            raise error(msg, path=name) from None
    if len(data) > limit:
        msg = f"{what} is larger than {limit:,} bytes (the cap on a YAML document; see docs/scenarios.md)"
        raise error(msg, path=name, line=data[:limit].count(b"\n") + 1)
    return data


def load_located(text: str | bytes, path: str, error: type[E]) -> Located[E]:
    """Parse YAML text into :class:`Located` data.

    Raises:
        error: for text that is not YAML, not UTF-8, has a duplicate key, or passes a cap
            (:data:`MAX_BYTES` and the others).
    """
    if len(text) > MAX_BYTES:
        newlines = text[:MAX_BYTES].count(b"\n" if isinstance(text, bytes) else "\n")  # type: ignore[arg-type]
        msg = f"document is larger than {MAX_BYTES:,} bytes (the cap on a YAML document; see docs/scenarios.md)"
        raise error(msg, path=path, line=newlines + 1)
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
    except _Capped as exc:
        raise error(exc.reason, path=path, line=exc.mark.line + 1, column=exc.mark.column + 1) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        where = exc.position
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        msg = f"not valid YAML: character {what} is not allowed ({exc.reason})"
        raise error(msg, path=path, line=text.count("\n", 0, where) + 1,
                    column=where - text.rfind("\n", 0, where)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = f"not valid YAML: {exc.problem or exc.context}"
        raise error(reason, path=path, line=line, column=column) from None
    except yaml.YAMLError as exc:
        msg = f"not valid YAML: {' '.join(str(exc).split())}"
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
