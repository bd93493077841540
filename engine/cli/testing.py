"""``impasse test``: replay scenario files and compare each with its own ``expect:`` section."""

from __future__ import annotations

import sys

import click

from engine.cli.params import SCENARIO

__all__ = ["test"]


@click.command()
@click.argument("files", type=SCENARIO, nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line an expectation and a summary; json: one object with every outcome.")
@click.option("--failures", "failures_only", is_flag=True,
              help="Print only the expectations that fail (and the summary).")
def test(files: tuple[str, ...], fmt: str, failures_only: bool) -> None:
    """Replay each scenario FILE and check what its 'expect:' section says the replay reaches.

    Every expectation prints one line: PASS or FAIL, the file and line it is written on, what it
    expects and, when it fails, what the engine found, in the engine's own words. Exit code 0 if
    every expectation holds, 1 if any fails (or a file has no 'expect:' section), 2 for a file that
    can't be read or replayed (one line on stderr naming file, line and field).

    \b
    An 'expect:' section (docs/scenarios.md, "Expected verdicts"):
      expect:
        opening-sitting:                 # an event id (or a date, or 'end')
          findings:
            - {rule: opening-quorum, verdict: violation, count: 73, required: 87}
          state: {impasse: deadlock, phase: assembly convened}
    \b
    Example:
      impasse test scenarios/*.yaml
      impasse test scenarios/cambodia-2003.yaml --failures
      impasse test scenarios/*.yaml --format json
    """
    from engine.crisis import replay_scenario
    from engine.files.scenarios import load_scenario
    from engine.report.jsontext import dumps
    from engine.report.testing import Outcome, check, outcomes_text, summary_data

    scenarios = [load_scenario(path) for path in files]  # every file read before anything prints
    results: list[Outcome] = []
    empty: list[str] = []
    for scenario in scenarios:
        if not scenario.expect:
            empty.append(scenario.path)
            continue
        results.extend(check(replay_scenario(scenario), scenario.expect))
    failed = sum(not o.passed for o in results)
    if fmt == "json":
        click.echo(dumps(summary_data(len(files), results, empty)))
    else:
        for line in outcomes_text(results, failures_only=failures_only):
            click.echo(line)
        for path in empty:
            click.echo(f"FAIL {path}: no 'expect:' section, so nothing to check (see docs/scenarios.md)")
        files_word = "file" if len(files) == 1 else "files"
        click.echo(f"{len(results) - failed} passed, {failed} failed, {len(results)} expectations "
                   f"in {len(files)} {files_word}" + (f"; {len(empty)} without expectations" if empty else ""))
    if failed or empty:
        sys.exit(1)
