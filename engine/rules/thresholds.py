"""The threshold language: quorum and majority rules that read like constitution text.

A threshold is parsed from text such as ``more than 1/2 of all members`` or
``at least 120 members present and more than 1/2 of all members`` into immutable objects, and
evaluated in exact :class:`fractions.Fraction` arithmetic against a set of :class:`Counts`.

Four kinds of node:

* :class:`Share` — a share of a base: ``more than 1/2 of all members``,
  ``at least 1/2 of all members plus 1`` (the "50 % + 1" idiom). It measures the *subject* of the
  question (the members present for a quorum, the votes in favour for a decision), or the subject
  it names itself: ``more than 1/2 of members in office vote against``.
* :class:`Count` — a whole number of something: ``at least 120 members present``. It measures
  what it names (``members`` alone means the subject).
* :class:`Versus` — ``more votes in favour than against``: one side must outnumber the other.
* :class:`Combined` — ``and`` / ``or`` of other nodes; ``and`` needs every part, ``or`` any part.

Arithmetic (exact): ``more than f of n`` requires ``floor(f*n) + 1``; ``at least f of n`` requires
``ceil(f*n)``; an offset ``plus k`` adds ``k``. ``more than N`` requires ``N + 1``, and
``more votes in favour than against`` requires one more than the votes against.

This module parses, evaluates and renders; the nodes and :class:`Counts` are defined in
:mod:`engine.rules.threshold_nodes` and imported from here, with the rest of the language.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import attrs

from engine.errors import CountsError, ThresholdSyntaxError
from engine.rules.threshold_nodes import (
    Base,
    Combined,
    Comparator,
    Count,
    Counted,
    Counts,
    Op,
    Share,
    Subject,
    Threshold,
    Versus,
)

__all__ = [
    "Base",
    "Combined",
    "Comparator",
    "Count",
    "Counted",
    "Counts",
    "Outcome",
    "Share",
    "Subject",
    "Threshold",
    "Versus",
    "evaluate",
    "parse_threshold",
    "render",
    "required_count",
]


@attrs.frozen
class Outcome:
    """The verdict of a threshold on a set of counts.

    ``required`` and ``count`` belong to the binding clause: for ``and``, the one with the smallest
    margin; for ``or``, the largest. ``margin = count - required`` and ``satisfied`` is
    ``margin >= 0``. ``parts`` holds the clause outcomes of a combination.
    """

    threshold: Threshold
    required: int
    count: int
    measures: str
    parts: tuple[Outcome, ...] = ()

    @property
    def margin(self) -> int:
        return self.count - self.required

    @property
    def satisfied(self) -> bool:
        return self.margin >= 0


# --------------------------------------------------------------------------- arithmetic


def _need(comparator: Comparator, exact: Fraction) -> int:
    if comparator is Comparator.MORE_THAN:
        return math.floor(exact) + 1
    return math.ceil(exact)


def _base_value(base: Base, counts: Counts) -> int:
    value = {
        Base.ALL_MEMBERS: counts.all_members,
        Base.MEMBERS_IN_OFFICE: counts.in_office,
        Base.SITTING_MEMBERS: counts.seated,
        Base.MEMBERS_PRESENT: counts.present,
        Base.MEMBERS_VOTING: counts.voting,
        Base.VOTES_CAST: counts.cast,
        Base.VALID_VOTES: counts.valid,
    }[base]
    if value is None:
        msg = f"'{base.value}' needs {_NEEDS[base]}"
        raise CountsError(msg)
    return value


_NEEDS = {
    Base.MEMBERS_PRESENT: "the number of members present",
    Base.MEMBERS_VOTING: "the yes votes",
    Base.VOTES_CAST: "the yes votes",
    Base.VALID_VOTES: "the yes votes",
}

#: what each subject's count is called in an outcome, and which base holds the same number
_MEASURES = {
    Subject.PRESENT: ("members present", Base.MEMBERS_PRESENT),
    Subject.YES: ("votes in favour", None),
    Subject.NO: ("votes against", None),
    Subject.CAST: ("votes cast", Base.VOTES_CAST),
    Subject.VALID: ("valid votes", Base.VALID_VOTES),
}


def _subject_value(subject: Subject, counts: Counts) -> tuple[int, str]:
    measures, base = _MEASURES[subject]
    if subject is Subject.PRESENT and counts.present is None:
        msg = "a quorum needs the number of members present"
        raise CountsError(msg)
    if subject is Subject.YES:
        if counts.yes is None:
            msg = "a decision needs the number of yes votes"
            raise CountsError(msg)
        return counts.yes, measures
    if subject is Subject.NO:
        return counts.no, measures
    assert base is not None
    return _base_value(base, counts), measures


def _counted_value(counted: Counted, counts: Counts, subject: Subject) -> tuple[int, str]:
    if counted is Counted.MEMBERS:
        return _subject_value(subject, counts)
    if counted is Counted.VOTES_IN_FAVOUR:
        return _subject_value(Subject.YES, counts)
    if counted is Counted.VOTES_AGAINST:
        return _subject_value(Subject.NO, counts)
    base = Base(counted.value)
    return _base_value(base, counts), counted.value


def _versus_value(threshold: Versus, counts: Counts) -> tuple[int, int, str]:
    if counts.yes is None:
        msg = f"'{render(threshold)}' needs the yes votes"
        raise CountsError(msg)
    count, measures = _subject_value(threshold.subject, counts)
    other, _ = _subject_value(threshold.other, counts)
    return count, other + 1, measures


def evaluate(threshold: Threshold, counts: Counts, subject: Subject = Subject.PRESENT) -> Outcome:
    """Judge ``threshold`` on ``counts``.

    Args:
        threshold: a parsed threshold.
        counts: the numbers of the body, the sitting and the vote.
        subject: what share clauses measure: ``PRESENT`` for a quorum, ``YES`` for a decision,
            or any other :class:`Subject`. A clause that names its own subject
            (``... vote against``, ``more votes in favour than against``) measures that instead.

    Returns:
        An :class:`Outcome` with the required count, the count measured and the margin.

    Raises:
        CountsError: when a count the threshold needs is missing.
    """
    if isinstance(threshold, Share):
        required = _clause_required(threshold, counts)
        count, measures = _subject_value(threshold.subject or subject, counts)
        return Outcome(threshold, required, count, measures)
    if isinstance(threshold, Versus):
        count, required, measures = _versus_value(threshold, counts)
        return Outcome(threshold, required, count, measures)
    if isinstance(threshold, Count):
        count, measures = _counted_value(threshold.counted, counts, subject)
        return Outcome(threshold, _clause_required(threshold, counts), count, measures)
    parts = tuple(evaluate(p, counts, subject) for p in threshold.parts)
    pick = min if threshold.op is Op.AND else max
    binding = pick(parts, key=lambda o: o.margin)
    return Outcome(threshold, binding.required, binding.count, binding.measures, parts)


def required_count(threshold: Threshold, counts: Counts, subject: Subject = Subject.PRESENT) -> int:
    """The smallest count of the subject that satisfies ``threshold``, other counts fixed.

    For a combination whose clauses all measure the subject this is the largest (``and``) or
    smallest (``or``) requirement of its parts. A base that moves with the subject (a majority of
    votes cast, measured on the votes in favour) is taken at the counts given.
    """
    if isinstance(threshold, Combined):
        reqs = [required_count(p, counts, subject) for p in threshold.parts]
        return max(reqs) if threshold.op is Op.AND else min(reqs)
    if isinstance(threshold, Versus):
        return _versus_value(threshold, counts)[1]
    # a requirement needs the bases only, not the count it is compared with: that may be unknown
    return _clause_required(threshold, counts)


def _clause_required(threshold: Share | Count, counts: Counts) -> int:
    if isinstance(threshold, Share):
        return _need(threshold.comparator, threshold.fraction * _base_value(threshold.base, counts)) + threshold.offset
    return threshold.number + (1 if threshold.comparator is Comparator.MORE_THAN else 0)


# --------------------------------------------------------------------------- rendering


def _fmt_fraction(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


#: the words a share clause ends with to name its own subject, canonical first
_SUBJECT_WORDS: dict[Subject, tuple[tuple[str, ...], ...]] = {
    Subject.YES: (("vote", "in", "favour"), ("vote", "in", "favor"), ("vote", "for")),
    Subject.NO: (("vote", "against"),),
    Subject.PRESENT: (("are", "present"), ("be", "present")),
    Subject.CAST: (("cast", "a", "vote"),),
    Subject.VALID: (("cast", "a", "valid", "vote"),),
}
_SIDE_WORDS = {Subject.YES: "in favour", Subject.NO: "against"}


def render(threshold: Threshold) -> str:
    """Canonical text of a threshold; ``parse_threshold(render(t)) == t``."""
    if isinstance(threshold, Share):
        text = f"{threshold.comparator.value} {_fmt_fraction(threshold.fraction)} of {threshold.base.value}"
        text += f" plus {threshold.offset}" if threshold.offset else ""
        return text + (" " + " ".join(_SUBJECT_WORDS[threshold.subject][0]) if threshold.subject else "")
    if isinstance(threshold, Versus):
        return f"more votes {_SIDE_WORDS[threshold.subject]} than {_SIDE_WORDS[threshold.other]}"
    if isinstance(threshold, Count):
        return f"{threshold.comparator.value} {threshold.number} {threshold.counted.value}"
    words = []
    for part in threshold.parts:
        text = render(part)
        words.append(f"({text})" if isinstance(part, Combined) else text)
    return f" {threshold.op.value} ".join(words)


# --------------------------------------------------------------------------- parsing

_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?(?:\s*/\s*[0-9]+)?\s*(?:%|percent\b)?)|(?P<word>[A-Za-z]+)|(?P<punct>[()]))"
)

_BASES = {tuple(b.value.split()): b for b in Base}
_BASES[("all", "seats")] = Base.ALL_MEMBERS
_COUNTED = {tuple(c.value.split()): c for c in Counted}
_COUNTED[("votes", "in", "favor")] = Counted.VOTES_IN_FAVOUR
_SUBJECTS = {words: subject for subject, spellings in _SUBJECT_WORDS.items() for words in spellings}
#: after the first word of a subject, what must follow
_SUBJECT_LEADS = {"vote": "'in favour', 'for' or 'against' after 'vote'", "are": "'present' after 'are'",
                  "be": "'present' after 'be'", "cast": "'a vote' or 'a valid vote' after 'cast'"}
_COUNTED_SUBJECT = {Subject.YES: Counted.VOTES_IN_FAVOUR, Subject.NO: Counted.VOTES_AGAINST,
                    Subject.PRESENT: Counted.MEMBERS_PRESENT, Subject.CAST: Counted.VOTES_CAST,
                    Subject.VALID: Counted.VALID_VOTES}
_SIDES = {("in", "favour"): Subject.YES, ("in", "favor"): Subject.YES, ("for",): Subject.YES,
          ("against",): Subject.NO}


@attrs.frozen
class _Tok:
    kind: str  # "num", "word", "punct", "end"
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise ThresholdSyntaxError(text, start, "a word, a number or a parenthesis", repr(text[start]))
        kind = m.lastgroup or "end"
        start = m.start(kind)
        tokens.append(_Tok(kind, m.group(kind).rstrip(), start))  # a number's match may end in spaces
        pos = m.end()
    tokens.append(_Tok("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0

    # helpers
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def fail(self, expected: str, tok: _Tok | None = None) -> ThresholdSyntaxError:
        tok = tok or self.tok
        got = "end of text" if tok.kind == "end" else repr(tok.text)
        return ThresholdSyntaxError(self.text, tok.pos, expected, got)

    def word(self, *options: str) -> str | None:
        if self.tok.kind == "word" and self.tok.text.lower() in options:
            w = self.tok.text.lower()
            self.i += 1
            return w
        return None

    def expect_word(self, w: str) -> None:
        if self.word(w) is None:
            raise self.fail(repr(w))

    # grammar
    def parse(self) -> Threshold:
        if self.tok.kind == "end":
            msg = "a threshold such as 'more than 1/2 of all members'"
            raise self.fail(msg)
        node = self.expr()
        if self.tok.kind != "end":
            msg = "'and', 'or' or the end of the threshold"
            raise self.fail(msg)
        return node

    def expr(self) -> Threshold:
        return self._joined(Op.OR, self.term)

    def term(self) -> Threshold:
        return self._joined(Op.AND, self.factor)

    def _joined(self, op: Op, sub) -> Threshold:
        parts = [sub()]
        while self.word(op.value):
            parts.append(sub())
        flat: list[Threshold] = []
        for p in parts:
            if isinstance(p, Combined) and p.op is op:
                flat.extend(p.parts)
            else:
                flat.append(p)
        return flat[0] if len(flat) == 1 else Combined(op, tuple(flat))

    def factor(self) -> Threshold:
        if self.tok.kind == "punct" and self.tok.text == "(":
            self.i += 1
            node = self.expr()
            if not (self.tok.kind == "punct" and self.tok.text == ")"):
                msg = "')'"
                raise self.fail(msg)
            self.i += 1
            return node
        return self.clause()

    def clause(self) -> Threshold:
        start = self.tok
        if self.word("more"):
            if self.word("votes"):
                return self.versus()
            if not self.word("than"):
                msg = "'than' or 'votes'"
                raise self.fail(msg)
            comparator = Comparator.MORE_THAN
        elif self.word("at"):
            self.expect_word("least")
            comparator = Comparator.AT_LEAST
        else:
            self.word("a", "an")
            self.word("absolute", "simple")
            if self.word("majority"):
                self.expect_word("of")
                base = self.base()
                return Share(Comparator.MORE_THAN, Fraction(1, 2), base, self.offset(), self.subject())
            msg = "'more than', 'at least', 'majority of' or '('"
            raise self.fail(msg, start)
        return self.amount(comparator)

    def amount(self, comparator: Comparator) -> Threshold:
        tok = self.tok
        if tok.kind != "num":
            msg = "a fraction like 1/2, a percentage like 50% or a whole number"
            raise self.fail(msg)
        self.i += 1
        raw = re.sub(r"\s+", "", tok.text.lower())
        percent = raw.endswith(("%", "percent"))
        raw = raw.rstrip("%").removesuffix("percent")
        if "/" in raw or percent:
            if "/" in raw:
                num, _, den = raw.partition("/")
                if "." in raw or int(den) == 0:
                    msg = "a fraction of whole numbers with a non-zero denominator"
                    raise self.fail(msg, tok)
                value = Fraction(int(num), int(den))
            else:
                value = Fraction(raw) / 100
            if not 0 < value <= 1:
                msg = "a share greater than 0 and at most 1 (100%)"
                raise self.fail(msg, tok)
            if comparator is Comparator.MORE_THAN and value == 1:
                msg = "a share below 1 ('more than all' can never be met)"
                raise self.fail(msg, tok)
            self.expect_word("of")
            base = self.base()
            return Share(comparator, value, base, self.offset(), self.subject())
        if "." in raw:
            msg = "a whole number of members"
            raise self.fail(msg, tok)
        number = int(raw)
        counted = self._phrase(_COUNTED, "what is counted: 'members', 'members present', 'members in office', "
                               "'sitting members', 'members voting', 'votes cast', 'valid votes', "
                               "'votes in favour' or 'votes against'")
        if counted is Counted.MEMBERS and (subject := self.subject()) is not None:
            counted = _COUNTED_SUBJECT[subject]  # 'at least 116 members vote against' is 116 votes against
        return Count(comparator, number, counted)

    def versus(self) -> Versus:
        # 'more votes in favour than against', after 'more votes'
        side = self._phrase(_SIDES, "'in favour' or 'against'")
        self.expect_word("than")
        other = Subject.NO if side is Subject.YES else Subject.YES
        start, expected = self.tok, f"'{_SIDE_WORDS[other]}' (the other side)"
        if self._phrase(_SIDES, expected) is not other:
            raise self.fail(expected, start)
        return Versus(side)

    def subject(self) -> Subject | None:
        # a share may end by naming what it measures: '... vote against'
        lead = self.tok.text.lower() if self.tok.kind == "word" else ""
        if lead not in _SUBJECT_LEADS:
            return None
        try:
            return self._phrase(_SUBJECTS, "")
        except ThresholdSyntaxError:
            raise self.fail(_SUBJECT_LEADS[lead], self.toks[self.i + 1]) from None

    def base(self) -> Base:
        return self._phrase(_BASES, "a base: 'all members', 'sitting members', 'members in office', "
                            "'members present', 'members voting', 'votes cast' or 'valid votes'")

    def _phrase(self, table: dict, expected: str):
        # longest match first, so "members present" wins over "members"
        for words in sorted(table, key=len, reverse=True):
            n = len(words)
            window = self.toks[self.i:self.i + n]
            if len(window) == n and all(t.kind == "word" and t.text.lower() == w
                                        for t, w in zip(window, words, strict=True)):
                self.i += n
                return table[words]
        raise self.fail(expected)

    def offset(self) -> int:
        if self.word("plus"):
            tok = self.tok
            if tok.kind != "num" or not tok.text.strip().isdigit():
                msg = "a whole number after 'plus'"
                raise self.fail(msg)
            self.i += 1
            return int(tok.text)
        return 0


def parse_threshold(text: str) -> Threshold:
    """Parse threshold text into an immutable threshold.

    Examples: ``more than 1/2 of all members``; ``majority of votes cast``;
    ``at least 1/2 of all members plus 1``; ``at least 120 members present and more than 1/2 of
    all members``. ``and`` binds tighter than ``or``; parentheses group.

    Raises:
        ThresholdSyntaxError: naming the column and what was expected. Nothing else is raised.
    """
    if not isinstance(text, str):
        raise ThresholdSyntaxError(repr(text), 0, "threshold text", type(text).__name__)
    try:
        return _Parser(text).parse()
    except ThresholdSyntaxError:
        raise
    except RecursionError:
        raise ThresholdSyntaxError(text, 0, "a threshold", "parentheses nested too deeply") from None
    except (ValueError, ArithmeticError) as exc:  # defensive: never leak another error
        raise ThresholdSyntaxError(text, 0, "a valid threshold", str(exc)) from None
