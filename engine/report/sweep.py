"""The text and CSV of ``impasse sweep``, read from the sweep's JSON data (``Sweep.to_dict``).

The text has one table per outcome: a row per point, a column per reading, each cell the
probability with its 95 % Wilson interval. It fits the width it is given: the intervals go when
the readings' columns do not fit beside the point's values, and then the readings are shown one
table each.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from engine.report.ensemble import interval_text

__all__ = ["OUTCOMES", "sweep_csv", "sweep_text"]

#: the outcomes of every run, as the ensemble's JSON names them, and their words
OUTCOMES = {"opened_by_deadline": "opens lawfully by deadline", "opened_ever": "opens lawfully at all",
            "government_lawful": "government lawful"}
_GAP = "  "


def _value(v: Any) -> str:
    return str(v)


def _short(cell: dict[str, Any]) -> str:
    return interval_text(cell).split(" [")[0]


def sweep_text(data: dict[str, Any], names: dict[Any, str], width: int = 100) -> str:
    """The sweep's tables, one per outcome, no wider than ``width`` where the values allow it."""
    readings = data["interpretations"]
    letters = [chr(ord("A") + i) if i < 26 else f"R{i + 1}" for i in range(len(readings))]
    paths = [axis["path"] for axis in data["vary"]]
    rows = [[_value(point["values"][p]) for p in paths] for point in data["points"]]
    out = [f"{data['scenario']}: {len(data['points'])} points, {data['runs']} runs each, seed {data['seed']}"]
    # x1, x2... head the columns of the paths, named above the tables (paths are long: a what-if path
    # is an event id and a field)
    heads = [f"x{k + 1}" for k in range(len(paths))]
    lead = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(heads)]
    out += [f"  {h} = {p}" for h, p in zip(heads, paths, strict=True)]
    lead_width = sum(lead) + len(_GAP) * len(lead)
    out.append("Cells: probability in %, [95 % Wilson interval]; readings:")
    out += [f"  {letter}  {names.get(r, r or 'the pack' + chr(39) + 's reading')}" for letter, r in
            zip(letters, readings, strict=True)]

    def cells(point: dict[str, Any], outcome: str, full: bool) -> list[str]:
        show = interval_text if full else _short
        return [show(row[outcome]) for row in point["outcomes"]]

    def table(outcome: str, columns: list[int], full: bool) -> list[str]:
        body = [cells(point, outcome, full) for point in data["points"]]
        sizes = [max(len(letters[c]), *(len(b[c]) for b in body)) for c in columns]
        head = _GAP.join([*(h.ljust(n) for h, n in zip(heads, lead, strict=True)),
                          *(letters[c].rjust(n) for c, n in zip(columns, sizes, strict=True))])
        lines = [head.rstrip(), "-" * len(head.rstrip())]
        for values, b in zip(rows, body, strict=True):
            lines.append(_GAP.join([*(v.ljust(n) for v, n in zip(values, lead, strict=True)),
                                    *(b[c].rjust(n) for c, n in zip(columns, sizes, strict=True))]).rstrip())
        return lines

    every = list(range(len(readings)))
    for outcome, words in OUTCOMES.items():
        out.append("")
        full = table(outcome, every, True)
        if max(map(len, full)) <= width:
            out += [f"{words}:", *full]
            continue
        short = table(outcome, every, False)
        if max(map(len, short)) <= width or len(readings) == 1:
            out += [f"{words} (intervals: --format json):", *short]
            continue
        for c in every:  # one reading at a time
            out += [f"{words}, reading {letters[c]}:", *table(outcome, [c], lead_width + 24 <= width), ""]
        out.pop()
    return "\n".join(out)


def sweep_csv(data: dict[str, Any]) -> str:
    """One row per point and reading: the point's values, the reading, and each outcome's probability,
    bounds and successes, then the impasse's resolution share and median length."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    paths = [axis["path"] for axis in data["vary"]]
    head = [*paths, "interpretation", "runs"]
    for outcome in OUTCOMES:
        head += [f"{outcome}_p", f"{outcome}_low", f"{outcome}_high", f"{outcome}_successes"]
    head += ["resolved_p", "impasse_days_median"]
    writer.writerow(head)
    for point in data["points"]:
        days = point["impasse_days"]
        for row in point["outcomes"]:
            line: list[Any] = [*(point["values"][p] for p in paths), row["interpretation"] or "", data["runs"]]
            for outcome in OUTCOMES:
                cell = row[outcome]
                line += [repr(cell["p"]), repr(cell["low"]), repr(cell["high"]), cell["successes"]]
            line += [repr(days["resolved"]["p"]), repr(days["median"]) if "median" in days else ""]
            writer.writerow(line)
    return buffer.getvalue()
