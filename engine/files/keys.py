"""The keys of pack and scenario files, with the kind of value each takes: one table per mapping.

The loaders check every mapping against these tables (the keys allowed, in this order, and the ones
required), and :mod:`engine.files.schema` turns the same tables into the JSON Schemas editors read, so
a key added here is known to both at once. The loaders stay the authority on values: a schema says a
``since`` is a date, the loader also says it comes after the one before.
"""

from __future__ import annotations

import attrs

from engine.rules.constitution import AFTER_DISSOLUTION, ANCHOR_DAYS, EXPIRIES, MONTH_ENDS, RESTARTS, RuleKind
from engine.rules.vocabulary import CONTESTS, DIRECTIONS, EFFECTS

__all__ = [
    "AMENDMENT",
    "BODY",
    "CONDITION",
    "CONSEQUENCE",
    "CONSEQUENCE_RULE",
    "DEADLINE",
    "DECISION",
    "INTERPRETATION",
    "OVERRIDE",
    "PACK",
    "RULE",
    "RULE_KINDS",
    "SCENARIO",
    "SCENARIO_META",
    "SCENARIO_PARTY",
    "SECTIONS",
    "SIZE",
    "UNCERTAIN",
    "VALUES",
    "VERSION",
    "Key",
    "names",
    "required",
]

#: The kinds of value a key takes (what :mod:`engine.files.schema` knows how to write):
#: ``text`` (text or a number, read as text), ``texts`` (one text or a list), ``names`` (a list of
#: texts), ``day`` (YYYY-MM-DD),
#: ``whole`` (a whole number, at least ``minimum`` if given), ``flag`` (true or false), ``choice``
#: (one of ``options``), ``threshold`` (threshold text, or null for none), ``period`` (``60 days``),
#: ``chain`` (``RULE expires`` or ``RULE met``), ``event`` (an event type or a filter), ``events``
#: (one of those or a list), ``probability`` (0 to 1), ``days`` (two dates), ``list`` (of the
#: mappings of section ``of``), ``mapping`` (one mapping of section ``of``), ``any`` (not described).
VALUES = ("text", "texts", "names", "day", "whole", "flag", "choice", "threshold", "period", "chain", "event", "events",
          "probability", "days", "list", "mapping", "any")

#: The kinds a rule in the ``rules`` list may have (a consequence has a list of its own).
RULE_KINDS: tuple[str, ...] = tuple(k.value for k in RuleKind if k is not RuleKind.CONSEQUENCE)


@attrs.frozen
class Key:
    """One key of a mapping in a file: its name, the kind of value it takes, and why it is there."""

    name: str
    value: str = attrs.field(validator=attrs.validators.in_(VALUES))
    about: str = ""
    required: bool = False
    #: the words a ``choice`` takes
    options: tuple[str, ...] = ()
    #: the least whole number
    minimum: int | None = None
    #: the section (a key of :data:`SECTIONS`) of a ``list`` or ``mapping``
    of: str | None = None


def names(keys: tuple[Key, ...]) -> tuple[str, ...]:
    """The keys' names, in order: what a loader allows."""
    return tuple(k.name for k in keys)


def required(keys: tuple[Key, ...]) -> tuple[str, ...]:
    """The names of the required keys, in order: what a loader asks for."""
    return tuple(k.name for k in keys if k.required)


_SOURCE = Key("source", "texts", "URLs or citations the fact is taken from")
_NOTE = Key("note", "text", "what a reader should know: an uncertainty, a computation, a choice")

# --------------------------------------------------------------------------- packs

PACK = (
    Key("id", "text", "the pack's code, as scenarios name it (constitution: ID)", required=True),
    Key("name", "text", "the constitution's name", required=True),
    Key("country", "text", "the country", required=True),
    Key("source", "texts", "where the constitution's text was read"),
    Key("missing", "texts", "what the sources do not say or the format cannot: declared, never invented"),
    Key("bodies", "list", "the chambers the rules govern", required=True, of="body"),
    Key("amendments", "list", "amendments that made new versions of rules", of="amendment"),
    Key("rules", "list", "quorum, decision, deadline and convocation rules", required=True, of="rule"),
    Key("consequences", "list", "events the law derives from an expiry or from the Nth matching event",
        of="consequence"),
    Key("interpretations", "list", "rival readings of the rules, each overriding some", of="interpretation"),
)
BODY = (
    Key("id", "text", "the body's id, as rules and events name it", required=True),
    Key("name", "text", "the body's name", required=True),
    Key("minimum", "whole", "the fewest members it may have", minimum=1),
    Key("article", "text", "the article that sets its size"),
    _SOURCE,
    Key("sizes", "list", "its number of seats, by date (leave out if no source gives it)", of="size"),
    Key("after_dissolution", "choice", "whether a dissolved body stops or sits on until the new assembly first sits",
        options=AFTER_DISSOLUTION),
    Key("after_dissolution_article", "text", "the article that says so"),
    Key("after_dissolution_source", "texts", "URLs or citations that say so (required with 'sits')"),
)
SIZE = (
    Key("since", "day", "the day this size took effect", required=True),
    Key("seats", "whole", "the number of seats", required=True, minimum=1),
    Key("legislature", "text", "the legislature's name or number"),
    _SOURCE,
    _NOTE,
)
AMENDMENT = (
    Key("id", "text", "the amendment's id, as rule versions name it", required=True),
    Key("title", "text", "what it is called", required=True),
    Key("adopted", "day", "the day it was adopted"),
    Key("in_force", "day", "the day it took effect", required=True),
    Key("articles", "texts", "the articles it changed"),
    _SOURCE,
    _NOTE,
)
#: the keys only a deadline rule has (``after`` a consequence has too)
DEADLINE = (
    Key("days", "whole", "the period in days (or give 'period')", minimum=1),
    Key("period", "period", "the period: a number and a unit, like '60 days' or '2 months'"),
    Key("anchor_day", "choice", "whether the anchor's own day counts", options=ANCHOR_DAYS),
    Key("month_end", "choice", "where a month with no such day ends", options=MONTH_ENDS),
    Key("anchor", "event", "the event that starts the period"),
    Key("restart", "choice", "whether only the first anchor starts it, or each", options=RESTARTS),
    Key("after", "chain", "the deadline whose end starts this one: 'RULE expires' or 'RULE met'"),
    Key("met_by", "events", "the event (or any of the events) that meets it"),
    Key("not_before", "period", "the act may not come before this part of the period"),
    Key("exact_day", "flag", "the act is due on the period's last day"),
    Key("expiry", "choice", "what the period's end is: a deadline missed, or a term that lapses", options=EXPIRIES),
    Key("extension", "period", "the most a mandate's period may be extended in total, counted from its last day"),
)
#: the keys only a consequence rule has
CONSEQUENCE = (
    Key("when", "event", "the event that brings it about"),
    Key("count", "whole", "the Nth event matching 'when' (a consequence) or 'anchor' (a deadline)", minimum=1),
    Key("derive", "events", "the events the law brings about"),
)
#: a decision rule's contest, chamber and ballot keys
DECISION = (
    Key("contest", "choice", "how a winner is picked among candidates", options=CONTESTS),
    Key("runoff", "whole", "the candidates in a run-off, for a contest decided by majority", minimum=2),
    Key("chambers", "texts", "the bodies that must each decide"),
    Key("prevails", "text", "the chamber whose decision stands when they disagree"),
    Key("ballot", "whole", "the ballot of a procedure this version governs", minimum=1),
)
#: a quorum rule's convening condition
CONDITION = (
    Key("seats_filled", "threshold", "the seats that must be filled before the body may sit"),
)
VERSION = (
    Key("since", "day", "the day this version took effect"),
    Key("until", "day", "the day it stopped (default: the next version's 'since')"),
    Key("threshold", "threshold", "who must be present, or vote, in the threshold language; null: no requirement"),
    Key("article", "text", "the article (every rule needs one)"),
    Key("text", "text", "the article's words, as read"),
    Key("source", "texts", "URLs or citations (every rule needs one)"),
    _NOTE,
    *DEADLINE,
    *CONSEQUENCE,
    Key("convened_by", "text", "who convenes the sittings a convocation rule governs"),
    Key("amendment", "text", "the amendment that made this version"),
    Key("applies_to", "texts", "the kinds of sitting (quorum, convocation) or motions (decision) governed"),
    Key("effect", "choice", "what adopting the motion does to the government", options=EFFECTS),
    Key("direction", "choice", "adopt: the motion needs the threshold; reject: it stands unless the threshold "
                               "is reached against it", options=DIRECTIONS),
    Key("attempts", "whole", "failed confirmations counted before the consequence", minimum=1),
    Key("attempts_article", "text", "the article that counts the attempts"),
    *DECISION,
    *CONDITION,
)
RULE = (
    Key("id", "text", "the rule's id", required=True),
    Key("kind", "choice", "what the rule governs", required=True, options=RULE_KINDS),
    Key("body", "text", "the body it governs", required=True),
    Key("title", "text", "what it is called", required=True),
    Key("versions", "list", "its versions by date (or give the keys on the rule itself)", of="version"),
    *VERSION,
)
CONSEQUENCE_RULE = (
    Key("id", "text", "the consequence's id", required=True),
    Key("body", "text", "the body it concerns", required=True),
    Key("title", "text", "what it is called", required=True),
    Key("versions", "list", "its versions by date", of="version"),
    *VERSION,
)
INTERPRETATION = (
    Key("id", "text", "the reading's id, as scenarios name it", required=True),
    Key("name", "text", "its name", required=True),
    Key("holder", "text", "who holds it", required=True),
    Key("claim", "text", "what it claims", required=True),
    Key("source", "texts", "where it is stated (every reading needs one)"),
    _NOTE,
    Key("overrides", "list", "the rules it reads differently, or adds", of="override"),
)
OVERRIDE = (
    Key("rule", "text", "the rule it overrides (or a new rule's id, with kind, body and title)", required=True),
    Key("kind", "choice", "a new rule's kind", options=RULE_KINDS),
    Key("body", "text", "a new rule's body"),
    Key("title", "text", "a new rule's title"),
    Key("versions", "list", "its versions by date", of="version"),
    *VERSION,
)

# --------------------------------------------------------------------------- scenarios

SCENARIO = (
    Key("scenario", "mapping", "what the crisis is and which pack judges it", required=True, of="scenario_meta"),
    Key("parties", "any", "the parties (an id, or a mapping with id and name)"),
    Key("events", "any", "dated, sourced facts, in date order", required=True),
    Key("uncertain", "mapping", "what a simulation leaves to chance", of="uncertain"),
    Key("expect", "any", "the verdicts, numbers, derived events and state the replay must show ('impasse test')"),
)
SCENARIO_META = (
    Key("id", "text", "the scenario's id", required=True),
    Key("title", "text", "its title", required=True),
    Key("country", "text", "the country", required=True),
    Key("constitution", "text", "a built-in pack's code, or a path to a pack file", required=True),
    Key("body", "text", "the body the crisis is about (default: the pack's first)"),
    Key("interpretations", "texts", "the pack's readings to judge under"),
    Key("sources", "texts", "sources for the whole scenario"),
    Key("notes", "texts", "what the sources lack, and the choices made"),
    Key("description", "text", "a longer description (kept for readers; the engine does not read it)"),
)
SCENARIO_PARTY = (
    Key("id", "text", "the party's id, as events name it", required=True),
    Key("name", "text", "its name"),
    Key("role", "text", "its role"),
    _NOTE,
    Key("source", "texts", "where the party's facts come from (kept for readers; the engine does not read it)"),
)
UNCERTAIN = (
    Key("horizon", "day", "the last day simulated"),
    Key("defection", "list", "boycotting members who may take their seats", of="defection"),
    Key("happens", "list", "recorded events that may or may not happen", of="happens"),
    Key("delay", "list", "recorded events that may come later", of="delay"),
    Key("talks", "list", "talks that may end boycotts", of="talks"),
)
_DEFECTION = (
    Key("party", "text", "the boycotting party", required=True),
    Key("weekly", "probability", "the chance each member takes their seat each week", required=True),
    Key("from", "day", "the first day it may happen"),
)
_HAPPENS = (
    Key("event", "text", "the id of a recorded event", required=True),
    Key("probability", "probability", "the chance it happens", required=True),
    Key("window", "days", "the first and last day it may happen on"),
)
_DELAY = (
    Key("event", "text", "the id of a recorded event", required=True),
    Key("days", "mapping", "the delay in days", required=True, of="delay_days"),
)
_DELAY_DAYS = (
    Key("min", "whole", "the shortest delay", required=True),
    Key("max", "whole", "the longest delay", required=True),
    Key("mode", "whole", "the likeliest delay"),
)
_TALKS = (
    Key("parties", "names", "the parties talking", required=True),
    Key("weekly", "probability", "the chance they agree each week", required=True),
    Key("from", "day", "the first day they may agree"),
    Key("ends_dispute", "flag", "an agreement also ends their dispute of the results"),
)

#: Every table by section name: what a ``list`` or ``mapping`` key's ``of`` names.
SECTIONS: dict[str, tuple[Key, ...]] = {
    "pack": PACK, "body": BODY, "size": SIZE, "amendment": AMENDMENT, "rule": RULE,
    "consequence": CONSEQUENCE_RULE, "version": VERSION, "interpretation": INTERPRETATION, "override": OVERRIDE,
    "scenario": SCENARIO, "scenario_meta": SCENARIO_META, "party": SCENARIO_PARTY, "uncertain": UNCERTAIN,
    "defection": _DEFECTION, "happens": _HAPPENS, "delay": _DELAY, "delay_days": _DELAY_DAYS, "talks": _TALKS,
}
