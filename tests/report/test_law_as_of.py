"""The law as known on a date: ``--law-as-of``, and findings a retrospective amendment reversed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from engine.cli.main import cli
from engine.crisis import replay_scenario, reversals
from engine.files.scenarios import load_scenario
from engine.report import text
from engine.report.view import timeline_view
from engine.timeline.findings import Verdict

PACK = """\
id: example
name: Example
country: Nowhere
bodies: [{id: house, name: House, sizes: [{since: 2000-01-01, seats: 100}]}]
amendments:
  - id: longer-wait
    title: The first sitting may come within 90 days
    adopted: 2021-03-20
    in_force: 2021-01-01
    source: https://example.org/act
rules:
  - id: first-sitting
    kind: deadline
    body: house
    title: The first sitting within the period of the election
    anchor: election_held
    met_by: {type: parliament_convened, sitting: opening}
    article: "1"
    source: https://example.org/constitution
    versions:
      - {since: 2000-01-01, period: 60 days}
      - {since: 2021-01-01, period: 90 days, amendment: longer-wait}
"""

SCENARIO = """\
scenario: {id: t, title: T, country: Nowhere, constitution: pack.yaml, body: house}
parties: [{id: A, name: A}]
events:
  - {type: election_held, id: poll, at: 2021-01-10, source: s}
  - {type: parliament_convened, id: first, at: 2021-03-25, sitting: opening, present: 100, source: s}
"""


@pytest.fixture
def scenario_path(tmp_path: Path) -> Path:
    (tmp_path / "pack.yaml").write_text(PACK)
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    return path


def _codes(timeline) -> list[tuple[str, str]]:
    return [(s.event.at.isoformat(), f.code) for s in timeline.steps for f in s.findings if f.rule]


def test_law_as_now_known_meets_the_back_dated_period(scenario_path: Path) -> None:
    """Without --law-as-of the amendment applies from its in_force: day 74 of 90 is in time."""
    assert _codes(replay_scenario(load_scenario(scenario_path))) == [("2021-03-25", "deadline.met")]


def test_law_as_it_stood_before_the_adoption_misses_it(scenario_path: Path) -> None:
    """Under the law as it stood on 19 March the period is 60 days: missed on 12 March, done late after."""
    timeline = replay_scenario(load_scenario(scenario_path), law_as_of=date(2021, 3, 19))
    assert _codes(timeline) == [("2021-03-12", "deadline.missed"), ("2021-03-25", "deadline.done_late")]


def test_the_expiry_believed_until_the_adoption_is_reversed(scenario_path: Path) -> None:
    """The missed deadline, believed until 19 March, no longer holds from the adoption on 20 March."""
    scenario = load_scenario(scenario_path)
    timeline = replay_scenario(scenario)
    (reversal,) = reversals(scenario, timeline)
    assert reversal.before is not None and reversal.before.verdict is Verdict.VIOLATION
    assert (reversal.at.isoformat(), reversal.rule, reversal.amendment, reversal.after) == \
        ("2021-03-12", "first-sitting", "longer-wait", None)
    assert (reversal.believed_until.isoformat(), reversal.holds_from.isoformat()) == ("2021-03-19", "2021-03-20")
    shown = text.findings_text(timeline_view(scenario, timeline, reversals(scenario, timeline)))
    assert "REVERSED by amendment longer-wait: believed until 2021-03-19: VIOLATION deadline missed" in shown


def test_no_retrospective_amendment_no_reversal() -> None:
    """The Cambodian amendments took effect when adopted: nothing is reversed, and no replay is added."""
    scenario = load_scenario("scenarios/cambodia-2013.yaml")
    assert reversals(scenario, replay_scenario(scenario)) == ()


def test_cli_replay_json_names_the_law_and_the_reversal(runner, scenario_path: Path) -> None:
    """`impasse replay --format json` gives law_as_of and the reversed findings with both dates."""
    result = runner.invoke(cli, ["replay", str(scenario_path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["law_as_of"] is None
    (item,) = data["reversed"]
    assert (item["at"], item["believed_until"], item["holds_from"], item["before"]["code"], item["after"]) == \
        ("2021-03-12", "2021-03-19", "2021-03-20", "deadline.missed", None)
    old = runner.invoke(cli, ["replay", str(scenario_path), "--format", "json", "--law-as-of", "2021-03-19"])
    data = json.loads(old.stdout)
    assert (data["law_as_of"], data["reversed"]) == ("2021-03-19", [])
    assert [s["event"]["type"] for s in data["steps"]] == ["election_held", "deadline_expired", "parliament_convened"]


def test_cli_state_under_the_law_as_of_a_date(runner, scenario_path: Path) -> None:
    """`impasse state --law-as-of` judges the state by the law as it then stood: the deadline missed."""
    now = runner.invoke(cli, ["state", str(scenario_path), "--at", "2021-03-15", "--format", "json"])
    then = runner.invoke(cli, ["state", str(scenario_path), "--at", "2021-03-15", "--format", "json",
                               "--law-as-of", "2021-03-19"])
    assert json.loads(now.stdout)["missed_deadlines"] == []
    assert json.loads(then.stdout)["missed_deadlines"] == ["first-sitting"]


def test_cli_bad_law_as_of_is_one_line(runner, scenario_path: Path) -> None:
    """A date that does not exist is a one-line usage error, exit code 2."""
    result = runner.invoke(cli, ["replay", str(scenario_path), "--law-as-of", "2021-02-30"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_markdown_and_state_text_say_what_law_judged(runner, scenario_path: Path) -> None:
    """The Markdown report lists the reversal; `impasse state --law-as-of` names the day whose law judged."""
    md = runner.invoke(cli, ["replay", str(scenario_path), "--format", "markdown"])
    assert "## Reversed by retrospective amendments" in md.stdout
    assert "believed until 2021-03-19: VIOLATION deadline missed" in md.stdout
    state = runner.invoke(cli, ["state", str(scenario_path), "--at", "2021-03-15", "--law-as-of", "2021-03-19"])
    assert "Judged by the law as it stood on 2021-03-19." in state.stdout.split("\n")
