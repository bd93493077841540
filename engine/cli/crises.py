"""``impasse replay``, ``state`` and ``check``: a crisis, from a scenario file or a store's stream,
replayed and judged under each reading."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from engine.cli.completion import complete_readings, complete_streams
from engine.cli.params import DATE, FORMAT_MARKDOWN, SCENARIO
from engine.cli.vocabulary import old_spelling
from engine.errors import ImpasseError, NotAScenarioError

if TYPE_CHECKING:
    from engine.files.scenarios import Scenario

__all__ = ["check", "replay", "state"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _store_options(command: _F) -> _F:
    """--store/--stream/--known-at: read the crisis from an event store instead of a file."""
    command = click.option("--known-at", "known_at", metavar="WHEN",
                           help="With --store: the stream as it had been recorded by then "
                                "(YYYY-MM-DD or an ISO time).")(command)
    command = click.option("--stream", "-s", metavar="ID", shell_complete=complete_streams,
                           help="With --store: the stream to read.")(command)
    command = click.option("--store", "store", type=click.Path(dir_okay=False), metavar="STORE",
                           help="Read the events from an event store (impasse log) instead of FILE: a SQLite "
                                "file or a postgresql:// URL. Default, with --stream: $IMPASSE_STORE.")(command)
    return command


_LAW_AS_OF = click.option(
    "--law-as-of", "law_as_of", type=DATE, metavar="DATE",
    help="Judge by the law as it stood (as adopted) on DATE: an amendment adopted later does not apply, even "
         "back-dated. Default: the law as now known.")


def _crisis(file: str | None, store: str | None, stream: str | None, known_at: str | None,
            at: date | None = None) -> Scenario:
    """The scenario from FILE, or from a store's stream (``--store``, or ``IMPASSE_STORE`` with ``--stream``)."""
    if store is None and file is None and stream:
        from engine.store.opening import store_location

        store = store_location(None)
    if store is None:
        if file is None:
            msg = "give a scenario FILE, or --store STORE --stream ID"
            raise click.UsageError(msg)
        if stream or known_at:
            msg = "--stream and --known-at go with --store"
            raise click.UsageError(msg)
        from engine.files.scenarios import load_scenario

        return load_scenario(file)
    if file is not None:
        msg = "give either a scenario FILE or --store, not both"
        raise click.UsageError(msg)
    if not stream:
        msg = "--store needs --stream ID"
        raise click.UsageError(msg)
    # the store is imported only when a command reads from one
    from engine.crisis import scenario_from_store

    return scenario_from_store(store, stream, at=at, known_at=known_at)


@click.command()
@click.argument("file", type=SCENARIO, metavar="[FILE]", required=False)
@_store_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "csv"]), default="text",
              show_default=True,
              help="text: a timeline table and every finding; json: one object (docs/replay-format.md); "
                   "markdown: a report with its sources; csv: one row per finding, for spreadsheets.")
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings,
              help="Judge under this reading only (repeatable); default: the readings the scenario lists.")
@click.option("--at", "-a", "at", type=DATE,
              help="Stop after this date (YYYY-MM-DD). Default: the last event, or later while deadlines run "
                   "(their expiries and consequences), three years at most.")
@_LAW_AS_OF
@old_spelling("--until", now="--at", dest="at")
def replay(file: str | None, store: str | None, stream: str | None, known_at: str | None, fmt: str,
           interpretations: tuple[str, ...], at: date | None, law_as_of: date | None) -> None:
    """Replay scenario FILE: the timeline, event by event, judged under each reading.

    \b
    Example:
      impasse replay scenarios/cambodia-2013.yaml
      impasse replay scenarios/cambodia-2013.yaml -i opposition-120-to-open --format json
      impasse replay scenarios/bulgaria-2021.yaml --at 2021-05-31
      impasse replay --store crisis.db --stream kh-2013 --known-at 2013-09-10
      impasse replay scenarios/cambodia-2013.yaml --law-as-of 2005-01-01
    """
    from engine.crisis import replay_scenario, reversals
    from engine.report import csvdata, jsondata, markdown, text
    from engine.report.view import timeline_view

    scenario = _crisis(file, store, stream, known_at)
    timeline = replay_scenario(scenario, until=at, interpretations=interpretations or None, law_as_of=law_as_of)
    view = timeline_view(scenario, timeline, reversals(scenario, timeline))
    if fmt == "json":
        click.echo(jsondata.dumps(jsondata.timeline_data(view)))
    elif fmt == "markdown":
        click.echo(markdown.timeline_markdown(view))
    elif fmt == "csv":
        click.echo(csvdata.findings_csv(view), nl=False)
    else:
        _print_rich(text.replay_table(view, _width(), color=sys.stdout.isatty()))
        click.echo()
        click.echo(text.findings_text(view, _wrap_at()))
        click.echo()
        click.echo(text.final_text(view.final, _wrap_at()))


@click.command()
@click.argument("file", type=SCENARIO, metavar="[FILE]", required=False)
@_store_options
@click.option("--at", "-a", "at", type=DATE, required=True, help="The date (YYYY-MM-DD) to show the state at.")
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings,
              help="Judge under this reading only (repeatable); default: the scenario's readings.")
@_LAW_AS_OF
@FORMAT_MARKDOWN
def state(file: str | None, store: str | None, stream: str | None, known_at: str | None, at: date,
          interpretations: tuple[str, ...], law_as_of: date | None, fmt: str) -> None:
    """The state of the crisis in FILE as of a date: phase, impasse, boycotts, deadlines.

    \b
    Example:
      impasse state scenarios/cambodia-2013.yaml --at 2013-09-10
      impasse state --store crisis.db --stream kh-2013 --at 2013-09-08 --known-at 2013-09-10
    """
    from engine.crisis import replay_scenario
    from engine.report import jsondata, markdown, text
    from engine.report.view import state_view

    scenario = _crisis(file, store, stream, known_at, at)
    timeline = replay_scenario(scenario, until=at, interpretations=interpretations or None, law_as_of=law_as_of)
    view = state_view(timeline.final, timeline.law)
    if fmt == "json":
        click.echo(jsondata.dumps(jsondata.state_data(view)))
    elif fmt == "markdown":
        click.echo(markdown.state_markdown(view), nl=False)
    else:
        click.echo(text.state_text(view))


@click.command()
@click.argument("files", type=SCENARIO, nargs=-1, required=True, metavar="FILE...")
def check(files: tuple[str, ...]) -> None:
    """Validate scenario files (and constitution packs) without printing timelines.

    Exit code 0 if every file loads and replays, 2 otherwise; each error is one line on stderr,
    naming file, line and field.
    """
    from engine.crisis import replay_scenario
    from engine.files.packs import load_pack
    from engine.files.scenarios import load_scenario

    bad = 0
    for path in files:
        try:
            scenario = load_scenario(path)
            timeline = replay_scenario(scenario)
        except NotAScenarioError:  # a constitution pack: load it, which checks it whole
            try:
                pack = load_pack(path)
            except ImpasseError as exc:
                bad += 1
                click.echo(f"impasse: error: {exc}", err=True)
                continue
            click.echo(f"ok: {path}: constitution pack {pack.id}, {len(pack.rules)} rule versions")
            continue
        except ImpasseError as exc:
            bad += 1
            click.echo(f"impasse: error: {exc}", err=True)
            continue
        click.echo(f"ok: {path}: {len(scenario.events)} events, {len(timeline.steps)} steps, "
                   f"{len(timeline.findings)} findings")
    if bad:
        sys.exit(2)


def _print_rich(renderable: Any) -> None:
    """Draw a rich table: in colour on a terminal, as plain text otherwise, both at :func:`_width`."""
    if sys.stdout.isatty():
        from rich.console import Console

        Console(width=_width()).print(renderable)
    else:
        from engine.report.text import to_text

        click.echo(to_text(renderable, width=_width()), nl=False)


#: the width of piped text when COLUMNS does not say: wide enough for the table's full layout (one
#: column per reading and an all-readings column), which a file or a pager shows without harm
_PIPED = 160
#: below this no layout fits: the table's narrow layout needs about this many columns
_NARROWEST = 60


def _width() -> int:
    """The width to lay the table out for: :func:`_wrap_at`'s, else 160."""
    return _wrap_at() or _PIPED


def _wrap_at() -> int | None:
    """The width to wrap text at: the terminal's on a terminal; when piped, ``COLUMNS`` if it is set to
    a number (``COLUMNS=100 impasse replay ... | less``); never below 60. None when piped without
    ``COLUMNS``: each finding then stays on one line, for grep and for programs reading the lines."""
    import os
    import shutil

    if sys.stdout.isatty():
        # shutil reads COLUMNS first, then asks the terminal
        return max(_NARROWEST, shutil.get_terminal_size((_PIPED, 24)).columns)
    columns = os.environ.get("COLUMNS", "").strip()
    return max(_NARROWEST, int(columns)) if columns.isdigit() and int(columns) > 0 else None
