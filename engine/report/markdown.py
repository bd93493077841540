"""The Markdown output of ``impasse replay``: a table, every finding in full, the outcome."""

from __future__ import annotations

from engine.report.text import MARK, final_text, short
from engine.report.view import StepView, TimelineView

__all__ = ["timeline_markdown"]


def timeline_markdown(view: TimelineView) -> str:
    """The replay as a Markdown document: a table, then every finding in full."""
    readings = [r.id for r in view.readings]
    head = ["date", "event", "phase", "impasse", *[("pack" if r is None else r) for r in readings]]
    s = view.scenario
    rows = [f"# {s.title}", "", f"Scenario `{s.id}` ({s.path}); constitution `{s.constitution}`.", "",
            "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for step in view.steps:
        cells = [_cell(step, reading) for reading in readings]
        rows.append("| " + " | ".join([step.at.isoformat(), step.summary.replace("|", "/"), step.phase, step.impasse,
                                      *cells]) + " |")
    rows += ["", "## Findings", ""]
    for step in view.steps:
        for f in step.findings:
            reading = "" if f.reading is None else f" *({f.reading_name})*"
            rows.append(f"- **{step.at.isoformat()}** {MARK[f.verdict]}{reading}: {f.text}")
    if view.reversed:
        rows += ["", "## Reversed by retrospective amendments", ""]
        for r in view.reversed:
            before = "nothing" if r.before is None else f"{MARK[r.before.verdict]} {r.before.text}"
            after = "no such finding" if r.after is None else f"{MARK[r.after.verdict]} {r.after.text}"
            rows.append(f"- **{r.at.isoformat()}** amendment `{r.amendment}`: believed until "
                        f"{r.believed_until.isoformat()}: {before}; holds from {r.holds_from.isoformat()}: {after}")
    if view.formation_history:
        rows += ["", "## Formation level", ""]
        rows += [f"- **{c.at.isoformat()}** {c.level}" + ("" if c.reading is None else f" *({c.reading})*")
                 for c in view.formation_history]
    rows += ["", "## Outcome", "", "```", final_text(view.final), "```", ""]
    return "\n".join(rows)


def _cell(step: StepView, reading: str | None) -> str:
    # a reading's column also shows the rules no reading changes (they bind under every reading)
    mine = [f for f in step.findings if f.reading == reading or (f.reading is None and f.rule)]
    return "<br>".join(short(f) + (f" {f.rule}" if f.rule else "") for f in mine if f.verdict != "info")
