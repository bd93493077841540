"""Shell completion: click's completion API asked as a shell would ask it, and the script it installs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from engine.cli.completion import complete_packs
from engine.cli.main import cli
from engine.files.packs import builtin_packs, load_pack

KH_READINGS = {"cpp-majority-suffices", "opposition-120-to-open", "two-thirds-valid-meeting"}


def _complete(*words: str) -> list[str]:
    """What the shell offers for the last of ``words`` (the word being typed) after the others."""
    completer = ShellComplete(cli, {}, "impasse", "_IMPASSE_COMPLETE")
    return [item.value for item in completer.get_completions(list(words[:-1]), words[-1])]


class TestPacks:
    def test_pack_ids(self) -> None:
        """'impasse rules <TAB>' offers every built-in pack; 'k' narrows them."""
        assert _complete("rules", "") == list(builtin_packs())
        assert set(_complete("rules", "k")) == {p for p in builtin_packs() if p.startswith("k")}

    def test_called_directly_with_help(self) -> None:
        """Each pack id comes with its name, for shells that show one (zsh, fish)."""
        ctx = click.Context(cli)
        items = complete_packs(ctx, click.Argument(["pack"]), "kh")
        assert [(i.value, i.help) for i in items] == [("kh", load_pack("kh").name)]

    def test_log_constitution(self, tmp_path: Path) -> None:
        assert "kh" in _complete("log", "init", str(tmp_path / "x.db"), "--constitution", "")


class TestReadings:
    def test_of_the_scenario_on_the_line(self) -> None:
        """-i after a scenario file offers that scenario's pack's readings."""
        assert set(_complete("replay", "scenarios/cambodia-2013.yaml", "-i", "")) == KH_READINGS
        assert _complete("simulate", "scenarios/cambodia-2013.yaml", "-i", "opp") == ["opposition-120-to-open"]

    def test_of_the_pack_on_the_line(self) -> None:
        assert set(_complete("rules", "kh", "-i", "")) == KH_READINGS
        assert set(_complete("rules", "pt", "-i", "")) == {i.id for i in load_pack("pt").interpretations}

    def test_of_every_pack_without_one(self) -> None:
        """Before any file or pack is named, the readings of every built-in pack."""
        every = {i.id for p in builtin_packs() for i in load_pack(p).interpretations}
        assert set(_complete("replay", "-i", "")) == every

    def test_a_file_that_does_not_load_completes_to_nothing(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("scenario: [\n")
        assert _complete("replay", str(bad), "-i", "") == []
        assert _complete("replay", str(tmp_path / "missing.yaml"), "-i", "") == []


class TestEvents:
    def test_explain_event_ids(self) -> None:
        """'impasse explain FILE <TAB>' offers the file's event ids, generated ones included."""
        ids = _complete("explain", "scenarios/cambodia-2013.yaml", "")
        assert {"poll", "opening-sitting", "results_announced@2013-07-28"} <= set(ids)
        assert _complete("explain", "scenarios/cambodia-2013.yaml", "opening") == ["opening-sitting"]

    def test_whatif_options(self) -> None:
        """--drop takes an id; --set ends it with '.', --shift with '='; once typed, nothing more is offered."""
        path = "scenarios/cambodia-2013.yaml"
        assert _complete("whatif", path, "--drop", "opening") == ["opening-sitting"]
        assert _complete("whatif", path, "--set", "opening") == ["opening-sitting."]
        assert _complete("whatif", path, "--shift", "opening") == ["opening-sitting="]
        assert _complete("whatif", path, "--set", "opening-sitting.pre") == []

    def test_no_file_no_events(self) -> None:
        assert _complete("whatif", "--drop", "") == []


class TestStreams:
    @pytest.fixture
    def store(self, tmp_path: Path) -> str:
        path = str(tmp_path / "crisis.db")
        runner = CliRunner()
        for stream in ("kh-2013", "pt-2015"):
            pack = stream[:2]
            result = runner.invoke(cli, ["log", "init", path, "-s", stream, "--constitution", pack])
            assert result.exit_code == 0, result.output
        return path

    def test_streams_of_the_store(self, store: str) -> None:
        """-s after a store offers its streams, in 'impasse log' and with --store."""
        assert _complete("log", "show", store, "-s", "") == ["kh-2013", "pt-2015"]
        assert _complete("log", "append", store, "-s", "kh") == ["kh-2013"]
        assert _complete("replay", "--store", store, "-s", "") == ["kh-2013", "pt-2015"]

    def test_readings_of_the_stream(self, store: str) -> None:
        """-i after --store and --stream offers the readings of the stream's pack."""
        assert set(_complete("replay", "--store", store, "-s", "kh-2013", "-i", "")) == KH_READINGS

    def test_no_store_no_streams(self, tmp_path: Path) -> None:
        assert _complete("log", "show", str(tmp_path / "none.db"), "-s", "") == []


def test_bash_script() -> None:
    """'_IMPASSE_COMPLETE=bash_source impasse' prints the script docs/cli.md tells bash to load."""
    env = {**os.environ, "_IMPASSE_COMPLETE": "bash_source"}
    proc = subprocess.run([sys.executable, "-m", "engine"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "_impasse_completion()" in proc.stdout and "complete -o nosort -F _impasse_completion impasse" in proc.stdout


def test_bash_completes_a_reading() -> None:
    """As bash asks: the words so far and the cursor's word, answered with type,value lines."""
    env = {**os.environ, "_IMPASSE_COMPLETE": "bash_complete",
           "COMP_WORDS": "impasse rules kh -i two", "COMP_CWORD": "4"}
    proc = subprocess.run([sys.executable, "-m", "engine"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["plain,two-thirds-valid-meeting"]
