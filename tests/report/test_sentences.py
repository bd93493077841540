"""Findings carry data and report/sentences.py writes their text: every code the machine makes has a
sentence, and the sentences name what the finding holds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import engine
from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report.sentences import CODES, REASONS, finding_text, reason_text
from engine.timeline.findings import MEMBERS, Finding, Verdict
from engine.timeline.law import Law
from engine.timeline.state import Reason

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TIMELINE = Path(engine.__file__).parent / "timeline"


def _codes_made_by_the_machine() -> set[str]:
    found = set()
    for path in TIMELINE.glob("*.py"):
        found |= set(re.findall(r'Verdict\.\w+, "([a-z_]+\.[a-z_]+)"', path.read_text()))
    return found


def test_every_code_the_machine_makes_has_a_sentence() -> None:
    """A finding code without a sentence would print as its bare code."""
    made = _codes_made_by_the_machine()
    assert len(made) > 25  # the pattern above finds the codes (a broken pattern would find none)
    assert made <= set(CODES), sorted(made - set(CODES))


def test_a_quorum_finding_reads_as_it_always_has() -> None:
    """The sentence is built from the finding's fields and the reading's name in the law."""
    law = Law(load_scenario(SCENARIOS[0]).constitution)
    finding = Finding(Verdict.VIOLATION, "quorum.below", "opening-quorum", "76", None, required=120, count=68,
                      unit=MEMBERS, threshold="at least 120 members present", subject="opening")
    assert finding_text(finding, law) == ("opening sitting below quorum: 68 present, 120 required (at least 120 "
                                          "members present) under the pack's reading of Art. 76")


def test_an_unknown_code_is_shown_rather_than_failing() -> None:
    """A finding from a newer engine prints its code."""
    law = Law(load_scenario(SCENARIOS[0]).constitution)
    assert finding_text(Finding(Verdict.INFO, "something.new"), law) == "something.new"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_finding_of_the_bundled_scenarios_has_its_sentence(path: Path) -> None:
    """No finding of a bundled scenario falls back to its code, and numbers in it are the finding's."""
    timeline = replay_scenario(load_scenario(path))
    for step in timeline.steps:
        for f in step.findings:
            text = finding_text(f, timeline.law)
            assert f.code in CODES and text != f.code
            if f.count is not None and f.unit == MEMBERS and f.code.startswith("quorum."):
                assert str(f.count) in text


def test_a_deadline_sentence_counts_its_days() -> None:
    """deadline.missed gives the period from the finding's own dates."""
    law = Law(load_scenario(SCENARIOS[0]).constitution)
    f = Finding(Verdict.VIOLATION, "deadline.missed", "d", "82",
                details=(("title", "First sitting"), ("start", date(2013, 7, 28)), ("due", date(2013, 9, 26))))
    assert finding_text(f, law) == "deadline missed: First sitting; due 2013-09-26 (60 days after 2013-07-28) (Art. 82)"


def test_a_lapsed_term_says_it_ran_out_not_that_it_was_missed() -> None:
    """deadline.lapsed (a pack's ``expiry: lapse``) states the same dates as a term, not a breach."""
    law = Law(load_scenario(SCENARIOS[0]).constitution)
    f = Finding(Verdict.INFO, "deadline.lapsed", "d", "99(5)",
                details=(("title", "Two months"), ("start", date(2016, 3, 2)), ("due", date(2016, 5, 2))))
    assert finding_text(f, law) == "term ran out: Two months; it ended 2016-05-02 (61 days after 2016-03-02) (Art. 99(5))"


def test_an_extension_too_far_says_by_how_much() -> None:
    """deadline.overextended (a pack's ``extension``) names the period's last day, the cap and the excess."""
    law = Law(load_scenario(SCENARIOS[0]).constitution)
    f = Finding(Verdict.VIOLATION, "deadline.overextended", "m", "8", count=15, required=14,
                details=(("title", "28 days"), ("until", date(2019, 5, 30)), ("most", date(2019, 5, 29)),
                         ("last", date(2019, 5, 15))))
    assert finding_text(f, law) == ("extended too far: 28 days; extended to 2019-05-30, 15 days past its last day "
                                    "2019-05-15, at most 14 allowed (to 2019-05-29) (Art. 8)")


def test_every_impasse_reason_the_machine_gives_has_a_sentence() -> None:
    """The impasse's reasons are data too; each code the machine uses is worded."""
    made = set(re.findall(r'Reason\("([a-z]+)"', (TIMELINE / "impasse.py").read_text()))
    assert made == set(REASONS)


def test_a_blocking_boycott_reads_as_it_always_has() -> None:
    """A blocked opening names the parties away, the members left and the article."""
    reason = Reason("blocked", ("CNRP",), count=68, required=82, target="opening", article="76")
    assert reason_text(reason) == "without CNRP, 68 members can't open the assembly: 82 required by Art. 76"
    assert reason_text(Reason("boycott", ("A", "B"), target="parliament")) == "A and B boycott parliament"
