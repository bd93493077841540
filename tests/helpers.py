"""Small builders shared by the scenario, machine and replay tests."""

from __future__ import annotations

HEADER = """\
scenario:
  id: test
  title: Test
  country: Cambodia
  constitution: kh
  interpretations: [cpp-majority-suffices, opposition-120-to-open]
parties:
  - {id: CPP, name: Cambodian People's Party}
  - {id: CNRP, name: Cambodia National Rescue Party}
events:
"""

POLL = """\
  - type: election_held
    at: 2013-07-28
    source: s
  - type: results_announced
    at: 2013-09-08
    stage: final
    by: NEC
    seats: {CPP: 68, CNRP: 55}
    source: s
"""


def scenario_text(events: str, header: str = HEADER, poll: bool = True) -> str:
    """A scenario file: the header, optionally the 2013 poll and results, then ``events``."""
    return header + (POLL if poll else "") + events


#: the head of a one-house test pack (100 seats), its rules to follow
PACK_HEAD = """\
id: t
name: Test
country: Nowhere
bodies:
  - {id: house, name: House, sizes: [{since: 2000-01-01, seats: 100}]}
rules:
"""

#: a deadline rule: a government within two months of the first investiture vote
FORMATION_RULE = """\
  - id: formation
    kind: deadline
    body: house
    title: A government within two months of the first investiture vote
    period: 2 months
    anchor: {type: vote, motion: investiture}
    met_by: {type: vote, motion: investiture, outcome: adopted}
    article: "1"
    source: s
"""


#: the head of a two-house test pack (a lower house of 465, an upper house of no known size), its rules to follow
TWO_HOUSES_HEAD = """\
id: t
name: Test
country: Nowhere
bodies:
  - {id: lower, name: Lower, sizes: [{since: 2000-01-01, seats: 465}]}
  - {id: upper, name: Upper}
rules:
"""
