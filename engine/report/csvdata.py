"""The CSV output of ``impasse replay``: one row per finding, for spreadsheets (docs/replay-format.md).

Reads the view model only, and writes with the :mod:`csv` module, which quotes what needs quoting
(commas, quotes, line breaks in sentences and citations).
"""

from __future__ import annotations

import csv
import io

from engine.report.view import TimelineView

__all__ = ["COLUMNS", "findings_csv"]

#: the columns, in order (docs/replay-format.md describes each)
COLUMNS = ("date", "event", "reading", "verdict", "code", "rule", "article", "counted", "required", "unit",
           "message", "sources", "event_sources")

#: what joins several sources in one cell: neither a URL nor a citation's own punctuation uses it
SEPARATOR = " | "

# a cell a spreadsheet would read as a formula: scenario texts are untrusted, and a spreadsheet
# that opens the file must not run one
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def findings_csv(view: TimelineView) -> str:
    """Every finding of the replay as CSV text: a header row, then one row per finding in replay order."""
    out = io.StringIO()
    # rows end in \r\n (RFC 4180): with that ending the writer also quotes a cell holding a lone \r
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for step in view.steps:
        given = step.event.get("source")
        event_sources = () if not given else ((given,) if isinstance(given, str) else tuple(given))
        for f in step.findings:
            reading = "" if f.reading is None else (f.reading_name or f.reading)
            writer.writerow([step.at.isoformat(), _text(step.id), _text(reading), f.verdict, f.code,
                             _text(f.rule), _text(f.article), _number(f.count), _number(f.required), f.unit or "",
                             _text(f.text), _text(SEPARATOR.join(f.sources)),
                             _text(SEPARATOR.join(str(s) for s in event_sources))])
    return out.getvalue()


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA) else value


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
