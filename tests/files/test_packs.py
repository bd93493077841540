"""Constitution packs: the Cambodian pack's rules by date and reading, and errors with file, line, field."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import engine
from engine.errors import PackError, UnknownNameError
from engine.files.packs import builtin_packs, load_pack, parse_pack
from engine.rules.constitution import EventFilter, Period, RuleKind
from engine.rules.thresholds import Counts, Subject, evaluate, render
from tests.helpers import TWO_HOUSES_HEAD

KH = load_pack("kh")
READINGS = ("cpp-majority-suffices", "opposition-120-to-open", "two-thirds-valid-meeting")
SHIPPED = sorted((Path(engine.__file__).parent / "constitutions").glob("*.yaml"))


def _rule(on: str, rule_id: str, reading: str | None = None):
    return next(r for r in KH.rules_on(date.fromisoformat(on), reading).rules if r.id == rule_id)


class TestCambodianPack:
    def test_loads(self) -> None:
        """The kh pack loads with its Assembly, rules, amendments and three readings."""
        assert (KH.id, KH.country) == ("kh", "Cambodia")
        assert [b.id for b in KH.bodies] == ["national-assembly"]
        assert [i.id for i in KH.interpretations] == list(READINGS)
        assert "kh-2006-50-plus-one" in {a.id for a in KH.amendments}
        assert KH.source and KH.missing

    def test_every_rule_cites_article_and_source(self) -> None:
        """Every rule version and every interpretation's override carries an article and a source."""
        overrides = [o for i in KH.interpretations for o in i.overrides]
        assert overrides
        for rule in (*KH.rules, *overrides):
            assert rule.article.strip() and rule.source and all(s.strip() for s in rule.source), rule.id
        for interpretation in KH.interpretations:
            assert interpretation.source and interpretation.holder and interpretation.claim, interpretation.id

    @pytest.mark.parametrize(("on", "seats"), [("1998-11-30", 122), ("2003-09-27", 123), ("2013-09-23", 123),
                                               ("2018-09-05", 125)])
    def test_size_per_legislature(self, on: str, seats: int) -> None:
        """The Assembly has 122 seats in 1998, 123 from 2003 to 2013 and 125 in 2018."""
        assert KH.body("national-assembly").size_on(date.fromisoformat(on)) == seats

    def test_amendment_picks_the_rule_by_date(self) -> None:
        """Two-thirds confidence (82 of 123) in 2003; more than 1/2 of all members (62) in 2013."""
        before, after = _rule("2003-09-27", "confidence-vote"), _rule("2013-09-24", "confidence-vote")
        assert render(before.threshold) == "at least 2/3 of all members"
        assert render(after.threshold) == "more than 1/2 of all members"
        counts = Counts(123, present=123, yes=73)
        assert evaluate(before.threshold, counts, Subject.YES).required == 82
        assert not evaluate(before.threshold, counts, Subject.YES).satisfied
        assert evaluate(after.threshold, counts, Subject.YES).required == 62
        assert after.amendment == "kh-2006-50-plus-one" != before.amendment

    def test_three_readings_of_the_opening(self) -> None:
        """The 2013 readings of the opening quorum: none / at least 120 members present / two-thirds."""
        texts = [_rule("2013-09-23", "opening-quorum", r).requirement for r in READINGS]
        assert texts == ["no requirement", "at least 120 members present", "at least 2/3 of all members"]
        assert _rule("2013-09-23", "opening-quorum").requirement == "more than 1/2 of all members"

    def test_readings_judge_the_2013_opening(self) -> None:
        """68 of 123 present: lawful with no quorum, short of 120 and of 82."""
        counts = Counts(123, present=68)
        verdicts = [(r.threshold is None or evaluate(r.threshold, counts).satisfied)
                    for r in (_rule("2013-09-23", "opening-quorum", x) for x in READINGS)]
        assert verdicts == [True, False, False]

    def test_cpp_reading_not_before_2006(self) -> None:
        """The ruling party's reading rests on the 2006 amendment: in 2003 the pack's rule stands."""
        assert _rule("2003-09-27", "opening-quorum", "cpp-majority-suffices").requirement == \
            "at least 7/10 of all members"

    def test_deadline_and_convocation(self) -> None:
        """The 60-day first-session deadline and the King's convocation are rules too."""
        rule = _rule("2013-07-28", "first-session-deadline")
        assert (rule.kind, rule.days, rule.anchor, rule.met_by) == (RuleKind.DEADLINE, 60, "election_held",
                                                                     "parliament_convened")
        assert _rule("2013-07-28", "opening-convened-by-king").requirement == "convened by King"

    def test_unknown_names(self) -> None:
        """Unknown packs and readings are UnknownNameErrors with a suggestion."""
        with pytest.raises(UnknownNameError, match=r"unknown constitution pack 'kx'\. Did you mean 'kh'"):
            load_pack("kx")
        with pytest.raises(UnknownNameError, match="Did you mean 'opposition-120-to-open'"):
            KH.rules_on(date(2013, 1, 1), "opposition-120")
        with pytest.raises(UnknownNameError, match="no constitution pack file"):
            load_pack("nowhere/pack.yaml")


class TestShippedPacks:
    def test_builtin_packs_lists_every_file(self) -> None:
        """builtin_packs() names every engine/constitutions/*.yaml."""
        assert SHIPPED and list(builtin_packs()) == [p.stem for p in SHIPPED]

    @pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
    def test_every_shipped_pack_loads(self, path: Path) -> None:
        """Each shipped pack loads by id and by path, and its id is its file name."""
        by_id, by_path = load_pack(path.stem), load_pack(str(path))
        assert by_id == by_path and by_id.id == path.stem and by_id.rules


PACK = """\
id: t
name: Test
country: Nowhere
bodies:
  - id: house
    name: House
    sizes:
      - {since: 2000-01-01, seats: 100}
      - {since: 2010-01-01, seats: 101}
amendments:
  - {id: a1, title: Two thirds, in_force: 2010-01-01, source: s}
rules:
  - id: quorum
    kind: quorum
    body: house
    title: Quorum
    versions:
      - since: 2000-01-01
        threshold: more than 1/2 of all members
        article: "1"
        source: s1
      - since: 2010-01-01
        amendment: a1
        threshold: at least 2/3 of all members
        article: "1 new"
        source: s2
  - id: confidence
    kind: decision
    body: house
    title: Confidence
    applies_to: [vote_of_confidence]
    threshold: more than 1/2 of all members
    article: "2"
    source: s3
interpretations:
  - id: strict
    name: Strict
    holder: a judge
    claim: Confidence needs two thirds
    source: s4
    overrides:
      - rule: confidence
        threshold: at least 2/3 of all members
        article: "2 (strict)"
        source: s5
"""

#: (text to replace, replacement, line, field, reason): one row per kind of mistake.
BAD = [
    pytest.param("    title: Quorum\n", "    title: Quorum\n    thresold: x\n", 17, "rules[0].thresold",
                 "unknown field 'thresold'. Did you mean 'threshold'?", id="unknown-key"),
    pytest.param("country:", "contry:", 3, "contry", "unknown field 'contry'. Did you mean 'country'?",
                 id="unknown-top-key"),
    pytest.param("        threshold: more than 1/2", "        threshold: more than half", 19,
                 "rules[0].versions[0].threshold",
                 "threshold 'more than half of all members', column 11: expected a fraction like 1/2",
                 id="bad-threshold"),
    pytest.param("    threshold: more than 1/2 of all members\n    article", "    threshold: 50\n    article", 32,
                 "rules[1].threshold", "must be threshold text (got 50)", id="threshold-not-text"),
    pytest.param("    threshold: more than 1/2 of all members\n    article", "    article", 27, "rules[1].threshold",
                 "a decision rule needs 'threshold' (text, or null for no requirement)", id="no-threshold"),
    pytest.param('        article: "1"\n        source: s1\n', "", 18, "rules[0].versions[0]",
                 "every rule needs an article and a source. These have none: quorum (line 18)", id="uncited-rule"),
    pytest.param('    article: "2"\n    source: s3\ninterpretations:\n  - id: strict\n    name: Strict\n'
                 "    holder: a judge\n    claim: Confidence needs two thirds\n    source: s4\n",
                 "interpretations:\n  - id: strict\n    name: Strict\n    holder: a judge\n"
                 "    claim: Confidence needs two thirds\n", 27, "rules[1]",
                 "every rule needs an article and a source. These have none: confidence (line 27), "
                 "interpretation strict (line 34)", id="uncited-every-offender"),
    pytest.param("    body: house\n    title: Confidence", "    body: senate\n    title: Confidence", 29,
                 "rules[1].body", "unknown body 'senate' (bodies: house)", id="unknown-body"),
    pytest.param("    kind: decision", "    kind: decison", 28, "rules[1].kind",
                 "must be one of quorum, decision, deadline, convocation (got 'decison')", id="unknown-kind"),
    pytest.param("[vote_of_confidence]", "[vote_of_confidense]", 31, "rules[1].applies_to[0]",
                 "unknown motion 'vote_of_confidense'; did you mean 'vote_of_confidence'?", id="unknown-motion"),
    pytest.param("        amendment: a1", "        amendment: a2", 23, "rules[0].versions[1].amendment",
                 "unknown amendment 'a2' (amendments: a1)", id="unknown-amendment"),
    pytest.param("      - since: 2010-01-01\n        amendment", "      - since: 1999-01-01\n        amendment", 22,
                 "rules[0].versions[1]", "versions of rule 'quorum' need 'since' dates in increasing order",
                 id="versions-out-of-order"),
    pytest.param("{since: 2010-01-01, seats: 101}", "{since: 1990-01-01, seats: 101}", 9, "bodies[0].sizes[1].since",
                 "sizes must be in date order (1990-01-01 is not after 2000-01-01)", id="sizes-out-of-order"),
    pytest.param("{since: 2010-01-01, seats: 101}", "{since: 2010-02-30, seats: 101}", 9, "bodies[0].sizes[1].since",
                 "is not a real date: '2010-02-30'", id="impossible-date"),
    pytest.param("in_force: 2010-01-01", "in_force: 1 Jan 2010", 11, "amendments[0].in_force",
                 "must be a date written YYYY-MM-DD (got '1 Jan 2010')", id="bad-date-format"),
    pytest.param("seats: 100", "seats: many", 8, "bodies[0].sizes[0].seats", "must be a whole number (got 'many')",
                 id="seats-not-a-number"),
    pytest.param("    title: Confidence\n", "    title: Confidence\n    title: Again\n", 31, "rules[1].title",
                 "key 'title' is given twice", id="duplicate-key"),
    pytest.param("  - id: confidence", "  - id: quorum", 27, "rules[1].id", "id 'quorum' is used twice in rules",
                 id="duplicate-rule-id"),
    pytest.param("      - rule: confidence", "      - rule: confidense", 42, "interpretations[0].overrides[0].rule",
                 "no rule 'confidense' to override. Did you mean 'confidence'?", id="override-unknown-rule"),
    pytest.param("    title: Confidence", '    title: ""', 30, "rules[1].title", "must not be empty", id="empty-title"),
    pytest.param("    body: house\n    title: Confidence", '    body: ""\n    title: Confidence', 29,
                 "rules[1].body", "unknown body '' (bodies: house)", id="empty-body"),
    pytest.param("[vote_of_confidence]", "[vote_of_confidence", 32, None, "not valid YAML", id="not-yaml"),
    pytest.param("    applies_to: [vote_of_confidence]\n", "    applies_to: [vote_of_confidence]\n    effect: installs_goverment\n",
                 32, "rules[1].effect", "unknown effect 'installs_goverment'; did you mean 'installs_government'?",
                 id="unknown-effect"),
    pytest.param("    title: Quorum\n", "    title: Quorum\n    effect: removes_government\n", 17,
                 "rules[0].effect", "only a decision rule has an effect (what adopting its motion does)",
                 id="effect-on-a-quorum-rule"),
    pytest.param("    title: Quorum\n", "    title: Quorum\n    period: 60 days\n", 17, "rules[0].period",
                 "only a deadline rule has 'period'", id="period-on-a-quorum-rule"),
    pytest.param("    applies_to: [vote_of_confidence]\n", "    applies_to: [vote_of_confidence]\n    direction: rejct\n",
                 32, "rules[1].direction", "unknown direction 'rejct'; did you mean 'reject'?", id="unknown-direction"),
    pytest.param('    threshold: more than 1/2 of all members\n    article: "2"',
                 '    threshold: more than 1/2 of all members vote against\n    article: "2"', 32, "rules[1].threshold",
                 "a rule that adopts its motion can't count votes against: say 'direction: reject'",
                 id="adopting-rule-counts-votes-against"),
    pytest.param('    threshold: more than 1/2 of all members\n    article: "2"',
                 '    direction: reject\n    threshold: more votes in favour than against\n    article: "2"', 33,
                 "rules[1].threshold", "a rule that rejects its motion can't count votes in favour",
                 id="rejecting-rule-counts-votes-in-favour"),
    pytest.param("    title: Quorum\n", "    title: Quorum\n    direction: reject\n", 17, "rules[0].direction",
                 "only a decision rule has 'direction'", id="direction-on-a-quorum-rule"),
    pytest.param("    applies_to: [vote_of_confidence]\n", "    applies_to: [vote_of_confidence]\n    attempts: 3\n",
                 32, "rules[1].attempts", "only a rule with effect confirms_government counts failed attempts",
                 id="attempts-without-confirmation"),
]


class TestEffects:
    """Which motions install or remove a government is pack data: a decision rule's ``effect``."""

    def test_the_kh_confidence_rule_installs_the_government(self) -> None:
        """Every version of kh's confidence-vote rule, and every reading's override of it, installs a government."""
        kh = load_pack("kh")
        rules = [r for r in (*kh.rules, *(o for i in kh.interpretations for o in i.overrides))
                 if r.id == "confidence-vote"]
        assert rules and {r.effect for r in rules} == {"installs_government"}

    def test_an_override_inherits_the_effect(self) -> None:
        """An interpretation's override that says nothing of the effect keeps the rule's."""
        pack = parse_pack(PACK.replace("    applies_to: [vote_of_confidence]\n",
                                       "    applies_to: [vote_of_confidence]\n    effect: installs_government\n"),
                          "t.yaml")
        (override,) = pack.interpretations[0].overrides
        assert override.effect == "installs_government"
        assert next(r for r in pack.rules if r.id == "quorum").effect is None


class TestDirections:
    """A decision rule adopts its motion (the default) or rejects it: pack data, inherited by overrides."""

    def test_the_default_is_adopt(self) -> None:
        """A rule that says nothing adopts its motion."""
        assert {r.direction for r in parse_pack(PACK, "t.yaml").rules} == {"adopt"}

    def test_an_override_inherits_the_direction(self) -> None:
        """An interpretation's override that says nothing of the direction keeps the rule's."""
        text = PACK.replace("    applies_to: [vote_of_confidence]\n",
                            "    applies_to: [vote_of_confidence]\n    direction: reject\n")
        (override,) = parse_pack(text, "t.yaml").interpretations[0].overrides
        assert override.direction == "reject"
        assert override.requirement == "at least 2/3 of all members (to reject the motion)"

    def test_shipped_negative_rule(self) -> None:
        """pt's programme rule is negative and confirms the government; cz's confidence rule counts three attempts."""
        programme = next(r for r in load_pack("pt").rules if r.id == "programme-rejection")
        assert (programme.direction, programme.effect) == ("reject", "confirms_government")
        confidence = next(r for r in load_pack("cz").rules if r.id == "confidence-vote")
        assert (confidence.direction, confidence.attempts, confidence.attempts_article) == (
            "adopt", 3, "35(1)(a), with 68(4)")


class TestPackErrors:
    @pytest.mark.parametrize(("old", "new", "line", "field", "reason"), BAD)
    def test_malformed_pack(self, old: str, new: str, line: int, field: str | None, reason: str) -> None:
        """Each malformed pack is one PackError naming file, line, field and what is wrong, in that order."""
        assert PACK.count(old) == 1
        with pytest.raises(PackError) as info:
            parse_pack(PACK.replace(old, new), "t.yaml")
        err, message = info.value, str(info.value)
        assert (err.path, err.line, err.field) == ("t.yaml", line, field), message
        assert message.startswith(f"t.yaml:{line}:")
        assert (f": {field}: {reason}" if field else reason) in message
        assert "\n" not in message
        assert isinstance(err, ValueError)

    @pytest.mark.parametrize(("text", "reason"), [
        ("", "t.yaml: must be a mapping (got nothing)"),
        ("- 1\n", "t.yaml:1:1: must be a mapping (got a list)"),
        (b"\xff\xfe", "t.yaml: file is not UTF-8 text (invalid start byte at byte 0)"),
        ("id: t\n", "t.yaml:1:1: name: missing required field 'name'"),
    ])
    def test_not_a_pack(self, text: str | bytes, reason: str) -> None:
        """Text that is not a pack at all is a PackError too."""
        with pytest.raises(PackError) as info:
            parse_pack(text, "t.yaml")
        assert str(info.value) == reason

    def test_base_pack_loads(self) -> None:
        """The pack the error table mutates is itself valid."""
        pack = parse_pack(PACK, "t.yaml")
        assert [r.requirement for r in pack.rules_on(date(2015, 1, 1), "strict").rules] == [
            "at least 2/3 of all members", "at least 2/3 of all members"]
        assert pack.rules[0].until == date(2010, 1, 1)

    @pytest.mark.parametrize(("old", "new", "message"), [
        ("anchor: election_held", "anchor: electoin_held", "anchor: unknown event type 'electoin_held'; did you mean 'election_held'?"),
        ("met_by: parliament_convened", "met_by: deadline_expired", "met_by: unknown event type 'deadline_expired'"),
    ])
    def test_a_deadline_names_event_types_that_exist(self, tmp_path: Path, old: str, new: str, message: str) -> None:
        """A deadline started or met by a misspelt event type would never start or never be met: refused."""
        text = Path("engine/constitutions/kh.yaml").read_text()
        assert old in text
        path = tmp_path / "kh.yaml"
        path.write_text(text.replace(old, new, 1))
        with pytest.raises(PackError, match=re.escape(message)):
            load_pack(str(path))

    def test_pack_file_by_path(self, tmp_path: Path) -> None:
        """A pack can be loaded from any path; messages then name that path."""
        path = tmp_path / "t.yaml"
        path.write_text(PACK)
        assert load_pack(str(path)).id == "t"
        path.write_text(PACK.replace("kind: decision", "kind: decison"))
        with pytest.raises(PackError, match=rf"^{path}:28:11: rules\[1\]\.kind: "):
            load_pack(str(path))

    @given(st.binary(max_size=300))
    @example(b"&a [*a]")
    @example(b"id: &a [*a]\nname: x\ncountry: y\nbodies: []\nrules: []\n")
    @example(b"!!python/object/apply:os.system [echo]")
    @example(b"{[1]: 2}")
    @example(b"id: t\nname: T\ncountry: C\nbodies: [{id: b, name: B, sizes: [{since: !!timestamp 2001-01-01, "
             b"seats: 1}]}]\nrules: []\n")
    def test_any_bytes_load_or_raise_pack_error(self, data: bytes) -> None:
        """Any byte string either loads or raises PackError, never another exception."""
        with contextlib.suppress(PackError):
            parse_pack(data, "fuzz.yaml")

    @given(st.integers(0, PACK.count("\n") - 1),
           st.sampled_from(['""', "[]", "{}", "~", "0", "-1", "x", "2013-02-30", "[a, b]", "{a: 1}", "true", "1.5",
                            "!!binary aGVsbG8=", "2000-01-01", "quorum", "house", "confidence", "null", "  - z"]),
           st.booleans())
    @example(29, '""', False)  # body: "" once raised AttributeError
    @example(30, '""', False)  # title: "" likewise
    def test_any_value_in_a_valid_pack_loads_or_raises_pack_error(self, line: int, value: str, drop: bool) -> None:
        """Replacing any one value of a valid pack (or deleting its line) loads or raises PackError, nothing else."""
        lines = PACK.splitlines(keepends=True)
        key, colon, _ = lines[line].partition(":")
        lines[line] = "" if drop else (f"{key}: {value}\n" if colon else f"{value}\n")
        with contextlib.suppress(PackError):
            parse_pack("".join(lines), "t.yaml")


DEADLINES = """\
id: t
name: Test
country: Nowhere
bodies:
  - {id: house, name: House, sizes: [{since: 2000-01-01, seats: 100}]}
rules:
  - id: formation
    kind: deadline
    body: house
    title: A government within two months of the first investiture vote
    period: 2 months
    anchor_day: excluded
    month_end: last_day
    restart: first
    anchor: {type: vote, motion: investiture}
    met_by: {type: vote, motion: [investiture], outcome: adopted}
    article: "1"
    source: s1
  - id: election
    kind: deadline
    body: house
    title: An election between 60 and 90 days after the formation period expires
    period: 90 days
    not_before: 60 days
    after: formation expires
    met_by: election_held
    article: "2"
    source: s2
"""

#: (text to replace, replacement, line, field, reason): one row per kind of mistake in a deadline.
BAD_DEADLINES = [
    pytest.param("period: 2 months", "period: 2 monhts", 11, "rules[0].period",
                 "must be one of days, weeks, months, years (got 'monhts'); did you mean 'months'?", id="unit"),
    pytest.param("period: 2 months", "period: two months", 11, "rules[0].period",
                 "must be a number and a unit, like '60 days' or '2 months' (got 'two months')", id="period-text"),
    pytest.param("period: 2 months", "period: 0 months", 11, "rules[0].period",
                 "must be at least 1 months (got '0 months')", id="period-zero"),
    pytest.param("    period: 2 months\n", "    period: 2 months\n    days: 60\n", 11, "rules[0].period",
                 "give 'days' or 'period', not both ('days: 60' is 'period: 60 days')", id="days-and-period"),
    pytest.param("    period: 2 months\n", "", 7, "rules[0]",
                 "a deadline rule needs 'period' (like '60 days' or '2 months') or 'days'", id="no-period"),
    pytest.param("anchor_day: excluded", "anchor_day: exclusive", 12, "rules[0].anchor_day",
                 "must be one of excluded, included (got 'exclusive')", id="anchor-day"),
    pytest.param("month_end: last_day", "month_end: lastday", 13, "rules[0].month_end",
                 "must be one of last_day, next_day (got 'lastday'); did you mean 'last_day'?", id="month-end"),
    pytest.param("restart: first", "restart: every", 14, "rules[0].restart",
                 "must be one of first, each (got 'every')", id="restart"),
    pytest.param("anchor: {type: vote,", "anchor: {type: voet,", 15, "rules[0].anchor.type",
                 "unknown event type 'voet'; did you mean 'vote'?", id="filter-type"),
    pytest.param("anchor: {type: vote, motion", "anchor: {type: vote, motoin", 15, "rules[0].anchor.motoin",
                 "vote has no field 'motoin'. Did you mean 'motion'?", id="filter-field"),
    pytest.param("motion: investiture}", "motion: investitures}", 15, "rules[0].anchor.motion",
                 "'motion' must be one of", id="filter-value"),
    pytest.param("outcome: adopted}", "outcome: adpoted}", 16, "rules[0].met_by.outcome",
                 "'outcome' must be one of adopted, rejected (got 'adpoted'); did you mean 'adopted'?",
                 id="filter-outcome"),
    pytest.param("motion: [investiture]", "motion: [investiture, {a: 1}]", 16, "rules[0].met_by.motion[1]",
                 "must be text, a number, true or false (got {'a': 1})", id="filter-value-kind"),
    pytest.param("anchor: {type: vote, motion: investiture}", "anchor: {motion: investiture}", 15, "rules[0].anchor.type",
                 "missing required field 'type'", id="filter-without-type"),
    pytest.param("    anchor: {type: vote, motion: investiture}\n", "", 7, "rules[0]",
                 "a deadline rule needs 'anchor' (the event that starts it) or 'after'", id="no-anchor"),
    pytest.param("after: formation expires", "after: formaton expires", 25, "rules[1].after",
                 "no deadline rule 'formaton' to start after; did you mean 'formation'?", id="chain-rule"),
    pytest.param("after: formation expires", "after: formation expired", 25, "rules[1].after",
                 "must be one of expires, met (got 'expired'); did you mean 'expires'?", id="chain-word"),
    pytest.param("after: formation expires", "after: formation", 25, "rules[1].after",
                 "must be a deadline rule and 'expires' or 'met'", id="chain-words"),
    pytest.param("    after: formation expires\n", "    after: formation expires\n    anchor: election_held\n", 26,
                 "rules[1].anchor", "give 'anchor' (the event that starts it) or 'after' (another deadline), not both",
                 id="anchor-and-after"),
    pytest.param("not_before: 60 days", "not_before: 90 days", 24, "rules[1].not_before",
                 "must be shorter than the period (90 days)", id="window-empty"),
    pytest.param("not_before: 60 days", "not_before: 3 months", 24, "rules[1].not_before",
                 "must be shorter than the period (90 days), whatever the anchor's day", id="window-empty-some-months"),
    pytest.param("    not_before: 60 days\n", "    not_before: 60 days\n    exact_day: true\n", 25,
                 "rules[1].exact_day", "give 'exact_day' (the act on the last day) or 'not_before' (a window), not both",
                 id="exact-and-window"),
    pytest.param("    not_before: 60 days\n", "    exact_day: yes\n", 24, "rules[1].exact_day",
                 "must be true or false (got 'yes')", id="exact-not-boolean"),
    pytest.param("    met_by: election_held\n", "    met_by: election_held\n    applies_to: [opening]\n", 27,
                 "rules[1].applies_to", "applies_to names sitting kinds or motions, and election_held has neither",
                 id="applies-to-without-sitting"),
    pytest.param("    met_by: {type: vote, motion: [investiture], outcome: adopted}\n",
                 "    met_by: {type: vote, motion: [investiture], outcome: adopted}\n    applies_to: [investiture]\n", 17,
                 "rules[0].applies_to", "give the motion in met_by or in applies_to, not both", id="applies-to-twice"),
    pytest.param("    restart: first\n", "    restart: first\n    threshold: more than 1/2 of all members\n", 15,
                 "rules[0].threshold", "only a quorum or decision rule has a threshold", id="threshold-on-a-deadline"),
]


class TestDeadlineKeys:
    def test_the_base_pack_loads(self) -> None:
        """Every new key of a deadline, read: period and counting rule, filters, restart, window, chain."""
        formation, election = parse_pack(DEADLINES, "t.yaml").rules
        assert (str(formation.period), formation.restart, formation.days) == ("2 months", "first", None)
        assert formation.met_filter is not None and formation.met_filter.fields == (
            ("motion", ("investiture",)), ("outcome", ("adopted",)))
        assert formation.applies_to == frozenset({"investiture"})
        assert (election.after, str(election.not_before), election.anchor) == (("formation", "expires"), "60 days",
                                                                               None)

    @pytest.mark.parametrize(("old", "new", "line", "field", "reason"), BAD_DEADLINES)
    def test_malformed_deadline(self, old: str, new: str, line: int, field: str, reason: str) -> None:
        """Each mistake in a deadline is one PackError naming file, line, field and what is wrong."""
        assert DEADLINES.count(old) == 1
        with pytest.raises(PackError) as info:
            parse_pack(DEADLINES.replace(old, new), "t.yaml")
        err, message = info.value, str(info.value)
        assert (err.path, err.line, err.field) == ("t.yaml", line, field), message
        assert f": {field}: {reason}" in message

    def test_days_is_a_period_of_days(self) -> None:
        """The form packs first used, ``days: 60``, is a period of 60 days counted from the day after the anchor."""
        rule = _rule("2013-07-28", "first-session-deadline")
        assert (rule.days, rule.period, rule.restart) == (60, Period(60), "first")
        assert rule.met_filter == EventFilter("parliament_convened", (("sitting", ("opening",)),))

    def test_an_override_inherits_the_deadline(self) -> None:
        """An interpretation that gives a deadline another period keeps its filters, restart and chain."""
        text = DEADLINES + ("interpretations:\n  - id: long\n    name: Long\n    holder: h\n    claim: c\n"
                            "    source: s\n    overrides:\n      - rule: election\n        period: 120 days\n")
        (override,) = parse_pack(text, "t.yaml").interpretations[0].overrides
        base = parse_pack(DEADLINES, "t.yaml").rules[1]
        assert (str(override.period), override.after, override.not_before, override.met_filter) == (
            "120 days", base.after, base.not_before, base.met_filter)

    def test_an_override_with_a_plain_met_by_keeps_the_sitting(self) -> None:
        """An override that names only the event type that meets a deadline keeps the sitting the rule asked for."""
        text = Path("engine/constitutions/kh.yaml").read_text() + (
            "  - id: later\n    name: Later\n    holder: h\n    claim: c\n    source: s\n    overrides:\n"
            "      - rule: first-session-deadline\n        met_by: parliament_convened\n        days: 90\n")
        (override,) = parse_pack(text, "kh.yaml").interpretations[-1].overrides
        assert (override.days, str(override.met_filter), override.applies_to) == (
            90, "parliament_convened (sitting opening)", frozenset({"opening"}))

    def test_an_override_may_widen_the_sittings(self) -> None:
        """An override's own applies_to replaces the sittings its inherited met_by asked for."""
        text = Path("engine/constitutions/kh.yaml").read_text() + (
            "  - id: wider\n    name: Wider\n    holder: h\n    claim: c\n    source: s\n    overrides:\n"
            "      - rule: first-session-deadline\n        applies_to: [opening, extraordinary]\n")
        (override,) = parse_pack(text, "kh.yaml").interpretations[-1].overrides
        assert override.met_filter is not None
        assert override.met_filter.values("sitting") == ("opening", "extraordinary")


class TestConsequencesAndMandates:
    def test_the_shipped_packs_of_formations_load(self) -> None:
        """bg and gr hold their mandates' periods and the consequences of Art. 99 and Art. 37, each cited."""
        from engine.files.packs import builtin_packs, load_pack
        from engine.rules.constitution import RuleKind

        assert {"bg", "gr", "kh"} <= set(builtin_packs())
        bg = load_pack("bg")
        kinds = {r.id: r.kind for r in bg.rules}
        assert kinds["dissolution-with-caretaker"] is RuleKind.CONSEQUENCE
        assert kinds["new-election"] is RuleKind.DEADLINE
        assert all(r.article and r.source for r in (*bg.rules, *load_pack("gr").rules))
        assert bg.missing

    def test_met_by_takes_a_list(self) -> None:
        """A deadline met by any of several acts: the first is its filter, the others ``also_met_by``."""
        from engine.files.packs import load_pack

        first = next(r for r in load_pack("gr").rules if r.id == "first-exploratory-mandate")
        assert str(first.met_filter) == "mandate_returned (rank 1)"
        assert [str(f) for f in first.also_met_by] == ["government_formed"]
        assert first.requirement == ("mandate_returned (rank 1) or government_formed within 3 days of "
                                     "mandate_given (rank 1)")


CONTEST_PACK = TWO_HOUSES_HEAD + """\
  - id: designation
    kind: decision
    body: lower
    title: Designation
    applies_to: [designation]
    contest: majority
    threshold: more than 1/2 of votes cast
    runoff: 2
    chambers: [lower, upper]
    prevails: lower
    article: "67"
    source: s
"""


class TestContestKeys:
    def test_contest_rule_reads(self) -> None:
        """A contest rule: how the winner is picked, the run-off, the chambers and the one that prevails."""
        rule = parse_pack(CONTEST_PACK, "t.yaml").rules[0]
        assert (rule.contest, rule.runoff, rule.chambers, rule.prevails) == ("majority", 2, ("lower", "upper"), "lower")
        assert rule.requirement == "more than 1/2 of votes cast, else a run-off between the top 2 won by most votes"

    def test_a_body_may_have_no_size(self) -> None:
        """A body whose size no source gives leaves 'sizes' out."""
        assert parse_pack(CONTEST_PACK, "t.yaml").body("upper").size_on(date(2024, 1, 1)) is None

    @pytest.mark.parametrize(("old", "new", "message"), [
        ("contest: majority", "contest: majorty", "rules[0].contest: unknown contest 'majorty'; did you mean 'majority'?"),
        ("contest: majority", "contest: plurality", "rules[0].runoff: only a contest decided by 'majority' has a run-off"),
        ("prevails: lower", "prevails: middle", "rules[0].prevails: 'middle' is not one of the chambers (lower, upper)"),
        ("chambers: [lower, upper]", "chambers: [lower, uper]", "rules[0].chambers[1]: unknown body 'uper'"),
        ("chambers: [lower, upper]", "chambers: [upper]", "rules[0].chambers: the chambers must include"),
        ("runoff: 2", "runoff: 1", "rules[0].runoff: must be >= 2"),
        ("    threshold: more than 1/2 of votes cast\n", "    threshold: null\n",
         "rules[0].threshold: a contest decided by 'majority' needs the threshold"),
    ])
    def test_errors_name_line_and_field(self, old: str, new: str, message: str) -> None:
        with pytest.raises(PackError) as caught:
            parse_pack(CONTEST_PACK.replace(old, new), "t.yaml")
        assert message in str(caught.value)
        assert str(caught.value).startswith("t.yaml:")

    def test_only_decision_rules_have_contests(self) -> None:
        text = CONTEST_PACK.replace("kind: decision", "kind: quorum").replace("applies_to: [designation]",
                                                                          "applies_to: [opening]")
        with pytest.raises(PackError, match="only a decision rule has 'contest'"):
            parse_pack(text, "t.yaml")

    def test_ballot_key(self) -> None:
        """A rule for the Nth ballot of its procedure: N is a whole number from 1."""
        assert parse_pack(CONTEST_PACK.replace("runoff: 2\n", "runoff: 2\n    ballot: 2\n"), "t.yaml").rules[0].ballot == 2
        with pytest.raises(PackError, match=r"t.yaml:\d+:\d+: rules\[0\].ballot: must be >= 1"):
            parse_pack(CONTEST_PACK.replace("runoff: 2\n", "runoff: 2\n    ballot: 0\n"), "t.yaml")


def test_a_period_of_thousands_of_digits_is_one_pack_error() -> None:
    """'period: 111…1 days' (5,000 digits) is refused in one line, not a ValueError from int() (found by the fuzz test)."""
    text = load_pack("bg") and (Path(engine.__file__).parent / "constitutions" / "bg.yaml").read_text()
    bad = re.sub(r"period: \d+ days", "period: " + "1" * 5000 + " days", text, count=1)
    with pytest.raises(PackError, match="is too long a period"):
        parse_pack(bad, "bg.yaml")


class TestAfterDissolution:
    """A body's ``after_dissolution``: ``stops`` by default, ``sits`` with its source (the Knesset)."""

    def _pack(self, extra: str) -> str:
        text = (Path(engine.__file__).parent / "constitutions" / "il.yaml").read_text()
        start = text.index("    after_dissolution: sits\n")
        end = text.index("\n", text.index("after_dissolution_source:", start)) + 1
        return text[:start] + extra + text[end:]

    def test_the_default_stops(self) -> None:
        body = KH.body("national-assembly")
        assert (body.after_dissolution, body.sits_after_dissolution, body.after_dissolution_source) == ("stops", False, ())

    def test_the_knesset_sits_on_and_says_why(self) -> None:
        body = load_pack("il").body("knesset")
        assert body.sits_after_dissolution
        assert body.after_dissolution_article == "Basic Law: The Knesset, s. 37 (per the Israel Democracy Institute)"
        assert body.after_dissolution_source == ("https://en.idi.org.il/articles/39152",)

    def test_stops_may_be_written(self) -> None:
        assert parse_pack(self._pack("    after_dissolution: stops\n"), "il.yaml").body("knesset").after_dissolution == "stops"

    def test_sits_needs_a_source(self) -> None:
        with pytest.raises(PackError, match=r"^il\.yaml:\d+:\d+: bodies\[0\]\.after_dissolution: .*needs after_dissolution_source"):
            parse_pack(self._pack("    after_dissolution: sits\n"), "il.yaml")

    def test_a_misspelt_value_is_refused_with_a_suggestion(self) -> None:
        with pytest.raises(PackError, match=r"bodies\[0\]\.after_dissolution: must be one of stops, sits \(got 'sit'\); "
                                            r"did you mean 'sits'\?"):
            parse_pack(self._pack("    after_dissolution: sit\n    after_dissolution_source: s\n"), "il.yaml")
