"""The output of ``impasse rules``: a pack's rules in force on a date, as text and as data."""

from __future__ import annotations

from typing import Any

from engine.rules.constitution import Constitution, Rule, RulesInForce, cite
from engine.rules.thresholds import render

__all__ = ["rules_data", "rules_text"]


def rules_data(pack: Constitution, ruleset: RulesInForce) -> dict[str, Any]:
    """The rules in force, with citations, as plain data."""
    interp = ruleset.interpretation
    return {
        "pack": pack.id,
        "name": pack.name,
        "on": ruleset.on,
        "interpretation": None if interp is None else {"id": interp.id, "name": interp.name, "holder": interp.holder,
                                                       "claim": interp.claim, "source": list(interp.source)},
        "bodies": [{"id": b.id, "name": b.name, "seats": b.size_on(ruleset.on), "minimum": b.minimum,
                    "article": b.article} for b in pack.bodies],
        "rules": [_rule_row(r) for r in ruleset.rules],
        "interpretations_available": [i.id for i in pack.interpretations],
        "missing": list(pack.missing),
    }


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


def rules_text(pack: Constitution, ruleset: RulesInForce) -> str:
    """The rules in force on a date, one block per rule, with article, text and sources."""
    interp = ruleset.interpretation
    out = [f"{pack.name}: rules in force on {ruleset.on.isoformat()}"]
    if interp is None:
        out.append("Reading: the pack's own")
    else:
        out.append(f"Reading: {interp.name} ({interp.id}), held by {interp.holder}")
        out.append(f"  claim: {interp.claim}")
    for body in pack.bodies:
        minimum = f" (minimum {body.minimum}, {cite(body.article)})" if body.minimum else ""
        size = body.size_on(ruleset.on)
        seats = f"{size} seats" if size is not None else "size not set on this date"
        out.append(f"{body.name}: {seats}{minimum}")
    for rule in ruleset.rules:
        out.append("")
        out.extend(_rule_block(rule))
    return "\n".join(out)


def _rule_block(rule: Rule) -> list[str]:
    applies = ", ".join(sorted(rule.applies_to)) or "all"
    tag = f"; reading: {rule.interpretation}" if rule.interpretation else ""
    out = [f"{rule.id}  [{rule.kind.value}: {applies}{tag}]", f"  {rule.title}", f"  requires: {rule.requirement}",
           f"  article:  {rule.article}"]
    if rule.text:
        out.append(f"  text:     {rule.text}")
    if rule.since or rule.until:
        span = f"{rule.since or '...'} to {rule.until or 'now'}"
        out.append(f"  in force: {span}" + (f" ({rule.amendment})" if rule.amendment else ""))
    for i, src in enumerate(rule.source):
        out.append(("  source:   " if i == 0 else "            ") + src)
    if rule.note:
        out.append(f"  note:     {rule.note}")
    return out
