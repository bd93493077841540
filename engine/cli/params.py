"""Pieces shared by the command-line modules: the one-line error, the group that converts engine
errors into it, and parameter types for dates and thresholds."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import click

from engine.errors import ImpasseError, ThresholdSyntaxError
from engine.rules.thresholds import Threshold, parse_threshold

__all__ = ["DATE", "THRESHOLD", "CliError", "DateType", "OneLineErrors", "ThresholdType"]


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
