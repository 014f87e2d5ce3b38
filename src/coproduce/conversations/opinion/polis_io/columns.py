"""Reading the columns of a CSV file into NumPy, and saying exactly what is wrong when that fails.

The fast path reads with pyarrow (imported only when a file is read); when it refuses a file, a
slow scan with the ``csv`` module finds the first bad line for the error message.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from coproduce.core.csvfiles import unescape_cell

from ..errors import OpinionDataError

# Pol.is's own ids are small integers; text ids are kept in 64 characters by the platform
# (Voter.polis_id, Statement.polis_id), so a longer one would only fail later, in the database.
MAX_ID_CHARS = 64
# Whole-number ids become int64; a longer number (23 digits, say) stays text, as written.
_INT64_DIGITS = 18


def read_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            first = fh.readline(1 << 20)
    except OSError as exc:
        raise OpinionDataError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise OpinionDataError("not UTF-8 text", path=path, line=1) from exc
    if not first.strip():
        raise OpinionDataError("empty file: expected a header line", path=path, line=1)
    return [c.strip() for c in next(csv.reader([first]))]


def require_columns(
    path: Path, header: Sequence[str], required: Sequence[str], expected: Sequence[str]
):
    missing = [c for c in required if c not in header]
    if missing:
        raise OpinionDataError(
            f"wrong header: missing {', '.join(missing)}; expected columns {','.join(expected)}, "
            f"found {','.join(header) or 'nothing'}",
            path=path,
            line=1,
        )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise OpinionDataError(
            f"wrong header: repeated column {', '.join(dupes)}", path=path, line=1
        )


def ids_from_text(values: Sequence[str]) -> np.ndarray:
    """Integers when every id is a canonical integer (so output matches the file), else text."""
    values = [unescape_cell(v) for v in values]  # a text id may have been escaped on export
    arr = np.asarray(values, dtype=object)
    if arr.size and all(_is_int_text(v) for v in values):
        return arr.astype(np.int64)
    return arr.astype(str).astype(object)


def show_id(value) -> str:
    """An id as the file spells it (no numpy repr)."""
    return str(value.item() if isinstance(value, np.generic) else value)


def _is_int_text(text: str) -> bool:
    if not text:
        return False
    body = text[1:] if text[0] == "-" else text
    return (
        body.isdigit()
        and (body == "0" or body[0] != "0")
        and body.isascii()
        and len(body) <= _INT64_DIGITS
    )


def id_problem(text: str) -> str | None:
    """What makes `text` unusable as an id (too long, control characters), or None."""
    if len(text) > MAX_ID_CHARS:
        return f"is {len(text):,} characters long; ids have at most {MAX_ID_CHARS}"
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        return f"{text[:40]!r} holds a control character"
    return None


def arrow_csv():
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pa, pacsv


def read_table(path: Path, columns: Sequence[str], types: Mapping[str, object]):
    """Fast multi-threaded CSV read of the given columns; None on any parse/convert failure."""
    pa, pacsv = arrow_csv()
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(columns),
                column_types=dict(types),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def scan_for_problem(path: Path, checks: Mapping[str, str]) -> OpinionDataError:
    """Slow path after a fast read failed: find the first bad line and say what is wrong.

    ``checks`` maps column -> "int" | "id" | "vote".
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [c.strip() for c in next(reader)]
            where = {c: header.index(c) for c in checks}
            for row in reader:
                line = reader.line_num
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    return OpinionDataError(
                        f"expected {len(header)} fields, found {len(row)}", path=path, line=line
                    )
                for column, kind in checks.items():
                    cell = row[where[column]].strip()
                    problem = cell_problem(cell, kind)
                    if problem:
                        return OpinionDataError(f"{column} {problem}", path=path, line=line)
    except csv.Error as exc:
        return OpinionDataError(f"unreadable CSV ({exc})", path=path, line=reader.line_num)
    except UnicodeDecodeError:
        return OpinionDataError("not UTF-8 text", path=path)
    return OpinionDataError("could not be parsed as CSV", path=path)


def cell_problem(cell: str, kind: str) -> str | None:
    if cell == "":
        return "is empty"
    if kind in ("int", "vote"):
        try:
            value = int(cell)
        except ValueError:
            return f"is {cell[:40]!r}, not an integer"
        if not -(2**63) <= value < 2**63:
            return f"is {cell[:40]}, too large a number"
        if kind == "vote" and value not in (-1, 0, 1):
            return f"is {value}; votes must be -1 (disagree), 0 (pass) or 1 (agree)"
    return None


def column_values(table, name: str, path: Path, line_offset: int = 2) -> np.ndarray:
    col = table.column(name)
    if col.null_count:
        first = int(np.flatnonzero(~_validity(col))[0])
        raise OpinionDataError(f"{name} is empty", path=path, line=first + line_offset)
    return arrow_to_numpy(col)


_NUMPY_TYPES = {
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "float": np.float32,
    "double": np.float64,
}


def arrow_to_numpy(col) -> np.ndarray:
    """ChunkedArray -> NumPy straight from the Arrow buffers; nulls become NaN.

    pyarrow's own ``to_numpy`` (and pyarrow.compute) import pandas whenever it is installed,
    which would cost the command line a quarter of a second.
    """
    parts = []
    for chunk in col.chunks:
        kind = str(chunk.type)
        if kind in ("string", "large_string"):
            parts.append(np.array(chunk.to_pylist(), dtype=object))
            continue
        if kind == "null":
            parts.append(np.full(len(chunk), np.nan))
            continue
        dtype = np.dtype(_NUMPY_TYPES[kind])
        values = np.frombuffer(
            chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=chunk.offset * dtype.itemsize
        )
        if chunk.null_count:
            values = values.astype(np.float64)
            values[~_chunk_validity(chunk)] = np.nan
        parts.append(values)
    if not parts:
        return np.zeros(0)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _chunk_validity(chunk) -> np.ndarray:
    if chunk.null_count == 0:
        return np.ones(len(chunk), dtype=bool)
    if str(chunk.type) == "null":
        return np.zeros(len(chunk), dtype=bool)
    bits = np.unpackbits(np.frombuffer(chunk.buffers()[0], dtype=np.uint8), bitorder="little")
    return bits[chunk.offset : chunk.offset + len(chunk)].astype(bool)


def _validity(col) -> np.ndarray:
    parts = [_chunk_validity(c) for c in col.chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def id_column(table, name: str, path: Path) -> np.ndarray:
    values = column_values(table, name, path)
    if values.dtype.kind in "iu":
        return values
    texts = [str(v).strip() for v in values.tolist()]
    for i, text in enumerate(texts):
        if not text:
            raise OpinionDataError(f"{name} is empty", path=path, line=i + 2)
        if problem := id_problem(text):
            raise OpinionDataError(f"{name} {problem}", path=path, line=i + 2)
    return ids_from_text(texts)
