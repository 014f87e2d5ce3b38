"""CSV files that are safe to open in a spreadsheet (no Django import: pure code uses it too).

A cell starting with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel, LibreOffice and Google
Sheets (``=HYPERLINK(...)`` leaks data, ``+cmd|...`` runs a program through DDE); a leading tab
or carriage return hides the same from a quick look. Following OWASP, every *text* cell that
starts with one of them gets a leading single quote, which spreadsheets read as "this is
text" and do not show. Text that merely looks like a number ("-1", "+44 161 ...") is escaped
too: a spreadsheet may still evaluate it, and guessing which strings are harmless is how
escaping goes wrong. Writers therefore pass numbers as ``int`` or ``float``, never as text:
those go through unchanged, so a vote of -1 stays the number -1.

Escaping is reversible with :func:`unescape_cell`: a text that itself starts with quotes
followed by a dangerous character gets one more quote, so reading back gives the original.

``raw=True`` writes cells exactly as given, for tools that read the files byte for byte (the
Pol.is tools read ``comment-body`` verbatim); such files must not be opened in a spreadsheet.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")

# Quotes, then a dangerous character: the text a spreadsheet could read as a formula once a
# quote is removed, so it gets one more quote and loses exactly one on the way back.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is a str a spreadsheet could run; others unchanged."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The text :func:`safe_cell` was given: one leading quote removed where it added one."""
    return value[1:] if _QUOTED.match(value) else value


class SafeWriter:
    """A ``csv.writer`` whose cells go through :func:`safe_cell` (unless raw)."""

    def __init__(self, stream, *, raw: bool = False, **csv_kwargs):
        self._writer = csv.writer(stream, **csv_kwargs)
        self.raw = raw

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(row if self.raw else [safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, *, raw: bool = False, **csv_kwargs) -> SafeWriter:
    """Like ``csv.writer(stream, **csv_kwargs)``, escaping formula cells unless ``raw``."""
    return SafeWriter(stream, raw=raw, **csv_kwargs)
