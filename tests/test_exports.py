"""The front door and the layering: what engine exports, and which way the imports point."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import engine

ENGINE = Path(engine.__file__).parent

#: The layers, bottom up: a module may import from a lower layer or from its own package only.
LAYERS = {
    "engine.errors": 0,
    "engine.rules": 1,
    "engine.timeline": 2,
    "engine.strategies": 2,
    "engine.files": 3,
    "engine.store": 3,
    "engine.crisis": 4,
    "engine.sim": 5,
    "engine.report": 6,
    "engine.cli": 7,
    "engine.__main__": 8,
}
#: The pure core: no I/O, no clock, no randomness, no simulation library.
PURE = ("engine.rules", "engine.timeline", "engine.errors")
IMPURE_IN_CORE = {"engine.timeline.replay"}  # the SimPy clock lives beside the machine it drives
FORBIDDEN = {"simpy", "click", "rich", "yaml", "sqlite3", "random", "time", "os", "io"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ENGINE.rglob("*.py"):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, package: str) -> set[str]:
    """Every module named by an import anywhere in the file (functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{a.name}" for a in node.names}
    return names


def _layer(module: str) -> tuple[str, int] | None:
    for prefix, rank in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return prefix, rank
    return None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = {m for m in _imports(path, package) if m in modules and m != name}
    return graph


def test_exported_members() -> None:
    """engine.__all__ is exactly the intended front door, and every name resolves."""
    assert set(engine.__all__) == {
        "Constitution", "EngineError", "Finding", "ImpasseError", "Law", "PackError", "Scenario",
        "ScenarioError", "Step", "ThresholdSyntaxError", "Timeline", "evaluate", "law_for", "load_pack",
        "load_scenario", "parse_threshold", "render", "replay", "replay_scenario", "state_at", "transition",
    }
    for name in engine.__all__:
        assert getattr(engine, name) is not None


def test_every_module_has_a_layer() -> None:
    """Each module of the engine belongs to one of the layers drawn in docs/architecture.md."""
    unplaced = sorted(m for m in _modules() if m != "engine" and _layer(m) is None)
    assert not unplaced


def test_no_import_runs_up_a_layer() -> None:
    """A module imports only from lower layers or its own package (siblings do not import each other)."""
    bad = []
    for name, targets in _graph().items():
        mine = _layer(name)
        if mine is None:  # the front door, engine/__init__.py, names everything lazily
            continue
        for target in targets:
            theirs = _layer(target)
            if theirs is None or theirs[0] == mine[0]:
                continue
            if theirs[1] >= mine[1]:
                bad.append(f"{name} -> {target}")
    assert not bad, bad


def test_no_import_circles() -> None:
    """The module import graph has no cycle, counting imports made inside functions."""
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt == "engine":
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_pure_core_does_no_io() -> None:
    """The rules and the timeline import no SimPy, click, rich, YAML, sqlite, random or OS modules."""
    for name, path in _modules().items():
        if not name.startswith(PURE) or name in IMPURE_IN_CORE:
            continue
        bad = {m.split(".")[0] for m in _imports(path, name)} & FORBIDDEN
        assert not bad, f"{name} imports {bad}"
        source = path.read_text()
        assert "date.today" not in source and "datetime.now" not in source


def test_modules_stay_small() -> None:
    """No module grows past about 500 lines: past that, split it by family."""
    big = {name: n for name, path in _modules().items() if (n := len(path.read_text().splitlines())) > 550}
    assert not big, big


def test_no_speed_tricks_in_the_engine() -> None:
    """No attrs private names, no instances built behind attrs' back, no json private scanner, no
    hidden caches: speed lives in the explicit memos (engine/timeline/law.py, replay.StepMemo)."""
    trick = re.compile(r"_attrs_cached_hash|object\.__new__|scan_once|\._cache\b")
    found = [f"{name}:{n}" for name, path in _modules().items()
             for n, line in enumerate(path.read_text().splitlines(), 1) if trick.search(line)]
    assert not found, found
