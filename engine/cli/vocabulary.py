"""The command line's one vocabulary: one option name and one short flag per idea, whatever the command,
and the spellings the options had before, kept for one release as hidden aliases that say so.

Commands used to spell one idea several ways (a date was ``--on``, ``--at`` or ``--until``; ``-s`` was
a sitting, a seed or a stream). :data:`VOCABULARY` is the one table: docs/cli.md prints it and
tests/cli/test_vocabulary.py walks every command's options against it, so a new option cannot take a
word or a short flag that already means something else. :data:`OLD_SPELLINGS` lists the aliases.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, NamedTuple, TypeVar, cast

import click

__all__ = ["OLD_SPELLINGS", "VOCABULARY", "OldSpelling", "Word", "old_spelling"]

_F = TypeVar("_F", bound=Callable[..., Any])


class Word(NamedTuple):
    """One idea of the command line: its option's name and short flag (``None``: it has none).

    A named tuple, not an attrs class: this module loads with every command, and attrs would add a
    fifth to the start-up of ``impasse --help``.
    """

    idea: str
    name: str
    short: str | None


#: every idea that more than one command has, or that has a short flag; the order of docs/cli.md
VOCABULARY: tuple[Word, ...] = (
    Word("a date: when an event happened, or the day to stop at or look at (YYYY-MM-DD)", "--at", "-a"),
    Word("what had been recorded by then: the store's transaction time (a date or an ISO time)", "--known-at", None),
    Word("the transaction time to stamp a record with", "--recorded-at", None),
    Word("judge by the law as it stood (as adopted) on a date", "--law-as-of", None),
    Word("a stream of the event store (one per crisis)", "--stream", "-s"),
    Word("an event store to read instead of a scenario file ('impasse log' takes it as its first argument)",
         "--store", None),
    Word("a reading of the constitution (an interpretation id), repeatable", "--interpretation", "-i"),
    Word("a constitution pack (a built-in id or a file)", "--constitution", None),
    Word("the statutory size of the body (all members)", "--members", "-m"),
    Word("members present", "--present", "-p"),
    Word("seats filled (members in office)", "--sitting", None),
    Word("votes in favour", "--yes", "-y"),
    Word("a count of runs", "--runs", "-n"),
    Word("the seed of an ensemble", "--seed", None),
    Word("worker processes", "--workers", "-w"),
    Word("the output format (text, json, markdown, csv, ...)", "--format", None),
    Word("the file to write", "--output", "-o"),
    Word("a field of an event, KEY=VALUE, repeatable", "--field", "-f"),
    Word("the stream version you last read (refuse to write if it moved)", "--expected-version", "-e"),
    Word("the stream version of the event a correction or retraction replaces", "--target", "-t"),
)


class Spelling(NamedTuple):
    """An old spelling of an option of one command, and the option's name now."""

    command: str  # the command path after 'impasse', e.g. 'log correct'
    spelling: str
    now: str


#: the old spellings, kept as hidden aliases for one release; each prints a note when used
OLD_SPELLINGS: tuple[Spelling, ...] = (
    Spelling("quorum", "-n", "--members"),
    Spelling("majority", "-n", "--members"),
    Spelling("quorum", "-s", "--sitting"),
    Spelling("majority", "-s", "--sitting"),
    Spelling("rules", "--on", "--at"),
    Spelling("replay", "--until", "--at"),
    Spelling("report", "--until", "--at"),
    Spelling("simulate", "-s", "--seed"),
    Spelling("log correct", "--version", "--target"),
    Spelling("log correct", "-v", "--target"),
    Spelling("log retract", "--version", "--target"),
    Spelling("log retract", "-v", "--target"),
)


class OldSpelling(click.Option):
    """A hidden option that is an old spelling of another: its value goes to that option, with a note.

    It is eager, so it is handled before every ordinary option, and hands the value it was given to
    its option through the parser's options (``opts``), where that option looks for its own: so a
    required option given by its old spelling is given, and its type and checks apply as usual. When
    both spellings are given, the new one wins. This leans on two things click does (8.x): eager
    options are handled first, and every option reads the one ``opts`` mapping the parser filled;
    tests/cli/test_vocabulary.py's ``TestOldSpellings`` pins both. For options taking one value (no
    ``multiple``, no flags), which is all the old spellings are.
    """

    def __init__(self, decls: list[str], *, now: str, dest: str, **attrs_: Any) -> None:
        super().__init__(decls, hidden=True, expose_value=False, is_eager=True, **attrs_)
        self.now = now
        self.dest = dest

    def handle_parse_result(self, ctx: click.Context, opts: Any, args: list[str]) -> tuple[Any, list[str]]:
        if self.name in opts:
            if not ctx.resilient_parsing:  # not while completing a command line
                command = " ".join(["impasse", *ctx.command_path.split()[1:], *self.opts])
                click.echo(f"impasse: note: '{command}' is deprecated and goes after this release: write {self.now}",
                           err=True)
            cast(MutableMapping[str, Any], opts).setdefault(self.dest, opts[self.name])
        return None, args


def old_spelling(*spellings: str, now: str, dest: str) -> Callable[[_F], _F]:
    """A decorator adding each of ``spellings`` as a hidden old spelling of the option ``now`` (named
    ``dest``); one option each, so that the note names the spelling that was typed."""
    options = [click.option(spelling, f"old_{spelling.strip('-').replace('-', '_')}_for_{dest}", cls=OldSpelling,
                            now=now, dest=dest) for spelling in spellings]

    def decorate(command: _F) -> _F:
        for option in options:
            command = option(command)
        return command

    return decorate
