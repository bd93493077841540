"""``impasse sweep``: its outputs, its one-line errors, and ``--scheduler`` on it and on ``simulate``."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli

SCENARIO = "scenarios/cambodia-2013.yaml"
# 52 of the boycotting CNRP members attend, or more than 68 present could not happen
GRID = ["--vary", "opening-sitting.members_present=100,120", "--vary", "opening-sitting.boycotters_present=52",
        "--vary", "uncertain.defection.CNRP.weekly=0..0.1:0.1"]


def _sweep(runner: CliRunner, *extra: str) -> str:
    result = runner.invoke(cli, ["sweep", SCENARIO, *GRID, "--runs", "20", "--seed", "4", *extra])
    assert result.exit_code == 0, result.stderr
    return result.stdout


class TestOutputs:
    def test_json_names_every_point_and_reading(self, runner: CliRunner) -> None:
        data = json.loads(_sweep(runner, "--format", "json"))
        assert data["vary"] == [{"path": "opening-sitting.members_present", "values": [100, 120]},
                                {"path": "opening-sitting.boycotters_present", "values": [52]},
                                {"path": "uncertain.defection.CNRP.weekly", "values": [0, 0.1]}]
        assert [p["values"]["uncertain.defection.CNRP.weekly"] for p in data["points"]] == [0, 0.1, 0, 0.1]
        assert data["runs"] == 20 and data["seed"] == 4 and len(data["interpretations"]) == 3
        assert all(len(p["outcomes"]) == 3 for p in data["points"])

    def test_two_workers_print_the_same_bytes(self, runner: CliRunner) -> None:
        assert _sweep(runner, "--format", "json", "--workers", "2") == _sweep(runner, "--format", "json")

    def test_csv_has_a_row_per_point_and_reading(self, runner: CliRunner) -> None:
        rows = list(csv.DictReader(io.StringIO(_sweep(runner, "--format", "csv"))))
        data = json.loads(_sweep(runner, "--format", "json"))
        assert len(rows) == 4 * 3
        first = data["points"][0]["outcomes"][0]["government_lawful"]
        assert float(rows[0]["government_lawful_p"]) == first["p"]
        assert int(rows[0]["government_lawful_successes"]) == first["successes"]

    @pytest.mark.parametrize("columns", ["100", "70", "60"])
    def test_text_fits_the_width(self, columns: str) -> None:
        """Piped, the tables fit COLUMNS (100 without it, 60 at the least): paths become x1, x2, then
        intervals go, then readings get a table each."""
        result = CliRunner(env={"COLUMNS": columns}).invoke(cli, ["sweep", SCENARIO, *GRID, "--runs", "20"])
        assert result.exit_code == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
        assert "government lawful" in result.stdout and "x1 = opening-sitting.members_present" in result.stdout

    def test_plot_written(self, runner: CliRunner, tmp_path: Path) -> None:
        pytest.importorskip("matplotlib")
        out = tmp_path / "sweep.svg"
        _sweep(runner, "--plot", str(out))
        assert out.read_text().lstrip().startswith("<?xml")


class TestErrors:
    @pytest.mark.parametrize(("args", "message"), [
        (["--vary", "opening-sitting.members_present=10..5"], "--vary opening-sitting.members_present: 10..5 is empty"),
        (["--vary", "nosuch.field=1"], "--vary nosuch.field: no event 'nosuch'"),
        (["--vary", "uncertain.defection.CNRP.weekly=2"], "must be a probability between 0 and 1 (got 2)"),
        ([], "give at least one --vary PATH=RANGE"),
        (["--vary", "a.b=1..100", "--vary", "c.d=1..101"], "at most 10,000"),
        (["--vary", "opening-sitting.members_present=1", "--plot", "out.pdf"], "must end in .png or .svg"),
        (["--vary", "opening-sitting.members_present=60,100"],
         "--vary opening-sitting.members_present: at opening-sitting.members_present=100 opening-sitting (2013-09-23) "
         "can't happen: 100 members present, but CNRP (55 seats) boycott parliament"),
        (["--vary", "opening-sitting.members_present=1", "--scheduler", "somewhere"],
         "--scheduler: expected 'local' or tcp://HOST:PORT"),
    ])
    def test_one_line_and_exit_2(self, runner: CliRunner, args: list[str], message: str) -> None:
        result = runner.invoke(cli, ["sweep", SCENARIO, "--runs", "5", *args])
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert message in line and "Traceback" not in result.stderr

    def test_no_uncertain_section(self, runner: CliRunner) -> None:
        result = runner.invoke(cli, ["sweep", "scenarios/portugal-2015.yaml", "--vary", "a.b=1"])
        assert result.exit_code == 2 and "has no 'uncertain:' section" in result.stderr

    @pytest.mark.parametrize("command", ["sweep", "simulate"])
    def test_tcp_scheduler_without_dask(self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                        command: str) -> None:
        """Without Dask, a tcp:// scheduler is one line naming the extra to install."""
        monkeypatch.setitem(sys.modules, "distributed", None)
        args = ["--vary", "opening-sitting.members_present=1"] if command == "sweep" else []
        result = runner.invoke(cli, [command, SCENARIO, *args, "--scheduler", "tcp://127.0.0.1:8786"])
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert "needs Dask: pip install 'impasse-engine[cluster]'" in line

    def test_the_local_default_loads_no_dask(self, runner: CliRunner) -> None:
        """--scheduler local (the default) never imports Dask."""
        import subprocess

        code = ("import sys; from engine.cli.main import cli\n"
                "try: cli.main(['sweep', 'scenarios/cambodia-2013.yaml', '--vary', 'opening-sitting.members_present=120',"
                " '--runs', '3', '--format', 'json'], standalone_mode=False)\n"
                "except SystemExit: pass\n"
                "print('dask' in sys.modules or 'distributed' in sys.modules, file=sys.stderr)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stderr.strip().splitlines()[-1] == "False"
