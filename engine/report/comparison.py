"""The text of ``impasse whatif``: what a variant changes against the baseline, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.report.sentences import finding_text
from engine.report.text import yes_no
from engine.report.view import reading_view
from engine.timeline.state import get

if TYPE_CHECKING:
    from engine.sim.whatif import Comparison

__all__ = ["comparison_data", "comparison_text", "outcome_changes"]

#: the per-reading outcomes a what-if answers first, as the final state holds them and as they are worded
_OUTCOMES = (("opened_lawfully", "assembly lawfully constituted"),
             ("government_lawful", "government lawfully installed"))


def _worded(comparison: Comparison) -> list[dict[str, Any]]:
    """The changed findings with their sentences: ``message`` (the variant's or, for a finding that
    disappears, the baseline's) and ``baseline_message``."""
    out = []
    for item in comparison.findings:
        law = comparison.baseline.law if item["change"] == "disappears" else comparison.variant.law
        entry: dict[str, Any] = {}
        for key, value in item.items():  # the sentences take the findings' places, keys in order
            if key == "finding":
                entry["message"] = finding_text(value, law)
            elif key == "baseline_finding":
                entry["baseline_message"] = finding_text(value, comparison.baseline.law)
            else:
                entry[key] = value
        out.append(entry)
    return out


def outcome_changes(comparison: Comparison) -> tuple[str, ...]:
    """The answer a what-if is asked for, one line per reading whose outcome the variant changes, the
    reading by name: ``government lawfully installed under the opposition's reading: NO → yes``.

    An outcome not yet decided at the end of a timeline reads ``n/a``. Empty when no reading's
    outcome changes (the details may still differ).
    """
    law = comparison.baseline.law
    before, after = comparison.baseline.final, comparison.variant.final
    out = []
    for reading in law.readings:
        name = reading_view(law, reading).name
        for field, words in _OUTCOMES:
            old, new = get(getattr(before, field), reading), get(getattr(after, field), reading)
            if old != new:
                out.append(f"{words} under {name}: {yes_no(old)} → {yes_no(new)}")
    return tuple(out)


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    """What a variant changes, as JSON-ready data (docs/simulation.md)."""
    return {"same": comparison.same, "phases": list(comparison.phases), "impasse": list(comparison.impasse),
            "deadlines": list(comparison.deadlines), "findings": _worded(comparison),
            "skipped": list(comparison.skipped)}


def comparison_text(comparison: Comparison) -> str:
    """What a what-if variant changes, in words."""
    if comparison.same:
        return "No difference: the variant replays exactly like the baseline."
    answer = outcome_changes(comparison)
    out = ["Outcome:", *(f"  {line}" for line in answer)] if answer else ["Outcome: no reading's outcome changes."]
    names = {r: reading_view(comparison.baseline.law, r).name for r in comparison.baseline.law.readings}
    if comparison.phases:
        out.append("Phases reached:")
        for p in comparison.phases:
            out.append(f"  {p['phase']}: baseline {p['baseline'] or 'never'}, variant {p['variant'] or 'never'}")
    if comparison.impasse:
        out.append("Impasse level changes only in one timeline:")
        for i in comparison.impasse:
            out.append(f"  {i['timeline']}: {i['at']} -> {i['level']}")
    if comparison.deadlines:
        out.append("Deadlines:")
        for d in comparison.deadlines:
            out.append(f"  {d['rule']}: baseline {d['baseline'] or 'not decided'}; "
                       f"variant {d['variant'] or 'not decided'}")
    if comparison.skipped:
        out.append("Events that cannot happen in the variant (skipped):")
        for e in comparison.skipped:
            out.append(f"  {e['at']} {e['event']}: {e['reason']}")
    if comparison.findings:
        out.append("Findings:")
        for f in _worded(comparison):
            reading = f" [{names.get(f['interpretation'], f['interpretation'])}]" if f["interpretation"] else ""
            if f["change"] in ("verdict changes", "numbers change"):
                verdict = f"{f['baseline_verdict']} -> {f['verdict']}"
            else:
                verdict = f["verdict"]
            out.append(f"  {f['at']} {f['change']}{reading}: {verdict}: {f['message']}")
    return "\n".join(out)
