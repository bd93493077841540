"""The one tree of errors impasse raises.

::

    ImpasseError                       every error impasse raises on purpose
    ├── ThresholdSyntaxError (ValueError)   a threshold expression that does not parse
    ├── InputError (ValueError)             bad input with a position: file, line, field
    │   ├── PackError                       a malformed constitution pack
    │   └── ScenarioError                   a malformed scenario file
    ├── CountsError (ValueError)            counts that cannot coexist, or a count a rule needs is missing
    ├── UnknownNameError (LookupError)      an unknown pack, rule or interpretation name
    ├── EngineError (ValueError)            an event that cannot describe reality in the current state
    └── StoreError                          the event store refused an operation or holds bad records
        └── StaleVersionError               an append whose expected version is no longer the stream's

The CLI turns every ``ImpasseError`` into one line on stderr and exit code 2.
"""

from __future__ import annotations

__all__ = [
    "CountsError",
    "EngineError",
    "ImpasseError",
    "InputError",
    "NotAScenarioError",
    "PackError",
    "ScenarioError",
    "StaleVersionError",
    "StoreError",
    "ThresholdSyntaxError",
    "UnknownNameError",
]


class ImpasseError(Exception):
    """Root of every error impasse raises on purpose."""


class ThresholdSyntaxError(ImpasseError, ValueError):
    """Raised by :func:`engine.rules.thresholds.parse_threshold` for text that is not a threshold.

    Attributes:
        text: the whole expression.
        position: 0-based character offset of the offending token.
        expected: what the parser expected there.
        got: the text found there ("end of text" at the end).
    """

    def __init__(self, text: str, position: int, expected: str, got: str) -> None:
        self.text = text
        self.position = position
        self.expected = expected
        self.got = got
        msg = f"threshold {text!r}, column {position + 1}: expected {expected}, got {got}"
        super().__init__(msg)


class InputError(ImpasseError, ValueError):
    """Bad input that can be pinned to a place in a file.

    Formats as ``path:line:column: field: reason``, the order compilers use, so that editors
    can jump to it. Any piece may be missing.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.reason}"


class PackError(InputError):
    """Raised when a constitution pack is malformed (names file, line and field)."""


class ScenarioError(InputError):
    """Raised when a scenario file is malformed, or describes events that cannot happen.

    The scenario loader lets no other exception escape: any byte string either loads or raises this.
    """


class NotAScenarioError(ScenarioError):
    """Raised when a file given as a scenario is a constitution pack: ``impasse check`` then checks it as one."""


class CountsError(ImpasseError, ValueError):
    """Raised for impossible counts (more present than seated, more votes than present) or a
    count that a threshold needs but was not given."""


class UnknownNameError(ImpasseError, LookupError):
    """Raised for an unknown constitution pack, rule or interpretation name."""


class EngineError(ImpasseError, ValueError):
    """Raised by the state machine for an event that cannot happen in the current state.

    Nothing is applied when it is raised. ``event`` is the offending event.
    """

    def __init__(self, reason: str, event: object = None, field: str | None = None) -> None:
        self.reason = reason
        self.event = event
        self.field = field
        super().__init__(reason)


class StoreError(ImpasseError):
    """Raised by the event store (:mod:`engine.store`): a file that is not a store, a record that
    can't be read back, a correction naming no event, a stream without the metadata replay needs.

    Nothing is written when it is raised.
    """


class StaleVersionError(StoreError):
    """Raised when an append names an expected version the stream has moved past (or not reached).

    Someone else appended since the caller last read the stream. Nothing is merged and nothing is
    written: read the stream again, decide, and append with the new version.

    Attributes:
        stream: the stream appended to.
        expected: the version the caller expected.
        actual: the stream's version when the append was refused.
    """

    def __init__(self, stream: str, expected: int, actual: int) -> None:
        self.stream = stream
        self.expected = expected
        self.actual = actual
        msg = (f"stream {stream!r} is at version {actual}, not {expected} as expected: "
               f"someone appended since it was read; nothing was written (read it again, then retry)")
        super().__init__(msg)
