"""Errors raised by the opinion maths and its readers."""

from __future__ import annotations

from pathlib import Path


class OpinionDataError(ValueError):
    """Input the opinion maths cannot use: bad CSV, bad vote values, inconsistent ids.

    ``path`` and ``line`` (1-based, the header is line 1) say where the problem is when it comes
    from a file; the message always repeats them so that a command line can print it as is.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else Path(path)
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path.name}" + (f", line {line}" if line is not None else "") + ": "
        super().__init__(where + message)
