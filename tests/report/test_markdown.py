"""The Markdown outputs: the replay report's legend, readings, references and notes; state, whatif, simulate."""

from __future__ import annotations

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report import markdown
from engine.report.view import timeline_view
from tests.report.test_formats import STATE

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")
DOC = markdown.timeline_markdown(timeline_view(KH2013, replay_scenario(KH2013)))


def _section(doc: str, heading: str) -> list[str]:
    return doc.split(f"## {heading}\n\n", 1)[1].split("\n\n", 1)[0].splitlines()


def test_every_reference_cited_is_listed_once_in_order() -> None:
    """Each [n] in the text has a line n under References; each source is listed once."""
    refs = _section(DOC, "References")
    assert [r.split(". ", 1)[0] for r in refs] == [str(n) for n in range(1, len(refs) + 1)]
    assert len({r.split(". ", 1)[1] for r in refs}) == len(refs)
    body = DOC.split("## References", 1)[0]
    assert all(f"[{n}]" in body for n in range(1, len(refs) + 1))
    assert "<https://en.vietnamplus.vn/cambodian-parliament-opens-despite-opposition-boycott/49504.vnp>" in refs[34]


def test_the_readings_are_named_with_their_holder_and_claim() -> None:
    readings = _section(DOC, "Readings")
    assert readings[1].startswith("- **the opposition's reading** (`opposition-120-to-open`), held by CNRP")
    assert "| date | event | phase | impasse | the ruling party's reading |" in DOC


def test_the_legend_and_the_notes_are_there() -> None:
    assert "**Legend.** A cell reads *VERDICT counted/required rule*" in DOC
    assert _section(DOC, "Notes")[0].startswith("- Complaint counts conflict")


def test_the_state_markdown() -> None:
    doc = markdown.state_markdown(STATE)
    assert doc.startswith("# State as of -\n\nPhase **official results**; impasse **boycott**.")
    assert "| the pack's own reading | n/a | NO |" in doc
    assert "| CNRP | 55 |  |" in doc and "| first session | 82 | 2013-09-26 |  |" in doc


def test_the_comparison_markdown() -> None:
    same = {"same": True, "phases": [], "impasse": [], "deadlines": [], "findings": [], "skipped": []}
    assert "No difference" in markdown.comparison_markdown(same, {})
    changed = {**same, "same": False, "findings": [
        {"change": "verdict changes", "event": "e", "at": "2013-09-23", "rule": "r", "interpretation": "a",
         "verdict": "ok", "message": "m | n", "baseline_verdict": "violation", "baseline_message": "b"}]}
    doc = markdown.comparison_markdown(changed, {"a": "the A reading"})
    assert "| 2013-09-23 | `e` | the A reading | verdict changes | VIOLATION | OK | m / n |" in doc


def test_bounds_keep_the_digits_that_keep_them_off_0_and_100() -> None:
    """A Wilson bound of 99.96 % is not printed as 100.0 %; exact 0 and 1 stay 0.0 and 100.0."""
    cell = {"p": 1.0, "low": 0.99962, "high": 1.0}
    assert markdown._pct(cell) == "100.0 % [99.96, 100.0]"
    assert markdown._pct({"p": 0.0, "low": 0.0, "high": 0.00038}) == "0.0 % [0.0, 0.04]"


def test_a_finding_that_disappears_was_the_baselines() -> None:
    base = {"same": False, "phases": [], "impasse": [], "deadlines": [], "skipped": []}
    gone = {"change": "disappears", "event": "e", "at": "2013-09-24", "rule": "r", "interpretation": None,
            "verdict": "violation", "message": "m"}
    new = {**gone, "change": "appears", "verdict": "ok"}
    doc = markdown.comparison_markdown({**base, "findings": [gone, new]}, {})
    assert "| 2013-09-24 | `e` | every reading | disappears | VIOLATION | none | m |" in doc
    assert "| 2013-09-24 | `e` | every reading | appears | none | OK | m |" in doc
