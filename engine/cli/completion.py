"""Shell completion of the values the command line names: pack ids, readings, event ids, stream ids.

Click completes commands, options and file names itself (``_IMPASSE_COMPLETE=bash_source impasse``,
docs/cli.md); these functions, given to options as ``shell_complete=``, complete what only the
engine knows, reading what was typed earlier on the line: the readings of the scenario or pack
named there, the events of the scenario file, the streams of the store. They import the engine
when they run, never when the command line starts, and a file that does not load completes to
nothing rather than to an error in the middle of a shell prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click
from click.shell_completion import CompletionItem

__all__ = ["complete_events", "complete_packs", "complete_readings", "complete_streams", "event_prefix"]


def _items(pairs: Iterable[tuple[str, str | None]], incomplete: str, suffix: str = "") -> list[CompletionItem]:
    """The ``(value, help)`` pairs whose value starts with ``incomplete``, each value followed by ``suffix``."""
    seen: set[str] = set()
    items = []
    for value, help_ in pairs:
        if value.startswith(incomplete) and value not in seen:
            seen.add(value)
            items.append(CompletionItem(value + suffix, help=help_))
    return items


def _given(ctx: click.Context, name: str) -> Any:
    """The value of parameter ``name`` typed earlier on the line, or None.

    While an option waits for its value (``impasse rules kh -i <TAB>``), click's parser stops before it
    assigns the positional arguments, and leaves their words in ``ctx.args``: the command's first
    argument is then the first of those words.
    """
    if ctx.params.get(name) is not None:
        return ctx.params[name]
    arguments = [p for p in ctx.command.params if isinstance(p, click.Argument)]
    if ctx.args and arguments and arguments[0].name == name:
        return ctx.args[0]
    return None


def _quietly(read: Callable[[], list[tuple[str, str | None]]]) -> list[tuple[str, str | None]]:
    """What ``read`` gives, or nothing when the file it reads is missing or malformed."""
    from engine.errors import ImpasseError

    try:
        return read()
    except (ImpasseError, OSError, ValueError):
        return []


def _packs() -> list[tuple[str, str | None]]:
    from engine.files.packs import builtin_packs, load_pack

    return [(pack_id, load_pack(pack_id).name) for pack_id in builtin_packs()]


def complete_packs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The built-in packs' ids, with their names (a pack file is completed as a path by the shell)."""
    return _items(_quietly(_packs), incomplete)


def _pack_readings(pack: str) -> list[tuple[str, str | None]]:
    from engine.files.packs import load_pack

    return [(i.id, i.name) for i in load_pack(pack).interpretations]


def _scenario_readings(file: str) -> list[tuple[str, str | None]]:
    from engine.files.scenarios import load_scenario

    return [(i.id, i.name) for i in load_scenario(file).constitution.interpretations]


def _stream_readings(store: str, stream: str) -> list[tuple[str, str | None]]:
    from engine.store.opening import open_store

    with open_store(store) as opened:
        pack = opened.metadata(stream).get("constitution")
    return _pack_readings(pack) if isinstance(pack, str) else []


def _all_readings() -> list[tuple[str, str | None]]:
    from engine.files.packs import builtin_packs

    return [pair for pack_id in builtin_packs() for pair in _pack_readings(pack_id)]


def complete_readings(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The readings (interpretation ids) of the scenario FILE, the PACK, ``--constitution`` or the
    ``--store``'s ``--stream`` given earlier on the line; of every built-in pack when none is."""
    file, pack = _given(ctx, "file"), _given(ctx, "pack") or _given(ctx, "constitution")
    store, stream = _given(ctx, "store"), _given(ctx, "stream")
    if file:
        pairs = _quietly(lambda: _scenario_readings(file))
    elif pack:
        pairs = _quietly(lambda: _pack_readings(pack))
    elif store and stream:
        pairs = _quietly(lambda: _stream_readings(store, stream))
    else:
        pairs = _quietly(_all_readings)
    return _items(pairs, incomplete)


def _events(file: str) -> list[tuple[str, str | None]]:
    from engine.files.scenarios import load_scenario

    return [(e.id, f"{e.TYPE} on {e.at.isoformat()}") for e in load_scenario(file).events if e.id]


def complete_events(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The event ids of the scenario FILE given earlier on the line (nothing without one)."""
    file = _given(ctx, "file")
    return _items(_quietly(lambda: _events(file)), incomplete) if file else []


def event_prefix(separator: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """Complete ``ID`` + ``separator`` for options written ``ID.FIELD=VALUE`` or ``ID=+Nd``; once the
    separator is typed, the rest is the user's."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        file = _given(ctx, "file")
        if not file or separator in incomplete:
            return []
        return _items(_quietly(lambda: _events(file)), incomplete, suffix=separator)

    return complete


def _streams(store: str) -> list[tuple[str, str | None]]:
    from engine.store.opening import open_store

    with open_store(store) as opened:
        return [(stream, f"version {version}") for stream, version in opened.versions().items()]


def complete_streams(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The streams of the store given earlier on the line (``STORE`` of 'impasse log', or ``--store``)."""
    store = _given(ctx, "store")
    return _items(_quietly(lambda: _streams(store)), incomplete) if store else []
