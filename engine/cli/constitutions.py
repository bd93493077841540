"""``impasse rules`` and ``impasse packs``: the constitution packs, and the rules in force on a date."""

from __future__ import annotations

from datetime import date

import click

from engine.cli.completion import complete_packs, complete_readings
from engine.cli.params import DATE, FORMAT
from engine.cli.vocabulary import old_spelling

__all__ = ["packs_command", "rules"]


@click.command()
@click.argument("pack", metavar="PACK", shell_complete=complete_packs)
@click.option("--at", "-a", "at", type=DATE, help="Date (YYYY-MM-DD) whose rules to show; default today.")
@click.option("--interpretation", "-i", metavar="READING", shell_complete=complete_readings,
              help="A named reading from the pack (see the list at the end).")
@FORMAT
@old_spelling("--on", now="--at", dest="at")
def rules(pack: str, at: date | None, interpretation: str | None, fmt: str) -> None:
    """The rules of constitution PACK in force on a date, with citations.

    PACK is a built-in pack id (e.g. kh) or a path to a pack file.

    \b
    Examples:
      impasse rules kh --at 2003-09-27                (two-thirds confidence vote)
      impasse rules kh --at 2013-09-23 -i opposition-120-to-open
    """
    from engine.files.packs import load_pack
    from engine.report.jsontext import dumps
    from engine.report.rules_in_force import rules_data, rules_text

    constitution = load_pack(pack)
    ruleset = constitution.rules_on(at or date.today(), interpretation)
    if fmt == "json":
        click.echo(dumps(rules_data(constitution, ruleset)))
        return
    click.echo(rules_text(constitution, ruleset))
    click.echo()
    names = ", ".join(i.id for i in constitution.interpretations) or "none"
    click.echo(f"Interpretations in this pack: {names}")
    if constitution.missing:
        click.echo("Not established by the sources:")
        for line in constitution.missing:
            click.echo(f"  - {line}")


@click.command(name="packs")
def packs_command() -> None:
    """List the built-in constitution packs."""
    from engine.files.packs import builtin_packs, load_pack

    for pack_id in builtin_packs():
        pack = load_pack(pack_id)
        click.echo(f"{pack_id}\t{pack.name}")
