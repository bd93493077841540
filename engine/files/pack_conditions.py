"""A quorum rule's convening condition in a pack: the share of the body's seats that must be filled
before it may sit (``seats_filled``), read and checked here."""

from __future__ import annotations

from typing import Any

from engine.errors import ThresholdSyntaxError
from engine.files.keys import CONDITION, names
from engine.files.located_yaml import Located
from engine.rules.constitution import Rule, RuleKind
from engine.rules.thresholds import parse_threshold

__all__ = ["CONDITION_KEYS", "read_conditions"]

#: the keys this module reads, on a version, a rule or an override (their table: engine/files/keys.py)
CONDITION_KEYS = names(CONDITION)


def read_conditions(d: Located, pick: Any, kind: RuleKind, base: Rule | None) -> dict[str, Any]:
    """The convening condition of one version, checked (inherited from ``base`` when not given).

    Args:
        d: the pack's located YAML.
        pick: ``pick(key) -> (path, value)``, the version's own value or its rule's default.
        kind: the rule's kind (only a quorum rule, which governs sittings, has a convening condition).
        base: the rule an override inherits from, if any.
    """
    where, raw = pick("seats_filled")
    if raw is None:
        return {"seats_filled": base.seats_filled} if base is not None and base.kind is kind else {}
    if kind is not RuleKind.QUORUM:
        raise d.fail(where, "only a quorum rule has 'seats_filled' (the seats filled before its sittings may be held)")
    if not isinstance(raw, str):
        raise d.fail(where, f"must be threshold text, like 'at least 2/3 of all members' (got {raw!r})")
    try:
        return {"seats_filled": parse_threshold(raw)}
    except ThresholdSyntaxError as exc:
        raise d.fail(where, str(exc)) from None
