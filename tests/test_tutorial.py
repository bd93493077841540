"""docs/tutorial.md stays true: every console block is run again and must print what the page shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKS = re.findall(r"```console\n\$ (.*?)\n(.*?)```", Path("docs/tutorial.md").read_text(), flags=re.S)


def test_tutorial_has_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize(("command", "expected"), BLOCKS, ids=[c.split()[1] + str(i) for i, (c, _) in enumerate(BLOCKS)])
def test_console_block_output(command: str, expected: str) -> None:
    """The command prints exactly the output pasted in the tutorial."""
    assert command.startswith("impasse ")
    shell = f"{sys.executable} -m engine {command.removeprefix('impasse ')}"
    result = subprocess.run(shell, shell=True, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
