"""Starter files for a new pack and a new scenario (``impasse new``): commented YAML that loads.

Each starter has the keys a file needs and one example of each kind of rule (quorum with a convening
condition, convocation, decision, deadline, consequence, an interpretation's override), every value a
placeholder marked ``REPLACE`` that the author replaces with what a source says and cites. They load
as they are, so an author can run ``impasse check`` at every step of replacing them; a test keeps it so.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from engine.rules.constitution import Constitution, RuleKind

__all__ = ["CODE", "PLACEHOLDER", "pack_starter", "scenario_starter"]

#: what a pack's code may be: it names the pack in scenarios (``constitution: CODE``) and its file
CODE = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: the word that marks every value an author must replace
PLACEHOLDER = "REPLACE"
#: the first day of a starter scenario when the pack gives no size of its body later than it
_FIRST_DAY = date(2000, 1, 1)

_PACK = """\
# yaml-language-server: $schema=@SCHEMA@
# A constitution pack, made by `impasse new pack @CODE@`: a STARTER. Every value marked REPLACE is a
# placeholder: put what the constitution's text says in its place and cite where you read it. What no
# source says, or the format cannot say, goes in `missing:`, never a guess. Delete the examples the
# constitution has no use for. The keys: docs/constitutions.md; the method: docs/writing-a-country.md.
# Check it as you go: impasse rules THIS-FILE --at 2000-06-01 (and impasse check on a scenario using it).
id: @CODE@
name: "REPLACE: the constitution's name and year"
country: "REPLACE: the country"
source:
  - "REPLACE: where the constitution's text was read (a URL or a citation)"
missing:
  - "REPLACE: each fact the sources do not give, or the format cannot say, in one sentence"

bodies:
  - id: assembly                  # REPLACE: a short id; rules and events name the body by it
    name: "REPLACE: the chamber's name"
    sizes:                        # leave 'sizes' out if no source gives the number of seats
      - since: 2000-01-01         # REPLACE: the day this number of seats took effect
        seats: 100                # REPLACE: the number of seats
        source: "REPLACE: where the number of seats is given"

# an amendment that made a new version of a rule (see the commented versions of 'investiture' below):
# amendments:
#   - {id: REPLACE-amendment-id, title: "REPLACE: what it changed", in_force: 2006-03-02, source: "REPLACE"}

rules:
  # quorum: who must be present for a sitting to be held. 'seats_filled' is a convening condition:
  # the share of the seats that must be filled before the body may sit at all (leave it out if none).
  - id: opening-quorum
    kind: quorum
    body: assembly
    title: "REPLACE: Quorum of the opening sitting"
    applies_to: [opening]         # sittings: opening, ordinary, extraordinary
    threshold: more than 1/2 of all members         # REPLACE: as the article says it (docs/thresholds.md)
    seats_filled: at least 2/3 of all members       # REPLACE, or delete: the convening condition
    article: "REPLACE: the article"
    text: "REPLACE: the article's words, as read"
    source: "REPLACE: where the article was read"

  # convocation: who must convene a sitting
  - id: opening-convocation
    kind: convocation
    body: assembly
    title: "REPLACE: Convocation of the opening sitting"
    applies_to: [opening]
    convened_by: "REPLACE: who convenes it (the head of state, the outgoing speaker...)"
    article: "REPLACE: the article"
    source: "REPLACE: where the article was read"

  # decision: how many must vote for a motion; 'effect' says what adopting it does to the government
  - id: investiture
    kind: decision
    body: assembly
    title: "REPLACE: Vote of investiture"
    applies_to: [investiture]     # motions: docs/constitutions.md, "Votes"
    effect: installs_government   # or confirms_government (appointed first), removes_government
    threshold: more than 1/2 of all members         # REPLACE
    article: "REPLACE: the article"
    source: "REPLACE: where the article was read"
    # a rule the constitution changed has versions, each with 'since' and the amendment that made it:
    # versions:
    #   - {since: 1990-01-01, threshold: at least 2/3 of all members}
    #   - {since: 2006-03-02, threshold: more than 1/2 of all members, amendment: REPLACE-amendment-id}

  # deadline: an act due within a period of an event; 'met_by' is the act, 'anchor' what starts it
  - id: opening-deadline
    kind: deadline
    body: assembly
    title: "REPLACE: The assembly meets within 60 days of the election"
    period: 60 days               # REPLACE: '60 days', '2 months'...
    anchor: election_held
    met_by: {type: parliament_convened, sitting: opening}
    article: "REPLACE: the article"
    source: "REPLACE: where the article was read"

# consequence: what the law brings about by itself, here when the deadline above expires unmet
consequences:
  - id: dissolution-on-expiry
    body: assembly
    title: "REPLACE: The assembly is dissolved if it has not met in time"
    after: opening-deadline expires
    derive: {type: assembly_dissolved, reason: "REPLACE: why, in the constitution's words"}
    article: "REPLACE: the article"
    source: "REPLACE: where the article was read"

# a rival reading of the rules, held by someone and sourced: its overrides replace the keys they give
interpretations:
  - id: strict-quorum
    name: "REPLACE: the reading's name"
    holder: "REPLACE: who holds it (a party, a court, a scholar)"
    claim: "REPLACE: what it claims, in a sentence"
    source: "REPLACE: where it is stated"
    overrides:
      - rule: opening-quorum
        threshold: at least 2/3 of all members      # REPLACE
        note: "REPLACE: how this reading reads the article"
"""

_SCENARIO = """\
# yaml-language-server: $schema=@SCHEMA@
# A scenario, made by `impasse new scenario`: a STARTER. Every value marked REPLACE is a placeholder:
# each event is a fact from a dated source, cited in 'source'. An event the sources do not give is
# left out and said in 'notes', never invented to make a rule apply. The keys: docs/scenarios.md; the
# method: docs/writing-a-country.md. Check it as you go: impasse check THIS-FILE
scenario:
  id: REPLACE-country-year
  title: "REPLACE: what the crisis was"
  country: "REPLACE: the country"
  constitution: @PACK@
  body: @BODY@
@INTERPRETATIONS@  sources:
    - "REPLACE: sources for the whole crisis"
  notes:
    - "REPLACE: what the sources lack (an undated act, two reports that disagree) and what was done about it"

parties:
  - id: PARTY-A                   # REPLACE: a short id events name the party by
    name: "REPLACE: the party's name"
  - id: PARTY-B
    name: "REPLACE: the party's name"

events:                           # in date order; types: docs/scenarios.md, "Event types"
  - type: election_held
    at: @D0@                # REPLACE: every date, YYYY-MM-DD
    source: "REPLACE: a report of the poll"

  - type: results_announced
    at: @D1@
    stage: final                  # preliminary, official or final
    by: "REPLACE: the body that announced them"
    seats: {PARTY-A: @A@, PARTY-B: @B@}   # REPLACE: seats per party
    source: "REPLACE: the results"

  - type: parliament_convened
    at: @D2@
    sitting: opening
    convened_by: @CONVENER@
    present: @SEATS@   # REPLACE: members present, or leave out if not reported
    source: "REPLACE: a report of the sitting"

  - type: vote
    at: @D3@
    motion: investiture
    yes: @A@   # REPLACE: the tally (null for a count not reported)
    no: @B@
    present: @SEATS@
    outcome: adopted              # what the chamber declared: adopted or rejected
    source: "REPLACE: a report of the vote"

  - type: government_formed
    at: @D4@
    head: "REPLACE: the head of government"
    parties: [PARTY-A]
    source: "REPLACE: a report of the government taking office"

# What the replay must show, checked by 'impasse test THIS-FILE' (docs/scenarios.md, "Expected
# verdicts"): REPLACE with what the sources and the articles lead you to expect, by event id, by date
# or at the end, per reading where the readings differ.
expect:
  end:
    state: {phase: government formed, government_lawful: true}
"""


def pack_starter(code: str, schema: str) -> str:
    """The text of a starter pack with id ``code``.

    Args:
        code: the pack's code (:data:`CODE`).
        schema: where an editor finds the pack schema, for the file's modeline.

    Raises:
        ValueError: ``code`` is not a pack code.
    """
    if not CODE.fullmatch(code):
        msg = f"a pack code is lower-case letters, digits and dashes, starting with a letter (got {code!r})"
        raise ValueError(msg)
    return _PACK.replace("@SCHEMA@", schema).replace("@CODE@", code)


def scenario_starter(pack: Constitution, pack_ref: str, schema: str) -> str:
    """The text of a starter scenario judged by ``pack``: its events fit the pack's first body.

    Args:
        pack: the constitution pack the scenario names.
        pack_ref: how the scenario names it: a built-in code, or a path relative to the scenario.
        schema: where an editor finds the scenario schema, for the file's modeline.
    """
    body = pack.bodies[0]
    sizes = body.sizes
    seats = sizes[-1].seats if sizes else 100
    first = max(_FIRST_DAY, sizes[-1].since + timedelta(days=1)) if sizes else _FIRST_DAY
    majority = seats // 2 + 1
    days = {f"@D{i}@": (first + timedelta(days=n)).isoformat() for i, n in enumerate((0, 10, 30, 40, 41))}
    readings = [i.id for i in pack.interpretations]
    # the convener the pack's own reading names for the opening sitting, if it names one: a placeholder
    # that agrees with the pack, so the starter's only findings are the pack's own
    convener = next((r.convened_by for r in pack.rules if r.kind is RuleKind.CONVOCATION and r.interpretation is None
                     and "opening" in r.applies_to and r.convened_by), "REPLACE: who convened it")
    listed = (f"  interpretations: [{', '.join(map(_quoted, readings))}]   # the readings to judge under\n"
              if readings else "")
    text = _SCENARIO
    for token, value in {**days, "@SCHEMA@": schema, "@PACK@": _quoted(pack_ref), "@BODY@": _quoted(body.id),
                         "@INTERPRETATIONS@": listed, "@CONVENER@": _quoted(convener), "@SEATS@": str(seats),
                         "@A@": str(majority), "@B@": str(seats - majority)}.items():
        text = text.replace(token, value)
    return text


def _quoted(text: str) -> str:
    """A YAML scalar for ``text``: plain where YAML reads it back as the same text, else double-quoted."""
    if re.fullmatch(r"(?:\.\./)*[A-Za-z][A-Za-z0-9_./-]*", text) and text not in ("true", "false", "null"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
