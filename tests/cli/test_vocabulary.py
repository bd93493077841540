"""One vocabulary across commands: every command's options are walked against ``engine.cli.vocabulary``,
so one idea keeps one name and one short flag, and a short flag never means two things. The walk
finds every command there is (the lazy ``log`` group included), so new commands are checked too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.cli.params import DateType
from engine.cli.vocabulary import OLD_SPELLINGS, VOCABULARY, OldSpelling

WORDS = {w.name: w for w in VOCABULARY}
DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``group``, by its path after 'impasse' ('log correct')."""
    ctx = click.Context(group, info_name="impasse")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield " ".join((*path, name)), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = dict(_commands())


def _options(command: click.Command) -> list[click.Option]:
    """The options a user sees (the old spellings are hidden aliases)."""
    return [p for p in command.params if isinstance(p, click.Option) and not isinstance(p, OldSpelling)]


def _long(option: click.Option) -> str:
    return next(o for o in option.opts if o.startswith("--"))


def _shorts(option: click.Option) -> list[str]:
    return [o for o in [*option.opts, *option.secondary_opts] if not o.startswith("--")]


def test_the_walk_finds_the_commands() -> None:
    """The walk reaches the top commands and the log group's, so what it checks is every command."""
    assert {"quorum", "majority", "rules", "replay", "state", "simulate", "whatif", "report", "explain",
            "log append", "log correct", "log show"} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_each_word_has_its_short_flag(path: str) -> None:
    """An option of the vocabulary has its word's short flag, no other; an option with a short flag is
    in the vocabulary (so docs/cli.md lists it)."""
    for option in _options(COMMANDS[path]):
        long, shorts = _long(option), _shorts(option)
        if long in WORDS:
            expected = [WORDS[long].short] if WORDS[long].short else []
            assert shorts == expected, f"impasse {path} {long}: short flags {shorts}, the vocabulary says {expected}"
        else:
            assert not shorts, f"impasse {path} {long} has {shorts}: add the word to engine/cli/vocabulary.py"


def test_no_short_flag_means_two_things() -> None:
    """Across all commands, a short flag stands for one option name."""
    meanings: dict[str, set[str]] = defaultdict(set)
    for command in COMMANDS.values():
        for option in _options(command):
            for short in _shorts(option):
                meanings[short].add(_long(option))
    assert {s: m for s, m in meanings.items() if len(m) > 1} == {}
    assert "-s" in meanings and meanings["-s"] == {"--stream"}


def test_one_word_one_placeholder() -> None:
    """A word of the vocabulary shows the same placeholder in every command's help (-i READING, -s ID); a
    choice, as --format, lists what each command offers."""
    shown: dict[str, set[str]] = defaultdict(set)
    for path, command in COMMANDS.items():
        ctx = click.Context(command, info_name=path)
        for option in _options(command):
            if _long(option) in WORDS and not option.is_flag and not isinstance(option.type, click.Choice):
                shown[_long(option)].add(option.make_metavar(ctx))
    assert {name: found for name, found in shown.items() if len(found) > 1} == {}


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_dates_are_named_as_dates(path: str) -> None:
    """A date option is --at (the day something happened, or the day to stop or look at) or
    --law-as-of; --on and --until are old spellings only, and --version is the program's."""
    for option in _options(COMMANDS[path]):
        if isinstance(option.type, DateType):
            assert _long(option) in ("--at", "--law-as-of"), f"impasse {path} {_long(option)}"
        assert not {"--on", "--until", "--version", "-v"} & {*option.opts, *option.secondary_opts}, path


def test_old_spellings_are_listed_and_point_at_the_new_name() -> None:
    """Every hidden alias is in OLD_SPELLINGS and hands its value to the option OLD_SPELLINGS names."""
    found = set()
    for path, command in COMMANDS.items():
        visible = {_long(o): o for o in _options(command)}
        for alias in (p for p in command.params if isinstance(p, OldSpelling)):
            assert alias.hidden
            assert alias.now in visible, f"impasse {path}: {alias.opts} points at {alias.now}"
            assert visible[alias.now].name == alias.dest
            found |= {(path, spelling, alias.now) for spelling in alias.opts}
    assert found == {(s.command, s.spelling, s.now) for s in OLD_SPELLINGS}


def test_docs_list_the_vocabulary_and_the_old_spellings() -> None:
    """docs/cli.md has a row for each word and each old spelling, as the code has them."""
    text = DOC.read_text()
    for word in VOCABULARY:
        short = f"`{word.short}`" if word.short else "—"
        assert f"| `{word.name}` | {short} | {word.idea} |" in text, word.name
    for old in OLD_SPELLINGS:
        assert f"| `impasse {old.command}` | `{old.spelling}` | `{old.now}` |" in text, old


class TestOldSpellings:
    def test_a_required_option_given_by_its_old_spelling(self, runner: CliRunner) -> None:
        """-n was --members: the command runs as with --members, and says so once on stderr."""
        result = runner.invoke(cli, ["quorum", "more than 1/2 of all members", "-n", "123", "-p", "68"])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Quorum met: 68 members present, 62 required")
        assert result.stderr == ("impasse: note: 'impasse quorum -n' is deprecated and goes after this release: "
                                 "write --members\n")

    def test_the_old_value_is_checked_as_the_new(self, runner: CliRunner) -> None:
        """The old spelling's value goes through the option's type: --on 2013-02-30 is no date."""
        result = runner.invoke(cli, ["rules", "kh", "--on", "2013-02-30"])
        assert result.exit_code == 2 and "'2013-02-30'" in result.stderr

    def test_the_new_spelling_wins(self, runner: CliRunner) -> None:
        """Given both, in either order, --members is used."""
        for args in (["-n", "200", "--members", "123"], ["--members", "123", "-n", "200"]):
            result = runner.invoke(cli, ["quorum", "more than 1/2 of all members", *args, "-p", "68"])
            assert result.exit_code == 0 and "123 members" in result.stdout, args

    def test_same_answer_old_and_new(self, runner: CliRunner) -> None:
        """rules --on and --at, replay --until and --at print the same."""
        for old, new in ((["rules", "kh", "--on", "2003-09-27"], ["rules", "kh", "--at", "2003-09-27"]),
                         (["replay", "scenarios/bulgaria-2021.yaml", "--until", "2021-05-31", "--format", "json"],
                          ["replay", "scenarios/bulgaria-2021.yaml", "-a", "2021-05-31", "--format", "json"])):
            before, after = runner.invoke(cli, old), runner.invoke(cli, new)
            assert before.exit_code == after.exit_code == 0
            assert before.stdout == after.stdout and "deprecated" in before.stderr and after.stderr == ""

    def test_the_note_names_the_spelling_typed(self, runner: CliRunner, tmp_path: Path) -> None:
        """log correct had --version and -v: each, typed, is named in the note, and corrects the event."""
        db = str(tmp_path / "c.db")
        for args in (["init", db, "-s", "x", "--constitution", "kh"],
                     ["append", db, "-s", "x", "parliament_convened", "-a", "2013-09-23", "-f", "sitting=opening",
                      "-f", "present=120", "--source", "wire"]):
            assert runner.invoke(cli, ["log", *args]).exit_code == 0
        for spelling in ("-v", "--version"):
            result = runner.invoke(cli, ["log", "correct", db, "-s", "x", spelling, "2", "-f", "present=68"])
            assert result.exit_code == 0, result.output
            assert result.stdout.startswith("corrected version 2 of x")
            assert f"'impasse log correct {spelling}' is deprecated" in result.stderr

    def test_hidden_from_help(self, runner: CliRunner) -> None:
        """--help shows the new spellings only."""
        text = runner.invoke(cli, ["simulate", "--help"]).stdout
        assert "--seed" in text and "-s," not in text
        text = runner.invoke(cli, ["log", "correct", "--help"]).stdout
        assert "-t, --target" in text and "--version" not in text
