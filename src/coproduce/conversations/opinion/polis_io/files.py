"""What a Pol.is export folder holds: the files' columns, limits and the data read from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..matrix import VoteMatrix

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
    log: VoteLog | None = None  # every row of votes.csv, re-votes included (None: matrix only)

    @property
    def rejected_statements(self) -> np.ndarray:
        return self.votes.statement_ids[:0] if self.comments is None else self.comments.rejected_ids

    @property
    def meta_statements(self) -> np.ndarray:
        return self.votes.statement_ids[:0] if self.comments is None else self.comments.meta_ids


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
