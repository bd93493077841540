"""One-off questions about a threshold: is a quorum met, is a majority reached?

The library calls behind ``impasse quorum`` and ``impasse majority``: they build the
:class:`~engine.rules.thresholds.Counts`, evaluate, and return a neutral result that renderers turn into
text or JSON.
"""

from __future__ import annotations

import attrs

from engine.rules.thresholds import Counts, Outcome, Subject, Threshold, evaluate, parse_threshold, render

__all__ = ["Answer", "ask_majority", "ask_quorum"]


@attrs.frozen
class Answer:
    """A threshold judged on counts, ready to render."""

    question: str  # "quorum" or "majority"
    threshold: Threshold
    counts: Counts
    outcome: Outcome

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {
            "question": self.question,
            "threshold": render(self.threshold),
            "required": self.outcome.required,
            "count": self.outcome.count,
            "measures": self.outcome.measures,
            "satisfied": self.outcome.satisfied,
            "margin": self.outcome.margin,
            "counts": {k: v for k, v in attrs.asdict(self.counts).items() if v is not None and
                       not (k in _BALLOTS and v == 0)},
            "parts": [
                {
                    "threshold": render(p.threshold),
                    "required": p.required,
                    "count": p.count,
                    "measures": p.measures,
                    "satisfied": p.satisfied,
                    "margin": p.margin,
                }
                for p in self.outcome.parts
            ],
        }


#: ballot counts left out of an answer when there are none, so answers without them read as before
_BALLOTS = frozenset({"blank", "invalid"})


def _threshold(expr: str | Threshold) -> Threshold:
    return parse_threshold(expr) if isinstance(expr, str) else expr


def ask_quorum(expr: str | Threshold, *, members: int, present: int, sitting: int | None = None) -> Answer:
    """Is a quorum met with ``present`` of ``members``?

    Raises:
        ThresholdSyntaxError: for a bad expression.
        CountsError: for counts that cannot coexist.
    """
    threshold = _threshold(expr)
    counts = Counts(all_members=members, sitting=sitting, present=present)
    return Answer("quorum", threshold, counts, evaluate(threshold, counts, Subject.PRESENT))


def ask_majority(
    expr: str | Threshold,
    *,
    members: int,
    yes: int | None = None,
    no: int = 0,
    abstain: int = 0,
    present: int | None = None,
    sitting: int | None = None,
    blank: int = 0,
    invalid: int = 0,
) -> Answer:
    """Is a decision adopted with these votes?

    Share clauses measure the votes in favour unless they name their own subject: for
    ``more than 1/2 of members in office vote against`` the answer is whether the votes against
    reach the majority, and ``yes`` may then be left unknown.

    Raises:
        ThresholdSyntaxError: for a bad expression.
        CountsError: for counts that cannot coexist, or a count the threshold needs that is not given
            (``present`` for a share of members present, ``yes`` for votes in favour or votes cast).
    """
    threshold = _threshold(expr)
    counts = Counts(all_members=members, sitting=sitting, present=present, yes=yes, no=no, abstain=abstain,
                    blank=blank, invalid=invalid)
    return Answer("majority", threshold, counts, evaluate(threshold, counts, Subject.YES))
