"""``impasse quorum`` and ``impasse majority``: one-off threshold questions, answered from counts alone.

They need the threshold language and the answer's renderer: no scenario, clock or store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engine.cli.params import COUNT, FORMAT, THRESHOLD
from engine.cli.vocabulary import old_spelling

if TYPE_CHECKING:
    from engine.rules.thresholds import Threshold

__all__ = ["majority", "quorum"]

_SITTING = click.option("--sitting", "--in-office", "sitting", type=COUNT,
                        help="Seats filled (members in office), if fewer than all members.")
_MEMBERS = click.option("--members", "-m", type=click.IntRange(min=1), required=True,
                        help="Statutory size of the body (all members).")
_OLD_SITTING = old_spelling("-s", now="--sitting", dest="sitting")
_OLD_MEMBERS = old_spelling("-n", now="--members", dest="members")


@click.command()
@click.argument("expr", type=THRESHOLD, metavar="EXPR")
@_MEMBERS
@click.option("--present", "-p", type=COUNT, required=True, help="Members present.")
@_SITTING
@FORMAT
@_OLD_MEMBERS
@_OLD_SITTING
def quorum(expr: Threshold, members: int, present: int, sitting: int | None, fmt: str) -> None:
    """Is a quorum EXPR met with PRESENT of MEMBERS?

    \b
    Example (Cambodia, 23 Sep 2013):
      impasse quorum "more than 1/2 of all members" --members 123 --present 68
      impasse quorum "at least 120 members present" --members 123 --present 68 --format json
    """
    from engine.report.answer import answer_text
    from engine.report.jsontext import dumps
    from engine.rules.ask import ask_quorum

    answer = ask_quorum(expr, members=members, present=present, sitting=sitting)
    click.echo(dumps(answer.to_dict()) if fmt == "json" else answer_text(answer))


@click.command()
@click.argument("expr", type=THRESHOLD, metavar="EXPR")
@_MEMBERS
@click.option("--yes", "-y", type=COUNT,
              help="Votes in favour (may be left out when the threshold needs none, as in '... vote against').")
@click.option("--no", type=COUNT, default=0, show_default=True, help="Votes against.")
@click.option("--abstain", type=COUNT, default=0, show_default=True, help="Abstentions.")
@click.option("--blank", type=COUNT, default=0, show_default=True,
              help="Blank ballots: votes cast, not valid votes.")
@click.option("--invalid", type=COUNT, default=0, show_default=True,
              help="Invalid ballots: votes cast, not valid votes.")
@click.option("--present", "-p", type=COUNT, help="Members present (needed for 'of members present').")
@_SITTING
@FORMAT
@_OLD_MEMBERS
@_OLD_SITTING
def majority(expr: Threshold, members: int, yes: int | None, no: int, abstain: int, blank: int, invalid: int,
             present: int | None, sitting: int | None, fmt: str) -> None:
    """Is a decision by majority EXPR adopted with these votes?

    \b
    Examples:
      impasse majority "at least 2/3 of all members" --members 123 --yes 73      (2003: fails)
      impasse majority "majority of votes cast" --members 123 --yes 40 --no 30 --present 90
      impasse majority "more than 1/2 of members in office vote against" --members 230 --no 123
    """
    from engine.report.answer import answer_text
    from engine.report.jsontext import dumps
    from engine.rules.ask import ask_majority

    answer = ask_majority(expr, members=members, yes=yes, no=no, abstain=abstain, present=present,
                          sitting=sitting, blank=blank, invalid=invalid)
    click.echo(dumps(answer.to_dict()) if fmt == "json" else answer_text(answer))
