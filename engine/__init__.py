"""impasse: replay and simulate post-election political crises against constitutional rules held as data."""

from engine.errors import ImpasseError
from engine.packs import load_pack
from engine.thresholds import evaluate, parse_threshold, render

__all__ = ["ImpasseError", "evaluate", "load_pack", "parse_threshold", "render"]
