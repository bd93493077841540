"""``impasse log``: the newcomer's path (record, correct, see the stream as known on two days), each
command, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.log import log
from engine.crisis import scenario_from_store
from engine.errors import ScenarioError
from engine.files.event_input import parse_fields
from engine.store.opening import open_store

ROOT = Path(__file__).resolve().parents[2]


def ok(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(log, [str(a) for a in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def fails(runner: CliRunner, *args: str) -> str:
    """The one line on stderr of a command that exits 2."""
    result = runner.invoke(log, [str(a) for a in args])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 or lines[0].startswith("Usage:"), result.stderr
    return lines[-1]


@pytest.fixture
def db(tmp_path: Path, runner: CliRunner) -> Path:
    """A store with stream kh-2013: metadata, the results, a boycott, and the opening recorded as 120 present."""
    path = tmp_path / "crisis.db"
    ok(runner, "init", path, "--stream", "kh-2013", "--constitution", "kh", "-i", "opposition-120-to-open",
       "-i", "cpp-majority-suffices", "--party", "CPP", "--party", "CNRP=Cambodia National Rescue Party",
       "--recorded-at", "2013-07-01")
    ok(runner, "append", path, "-s", "kh-2013", "election_held", "--at", "2013-07-28", "--source", "NEC",
       "--recorded-at", "2013-07-29")
    ok(runner, "append", path, "-s", "kh-2013", "results_announced", "--at", "2013-09-08", "-f", "stage=final",
       "-f", "by=NEC", "-f", "seats={CPP: 68, CNRP: 55}", "--source", "NEC", "--recorded-at", "2013-09-08")
    ok(runner, "append", path, "-s", "kh-2013", "parliament_convened", "--at", "2013-09-23", "-f", "sitting=opening",
       "-f", "present=120", "--source", "first report", "--expected-version", "3", "--recorded-at", "2013-09-23")
    return path


class TestNewcomer:
    def test_record_correct_and_replay_as_known_on_two_days(self, runner: CliRunner, db: Path) -> None:
        """Record, correct the opening's attendance two days later, and the stream (and its replay)
        differs between what was known on 24 and on 25 September."""
        out = ok(runner, "correct", db, "-s", "kh-2013", "--target", "4", "-f", "present=68",
                 "--source", "Cambodia Daily", "--recorded-at", "2013-09-25").stdout
        assert out == "corrected version 4 of kh-2013: correction recorded as version 5\n"
        before = ok(runner, "show", db, "-s", "kh-2013", "--known-at", "2013-09-24").stdout
        after = ok(runner, "show", db, "-s", "kh-2013", "--known-at", "2013-09-25").stdout
        assert "sitting=opening present=120" in before and "corrected" not in before
        assert "sitting=opening present=68   [corrected by v5]" in after

        from engine.crisis import replay_scenario

        def opening_verdict(known_at: str) -> str:
            timeline = replay_scenario(scenario_from_store(db, "kh-2013", known_at=known_at))
            return next(f.verdict.value for f in timeline.findings
                        if f.interpretation == "opposition-120-to-open" and f.rule and "quorum" in f.rule)

        assert (opening_verdict("2013-09-24"), opening_verdict("2013-09-25")) == ("ok", "violation")

    def test_history_shows_every_record(self, runner: CliRunner, db: Path) -> None:
        """--history lists metadata, events and the correction, with their transaction times."""
        ok(runner, "correct", db, "-s", "kh-2013", "-t", "4", "-f", "present=68", "--recorded-at", "2013-09-25")
        out = ok(runner, "show", db, "-s", "kh-2013", "--history").stdout.splitlines()
        assert [line.split()[0] for line in out] == ["v1", "v2", "v3", "v4", "v5"]
        assert out[4].split()[1:4] == ["2013-09-25T00:00:00Z", "correction", "of"]
        assert "present=120" in out[3] and "present=68" in out[4]


class TestAppend:
    def test_stale_expected_version(self, runner: CliRunner, db: Path) -> None:
        """An append expecting an old version is refused with one line, exit 2."""
        line = fails(runner, "append", db, "-s", "kh-2013", "boycott_declared", "--at", "2013-09-17",
                     "-f", "party=CNRP", "--source", "AFP", "--expected-version", "2")
        assert line == ("Error: stream 'kh-2013' is at version 4, not 2 as expected: someone appended since it "
                        "was read; nothing was written (read it again, then retry)")

    def test_unknown_type_gets_a_suggestion(self, runner: CliRunner, db: Path) -> None:
        line = fails(runner, "append", db, "-s", "kh-2013", "ralley", "--at", "2013-09-17")
        assert line == "Error: unknown event type 'ralley'. Did you mean 'rally'?"

    def test_text_that_is_not_utf8_is_one_line(self, runner: CliRunner, db: Path, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 in an argument (as Python hands them over) or a lone surrogate in a JSON
        Lines file are refused in one line, not a UnicodeEncodeError traceback."""
        line = fails(runner, "append", db, "-s", "kh-2013", "rally", "--at", "2013-09-25", "-f", "status=held",
                     "-f", "organiser=x", "--source", "\udcff\udcfe")
        assert "text that is not valid UTF-8" in line
        lines = tmp_path / "bad.jsonl"
        lines.write_text('{"type": "election_held", "at": "2013-07-28", "source": "x", "note": "\\ud800"}\n')
        assert "text that is not valid UTF-8" in fails(runner, "import", db, "-s", "other", lines)

    def test_a_field_may_not_repeat_an_option(self, runner: CliRunner, db: Path) -> None:
        """-f at= beside --at used to win silently; now the date is given once."""
        line = fails(runner, "append", db, "-s", "kh-2013", "rally", "--at", "2013-09-24", "-f", "at=2013-01-01",
                     "-f", "status=held", "-f", "organiser=x", "--source", "s")
        assert "--field at=... repeats --at" in line
        line = fails(runner, "append", db, "-s", "kh-2013", "rally", "--at", "2013-09-24", "-f", "source=t",
                     "-f", "status=held", "-f", "organiser=x", "--source", "s")
        assert "--field source=... repeats --source" in line

    def test_bad_fields_name_the_field(self, runner: CliRunner, db: Path) -> None:
        line = fails(runner, "append", db, "-s", "kh-2013", "vote", "--at", "2013-09-24", "--source", "s",
                     "-f", "motion=vote_of_confidence", "-f", "yes=many")
        assert line.startswith("Error: not a valid vote event: ") and "vote.yes" in line

    def test_type_or_file(self, runner: CliRunner, db: Path, tmp_path: Path) -> None:
        """Exactly one of TYPE and --file; a TYPE needs --at."""
        assert "not both or neither" in fails(runner, "append", db, "-s", "kh-2013")
        assert "needs --at DATE" in fails(runner, "append", db, "-s", "kh-2013", "rally")

    def test_file_of_events(self, runner: CliRunner, db: Path, tmp_path: Path) -> None:
        """--file appends a YAML list of events as one batch."""
        events = tmp_path / "new.yaml"
        events.write_text("- {type: boycott_declared, at: 2013-09-17, party: CNRP, source: AFP}\n"
                          "- type: talks_held\n  at: 2013-09-16\n  parties: [CPP, CNRP]\n  source: AFP\n")
        out = ok(runner, "append", db, "-s", "kh-2013", "--file", events, "-e", "4").stdout
        assert out == "appended 2 event(s) to kh-2013 as versions 5-6\n"
        with open_store(db) as store:
            assert [e.TYPE for e in store.read("kh-2013")][-3:] == ["talks_held", "boycott_declared",
                                                                     "parliament_convened"]

    def test_file_errors_name_file_line_and_field(self, runner: CliRunner, db: Path, tmp_path: Path) -> None:
        events = tmp_path / "bad.yaml"
        events.write_text("events:\n  - {type: talks_held, at: 2013-09-16, parties: [A], source: s}\n"
                          "  - type: vote\n    at: 2013-09-24\n    motion: law\n    yes: -3\n    source: s\n")
        line = fails(runner, "append", db, "-s", "kh-2013", "--file", events)
        assert line.startswith(f"Error: {events}:3:5: events[1]: not a valid vote event")
        assert "'yes' must be >= 0" in line
        with open_store(db) as store:
            assert store.version("kh-2013") == 4

    def test_metadata_options_on_append(self, runner: CliRunner, tmp_path: Path) -> None:
        """Metadata given with an append is recorded first, in the same batch."""
        path = tmp_path / "s.db"
        ok(runner, "init", path)
        out = ok(runner, "append", path, "-s", "x", "--constitution", "kh", "talks_held", "--at", "2013-09-16",
                 "-f", "parties=[A, B]", "--source", "s").stdout
        assert out == "appended 1 event(s) to x as version 2, after its metadata (version 1)\n"

    def test_derived_events_are_refused(self, runner: CliRunner, db: Path) -> None:
        line = fails(runner, "append", db, "-s", "kh-2013", "deadline_expired", "--at", "2013-09-27",
                     "-f", "rule=r", "-f", "due=2013-09-26", "--source", "s")
        assert "made by the engine" in line


class TestCorrectRetract:
    def test_retract(self, runner: CliRunner, db: Path) -> None:
        out = ok(runner, "retract", db, "-s", "kh-2013", "-t", "2", "--reason", "wrong day").stdout
        assert out == "retracted version 2 of kh-2013: retraction recorded as version 5\n"
        shown = ok(runner, "show", db, "-s", "kh-2013").stdout
        assert "election_held" not in shown
        assert fails(runner, "retract", db, "-s", "kh-2013", "-t", "2") == \
            "Error: the event at version 2 of stream 'kh-2013' was retracted"

    def test_correct_checks_the_result(self, runner: CliRunner, db: Path) -> None:
        """A correction that makes an invalid event, or names no event, is refused."""
        assert "not a valid parliament_convened event" in fails(
            runner, "correct", db, "-s", "kh-2013", "-t", "4", "-f", "present=-1")
        assert "extra fields" in fails(runner, "correct", db, "-s", "kh-2013", "-t", "4", "-f", "presnt=68")
        assert "no event at version 9" in fails(runner, "correct", db, "-s", "kh-2013", "-t", "9", "-f", "present=6")
        assert "version 1 is a metadata record" in fails(runner, "correct", db, "-s", "kh-2013", "-t", "1",
                                                         "--at", "2013-01-01")
        assert "needs at least one of" in fails(runner, "correct", db, "-s", "kh-2013", "-t", "4")

    def test_correct_the_date(self, runner: CliRunner, db: Path) -> None:
        ok(runner, "correct", db, "-s", "kh-2013", "-t", "2", "--at", "2013-07-27")
        data = json.loads(ok(runner, "show", db, "-s", "kh-2013", "--format", "json").stdout)
        assert (data["events"][0]["at"], data["events"][0]["corrected_by"]) == ("2013-07-27", 5)


class TestShowExportImportVerify:
    def test_show_lists_streams(self, runner: CliRunner, db: Path) -> None:
        assert ok(runner, "show", db).stdout == "kh-2013\tversion 4\n"

    def test_show_json(self, runner: CliRunner, db: Path) -> None:
        data = json.loads(ok(runner, "show", db, "-s", "kh-2013", "--format", "json", "--at", "2013-09-10").stdout)
        assert [e["version"] for e in data["events"]] == [2, 3]
        assert data["metadata"]["constitution"] == "kh"
        history = json.loads(ok(runner, "show", db, "-s", "kh-2013", "--history", "--format", "json").stdout)
        assert [r["kind"] for r in history["records"]] == ["metadata", "event", "event", "event"]

    def test_show_unknown_stream(self, runner: CliRunner, db: Path) -> None:
        assert fails(runner, "show", db, "-s", "kh-2031") == f"Error: {db} has no stream 'kh-2031' (streams: kh-2013)"

    def test_missing_store(self, runner: CliRunner, tmp_path: Path) -> None:
        line = fails(runner, "show", tmp_path / "no.db", "-s", "x")
        no_db = tmp_path / "no.db"
        assert line == f"Error: no event store at {no_db} (make one with 'impasse log init {no_db}')"

    def test_export_import_jsonl(self, runner: CliRunner, db: Path, tmp_path: Path) -> None:
        """Export JSON Lines, import them as another stream: the same history; verify passes."""
        dump = tmp_path / "kh.jsonl"
        dump.write_text(ok(runner, "export", db, "-s", "kh-2013").stdout)
        out = ok(runner, "import", db, "-s", "copy", dump).stdout
        assert out == "imported 4 record(s) into copy: now at version 4\n"
        assert "already" not in fails(runner, "import", db, "-s", "copy", dump)
        out = ok(runner, "verify", db).stdout
        assert out.startswith(f"ok: {db}: 2 stream(s), 8 record(s)")

    def test_import_a_scenario_and_export_it_back(self, runner: CliRunner, tmp_path: Path) -> None:
        """A scenario file goes in with its metadata, and comes out as a scenario that loads."""
        from engine.files.scenarios import load_scenario, parse_scenario

        path = tmp_path / "s.db"
        ok(runner, "init", path)
        source = ROOT / "scenarios" / "cambodia-2013.yaml"
        ok(runner, "import", path, "-s", "kh-2013", source)
        text = ok(runner, "export", path, "-s", "kh-2013", "--format", "yaml").stdout
        assert parse_scenario(text, "exported.yaml").events == load_scenario(source).events

    def test_verify_reports_problems(self, runner: CliRunner, db: Path) -> None:
        """A tampered store: one line per problem on stdout, a summary error, exit 2."""
        import sqlite3

        raw = sqlite3.connect(db, isolation_level=None)
        raw.execute("DROP TRIGGER records_no_update")
        raw.execute("UPDATE records SET payload = replace(payload, '120', '121') WHERE version = 4")
        raw.close()
        result = runner.invoke(log, ["verify", str(db)])
        assert result.exit_code == 2
        assert result.stdout.splitlines() == [
            f"{db}: (file): trigger records_no_update is missing: records could be changed",
            f"{db}: kh-2013@4: checksum does not match: the record was changed after it was written, "
            "or the one before it was"]
        assert result.stderr == f"Error: {db}: 2 problem(s) found\n"

    def test_init_needs_a_stream_for_metadata(self, runner: CliRunner, tmp_path: Path) -> None:
        assert "needs --stream" in fails(runner, "init", tmp_path / "s.db", "--constitution", "kh")

    def test_unknown_pack_and_reading(self, runner: CliRunner, tmp_path: Path) -> None:
        assert "kx" in fails(runner, "init", tmp_path / "s.db", "-s", "x", "--constitution", "kx")
        assert "opposition-120-to-open" in fails(runner, "init", tmp_path / "s.db", "-s", "x", "--constitution", "kh",
                                                 "-i", "opposition-120")

    def test_unknown_body_and_pack_on_append(self, runner: CliRunner, tmp_path: Path) -> None:
        """The pack check (engine.crisis.check_stream_pack) runs wherever metadata comes in; nothing is written."""
        db = tmp_path / "s.db"
        assert fails(runner, "init", db, "-s", "x", "--constitution", "kh", "--body", "senate") == (
            "Error: pack 'kh' has no body 'senate' (bodies: national-assembly)")
        assert "kx" in fails(runner, "append", db, "-s", "x", "talks_held", "--at", "2013-09-01",
                             "-f", "parties=[CPP, CNRP]", "--source", "s", "--constitution", "kx")
        with open_store(db) as store:
            assert store.version("x") == 0


class TestFields:
    def test_values_are_yaml(self) -> None:
        """Numbers, mappings and lists are YAML; yes/no and dates stay text."""
        assert parse_fields(["present=68", "seats={CPP: 68}", "parties=[A, B]", "final=true", "by=no",
                             "due=2013-09-26", "note="]) == {
            "present": 68, "seats": {"CPP": 68}, "parties": ["A", "B"], "final": True, "by": "no",
            "due": "2013-09-26", "note": None}

    def test_malformed(self) -> None:
        with pytest.raises(ScenarioError, match="expected KEY=VALUE"):
            parse_fields(["present"])
        with pytest.raises(ScenarioError, match="not valid YAML"):
            parse_fields(["seats={CPP: 68"])


def test_errors_through_the_impasse_command(tmp_path: Path) -> None:
    """Registered under the main command, a store error is one 'impasse: error:' line and exit 2."""
    import copy

    from engine.cli.main import cli

    main = copy.copy(cli)
    main.commands = {**cli.commands, "log": log}
    result = CliRunner().invoke(main, ["log", "show", str(tmp_path / "no.db"), "-s", "x"])
    assert result.exit_code == 2
    assert result.stderr == (f"impasse: error: no event store at {tmp_path / 'no.db'} "
                             f"(make one with 'impasse log init {tmp_path / 'no.db'}')\n")


class TestSignedHeads:
    """`log keygen`, `log head --sign` and `log verify --signature --public-key`."""

    @pytest.fixture
    def key(self, tmp_path: Path, runner: CliRunner) -> Path:
        pytest.importorskip("cryptography")
        path = tmp_path / "heads.pem"
        out = ok(runner, "keygen", path).stdout
        assert out.startswith(f"private key: {path} (mode 0600") and "BEGIN PUBLIC KEY" in out
        return path

    def _signed(self, runner: CliRunner, db: Path, key: Path) -> tuple[str, str, str]:
        stream, head, signature = ok(runner, "head", db, "-s", "kh-2013", "--sign", key).stdout.split()
        return stream, head, signature

    def test_keygen_writes_a_private_key_only_its_owner_reads(self, key: Path, runner: CliRunner) -> None:
        """The private key is mode 0600, the public key beside it; neither is ever overwritten."""
        assert key.stat().st_mode & 0o777 == 0o600
        pub = Path(f"{key}.pub")
        assert pub.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
        before = key.read_bytes()
        assert "exists: a key file is never overwritten" in fails(runner, "keygen", key)
        assert key.read_bytes() == before

    def test_sign_and_verify_round_trip(self, db: Path, key: Path, runner: CliRunner) -> None:
        stream, head, signature = self._signed(runner, db, key)
        out = ok(runner, "verify", db, "--head", f"{stream}={head}", "--signature", signature,
                 "--public-key", f"{key}.pub").stdout
        assert out.strip().endswith(f"1 published head(s) found unchanged; the head's signature verified with {key}.pub")
        data = json.loads(ok(runner, "head", db, "-s", "kh-2013", "--sign", key, "--format", "json").stdout)
        assert (data["head"], data["signature"]) == (head, signature)

    def test_a_tampered_head_or_signature_is_one_line(self, db: Path, key: Path, runner: CliRunner) -> None:
        stream, head, signature = self._signed(runner, db, key)
        version, digest = head.split(":")
        pub = f"{key}.pub"
        earlier = f"{stream}={int(version) - 1}:{digest}"
        assert "does not verify" in fails(runner, "verify", db, "--head", earlier, "--signature", signature,
                                          "--public-key", pub)
        flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
        assert "does not verify" in fails(runner, "verify", db, "--head", f"{stream}={head}", "--signature", flipped,
                                          "--public-key", pub)

    def test_another_key_is_refused(self, db: Path, key: Path, tmp_path: Path, runner: CliRunner) -> None:
        stream, head, signature = self._signed(runner, db, key)
        ok(runner, "keygen", tmp_path / "other.pem")
        line = fails(runner, "verify", db, "--head", f"{stream}={head}", "--signature", signature,
                     "--public-key", tmp_path / "other.pem.pub")
        assert "another key signed it" in line

    def test_a_signed_head_the_stream_no_longer_holds(self, db: Path, key: Path, runner: CliRunner) -> None:
        """The signature is the publisher's, but the chain must still hold the head: a head for a
        version the stream never reached is signed, verifies, and is then refused by the chain."""
        from engine.cli.log_keys import signature_for
        from engine.store.records import Head

        stream, head, _ = self._signed(runner, db, key)
        later = Head(int(head.split(":")[0]) + 5, head.split(":")[1])
        signature = signature_for(str(key), stream, later)
        result = runner.invoke(log, ["verify", str(db), "--head", f"{stream}={later}", "--signature", signature,
                                     "--public-key", f"{key}.pub"])
        assert result.exit_code == 2 and "problem(s) found" in result.stderr

    def test_options_that_go_together(self, db: Path, key: Path, runner: CliRunner) -> None:
        stream, head, signature = self._signed(runner, db, key)
        assert "go together" in fails(runner, "verify", db, "--head", f"{stream}={head}", "--signature", signature)
        assert "exactly one --head" in fails(runner, "verify", db, "--signature", signature, "--public-key",
                                             f"{key}.pub")
        assert "not an Ed25519 private key" in fails(runner, "head", db, "-s", "kh-2013", "--sign", f"{key}.pub")
        assert "private key" in fails(runner, "head", db, "-s", "kh-2013", "--sign", db.parent / "missing.pem")

    def test_without_cryptography_one_line_names_the_extra(self, db: Path, tmp_path: Path, runner: CliRunner,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
        import sys

        for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
            monkeypatch.setitem(sys.modules, name, None)
        line = fails(runner, "keygen", tmp_path / "k.pem")
        assert line.split(": ", 1)[1] == "signed heads need the cryptography library: pip install 'impasse-engine[sign]'"
        assert not (tmp_path / "k.pem").exists()
