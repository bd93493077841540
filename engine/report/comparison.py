"""The text of ``impasse whatif``: what a variant changes against the baseline, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.sim.whatif import Comparison

__all__ = ["comparison_text"]


def comparison_text(comparison: Comparison) -> str:
    """What a what-if variant changes, in words."""
    if comparison.same:
        return "No difference: the variant replays exactly like the baseline."
    out = []
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
        for f in comparison.findings:
            reading = f" [{f['interpretation']}]" if f["interpretation"] else ""
            if f["change"] in ("verdict changes", "numbers change"):
                verdict = f"{f['baseline_verdict']} -> {f['verdict']}"
            else:
                verdict = f["verdict"]
            out.append(f"  {f['at']} {f['change']}{reading}: {verdict}: {f['message']}")
    return "\n".join(out)
