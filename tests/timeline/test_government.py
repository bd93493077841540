"""The government's life as pack data: which adopted motion installs it and which brings it down."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from engine.files.packs import parse_pack
from engine.timeline.events import ElectionHeld, GovernmentFormed, ParliamentConvened, ResultsAnnounced, VoteHeld
from engine.timeline.machine import Law, Verdict, initial_state, transition
from engine.timeline.state import Phase

PACK = """\
id: t
name: Test
country: Nowhere
bodies:
  - id: house
    name: House
    sizes: [{since: 2000-01-01, seats: 100}]
rules:
  - id: confidence
    kind: decision
    body: house
    title: Investiture
    applies_to: [investiture]
    threshold: more than 1/2 of all members
    effect: installs_government
    article: "1"
    source: s1
  - id: censure
    kind: decision
    body: house
    title: Motion of no confidence
    applies_to: [no_confidence]
    threshold: more than 1/2 of all members
    effect: removes_government
    article: "2"
    source: s2
"""


def _fold(pack_text: str, *events):
    law = Law(parse_pack(pack_text, "t.yaml"), "house")
    state, steps = initial_state(law), []
    for event in events:
        step = transition(state, event, law)
        steps.append(step)
        state = step.state
    return steps


def _formed(yes: int):
    return [ElectionHeld(at=date(2020, 1, 5), source="s"),
            ResultsAnnounced(at=date(2020, 1, 20), source="s", stage="final", by="EC", seats={"A": 60, "B": 40}),
            ParliamentConvened(at=date(2020, 2, 1), source="s", sitting="opening", present=100),
            VoteHeld(at=date(2020, 2, 2), source="s", motion="investiture", yes=yes, no=100 - yes),
            GovernmentFormed(at=date(2020, 2, 3), source="s", head="A's leader")]


class TestInstalling:
    @given(st.integers(min_value=0, max_value=100))
    def test_the_investiture_rule_judges_the_government(self, yes: int) -> None:
        """A motion whose rule installs the government makes it lawful exactly when it met its threshold."""
        formed = _fold(PACK, *_formed(yes))[-1]
        (finding,) = formed.findings
        assert finding.code == ("government.lawful" if yes > 50 else "government.unlawful_vote")
        assert formed.state.government_lawful == ((None, yes > 50),)

    def test_a_pack_that_names_no_installing_motion_does_not_judge_formation(self) -> None:
        """Without an effect on any rule, formation is reported as not judged, not as unlawful."""
        formed = _fold(PACK.replace("    effect: installs_government\n", ""), *_formed(80))[-1]
        assert [(f.verdict, f.code) for f in formed.findings] == [(Verdict.INFO, "government.not_judged")]
        assert formed.state.government_lawful == ()


class TestRemoving:
    def test_an_adopted_motion_of_no_confidence_brings_the_government_down(self) -> None:
        """The censure motion adopted: no government, the assembly back to forming one."""
        censure = VoteHeld(at=date(2021, 3, 1), source="s", motion="no_confidence", yes=55, no=45)
        step = _fold(PACK, *_formed(60), censure)[-1]
        assert (step.state.government, step.state.phase, step.state.government_lawful) == (
            None, Phase.ASSEMBLY_CONVENED, ())
        assert "government.removed" in [f.code for f in step.findings]

    def test_a_rejected_motion_or_one_without_the_effect_leaves_it(self) -> None:
        """A censure declared rejected, or a pack that gives the motion no effect, changes nothing."""
        rejected = VoteHeld(at=date(2021, 3, 1), source="s", motion="no_confidence", yes=40, no=60,
                            outcome="rejected")
        assert _fold(PACK, *_formed(60), rejected)[-1].state.government == "A's leader"
        adopted = VoteHeld(at=date(2021, 3, 1), source="s", motion="no_confidence", yes=55, no=45)
        no_effect = PACK.replace("    effect: removes_government\n", "")
        assert _fold(no_effect, *_formed(60), adopted)[-1].state.government == "A's leader"
