"""The foundation commands: quorum, majority, rules, packs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.cli import cli


def test_done_when_example(runner) -> None:
    """impasse quorum 'more than 1/2 of all members' --members 123 --present 68: met, 62 required."""
    result = runner.invoke(cli, ["quorum", "more than 1/2 of all members", "--members", "123", "--present", "68"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Quorum met: 68 members present, 62 required")


def test_quorum_json(runner) -> None:
    result = runner.invoke(cli, ["quorum", "at least 120 members present", "-n", "123", "-p", "68", "--format", "json"])
    data = json.loads(result.stdout)
    assert (data["required"], data["satisfied"], data["margin"], data["threshold"]) == \
        (120, False, -52, "at least 120 members present")


def test_majority(runner) -> None:
    result = runner.invoke(cli, ["majority", "at least 2/3 of all members", "-n", "123", "-y", "73", "--format", "json"])
    data = json.loads(result.stdout)
    assert (data["required"], data["satisfied"], data["margin"]) == (82, False, -9)


def test_rules_on_a_date(runner) -> None:
    result = runner.invoke(cli, ["rules", "kh", "--on", "2013-09-23", "-i", "opposition-120-to-open"])
    assert result.exit_code == 0
    assert "requires: at least 120 members present" in result.stdout and "National Assembly: 123 seats" in result.stdout
    data = json.loads(runner.invoke(cli, ["rules", "kh", "--on", "2003-09-27", "--format", "json"]).stdout)
    assert {r["id"]: r["threshold"] for r in data["rules"]}["confidence-vote"] == "at least 2/3 of all members"


@pytest.mark.parametrize("args", [
    ["quorum", "more than half", "-n", "123", "-p", "68"],
    ["quorum", "more than 1/2 of all members", "-n", "123", "-p", "300"],
    ["quorum", "more than 1/2 of all members", "-n", "123"],
    ["majority", "majority of votes cast", "-n", "10", "-y", "8", "--no", "5", "-p", "10"],
    ["rules", "kx"],
    ["rules", "kh", "-i", "nobody"],
    ["rules", "kh", "--on", "23 Sep 2013"],
    ["nosuchcommand"],
])
def test_bad_input_one_line_exit_2(runner, args: list[str]) -> None:
    """Bad arguments or expressions: exactly one line on stderr, exit code 2."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("impasse: error:")


def test_python_dash_m() -> None:
    proc = subprocess.run([sys.executable, "-m", "engine", "quorum", "majority of all members", "-n", "123", "-p", "62"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "Quorum met" in proc.stdout
