"""The sparse participant x statement vote matrix.

Votes are stored as agree = +1, disagree = -1, pass = 0; a missing vote is simply absent. This is
the sign of Pol.is's CSV exports, not of its database (which stores agree as -1); the readers in
``polis_io`` convert at the boundary.

The matrix is a plain CSR triple (``indptr``, ``indices``, ``values``) over canonically ordered
ids: participants and statements are sorted by id, so the same votes always give the same matrix
whatever order they arrive in (this is what makes the whole pipeline permutation invariant).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_array

from .errors import OpinionDataError

AGREE = 1
DISAGREE = -1
PASS = 0

# Ids that are small non-negative integers are mapped with a lookup table instead of a sort.
_DENSE_ID_SLACK = 8


def as_id_array(ids: Any, what: str = "ids") -> np.ndarray:
    """Return ids as a 1-D int64 array, or an object array of str; reject mixtures."""
    arr = np.asarray(ids)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind in "iu":
        # Keep the caller's integer width: converting 100 M int32 ids to int64 costs a second.
        return arr if arr.dtype.itemsize >= 4 or arr.dtype.kind == "i" else arr.astype(np.int64)
    if arr.dtype.kind == "b":
        raise OpinionDataError(f"{what} must be integers or text, not booleans")
    if arr.dtype.kind == "f":
        if arr.size and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
            raise OpinionDataError(f"{what} must be integers or text, got non-integer numbers")
        return arr.astype(np.int64)
    if arr.dtype.kind in "US":
        return arr.astype(str).astype(object)
    if arr.dtype.kind == "O":
        if arr.size == 0:
            return np.zeros(0, dtype=np.int64)
        kinds = {type(x) for x in arr.tolist()}
        if kinds <= {int, np.int64, np.int32}:
            return arr.astype(np.int64)
        if kinds <= {str, np.str_}:
            return arr.astype(str).astype(object)
        raise OpinionDataError(
            f"{what} must be all integers or all text, got {sorted(k.__name__ for k in kinds)}"
        )
    raise OpinionDataError(f"{what} have an unsupported type {arr.dtype}")


def factorize(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ids and the int32 code of every element (its index in the distinct ids)."""
    if ids.size == 0:
        return ids[:0].copy(), np.zeros(0, dtype=np.int32)
    if ids.dtype.kind in "iu":
        lo, hi = int(ids.min()), int(ids.max())
        if lo >= 0 and hi < 2**31 - 1 and hi <= _DENSE_ID_SLACK * ids.size + 1024:
            # Pol.is ids are small dense integers: a presence table is O(n), a sort is O(n log n).
            present = np.zeros(hi + 1, dtype=bool)
            present[ids] = True
            if lo == 0 and present.all():
                # Already codes 0..n-1 (the common case for Pol.is exports): nothing to map.
                return np.arange(hi + 1, dtype=np.int64), ids.astype(np.int32, copy=False)
            uniques = np.flatnonzero(present).astype(np.int64)
            code_of = np.cumsum(present, dtype=np.int32) - 1
            return uniques, code_of[ids]
    # np.unique is pathologically slow on large int64 arrays in NumPy 2.5; sort once instead.
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    new = np.empty(ordered.size, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    codes = np.empty(ids.size, dtype=np.int32)
    codes[order] = np.cumsum(new, dtype=np.int32) - 1
    return ordered[new], codes


def _merge_ids(uniques: np.ndarray, codes: np.ndarray, extra: Iterable | None, what: str):
    """Add ids that have no votes (e.g. statements nobody voted on yet) and recode."""
    if extra is None:
        return uniques, codes
    extra_arr = as_id_array(list(extra) if not isinstance(extra, np.ndarray) else extra, what)
    if extra_arr.size == 0:
        return uniques, codes
    if uniques.size and (uniques.dtype.kind == "O") != (extra_arr.dtype.kind == "O"):
        raise OpinionDataError(f"{what} mix numbers and text")
    merged = np.union1d(uniques, extra_arr) if uniques.size else np.unique(extra_arr)
    if merged.size == uniques.size:
        return uniques, codes
    remap = np.searchsorted(merged, uniques).astype(np.int32)
    return merged, remap[codes]


def _check_votes(votes: np.ndarray) -> np.ndarray:
    """Votes as int8, or an error naming the first vote that is not -1, 0 or +1."""
    if votes.dtype.kind == "b":
        raise OpinionDataError("votes must be -1, 0 or +1, not booleans")
    if votes.dtype.kind not in "iuf":
        raise OpinionDataError(f"votes must be numbers, got {votes.dtype}")
    bad = (votes < -1) | (votes > 1)
    if votes.dtype.kind == "f":
        bad |= ~np.isfinite(votes) | (votes != np.round(votes))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise OpinionDataError(
            f"vote #{i} is {votes[i].item()!r}; votes must be -1 (disagree), 0 (pass) or +1 (agree)"
        )
    return votes.astype(np.int8, copy=False)


def _sort_cells(rows, cols, vals, n_rows: int, n_cols: int):
    """Order votes by (row, column), keeping input order among votes on the same cell.

    Two stable counting sorts (scipy's CSR -> CSC conversion is one) cost O(n) instead of the
    O(n log n) of a 64-bit argsort, which matters at 100 M votes. The first pass carries the
    participant and the vote packed in one integer, so no random gather is needed in between.
    """
    n = rows.size
    wide = n_rows >= 2**29 or n >= 2**31 - 1
    packed = rows.astype(np.int64 if wide else np.int32)
    packed <<= 2
    packed += vals + 1
    step = np.arange(n + 1, dtype=np.int64 if n >= 2**31 - 1 else np.int32)
    by_col = csr_array((packed, cols, step), shape=(n, n_cols)).tocsc()
    del packed, step
    carried = by_col.data
    votes = (carried & 3).astype(np.int8)
    votes -= 1
    carried >>= 2
    by_row = csr_array((votes, carried, by_col.indptr), shape=(n_cols, n_rows)).tocsc()
    return (
        by_row.indptr.astype(np.int64),
        by_row.indices.astype(np.int32, copy=False),
        by_row.data,
    )


def _drop_superseded(indptr, indices, values):
    """Keep only the last vote on each (participant, statement) cell (latest vote wins)."""
    if indices.size < 2:
        return indptr, indices, values
    same = indices[1:] == indices[:-1]
    if not same.any():
        return indptr, indices, values
    row_start = np.zeros(indices.size, dtype=bool)
    lengths = np.diff(indptr)
    row_start[indptr[:-1][lengths > 0]] = True
    superseded = np.zeros(indices.size, dtype=bool)
    superseded[:-1] = same & ~row_start[1:]
    gone = np.flatnonzero(superseded)
    gone_rows = np.searchsorted(indptr, gone, side="right") - 1
    removed = np.bincount(gone_rows, minlength=lengths.size)
    new_indptr = indptr.copy()
    new_indptr[1:] -= np.cumsum(removed)
    keep = ~superseded
    return new_indptr, indices[keep], values[keep]


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Latest vote of every participant on every statement, as a CSR matrix over sorted ids.

    Build it with :meth:`from_votes` (a vote log, latest vote wins) or :meth:`from_dense`.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    indptr: np.ndarray  # int64, n_participants + 1
    indices: np.ndarray  # int32 statement index of each stored vote, ascending within a row
    values: np.ndarray  # int8 vote of each stored cell

    def __post_init__(self) -> None:
        n = self.participant_ids.size
        if self.indptr.shape != (n + 1,):
            raise ValueError("indptr must have one entry per participant plus one")
        if not (self.indices.size == self.values.size == int(self.indptr[-1])):
            raise ValueError("indices, values and indptr[-1] must agree")

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_votes(
        cls,
        participants: Any,
        statements: Any,
        votes: Any,
        *,
        timestamps: Any = None,
        statement_ids: Iterable | None = None,
        participant_ids: Iterable | None = None,
    ) -> VoteMatrix:
        """Build the matrix from a vote log (one row per vote, agree = +1).

        When a participant voted more than once on a statement, the latest vote counts: the
        latest by ``timestamps`` when given (ties keep input order), else the last in the input.
        ``statement_ids`` / ``participant_ids`` add ids that have no votes yet.
        """
        p = as_id_array(participants, "participant ids")
        s = as_id_array(statements, "statement ids")
        v = np.asarray(votes).reshape(-1)
        if not (p.size == s.size == v.size):
            raise OpinionDataError(
                "participants, statements and votes differ in length "
                f"({p.size}, {s.size}, {v.size})"
            )
        v = _check_votes(v)
        if timestamps is not None:
            t = np.asarray(timestamps).reshape(-1)
            if t.size != v.size:
                raise OpinionDataError("timestamps and votes differ in length")
            if t.size > 1 and bool(np.any(t[1:] < t[:-1])):
                order = np.argsort(t, kind="stable")
                p, s, v = p[order], s[order], v[order]
        pids, pcodes = factorize(p)
        sids, scodes = factorize(s)
        pids, pcodes = _merge_ids(pids, pcodes, participant_ids, "participant ids")
        sids, scodes = _merge_ids(sids, scodes, statement_ids, "statement ids")
        indptr, indices, values = _sort_cells(pcodes, scodes, v, pids.size, sids.size)
        indptr, indices, values = _drop_superseded(indptr, indices, values)
        return cls(pids, sids, indptr, indices, values)

    @classmethod
    def from_dense(
        cls,
        rows: Any,
        participant_ids: Any = None,
        statement_ids: Any = None,
    ) -> VoteMatrix:
        """Build from a dense array with NaN (or None) for missing votes; handy in tests."""
        dense = np.asarray(rows, dtype=float)
        if dense.ndim != 2:
            raise OpinionDataError("a dense vote matrix must be 2-D")
        n, m = dense.shape
        pids = np.arange(n) if participant_ids is None else as_id_array(participant_ids)
        sids = np.arange(m) if statement_ids is None else as_id_array(statement_ids)
        r, c = np.nonzero(~np.isnan(dense))
        return cls.from_votes(
            pids[r], sids[c], dense[r, c], participant_ids=pids, statement_ids=sids
        )

    # -- shape and counts ---------------------------------------------------------------------

    @property
    def n_participants(self) -> int:
        return int(self.participant_ids.size)

    @property
    def n_statements(self) -> int:
        return int(self.statement_ids.size)

    @property
    def n_votes(self) -> int:
        return int(self.values.size)

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_participants, self.n_statements

    def votes_per_participant(self) -> np.ndarray:
        return np.diff(self.indptr)

    def votes_per_statement(self) -> np.ndarray:
        return np.bincount(self.indices, minlength=self.n_statements)

    def vote_rows(self) -> np.ndarray:
        """Participant index of every stored vote."""
        return np.repeat(
            np.arange(self.n_participants, dtype=np.int32), self.votes_per_participant()
        )

    def to_dense(self) -> np.ndarray:
        dense = np.full(self.shape, np.nan)
        dense[self.vote_rows(), self.indices] = self.values
        return dense

    def csr(self, data: np.ndarray) -> csr_array:
        """A scipy CSR view with the same sparsity pattern and the given stored values."""
        return csr_array((data, self.indices, self.indptr), shape=self.shape)

    # -- lookups and subsets ------------------------------------------------------------------

    def participant_index(self, ids: Iterable) -> np.ndarray:
        """Row of each id, -1 when unknown."""
        return _index_of(self.participant_ids, ids)

    def statement_index(self, ids: Iterable) -> np.ndarray:
        """Column of each id, -1 when unknown."""
        return _index_of(self.statement_ids, ids)

    def select(
        self, participants: np.ndarray | None = None, statements: np.ndarray | None = None
    ) -> VoteMatrix:
        """Keep the participants / statements whose boolean mask is True."""
        if participants is None and statements is None:
            return self
        keep = np.ones(self.n_votes, dtype=bool)
        lengths = self.votes_per_participant()
        rows_kept = (
            np.ones(self.n_participants, dtype=bool) if participants is None else participants
        )
        if participants is not None:
            keep &= np.repeat(participants, lengths)
        new_col = np.arange(self.n_statements, dtype=np.int32)
        if statements is not None:
            keep &= statements[self.indices]
            new_col = np.cumsum(statements, dtype=np.int32) - 1
        running = np.zeros(self.n_votes + 1, dtype=np.int64)
        np.cumsum(keep, out=running[1:])
        kept_lengths = (running[self.indptr[1:]] - running[self.indptr[:-1]])[rows_kept]
        indptr = np.zeros(kept_lengths.size + 1, dtype=np.int64)
        np.cumsum(kept_lengths, out=indptr[1:])
        sids = self.statement_ids if statements is None else self.statement_ids[statements]
        return VoteMatrix(
            self.participant_ids[rows_kept],
            sids,
            indptr,
            new_col[self.indices[keep]],
            self.values[keep],
        )

    def column_tally(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Agree, disagree and all-vote counts per statement over every participant."""
        m = self.n_statements
        code = self.indices.astype(np.int64) * 3
        code += self.values + 1
        counts = np.bincount(code, minlength=3 * m).reshape(m, 3)
        return counts[:, 2].copy(), counts[:, 0].copy(), counts.sum(axis=1)

    def tally(self, labels: np.ndarray, n_labels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Agree, disagree and all-vote counts per (label, statement); label -1 is left out.

        Returns three int64 arrays of shape (n_labels, n_statements). "All" includes passes.
        """
        m = self.n_statements
        shape = (n_labels, m)
        if n_labels == 0 or self.n_votes == 0:
            zero = np.zeros(shape, dtype=np.int64)
            return zero, zero.copy(), zero.copy()
        labels = np.asarray(labels)
        vote_labels = np.repeat(labels.astype(np.int32), self.votes_per_participant())
        counted = vote_labels >= 0
        # One pass: code = (label * m + statement) * 3 + (vote + 1).
        code = vote_labels[counted].astype(np.int64) * m + self.indices[counted]
        code *= 3
        code += self.values[counted] + 1
        counts = np.bincount(code, minlength=n_labels * m * 3).reshape(n_labels, m, 3)
        disagree, passed, agree = counts[..., 0], counts[..., 1], counts[..., 2]
        return agree, disagree, agree + disagree + passed


def _index_of(sorted_ids: np.ndarray, ids: Iterable) -> np.ndarray:
    wanted = ids if isinstance(ids, np.ndarray) else np.asarray(list(ids))
    if wanted.size == 0 or sorted_ids.size == 0:
        return np.full(wanted.size, -1, dtype=np.int64)
    if (sorted_ids.dtype.kind == "O") != (wanted.dtype.kind in "OUS"):
        return np.full(wanted.size, -1, dtype=np.int64)
    wanted = as_id_array(wanted)
    pos = np.searchsorted(sorted_ids, wanted)
    pos_clipped = np.minimum(pos, sorted_ids.size - 1)
    found = sorted_ids[pos_clipped] == wanted
    return np.where(found, pos_clipped, -1).astype(np.int64)
