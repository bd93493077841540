"""`impasse explain`, and the Markdown and CSV formats of replay, state, whatif and simulate."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from engine.cli.main import cli

SCENARIO = "scenarios/cambodia-2013.yaml"


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


class TestExplain:
    def test_text(self) -> None:
        result = _invoke("explain", SCENARIO, "opening-sitting")
        assert result.exit_code == 0, result.output
        assert "2/3 × 123 (all members) = 82 → at least 82" in result.stdout
        assert "References:" in result.stdout and "https://" in result.stdout

    def test_json_under_one_reading(self) -> None:
        result = _invoke("explain", SCENARIO, "opening-sitting", "-i", "opposition-120-to-open", "--format", "json")
        assert result.exit_code == 0, result.output
        (step,) = json.loads(result.stdout)
        assert {f["interpretation"] for f in step["findings"]} <= {None, "opposition-120-to-open"}
        below = next(f for f in step["findings"] if f["code"] == "quorum.below")
        assert below["explanation"]["required"] == 120 and below["explanation"]["reading"]

    def test_an_unknown_event_is_one_line_and_exit_2(self) -> None:
        result = _invoke("explain", SCENARIO, "opening-siting")
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Did you mean 'opening-sitting'?" in lines[0]
        assert "Traceback" not in result.output


class TestMarkdownAndCsv:
    def test_replay_markdown_cites_its_sources(self) -> None:
        """The issue's check: the Markdown report of Cambodia 2013 names its sources (it printed none)."""
        out = _invoke("replay", SCENARIO, "--format", "markdown").stdout
        assert out.count("http") > 20
        assert "## References" in out and "## Notes" in out and "**Legend.**" in out
        assert "| the ruling party's reading | the opposition's reading | the two-thirds reading |" in out

    def test_replay_csv(self) -> None:
        result = _invoke("replay", SCENARIO, "--format", "csv")
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows and {r["verdict"] for r in rows} >= {"ok", "violation"}

    def test_state_markdown(self) -> None:
        out = _invoke("state", SCENARIO, "--at", "2013-09-10", "--format", "markdown").stdout
        assert out.startswith("# State as of 2013-09-10") and "| First sitting" in out
        assert "| the opposition's reading | n/a | n/a |" in out

    def test_whatif_markdown_names_the_readings(self) -> None:
        result = _invoke("whatif", SCENARIO, "--set", "opening-sitting.members_present=120",
                         "--set", "opening-sitting.boycotters_present=52", "--format", "markdown")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("# What the variant changes")
        assert "| the opposition's reading | verdict changes | VIOLATION | OK |" in result.stdout

    def test_simulate_markdown_prints_the_bounds_it_computed(self) -> None:
        result = _invoke("simulate", SCENARIO, "--runs", "200", "--seed", "1", "--format", "markdown")
        assert result.exit_code == 0, result.output
        assert "| the ruling party's reading | 90.5 % [85.6, 93.8] |" in result.stdout
        assert "Impasse resolved within the horizon: 100.0 % [98.1, 100.0] (200 runs)." in result.stdout
