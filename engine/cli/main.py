"""The ``impasse`` command line: the top group, its one-line errors and exit codes, and ``main()``.

Each command lives with its family (:mod:`engine.cli.questions`, :mod:`engine.cli.constitutions`,
:mod:`engine.cli.crises`, :mod:`engine.cli.variants`, :mod:`engine.cli.log`) and imports the engine
only when it runs, so that ``impasse --help`` loads nothing of the engine but its error tree. Every
:class:`~engine.errors.ImpasseError` and every usage error becomes one line on stderr and exit
code 2; no traceback reaches the user.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn

import click

from engine.cli.constitutions import packs_command, rules
from engine.cli.crises import check, replay, state
from engine.cli.params import OneLineErrors
from engine.cli.questions import majority, quorum
from engine.cli.reports import explain, report
from engine.cli.starters import new, schema
from engine.cli.variants import simulate, whatif

__all__ = ["cli", "main"]

#: Commands imported only when they run: name -> (module, attribute, the help that ``impasse --help``
#: lists them by). ``log`` opens the event store, which the other commands never need.
_LAZY = {
    "log": ("engine.cli.log", "log", "Record a crisis as it unfolds: an append-only event store."),
    "test": ("engine.cli.testing", "test", "Check scenarios against their own 'expect:' verdicts."),
    "sweep": ("engine.cli.sweep", "sweep", "One seeded ensemble of FILE per point of a grid of values: a sweep."),
}


class _Cli(OneLineErrors):
    """The top group: also usage errors become one line, and every exit code is set here.

    The commands named in ``_LAZY`` are imported only when they are asked for; ``--help`` lists them
    by the help recorded there.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY and cmd_name not in self.commands:
            module, attribute, _ = _LAZY[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as click does, a lazy one not yet imported by its recorded help."""
        listed = [(name, self.commands.get(name) or click.Command(name, help=_LAZY[name][2]))
                  for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in listed if not command.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name or "impasse", complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo("impasse: aborted", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            _fail(exc)
        sys.exit(rv if isinstance(rv, int) else 0)


def _fail(exc: click.ClickException) -> NoReturn:
    message = " ".join(exc.format_message().split())
    hint = ""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        hint = f" (see '{exc.ctx.command_path} --help')"
    click.echo(f"impasse: error: {message}{hint}", err=True)
    sys.exit(2)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="impasse-engine", prog_name="impasse")
def cli() -> None:
    """Replay post-election crises against constitutional rules held as data.

    \b
    Replay a crisis (the bundled scenario) and see each act judged under rival readings:
      impasse replay scenarios/cambodia-2013.yaml
      impasse state scenarios/cambodia-2013.yaml --at 2013-09-20
      impasse check scenarios/*.yaml
    Ask a threshold question:
      impasse quorum "more than 1/2 of all members" --members 123 --present 68
      impasse majority "at least 2/3 of all members" --members 123 --yes 73
    See the rules in force, and rival readings of them:
      impasse rules kh --at 2013-09-23 --interpretation opposition-120-to-open

    Thresholds read like constitution text: 'more than 1/2 of all members', 'at least 120
    members present', 'at least 1/2 of all members plus 1', combined with 'and' / 'or'.
    See docs/thresholds.md.
    """


for _command in (quorum, majority, rules, replay, state, check, whatif, simulate, packs_command, report,
                 explain, new, schema):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``impasse`` console script."""
    cli.main(prog_name="impasse")
