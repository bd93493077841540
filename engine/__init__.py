"""impasse: replay and simulate post-election political crises against constitutional rules held as data.

The front door: load a scenario, replay it, ask threshold questions.

>>> from engine import parse_threshold, render
>>> render(parse_threshold("majority of all members"))
'more than 1/2 of all members'
"""

from engine.constitution import Constitution
from engine.errors import EngineError, ImpasseError, PackError, ScenarioError, ThresholdSyntaxError
from engine.machine import Finding, Rules, Step, transition
from engine.packs import load_pack
from engine.replay import Timeline, replay, replay_scenario, state_at
from engine.scenario import Scenario, load_scenario
from engine.thresholds import evaluate, parse_threshold, render

__all__ = [
    "Constitution",
    "EngineError",
    "Finding",
    "ImpasseError",
    "PackError",
    "Rules",
    "Scenario",
    "ScenarioError",
    "Step",
    "ThresholdSyntaxError",
    "Timeline",
    "evaluate",
    "load_pack",
    "load_scenario",
    "parse_threshold",
    "render",
    "replay",
    "replay_scenario",
    "state_at",
    "transition",
]
