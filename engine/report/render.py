"""The renderers' front door: every function the command line, the simulator and the tests call, by its old name.

Each output format has its own module, reading only the view model of :mod:`engine.report.view`;
the functions here keep the signatures callers have always used, taking engine results, building
the view and handing it to the format's module. No political logic lives in the report layer:
every number and verdict comes from the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.report import jsondata, markdown, text
from engine.report.answer import answer_text
from engine.report.comparison import comparison_text
from engine.report.describe import describe
from engine.report.ensemble import ensemble_text
from engine.report.jsondata import dumps
from engine.report.rules_in_force import rules_data, rules_text
from engine.report.text import to_text
from engine.report.view import state_view, timeline_view

if TYPE_CHECKING:
    from rich.table import Table

    from engine.files.scenarios import Scenario
    from engine.timeline.machine import Law
    from engine.timeline.replay import Timeline
    from engine.timeline.state import State

__all__ = [
    "answer_text",
    "comparison_text",
    "describe",
    "dumps",
    "ensemble_text",
    "final_text",
    "findings_text",
    "rules_data",
    "rules_text",
    "state_data",
    "state_text",
    "timeline_data",
    "timeline_markdown",
    "timeline_table",
    "to_text",
]


def timeline_data(scenario: Scenario, timeline: Timeline) -> dict[str, Any]:
    """The replay as one JSON-ready object (format: docs/replay-format.md)."""
    return jsondata.timeline_data(timeline_view(scenario, timeline))


def state_data(state: State, rules: Law) -> dict[str, Any]:
    """Plain data for a state (JSON-ready)."""
    return jsondata.state_data(state_view(state, rules))


def timeline_table(scenario: Scenario, timeline: Timeline, color: bool = True) -> Table:
    """A rich table: one row per step, one column per reading judged."""
    return text.timeline_table(timeline_view(scenario, timeline), color=color)


def findings_text(scenario: Scenario, timeline: Timeline) -> str:
    """Every finding in full, with its article, reading and the event's line."""
    return text.findings_text(timeline_view(scenario, timeline))


def final_text(timeline: Timeline) -> str:
    """The closing summary: phase, impasse, per-reading lawfulness, deadlines."""
    return text.final_text(state_view(timeline.final, timeline.law))


def state_text(state: State, rules: Law) -> str:
    """A readable account of the state at a date."""
    return text.state_text(state_view(state, rules))


def timeline_markdown(scenario: Scenario, timeline: Timeline) -> str:
    """The replay as a Markdown document: a table, then every finding in full."""
    return markdown.timeline_markdown(timeline_view(scenario, timeline))
