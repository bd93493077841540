"""Docs that run: every ```console and ```sh block of docs/*.md is executed, so a walkthrough that no
longer works fails the suite.

The convention, for whoever writes a page:

- A ```console block holds lines ``$ impasse ...``, each followed by that command's exact stdout. A
  command may go on over lines ending in ``\\``. A command that fails (exit code not 0) shows its
  stdout and then its stderr, the ``impasse: error: ...`` line.
- A ```sh block must exit 0, run as a bash script.
- The blocks of a page run in order, in one scratch directory where the repository's ``scenarios/``
  and ``docs/`` are reachable by the same relative paths: ``impasse log init crisis.db`` writes
  there. ``impasse`` is ``python -m engine`` with the repository on ``PYTHONPATH``.
- A block right after the line ``<!-- not run: REASON -->`` is not run (a six-minute benchmark, a
  shell that may not be installed, a store damaged on purpose).

README.md's ```sh blocks are run too, their ``impasse`` commands only (the first installs with pip).
The examples in ``impasse --help`` and ``impasse log --help`` run as well.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md"))
#: the user-facing files that must not name paths outside the repository
USER_FACING = [*PAGES, ROOT / "README.md", *sorted((ROOT / "scenarios").glob("*.yaml")),
               *sorted((ROOT / "engine" / "constitutions").glob("*.yaml")),
               *sorted(p for p in (ROOT / "engine").rglob("*") if p.suffix in (".py", ".html", ".j2", ".css"))]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<kind>[\w-]*)[ \t]*$")
_NOT_RUN = re.compile(r"^\s*<!-- not run: (?P<reason>.+?) -->\s*$")


@attrs.frozen
class Block:
    """A fenced block of a page: its kind, its first line's number, its text (dedented), and why it
    is not run (None: it is)."""

    page: Path
    line: int
    kind: str
    text: str
    not_run: str | None

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}"


def blocks(page: Path, kinds: tuple[str, ...] = ("console", "sh")) -> list[Block]:
    """The fenced blocks of ``page`` of these kinds, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening or not opening["kind"]:
            i += 1
            continue
        indent, start = opening["indent"], i
        i += 1
        body = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i].removeprefix(indent))
            i += 1
        i += 1
        before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = _NOT_RUN.match(before)
        if opening["kind"] in kinds:
            found.append(Block(page, start + 1, opening["kind"], "\n".join(body) + "\n",
                               marker["reason"] if marker else None))
    return found


@attrs.frozen
class Command:
    """A ``$`` command of a console block and the output shown under it."""

    text: str
    shown: str


def commands(block: Block) -> list[Command]:
    """The commands of a console block: each ``$`` line, its ``\\`` continuations, and the lines under it."""
    found: list[Command] = []
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        assert line.startswith("$ "), f"{block.id}: a console block starts with '$ impasse ...', not {line!r}"
        text = [line[2:]]
        while text[-1].endswith("\\"):
            i += 1
            text.append(lines[i])
        i += 1
        shown = []
        while i < len(lines) and not lines[i].startswith("$ "):
            shown.append(lines[i] + "\n")
            i += 1
        found.append(Command("\n".join(text), "".join(shown)))
    return found


class Scratch:
    """A page's scratch directory, and the blocks of the page run in it so far, in order."""

    def __init__(self, base: Path, bin_dir: Path) -> None:
        self.cwd = base
        for shared in ("scenarios", "docs"):
            (base / shared).symlink_to(ROOT / shared, target_is_directory=True)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        self.env = {**env, "PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
        self.done = 0
        self.failed: str | None = None  # the block that failed: the page's later blocks are not run

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env, capture_output=True, text=True,
                              check=False, timeout=600)


@pytest.fixture(scope="session")
def impasse_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding an ``impasse`` that runs ``python -m engine`` (this interpreter)."""
    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "impasse"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m engine "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


_SCRATCHES: dict[Path, Scratch] = {}


@pytest.fixture
def scratch_for(tmp_path_factory: pytest.TempPathFactory, impasse_bin: Path):  # type: ignore[no-untyped-def]
    def get(page: Path) -> Scratch:
        if page not in _SCRATCHES:
            _SCRATCHES[page] = Scratch(tmp_path_factory.mktemp(page.stem), impasse_bin)
        return _SCRATCHES[page]

    return get


def check_block(block: Block, scratch: Scratch) -> None:
    """Run ``block`` in ``scratch``: a console block's commands print what it shows; a sh block exits 0."""
    if block.kind == "sh":
        result = scratch.run("set -e\n" + block.text)
        assert result.returncode == 0, f"{block.id}: exit {result.returncode}\n{result.stderr}"
        assert "is deprecated" not in result.stderr, f"{block.id}: an old spelling\n{result.stderr}"
        return
    for command in commands(block):
        assert command.text.startswith("impasse "), (
            f"{block.id}: '$ {command.text}' is not an impasse command; mark the block <!-- not run: REASON -->")
        result = scratch.run(command.text)
        if result.returncode == 0:
            assert result.stdout == command.shown, f"{block.id}: $ {command.text}\n{result.stderr}"
            assert "is deprecated" not in result.stderr, f"{block.id}: an old spelling\n{result.stderr}"
        else:
            assert "impasse: error:" in command.shown, (
                f"{block.id}: $ {command.text} exited {result.returncode}\n{result.stderr}")
            assert result.stdout + result.stderr == command.shown, f"{block.id}: $ {command.text}"


PAGE_BLOCKS = [block for page in PAGES for block in blocks(page)]


@pytest.mark.parametrize("block", PAGE_BLOCKS, ids=[b.id for b in PAGE_BLOCKS])
def test_block_runs(block: Block, scratch_for) -> None:  # type: ignore[no-untyped-def]
    """The block does what the page says, after the page's earlier blocks (run first if not yet run)."""
    if block.not_run:
        pytest.skip(f"not run: {block.not_run}")
    scratch = scratch_for(block.page)
    if scratch.failed:
        pytest.skip(f"after {scratch.failed}, which failed")
    runnable = [b for b in blocks(block.page) if not b.not_run]
    position = runnable.index(block)
    for current in runnable[scratch.done:position + 1]:
        scratch.failed = current.id
        check_block(current, scratch)
        scratch.failed = None
        scratch.done += 1


def test_pages_have_blocks_that_run() -> None:
    """The walkthroughs are there to be run: the tutorial's five questions, the store's story, cli.md."""
    counted = {page.name: sum(1 for b in PAGE_BLOCKS if b.page == page and not b.not_run) for page in PAGES}
    assert counted["tutorial.md"] >= 5 and counted["store.md"] >= 6 and counted["cli.md"] >= 1


class TestParsing:
    def test_console_commands_and_continuations(self, tmp_path: Path) -> None:
        """A '$' line and its '\\' continuations are one command; the lines under it its output."""
        page = tmp_path / "p.md"
        page.write_text("text\n\n```console\n$ impasse a \\\n    b\nout 1\nout 2\n$ impasse c\n```\n")
        (block,) = blocks(page)
        assert commands(block) == [Command("impasse a \\\n    b", "out 1\nout 2\n"), Command("impasse c", "")]

    def test_not_run_marker_and_indented_blocks(self, tmp_path: Path) -> None:
        """The marker applies to the block right after it; a block indented in a list item is dedented."""
        page = tmp_path / "p.md"
        page.write_text("<!-- not run: slow -->\n```sh\nsleep 600\n```\n\n- item\n\n  ```console\n  $ impasse x\n  ```\n")
        slow, listed = blocks(page)
        assert (slow.not_run, listed.not_run, listed.text) == ("slow", None, "$ impasse x\n")


# --------------------------------------------------------------------------- README and --help


def _readme_commands() -> list[str]:
    """README's sh blocks' impasse commands, in order (a pip install or a pytest run is left out)."""
    found = []
    for block in blocks(ROOT / "README.md", ("sh",)):
        for line in block.text.splitlines():
            found += [part.strip() for part in line.split("&&") if part.strip().startswith("impasse ")]
    return found


def test_readme_commands_run(scratch_for) -> None:  # type: ignore[no-untyped-def]
    """Every impasse command README.md shows exits 0, in order, in one scratch directory."""
    scratch = scratch_for(ROOT / "README.md")
    found = _readme_commands()
    assert len(found) >= 15
    for command in found:
        result = scratch.run(command)
        assert result.returncode == 0, f"README.md: {command}\n{result.stderr}"
        assert "is deprecated" not in result.stderr, f"README.md: {command}\n{result.stderr}"


def _help_examples(*args: str) -> list[str]:
    """The example commands an ``impasse ... --help`` text shows (a trailing '(comment)' left out)."""
    text = subprocess.run([sys.executable, "-m", "engine", *args, "--help"], capture_output=True, text=True,
                          check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    joined = re.sub(r"\\\n\s*", "", text)
    return [re.sub(r"\s{2,}\(.*\)$", "", line.strip()) for line in joined.splitlines()
            if line.strip().startswith("impasse ")]


@pytest.mark.parametrize("group", [(), ("log",)], ids=["impasse", "impasse log"])
def test_help_examples_run(group: tuple[str, ...], tmp_path_factory: pytest.TempPathFactory,
                           impasse_bin: Path) -> None:
    """The walkthrough in a group's --help runs as written, in order (it was once broken)."""
    scratch = Scratch(tmp_path_factory.mktemp("help"), impasse_bin)
    examples = _help_examples(*group)
    assert len(examples) >= 5
    for command in examples:
        result = scratch.run(command)
        assert result.returncode == 0, f"{command}\n{result.stderr}"


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("path", USER_FACING, ids=[str(p.relative_to(ROOT)) for p in USER_FACING])
def test_no_path_outside_the_repository(path: Path) -> None:
    """Docs, scenarios, packs and the engine's messages name no file users do not have: nothing in the
    project's shared folder, nothing under the machine's work directory."""
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"(?<![\w.-])(?:\.\./)*shared/[\w./-]+|/work/[\w./-]*", text)
    assert found == [], f"{path.relative_to(ROOT)} names {found}"
