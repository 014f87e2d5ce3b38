"""Readers and writers for the Pol.is open-data export format (agree = +1 in files).

Files of a conversation folder (see ``/work/shared/data/README.md``):

- ``votes.csv``: ``timestamp,datetime,comment-id,voter-id,vote``, an append-only log; the latest
  vote per voter and comment counts.
- ``comments.csv``: ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,
  comment-body`` (moderated: -1 rejected, 0 unmoderated, 1 accepted).
- ``participants-votes.csv``: ``participant,[xid,]group-id,n-comments,n-votes,n-agree,
  n-disagree,<one column per comment id>``; blank = not seen.
- ``summary.csv``: ``key,value`` rows.

Every problem is an :class:`OpinionDataError` naming the file and, when it can, the line. Pol.is
*stores* agree as -1; a raw database dump (columns ``pid,tid,vote``) or an export whose signs
disagree with ``comments.csv`` is refused unless ``raw_sign`` says which sign it uses.

The writers escape text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return: see ``coproduce.core.csvfiles``) and the readers undo it, so a round trip
gives back the original text; ``raw=True`` writes the text exactly as Pol.is does.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coproduce.core.csvfiles import safe_cell, unescape_cell
from coproduce.core.csvfiles import writer as csv_writer

from .errors import OpinionDataError
from .matrix import VoteMatrix, as_id_array, factorize

VOTES_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
COMMENTS_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
PARTICIPANTS_FIXED = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
RAW_DUMP_COLUMNS = ("pid", "tid", "vote")
MAX_STATEMENT_CHARS = 10_000


# -- data classes ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Comments:
    """Statements of a conversation, in file order."""

    ids: np.ndarray
    texts: tuple[str, ...]
    moderated: np.ndarray  # int8: -1 rejected, 0 unmoderated, 1 accepted
    author_ids: np.ndarray | None = None
    agrees: np.ndarray | None = None
    disagrees: np.ndarray | None = None
    timestamps: np.ndarray | None = None
    is_meta: np.ndarray | None = None

    @property
    def rejected_ids(self) -> np.ndarray:
        return self.ids[self.moderated == -1]

    @property
    def meta_ids(self) -> np.ndarray:
        return self.ids[:0] if self.is_meta is None else self.ids[self.is_meta]

    def text_by_id(self) -> dict:
        return dict(zip(self.ids.tolist(), self.texts, strict=True))


@dataclass(frozen=True, eq=False)
class ExportedGroups:
    """Pol.is's own group per participant at export time (-1 where it left them out)."""

    participant_ids: np.ndarray
    group_ids: np.ndarray


@dataclass(frozen=True, eq=False)
class PolisExport:
    """A conversation folder read into memory."""

    folder: Path
    votes: VoteMatrix
    votes_source: str  # "votes.csv" or "participants-votes.csv"
    comments: Comments | None
    summary: dict[str, str] | None
    sign_flipped: bool  # True when votes were read as raw Pol.is sign (agree = -1) and flipped

    @property
    def rejected_statements(self) -> np.ndarray:
        return self.votes.statement_ids[:0] if self.comments is None else self.comments.rejected_ids

    @property
    def meta_statements(self) -> np.ndarray:
        return self.votes.statement_ids[:0] if self.comments is None else self.comments.meta_ids


# -- small helpers -----------------------------------------------------------------------------


def _read_header(path: Path) -> list[str]:
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


def _require(path: Path, header: Sequence[str], required: Sequence[str], expected: Sequence[str]):
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


def _ids_from_text(values: Sequence[str]) -> np.ndarray:
    """Integers when every id is a canonical integer (so output matches the file), else text."""
    values = [unescape_cell(v) for v in values]  # a text id may have been escaped on export
    arr = np.asarray(values, dtype=object)
    if arr.size and all(_is_int_text(v) for v in values):
        return arr.astype(np.int64)
    return arr.astype(str).astype(object)


def _show(value) -> str:
    """An id as the file spells it (no numpy repr)."""
    return str(value.item() if isinstance(value, np.generic) else value)


def _is_int_text(text: str) -> bool:
    if not text:
        return False
    body = text[1:] if text[0] == "-" else text
    return body.isdigit() and (body == "0" or body[0] != "0") and body.isascii()


def _pa_csv():
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pa, pacsv


def _read_table(path: Path, columns: Sequence[str], types: Mapping[str, object]):
    """Fast multi-threaded CSV read of the given columns; None on any parse/convert failure."""
    pa, pacsv = _pa_csv()
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


def _scan_for_problem(path: Path, checks: Mapping[str, str]) -> OpinionDataError:
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
                    problem = _cell_problem(cell, kind)
                    if problem:
                        return OpinionDataError(f"{column} {problem}", path=path, line=line)
    except csv.Error as exc:
        return OpinionDataError(f"unreadable CSV ({exc})", path=path, line=reader.line_num)
    except UnicodeDecodeError:
        return OpinionDataError("not UTF-8 text", path=path)
    return OpinionDataError("could not be parsed as CSV", path=path)


def _cell_problem(cell: str, kind: str) -> str | None:
    if cell == "":
        return "is empty"
    if kind in ("int", "vote"):
        try:
            value = int(cell)
        except ValueError:
            return f"is {cell[:40]!r}, not an integer"
        if kind == "vote" and value not in (-1, 0, 1):
            return f"is {value}; votes must be -1 (disagree), 0 (pass) or 1 (agree)"
    return None


def _column(table, name: str, path: Path, line_offset: int = 2) -> np.ndarray:
    col = table.column(name)
    if col.null_count:
        first = int(np.flatnonzero(~_validity(col))[0])
        raise OpinionDataError(f"{name} is empty", path=path, line=first + line_offset)
    return _to_numpy(col)


_NUMPY_TYPES = {
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "float": np.float32,
    "double": np.float64,
}


def _to_numpy(col) -> np.ndarray:
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


# -- votes.csv ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class VoteLog:
    """Rows of a votes file, in file order, with the sign already converted to agree = +1."""

    participants: np.ndarray
    statements: np.ndarray
    votes: np.ndarray
    timestamps: np.ndarray | None
    raw_dump: bool  # the file was a raw database dump (pid, tid, vote)

    def to_matrix(self, statement_ids: Iterable | None = None) -> VoteMatrix:
        return VoteMatrix.from_votes(
            self.participants,
            self.statements,
            self.votes,
            timestamps=self.timestamps,
            statement_ids=statement_ids,
        )


def read_vote_log(path: str | Path, *, raw_sign: bool | None = None) -> VoteLog:
    """Read ``votes.csv`` (or a raw Pol.is ``votes`` table dump) into arrays.

    ``raw_sign``: None = the file must be an export (agree = +1), and a raw dump is refused;
    True = the file uses Pol.is's stored sign (agree = -1) and is flipped; False = agree = +1.
    """
    path = Path(path)
    header = _read_header(path)
    raw_dump = all(c in header for c in RAW_DUMP_COLUMNS) and "voter-id" not in header
    if raw_dump:
        if raw_sign is None:
            raise OpinionDataError(
                "this looks like a raw Pol.is database dump (columns pid, tid, vote), where agree "
                "is stored as -1; pass --raw-sign (raw_sign=True) to read it with the sign "
                "flipped, or export the conversation from Pol.is (agree = +1)",
                path=path,
                line=1,
            )
        time_col = next((c for c in ("modified", "created", "timestamp") if c in header), None)
        pid, tid = "pid", "tid"
    else:
        _require(path, header, ("timestamp", "comment-id", "voter-id", "vote"), VOTES_HEADER)
        time_col, pid, tid = "timestamp", "voter-id", "comment-id"
    participants, statements, votes, stamps = _read_vote_columns(path, pid, tid, time_col)
    if raw_sign:
        votes = -votes
    return VoteLog(participants, statements, votes.astype(np.int8), stamps, raw_dump)


def _read_vote_columns(path: Path, pid: str, tid: str, time_col: str | None):
    pa, _ = _pa_csv()
    columns = [c for c in (time_col, tid, pid, "vote") if c]
    int_types = dict.fromkeys(columns, pa.int64())
    checks = {c: ("vote" if c == "vote" else "int") for c in columns}
    table = _read_table(path, columns, int_types)
    if table is None:
        # Text ids are allowed; numbers elsewhere are not.
        text_ids = dict(int_types, **{pid: pa.string(), tid: pa.string()})
        table = _read_table(path, columns, text_ids)
        checks[pid] = checks[tid] = "id"
    if table is None:
        raise _scan_for_problem(path, checks)
    votes = _column(table, "vote", path)
    bad = (votes < -1) | (votes > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise OpinionDataError(
            f"vote is {votes[i]}; votes must be -1 (disagree), 0 (pass) or 1 (agree)",
            path=path,
            line=i + 2,
        )
    participants = _id_column(table, pid, path)
    statements = _id_column(table, tid, path)
    stamps = _column(table, time_col, path) if time_col else None
    if stamps is not None:
        _check_conflicts(path, participants, statements, votes, stamps)
    return participants, statements, votes, stamps


def _id_column(table, name: str, path: Path) -> np.ndarray:
    values = _column(table, name, path)
    if values.dtype.kind in "iu":
        return values
    texts = [str(v).strip() for v in values.tolist()]
    for i, text in enumerate(texts):
        if not text:
            raise OpinionDataError(f"{name} is empty", path=path, line=i + 2)
    return _ids_from_text(texts)


def _check_conflicts(path: Path, participants, statements, votes, stamps) -> None:
    """Refuse two different votes by one voter on one statement at the same instant.

    Identical repeated rows do occur in real exports and are harmless; a conflicting pair
    makes "the latest vote" undefined. Only rows sharing a timestamp need looking at.
    """
    steps = np.diff(stamps)
    if (steps > 0).all():
        return  # strictly increasing: no two rows share a timestamp
    order = np.arange(stamps.size) if (steps >= 0).all() else np.argsort(stamps, kind="stable")
    sorted_stamps = stamps[order]
    tie = sorted_stamps[1:] == sorted_stamps[:-1]
    if not tie.any():
        return
    in_tie = np.zeros(order.size, dtype=bool)
    in_tie[:-1] |= tie
    in_tie[1:] |= tie
    rows = order[in_tie]
    _, pcode = factorize(as_id_array(participants[rows]))
    _, scode = factorize(as_id_array(statements[rows]))
    key = np.lexsort((votes[rows], scode, pcode, stamps[rows]))
    r = rows[key]
    same_cell = (
        (stamps[r][1:] == stamps[r][:-1])
        & (pcode[key][1:] == pcode[key][:-1])
        & (scode[key][1:] == scode[key][:-1])
    )
    clash = same_cell & (votes[r][1:] != votes[r][:-1])
    if clash.any():
        j = int(np.flatnonzero(clash)[0])
        first, second = sorted((int(r[j]), int(r[j + 1])))
        raise OpinionDataError(
            f"duplicate vote: same voter, statement and timestamp as line {first + 2} but a "
            "different vote",
            path=path,
            line=second + 2,
        )


def check_known_statements(path: Path, statements: np.ndarray, known: np.ndarray) -> None:
    """Every voted statement id must be listed in comments.csv."""
    if statements.size == 0:
        return
    uniques, _ = factorize(as_id_array(statements))
    if (uniques.dtype.kind == "O") != (known.dtype.kind == "O"):
        raise OpinionDataError(
            "statement ids are numbers in one file and text in the other", path=path
        )
    unknown = uniques[~np.isin(uniques, known)]
    if unknown.size:
        first = int(np.flatnonzero(np.isin(as_id_array(statements), unknown))[0])
        raise OpinionDataError(
            f"unknown statement id {_show(statements[first])}: not in comments.csv"
            + (f" ({unknown.size} unknown ids)" if unknown.size > 1 else ""),
            path=path,
            line=first + 2,
        )


def read_votes_csv(
    path: str | Path, *, raw_sign: bool | None = None, statement_ids: Iterable | None = None
) -> VoteMatrix:
    """``votes.csv`` as a :class:`VoteMatrix` (latest vote wins)."""
    return read_vote_log(path, raw_sign=raw_sign).to_matrix(statement_ids)


# -- comments.csv ------------------------------------------------------------------------------


def read_comments_csv(path: str | Path, *, max_chars: int = MAX_STATEMENT_CHARS) -> Comments:
    """``comments.csv``; bodies may span lines. Rejects duplicate ids and oversized statements."""
    path = Path(path)
    header = _read_header(path)
    _require(path, header, ("comment-id", "moderated", "comment-body"), COMMENTS_HEADER)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for row in reader:
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    raise OpinionDataError(
                        f"expected {len(header)} fields, found {len(row)}",
                        path=path,
                        line=reader.line_num,
                    )
                rows.append(row)
                lines.append(reader.line_num)
    except csv.Error as exc:
        # The csv module refuses fields over 128 KiB: a statement of megabytes ends up here.
        raise OpinionDataError(
            f"unreadable row ({exc}); statements are limited to {max_chars:,} characters",
            path=path,
            line=reader.line_num,
        ) from exc
    except UnicodeDecodeError as exc:
        raise OpinionDataError("not UTF-8 text", path=path) from exc
    col = {c: header.index(c) for c in header}
    body = col["comment-body"]
    for row, line in zip(rows, lines, strict=True):
        if len(row[body]) > max_chars:
            raise OpinionDataError(
                f"statement {row[col['comment-id']]} is {len(row[body]):,} characters long; "
                f"the limit is {max_chars:,}",
                path=path,
                line=line,
            )
    ids_text = [r[col["comment-id"]].strip() for r in rows]
    for text, line in zip(ids_text, lines, strict=True):
        if not text:
            raise OpinionDataError("comment-id is empty", path=path, line=line)
    seen: dict[str, int] = {}
    for text, line in zip(ids_text, lines, strict=True):
        if text in seen:
            raise OpinionDataError(
                f"duplicate comment-id {text} (first on line {seen[text]})", path=path, line=line
            )
        seen[text] = line
    moderated = _int_cells(rows, lines, col["moderated"], "moderated", path, allowed=(-1, 0, 1))

    def optional(name: str) -> np.ndarray | None:
        return _int_cells(rows, lines, col[name], name, path) if name in col else None

    meta_col = next((c for c in ("is-meta", "is_meta") if c in col), None)
    is_meta = None
    if meta_col:
        is_meta = np.array([r[col[meta_col]].strip().lower() in ("1", "true", "t") for r in rows])
    return Comments(
        ids=_ids_from_text(ids_text),
        texts=tuple(unescape_cell(r[body]) for r in rows),
        moderated=moderated.astype(np.int8),
        author_ids=optional("author-id"),
        agrees=optional("agrees"),
        disagrees=optional("disagrees"),
        timestamps=optional("timestamp"),
        is_meta=is_meta,
    )


def _int_cells(rows, lines, index: int, name: str, path: Path, allowed=None) -> np.ndarray:
    out = np.empty(len(rows), dtype=np.int64)
    for i, (row, line) in enumerate(zip(rows, lines, strict=True)):
        cell = row[index].strip()
        try:
            out[i] = int(cell) if cell else 0
        except ValueError:
            raise OpinionDataError(
                f"{name} is {cell[:40]!r}, not an integer", path=path, line=line
            ) from None
        if allowed is not None and out[i] not in allowed:
            raise OpinionDataError(
                f"{name} is {out[i]}; expected one of {', '.join(map(str, allowed))}",
                path=path,
                line=line,
            )
    return out


# -- participants-votes.csv --------------------------------------------------------------------


def _participants_header(path: Path) -> tuple[list[str], list[str]]:
    header = _read_header(path)
    _require(path, header, PARTICIPANTS_FIXED, PARTICIPANTS_FIXED)
    fixed = set(PARTICIPANTS_FIXED) | {"xid"}
    comment_cols = [c for c in header if c not in fixed]
    return header, comment_cols


def read_exported_groups(path: str | Path) -> ExportedGroups:
    """Only the ``participant`` and ``group-id`` columns of ``participants-votes.csv``."""
    path = Path(path)
    _participants_header(path)
    pa, _ = _pa_csv()
    table = _read_table(path, ["participant", "group-id"], {"group-id": pa.float64()})
    if table is None:
        raise _scan_for_problem(path, {"participant": "id"})
    participants = _id_column(table, "participant", path)
    groups = _to_numpy(table.column("group-id")).astype(float)
    groups = np.where(np.isnan(groups), -1, groups).astype(np.int64)
    return ExportedGroups(participants, groups)


def read_participants_votes_csv(
    path: str | Path, *, raw_sign: bool | None = None
) -> tuple[VoteMatrix, ExportedGroups]:
    """``participants-votes.csv`` as a vote matrix plus Pol.is's exported groups."""
    path = Path(path)
    header, comment_cols = _participants_header(path)
    pa, _ = _pa_csv()
    types = {c: pa.float64() for c in comment_cols}
    types.update({"group-id": pa.float64(), "n-agree": pa.int64(), "n-disagree": pa.int64()})
    wanted = ["participant", "group-id", "n-agree", "n-disagree", *comment_cols]
    table = _read_table(path, wanted, types)
    if table is None:
        checks = {c: "vote" for c in comment_cols}
        raise _scan_participants(path, header, checks)
    participants = _id_column(table, "participant", path)
    if participants.size:
        _, codes = factorize(as_id_array(participants))
        counts = np.bincount(codes)
        if counts.max() > 1:
            dup = int(np.flatnonzero(counts[codes] > 1)[1])
            raise OpinionDataError(
                f"duplicate participant {_show(participants[dup])}", path=path, line=dup + 2
            )
    rows, cols, vals = [], [], []
    for j, name in enumerate(comment_cols):
        cells = _to_numpy(table.column(name)).astype(float, copy=False)
        seen = np.flatnonzero(~np.isnan(cells))
        got = cells[seen]
        bad = (got != -1) & (got != 0) & (got != 1)
        if bad.any():
            i = int(seen[np.flatnonzero(bad)[0]])
            raise OpinionDataError(
                f"vote on statement {name} is {cells[i]:g}; votes must be -1, 0 or 1",
                path=path,
                line=i + 2,
            )
        rows.append(seen)
        cols.append(np.full(seen.size, j, dtype=np.int32))
        vals.append(got.astype(np.int8))
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
    val = np.concatenate(vals) if vals else np.zeros(0, dtype=np.int8)
    agree_counts = np.bincount(row[val == 1], minlength=participants.size)
    disagree_counts = np.bincount(row[val == -1], minlength=participants.size)
    n_agree = _column(table, "n-agree", path)
    n_disagree = _column(table, "n-disagree", path)
    straight = np.count_nonzero((n_agree == agree_counts) & (n_disagree == disagree_counts))
    flipped = np.count_nonzero((n_agree == disagree_counts) & (n_disagree == agree_counts))
    if raw_sign is None and flipped > 2 * straight and flipped > 0:
        raise OpinionDataError(
            "the n-agree / n-disagree columns count the -1 / +1 cells: this file seems to use "
            "Pol.is's raw sign (agree = -1); pass --raw-sign (raw_sign=True) to flip it",
            path=path,
        )
    if raw_sign:
        val = -val
    statement_ids = _ids_from_text(comment_cols)
    matrix = VoteMatrix.from_votes(
        participants[row],
        statement_ids[col] if col.size else statement_ids[:0],
        val,
        participant_ids=participants,
        statement_ids=statement_ids,
    )
    groups = _to_numpy(table.column("group-id")).astype(float)
    groups = np.where(np.isnan(groups), -1, groups).astype(np.int64)
    return matrix, ExportedGroups(participants, groups)


def _scan_participants(
    path: Path, header: list[str], checks: Mapping[str, str]
) -> OpinionDataError:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            where = {c: header.index(c) for c in checks}
            for row in reader:
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    return OpinionDataError(
                        f"expected {len(header)} fields, found {len(row)}",
                        path=path,
                        line=reader.line_num,
                    )
                for column, index in where.items():
                    cell = row[index].strip()
                    if cell and _cell_problem(cell, "vote"):
                        return OpinionDataError(
                            f"vote on statement {column} {_cell_problem(cell, 'vote')}",
                            path=path,
                            line=reader.line_num,
                        )
    except csv.Error as exc:
        return OpinionDataError(f"unreadable CSV ({exc})", path=path)
    return OpinionDataError("could not be parsed as CSV", path=path)


# -- summary.csv -------------------------------------------------------------------------------


def read_summary_csv(path: str | Path) -> dict[str, str]:
    """``summary.csv`` key,value rows as a dict (values may span lines)."""
    path = Path(path)
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            for row in reader:
                if not row:
                    continue
                if len(row) != 2:
                    raise OpinionDataError(
                        f"expected key,value, found {len(row)} fields",
                        path=path,
                        line=reader.line_num,
                    )
                out[unescape_cell(row[0].strip())] = unescape_cell(row[1])
    except csv.Error as exc:
        raise OpinionDataError(f"unreadable CSV ({exc})", path=path, line=reader.line_num) from exc
    return out


# -- whole folder ------------------------------------------------------------------------------


def read_polis_export(folder: str | Path, *, raw_sign: bool | None = None) -> PolisExport:
    """Read a Pol.is export folder: votes.csv, else participants-votes.csv; comments.csv.

    With ``raw_sign=None`` the vote sign is checked against comments.csv's agrees/disagrees
    counts: an export whose tallies match only when flipped is refused.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise OpinionDataError(f"{folder} is not a folder")
    comments = None
    if (folder / "comments.csv").exists():
        comments = read_comments_csv(folder / "comments.csv")
    summary = (
        read_summary_csv(folder / "summary.csv") if (folder / "summary.csv").exists() else None
    )
    known = None if comments is None else comments.ids
    if (folder / "votes.csv").exists():
        path = folder / "votes.csv"
        log = read_vote_log(path, raw_sign=raw_sign)
        if known is not None:
            check_known_statements(path, log.statements, known)
        votes = log.to_matrix(known)
        source = "votes.csv"
    elif (folder / "participants-votes.csv").exists():
        path = folder / "participants-votes.csv"
        votes, _ = read_participants_votes_csv(path, raw_sign=raw_sign)
        if known is not None:
            check_pv_statements(path, votes.statement_ids, known)
            votes = _with_statements(votes, known)
        source = "participants-votes.csv"
    else:
        raise OpinionDataError(f"no votes.csv or participants-votes.csv in {folder}")
    if raw_sign is None and comments is not None:
        _check_sign(folder / source, votes, comments)
    return PolisExport(folder, votes, source, comments, summary, bool(raw_sign))


def check_pv_statements(path: Path, statement_ids: np.ndarray, known: np.ndarray) -> None:
    if statement_ids.size and (statement_ids.dtype.kind == "O") == (known.dtype.kind == "O"):
        unknown = statement_ids[~np.isin(statement_ids, known)]
        if unknown.size:
            raise OpinionDataError(
                f"unknown statement id {_show(unknown[0])} in the header: not in comments.csv",
                path=path,
                line=1,
            )


def _with_statements(votes: VoteMatrix, known: np.ndarray) -> VoteMatrix:
    if np.isin(known, votes.statement_ids).all():
        return votes
    rows = votes.vote_rows()
    return VoteMatrix.from_votes(
        votes.participant_ids[rows],
        votes.statement_ids[votes.indices],
        votes.values,
        participant_ids=votes.participant_ids,
        statement_ids=known,
    )


def _check_sign(path: Path, votes: VoteMatrix, comments: Comments) -> None:
    """Refuse votes whose per-statement tallies match comments.csv only with the sign flipped."""
    if comments.agrees is None or comments.disagrees is None or votes.n_votes == 0:
        return
    agree, disagree, _ = votes.column_tally()
    col = votes.statement_index(comments.ids)
    listed = col >= 0
    a = np.where(listed, agree[np.maximum(col, 0)], 0)
    d = np.where(listed, disagree[np.maximum(col, 0)], 0)
    straight = np.abs(comments.agrees - a).sum() + np.abs(comments.disagrees - d).sum()
    flipped = np.abs(comments.agrees - d).sum() + np.abs(comments.disagrees - a).sum()
    if flipped * 2 < straight:
        raise OpinionDataError(
            "comments.csv counts agrees where these votes are -1: the votes seem to use Pol.is's "
            "raw sign (agree = -1); pass --raw-sign (raw_sign=True) to flip them",
            path=path,
        )


# -- writers -----------------------------------------------------------------------------------


def _datetime_text(ms: int) -> str:
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(ms / 1000.0))


def write_votes_csv(
    path: str | Path,
    participants: Sequence,
    statements: Sequence,
    votes: Sequence,
    timestamps: Sequence | None = None,
    *,
    raw: bool = False,
) -> None:
    """Write a vote log as ``votes.csv`` (agree = +1); text ids are escaped unless ``raw``."""
    p, s, v = (np.asarray(x) for x in (participants, statements, votes))
    t = np.arange(p.size, dtype=np.int64) if timestamps is None else np.asarray(timestamps)
    if not raw:
        p, s = _safe_ids(p), _safe_ids(s)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(VOTES_HEADER) + "\n")
        fh.writelines(
            f"{ts},{_datetime_text(ts)},{sid},{pid},{vote}\n"
            for ts, sid, pid, vote in zip(
                t.tolist(), s.tolist(), p.tolist(), v.tolist(), strict=True
            )
        )


def _safe_ids(ids: np.ndarray) -> np.ndarray:
    """Text ids escaped like any text cell; integer ids (the usual case) are left as they are."""
    if ids.dtype.kind not in "OUS":
        return ids
    return np.array([safe_cell(str(x)) for x in ids.tolist()], dtype=object)


def write_matrix_votes_csv(
    path: str | Path, matrix: VoteMatrix, timestamp: int = 0, *, raw: bool = False
) -> None:
    """Write the latest votes of a matrix as ``votes.csv`` (one row per cell)."""
    rows = matrix.vote_rows()
    write_votes_csv(
        path,
        matrix.participant_ids[rows],
        matrix.statement_ids[matrix.indices],
        matrix.values,
        np.full(matrix.n_votes, timestamp, dtype=np.int64),
        raw=raw,
    )


def write_comments_csv(
    path: str | Path, comments: Comments, matrix: VoteMatrix | None = None, *, raw: bool = False
) -> None:
    """Write ``comments.csv``; agrees/disagrees come from ``matrix`` when given."""
    n = comments.ids.size
    agrees = comments.agrees if comments.agrees is not None else np.zeros(n, dtype=np.int64)
    disagrees = (
        comments.disagrees if comments.disagrees is not None else np.zeros(n, dtype=np.int64)
    )
    if matrix is not None:
        agree, disagree, _ = matrix.column_tally()
        col = matrix.statement_index(comments.ids)
        agrees = np.where(col >= 0, agree[np.maximum(col, 0)], 0)
        disagrees = np.where(col >= 0, disagree[np.maximum(col, 0)], 0)
    stamps = comments.timestamps if comments.timestamps is not None else np.zeros(n, dtype=np.int64)
    authors = (
        comments.author_ids if comments.author_ids is not None else np.zeros(n, dtype=np.int64)
    )
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv_writer(fh, raw=raw, lineterminator="\n")
        writer.writerow(COMMENTS_HEADER)
        for i in range(n):
            writer.writerow(
                [
                    int(stamps[i]),
                    _datetime_text(int(stamps[i])),
                    comments.ids[i],
                    authors[i],
                    int(agrees[i]),
                    int(disagrees[i]),
                    int(comments.moderated[i]),
                    comments.texts[i],
                ]
            )


def write_participants_votes_csv(
    path: str | Path,
    matrix: VoteMatrix,
    groups: Mapping | None = None,
    n_comments: Mapping | None = None,
    *,
    raw: bool = False,
) -> None:
    """Write ``participants-votes.csv``: one row per participant, one column per statement."""
    groups = groups or {}
    n_comments = n_comments or {}
    dense = matrix.to_dense()
    buffer = io.StringIO()
    writer = csv_writer(buffer, raw=raw, lineterminator="\n")
    writer.writerow([*PARTICIPANTS_FIXED, *matrix.statement_ids.tolist()])
    for i, pid in enumerate(matrix.participant_ids.tolist()):
        row = dense[i]
        seen = ~np.isnan(row)
        group = groups.get(pid)
        writer.writerow(
            [
                pid,
                "" if group is None else group,
                n_comments.get(pid, 0),
                int(seen.sum()),
                int((row == 1).sum()),
                int((row == -1).sum()),
                *("" if np.isnan(x) else int(x) for x in row.tolist()),
            ]
        )
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")


def write_summary_csv(
    path: str | Path, summary: Mapping[str, object], *, raw: bool = False
) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv_writer(fh, raw=raw, lineterminator="\n")
        for key, value in summary.items():
            writer.writerow([key, value])


def write_polis_export(
    folder: str | Path,
    matrix: VoteMatrix,
    comments: Comments | None = None,
    *,
    groups: Mapping | None = None,
    summary: Mapping[str, object] | None = None,
    raw: bool = False,
) -> None:
    """Write a folder the readers (and Pol.is tooling) understand.

    Text cells that a spreadsheet would run are escaped (the readers undo it); ``raw=True``
    writes them verbatim, byte for byte what Pol.is tools expect.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_matrix_votes_csv(folder / "votes.csv", matrix, raw=raw)
    if comments is None:
        comments = Comments(
            ids=matrix.statement_ids,
            texts=tuple("" for _ in range(matrix.n_statements)),
            moderated=np.zeros(matrix.n_statements, dtype=np.int8),
        )
    write_comments_csv(folder / "comments.csv", comments, matrix, raw=raw)
    write_participants_votes_csv(folder / "participants-votes.csv", matrix, groups, raw=raw)
    if summary is None:
        summary = {
            "voters": matrix.n_participants,
            "comments": comments.ids.size,
            "groups": len(set((groups or {}).values()) - {None}),
        }
    write_summary_csv(folder / "summary.csv", summary, raw=raw)
