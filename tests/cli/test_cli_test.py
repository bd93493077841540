"""``impasse test``: exit 0 when every expectation holds, 1 naming the line of one that fails, 2 for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import cli

LIBRARY = sorted(str(p) for p in Path("scenarios").glob("*.yaml"))
SCENARIO = "scenarios/cambodia-2003.yaml"


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["test", *args])


def _changed(tmp_path: Path, old: str, new: str) -> tuple[str, int]:
    """The 2003 scenario with one expected value changed: its path and the line changed."""
    text = Path(SCENARIO).read_text(encoding="utf-8")
    assert text.count(old) == 1
    line = text[:text.index(old)].count("\n") + 1
    bad = tmp_path / "cambodia-2003.yaml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    return str(bad), line


class TestTest:
    def test_the_library_passes(self) -> None:
        """Every bundled scenario's expectations hold: exit 0, a PASS line each, and a summary."""
        result = _invoke(*LIBRARY)
        assert result.exit_code == 0, result.stdout
        lines = result.stdout.splitlines()
        assert lines[-1].endswith(f"0 failed, {len(lines) - 1} expectations in {len(LIBRARY)} files")
        assert all(line.startswith("PASS scenarios/") for line in lines[:-1])
        assert result.stderr == ""

    def test_one_changed_number_fails_naming_its_line(self, tmp_path: Path) -> None:
        """73 present changed to 74 in the expectation: exit 1, that line alone fails, with what the engine found
        and its sentence."""
        bad, line = _changed(tmp_path, "verdict: violation, count: 73, required: 87", "verdict: violation, count: 74, "
                                                                                       "required: 87")
        result = _invoke(bad, "--failures")
        assert result.exit_code == 1
        (fail, summary) = result.stdout.splitlines()
        assert fail.startswith(f"FAIL {bad}:{line}: opening-sitting: opening-quorum count 74; found 73 (")
        assert "73 present, 87 required" in fail
        passed, total = (int(n) for n in re.fullmatch(r"(\d+) passed, 1 failed, (\d+) expectations in 1 file",
                                                      summary).groups())  # type: ignore[union-attr]
        assert passed + 1 == total

    def test_json(self, tmp_path: Path) -> None:
        """--format json gives the counts and each outcome with file, line, expected and found."""
        bad, line = _changed(tmp_path, "impasse: [none, disputed, boycott, deadlock, boycott]",
                             "impasse: [none, boycott]")
        result = _invoke(bad, "--format", "json")
        assert result.exit_code == 1
        data = json.loads(result.stdout)
        assert (data["failed"], data["files"]) == (1, 1)
        (fail,) = [o for o in data["outcomes"] if not o["passed"]]
        assert (fail["line"], fail["file"], fail["kind"], fail["expected"]) == (line, bad, "history", ["none", "boycott"])
        assert fail["found"] == ["none", "disputed", "boycott", "deadlock", "boycott"]

    def test_bad_input_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        """An unknown event id in 'expect:' is one line on stderr naming file, line and field; nothing is run."""
        bad, line = _changed(tmp_path, "  funcinpec-boycott:\n", "  funcinpec-boycot:\n")
        result = _invoke(SCENARIO, bad)
        assert result.exit_code == 2 and result.stdout == ""
        (message,) = result.stderr.splitlines()
        assert message.startswith(f"impasse: error: {bad}:{line}:")
        assert "expect.funcinpec-boycot: no event 'funcinpec-boycot' in this scenario" in message
        assert "did you mean 'funcinpec-boycott'?" in message

    def test_a_file_without_expectations_fails(self, tmp_path: Path) -> None:
        """A scenario with nothing to check is not a pass: exit 1, saying so."""
        text = Path(SCENARIO).read_text(encoding="utf-8")
        bare = tmp_path / "bare.yaml"
        bare.write_text(text[:text.index("\nexpect:")] + "\n", encoding="utf-8")
        result = _invoke(str(bare))
        assert result.exit_code == 1
        assert f"FAIL {bare}: no 'expect:' section" in result.stdout

    def test_missing_file(self) -> None:
        result = _invoke("nope.yaml")
        assert result.exit_code == 2 and "nope.yaml" in result.stderr

    def test_help_teaches_with_an_example(self) -> None:
        result = CliRunner().invoke(cli, ["test", "--help"])
        assert result.exit_code == 0
        assert "impasse test scenarios/*.yaml" in result.stdout and "expect:" in result.stdout
        assert "test" in CliRunner().invoke(cli, ["--help"]).stdout

    def test_console_script_pipes(self) -> None:
        """python -m engine test … | head works and exits cleanly."""
        proc = subprocess.run(f"{sys.executable} -m engine test {SCENARIO} | head -2", shell=True,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr
        assert [line[:4] for line in proc.stdout.splitlines()] == ["PASS", "PASS"]


class TestTheDocs:
    """docs/scenarios.md, "Expected verdicts", shows what the engine does."""

    DOC = Path("docs/scenarios.md").read_text(encoding="utf-8")
    SECTION = DOC[DOC.index("## Expected verdicts"):DOC.index("## Errors")]

    def test_the_example_section_holds_for_2003(self) -> None:
        """The section's YAML example, put in the 2003 scenario in place of its own, passes."""
        from engine.crisis import replay_scenario
        from engine.files.scenarios import parse_scenario
        from engine.report.testing import check

        example = re.search(r"```yaml\n(.*?)```", self.SECTION, flags=re.S).group(1)  # type: ignore[union-attr]
        text = Path(SCENARIO).read_text(encoding="utf-8")
        scenario = parse_scenario(text[:text.index("\nexpect:")] + "\n" + example, SCENARIO)
        outcomes = check(replay_scenario(scenario), scenario.expect)
        assert len(outcomes) > 10 and all(o.passed for o in outcomes)

    def test_the_failure_shown_is_the_one_printed(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The failing run the page shows as text is what the command prints."""
        shown = re.search(r"```text\n(FAIL changed.yaml.*?)```", self.SECTION, flags=re.S).group(1)  # type: ignore[union-attr]
        text = Path("scenarios/cambodia-2008.yaml").read_text(encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        Path("changed.yaml").write_text(text.replace("count: 94, required: 62", "count: 95, required: 62"),
                                        encoding="utf-8")
        result = _invoke("changed.yaml", "--failures")
        assert result.exit_code == 1
        assert result.stdout == shown
