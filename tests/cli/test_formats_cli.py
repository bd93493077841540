"""`impasse explain`, and the Markdown and CSV formats of replay, state, whatif and simulate."""

from __future__ import annotations

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
