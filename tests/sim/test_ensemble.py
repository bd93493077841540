"""Seeded ensembles: determinism across workers, extreme chances, and a case with a known answer."""

from __future__ import annotations

import gc
import math
import pickle
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.errors import ScenarioError
from engine.files.scenarios import load_scenario, parse_scenario
from engine.sim.ensemble import RunResult, Simulator, simulate

SOURCE = Path("scenarios/cambodia-2013.yaml").read_text()
OPPOSITION = 1  # index of opposition-120-to-open among the scenario's readings


def _with_uncertain(tmp_path: Path, block: str, name: str = "u.yaml") -> Path:
    """The 2013 scenario with its uncertain: section replaced by ``block``."""
    text = re.sub(r"(?ms)^uncertain:\n.*?(?=^parties:)", block + "\n", SOURCE)
    assert text != SOURCE
    path = tmp_path / name
    path.write_text(text)
    return path


class TestRunResult:
    @given(st.builds(RunResult, index=st.integers(0), opened_by_deadline=st.tuples(st.booleans(), st.booleans()),
                     opened_ever=st.tuples(st.booleans()), government_lawful=st.tuples(st.booleans(), st.booleans()),
                     impasse_days=st.none() | st.integers(0, 5000), defected=st.integers(0, 200),
                     skipped=st.integers(0, 50), resolved_by=st.none() | st.text(max_size=20)))
    def test_survives_the_trip_from_a_worker(self, result: RunResult) -> None:
        """A result pickled in a worker loads in the parent equal to itself, field by field."""
        loaded = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        assert loaded == result and type(loaded) is RunResult


class TestEnsembles:
    def test_same_seed_same_ensemble_with_one_or_two_workers(self) -> None:
        """Results depend on the seed and run index only, never on the number of workers."""
        scenario = load_scenario("scenarios/cambodia-2013.yaml")
        one = simulate(scenario, 60, 7, workers=1)
        two = simulate(scenario, 60, 7, workers=2, chunk=7)
        assert one.results == two.results
        assert one.to_dict() == two.to_dict()
        assert simulate(scenario, 60, 8).results != one.results

    def test_a_local_pool_leaves_the_garbage_collector_as_it_found_it(self) -> None:
        """This process's objects are frozen while the pool works (so that no process's collections walk
        them, and the children's leave the pages they inherit alone), and unfrozen once it is done. A
        caller's own frozen objects stay frozen."""
        scenario = load_scenario("scenarios/cambodia-2013.yaml")
        assert gc.get_freeze_count() == 0
        during: list[int] = []
        simulate(scenario, 8, 1, workers=2, chunk=4, progress=lambda _: during.append(gc.get_freeze_count()))
        assert len(during) == 2 and all(count > 0 for count in during)
        assert gc.get_freeze_count() == 0
        gc.freeze()
        try:
            simulate(scenario, 8, 1, workers=2, chunk=4)
            # not unfrozen (that empties the permanent generation); a few frozen objects may have been
            # freed meanwhile, as the run released what referred to them
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()

    def test_defectors_among_boycotters_recorded_present_are_not_counted_twice(self, tmp_path: Path) -> None:
        """The opening records all 55 boycotting CNRP members present (``boycotters_present: 55``); members
        who defected before it are among them, so the run's sitting says 55, not 55 plus the defectors
        (more than the boycotting party holds, which the engine refuses): the opening happens, lawful
        under the opposition's reading, in every run where it happens at all."""
        path = _with_uncertain(tmp_path, "uncertain:\n  horizon: 2014-09-01\n  defection:\n"
                                         "    - {party: CNRP, weekly: 0.5}\n"
                                         "  happens:\n    - {event: opening-sitting, probability: 0.9}\n")
        text = path.read_text().replace("    present_by_party: {CPP: 68}\n",
                                        "    present_by_party: {CPP: 68, CNRP: 55}\n    boycotters_present: 55\n", 1)
        path.write_text(text)
        ensemble = simulate(load_scenario(path), 60, 2)
        assert any(r.defected for r in ensemble.results)
        opened = [r for r in ensemble.results if r.opened_by_deadline[0]]
        assert 40 <= len(opened) < 60  # the 10 % of runs without the sitting on the 23rd open later
        assert all(r.opened_by_deadline[OPPOSITION] for r in opened)

    def test_no_defection_never_breaks_the_boycott(self, tmp_path: Path) -> None:
        """With a defection chance of 0 nobody defects, and the 120 reading is never met at the opening."""
        path = _with_uncertain(tmp_path, "uncertain:\n  defection:\n    - {party: CNRP, weekly: 0}\n")
        ensemble = simulate(load_scenario(path), 40, 3)
        assert all(r.defected == 0 for r in ensemble.results)
        assert ensemble.proportion("opened_by_deadline", OPPOSITION).successes == 0

    def test_certain_defection_always_breaks_it(self, tmp_path: Path) -> None:
        """With a chance of 1, all 55 defect in the first week: the opening has 123 present in every run."""
        path = _with_uncertain(tmp_path, "uncertain:\n  defection:\n    - {party: CNRP, weekly: 1}\n")
        ensemble = simulate(load_scenario(path), 40, 3)
        assert all(r.defected == 55 for r in ensemble.results)
        assert ensemble.proportion("opened_by_deadline", OPPOSITION).successes == 40

    def test_binomial_quorum_question_inside_the_interval(self, tmp_path: Path) -> None:
        """Two weekly draws at 1/2 before the 23 Sep opening: each member is back with chance 3/4, and the
        120 quorum needs 52 of 55 back. The exact binomial answer lies inside the reported interval."""
        path = _with_uncertain(tmp_path, "uncertain:\n  defection:\n    - {party: CNRP, weekly: 0.5}\n")
        ensemble = simulate(load_scenario(path), 3000, 11)
        exact = sum(math.comb(55, k) * 0.75**k * 0.25 ** (55 - k) for k in range(52, 56))
        iv = ensemble.proportion("opened_by_deadline", OPPOSITION)
        assert iv.low <= exact <= iv.high, (exact, iv)

    def test_probability_of_an_event_happening(self, tmp_path: Path) -> None:
        """An opening that happens with chance 0.3: the ruling party's 'opens lawfully' is near 0.3."""
        path = _with_uncertain(tmp_path, "uncertain:\n  happens:\n    - {event: opening-sitting, probability: 0.3}\n")
        ensemble = simulate(load_scenario(path), 2000, 5)
        iv = ensemble.proportion("opened_by_deadline", 0)
        assert iv.low <= 0.3 <= iv.high

    def test_talks_end_the_impasse_early(self, tmp_path: Path) -> None:
        """Talks certain to succeed in their first week resolve the impasse 7 days after they start."""
        path = _with_uncertain(tmp_path,
                               "uncertain:\n  talks:\n    - {parties: [CPP, CNRP], weekly: 1, from: 2013-09-14}\n")
        sim = Simulator(load_scenario(path))
        assert {sim.run(1, i).impasse_days for i in range(5)} == {55}  # 21 Sep 2013, 55 days after the poll
        assert {sim.run(1, i).resolved_by for i in range(5)} == {None}  # the run's own talks: no fallback

    def test_runs_without_a_way_out_fall_back_on_the_recorded_agreement(self, tmp_path: Path) -> None:
        """With no defection and no talks, nothing of the run's own ends the impasse: every run ends with
        the recorded agreement of 22 July 2014, 359 days after the poll, and the summary says so."""
        path = _with_uncertain(tmp_path, "uncertain:\n  defection:\n    - {party: CNRP, weekly: 0}\n")
        ensemble = simulate(load_scenario(path), 20, 3)
        assert {(r.resolved_by, r.impasse_days) for r in ensemble.results} == {("july-agreement", 359)}
        fallback = ensemble.to_dict()["recorded_fallback"]
        assert fallback == {"runs": 20, "p": 1.0, "events": [{"event": "july-agreement", "runs": 20,
                                                               "days": [359, 359]}]}

    def test_the_bundled_ensemble_tells_its_fallback_apart(self) -> None:
        """In the bundled ensemble, the runs counted as fallback are those the agreement ended (day 359);
        every other resolved run ended earlier, by a defection or by talks."""
        ensemble = simulate(load_scenario("scenarios/cambodia-2013.yaml"), 300, 1)
        fell_back = [r for r in ensemble.results if r.resolved_by]
        own = [r for r in ensemble.results if not r.resolved_by and r.impasse_days is not None]
        assert fell_back and own
        assert {(r.resolved_by, r.impasse_days) for r in fell_back} == {("july-agreement", 359)}
        assert all(r.impasse_days < 359 for r in own)
        assert ensemble.to_dict()["recorded_fallback"]["runs"] == len(fell_back)


class TestUncertainSection:
    @pytest.mark.parametrize(("block", "message"), [
        ("uncertain:\n  defection:\n    - {party: CNRP, weekly: 2}\n", "must be a probability between 0 and 1"),
        ("uncertain:\n  defection:\n    - {party: CNPR, weekly: 0.1}\n", "unknown party 'CNPR'"),
        ("uncertain:\n  happens:\n    - {event: opening, probability: 0.5}\n", "did you mean 'opening-sitting'"),
        ("uncertain:\n  delay:\n    - {event: opening-sitting, days: {min: 5, max: 1}}\n", "needs min <= mode <= max"),
        ("uncertain:\n  delay:\n    - {event: opening-sitting, days: {min: 0, max: 3000000}}\n",
         "days.max: 3000000 days from 2013-09-23 is off the calendar"),
        ("uncertain:\n  talk:\n    - {parties: [CPP], weekly: 0.1}\n", "Did you mean 'talks'"),
    ])
    def test_bad_uncertain_section(self, tmp_path: Path, block: str, message: str) -> None:
        path = _with_uncertain(tmp_path, block)
        with pytest.raises(ScenarioError, match=re.escape(message)):
            parse_scenario(path.read_text(), str(path))


BUNDLED = {path.name: load_scenario(str(path)) for path in sorted(Path("scenarios").glob("*.yaml"))}


@st.composite
def uncertain_sections(draw: st.DrawFn) -> tuple[str, str]:
    """A bundled scenario's name and an ``uncertain:`` section for it in the documented format: any chances,
    windows and delays, any listed parties and any event ids, dates anywhere around the recorded ones."""
    name = draw(st.sampled_from(sorted(BUNDLED)))
    scenario = BUNDLED[name]
    first, last = scenario.events[0].at, scenario.events[-1].at
    days = st.integers(-10, (last - first).days + 60).map(lambda n: str(first + timedelta(days=n)))
    named = {p for e in scenario.events for p in getattr(e, "parties", ()) or ()}
    named |= {party for e in scenario.events if (party := getattr(e, "party", None)) is not None}
    # a scenario whose events name no party (Portugal 2015's) draws from the parties it lists
    parties = st.sampled_from(sorted(named or {p.id for p in scenario.parties}))
    ids = st.sampled_from([e.id for e in scenario.events])
    chance = st.sampled_from([0.0, 1.0]) | st.floats(0, 1)
    since = {"from": days}

    def window(pair: tuple[str, int]) -> list[str]:
        return [pair[0], str(date.fromisoformat(pair[0]) + timedelta(days=pair[1]))]

    def delay(bounds: tuple[int, int, int]) -> dict:
        low, span, at = bounds
        return {"min": low, "max": low + span, **({"mode": low + at % (span + 1)} if at >= 0 else {})}

    # the keys' strategies draw different types: typed as Any, each list's entries keep their own
    keys: dict[str, st.SearchStrategy[Any]] = {
        "horizon": days,
        "defection": st.lists(st.fixed_dictionaries({"party": parties, "weekly": chance}, optional=since),
                              min_size=1, max_size=3),
        "happens": st.lists(st.fixed_dictionaries({"event": ids, "probability": chance},
                                                  optional={"window": st.tuples(days, st.integers(0, 40)).map(window)}),
                            min_size=1, max_size=4, unique_by=lambda h: h["event"]),
        "delay": st.lists(st.fixed_dictionaries({"event": ids, "days": st.tuples(
            st.integers(0, 10), st.integers(0, 30), st.integers(-1, 30)).map(delay)}),
            min_size=1, max_size=3, unique_by=lambda d: d["event"]),
        "talks": st.lists(st.fixed_dictionaries({"parties": st.lists(parties, min_size=1, max_size=3, unique=True),
                                                 "weekly": chance}, optional={**since, "ends_dispute": st.booleans()}),
                          min_size=1, max_size=2),
    }
    section = draw(st.fixed_dictionaries({}, optional=keys))
    return name, yaml.safe_dump({"uncertain": section}, sort_keys=False)


class TestAnyUncertainSection:
    @settings(max_examples=max(1, settings().max_examples // 3))  # each example loads and runs a scenario
    @given(uncertain_sections(), st.integers(0, 2**32))
    # a weekly chance so small (the smallest float) that the wait for the first defector overflowed
    @example(("cambodia-2008.yaml", "uncertain:\n  defection:\n  - party: HRP\n    weekly: 5.0e-324\n"), 0)
    @example(("cambodia-2013.yaml", "uncertain:\n  talks:\n  - parties: [CNRP]\n    weekly: 5.0e-324\n"), 0)
    def test_any_documented_section_runs_the_same_whatever_the_memo_holds(self, case: tuple[str, str],
                                                                            seed: int) -> None:
        """Any uncertain: section in the documented format, on any bundled scenario, loads and runs; each
        run's result is well-formed and the same from a fresh simulator as from one that made other runs
        first (the step memo and the shared events change nothing)."""
        name, block = case
        text = re.sub(r"(?ms)^uncertain:\n.*?(?=^\S)", "", Path("scenarios", name).read_text()) + "\n" + block
        scenario = parse_scenario(text, name)
        warm = Simulator(scenario)
        results = [warm.run(seed, i) for i in range(6)]
        assert [Simulator(scenario).run(seed, i) for i in (5, 2)] == [results[5], results[2]]
        seats = max(sum(n for _, n in getattr(e, "seats", None) or ()) for e in scenario.events)
        for r in results:
            assert len(r.opened_by_deadline) == len(r.opened_ever) == len(r.government_lawful) == len(warm.readings)
            assert 0 <= r.defected <= seats and r.skipped >= 0
            assert r.impasse_days is None or r.impasse_days >= (warm.cut - warm.poll).days


class TestCommand:
    def test_simulate_json_and_bad_plot_suffix(self, runner) -> None:
        """simulate --format json has the documented keys; a --plot path must end in .png or .svg."""
        import json

        from engine.cli.main import cli

        result = runner.invoke(cli, ["simulate", "scenarios/cambodia-2013.yaml", "--runs", "20", "--seed", "2",
                                     "--format", "json"])
        data = json.loads(result.stdout)
        assert {"scenario", "seed", "runs", "outcomes", "impasse_days", "histogram"} <= set(data)
        assert data["outcomes"][0]["opened_by_deadline"].keys() >= {"p", "low", "high", "successes"}
        bad = runner.invoke(cli, ["simulate", "scenarios/cambodia-2013.yaml", "--plot", "out.pdf"])
        assert bad.exit_code == 2 and ".png or .svg" in bad.stderr

    def test_plot_written(self, runner, tmp_path: Path) -> None:
        pytest.importorskip("matplotlib")
        from engine.cli.main import cli

        out = tmp_path / "f.png"
        result = runner.invoke(cli, ["simulate", "scenarios/cambodia-2013.yaml", "--runs", "20", "--plot", str(out)])
        assert result.exit_code == 0 and out.stat().st_size > 1000

    def test_the_figure_hatches_the_fallback_in_its_bar(self) -> None:
        """The runs that ended as recorded on one day are drawn over their bar; an event spread over
        several days is not split between bars (the text names them)."""
        from engine.sim.plots import _fallback_bars

        data = {"histogram": [(0, 9, 5), (10, 19, 7)],
                "recorded_fallback": {"events": [{"event": "a", "runs": 4, "days": [12, 12]},
                                                 {"event": "b", "runs": 2, "days": [3, 15]}]}}
        assert _fallback_bars(data) == [(10, 19, 4)]
        assert _fallback_bars({"histogram": [(0, 9, 5)]}) == []

    @pytest.mark.parametrize(("args", "fragment"), [
        (["--plot", "no/such/folder/f.png"], "--plot: cannot write 'no/such/folder/f.png': there is no folder"),
        (["--runs", str(10**20)], "is not in the range 1<=x<=10000000"),
        (["--runs", "0"], "is not in the range 1<=x<=10000000"),
    ])
    def test_bad_options_are_one_line_and_exit_2_before_any_run(self, runner, args: list[str], fragment: str) -> None:
        """A figure that cannot be written, or a run count out of range, is refused before the ensemble runs
        (with or without matplotlib)."""
        from engine.cli.main import cli

        result = runner.invoke(cli, ["simulate", "scenarios/cambodia-2013.yaml", *args])
        assert result.exit_code == 2 and fragment in result.stderr and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1

    def test_scenario_without_uncertain_section(self, runner) -> None:
        from engine.cli.main import cli

        result = runner.invoke(cli, ["simulate", "scenarios/cambodia-2008.yaml"])
        assert result.exit_code == 2 and "no 'uncertain:' section" in result.stderr
