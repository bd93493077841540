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
