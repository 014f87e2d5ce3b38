"""Writers of a Pol.is export folder (agree = +1); text cells are escaped unless ``raw``."""

from __future__ import annotations

import io
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from coproduce.core.csvfiles import safe_cell
from coproduce.core.csvfiles import writer as csv_writer

from ..matrix import VoteMatrix
from .files import COMMENTS_HEADER, PARTICIPANTS_FIXED, VOTES_HEADER, Comments, VoteLog


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
    log: VoteLog | None = None,
    n_comments: Mapping | None = None,
) -> None:
    """Write a folder the readers (and Pol.is tooling) understand.

    ``votes.csv`` is ``log`` row by row (every vote with its time, in the order given) when
    there is one, else the latest votes of ``matrix`` at timestamp 0. ``n_comments``: the
    statements each participant wrote, for participants-votes.csv.

    Text cells that a spreadsheet would run are escaped (the readers undo it); ``raw=True``
    writes them verbatim, byte for byte what Pol.is tools expect.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if log is None:
        write_matrix_votes_csv(folder / "votes.csv", matrix, raw=raw)
    else:
        write_votes_csv(
            folder / "votes.csv",
            log.participants,
            log.statements,
            log.votes,
            log.timestamps,
            raw=raw,
        )
    if comments is None:
        comments = Comments(
            ids=matrix.statement_ids,
            texts=tuple("" for _ in range(matrix.n_statements)),
            moderated=np.zeros(matrix.n_statements, dtype=np.int8),
        )
    write_comments_csv(folder / "comments.csv", comments, matrix, raw=raw)
    write_participants_votes_csv(
        folder / "participants-votes.csv", matrix, groups, n_comments, raw=raw
    )
    if summary is None:
        summary = {
            "voters": matrix.n_participants,
            "comments": comments.ids.size,
            "groups": len(set((groups or {}).values()) - {None}),
        }
    write_summary_csv(folder / "summary.csv", summary, raw=raw)
