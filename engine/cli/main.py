"""The ``impasse`` command line: parse arguments, make one library call, render.

Every :class:`~engine.errors.ImpasseError` and every usage error becomes one line on stderr and
exit code 2; no traceback reaches the user.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any, NoReturn

import click

from engine.cli.params import DATE, THRESHOLD, CliError, OneLineErrors
from engine.errors import ImpasseError
from engine.files.packs import builtin_packs, load_pack
from engine.report import render as report
from engine.rules.ask import ask_majority, ask_quorum
from engine.rules.thresholds import Threshold

__all__ = ["cli", "main"]


class _Cli(OneLineErrors):
    """The top group: also usage errors become one line, and every exit code is set here.

    The ``log`` group (the event store) is imported only when it is asked for: the other commands
    start without loading the store's modules.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "log"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "log" and "log" not in self.commands:
            from engine.cli.log import log

            self.add_command(log)
        return super().get_command(ctx, cmd_name)

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


_COUNT = click.IntRange(min=0)
_MAX_RUNS = 10_000_000  # an ensemble keeps every run's result: about 2 GB at this many
_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                       help="text for people, json for programs.")


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
      impasse rules kh --on 2013-09-23 --interpretation opposition-120-to-open

    Thresholds read like constitution text: 'more than 1/2 of all members', 'at least 120
    members present', 'at least 1/2 of all members plus 1', combined with 'and' / 'or'.
    See docs/thresholds.md.
    """


@cli.command()
@click.argument("expr", type=THRESHOLD, metavar="EXPR")
@click.option("--members", "-n", type=click.IntRange(min=1), required=True, help="Statutory size of the body (all members).")
@click.option("--present", "-p", type=_COUNT, required=True, help="Members present.")
@click.option("--sitting", "-s", type=_COUNT, help="Seats filled, if fewer than all members.")
@_FORMAT
def quorum(expr: Threshold, members: int, present: int, sitting: int | None, fmt: str) -> None:
    """Is a quorum EXPR met with PRESENT of MEMBERS?

    \b
    Example (Cambodia, 23 Sep 2013):
      impasse quorum "more than 1/2 of all members" --members 123 --present 68
      impasse quorum "at least 120 members present" --members 123 --present 68 --format json
    """
    answer = ask_quorum(expr, members=members, present=present, sitting=sitting)
    click.echo(report.dumps(answer.to_dict()) if fmt == "json" else report.answer_text(answer))


@cli.command()
@click.argument("expr", type=THRESHOLD, metavar="EXPR")
@click.option("--members", "-n", type=click.IntRange(min=1), required=True, help="Statutory size of the body (all members).")
@click.option("--yes", "-y", type=_COUNT, required=True, help="Votes in favour.")
@click.option("--no", type=_COUNT, default=0, show_default=True, help="Votes against.")
@click.option("--abstain", type=_COUNT, default=0, show_default=True, help="Abstentions.")
@click.option("--present", "-p", type=_COUNT, help="Members present (needed for 'of members present').")
@click.option("--sitting", "-s", type=_COUNT, help="Seats filled, if fewer than all members.")
@_FORMAT
def majority(expr: Threshold, members: int, yes: int, no: int, abstain: int, present: int | None,
             sitting: int | None, fmt: str) -> None:
    """Is a decision by majority EXPR adopted with these votes?

    \b
    Examples:
      impasse majority "at least 2/3 of all members" --members 123 --yes 73      (2003: fails)
      impasse majority "majority of votes cast" --members 123 --yes 40 --no 30 --present 90
    """
    answer = ask_majority(expr, members=members, yes=yes, no=no, abstain=abstain, present=present, sitting=sitting)
    click.echo(report.dumps(answer.to_dict()) if fmt == "json" else report.answer_text(answer))


@cli.command()
@click.argument("pack", metavar="PACK")
@click.option("--on", "on", type=DATE, help="Date (YYYY-MM-DD) whose rules to show; default today.")
@click.option("--interpretation", "-i", help="A named reading from the pack (see the list at the end).")
@_FORMAT
def rules(pack: str, on: date | None, interpretation: str | None, fmt: str) -> None:
    """The rules of constitution PACK in force on a date, with citations.

    PACK is a built-in pack id (e.g. kh) or a path to a pack file.

    \b
    Examples:
      impasse rules kh --on 2003-09-27                (two-thirds confidence vote)
      impasse rules kh --on 2013-09-23 -i opposition-120-to-open
    """
    constitution = load_pack(pack)
    ruleset = constitution.rules_on(on or date.today(), interpretation)
    if fmt == "json":
        click.echo(report.dumps(report.rules_data(constitution, ruleset)))
        return
    click.echo(report.rules_text(constitution, ruleset))
    click.echo()
    names = ", ".join(i.id for i in constitution.interpretations) or "none"
    click.echo(f"Interpretations in this pack: {names}")
    if constitution.missing:
        click.echo("Not established by the sources:")
        for line in constitution.missing:
            click.echo(f"  - {line}")


_SCENARIO = click.Path(dir_okay=False, path_type=str)


def _load(path: str):
    from engine.files.scenarios import load_scenario

    return load_scenario(path)


def _store_options(command):
    """--store/--stream/--known-at: read the crisis from an event store instead of a file."""
    command = click.option("--known-at", "known_at", metavar="WHEN",
                           help="With --store: the stream as it had been recorded by then (YYYY-MM-DD or an ISO time).")(command)
    command = click.option("--stream", metavar="ID", help="With --store: the stream to read.")(command)
    command = click.option("--store", "store", type=click.Path(dir_okay=False), metavar="STORE",
                           help="Read the events from an event store (impasse log) instead of FILE.")(command)
    return command


def _crisis(file: str | None, store: str | None, stream: str | None, known_at: str | None, at: date | None = None):
    """The scenario from FILE, or from a store's stream."""
    if store is None:
        if file is None:
            msg = "give a scenario FILE, or --store STORE --stream ID"
            raise click.UsageError(msg)
        if stream or known_at:
            msg = "--stream and --known-at go with --store"
            raise click.UsageError(msg)
        return _load(file)
    if file is not None:
        msg = "give either a scenario FILE or --store, not both"
        raise click.UsageError(msg)
    if not stream:
        msg = "--store needs --stream ID"
        raise click.UsageError(msg)
    from engine.crisis import scenario_from_store

    return scenario_from_store(store, stream, at=at, known_at=known_at)


@cli.command()
@click.argument("file", type=_SCENARIO, metavar="[FILE]", required=False)
@_store_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text: a timeline table and every finding; json: one object (docs/replay-format.md); "
                   "markdown: a report.")
@click.option("--interpretation", "-i", "interpretations", multiple=True,
              help="Judge under this reading only (repeatable); default: the readings the scenario lists.")
@click.option("--until", type=DATE, help="Stop after this date (YYYY-MM-DD).")
def replay(file: str | None, store: str | None, stream: str | None, known_at: str | None, fmt: str,
           interpretations: tuple[str, ...], until: date | None) -> None:
    """Replay scenario FILE: the timeline, event by event, judged under each reading.

    \b
    Example:
      impasse replay scenarios/cambodia-2013.yaml
      impasse replay scenarios/cambodia-2013.yaml -i opposition-120-to-open --format json
      impasse replay --store crisis.db --stream kh-2013 --known-at 2013-09-10
    """
    from engine.crisis import replay_scenario

    scenario = _crisis(file, store, stream, known_at)
    timeline = replay_scenario(scenario, until=until, interpretations=interpretations or None)
    if fmt == "json":
        click.echo(report.dumps(report.timeline_data(scenario, timeline)))
    elif fmt == "markdown":
        click.echo(report.timeline_markdown(scenario, timeline))
    else:
        _print_rich(report.timeline_table(scenario, timeline, color=sys.stdout.isatty()))
        click.echo()
        click.echo(report.findings_text(scenario, timeline))
        click.echo()
        click.echo(report.final_text(timeline))


@cli.command()
@click.argument("file", type=_SCENARIO, metavar="[FILE]", required=False)
@_store_options
@click.option("--at", "at", type=DATE, required=True, help="The date (YYYY-MM-DD) to show the state at.")
@click.option("--interpretation", "-i", "interpretations", multiple=True,
              help="Judge under this reading only (repeatable); default: the scenario's readings.")
@_FORMAT
def state(file: str | None, store: str | None, stream: str | None, known_at: str | None, at: date,
          interpretations: tuple[str, ...], fmt: str) -> None:
    """The state of the crisis in FILE as of a date: phase, impasse, boycotts, deadlines.

    \b
    Example:
      impasse state scenarios/cambodia-2013.yaml --at 2013-09-10
      impasse state --store crisis.db --stream kh-2013 --at 2013-09-08 --known-at 2013-09-10
    """
    from engine.crisis import replay_scenario

    scenario = _crisis(file, store, stream, known_at, at)
    timeline = replay_scenario(scenario, until=at, interpretations=interpretations or None)
    if fmt == "json":
        click.echo(report.dumps(report.state_data(timeline.final, timeline.law)))
    else:
        click.echo(report.state_text(timeline.final, timeline.law))


@cli.command()
@click.argument("files", type=_SCENARIO, nargs=-1, required=True, metavar="FILE...")
def check(files: tuple[str, ...]) -> None:
    """Validate scenario files without printing timelines.

    Exit code 0 if every file loads and replays, 2 otherwise; each error is one line on stderr,
    naming file, line and field.
    """
    from engine.crisis import replay_scenario

    bad = 0
    for path in files:
        try:
            scenario = _load(path)
            timeline = replay_scenario(scenario)
        except ImpasseError as exc:
            bad += 1
            click.echo(f"impasse: error: {exc}", err=True)
            continue
        click.echo(f"ok: {path}: {len(scenario.events)} events, {len(timeline.steps)} steps, "
                   f"{len(timeline.findings)} findings")
    if bad:
        sys.exit(2)


def _print_rich(renderable: Any) -> None:
    from rich.console import Console

    if sys.stdout.isatty():
        Console().print(renderable)
    else:
        click.echo(report.to_text(renderable, width=_width()), nl=False)


@cli.command()
@click.argument("file", type=_SCENARIO, metavar="FILE")
@click.option("--drop", "drops", multiple=True, metavar="ID", help="Leave this event out.")
@click.option("--set", "sets", multiple=True, metavar="ID.FIELD=VALUE",
              help="Change a field of an event (VALUE read as YAML: 120, true, 2013-09-30).")
@click.option("--shift", "shifts", multiple=True, metavar="ID=+Nd", help="Move an event N days later (or -N earlier).")
@click.option("--rule", "rules_", multiple=True, metavar="[READING:]RULE=THRESHOLD",
              help="Replace a rule's threshold for the run (in every reading, or in one); 'none' for no requirement.")
@click.option("--add", "adds", multiple=True, metavar="EVENT",
              help="Add an event, written as in a scenario file: '{type: boycott_ended, at: 2013-09-20, party: CNRP}'. "
                   "'source' may be left out; 'before: ID' puts it just before that event, on its day (otherwise it "
                   "comes after the events of its day).")
@click.option("--interpretation", "-i", "interpretations", multiple=True, help="Judge under this reading only (repeatable).")
@_FORMAT
def whatif(file: str, drops: tuple[str, ...], sets: tuple[str, ...], shifts: tuple[str, ...],
           rules_: tuple[str, ...], adds: tuple[str, ...], interpretations: tuple[str, ...], fmt: str) -> None:
    """Replay FILE and a variant of it, and print what differs.

    Events are named by their id (shown in 'impasse replay --format json'; generated as
    TYPE@DATE where the file gives none).

    \b
    Examples:
      impasse whatif scenarios/cambodia-2013.yaml --set opening-sitting.members_present=120
      impasse whatif scenarios/cambodia-2013.yaml --shift opening-sitting=+7d
      impasse whatif scenarios/cambodia-2013.yaml --rule opening-quorum="at least 2/3 of all members"
      impasse whatif scenarios/cambodia-2013.yaml --add "{type: agreement_reached, at: 2013-09-20, parties: [CPP, CNRP]}"
    """
    from engine.sim.whatif import compare, parse_variant

    scenario = _load(file)
    variant = parse_variant(drops, sets, shifts, rules_, adds)
    comparison = compare(scenario, variant, interpretations or None)
    if fmt == "json":
        click.echo(report.dumps(comparison.to_dict()))
    else:
        click.echo(report.comparison_text(comparison))


@cli.command()
@click.argument("file", type=_SCENARIO, metavar="FILE")
@click.option("--runs", "-n", type=click.IntRange(min=1, max=_MAX_RUNS), default=1000, show_default=True,
              help=f"Number of runs (at most {_MAX_RUNS:,}: each run's result is kept in memory).")
@click.option("--seed", "-s", type=int, default=0, show_default=True,
              help="Seed: the same seed gives the same ensemble, whatever --workers is.")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes.")
@click.option("--interpretation", "-i", "interpretations", multiple=True, help="Judge under this reading only (repeatable).")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True), help="Write a figure (PNG or SVG; needs matplotlib).")
@_FORMAT
def simulate(file: str, runs: int, seed: int, workers: int, interpretations: tuple[str, ...], plot: str | None,
             fmt: str) -> None:
    """Run a seeded ensemble of FILE's uncertain elements and print outcome probabilities.

    The scenario's 'uncertain:' section says what varies: members defecting from a boycott,
    whether and when an event happens, delays, talks that succeed (docs/simulation.md).
    Probabilities come with 95 % Wilson intervals.

    \b
    Example:
      impasse simulate scenarios/cambodia-2013.yaml --runs 10000 --seed 1 --workers 2
    """
    from engine.sim.ensemble import simulate as run_ensemble

    scenario = _load(file)
    if scenario.uncertain.empty:
        msg = f"{file}: has no 'uncertain:' section: every run would be the replay (see docs/simulation.md)"
        raise CliError(msg)
    if plot:
        from engine.sim.plots import require

        require(plot)
    progress, finish = _progress(runs)
    try:
        ensemble = run_ensemble(scenario, runs, seed, workers=workers, interpretations=interpretations or None,
                                progress=progress)
    finally:
        finish()
    data = ensemble.to_dict()
    if plot:
        from engine.sim.plots import plot_ensemble

        plot_ensemble(data, plot)
    if fmt == "json":
        click.echo(report.dumps(data))
    else:
        names = {r: scenario.constitution.interpretation(r).name if r else "the pack's reading" for r in ensemble.readings}
        click.echo(report.ensemble_text(data, names))


def _progress(total: int):
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("simulating", total=total)
    bar.start()
    return (lambda done: bar.update(task, completed=done)), bar.stop


@cli.command(name="packs")
def packs_command() -> None:
    """List the built-in constitution packs."""
    for pack_id in builtin_packs():
        pack = load_pack(pack_id)
        click.echo(f"{pack_id}\t{pack.name}")


def _width() -> int:
    import shutil

    return max(100, shutil.get_terminal_size((120, 24)).columns) if sys.stdout.isatty() else 160




def main() -> None:
    """Entry point of the ``impasse`` console script."""
    cli.main(prog_name="impasse")
