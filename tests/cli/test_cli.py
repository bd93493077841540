"""The foundation commands: quorum, majority, rules, packs; one-line errors and exit code 2."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import cli


def _ok(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result


def _json(runner: CliRunner, *args: str) -> dict:
    return json.loads(_ok(runner, *args, "--format", "json").stdout)


class TestQuorum:
    def test_done_when_example(self, runner: CliRunner) -> None:
        """impasse quorum "more than 1/2 of all members" --members 123 --present 68: met, 62 required."""
        result = _ok(runner, "quorum", "more than 1/2 of all members", "--members", "123", "--present", "68")
        assert result.stdout == ("Quorum met: 68 members present, 62 required (more than 1/2 of all members; "
                                 "123 members); margin +6.\n")

    def test_not_met(self, runner: CliRunner) -> None:
        """The opposition's 120-member reading is not met by 68 present."""
        out = _ok(runner, "quorum", "at least 120 members present", "-m", "123", "-p", "68").stdout
        assert out.startswith("Quorum NOT met: 68 members present, 120 required") and "margin -52" in out

    def test_json(self, runner: CliRunner) -> None:
        """JSON has the threshold, required count, count, verdict and margin."""
        data = _json(runner, "quorum", "at least 120 members present", "-m", "123", "-p", "68")
        assert {k: data[k] for k in ("question", "threshold", "required", "count", "satisfied", "margin")} == {
            "question": "quorum", "threshold": "at least 120 members present", "required": 120, "count": 68,
            "satisfied": False, "margin": -52}

    def test_combined_parts(self, runner: CliRunner) -> None:
        """A combined threshold lists each clause with its own verdict."""
        data = _json(runner, "quorum", "at least 120 members present and majority of all members", "-m", "123",
                     "-p", "68")
        assert [(p["threshold"], p["required"], p["satisfied"]) for p in data["parts"]] == [
            ("at least 120 members present", 120, False), ("more than 1/2 of all members", 62, True)]

    def test_sitting_members(self, runner: CliRunner) -> None:
        """--sitting sets the base of 'sitting members' when seats are vacant."""
        assert _json(runner, "quorum", "majority of sitting members", "-m", "123", "--sitting", "100", "-p", "51")[
            "required"] == 51


class TestMajority:
    def test_2003_confidence_vote(self, runner: CliRunner) -> None:
        """73 yes of 123 fall nine short of two-thirds (82)."""
        out = _ok(runner, "majority", "at least 2/3 of all members", "-m", "123", "-y", "73").stdout
        assert out.startswith("Majority NOT reached: 73 votes in favour, 82 required") and "margin -9" in out

    def test_json(self, runner: CliRunner) -> None:
        """JSON for a decision: 50 % + 1 of 123 is 63, and 68 yes reach it."""
        data = _json(runner, "majority", "at least 1/2 of all members plus 1", "-m", "123", "-y", "68", "--no", "0")
        assert (data["required"], data["satisfied"], data["margin"], data["threshold"]) == \
            (63, True, 5, "at least 1/2 of all members plus 1")

    def test_votes_cast(self, runner: CliRunner) -> None:
        """'majority of votes cast' counts yes and no only."""
        data = _json(runner, "majority", "majority of votes cast", "-m", "123", "-y", "40", "--no", "30",
                     "--abstain", "20", "-p", "90")
        assert (data["required"], data["satisfied"]) == (36, True)

    @pytest.mark.parametrize(("no", "head", "margin"), [("123", "Majority reached", "+7"),
                                                          ("107", "Majority NOT reached", "-9")])
    def test_portugal_rejection_by_members_in_office(self, runner: CliRunner, no: str, head: str, margin: str) -> None:
        """Portugal, Art. 192(4): the XX government's programme is rejected by 123 of 230; 107 would not do."""
        out = _ok(runner, "majority", "more than 1/2 of members in office vote against", "--members", "230",
                  "--no", no).stdout
        assert out == (f"{head}: {no} votes against, 116 required (more than 1/2 of members in office vote against; "
                       f"230 members); margin {margin}.\n")

    def test_in_office_is_sitting(self, runner: CliRunner) -> None:
        """--in-office is another name for --sitting: vacancies lower a share of the members in office."""
        data = _json(runner, "majority", "more than 1/2 of members in office vote against", "-m", "230",
                     "--in-office", "228", "--no", "115")
        assert (data["required"], data["satisfied"], data["counts"]["sitting"]) == (115, True, 228)

    def test_invalid_ballots_are_cast_not_valid(self, runner: CliRunner) -> None:
        """Japan 2024, run-off: 221 of 465 ballots (84 invalid) is no majority of the votes cast, but of the valid ones."""
        args = ["-m", "465", "-y", "221", "--no", "160", "--invalid", "84"]
        cast = _json(runner, "majority", "majority of votes cast", *args)
        valid = _json(runner, "majority", "majority of valid votes", *args)
        assert (cast["required"], cast["satisfied"], cast["counts"]["invalid"]) == (233, False, 84)
        assert (valid["required"], valid["satisfied"]) == (191, True)
        assert "blank" not in cast["counts"]

    def test_more_in_favour_than_against(self, runner: CliRunner) -> None:
        """Italy 2018, Chamber: 350 yes to 236 no, the 35 abstentions aside."""
        out = _ok(runner, "majority", "more votes in favour than against", "-m", "630", "-y", "350", "--no", "236",
                  "--abstain", "35", "-p", "621").stdout
        assert out.startswith("Majority reached: 350 votes in favour, 237 required") and "margin +113" in out


class TestThresholdsPage:
    BLOCKS = re.findall(r"```console\n\$ (.*?)\n(.*?)```", Path("docs/thresholds.md").read_text(), flags=re.S)

    def test_page_has_examples(self) -> None:
        assert len(self.BLOCKS) >= 2

    @pytest.mark.parametrize(("command", "expected"), BLOCKS)
    def test_console_block_output(self, runner: CliRunner, command: str, expected: str) -> None:
        """docs/thresholds.md's console blocks print what the page shows."""
        assert command.startswith("impasse ")
        assert _ok(runner, *shlex.split(command)[1:]).stdout == expected


class TestRules:
    def test_rules_on_a_date_under_a_reading(self, runner: CliRunner) -> None:
        """The opposition's reading on 23 September 2013: 120 members present to open, with the article."""
        out = _ok(runner, "rules", "kh", "--at", "2013-09-23", "-i", "opposition-120-to-open").stdout
        assert "requires: at least 120 members present" in out and "National Assembly: 123 seats" in out
        assert "article:  76 (with 77, 78 and 82 new)" in out

    def test_before_the_first_size_the_size_is_said_to_be_unset(self, runner: CliRunner) -> None:
        """Before the pack's first body size, the text says so instead of "None seats"."""
        out = _ok(runner, "rules", "kh", "--at", "1980-01-01").stdout
        assert "National Assembly: size not set on this date" in out and "None" not in out

    def test_json_by_date(self, runner: CliRunner) -> None:
        """In 2003 the confidence vote needs two-thirds; in 2013 more than half."""
        def requirement(on: str) -> str:
            data = _json(runner, "rules", "kh", "--at", on)
            return {r["id"]: r["requirement"] for r in data["rules"]}["confidence-vote"]

        assert requirement("2003-09-27") == "at least 2/3 of all members"
        assert requirement("2013-09-24") == "more than 1/2 of all members"

    def test_pack_by_path(self, runner: CliRunner) -> None:
        """A pack can be named by its file path."""
        assert "Cambodia" in _ok(runner, "rules", "engine/constitutions/kh.yaml", "--at", "2013-09-23").stdout


class TestPacks:
    def test_lists_builtin_packs(self, runner: CliRunner) -> None:
        """'impasse packs' prints each built-in pack's id and name."""
        out = _ok(runner, "packs").stdout
        assert "kh\tConstitution of the Kingdom of Cambodia (1993, as amended)\n" in out


class TestErrors:
    @pytest.mark.parametrize(("args", "fragment"), [
        (["quorum", "more than half", "-m", "123", "-p", "68"], "column 11: expected a fraction"),
        (["quorum", "more than 1/2 of all members", "-m", "123", "-p", "300"],
         "members present (300) exceed the 123 sitting members"),
        (["quorum", "more than 1/2 of all members", "-m", "123", "--sitting", "130", "-p", "1"], "exceed all members"),
        (["quorum", "more than 1/2 of all members", "-m", "123"], "Missing option '--present'"),
        (["quorum", "more than 1/2 of all members", "-m", "0", "-p", "0"], "'--members'"),
        (["majority", "majority of votes cast", "-m", "10", "-y", "8", "--no", "5", "-p", "10"],
         "yes + no + abstain (13) exceed the 10 members present"),
        (["majority", "majority of votes cast", "-m", "10", "--no", "5"], "'votes cast' needs the yes votes"),
        (["majority", "more votes in favour than against", "-m", "10"], "needs the yes votes"),
        (["majority", "more than 1/2 of all members vote against", "-m", "10", "--no", "8", "--blank", "3"],
         "no + abstain + blank (11) exceed the 10 sitting members"),
        (["majority", "more than 1/2 of all members vote", "-m", "10", "--no", "8"],
         "expected 'in favour', 'for' or 'against' after 'vote', got end of text"),
        (["rules", "kx"], "unknown constitution pack 'kx'. Did you mean 'kh'?"),
        (["rules", "kh", "-i", "nobody"], "pack 'kh' has no interpretation 'nobody'"),
        (["rules", "kh", "--at", "23 Sep 2013"], "'23 Sep 2013' is not a date"),
        (["rules", "kh", "--at", "2013-02-30"], "'2013-02-30'"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
    ])
    def test_one_line_on_stderr_exit_2(self, runner: CliRunner, args: list[str], fragment: str) -> None:
        """Bad expressions, impossible counts and unknown names: one line on stderr, nothing on stdout, exit 2."""
        result = runner.invoke(cli, args)
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("impasse: error: ")
        assert fragment in lines[0]


class TestPythonDashM:
    def test_quorum(self) -> None:
        """'python -m engine quorum ...' runs the same command."""
        proc = subprocess.run(
            [sys.executable, "-m", "engine", "quorum", "more than 1/2 of all members", "--members", "123",
             "--present", "68"], capture_output=True, text=True, check=False)
        assert (proc.returncode, proc.stderr) == (0, "")
        assert proc.stdout.startswith("Quorum met: 68 members present, 62 required")

    def test_error_exit_code(self) -> None:
        """A bad expression through 'python -m engine' is one line on stderr and exit code 2, no traceback."""
        proc = subprocess.run([sys.executable, "-m", "engine", "quorum", "more than half", "-m", "1", "-p", "1"],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.startswith("impasse: error: ") and proc.stderr.count("\n") == 1


#: what no command needs to start: each is imported by the commands that use it, when they run
_HEAVY = ("simpy", "yaml", "sqlite3", "rich", "attrs", "engine.store", "engine.timeline", "engine.cli.log")


def _help_in_a_fresh_interpreter(before: str = "") -> tuple[str, list[str]]:
    """``impasse --help``'s output, and which of :data:`_HEAVY` it loaded (after running ``before``)."""
    code = "\n".join([
        "import contextlib, io, sys",
        before,
        "from engine.cli.main import cli",
        "out = io.StringIO()",
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):",
        "    cli.main(['--help'])",
        f"heavy = {_HEAVY!r}",
        "print(sorted(h for h in heavy if any(m == h or m.startswith(h + '.') for m in sys.modules)))",
        "print(out.getvalue(), end='')",
    ])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, _, help_text = proc.stdout.partition("\n")
    return help_text, json.loads(loaded.replace("'", '"'))


def test_commands_start_without_the_store_or_rich() -> None:
    """Importing the command line and running --help loads neither the event store (imported by 'impasse log')
    nor rich (imported by what draws a table or a progress bar), nor SimPy, YAML, sqlite or the timeline:
    every command starts faster for it."""
    code = ("import sys, engine.cli.main; "
            "print(sorted(m for m in ('engine.store.interface', 'engine.cli.log', 'engine.store.records', 'rich') "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    help_text, heavy = _help_in_a_fresh_interpreter()
    assert heavy == []
    assert "Commands:" in help_text and "  quorum " in help_text


def test_help_lists_log_as_log_describes_itself() -> None:
    """--help lists 'impasse log' by a recorded line without importing it: the same line as once imported."""
    lazy, _ = _help_in_a_fresh_interpreter()
    loaded, heavy = _help_in_a_fresh_interpreter(before="import engine.cli.log")
    assert "engine.store" in heavy and "engine.cli.log" in heavy
    assert "  log       Record a crisis as it unfolds: an append-only event store.\n" in lazy
    assert lazy == loaded
