"""Pieces shared by the command-line modules: the one-line error, the group that converts engine
errors into it, parameter types for dates and thresholds, and the options several commands share.

Light to import (click and the error tree only): ``impasse --help`` loads this and nothing of the engine.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from engine.errors import ImpasseError, ThresholdSyntaxError

if TYPE_CHECKING:
    from engine.rules.thresholds import Threshold

__all__ = ["COUNT", "DATE", "FORMAT", "FORMAT_MARKDOWN", "SCENARIO", "THRESHOLD", "CliError", "DateType",
           "OneLineErrors", "ThresholdType"]


class CliError(click.ClickException):
    """A user-facing error: printed as one line, exit code 2."""

    exit_code = 2


class OneLineErrors(click.Group):
    """A group whose commands' :class:`ImpasseError` become one-line :class:`CliError` (exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImpasseError as exc:
            raise CliError(" ".join(str(exc).split())) from None
        except UnicodeEncodeError as exc:  # bytes that are not UTF-8 in an argument (or a lone \ud800 in JSON)
            bad = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
            msg = (f"text that is not valid UTF-8 ({bad!r}: {exc.reason}) cannot be stored or compared; "
                   "check the arguments and files for such bytes")
            raise CliError(msg) from None


class ThresholdType(click.ParamType):
    """A threshold expression, parsed on the way in."""

    name = "threshold"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Threshold:
        if not isinstance(value, str):
            return value
        # the parser is imported when a threshold is given, not when the command line starts
        from engine.rules.thresholds import parse_threshold

        try:
            return parse_threshold(value)
        except ThresholdSyntaxError as exc:
            self.fail(str(exc), param, ctx)


class DateType(click.ParamType):
    """A date written YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            self.fail(f"{value!r} is not a real date ({exc})", param, ctx)


THRESHOLD = ThresholdType()
DATE = DateType()


#: a count of members or votes
COUNT = click.IntRange(min=0)
#: a scenario file named on the command line
SCENARIO = click.Path(dir_okay=False, path_type=str)
#: --format for the commands that print text or JSON
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="text for people, json for programs.")
#: --format for the commands that also write a Markdown report (state, whatif, simulate)
FORMAT_MARKDOWN = click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
                               show_default=True, help="text for people, json for programs, markdown for a report.")
