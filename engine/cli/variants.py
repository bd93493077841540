"""``impasse whatif`` and ``impasse simulate``: a crisis replayed against a variant of itself, or as a
seeded ensemble of its uncertain elements."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from engine.cli.completion import complete_events, complete_readings, event_prefix
from engine.cli.params import FORMAT_MARKDOWN, SCENARIO, CliError
from engine.cli.scheduling import SCHEDULER, connected
from engine.cli.vocabulary import old_spelling

if TYPE_CHECKING:
    from engine.files.scenarios import Scenario

__all__ = ["MAX_WORKERS", "PER_CORE", "progress_bar", "simulate", "uncertain_scenario", "whatif"]

_MAX_RUNS = 10_000_000  # an ensemble keeps every run's result: about 2 GB at this many
# engine.sim.pool.WORKERS_PER_CORE, not imported: 'impasse --help' loads nothing of the engine
PER_CORE = 4
MAX_WORKERS = PER_CORE * (os.cpu_count() or 1)


@click.command()
@click.argument("file", type=SCENARIO, metavar="FILE")
@click.option("--drop", "drops", multiple=True, metavar="ID", shell_complete=complete_events,
              help="Leave this event out.")
@click.option("--set", "sets", multiple=True, metavar="ID.FIELD=VALUE", shell_complete=event_prefix("."),
              help="Change a field of an event (VALUE read as YAML: 120, true, 2013-09-30).")
@click.option("--shift", "shifts", multiple=True, metavar="ID=+Nd", shell_complete=event_prefix("="),
              help="Move an event N days later (or -N earlier).")
@click.option("--rule", "rules_", multiple=True, metavar="[READING:]RULE=THRESHOLD",
              help="Replace a rule's threshold for the run (in every reading, or in one); "
                   "'none' for no requirement.")
@click.option("--add", "adds", multiple=True, metavar="EVENT",
              help="Add an event, written as in a scenario file: '{type: boycott_ended, at: 2013-09-20, party: CNRP}'. "
                   "'source' may be left out; 'before: ID' puts it just before that event, on its day (otherwise it "
                   "comes after the events of its day).")
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings,
              help="Judge under this reading only (repeatable).")
@FORMAT_MARKDOWN
def whatif(file: str, drops: tuple[str, ...], sets: tuple[str, ...], shifts: tuple[str, ...],
           rules_: tuple[str, ...], adds: tuple[str, ...], interpretations: tuple[str, ...], fmt: str) -> None:
    """Replay FILE and a variant of it, and print what differs.

    Events are named by their id (shown in 'impasse replay --format json'; generated as
    TYPE@DATE where the file gives none).

    \b
    Examples:
      impasse whatif scenarios/cambodia-2013.yaml --set opening-sitting.members_present=120 \\
          --set opening-sitting.boycotters_present=52
      impasse whatif scenarios/cambodia-2013.yaml --shift opening-sitting=+7d
      impasse whatif scenarios/cambodia-2013.yaml --rule opening-quorum="at least 2/3 of all members"
      impasse whatif scenarios/cambodia-2013.yaml --add "{type: agreement_reached, at: 2013-09-20, parties: [CPP, CNRP]}"
    """  # noqa: E501 (an example printed as it is typed)
    from engine.files.scenarios import load_scenario
    from engine.report.comparison import comparison_data, comparison_text
    from engine.report.jsontext import dumps
    from engine.sim.whatif import compare, parse_variant

    scenario = load_scenario(file)
    variant = parse_variant(drops, sets, shifts, rules_, adds)
    comparison = compare(scenario, variant, interpretations or None)
    if fmt == "json":
        click.echo(dumps(comparison_data(comparison)))
    elif fmt == "markdown":
        from engine.report.markdown import comparison_markdown

        readings: dict[str | None, str] = {i.id: i.name for i in scenario.constitution.interpretations}
        click.echo(comparison_markdown(comparison_data(comparison), readings), nl=False)
    else:
        click.echo(comparison_text(comparison))


@click.command()
@click.argument("file", type=SCENARIO, metavar="FILE")
@click.option("--runs", "-n", type=click.IntRange(min=1, max=_MAX_RUNS), default=1000, show_default=True,
              help=f"Number of runs (at most {_MAX_RUNS:,}: each run's result is kept in memory).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed: the same seed gives the same ensemble, whatever --workers is.")
@click.option("--workers", "-w", type=click.IntRange(min=1, max=MAX_WORKERS), default=1, show_default=True,
              help=f"Worker processes: at most {PER_CORE} per CPU core ({MAX_WORKERS} here), and no more are "
                   "started than the runs need (one per 250 runs).")
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings,
              help="Judge under this reading only (repeatable).")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True),
              help="Write a figure (PNG or SVG; needs matplotlib).")
@SCHEDULER
@FORMAT_MARKDOWN
@old_spelling("-s", now="--seed", dest="seed")
def simulate(file: str, runs: int, seed: int, workers: int, interpretations: tuple[str, ...], plot: str | None,
             scheduler: str, fmt: str) -> None:
    """Run a seeded ensemble of FILE's uncertain elements and print outcome probabilities.

    The scenario's 'uncertain:' section says what varies: members defecting from a boycott,
    whether and when an event happens, delays, talks that succeed (docs/simulation.md).
    Probabilities come with 95 % Wilson intervals.

    \b
    Example:
      impasse simulate scenarios/cambodia-2013.yaml --runs 10000 --seed 1 --workers 2
    """
    from engine.report.ensemble import ensemble_text
    from engine.report.jsontext import dumps
    from engine.sim.ensemble import simulate as run_ensemble

    scenario = uncertain_scenario(file, plot)
    with connected(scheduler) as client:
        progress, finish = progress_bar(runs)
        try:
            ensemble = run_ensemble(scenario, runs, seed, workers=workers, interpretations=interpretations or None,
                                    progress=progress, client=client)
        finally:
            finish()
    data = ensemble.to_dict()
    if plot:
        from engine.sim.plots import plot_ensemble

        plot_ensemble(data, plot)
    names = reading_names(scenario, ensemble.readings)
    if fmt == "json":
        click.echo(dumps(data))
    elif fmt == "markdown":
        from engine.report.markdown import ensemble_markdown

        click.echo(ensemble_markdown(data, names), nl=False)
    else:
        click.echo(ensemble_text(data, names))


def uncertain_scenario(file: str, plot: str | None) -> Scenario:
    """The scenario of an ensemble or a sweep: one with an 'uncertain:' section, and ``plot``'s needs
    checked before any run (matplotlib installed, a .png or .svg name)."""
    from engine.files.scenarios import load_scenario

    scenario = load_scenario(file)
    if scenario.uncertain.empty:
        msg = f"{file}: has no 'uncertain:' section: every run would be the replay (see docs/simulation.md)"
        raise CliError(msg)
    if plot:
        from engine.sim.plots import require

        require(plot)
    return scenario


def reading_names(scenario: Scenario, readings: tuple[str | None, ...]) -> dict[str | None, str]:
    """Each reading's name, as findings name it (:meth:`engine.timeline.law.Law.name`)."""
    from engine.crisis import law_for

    law = law_for(scenario)
    return {r: law.name(r) for r in readings}


def progress_bar(total: int) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("simulating", total=total)
    bar.start()
    return (lambda done: bar.update(task, completed=done)), bar.stop
