"""What a what-if variant changes in the outcome per reading, the reading by name."""

from __future__ import annotations

from engine.files.scenarios import load_scenario
from engine.report.comparison import outcome_changes
from engine.sim.whatif import compare, parse_variant

KH2013 = load_scenario("scenarios/cambodia-2013.yaml")


def _changes(drops: tuple[str, ...] = (), sets: tuple[str, ...] = (), rules: tuple[str, ...] = ()) -> tuple[str, ...]:
    return outcome_changes(compare(KH2013, parse_variant(drops, sets, (), rules, ()), None))


def test_a_full_opening_makes_the_government_lawful_under_the_other_readings() -> None:
    """120 present: lawful under the opposition's and the two-thirds readings, named, before → after."""
    assert _changes(sets=("opening-sitting.members_present=120", "opening-sitting.boycotters_present=52")) == (
        "government lawfully installed under the opposition's reading: NO → yes",
        "government lawfully installed under the two-thirds reading: NO → yes",
    )


def test_a_stricter_quorum_takes_the_lawfulness_away_under_the_ruling_party_s_reading() -> None:
    """Two-thirds to open: the ruling party's reading loses its lawful government."""
    assert _changes(rules=("opening-quorum=at least 2/3 of all members",)) == (
        "government lawfully installed under the ruling party's reading: yes → NO",
    )


def test_an_outcome_left_undecided_reads_n_a() -> None:
    """Without the opening sitting the assembly is never judged constituted: yes → n/a."""
    changes = _changes(drops=("opening-sitting",))
    assert "assembly lawfully constituted under the opposition's reading: yes → n/a" in changes
    assert "government lawfully installed under the ruling party's reading: yes → NO" in changes


def test_a_variant_that_changes_no_outcome_has_no_headline() -> None:
    """The same attendance: nothing to lead with."""
    assert _changes(sets=("opening-sitting.members_present=68",)) == ()
