"""The HTML report: self-contained, escaped, every finding explained, the 2013 sitting's chamber diagram."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.crisis import replay_scenario, reversals
from engine.files.scenarios import Scenario, load_scenario, parse_scenario
from engine.report.explain import arithmetic, explain
from engine.report.html import report_html
from engine.report.view import timeline_view
from engine.rules.thresholds import Counts
from tests.helpers import HEADER, scenario_text

ROOT = Path(__file__).resolve().parents[2]
KH2013 = str(ROOT / "scenarios" / "cambodia-2013.yaml")
MADE = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _report(scenario: Scenario) -> str:
    timeline = replay_scenario(scenario)
    return report_html(timeline_view(scenario, timeline, reversals(scenario, timeline)), timeline.law, MADE)


@pytest.fixture(scope="module")
def kh2013() -> str:
    return _report(load_scenario(KH2013))


def _chamber(page: str, day: str) -> str:
    """The first chamber figure of ``day``."""
    figures = re.findall(r'<figure class="chamber".*?</figure>', page, re.S)
    return next(f for f in figures if f"<strong>{day}</strong>" in f)


class TestCambodia2013:
    def test_self_contained(self, kh2013: str) -> None:
        """Nothing is loaded from elsewhere: no script, no stylesheet link, no image or font source."""
        assert "<script" not in kh2013
        assert not re.search(r"<link|<img|@import|url\(|src=", kh2013)
        assert kh2013.count("<svg") >= 2  # the timeline chart and the chamber diagrams are inline

    def test_headline_per_reading(self, kh2013: str) -> None:
        for name in ("the ruling party's reading", "the opposition's reading", "the two-thirds reading"):
            assert f'<h3>{name.replace(chr(39), "&#39;")}</h3>' in kh2013
        assert "constituted 2014-08-26; the opening sitting of 2013-09-23 was below quorum" in kh2013

    def test_the_23_september_sitting_diagram(self, kh2013: str) -> None:
        """68 present of 123: CPP 68 present, CNRP 55 boycotting, the quorum line of each reading."""
        figure = _chamber(kh2013, "2013-09-23")
        assert "68 present of 123" in figure
        assert 'data-seats="123"' in figure and figure.count("<circle") == 123
        assert 'data-label="CPP present" data-count="68"' in figure
        assert 'data-label="CNRP boycotting" data-count="55"' in figure
        assert re.findall(r'class="threshold" data-required="(\d+)"', figure) == ["120", "82"]
        assert "the ruling party&#39;s reading: no quorum required; 68 present" in figure

    def test_verdict_grid_has_a_legend_and_units(self, kh2013: str) -> None:
        assert "<strong>Legend.</strong>" in kh2013
        assert "VIOLATION 68 / 120 members" in kh2013 and "OK 57 / 60 days" in kh2013 and "OK 68 / 63 votes" in kh2013

    def test_every_finding_is_explained(self, kh2013: str) -> None:
        scenario = load_scenario(KH2013)
        findings = sum(len(s.findings) for s in replay_scenario(scenario).steps)
        assert kh2013.count('<details class="finding') == findings

    def test_explanation_down_to_the_rules_source(self, kh2013: str) -> None:
        """The two-thirds reading's verdict on the opening: rule, article, text, arithmetic, both sources."""
        block = next(b for b in re.findall(r"<details.*?</details>", kh2013, re.S)
                     if "82 required" in b and "opening sitting below quorum" in b)
        assert "<code>opening-quorum</code>" in block
        assert "2/3 × 123 (all members) = 82 → at least 82" in block
        assert "68 counted, 82 required" in block
        assert "samrany.com" in block  # the rule's source (the reading's override)
        assert "cambodian-parliament-opens-despite-opposition-boycott" in block  # the event's source

    def test_a_deadlines_arithmetic(self, kh2013: str) -> None:
        assert "2013-07-28 + 60 days → due 2013-09-26; the act came 57 days after 2013-07-28" in kh2013

    def test_sources_notes_missing_and_provenance(self, kh2013: str) -> None:
        assert '<ol class="references">' in kh2013
        assert "Complaint counts conflict" in kh2013  # a scenario note
        assert "The verbatim text of Art. 82, 88 and 90" in kh2013  # the pack's missing: list
        assert "Made 2026-01-02T03:04:05+00:00 by impasse" in kh2013
        assert "constitution pack <code>kh</code>" in kh2013


def test_scenario_text_is_escaped() -> None:
    """Scenario text is untrusted: markup in a title, a note or a source is shown, never run."""
    header = HEADER.replace("title: Test", 'title: "<script>alert(1)</script>"')
    header = header.replace("scenario:\n", "scenario:\n  notes: ['<img src=x onerror=alert(2)>']\n")
    text = scenario_text("""\
  - type: parliament_convened
    at: 2013-09-23
    sitting: opening
    present_by_party: {CPP: 68}
    source: "javascript:alert(3) <b>bold</b>"
""", header=header)
    page = _report(parse_scenario(text))
    assert "<script" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page


def test_arithmetic_of_each_kind_of_clause() -> None:
    counts = Counts(all_members=123, present=100, yes=60, no=30)
    assert arithmetic("at least 120 members present", counts) == ("a fixed number: 120 members present → 120",)
    assert arithmetic("more than 1/2 of votes cast", counts) == ("1/2 × 90 (votes cast) = 45 → more than that: 46",)
    assert arithmetic("at least 2/3 of all members and at least 1/2 of members present", counts) == (
        "2/3 × 123 (all members) = 82 → at least 82", "1/2 × 100 (members present) = 50 → at least 50")
    assert arithmetic("at least 2/3 of all members", Counts(all_members=122)) == (
        "2/3 × 122 (all members) = 81.33… → at least 82",)
    assert arithmetic(None, counts) == ()


def test_explanation_names_the_version_and_amendment() -> None:
    """The 2014 quorum under the opposition's reading: the 2006 version, made by kh-2006-50-plus-one."""
    scenario = load_scenario(KH2013)
    timeline = replay_scenario(scenario)
    view = timeline_view(scenario, timeline)
    step = next(s for s in view.steps if s.at == date(2014, 8, 26) and s.event["type"] == "parliament_convened")
    finding = next(f for f in step.findings if f.reading == "opposition-120-to-open" and f.code == "quorum.met")
    e = explain(finding, step.at, step.event, timeline.law)
    assert e.version == date(2006, 3, 2)
    assert e.amendment is not None and e.amendment.startswith("kh-2006-50-plus-one: ")
    assert e.arithmetic == ("1/2 × 123 (all members) = 61.5 → more than that: 62",)
    assert e.text and e.rule_sources and e.event_sources == ("http://vansar2011.blogspot.com/2014/08/",)


class TestCommand:
    def test_writes_one_file(self, runner: CliRunner, tmp_path: Path) -> None:
        out = tmp_path / "report.html"
        result = runner.invoke(cli, ["report", KH2013, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"wrote {out}: 29 steps")
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert re.search(r"from <code>.*cambodia-2013.yaml \(sha256 [0-9a-f]{12}…\)</code>", out.read_text(encoding="utf-8"))

    def test_from_a_store(self, runner: CliRunner, tmp_path: Path) -> None:
        store, out = str(tmp_path / "crisis.db"), tmp_path / "report.html"
        assert runner.invoke(cli, ["log", "init", store]).exit_code == 0
        assert runner.invoke(cli, ["log", "import", store, "--stream", "kh", KH2013]).exit_code == 0
        result = runner.invoke(cli, ["report", "--store", store, "--stream", "kh", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert f"{store}#kh" in out.read_text(encoding="utf-8")

    @pytest.mark.parametrize("args", [["report", "no-such.yaml", "-o", "x.html"], ["report", KH2013],
                                      ["report", KH2013, "-o", "/no/such/dir/report.html"]])
    def test_bad_input_is_one_line_and_exit_2(self, runner: CliRunner, args: list[str]) -> None:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2
        assert result.stderr.startswith("impasse: error: ") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.output


def test_reversed_findings_are_shown(tmp_path: Path) -> None:
    """A retrospective amendment's reversal: what was believed until its adoption, and what holds after."""
    from tests.report.test_law_as_of import PACK, SCENARIO

    (tmp_path / "pack.yaml").write_text(PACK)
    (tmp_path / "s.yaml").write_text(SCENARIO)
    page = _report(load_scenario(tmp_path / "s.yaml"))
    assert '<section id="reversed">' in page
    assert "amendment <code>longer-wait</code>: believed until 2021-03-19" in page
