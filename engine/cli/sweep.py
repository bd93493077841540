"""``impasse sweep``: one seeded ensemble per point of a grid of what-if values and ``uncertain:`` parameters."""

from __future__ import annotations

import click

from engine.cli.completion import complete_readings
from engine.cli.params import SCENARIO
from engine.cli.scheduling import SCHEDULER, connected
from engine.cli.variants import MAX_WORKERS, PER_CORE, progress_bar, reading_names, uncertain_scenario

__all__ = ["sweep"]

# engine.sim.grid.MAX_POINTS, not imported: 'impasse --help' loads nothing of the engine
_MAX_POINTS = 10_000
_MAX_RUNS = 1_000_000  # runs per point: a point's results are kept until it is summed up
#: the width of piped text when COLUMNS does not say
_PIPED = 100
#: the narrowest text laid out (as ``impasse replay``'s): the lines above the tables need it
_NARROWEST = 60


@click.command()
@click.argument("file", type=SCENARIO, metavar="FILE")
@click.option("--vary", "vary", multiple=True, metavar="PATH=RANGE",
              help="A path and its values (repeatable: the grid is every combination). PATH: EVENT-ID.FIELD, or "
                   "uncertain.defection.PARTY.weekly, uncertain.happens.EVENT.probability, "
                   "uncertain.delay.EVENT.min|max|mode, uncertain.talks.PARTY+PARTY.weekly. RANGE: 60..123 "
                   "(integers, both ends included), 60..123:7 (a step), 0..0.3:0.05 (decimals, exact), or a,b,c. "
                   f"At most {_MAX_POINTS:,} points in all.")
@click.option("--runs", "-n", type=click.IntRange(min=1, max=_MAX_RUNS), default=1000, show_default=True,
              help=f"Runs per point (at most {_MAX_RUNS:,}).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed: run I of point P draws from 'impasse:SEED:P:I', whatever the workers or scheduler.")
@click.option("--workers", "-w", type=click.IntRange(min=1, max=MAX_WORKERS), default=1, show_default=True,
              help=f"Local processes: at most {PER_CORE} per CPU core ({MAX_WORKERS} here).")
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings, help="Judge under this reading only (repeatable).")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True),
              help="Write a figure of each outcome against the first --vary path (PNG or SVG; needs matplotlib).")
@SCHEDULER
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="text for people, json for programs, csv for a spreadsheet.")
def sweep(file: str, vary: tuple[str, ...], runs: int, seed: int, workers: int, interpretations: tuple[str, ...],
          plot: str | None, scheduler: str, fmt: str) -> None:
    """Run one seeded ensemble of FILE per point of a grid, and print each outcome's probability.

    \b
    Examples:
      impasse sweep scenarios/cambodia-2013.yaml --vary uncertain.defection.CNRP.weekly=0..0.3:0.1 \\
          --runs 1000 --seed 1 --workers 2
      impasse sweep scenarios/cambodia-2013.yaml --vary opening-sitting.members_present=100..120:10 \\
          --vary opening-sitting.boycotters_present=52 --runs 200

    A point whose values make an event impossible (more members present than a boycott leaves,
    unless 'boycotters_present' says how many boycotters came) is refused before any run.
    """
    from engine.report.jsontext import dumps
    from engine.sim.grid import parse_vary
    from engine.sim.sweep import sweep as run_sweep

    grid = parse_vary(vary)
    scenario = uncertain_scenario(file, plot)
    with connected(scheduler) as client:
        progress, finish = progress_bar(grid.size * runs)
        try:
            result = run_sweep(scenario, grid, runs, seed, workers=workers, interpretations=interpretations or None,
                               client=client, progress=progress)
        finally:
            finish()
    data = result.to_dict()
    if plot:
        from engine.sim.plots import plot_sweep

        plot_sweep(data, plot)
    if fmt == "json":
        click.echo(dumps(data))
    elif fmt == "csv":
        from engine.report.sweep import sweep_csv

        click.echo(sweep_csv(data), nl=False)
    else:
        from engine.report.sweep import sweep_text

        names = reading_names(scenario, result.readings)
        click.echo(sweep_text(data, names, _width()))


def _width() -> int:
    """The terminal's width on a terminal; when piped, ``COLUMNS`` if set, else 100; never below 60."""
    import os
    import shutil
    import sys

    if sys.stdout.isatty():
        return max(_NARROWEST, shutil.get_terminal_size((_PIPED, 24)).columns)
    columns = os.environ.get("COLUMNS", "").strip()
    return max(_NARROWEST, int(columns)) if columns.isdigit() and int(columns) > 0 else _PIPED
