"""``impasse report``: a replay written as one self-contained HTML page, to read, share and cite."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import click

from engine.cli.crises import _LAW_AS_OF, _crisis, _store_options
from engine.cli.params import DATE, SCENARIO

__all__ = ["report"]


@click.command()
@click.argument("file", type=SCENARIO, metavar="[FILE]", required=False)
@_store_options
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              metavar="PATH", help="The HTML file to write (one file: CSS and diagrams inline, opens offline).")
@click.option("--interpretation", "-i", "interpretations", multiple=True,
              help="Judge under this reading only (repeatable); default: the readings the scenario lists.")
@click.option("--until", type=DATE, help="Stop after this date (YYYY-MM-DD). Default: as impasse replay.")
@_LAW_AS_OF
def report(file: str | None, store: str | None, stream: str | None, known_at: str | None, output: str,
           interpretations: tuple[str, ...], until: date | None, law_as_of: date | None) -> None:
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
    timeline = replay_scenario(scenario, until=until, interpretations=interpretations or None, law_as_of=law_as_of)
    view = timeline_view(scenario, timeline, reversals(scenario, timeline))
    page = report_html(view, timeline.law, datetime.now(UTC), source=_provenance(file, scenario.path))
    try:
        Path(output).write_text(page, encoding="utf-8")
    except OSError as exc:
        msg = f"cannot write {output}: {exc.strerror or exc}"
        raise click.ClickException(msg) from None
    click.echo(f"wrote {output}: {len(view.steps)} steps, {sum(len(s.findings) for s in view.steps)} findings")


def _provenance(file: str | None, path: str) -> str:
    """What the report was made from: the scenario file with the start of its SHA-256 (the version
    of its text), or the store's stream."""
    if file is None:
        return path
    digest = hashlib.sha256(Path(file).read_bytes()).hexdigest()[:12]
    return f"{path} (sha256 {digest}…)"
