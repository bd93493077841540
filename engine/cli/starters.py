"""``impasse new`` and ``impasse schema``: starter files for a pack and a scenario, and the JSON Schemas
of the files and of the JSON output (docs/writing-a-country.md, "Editors")."""

from __future__ import annotations

import os
from pathlib import Path

import click

from engine.cli.params import CliError, OneLineErrors

__all__ = ["new", "schema"]

#: the schemas ``impasse schema`` prints, by name
SCHEMAS = ("pack", "scenario", "replay", "state", "whatif", "simulate", "sweep", "test", "follow")
_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=None,
                       help="Write to this file, never over an existing one (paths in it are made relative to "
                            "it); default: print.")


@click.group(cls=OneLineErrors)
def new() -> None:
    """Start a new pack or scenario: commented YAML that loads, its placeholders marked REPLACE.

    \b
    Examples:
      impasse new pack xx -o xx.yaml
      impasse new scenario --pack xx.yaml -o xx-2024.yaml
      impasse check xx-2024.yaml
    """


@new.command(name="pack")
@click.argument("code")
@_OUTPUT
def new_pack(code: str, output: str | None) -> None:
    """A starter constitution pack with id CODE: every key it needs, one rule of each kind.

    CODE is lower-case letters, digits and dashes (scenarios name the pack by it).
    """
    from engine.files.starters import pack_starter

    try:
        text = pack_starter(code, _schema_ref("pack", output))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    _write(text, output)


@new.command(name="scenario")
@click.option("--pack", "pack", required=True, metavar="PACK",
              help="The pack it names: a built-in code (impasse packs lists them), or a path to a pack file.")
@_OUTPUT
def new_scenario(pack: str, output: str | None) -> None:
    """A starter scenario judged by PACK: the metadata, two parties and five placeholder events."""
    from engine.files.packs import load_pack
    from engine.files.starters import scenario_starter

    constitution = load_pack(pack)
    ref = pack
    if output is not None and pack.endswith((".yaml", ".yml")):  # a scenario names its pack relative to itself
        ref = Path(os.path.relpath(Path(pack).resolve(), Path(output).resolve().parent)).as_posix()
    _write(scenario_starter(constitution, ref, _schema_ref("scenario", output)), output)


@click.command()
@click.argument("name", type=click.Choice(SCHEMAS))
@_OUTPUT
def schema(name: str, output: str | None) -> None:
    """The JSON Schema of a pack, a scenario, or the JSON of replay, state, whatif, simulate, sweep, test,
    or of one line of 'log follow'.

    The copies in docs/schema/ are what this prints; editors read them (docs/writing-a-country.md).
    """
    from engine.report.jsontext import dumps

    if name in ("pack", "scenario"):
        from engine.files.schema import pack_schema, scenario_schema

        data = pack_schema() if name == "pack" else scenario_schema()
    else:
        from engine.report.json_schema import OUTPUT_SCHEMAS

        data = OUTPUT_SCHEMAS[name]()
    _write(dumps(data) + "\n", output)


def _schema_ref(name: str, output: str | None) -> str:
    """Where an editor finds the schema from the new file: the repository's docs/schema if the file is
    inside a checkout, else a file beside it (``impasse schema NAME -o`` writes it)."""
    folder = Path(output).resolve().parent if output is not None else Path.cwd()
    for parent in (folder, *folder.parents):
        candidate = parent / "docs" / "schema" / f"{name}.schema.json"
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix()
    return f"{name}.schema.json"


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        msg = f"{output}: the file exists; not overwritten (remove it, or choose another -o)"
        raise CliError(msg) from None
    except OSError as exc:
        msg = f"{output}: cannot write: {exc.strerror or exc}"
        raise CliError(msg) from None
