"""Constitution packs: the Cambodian pack's rules by date and reading, and errors with file, line, field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.constitution import RuleKind
from engine.errors import PackError, UnknownNameError
from engine.packs import builtin_packs, load_pack, parse_pack
from engine.thresholds import Counts, Subject, evaluate, render

KH = load_pack("kh")


def _rule(on: str, rule_id: str, reading: str | None = None):
    return next(r for r in KH.rules_on(date.fromisoformat(on), reading).rules if r.id == rule_id)


class TestCambodianPack:
    def test_every_rule_cites_article_and_source(self) -> None:
        """Every rule version and every override carries an article and a source."""
        for rule in (*KH.rules, *(o for i in KH.interpretations for o in i.overrides)):
            assert rule.article and rule.source, rule.id

    @pytest.mark.parametrize(("on", "seats"), [("1998-11-30", 122), ("2003-09-27", 123), ("2013-09-23", 123),
                                               ("2018-09-05", 125)])
    def test_size_per_legislature(self, on: str, seats: int) -> None:
        assert KH.body("national-assembly").size_on(date.fromisoformat(on)) == seats

    def test_amendment_picks_the_rule_by_date(self) -> None:
        """Two-thirds confidence (82 of 123) in 2003; absolute majority (62) after March 2006."""
        before, after = _rule("2003-09-27", "confidence-vote"), _rule("2013-09-24", "confidence-vote")
        counts = Counts(123, present=123, yes=73)
        assert evaluate(before.threshold, counts, Subject.YES).required == 82
        assert evaluate(after.threshold, counts, Subject.YES).required == 62
        assert after.amendment == "kh-2006-50-plus-one"

    def test_three_readings_of_the_opening(self) -> None:
        """The 2013 readings: no quorum / 120 members present / two-thirds."""
        texts = [_rule("2013-09-23", "opening-quorum", r).requirement for r in
                 ("cpp-majority-suffices", "opposition-120-to-open", "two-thirds-valid-meeting")]
        assert texts == ["no requirement", "at least 120 members present", "at least 2/3 of all members"]

    def test_cpp_reading_not_before_2006(self) -> None:
        """The ruling party's reading rests on the 2006 amendment: in 2003 the pack's rule stands."""
        assert render(_rule("2003-09-27", "opening-quorum", "cpp-majority-suffices").threshold) == \
            "at least 7/10 of all members"

    def test_deadline_rule(self) -> None:
        rule = _rule("2013-07-28", "first-session-deadline")
        assert (rule.kind, rule.days, rule.anchor, rule.met_by) == (RuleKind.DEADLINE, 60, "election_held",
                                                                     "parliament_convened")

    @pytest.mark.parametrize("name", builtin_packs())
    def test_every_shipped_pack_loads(self, name: str) -> None:
        assert load_pack(name).rules

    def test_unknown_names(self) -> None:
        with pytest.raises(UnknownNameError, match="Did you mean 'kh'"):
            load_pack("kx")
        with pytest.raises(UnknownNameError, match="Known: cpp-majority-suffices"):
            KH.rules_on(date(2013, 1, 1), "nobody")


MINIMAL = """\
id: t
name: Test
country: Nowhere
bodies:
  - id: house
    name: House
    sizes: [{since: 2000-01-01, seats: 100}]
rules:
  - id: q
    kind: quorum
    body: house
    title: Quorum
    article: "1"
    source: s
    threshold: more than 1/2 of all members
"""


class TestPackErrors:
    @pytest.mark.parametrize(("old", "new", "line", "expected"), [
        ("    threshold: more than", "    treshold: more than", 15, "unknown field 'treshold'. Did you mean 'threshold'?"),
        ("more than 1/2 of all members", "more than half of all members", 15, "column 11: expected a fraction"),
        ('    article: "1"\n', "", 9, "every rule needs an article and a source. These have none: q"),
        ("    body: house", "    body: senate", 11, "unknown body 'senate'"),
        ("since: 2000-01-01", "since: 2000-13-01", 7, "is not a real date"),
        ("    kind: quorum", "    kind: quorum\n    kind: decision", 11, "key 'kind' is given twice"),
        ("    kind: quorum", "    kind: quorom", 10, "must be one of quorum, decision"),
        ("bodies:", "bodies: [", None, "not valid YAML"),
    ])
    def test_malformed_pack(self, old: str, new: str, line: int | None, expected: str) -> None:
        """Each malformed pack is one PackError naming the file, the line and what is wrong."""
        text = MINIMAL.replace(old, new)
        assert text != MINIMAL
        with pytest.raises(PackError) as info:
            parse_pack(text, "t.yaml")
        assert str(info.value).startswith("t.yaml:") and expected in str(info.value)
        if line is not None:
            assert info.value.line == line, str(info.value)

    def test_override_of_unknown_rule(self) -> None:
        text = MINIMAL + "interpretations:\n  - {id: x, name: X, holder: h, claim: c, source: s,\n     overrides: [{rule: qq, threshold: null}]}\n"
        with pytest.raises(PackError, match="no rule 'qq' to override. Did you mean 'q'"):
            parse_pack(text, "t.yaml")

    def test_versions_must_be_in_order(self) -> None:
        text = MINIMAL.replace("    threshold: more than 1/2 of all members\n",
                               "    versions:\n      - {since: 2005-01-01, threshold: at least 1 members}\n"
                               "      - {since: 2001-01-01, threshold: at least 2 members}\n")
        with pytest.raises(PackError, match="increasing order"):
            parse_pack(text, "t.yaml")

    def test_minimal_pack_loads(self) -> None:
        assert parse_pack(MINIMAL).rules[0].requirement == "more than 1/2 of all members"

    @given(st.binary(max_size=200))
    def test_any_bytes_load_or_raise_pack_error(self, data: bytes) -> None:
        try:
            parse_pack(data, "fuzz.yaml")
        except PackError:
            pass

    def test_pack_file_by_path(self, tmp_path: Path) -> None:
        path = tmp_path / "t.yaml"
        path.write_text(MINIMAL)
        assert load_pack(str(path)).id == "t"
