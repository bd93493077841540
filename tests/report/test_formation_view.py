"""The formation level in every output: the table, the summaries, the JSON and the Markdown report."""

from __future__ import annotations

import json
from datetime import date

import attrs

from engine.cli.main import cli
from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report import jsondata, markdown, text
from engine.report.sentences import reason_text
from engine.report.view import FormationView, StepView, state_view, timeline_view
from engine.timeline.state import Reason

NL = load_scenario("scenarios/netherlands-2021.yaml")


def _forming(reading: str | None, level: str) -> FormationView:
    return FormationView(reading=reading, reading_name=f"the {reading} reading", level=level, reasons=(f"{level}!",))


def test_the_days_are_counted_from_the_election() -> None:
    """Running, to the state's date; once formed, to the day the government took office."""
    running = Reason("formation", since=date(2021, 3, 17))
    assert reason_text(running, date(2021, 10, 1)) == \
        "no government formed yet, 198 days after the election of 2021-03-17"
    formed = Reason("formed", target="Mark Rutte", since=date(2021, 3, 17), until=date(2022, 1, 10))
    assert reason_text(formed, date(2023, 1, 1)) == \
        "the government of Mark Rutte took office on 2022-01-10, 299 days after the election of 2021-03-17"
    assert reason_text(Reason("formation")) == "no government formed yet"


def test_the_table_shows_the_level_under_the_impasse_once_or_per_reading() -> None:
    """Every reading agreeing: one line; readings differing: one line each; none at all: nothing added."""
    view = timeline_view(NL, replay_scenario(NL))
    cells = list(text.timeline_table(view, color=False).columns[3].cells)
    assert cells[0] == "none\nformation: formation" and cells[-1] == "none\nformation: formed"
    step = view.steps[0]
    split = attrs.evolve(step, formation=(_forming("a", "caretaker"), _forming("b", "formed")))
    table = text.timeline_table(attrs.evolve(view, steps=(split,)), color=False)
    assert list(table.columns[3].cells) == ["none\na: caretaker\nb: formed"]
    quiet: StepView = attrs.evolve(step, formation=(_forming(None, "none"),))
    assert list(text.timeline_table(attrs.evolve(view, steps=(quiet,)), color=False).columns[3].cells) == ["none"]


def test_the_summaries_and_the_state_name_the_level() -> None:
    """The closing summary and `impasse state` say where the formation stands, with its days."""
    timeline = replay_scenario(NL)
    final = text.final_text(timeline_view(NL, timeline).final)
    assert ("  formation level: formed (the government of Mark Rutte took office on 2022-01-10, 299 days after the "
            "election of 2021-03-17)") in final.split("\n")
    split = attrs.evolve(state_view(timeline.final, timeline.law),
                         formation=(_forming("a", "caretaker"), _forming("b", "formed")))
    assert text.formation_lines(split.formation) == ["formation level under the a reading: caretaker (caretaker!)",
                                                     "formation level under the b reading: formed (formed!)"]


def test_the_json_gives_the_level_per_reading_in_final(runner) -> None:
    """`final.formation`: the level, the election, the days and the reasons, per reading."""
    result = runner.invoke(cli, ["state", "scenarios/netherlands-2021.yaml", "--at", "2021-10-01", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (entry,) = json.loads(result.stdout)["formation"]
    assert (entry["interpretation"], entry["level"], entry["since"], entry["days"]) == \
        (None, "formation", "2021-03-17", 198)
    data = jsondata.timeline_data(timeline_view(NL, replay_scenario(NL)))
    assert data["final"]["formation"][0]["level"] == "formed" and data["final"]["law_as_of"] is None


def test_the_markdown_report_lists_how_it_rose_and_fell() -> None:
    """The Markdown report has a section with each change of the level."""
    doc = markdown.timeline_markdown(timeline_view(NL, replay_scenario(NL)))
    section = doc.split("## Formation level\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.split("\n") == ["- **2021-03-17** formation", "- **2022-01-10** formed"]


def test_the_replay_json_gives_each_change_of_the_level() -> None:
    """`final.formation_history`: the rise at the election and the fall at the swearing-in, with the events."""
    data = jsondata.timeline_data(timeline_view(NL, replay_scenario(NL)))
    assert data["final"]["formation_history"] == [
        {"at": date(2021, 3, 17), "event": "poll", "interpretation": None, "level": "formation"},
        {"at": date(2022, 1, 10), "event": "rutte-4", "interpretation": None, "level": "formed"}]
