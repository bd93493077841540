"""describe(): one line per event, one small function per event type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.crisis import replay_scenario
from engine.files.scenarios import load_scenario
from engine.report.describe import describe
from engine.timeline.events import REGISTRY, Event, structure_event

ROOT = Path(__file__).resolve().parents[2]
#: the scenarios with a golden replay (written before the redesign); later ones are pinned in
#: tests/test_scenarios_library.py
SCENARIOS = sorted(ROOT / "scenarios" / f"{p.stem.removeprefix('replay-')}.yaml"
                   for p in (ROOT / "tests" / "golden").glob("replay-*.json"))


def _event(**data: object) -> Event:
    return structure_event({"at": "2013-09-01", "source": "s", **data})


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_every_bundled_event_reads_as_before(scenario: Path) -> None:
    """Each step of each bundled scenario is summed up as the golden replay (written before the split) has it."""
    timeline = replay_scenario(load_scenario(str(scenario.relative_to(ROOT))))
    golden = json.loads((ROOT / "tests" / "golden" / f"replay-{scenario.stem}.json").read_text())
    assert [describe(step.event) for step in timeline.steps] == [s["summary"] for s in golden["steps"]]


@pytest.mark.parametrize(("data", "summary"), [
    ({"type": "election_held"}, "election held"),
    ({"type": "assembly_dissolved", "by": "King"}, "assembly dissolved"),
    ({"type": "results_announced", "stage": "official", "by": "NEC"}, "official results by NEC"),
    ({"type": "results_announced", "stage": "final", "by": "NEC", "seats": {"CPP": 68, "CNRP": 55}},
     "final results by NEC: CNRP 55, CPP 68"),
    ({"type": "boycott_declared", "party": "CNRP"}, "CNRP boycotts parliament"),
    ({"type": "boycott_ended", "party": "CNRP", "of": "talks"}, "CNRP ends its boycott of talks"),
    ({"type": "results_rejected", "party": "CNRP"}, "CNRP rejects the results"),
    ({"type": "results_accepted", "party": "CNRP"}, "CNRP accepts the results"),
    ({"type": "rally", "status": "planned", "organiser": "CNRP"}, "rally planned by CNRP (2013-09-01)"),
    ({"type": "protest", "status": "held", "organiser": "CNRP", "end": "2013-09-03", "size": 20000},
     "protest held by CNRP (2013-09-01 to 2013-09-03, ~20,000)"),
    ({"type": "complaint_filed", "by": "CNRP", "to": "NEC"}, "CNRP files a complaint(s) to NEC"),
    ({"type": "complaint_ruled", "by": "Constitutional Council", "outcome": "rejected", "final": True},
     "Constitutional Council: complaints rejected (final)"),
    ({"type": "talks_held", "parties": ["CPP", "CNRP"], "mediator": "King"}, "talks: CPP, CNRP (King)"),
    ({"type": "agreement_reached", "parties": ["CPP", "CNRP"]}, "agreement: CPP, CNRP"),
    ({"type": "vote", "motion": "vote_of_confidence", "yes": None},
     "vote on vote of confidence: tally not recorded; adopted"),
    ({"type": "vote", "motion": "investiture", "yes": 68, "no": 1},
     "vote on investiture: 68 yes, 1 no, 0 abstain; adopted"),
    ({"type": "parliament_convened", "sitting": "opening", "present_by_party": {"CPP": 68}, "convened_by": "King"},
     "opening sitting, 68 present (CPP 68), convened by King"),
    ({"type": "parliament_convened", "sitting": "opening", "present": 120, "boycotters_present": 52},
     "opening sitting, 120 present, 52 of them breaking a boycott"),
    ({"type": "vote", "motion": "investiture", "yes": 70, "present": 70, "boycotters_present": 2},
     "vote on investiture: 70 yes, 0 no, 0 abstain (2 breaking a boycott); adopted"),
    ({"type": "government_formed"}, "government formed"),
    ({"type": "government_formed", "head": "Hun Sen"}, "government formed: Hun Sen"),
    ({"type": "seats_taken", "party": "CNRP", "members": 55}, "55 CNRP members take their seats"),
    ({"type": "party_dissolved", "party": "CNRP"}, "CNRP dissolved"),
    ({"type": "legislature_in_office", "seats": {"CPP": 68, "CNRP": 55}}, "legislature in office: CNRP 55, CPP 68"),
    ({"type": "mandate_given", "rank": 1, "to": "Daniel Mitov", "party": "GERB-SDS", "by": "President Radev"},
     "1st mandate to form a government to Daniel Mitov, GERB-SDS, given by President Radev"),
    ({"type": "mandate_given", "rank": 12}, "12th mandate to form a government"),
    ({"type": "mandate_returned", "rank": 2}, "2nd mandate returned unfulfilled"),
    ({"type": "mandate_returned", "rank": 3, "deemed": True}, "3rd mandate deemed returned"),
    ({"type": "mandate_extended", "rank": 1, "until": "2013-09-10"}, "1st mandate extended to 2013-09-10"),
    ({"type": "caretaker_appointed", "head": "Stefan Yanev"}, "caretaker government appointed: Stefan Yanev"),
    ({"type": "government_resigned", "deemed": True}, "government deemed to resign"),
], ids=lambda v: v["type"] if isinstance(v, dict) else "")
def test_each_event_type_has_its_line(data: dict[str, object], summary: str) -> None:
    """Every event type's summary, the branches the bundled scenarios do not reach included."""
    assert describe(_event(**data)) == summary


def test_every_event_type_dispatches_to_a_function() -> None:
    """Each registered event class resolves to a summary function; only the plain ones share the default."""
    default = describe.dispatch(Event)
    plain = {name for name, cls in REGISTRY.items() if describe.dispatch(cls) is default}
    assert plain == {"election_held", "assembly_dissolved"}
