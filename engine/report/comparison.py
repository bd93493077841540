"""The text and JSON of ``impasse whatif``: what a variant changes against the baseline, in words and as
data built through the key table :data:`WHATIF` (its published schema)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.report.sentences import finding_text
from engine.report.text import yes_no
from engine.report.view import reading_view
from engine.sim.jsonkeys import Key, Table, build
from engine.timeline.state import get

if TYPE_CHECKING:
    from engine.sim.whatif import Comparison

__all__ = ["WHATIF", "comparison_data", "comparison_text", "outcome_changes"]

_PHASE = Table("phase", "a phase first reached on different days (or in one timeline only)", (
    Key("phase", "string", "the phase"),
    Key("baseline", "date", "the day the baseline first reached it (null: never)", null=True),
    Key("variant", "date", "the day the variant first reached it (null: never)", null=True),
))
_LEVEL = Table("level_change", "an impasse level reached on a day in one timeline only", (
    Key("timeline", "string", "baseline or variant"),
    Key("at", "date", "the day"),
    Key("level", "string", "the level reached"),
))
_DEADLINE = Table("deadline_outcome", "a deadline whose outcome differs", (
    Key("rule", "string", "the deadline rule", null=True),
    Key("baseline", "string", "met, missed or lapsed, and the day, in the baseline (null: not decided)", null=True),
    Key("variant", "string", "the same in the variant (null: not decided)", null=True),
))
_FINDING = Table("changed_finding", "a finding that appears, disappears, changes verdict or changes numbers", (
    Key("change", "string", "appears, disappears, verdict changes or numbers change"),
    Key("event", "string", "the id of the event judged", null=True),
    Key("at", "date", "the event's day"),
    Key("rule", "string", "the rule judged by", null=True),
    Key("interpretation", "string", "the reading (null: the pack's own)", null=True),
    Key("verdict", "string", "the variant's verdict (the baseline's, for a finding that disappears)"),
    Key("message", "string", "the variant's finding in words (the baseline's, for a finding that disappears)"),
    Key("baseline_verdict", "string", "the baseline's verdict, where both timelines judged the act", optional=True),
    Key("baseline_message", "string", "the baseline's finding in words, where both timelines judged the act",
        optional=True),
))
_SKIPPED = Table("skipped_event", "a recorded event that cannot happen in the variant's history", (
    Key("event", "string", "its id", null=True),
    Key("at", "date", "its day"),
    Key("type", "string", "its type"),
    Key("reason", "string", "why it cannot happen"),
))
#: ``impasse whatif --format json`` (docs/simulation.md): what :func:`comparison_data` builds.
WHATIF = Table("whatif", "What a what-if variant changes against the baseline (docs/simulation.md)", (
    Key("same", "boolean", "the variant replays exactly like the baseline"),
    Key("phases", "list", "phases first reached on different days", of=_PHASE),
    Key("impasse", "list", "impasse levels reached on different days", of=_LEVEL),
    Key("deadlines", "list", "deadlines met or missed differently", of=_DEADLINE),
    Key("findings", "list", "findings that differ, by day", of=_FINDING),
    Key("skipped", "list", "recorded events the variant's history cannot hold", of=_SKIPPED),
))

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
    """What a variant changes, as JSON-ready data (docs/simulation.md), built through :data:`WHATIF`."""
    return build(WHATIF, {"same": comparison.same, "phases": comparison.phases, "impasse": comparison.impasse,
                          "deadlines": comparison.deadlines, "findings": _worded(comparison),
                          "skipped": comparison.skipped})


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
