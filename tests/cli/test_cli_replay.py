"""The replay, state and check commands: output that pipes, one-line errors, exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from engine.cli.main import cli
from tests.helpers import HEADER, scenario_text

SCENARIO = "scenarios/cambodia-2013.yaml"


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


class TestReplay:
    def test_text_shows_three_readings_side_by_side(self) -> None:
        """The text timeline has a column per reading and the opening judged differently in each."""
        result = _invoke("replay", SCENARIO)
        assert result.exit_code == 0, result.output
        out = result.stdout
        header = out.split("┡")[0]
        for word in ("cpp", "majority", "opposition", "120", "two thirds"):
            assert word in header
        assert "68/120" in out and "68/82" in out and "VIOLATION" in out
        assert ("68 present, 120 required (at least 120 members present) under the opposition's reading of Art. 76"
                in out)

    def test_brackets_in_paths_and_names_are_printed_as_they_are(self, tmp_path: Path) -> None:
        """Text that looks like rich markup ("[/b]", an absolute path in brackets) is printed, not read as
        styling: it used to end in a MarkupError traceback."""
        path = tmp_path / "brackets.yaml"
        path.write_text(scenario_text("  - {type: parliament_convened, at: 2013-09-23, sitting: opening, "
                                      "convened_by: '[/King]', present: 68, source: s}\n",
                                      header=HEADER.replace("title: Test", "title: 'Demo [/b] [bold red]x'")))
        result = _invoke("replay", str(path.resolve()))
        assert result.exit_code == 0, result.output
        assert f"Demo [/b] [bold red]x [{path.resolve()}]" in " ".join(result.stdout.split())

    def test_json_shape(self) -> None:
        """JSON has scenario, interpretations, steps (at, event.type, phase, impasse, derived, findings) and final."""
        result = _invoke("replay", SCENARIO, "--format", "json")
        data = json.loads(result.stdout)
        assert data["scenario"]["id"] == "cambodia-2013"
        assert [i["id"] for i in data["interpretations"]] == [
            "cpp-majority-suffices", "opposition-120-to-open", "two-thirds-valid-meeting"]
        opening = next(s for s in data["steps"] if s["event"].get("id") == "opening-sitting")
        assert opening["at"] == "2013-09-23" and opening["event"]["type"] == "parliament_convened"
        assert opening["phase"] == "assembly convened" and opening["impasse"] == "boycott"
        assert opening["derived"] is False and opening["line"] > 0
        verdicts = {(f["interpretation"], f["rule"]): f["verdict"] for f in opening["findings"]}
        assert verdicts[("opposition-120-to-open", "opening-quorum")] == "violation"
        assert verdicts[("cpp-majority-suffices", "opening-quorum")] == "ok"
        assert {"verdict", "interpretation", "article", "message"} <= set(opening["findings"][0])
        assert data["final"]["phase"] == "government formed" and data["final"]["impasse"] == "resolved"

    def test_one_interpretation(self) -> None:
        """--interpretation narrows the judging to one reading."""
        data = json.loads(_invoke("replay", SCENARIO, "-i", "opposition-120-to-open", "--format", "json").stdout)
        assert [i["id"] for i in data["interpretations"]] == ["opposition-120-to-open"]

    def test_markdown(self) -> None:
        """Markdown output is a document with a table and the findings."""
        out = _invoke("replay", SCENARIO, "--format", "markdown").stdout
        assert out.startswith("# Cambodia 2013") and "| date | event |" in out and "## Findings" in out


class TestState:
    def test_state_at_a_date(self) -> None:
        """On 10 Sep 2013: a boycott, 16 days left before the first-session deadline, protests upcoming."""
        out = _invoke("state", SCENARIO, "--at", "2013-09-10").stdout
        assert "impasse boycott" in out and "16 days left" in out and "Upcoming: protest by CNRP" in out

    def test_state_json(self) -> None:
        data = json.loads(_invoke("state", SCENARIO, "--at", "2013-09-24", "--format", "json").stdout)
        assert data["phase"] == "government formed" and data["boycotts"] == [{"party": "CNRP", "of": "parliament"}]


class TestCheckAndErrors:
    def test_check_valid(self) -> None:
        result = _invoke("check", SCENARIO)
        assert result.exit_code == 0 and result.stdout.startswith("ok: ")

    def test_check_invalid_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        """A scenario with a mistake: exit 2 and one line naming the file and line."""
        bad = tmp_path / "bad.yaml"
        bad.write_text(scenario_text("  - {type: ralley, at: 2013-09-09, source: s}\n"))
        result = _invoke("check", SCENARIO, str(bad))
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"impasse: error: {bad}:20:")
        assert "Did you mean 'rally'?" in lines[0]

    def test_check_takes_constitution_packs_too(self, tmp_path: Path) -> None:
        """A pack given to ``check`` is checked as a pack (it used to be refused as 'not a scenario');
        a bad one is one line at its line, exit 2, and ``replay`` says what the file is."""
        assert _invoke("check", "engine/constitutions/es.yaml").stdout.startswith(
            "ok: engine/constitutions/es.yaml: constitution pack es, ")
        bad = tmp_path / "pack.yaml"
        bad.write_text('id: x\nname: X\ncountry: Y\nbodies: [{id: h, name: H}]\nrules:\n'
                       '  - {id: q, kind: quorum, body: h, title: Q, threshold: more than half, article: "1", source: s}\n')
        result = _invoke("check", str(bad))
        assert result.exit_code == 2 and result.stderr.startswith(f"impasse: error: {bad}:6:")
        replayed = _invoke("replay", str(bad))
        assert replayed.exit_code == 2 and "is a constitution pack, not a scenario" in replayed.stderr

    def test_replay_error(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(scenario_text("  - {type: vote, at: 2013-09-24, source: s, motion: vote_of_confidence, "
                                     "yes: 1}\n"))
        result = _invoke("replay", str(bad))
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
        assert "parliament has not convened" in result.stderr

    def test_a_deadline_off_the_calendar_is_an_error_at_its_line(self, tmp_path: Path) -> None:
        """An election so late that its 60-day deadline would fall after 9999-12-30 is refused at its line
        (it used to end in an OverflowError traceback)."""
        bad = tmp_path / "bad.yaml"
        bad.write_text("scenario: {id: late, title: late, country: X, constitution: kh}\n"
                       "events:\n"
                       "  - {type: election_held, at: 9999-12-20, source: s}\n")
        result = _invoke("replay", str(bad))
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
        assert f"{bad}:3:" in result.stderr and "deadline 'first-session-deadline'" in result.stderr
        assert "falls after 9999-12-30" in result.stderr

    def test_missing_file_and_bad_date(self) -> None:
        assert _invoke("replay", "nope.yaml").exit_code == 2
        result = _invoke("state", SCENARIO, "--at", "23/09/2013")
        assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr

    def test_console_script_pipes(self) -> None:
        """python -m engine replay … | head works and exits cleanly."""
        proc = subprocess.run(f"{sys.executable} -m engine replay {SCENARIO} | head -3", shell=True,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr
        assert len(proc.stdout.splitlines()) == 3


class TestFromAStore:
    def test_replay_and_state_from_a_store_as_known_on_two_dates(self, tmp_path: Path) -> None:
        """Import 2013, correct the opening's attendance later: the state as known before and after differs."""
        store = str(tmp_path / "crisis.db")
        assert _invoke("log", "init", store).exit_code == 0
        result = _invoke("log", "import", store, "--stream", "kh", SCENARIO, "--recorded-at", "2013-09-09")
        assert result.exit_code == 0, result.stderr
        shown = json.loads(_invoke("log", "show", store, "--stream", "kh", "--format", "json").stdout)
        events = shown["events"] if isinstance(shown, dict) else shown
        version = next(e["version"] for e in events if e.get("id") == "opening-sitting")
        result = _invoke("log", "correct", store, "-s", "kh", "--target", str(version),
                         "-f", "present_by_party={CPP: 68, CNRP: 52}", "-f", "boycotters_present=52", "--source", "test",
                         "--recorded-at", "2013-10-01")
        assert result.exit_code == 0, result.stderr
        before = json.loads(_invoke("state", "--store", store, "--stream", "kh", "--at", "2013-09-30",
                                    "--known-at", "2013-09-20", "--format", "json").stdout)
        after = json.loads(_invoke("state", "--store", store, "--stream", "kh", "--at", "2013-09-30",
                                   "--known-at", "2013-10-02", "--format", "json").stdout)
        opposition = {r["interpretation"]: r["opened_lawfully"] for r in before["readings"]}["opposition-120-to-open"]
        corrected = {r["interpretation"]: r["opened_lawfully"] for r in after["readings"]}["opposition-120-to-open"]
        assert (opposition, corrected) == (False, True)
        replayed = _invoke("replay", "--store", store, "--stream", "kh", "--known-at", "2013-09-20", "--format", "json")
        assert replayed.exit_code == 0 and json.loads(replayed.stdout)["final"]["impasse"] == "resolved"

    def test_store_and_file_are_exclusive(self, tmp_path: Path) -> None:
        result = _invoke("replay", SCENARIO, "--store", str(tmp_path / "x.db"), "--stream", "s")
        assert result.exit_code == 2 and "not both" in result.stderr
