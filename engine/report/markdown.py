"""The Markdown outputs: the report of ``impasse replay`` (a legend, readings by name, a table, every
finding in full, notes, numbered references), and those of ``state``, ``whatif`` and ``simulate``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.report.ensemble import fallback_text
from engine.report.text import MARK, final_text, formation_lines, short, yes_no
from engine.report.view import PACK_READING, StateView, StepView, TimelineView

__all__ = ["LEGEND", "comparison_markdown", "ensemble_markdown", "state_markdown", "timeline_markdown"]

#: what a verdict cell says, under the table of a replay
LEGEND = ("**Legend.** A cell reads *VERDICT counted/required rule*: `VIOLATION 68/120 opening-quorum` is 68 "
          "counted where the rule required 120. A quorum counts members present, a decision votes in favour, "
          "a deadline days (the act came on day *counted* of *required*). OK: the rule was met; VIOLATION: it "
          "was broken; WARNING: doubtful. A reading's column also shows the rules no reading changes. "
          "Bracketed numbers are the references at the end.")


class _References:
    """Sources numbered once, in order of first citation."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cite(self, sources: tuple[str, ...] | list[str]) -> str:
        for s in sources:
            self.numbers.setdefault(s, len(self.numbers) + 1)
        return "".join(f" [{self.numbers[s]}]" for s in sources)

    def lines(self) -> list[str]:
        return [f"{n}. {_link(s)}" for s, n in self.numbers.items()]


def _link(source: str) -> str:
    # a URL as an autolink (renders clickable everywhere); a citation in words as it is
    return f"<{source}>" if source.startswith(("http://", "https://")) and " " not in source else _escape(source)


def _escape(text: str) -> str:
    """Text that keeps a table cell or list item intact: '|' would split a cell, a line break end it."""
    return " ".join(text.replace("|", "/").split())


def _event_sources(event: Mapping[str, Any]) -> tuple[str, ...]:
    given = event.get("source")
    if not given:
        return ()
    return (str(given),) if isinstance(given, str) else tuple(str(s) for s in given)


def timeline_markdown(view: TimelineView) -> str:
    """The replay as a Markdown document: the readings, a table with its legend, every finding in full,
    the notes and the numbered references."""
    refs = _References()
    readings = [r.id for r in view.readings]
    head = ["date", "event", "phase", "impasse", *[_escape(r.name) for r in view.readings]]
    s = view.scenario
    rows = [f"# {s.title}", "",
            f"Scenario `{s.id}` ({s.path}); constitution `{s.constitution}`." + refs.cite(s.sources), ""]
    if view.law_as_of is not None:
        rows += [f"Judged by the law as it stood on {view.law_as_of.isoformat()}.", ""]
    rows += ["## Readings", ""]
    for reading in view.readings:
        if reading.id is None:
            rows.append(f"- **{reading.name}**: the rules as the constitution pack holds them")
            continue
        held = f", held by {_escape(reading.holder)}" if reading.holder else ""
        rows.append(f"- **{_escape(reading.name)}** (`{reading.id}`){held}"
                    + (f": {_escape(reading.claim)}" if reading.claim else "") + refs.cite(reading.source))
    rows += ["", "## Timeline", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for step in view.steps:
        cells = [_cell(step, reading) for reading in readings]
        event = _escape(step.summary) + refs.cite(_event_sources(step.event))
        rows.append("| " + " | ".join([step.at.isoformat(), event, step.phase, step.impasse, *cells]) + " |")
    rows += ["", LEGEND, "", "## Findings", ""]
    for step in view.steps:
        for f in step.findings:
            named = "" if f.reading is None else f" *({f.reading_name or f.reading})*"
            rows.append(f"- **{step.at.isoformat()}** {MARK[f.verdict]}{named}: {f.text}"
                        + (f" (event `{step.id}`)" if step.id else "") + refs.cite(f.sources))
    if view.reversed:
        rows += ["", "## Reversed by retrospective amendments", ""]
        for r in view.reversed:
            before = "nothing" if r.before is None else f"{MARK[r.before.verdict]} {r.before.text}"
            after = "no such finding" if r.after is None else f"{MARK[r.after.verdict]} {r.after.text}"
            rows.append(f"- **{r.at.isoformat()}** amendment `{r.amendment}`: believed until "
                        f"{r.believed_until.isoformat()}: {before}; holds from {r.holds_from.isoformat()}: {after}")
    if view.formation_history:
        names = {r.id: r.name for r in view.readings}
        rows += ["", "## Formation level", ""]
        rows += [f"- **{c.at.isoformat()}** {c.level}"
                 + ("" if c.reading is None else f" *({names.get(c.reading, c.reading)})*")
                 for c in view.formation_history]
    rows += ["", "## Outcome", "", "```", final_text(view.final), "```", ""]
    if s.notes:
        rows += ["## Notes", "", *[f"- {_escape(n)}" for n in s.notes], ""]
    if refs.numbers:
        rows += ["## References", "", *refs.lines(), ""]
    return "\n".join(rows)


def _cell(step: StepView, reading: str | None) -> str:
    # a reading's column also shows the rules no reading changes (they bind under every reading)
    mine = [f for f in step.findings if f.reading == reading or (f.reading is None and f.rule)]
    return "<br>".join(short(f) + (f" {f.rule}" if f.rule else "") for f in mine if f.verdict != "info")


def state_markdown(view: StateView) -> str:
    """The state at a date (``impasse state --format markdown``)."""
    out = [f"# State as of {view.as_of.isoformat() if view.as_of else '-'}", "",
           f"Phase **{view.phase}**; impasse **{view.impasse}**.", ""]
    if view.impasse_reasons:  # a list, then a blank line: a line right after it would join its last item
        out += [*(f"- {reason}" for reason in view.impasse_reasons), ""]
    out += [line[0].upper() + line[1:] + "\n" for line in formation_lines(view.formation)]
    if view.law_as_of is not None:
        out.append(f"Judged by the law as it stood on {view.law_as_of.isoformat()}.\n")
    out += ["## Readings", "", "| reading | assembly lawfully constituted | government lawfully installed |",
            "|---|---|---|"]
    for r in view.readings:
        status = f" ({r.government_status})" if r.government_status else ""
        out.append(f"| {_escape(r.reading.name)} | {yes_no(r.opened_lawfully)} | "
                   f"{yes_no(r.government_lawful)}{status} |")
    if view.seats:
        of = "" if view.body_size is None else f" of {view.body_size}"
        seated = dict(view.seated)
        out += ["", f"## Seats{of}", "", "| party | seats | seated |", "|---|---|---|"]
        out += [f"| {_escape(p)} | {n} | {seated.get(p, '')} |" for p, n in view.seats]
    out += ["", "## Standing", "",
            f"- Rejecting the results: {', '.join(view.rejecting) or 'nobody'}",
            f"- Complaints pending: {view.complaints_pending}; legal avenues exhausted: "
            f"{yes_no(view.avenues_exhausted)}",
            "- Boycotts: " + (", ".join(f"{p} of {t}" for p, t in view.boycotts) or "none"),
            f"- Government: {view.government or 'none'}"]
    if view.deadlines:
        out += ["", "## Deadlines running", "", "| deadline | article | due | days left |", "|---|---|---|---|"]
        out += [f"| {_escape(d.title)} | {d.article} | {d.due.isoformat()} | "
                f"{'' if d.days_left is None else d.days_left} |" for d in view.deadlines]
    if view.missed:
        out += ["", "Deadlines missed: " + ", ".join(view.missed)]
    if view.upcoming:
        out += ["", "## Upcoming", ""]
        out += [f"- {g.kind} by {_escape(g.organiser)} from {g.first_day} to {g.last_day}" for g in view.upcoming]
    return "\n".join([*out, ""])


def comparison_markdown(data: Mapping[str, Any], names: Mapping[str | None, str]) -> str:
    """What a what-if variant changes (``data``: the JSON of ``impasse whatif``), readings by name."""
    out = ["# What the variant changes", ""]
    if data["same"]:
        return "\n".join([*out, "No difference: the variant replays exactly like the baseline.", ""])
    if data["phases"]:
        out += ["## Phases reached", "", "| phase | baseline | variant |", "|---|---|---|"]
        out += [f"| {p['phase']} | {p['baseline'] or 'never'} | {p['variant'] or 'never'} |" for p in data["phases"]]
        out.append("")
    if data["impasse"]:
        out += ["## Impasse level changes only in one timeline", ""]
        out += [f"- {i['timeline']}: {i['at']} → {i['level']}" for i in data["impasse"]]
        out.append("")
    if data["deadlines"]:
        out += ["## Deadlines", "", "| deadline | baseline | variant |", "|---|---|---|"]
        out += [f"| {d['rule']} | {d['baseline'] or 'not decided'} | {d['variant'] or 'not decided'} |"
                for d in data["deadlines"]]
        out.append("")
    if data["skipped"]:
        out += ["## Events that cannot happen in the variant (skipped)", ""]
        out += [f"- {e['at']} `{e['event']}`: {_escape(str(e['reason']))}" for e in data["skipped"]]
        out.append("")
    if data["findings"]:
        out += ["## Findings", "", "| date | event | reading | change | baseline | variant | finding |",
                "|---|---|---|---|---|---|---|"]
        for f in data["findings"]:
            reading = names.get(f["interpretation"], f["interpretation"]) if f["interpretation"] else "every reading"
            # a finding that disappears was the baseline's; one that appears is the variant's alone
            if f["change"] == "disappears":
                before, after = MARK[f["verdict"]], "none"
            elif f["change"] == "appears":
                before, after = "none", MARK[f["verdict"]]
            else:
                before, after = MARK[f["baseline_verdict"]], MARK[f["verdict"]]
            out.append(f"| {f['at']} | `{f['event']}` | {_escape(reading)} | {f['change']} | {before} | "
                       f"{after} | {_escape(f['message'])} |")
        out.append("")
    return "\n".join(out)


def ensemble_markdown(data: Mapping[str, Any], names: Mapping[str | None, str]) -> str:
    """An ensemble (``data``: the JSON of ``impasse simulate``): probabilities with their 95 % Wilson
    intervals as computed, the days to resolution and their histogram."""
    out = [f"# {data['scenario']}: {data['runs']} runs, seed {data['seed']}", "",
           "Probabilities with their 95 % Wilson intervals.", "",
           "| reading | opens lawfully by deadline | opens lawfully at all | government lawful |", "|---|---|---|---|"]
    for row in data["outcomes"]:
        cells = [_pct(row[k]) for k in ("opened_by_deadline", "opened_ever", "government_lawful")]
        name = names.get(row["interpretation"], PACK_READING)
        out.append(f"| {_escape(name)} | " + " | ".join(cells) + " |")
    days = data["impasse_days"]
    out += ["", f"Impasse resolved within the horizon: {_pct(days['resolved'])} ({days['resolved']['runs']} runs)."]
    if "median" in days:
        out.append(f"Days from the poll to resolution: median {days['median']:.0f}, 10–90 % {days['p10']:.0f}–"
                   f"{days['p90']:.0f}, mean {days['mean']:.1f} "
                   f"(95 % CI {days['mean_low']:.1f}–{days['mean_high']:.1f}).")
    if data.get("histogram"):
        out += ["", "| days to resolution | runs |", "|---|---|"]
        out += [f"| {low}–{high} | {n} |" for low, high, n in data["histogram"]]
    fallback = fallback_text(data, dash="–")
    if fallback:
        out += ["", fallback]
    out += ["", f"Mean defections per run: {data['defections']['mean']:.2f}; events skipped per run (could not "
                f"happen in that history): {data['skipped_events']['mean']:.2f}.", ""]
    return "\n".join(out)


def _pct(cell: Mapping[str, Any]) -> str:
    """A proportion and its interval, the bounds with the digits it takes not to round onto 0 or 100 %."""
    return f"{_percent(cell['p'])} % [{_percent(cell['low'])}, {_percent(cell['high'])}]"


def _percent(x: float) -> str:
    for digits in (1, 2, 3, 4):
        text = f"{100 * x:.{digits}f}"
        if (float(text) not in (0.0, 100.0)) or x in (0.0, 1.0):
            return text
    return text
