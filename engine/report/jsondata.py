"""The JSON output of ``impasse replay`` and ``impasse state``: the contract of docs/replay-format.md.

Builds JSON-ready data from the view model (keys in the documented order; dates stay dates until
:func:`dumps` writes them as ISO text).
"""

from __future__ import annotations

from typing import Any

from engine.report.jsontext import dumps
from engine.report.view import DeadlineView, FindingView, ReadingView, ReversalView, StateView, StepView, TimelineView

__all__ = ["dumps", "state_data", "timeline_data"]


def timeline_data(view: TimelineView) -> dict[str, Any]:
    """The replay as one JSON-ready object (``law_as_of`` and ``reversed`` only where the law's date matters:
    judged as of a date, or findings a retrospective amendment reversed)."""
    s = view.scenario
    data: dict[str, Any] = {
        "scenario": {"id": s.id, "title": s.title, "country": s.country, "constitution": s.constitution,
                     "body": s.body, "path": s.path, "sources": list(s.sources), "notes": list(s.notes)},
        "interpretations": [_reading(r) for r in view.readings],
        "steps": [_step(step) for step in view.steps],
        "final": state_data(view.final),
    }
    # how the formation level rose and fell: beside the final level, as a step's keys are fixed
    data["final"]["formation_history"] = [{"at": c.at, "event": c.event, "interpretation": c.reading,
                                           "level": c.level} for c in view.formation_history]
    if view.law_as_of is not None or view.reversed:
        data["law_as_of"] = view.law_as_of
        data["reversed"] = [_reversal(r) for r in view.reversed]
    return data


def _reversal(r: ReversalView) -> dict[str, Any]:
    return {"at": r.at, "event": r.event, "rule": r.rule, "interpretation": r.reading, "amendment": r.amendment,
            "believed_until": r.believed_until, "before": None if r.before is None else _finding(r.before),
            "holds_from": r.holds_from, "after": None if r.after is None else _finding(r.after)}


def state_data(view: StateView) -> dict[str, Any]:
    """A state as JSON-ready data (``final`` of a replay, and ``impasse state --format json``)."""
    return {
        "as_of": view.as_of,
        "phase": view.phase,
        "impasse": view.impasse,
        "impasse_reasons": list(view.impasse_reasons),
        "body_size": view.body_size,
        "seats": dict(view.seats),
        "seated": dict(view.seated),
        "rejecting": list(view.rejecting),
        "complaints_pending": view.complaints_pending,
        "legal_avenues_exhausted": view.avenues_exhausted,
        "boycotts": [{"party": p, "of": t} for p, t in view.boycotts],
        "government": view.government,
        "deadlines": [_deadline(d) for d in view.deadlines],
        "missed_deadlines": list(view.missed),
        "overdue": list(view.overdue),
        "upcoming": [{"id": g.id, "kind": g.kind, "organiser": g.organiser, "from": g.first_day, "to": g.last_day}
                     for g in view.upcoming],
        "readings": [{"interpretation": r.reading.id, "opened_lawfully": r.opened_lawfully,
                      "government_lawful": r.government_lawful, "government_status": r.government_status}
                     for r in view.readings],
        "formation": [{"interpretation": f.reading, "level": f.level, "since": f.since, "days": f.days,
                       "reasons": list(f.reasons)} for f in view.formation],
        "law_as_of": view.law_as_of,
        "vacant_seats": view.vacant,
        "annulled_elections": [{"poll": poll, "constituencies": list(where)} for poll, where in view.annulled],
        "void_acts": list(view.void_acts),
    }


def _reading(reading: ReadingView) -> dict[str, Any]:
    if reading.id is None:  # the pack's own reading has a name and nothing more
        return {"id": None, "name": reading.name}
    return {"id": reading.id, "name": reading.name, "holder": reading.holder, "claim": reading.claim,
            "source": list(reading.source)}


def _step(step: StepView) -> dict[str, Any]:
    return {
        "at": step.at,
        "time": step.time,
        "event": dict(step.event),
        "summary": step.summary,
        "line": step.line,
        "phase": step.phase,
        "impasse": step.impasse,
        "impasse_reasons": list(step.impasse_reasons),
        "derived": step.derived,
        "findings": [_finding(f) for f in step.findings],
        "deadlines": [_deadline(d) for d in step.deadlines],
        "formation": [{"interpretation": f.reading, "level": f.level} for f in step.formation],
    }


def _finding(f: FindingView) -> dict[str, Any]:
    return {"verdict": f.verdict, "interpretation": f.reading, "rule": f.rule, "article": f.article,
            "message": f.text, "required": f.required, "count": f.count, "reason": f.reason,
            "code": f.code, "unit": f.unit, "threshold": f.threshold, "version": f.version,
            "amendment": f.amendment, "sources": list(f.sources), "subject": f.subject,
            "details": {k: list(v) if isinstance(v, tuple) else v for k, v in f.details}}


def _deadline(d: DeadlineView) -> dict[str, Any]:
    return {"rule": d.rule, "title": d.title, "article": d.article, "start": d.start, "due": d.due,
            "days_left": d.days_left}
