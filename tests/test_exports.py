"""The front door and the layering: what engine exports, and what the pure core may import."""

from __future__ import annotations

import ast
from pathlib import Path

import engine

PURE = ("thresholds", "constitution", "events", "state", "machine", "vocab", "errors")
FORBIDDEN = {"simpy", "click", "rich", "yaml", "sqlite3", "random", "time", "os", "io"}


def test_exported_members() -> None:
    """engine.__all__ is exactly the intended front door, and every name resolves."""
    assert set(engine.__all__) == {
        "Constitution", "EngineError", "Finding", "ImpasseError", "PackError", "Rules", "Scenario",
        "ScenarioError", "Step", "ThresholdSyntaxError", "Timeline", "evaluate", "load_pack", "load_scenario",
        "parse_threshold", "render", "replay", "replay_scenario", "state_at", "transition",
    }
    for name in engine.__all__:
        assert getattr(engine, name) is not None


def _imports(module: str) -> set[str]:
    tree = ast.parse(Path("engine", f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pure_core_does_no_io() -> None:
    """The core modules import no SimPy, click, rich, YAML, sqlite, random or OS modules."""
    for module in PURE:
        bad = _imports(module) & FORBIDDEN
        assert not bad, f"engine/{module}.py imports {bad}"
    for module in PURE:
        source = Path("engine", f"{module}.py").read_text()
        assert "date.today" not in source and "datetime.now" not in source
