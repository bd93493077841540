"""The text of one-off threshold answers (``impasse quorum`` and ``impasse majority``)."""

from __future__ import annotations

from engine.rules.ask import Answer
from engine.rules.thresholds import render

__all__ = ["answer_text"]


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
