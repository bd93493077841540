"""Hostile input through every YAML entry point: caps on aliases, values, depth and size, only
regular files read, and errors that name a wrong file without echoing it (issue 17, items 1 and 5)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli.main import cli
from engine.crisis import replay_scenario
from engine.errors import InputError, PackError, ScenarioError, UnknownNameError
from engine.files import located_yaml
from engine.files.located_yaml import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    load_located,
    read_file,
)
from engine.files.packs import load_pack, parse_pack
from engine.files.scenarios import load_scenario, parse_scenario
from engine.sim.whatif import parse_variant
from engine.timeline.events import ElectionHeld, unique_id

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "cambodia-2013.yaml"
POLL = "  - {type: election_held, at: 2013-07-28, source: s}\n"
HEAD = "scenario: {id: x, title: t, country: Cambodia, constitution: kh}\nparties: [CPP, CNRP]\nevents:\n"


def bomb(levels: int, width: int = 9, indent: str = "") -> str:
    """Nested anchors: each level a list of ``width`` aliases of the one before (``width ** levels`` values)."""
    lines = [f"{indent}a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def cli_error(runner: CliRunner, *args: str) -> str:
    """The one line on stderr of an ``impasse`` command that exits 2."""
    result = runner.invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def quickly(call, *args, seconds: float = 1.0) -> InputError:
    """The InputError ``call(*args)`` raises, within ``seconds``."""
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        call(*args)
    assert time.perf_counter() - start < seconds, "the cap should be met before anything is built"
    assert "\n" not in str(info.value)
    return info.value


class TestCaps:
    @pytest.mark.parametrize("levels", [5, 7, 9, 12])
    def test_alias_bomb_stopped_at_its_line(self, levels: int) -> None:
        """A few hundred bytes of nested aliases (9**7 values at seven levels: 38 s and 3.1 GB before)
        is one error at the alias that passes the cap, in well under a second."""
        text = "events:\n" + bomb(levels, indent="  ")
        assert len(text) < 1500
        err = quickly(load_located, text, "bomb.yaml", ScenarioError)
        assert (err.path, err.line) == ("bomb.yaml", 7)  # a4 is 9**5 = 59,049 values: the second *a4 passes 100,000
        assert err.reason.startswith("alias *a4 brings what aliases stand for over 100,000 values")
        assert "docs/scenarios.md" in err.reason

    def test_alias_bomb_as_a_mapping_key(self) -> None:
        """An alias used as a key (which the constructor would expand) is counted like any other."""
        text = bomb(7) + "? *a7\n: x\n"
        assert quickly(load_located, text, "k.yaml", ScenarioError).line == 6

    def test_many_values_through_wide_aliases(self) -> None:
        """Wide, shallow aliases are stopped by the same count."""
        items = ", ".join(["x"] * 1000)
        text = f"a: &a [{items}]\nb: [{', '.join(['*a'] * 200)}]\n"
        err = quickly(load_located, text, "w.yaml", ScenarioError)
        assert err.line == 2 and "aliases stand for over" in err.reason

    def test_too_many_aliases(self) -> None:
        text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
        err = quickly(load_located, text, "n.yaml", ScenarioError)
        assert err.line == 2 and f"more than {MAX_ALIASES:,} aliases" in err.reason

    def test_values_cap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The whole document's values are capped too (here lowered, to keep the test small)."""
        monkeypatch.setattr(located_yaml, "MAX_VALUES", 50)
        text = "".join(f"k{i}: [1, 2, 3]\n" for i in range(20))
        err = quickly(load_located, text, "v.yaml", ScenarioError)
        assert err.line == 10 and "the document holds over 50 values" in err.reason  # 1 + 5 a line

    def test_recursive_alias(self) -> None:
        """An alias inside the value it names would never end: refused at its line."""
        err = quickly(load_located, "a: &a [1, *a]\n", "r.yaml", ScenarioError)
        assert (err.line, err.reason) == (1, "alias *a is inside the value it names")

    def test_depth_cap(self) -> None:
        text = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
        err = quickly(load_located, text, "d.yaml", ScenarioError)
        assert err.line == 1 and f"nested more than {MAX_DEPTH} deep" in err.reason

    def test_document_size_cap(self) -> None:
        """Text over the cap is refused before it is parsed, at the line where the cap falls."""
        text = "a: b\n" * (MAX_BYTES // 5 + 2)
        err = quickly(load_located, text, "big.yaml", ScenarioError)
        assert err.line == MAX_BYTES // 5 + 1 and "larger than 16,777,216 bytes" in err.reason

    def test_caps_leave_real_files_alone(self) -> None:
        """The bundled scenarios are far below every cap; aliases that repeat a value still work."""
        for path in sorted((ROOT / "scenarios").glob("*.yaml")):
            load_scenario(path)
        text = HEAD.replace("parties: [CPP, CNRP]", "parties: [CPP, CNRP]\nx-source: &nec NEC") + POLL
        with pytest.raises(ScenarioError, match="unknown field 'x-source'"):
            parse_scenario(text, "a.yaml")
        doc = load_located("s: &nec NEC\nt: [*nec, *nec]\n", "a.yaml", ScenarioError)
        assert doc.data == {"s": "NEC", "t": ["NEC", "NEC"]}
        assert MAX_VALUES > 40_000 * 15  # 40,000 events of about 15 values each fit

    def test_control_character_is_one_line_at_its_place(self, runner: CliRunner, tmp_path: Path) -> None:
        """YAML's reader errors were two lines in 'impasse check'; now one, with line and column."""
        path = tmp_path / "c.yaml"
        bad = "  - {type: talks_held, at: 2013-08-01, parties: [CPP], source: \"a\x01\"}\n"
        path.write_text(HEAD + POLL + bad)
        line = cli_error(runner, "check", path)
        assert line == (f"impasse: error: {path}:5:{bad.index(chr(1)) + 1}: not valid YAML: character #x0001 is not allowed "
                        "(special characters are not allowed)")


class TestEntryPoints:
    """The caps hold through every way YAML comes in."""

    def test_scenario_file(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "bomb.yaml"
        path.write_text(HEAD.replace("constitution: kh}", "constitution: kh}\nx:\n" + bomb(8, indent="  ")
                                     .rstrip("\n") + "\nz: 1") + POLL)
        start = time.perf_counter()
        assert "aliases stand for over 100,000 values" in cli_error(runner, "check", path)
        assert time.perf_counter() - start < 1

    def test_pack_file(self, tmp_path: Path) -> None:
        path = tmp_path / "pack.yaml"
        path.write_text(bomb(8))
        err = quickly(load_pack, str(path))
        assert isinstance(err, PackError) and err.path == str(path) and err.line == 6

    def test_log_append_file_and_field(self, runner: CliRunner, tmp_path: Path) -> None:
        db = tmp_path / "s.db"
        assert runner.invoke(cli, ["log", "init", str(db)]).exit_code == 0
        events = tmp_path / "events.yaml"
        events.write_text(bomb(8))
        assert "events.yaml:6:" in cli_error(runner, "log", "append", db, "-s", "x", "--file", events)
        value = "[" + bomb(8).replace("\n", ", ").replace("a0: ", "").rstrip(", ") + "]"
        field = cli_error(runner, "log", "append", db, "-s", "x", "rally", "--at", "2013-09-07", "-f", f"size={value}")
        assert "--field size" in field and "over 100,000 values" in field

    def test_whatif_set_and_add(self, runner: CliRunner) -> None:
        nested = "{" + bomb(8).replace("\n", ", ").rstrip(", ") + "}"
        start = time.perf_counter()  # --set keeps a value that is not YAML as text, for the field to refuse
        variant = parse_variant((), (f"opening-sitting.present={nested}",))
        assert time.perf_counter() - start < 1 and nested in str(variant)
        line = cli_error(runner, "whatif", SCENARIO, "--set", f"opening-sitting.present={nested}")
        assert "opening-sitting" in line and len(line) < 2000
        line = cli_error(runner, "whatif", SCENARIO, "--add", nested)
        assert line.startswith("impasse: error: --add #1:1:") and "over 100,000 values" in line


class TestOnlyRegularFiles:
    @pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
    def test_devices_are_refused_at_once(self, runner: CliRunner, path: str) -> None:
        if not os.path.exists(path):
            pytest.skip(f"no {path} here")
        start = time.perf_counter()
        assert cli_error(runner, "check", path) == (f"impasse: error: {path}: cannot read scenario file: "
                                                    "it is a device, not a regular file")
        assert time.perf_counter() - start < 1

    def test_named_pipe_is_refused_without_waiting(self, tmp_path: Path) -> None:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        fifo = tmp_path / "pipe.yaml"
        os.mkfifo(fifo)
        err = quickly(load_scenario, fifo)
        assert err.reason == "cannot read scenario file: it is a named pipe, not a regular file"
        with pytest.raises(UnknownNameError):  # a pack path that is no regular file is no pack
            load_pack(str(fifo))

    def test_directory_and_missing_file(self, tmp_path: Path) -> None:
        assert "a directory" in quickly(read_file, tmp_path, ScenarioError).reason
        assert "No such file" in quickly(read_file, tmp_path / "none.yaml", ScenarioError).reason

    def test_size_cap(self, tmp_path: Path) -> None:
        path = tmp_path / "big.yaml"
        path.write_bytes(b"# padding\n" * 20)
        err = quickly(read_file, path, ScenarioError, "scenario file", 95)
        assert (err.line, err.reason) == (10, "scenario file is larger than 95 bytes (the cap on a YAML document; "
                                              "see docs/scenarios.md)")
        assert read_file(path, ScenarioError, "scenario file", 200) == path.read_bytes()

    def test_jsonl_import_reads_only_regular_files(self, runner: CliRunner, tmp_path: Path) -> None:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        db = tmp_path / "s.db"
        assert runner.invoke(cli, ["log", "init", str(db)]).exit_code == 0
        fifo = tmp_path / "in.jsonl"
        os.mkfifo(fifo)
        assert "it is a named pipe" in cli_error(runner, "log", "import", db, "-s", "x", fifo)


class TestNoEcho:
    """A file that is not what it should be is named; none of its contents is echoed (item 5)."""

    @pytest.mark.parametrize("content", [
        pytest.param("root:x:0:0:hunter2:/root:/bin/bash\n", id="text"),
        pytest.param("password: hunter2\ntoken: hunter2\n", id="mapping"),
        pytest.param("- hunter2\n", id="list"),
        pytest.param(SCENARIO.read_text(), id="a-scenario"),
    ])
    def test_constitution_path_to_another_file(self, runner: CliRunner, tmp_path: Path, content: str) -> None:
        other = tmp_path / "other.txt"
        other.write_text(content)
        path = tmp_path / "s.yaml"
        path.write_text(HEAD.replace("constitution: kh", f"constitution: {other}") + POLL)
        line = cli_error(runner, "check", path)
        assert line == (f"impasse: error: {path}:1:62: scenario.constitution: {other}: is not a constitution pack: "
                        "a pack is a YAML mapping with id, name, country, bodies and rules (docs/constitutions.md)")
        assert "hunter2" not in line

    def test_scenario_path_to_another_mapping(self, tmp_path: Path) -> None:
        path = tmp_path / "secret.yaml"
        path.write_text("password: hunter2\n")
        err = quickly(load_scenario, path)
        assert "hunter2" not in str(err) and "password" not in str(err)
        assert str(err) == f"{path}: is not a scenario file: a scenario is a YAML mapping with 'scenario', " \
                           "'parties' and 'events'"

    def test_a_pack_with_mistakes_is_still_helped(self, tmp_path: Path) -> None:
        """A file that looks like a pack (it has bodies or rules) keeps its precise errors."""
        path = tmp_path / "p.yaml"
        path.write_text("id: p\nname: P\ncountry: C\nbodies: []\nrules: []\ncolour: red\n")
        with pytest.raises(PackError, match="unknown field 'colour'"):
            load_pack(str(path))


class TestSameDayIds:
    def test_linear_in_the_events_of_one_day(self) -> None:
        """40,000 same-day events without ids took 98 s (each id tried -2, -3… from the start)."""
        text = HEAD + POLL + "".join("  - {type: talks_held, at: 2013-08-01, parties: [CPP], source: s}\n"
                                     for _ in range(3000))
        scenario = parse_scenario(text, "many.yaml")
        ids = [e.id for e in scenario.events[1:]]
        assert ids[:3] == ["talks_held@2013-08-01", "talks_held@2013-08-01-2", "talks_held@2013-08-01-3"]
        assert ids[-1] == "talks_held@2013-08-01-3000" and len(set(ids)) == 3000

    def test_counters_give_the_same_ids(self) -> None:
        """With the counters, ids are those of the rule in docs/scenarios.md, given ids taken or not."""
        from datetime import date

        event = ElectionHeld(at=date(2013, 7, 28), source="s")
        base = "election_held@2013-07-28"
        for taken_first in ([], [base], [base, f"{base}-2", f"{base}-4"]):
            taken: set[str] = set(taken_first)
            counters: dict[str, int] = {}
            slow, fast = [], []
            plain = set(taken_first)
            for _ in range(6):
                one = unique_id(event, plain)
                plain.add(one)
                slow.append(one)
                two = unique_id(event, taken, counters)
                taken.add(two)
                fast.append(two)
            assert fast == slow


BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
FUZZ_EXAMPLES = 1000 if os.environ.get("IMPASSE_SLOW_TESTS") == "1" else 25


def _mutate(data: st.DataObject, text: bytes) -> bytes:
    """One hostile change to a scenario's bytes, drawn by Hypothesis."""
    lines = text.split(b"\n")
    i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
    how = data.draw(st.sampled_from(["delete", "duplicate", "swap", "bomb", "control", "bytes", "number", "date"]))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(j, lines[i])
    elif how == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif how == "bomb":
        indent = b" " * data.draw(st.integers(0, 6))
        lines[i:i] = [indent + line.encode() for line in bomb(data.draw(st.integers(1, 12))).splitlines()]
    elif how == "control":
        char = data.draw(st.sampled_from([b"\x00", b"\x01", b"\x1b", b"\x7f", b"\t", b"\r", b"\xc2\x85"]))
        at = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:at] + char + lines[i][at:]
    elif how == "bytes":
        at = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:at] + data.draw(st.binary(min_size=1, max_size=4)) + lines[i][at:]
    elif how == "number":
        number = data.draw(st.sampled_from([b"-1", b"0", b"99999999999999999999999", b"1e308", b".nan", b"-.inf",
                                            b"0x7fffffff", b"1" * 5000]))
        lines[i] = re.sub(rb"\b\d+\b", number, lines[i], count=1)
    else:
        day = data.draw(st.sampled_from([b"0000-01-01", b"9999-12-31", b"2013-02-30", b"2013-13-01", b"1-1-1"]))
        lines[i] = re.sub(rb"\d{4}-\d{2}-\d{2}", day, lines[i], count=1)
    return b"\n".join(lines)


class TestFuzz:
    """Mutated bundled scenarios through the loader and replay: each replays or is one ScenarioError on
    one line.
    A few dozen examples by default; ``IMPASSE_SLOW_TESTS=1`` runs a thousand."""

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(path=st.sampled_from(BUNDLED), data=st.data())
    def test_mutated_scenarios(self, path: Path, data: st.DataObject) -> None:
        text = _mutate(data, path.read_bytes())
        start = time.perf_counter()
        try:
            replay_scenario(parse_scenario(text, "fuzz.yaml"))
        except ScenarioError as exc:  # replay places engine errors at the file's lines too
            assert "\n" not in str(exc) and str(exc).startswith("fuzz.yaml")
        assert time.perf_counter() - start < 5

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(path=st.sampled_from(sorted((ROOT / "engine" / "constitutions").glob("*.yaml"))), data=st.data())
    def test_mutated_packs(self, path: Path, data: st.DataObject) -> None:
        """The bundled packs mutated the same way: each loads or is one PackError on one line."""
        try:
            parse_pack(_mutate(data, path.read_bytes()), "fuzz.yaml")
        except PackError as exc:
            assert "\n" not in str(exc) and str(exc).startswith("fuzz.yaml")


class TestFuzzThroughTheCommandLine:
    """The same mutations through the commands a user runs: exit 0, or exit 2 with one line on
    stderr naming the file, never a traceback."""

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(path=st.sampled_from(BUNDLED), data=st.data(), command=st.sampled_from(["check", "replay"]))
    def test_mutated_scenarios_through_check_and_replay(self, tmp_path: Path, path: Path, data: st.DataObject,
                                                        command: str) -> None:
        mutated = tmp_path / "fuzz.yaml"
        mutated.write_bytes(_mutate(data, path.read_bytes()))
        result = CliRunner().invoke(cli, [command, str(mutated), *(["--format", "json"] if command == "replay" else [])])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
        if result.exit_code == 2:
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            if command == "replay":
                assert len(lines) == 1 and str(mutated) in lines[0], result.stderr
            else:  # check prints one line per bad file, then exits 2
                assert lines and all(str(mutated) in line for line in lines), result.stderr


class TestImpossibleFacts:
    """Facts that can't be true together (issue 17): one line naming the file, the line and the field,
    exit 2, from a scenario file or a what-if edit alike."""

    OPENING = "    present_by_party: {CPP: 68}\n"
    COUNCIL = "    count: 4\n"

    def _edited(self, tmp_path: Path, old: str, new: str) -> Path:
        text = SCENARIO.read_text()
        assert text.count(old) == 1
        path = tmp_path / "x.yaml"
        path.write_text(text.replace(old, new))
        return path

    def test_boycotters_counted_present_in_a_file(self, runner: CliRunner, tmp_path: Path) -> None:
        """CNRP members counted at the 2013 opening while the CNRP boycotts: the sitting's line and field."""
        path = self._edited(tmp_path, self.OPENING, "    present_by_party: {CPP: 68, CNRP: 3}\n")
        line = cli_error(runner, "replay", path)
        assert line.startswith(f"impasse: error: {path}:215: events[19].present_by_party: 3 of CNRP present, "
                               "but it boycotts parliament"), line
        assert str(path) in cli_error(runner, "check", path)

    def test_boycotters_present_makes_the_same_file_possible(self, runner: CliRunner, tmp_path: Path) -> None:
        """Three CNRP members who attended anyway, said so: the file replays."""
        path = self._edited(tmp_path, self.OPENING, "    present: 71\n    boycotters_present: 3\n")
        result = runner.invoke(cli, ["replay", str(path), "--format", "json"])
        assert result.exit_code == 0, result.stderr

    def test_more_complaints_ruled_on_than_filed_in_a_file(self, runner: CliRunner, tmp_path: Path) -> None:
        """The Council ruling on 30 when at most 22 remain (32 - 19 + 9): the ruling's line, `count`."""
        path = self._edited(tmp_path, self.COUNCIL, "    count: 30\n")
        line = cli_error(runner, "replay", path)
        assert line.startswith(f"impasse: error: {path}:106: events[7].count: 30 complaints ruled on, but at "
                               "most 22 were filed"), line

    def test_whatif_edits_that_make_the_facts_impossible(self, runner: CliRunner) -> None:
        """`--set` that counts boycotters present, or rules on more complaints than filed, is refused."""
        line = cli_error(runner, "whatif", SCENARIO, "--set", "opening-sitting.members_present=120")
        assert "opening-sitting" in line and "so at most 68 of the 123 members can attend" in line
        line = cli_error(runner, "whatif", SCENARIO, "--set", "complaint_ruled@2013-08-17.count=40")
        assert "40 complaints ruled on, but at most 32" in line
        ok = runner.invoke(cli, ["whatif", str(SCENARIO), "--set", "opening-sitting.members_present=120",
                                 "--set", "opening-sitting.boycotters_present=52"])
        assert ok.exit_code == 0, ok.stderr

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(present=st.integers(0, 123), came=st.integers(0, 55))
    def test_any_opening_attendance_through_the_command_line(self, runner: CliRunner, present: int,
                                                             came: int) -> None:
        """Oracle: the 2013 opening with `present` members, `came` of them boycotters, replays iff
        present <= 68 + came; otherwise one line naming the sitting's field."""
        result = runner.invoke(cli, ["whatif", str(SCENARIO), "--set", f"opening-sitting.members_present={present}",
                                     "--set", f"opening-sitting.boycotters_present={came}", "--format", "json"])
        if present <= 68 + came:
            assert result.exit_code == 0, result.stderr
        else:
            assert result.exit_code == 2
            (line,) = result.stderr.strip().splitlines()
            assert f"{present} members present, but CNRP (55 seats) boycott parliament" in line
