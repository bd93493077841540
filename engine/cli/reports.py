"""``impasse report`` and ``impasse explain``: a replay written as one self-contained HTML page, to read,
share and cite; the explanation of one event's findings, in the terminal or as JSON."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import click

from engine.cli.completion import complete_events, complete_readings
from engine.cli.crises import _LAW_AS_OF, _crisis, _store_options
from engine.cli.params import DATE, SCENARIO, CliError
from engine.cli.vocabulary import old_spelling

__all__ = ["explain", "report"]


@click.command()
@click.argument("file", type=SCENARIO, metavar="[FILE]", required=False)
@_store_options
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              metavar="FILE", help="The HTML file to write (one file: CSS and diagrams inline, opens offline).")
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings,
              help="Judge under this reading only (repeatable); default: the readings the scenario lists.")
@click.option("--at", "-a", "at", type=DATE, help="Stop after this date (YYYY-MM-DD). Default: as impasse replay.")
@_LAW_AS_OF
@old_spelling("--until", now="--at", dest="at")
def report(file: str | None, store: str | None, stream: str | None, known_at: str | None, output: str,
           interpretations: tuple[str, ...], at: date | None, law_as_of: date | None) -> None:
    """Write the replay of FILE as an HTML report: verdicts explained down to their sources, charts.

    \b
    Example:
      impasse report scenarios/cambodia-2013.yaml -o report.html
      impasse report --store crisis.db --stream kh-2013 -o report.html
    """
    from engine.crisis import replay_scenario, reversals
    from engine.report.html import report_html
    from engine.report.view import timeline_view

    scenario = _crisis(file, store, stream, known_at)
    timeline = replay_scenario(scenario, until=at, interpretations=interpretations or None, law_as_of=law_as_of)
    view = timeline_view(scenario, timeline, reversals(scenario, timeline))
    page = report_html(view, timeline.law, datetime.now(UTC), source=_provenance(file, scenario.path))
    try:
        Path(output).write_text(page, encoding="utf-8")
    except OSError as exc:
        msg = f"cannot write {output}: {exc.strerror or exc}"
        raise click.ClickException(msg) from None
    click.echo(f"wrote {output}: {len(view.steps)} steps, {sum(len(s.findings) for s in view.steps)} findings")


@click.command()
@click.argument("file", type=SCENARIO, metavar="FILE")
@click.argument("event_id", metavar="EVENT_ID", shell_complete=complete_events)
@click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
              shell_complete=complete_readings,
              help="Explain under this reading only (repeatable); default: the readings the scenario lists.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for programs (docs/report.md).")
@_LAW_AS_OF
def explain(file: str, event_id: str, interpretations: tuple[str, ...], fmt: str, law_as_of: date | None) -> None:
    """Explain each finding of event EVENT_ID in FILE: the rule and its version, the amendment, the
    article and text, the arithmetic, the counts, the reading, the sources of the rule and the event.

    Event ids are those 'impasse replay' shows (generated as TYPE@DATE where the file gives none).

    \b
    Example:
      impasse explain scenarios/cambodia-2013.yaml opening-sitting
      impasse explain scenarios/cambodia-2013.yaml opening-sitting -i opposition-120-to-open --format json
    """
    import shutil

    from engine.crisis import replay_scenario
    from engine.errors import UnknownNameError
    from engine.files.scenarios import load_scenario
    from engine.report.explain import trace_data, trace_event, trace_text
    from engine.report.jsontext import dumps
    from engine.report.view import timeline_view

    scenario = load_scenario(file)
    timeline = replay_scenario(scenario, interpretations=interpretations or None, law_as_of=law_as_of)
    try:
        traces = trace_event(timeline_view(scenario, timeline), event_id, timeline.law)
    except UnknownNameError as exc:
        raise CliError(str(exc)) from None
    if fmt == "json":
        click.echo(dumps(trace_data(traces)))
    else:
        click.echo(trace_text(traces, width=min(shutil.get_terminal_size((100, 24)).columns, 120)))


def _provenance(file: str | None, path: str) -> str:
    """What the report was made from: the scenario file with the start of its SHA-256 (the version
    of its text), or the store's stream."""
    if file is None:
        return path
    digest = hashlib.sha256(Path(file).read_bytes()).hexdigest()[:12]
    return f"{path} (sha256 {digest}…)"
