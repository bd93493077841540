"""``impasse new pack`` and ``impasse new scenario``: starters that load and replay, one rule of each kind,
valid under the published schemas; ``impasse schema``; files never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from engine.cli.main import cli
from engine.cli.starters import SCHEMAS
from engine.errors import PackError
from engine.files.located_yaml import load_located
from engine.files.packs import builtin_packs, load_pack
from engine.files.scenarios import load_scenario
from engine.files.schema import pack_schema, scenario_schema
from engine.files.starters import CODE, PLACEHOLDER, pack_starter
from engine.rules.constitution import RuleKind

ROOT = Path(__file__).resolve().parents[2]


def _ok(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result


@pytest.fixture
def starters(tmp_path: Path, runner: CliRunner) -> tuple[Path, Path]:
    """A pack made by `new pack` and a scenario made by `new scenario --pack` that pack, in a fresh folder."""
    pack, scenario = tmp_path / "xx.yaml", tmp_path / "xx-2000.yaml"
    _ok(runner, "new", "pack", "xx", "-o", str(pack))
    _ok(runner, "new", "scenario", "--pack", str(pack), "-o", str(scenario))
    return pack, scenario


class TestNewPack:
    def test_the_starters_load_check_and_replay(self, starters: tuple[Path, Path], runner: CliRunner) -> None:
        """The scenario made for the new pack passes `impasse check` and replays under its reading."""
        _, scenario = starters
        assert _ok(runner, "check", str(scenario)).stdout.startswith(f"ok: {scenario}: 5 events")
        replay = json.loads(_ok(runner, "replay", str(scenario), "--format", "json").stdout)
        assert replay["final"]["phase"] == "government formed"
        assert [r["id"] for r in replay["interpretations"]] == ["strict-quorum"]

    def test_the_scenario_expectations_hold_for_the_new_pack(self, starters: tuple[Path, Path],
                                                             runner: CliRunner) -> None:
        """The scenario's example 'expect:' section holds for the pack made beside it: 'impasse test' passes
        (placeholder values, but a starter that fails its own test would teach the wrong thing)."""
        result = _ok(runner, "test", str(starters[1]))
        assert result.stdout.rstrip().endswith("2 passed, 0 failed, 2 expectations in 1 file")

    def test_one_rule_of_each_kind(self, starters: tuple[Path, Path]) -> None:
        """The pack has a rule of every kind, a convening condition and an interpretation's override."""
        pack = load_pack(str(starters[0]))
        assert {r.kind for r in pack.rules} == set(RuleKind)
        assert any(r.seats_filled is not None for r in pack.rules if r.kind is RuleKind.QUORUM)
        assert [o.id for i in pack.interpretations for o in i.overrides] == ["opening-quorum"]
        assert pack.missing and pack.source

    def test_the_commented_examples_load_once_uncommented(self) -> None:
        """The amendment and the versions the starter shows in comments are a pack's own keys: uncommented,
        the rule has two versions, the second made by the amendment."""
        text = pack_starter("xx", "pack.schema.json")
        text = text.replace("\n# amendments:", "\namendments:").replace("\n#   - {id:", "\n  - {id:")
        text = text.replace("    # versions:", "    versions:").replace("    #   - {since", "      - {since")
        from engine.files.packs import parse_pack

        versions = [r for r in parse_pack(text).rules if r.id == "investiture"]
        assert [(str(v.since), v.amendment) for v in versions] == [("1990-01-01", None),
                                                                   ("2006-03-02", "REPLACE-amendment-id")]

    def test_every_value_to_write_is_marked(self, starters: tuple[Path, Path]) -> None:
        """Names, titles, articles and sources are all placeholders marked REPLACE."""
        pack = load_pack(str(starters[0]))
        texts = [pack.name, pack.country, *pack.source, *pack.missing, *(b.name for b in pack.bodies)]
        texts += [t for r in pack.rules for t in (r.title, r.article, *r.source)]
        assert all(t.startswith(PLACEHOLDER) for t in texts)

    def test_the_starters_validate_against_the_schemas(self, starters: tuple[Path, Path]) -> None:
        """Both starters are valid under the published pack and scenario schemas, and name them in a modeline."""
        for path, schema in zip(starters, (pack_schema(), scenario_schema()), strict=True):
            data = load_located(path.read_bytes(), str(path), PackError).data
            assert list(Draft7Validator(schema).iter_errors(data)) == []
            assert path.read_text().startswith("# yaml-language-server: $schema=")

    def test_inside_a_checkout_the_modeline_names_docs_schema(self, tmp_path: Path, runner: CliRunner) -> None:
        """A file written inside a checkout points its editor at docs/schema, relative to itself; elsewhere at a
        schema beside it (which `impasse schema pack -o` writes)."""
        checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
        (checkout / "docs" / "schema").mkdir(parents=True)
        (checkout / "packs").mkdir()
        elsewhere.mkdir()
        (checkout / "docs" / "schema" / "pack.schema.json").write_text("{}")
        _ok(runner, "new", "pack", "xx", "-o", str(checkout / "packs" / "xx.yaml"))
        _ok(runner, "new", "pack", "xx", "-o", str(elsewhere / "xx.yaml"))
        first = [(p / "xx.yaml").read_text().splitlines()[0] for p in (checkout / "packs", elsewhere)]
        assert first == ["# yaml-language-server: $schema=../docs/schema/pack.schema.json",
                         "# yaml-language-server: $schema=pack.schema.json"]

    @given(code=st.from_regex(CODE, fullmatch=True))
    def test_any_code_makes_a_pack_that_loads(self, code: str) -> None:
        """Whatever the code, the starter loads as a pack with that id."""
        from engine.files.packs import parse_pack

        assert parse_pack(pack_starter(code, "pack.schema.json")).id == code

    @pytest.mark.parametrize("code", ["XX", "x y", "../x", "", "1x"])
    def test_a_bad_code_is_one_line_and_exit_2(self, runner: CliRunner, code: str) -> None:
        """A code that is not lower-case letters, digits and dashes is refused in one line."""
        result = runner.invoke(cli, ["new", "pack", code])
        assert result.exit_code == 2
        assert result.stderr.startswith("impasse: error: a pack code is") and result.stderr.count("\n") == 1


class TestNewScenario:
    @pytest.mark.parametrize("code", builtin_packs())
    def test_a_starter_for_every_built_in_pack_replays(self, code: str, tmp_path: Path, runner: CliRunner) -> None:
        """The scenario starter fits any bundled pack: it loads, and replays with no engine error."""
        path = tmp_path / "s.yaml"
        _ok(runner, "new", "scenario", "--pack", code, "-o", str(path))
        scenario = load_scenario(path)
        assert scenario.constitution.id == code and scenario.body == load_pack(code).bodies[0].id
        _ok(runner, "replay", str(path))

    def test_a_pack_path_is_written_relative_to_the_scenario(self, tmp_path: Path, runner: CliRunner) -> None:
        """A pack in another folder is named by a path from the scenario's folder, which the loader follows."""
        (tmp_path / "packs").mkdir()
        (tmp_path / "scenarios").mkdir()
        _ok(runner, "new", "pack", "yy", "-o", str(tmp_path / "packs" / "yy.yaml"))
        _ok(runner, "new", "scenario", "--pack", str(tmp_path / "packs" / "yy.yaml"),
            "-o", str(tmp_path / "scenarios" / "s.yaml"))
        assert "constitution: ../packs/yy.yaml\n" in (tmp_path / "scenarios" / "s.yaml").read_text()
        assert load_scenario(tmp_path / "scenarios" / "s.yaml").constitution.id == "yy"


class TestNoOverwrite:
    @pytest.mark.parametrize("args", [["new", "pack", "xx"], ["new", "scenario", "--pack", "kh"], ["schema", "pack"]])
    def test_an_existing_file_is_left_alone(self, args: list[str], tmp_path: Path, runner: CliRunner) -> None:
        """-o naming an existing file is one line on stderr, exit 2, and the file unchanged."""
        path = tmp_path / "taken.yaml"
        path.write_text("mine\n")
        result = runner.invoke(cli, [*args, "-o", str(path)])
        assert result.exit_code == 2
        assert result.stderr == f"impasse: error: {path}: the file exists; not overwritten (remove it, or " \
                                "choose another -o)\n"
        assert path.read_text() == "mine\n"

    def test_an_unknown_pack_is_one_line(self, runner: CliRunner) -> None:
        """`new scenario --pack` a pack that does not exist: one line, exit 2."""
        result = runner.invoke(cli, ["new", "scenario", "--pack", "khh"])
        assert result.exit_code == 2 and "Did you mean 'kh'?" in result.stderr


class TestSchemaCommand:
    @pytest.mark.parametrize("name", SCHEMAS)
    def test_prints_the_published_schema(self, name: str, runner: CliRunner) -> None:
        """`impasse schema NAME` prints docs/schema/NAME.schema.json."""
        out = _ok(runner, "schema", name).stdout
        assert out == (ROOT / "docs" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")

    def test_an_unknown_name_is_a_usage_error(self, runner: CliRunner) -> None:
        """Only the schemas published are known, and each of them is published."""
        assert {p.name.removesuffix(".schema.json") for p in (ROOT / "docs" / "schema").glob("*.json")} == set(SCHEMAS)
        result = runner.invoke(cli, ["schema", "packs"])
        assert result.exit_code == 2 and "impasse: error:" in result.stderr
