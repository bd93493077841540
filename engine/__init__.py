"""impasse: replay and simulate post-election political crises against constitutional rules held as data.

The front door: load a scenario, replay it, ask threshold questions.

>>> from engine import parse_threshold, render
>>> render(parse_threshold("majority of all members"))
'more than 1/2 of all members'

Names are imported when first used (PEP 562), so ``import engine`` and the command line's
``--help`` load nothing they do not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.crisis import law_for, replay_scenario
    from engine.errors import EngineError, ImpasseError, PackError, ScenarioError, ThresholdSyntaxError
    from engine.files.packs import load_pack
    from engine.files.scenarios import Scenario, load_scenario
    from engine.rules.constitution import Constitution
    from engine.rules.thresholds import evaluate, parse_threshold, render
    from engine.timeline.machine import Finding, Law, Step, transition
    from engine.timeline.replay import Timeline, replay, state_at

#: where each public name lives
_HOMES = {
    "Constitution": "engine.rules.constitution",
    "EngineError": "engine.errors",
    "Finding": "engine.timeline.machine",
    "ImpasseError": "engine.errors",
    "Law": "engine.timeline.machine",
    "PackError": "engine.errors",
    "Scenario": "engine.files.scenarios",
    "ScenarioError": "engine.errors",
    "Step": "engine.timeline.machine",
    "ThresholdSyntaxError": "engine.errors",
    "Timeline": "engine.timeline.replay",
    "evaluate": "engine.rules.thresholds",
    "law_for": "engine.crisis",
    "load_pack": "engine.files.packs",
    "load_scenario": "engine.files.scenarios",
    "parse_threshold": "engine.rules.thresholds",
    "render": "engine.rules.thresholds",
    "replay": "engine.timeline.replay",
    "replay_scenario": "engine.crisis",
    "state_at": "engine.timeline.replay",
    "transition": "engine.timeline.machine",
}

__all__ = [
    "Constitution",
    "EngineError",
    "Finding",
    "ImpasseError",
    "Law",
    "PackError",
    "Scenario",
    "ScenarioError",
    "Step",
    "ThresholdSyntaxError",
    "Timeline",
    "evaluate",
    "law_for",
    "load_pack",
    "load_scenario",
    "parse_threshold",
    "render",
    "replay",
    "replay_scenario",
    "state_at",
    "transition",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module 'engine' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
