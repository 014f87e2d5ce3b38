"""Readers of the files of a Pol.is export folder, one by one and as a whole folder."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from coproduce.core.csvfiles import unescape_cell

from ..errors import OpinionDataError
from ..matrix import VoteMatrix, as_id_array, factorize
from .columns import (
    arrow_csv,
    arrow_to_numpy,
    cell_problem,
    column_values,
    id_column,
    id_problem,
    ids_from_text,
    read_header,
    read_table,
    require_columns,
    scan_for_problem,
    show_id,
)
from .files import (
    COMMENTS_HEADER,
    MAX_STATEMENT_CHARS,
    PARTICIPANTS_FIXED,
    RAW_DUMP_COLUMNS,
    VOTES_HEADER,
    Comments,
    ExportedGroups,
    PolisExport,
    VoteLog,
)

# -- votes.csv ---------------------------------------------------------------------------------


def read_vote_log(path: str | Path, *, raw_sign: bool | None = None) -> VoteLog:
    """Read ``votes.csv`` (or a raw Pol.is ``votes`` table dump) into arrays.

    ``raw_sign``: None = the file must be an export (agree = +1), and a raw dump is refused;
    True = the file uses Pol.is's stored sign (agree = -1) and is flipped; False = agree = +1.
    """
    path = Path(path)
    header = read_header(path)
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
        require_columns(path, header, ("timestamp", "comment-id", "voter-id", "vote"), VOTES_HEADER)
        time_col, pid, tid = "timestamp", "voter-id", "comment-id"
    participants, statements, votes, stamps = _read_vote_columns(path, pid, tid, time_col)
    if raw_sign:
        votes = -votes
    return VoteLog(participants, statements, votes.astype(np.int8), stamps, raw_dump)


def _read_vote_columns(path: Path, pid: str, tid: str, time_col: str | None):
    pa, _ = arrow_csv()
    columns = [c for c in (time_col, tid, pid, "vote") if c]
    int_types = dict.fromkeys(columns, pa.int64())
    checks = {c: ("vote" if c == "vote" else "int") for c in columns}
    table = read_table(path, columns, int_types)
    if table is None:
        # Text ids are allowed; numbers elsewhere are not.
        text_ids = dict(int_types, **{pid: pa.string(), tid: pa.string()})
        table = read_table(path, columns, text_ids)
        checks[pid] = checks[tid] = "id"
    if table is None:
        raise scan_for_problem(path, checks)
    votes = column_values(table, "vote", path)
    bad = (votes < -1) | (votes > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise OpinionDataError(
            f"vote is {votes[i]}; votes must be -1 (disagree), 0 (pass) or 1 (agree)",
            path=path,
            line=i + 2,
        )
    participants = id_column(table, pid, path)
    statements = id_column(table, tid, path)
    stamps = column_values(table, time_col, path) if time_col else None
    if stamps is not None:
        _check_conflicts(path, participants, statements, votes, stamps)
    return participants, statements, votes, stamps


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
            f"unknown statement id {show_id(statements[first])}: not in comments.csv"
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
    header = read_header(path)
    require_columns(path, header, ("comment-id", "moderated", "comment-body"), COMMENTS_HEADER)
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
        if problem := id_problem(text):
            raise OpinionDataError(f"comment-id {problem}", path=path, line=line)
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
        ids=ids_from_text(ids_text),
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
        except OverflowError:
            raise OpinionDataError(
                f"{name} is {cell[:40]}, too large a number", path=path, line=line
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
    header = read_header(path)
    require_columns(path, header, PARTICIPANTS_FIXED, PARTICIPANTS_FIXED)
    fixed = set(PARTICIPANTS_FIXED) | {"xid"}
    comment_cols = [c for c in header if c not in fixed]
    for column in comment_cols:
        if problem := id_problem(column):
            raise OpinionDataError(f"statement column {problem}", path=path, line=1)
    return header, comment_cols


def read_exported_groups(path: str | Path) -> ExportedGroups:
    """Only the ``participant`` and ``group-id`` columns of ``participants-votes.csv``."""
    path = Path(path)
    _participants_header(path)
    pa, _ = arrow_csv()
    table = read_table(path, ["participant", "group-id"], {"group-id": pa.float64()})
    if table is None:
        raise scan_for_problem(path, {"participant": "id"})
    participants = id_column(table, "participant", path)
    groups = arrow_to_numpy(table.column("group-id")).astype(float)
    groups = np.where(np.isnan(groups), -1, groups).astype(np.int64)
    return ExportedGroups(participants, groups)


def read_participants_votes_csv(
    path: str | Path, *, raw_sign: bool | None = None
) -> tuple[VoteMatrix, ExportedGroups]:
    """``participants-votes.csv`` as a vote matrix plus Pol.is's exported groups."""
    path = Path(path)
    header, comment_cols = _participants_header(path)
    pa, _ = arrow_csv()
    types = {c: pa.float64() for c in comment_cols}
    types.update({"group-id": pa.float64(), "n-agree": pa.int64(), "n-disagree": pa.int64()})
    wanted = ["participant", "group-id", "n-agree", "n-disagree", *comment_cols]
    table = read_table(path, wanted, types)
    if table is None:
        checks = {c: "vote" for c in comment_cols}
        raise _scan_participants(path, header, checks)
    participants = id_column(table, "participant", path)
    if participants.size:
        _, codes = factorize(as_id_array(participants))
        counts = np.bincount(codes)
        if counts.max() > 1:
            dup = int(np.flatnonzero(counts[codes] > 1)[1])
            raise OpinionDataError(
                f"duplicate participant {show_id(participants[dup])}", path=path, line=dup + 2
            )
    rows, cols, vals = [], [], []
    for j, name in enumerate(comment_cols):
        cells = arrow_to_numpy(table.column(name)).astype(float, copy=False)
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
    n_agree = column_values(table, "n-agree", path)
    n_disagree = column_values(table, "n-disagree", path)
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
    statement_ids = ids_from_text(comment_cols)
    matrix = VoteMatrix.from_votes(
        participants[row],
        statement_ids[col] if col.size else statement_ids[:0],
        val,
        participant_ids=participants,
        statement_ids=statement_ids,
    )
    groups = arrow_to_numpy(table.column("group-id")).astype(float)
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
                    if cell and cell_problem(cell, "vote"):
                        return OpinionDataError(
                            f"vote on statement {column} {cell_problem(cell, 'vote')}",
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
    comments = log = None
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
    return PolisExport(folder, votes, source, comments, summary, bool(raw_sign), log)


def check_pv_statements(path: Path, statement_ids: np.ndarray, known: np.ndarray) -> None:
    if statement_ids.size and (statement_ids.dtype.kind == "O") == (known.dtype.kind == "O"):
        unknown = statement_ids[~np.isin(statement_ids, known)]
        if unknown.size:
            raise OpinionDataError(
                f"unknown statement id {show_id(unknown[0])} in the header: not in comments.csv",
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
