"""Renderers: pure functions from engine results to text, JSON-ready data, Markdown or rich tables.

No political logic lives here: every number and verdict comes from the engine.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from rich.console import Console

from engine.constitution import Constitution, Rule, RuleSet
from engine.questions import Answer
from engine.thresholds import render

__all__ = ["answer_text", "dumps", "rules_data", "rules_text", "to_text"]


def dumps(data: Any) -> str:
    """JSON text, stable key order as built, UTF-8 kept readable."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    msg = f"cannot serialise {type(value).__name__}"
    raise TypeError(msg)


def answer_text(answer: Answer) -> str:
    """A short verdict such as ``Quorum met: 68 members present, 62 required …``."""
    o = answer.outcome
    if answer.question == "quorum":
        head = "Quorum met" if o.satisfied else "Quorum NOT met"
    else:
        head = "Majority reached" if o.satisfied else "Majority NOT reached"
    sign = "+" if o.margin >= 0 else ""
    lines = [
        f"{head}: {o.count} {o.measures}, {o.required} required ({render(answer.threshold)}; "
        f"{answer.counts.all_members} members); margin {sign}{o.margin}."
    ]
    for part in o.parts:
        mark = "met" if part.satisfied else "not met"
        lines.append(f"  - {render(part.threshold)}: {part.count} {part.measures}, {part.required} required: {mark}")
    return "\n".join(lines)


def _rule_row(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind.value,
        "title": rule.title,
        "body": rule.body,
        "applies_to": sorted(rule.applies_to),
        "requirement": rule.requirement,
        "threshold": None if rule.threshold is None else render(rule.threshold),
        "days": rule.days,
        "article": rule.article,
        "text": rule.text,
        "since": rule.since,
        "until": rule.until,
        "amendment": rule.amendment,
        "interpretation": rule.interpretation,
        "source": list(rule.source),
        "note": rule.note,
    }


def rules_data(pack: Constitution, ruleset: RuleSet) -> dict[str, Any]:
    """The rules in force, with citations, as plain data."""
    interp = ruleset.interpretation
    return {
        "pack": pack.id,
        "name": pack.name,
        "on": ruleset.on,
        "interpretation": None
        if interp is None
        else {"id": interp.id, "name": interp.name, "holder": interp.holder, "claim": interp.claim, "source": list(interp.source)},
        "bodies": [{"id": b.id, "name": b.name, "seats": b.size_on(ruleset.on), "minimum": b.minimum, "article": b.article} for b in pack.bodies],
        "rules": [_rule_row(r) for r in ruleset.rules],
        "interpretations_available": [i.id for i in pack.interpretations],
        "missing": list(pack.missing),
    }


def to_text(renderable: Any, width: int = 120) -> str:
    """Render a rich object to plain text (no colour) of the given width."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False).print(renderable)
    return buffer.getvalue()


def rules_text(pack: Constitution, ruleset: RuleSet) -> str:
    """The rules in force on a date, one block per rule, with article, text and sources."""
    interp = ruleset.interpretation
    out = [f"{pack.name}: rules in force on {ruleset.on.isoformat()}"]
    if interp is None:
        out.append("Reading: the pack's own")
    else:
        out.append(f"Reading: {interp.name} ({interp.id}), held by {interp.holder}")
        out.append(f"  claim: {interp.claim}")
    for body in pack.bodies:
        minimum = f" (minimum {body.minimum}, Art. {body.article})" if body.minimum else ""
        out.append(f"{body.name}: {body.size_on(ruleset.on)} seats{minimum}")
    for rule in ruleset.rules:
        applies = ", ".join(sorted(rule.applies_to)) or "all"
        tag = f"; reading: {rule.interpretation}" if rule.interpretation else ""
        out.append("")
        out.append(f"{rule.id}  [{rule.kind.value}: {applies}{tag}]")
        out.append(f"  {rule.title}")
        out.append(f"  requires: {rule.requirement}")
        out.append(f"  article:  {rule.article}")
        if rule.text:
            out.append(f"  text:     {rule.text}")
        if rule.since or rule.until:
            span = f"{rule.since or '...'} to {rule.until or 'now'}"
            out.append(f"  in force: {span}" + (f" ({rule.amendment})" if rule.amendment else ""))
        for i, src in enumerate(rule.source):
            out.append(("  source:   " if i == 0 else "            ") + src)
        if rule.note:
            out.append(f"  note:     {rule.note}")
    return "\n".join(out)
