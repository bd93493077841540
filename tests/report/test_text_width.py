"""The replay's text fits its width: COLUMNS when piped, columns folded below 120, findings wrapped, a legend."""

from __future__ import annotations

import re
from functools import cache

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli.main import cli
from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report import text
from engine.report.view import TimelineView, timeline_view

SCENARIO = "scenarios/cambodia-2013.yaml"
NAMES = ("the ruling party's reading", "the opposition's reading", "the two-thirds reading")
LEGEND = "Cells: VERDICT counted/required (members present, votes in favour or days); findings in full below."


@cache
def _view() -> TimelineView:
    scenario = load_scenario(SCENARIO)
    return timeline_view(scenario, replay_scenario(scenario))


def _replay(env: dict[str, str | None]) -> str:
    result = CliRunner(env=env).invoke(cli, ["replay", SCENARIO])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _header(out: str) -> str:
    """The table's header: the lines above the rule under it, its words read across the lines."""
    return " ".join(re.sub(r"[┃┏┓━┳]", " ", out.split("╇")[0].rsplit("\n", 1)[0]).split())


@pytest.mark.parametrize("width", [100, 160])
def test_every_line_fits_the_width_columns_gives(width: int) -> None:
    """Piped with COLUMNS set, no line (table, findings, summary) passes it and no cell is cut short."""
    out = _replay({"COLUMNS": str(width)})
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out


@pytest.mark.parametrize("width", [100, 160])
def test_the_readings_are_headed_by_name_and_no_header_word_is_cut(width: int) -> None:
    """Each reading's column is headed by its name, every word of it whole (the id beneath, for -i)."""
    header = _header(_replay({"COLUMNS": str(width)}))
    for name in NAMES:
        assert all(word in header.split() for word in name.split()), (name, header)
    table = text.replay_table(_view(), width, color=False).renderables[0]
    assert [c.header for c in table.columns][-3:] == [
        "the ruling party's reading\n(cpp majority suffices)", "the opposition's reading\n(opposition 120 to open)",
        "the two-thirds reading\n(two thirds valid meeting)"]


def test_below_120_columns_the_table_folds_its_columns() -> None:
    """At 100: phase and impasse share a column, the findings no reading changes go under the event."""
    out = _replay({"COLUMNS": "100"})
    header = _header(out)
    assert "phase; impasse" in header and "all readings" not in header
    opening = out[out.index("2013-09-23 │ opening sitting"):out.index("2013-09-23 │ vote on")]
    assert "OK 57/60" in opening and "assembly convened;" in opening
    wide = _header(_replay({"COLUMNS": "160"}))
    assert "all readings" in wide and "impasse" in wide


def test_a_one_line_legend_says_how_a_cell_reads() -> None:
    """Under the table, before the findings: the verdict, counted/required, and the units the cells use."""
    out = _replay({"COLUMNS": "100"})
    assert f"\n{LEGEND}\n\n2013-09-06" in out
    assert text.legend(_view()) == LEGEND


def test_the_findings_wrap_with_a_hanging_indent() -> None:
    """At 100 columns a long finding continues under its sentence, twelve spaces in."""
    out = _replay({"COLUMNS": "100"})
    findings = out.split(LEGEND)[1]
    assert ("  VIOLATION [the opposition's reading] opening sitting below quorum: 68 present, 120 required (at\n"
            "            least 120 members present)") in findings
    assert all(not line or line.startswith(("  ", "2", "As of")) for line in findings.splitlines())


def test_piped_without_columns_each_finding_stays_on_one_line() -> None:
    """No COLUMNS: the table is 160 wide and every finding one line, for grep."""
    out = _replay({"COLUMNS": None})
    assert max(len(line) for line in out.split(LEGEND)[0].splitlines()) == 160
    assert ("  VIOLATION [the opposition's reading] opening sitting below quorum: 68 present, 120 required (at least "
            "120 members present) under the opposition's reading of Art. 76 (with 77, 78 and 82 new)\n") in out


@pytest.mark.parametrize("columns", ["", "wide", "-5", "0"])
def test_a_columns_that_is_no_width_is_ignored(columns: str) -> None:
    """COLUMNS empty or not a positive number: the default, as if unset."""
    assert _replay({"COLUMNS": columns}) == _replay({"COLUMNS": None})


def test_a_very_narrow_columns_is_raised_to_sixty() -> None:
    """Below 60 no layout fits: the text is laid out for 60."""
    assert _replay({"COLUMNS": "20"}) == _replay({"COLUMNS": "60"})


@settings(max_examples=20, deadline=None)
@given(width=st.integers(min_value=60, max_value=220))
def test_the_table_never_passes_its_width(width: int) -> None:
    """Whatever the width, the table, its legend and the wrapped findings stay within it."""
    view = _view()
    drawn = text.to_text(text.replay_table(view, width, color=False), width=width)
    assert max(len(line) for line in drawn.splitlines()) <= width
    assert "…" not in drawn
    wrapped = text.findings_text(view, width) + "\n" + text.final_text(view.final, width)
    assert max(len(line) for line in wrapped.splitlines()) <= width
