"""The sentences of findings: the engine's findings carry data, and this module writes their text.

(Being rewritten: for now the text still comes from the finding itself.)
"""

from __future__ import annotations

from engine.timeline.machine import Finding, Law

__all__ = ["finding_text"]


def finding_text(finding: Finding, law: Law) -> str:
    """The sentence that states ``finding``, naming readings as ``law`` names them."""
    return finding.message
