"""Sector lens: how participants' sectors (resident, trader, official, ...) sit on the map.

Given a participant -> sector mapping, :func:`sector_lens` reports how each sector spreads
across the opinion groups, and which statements split the sectors most (the divisiveness of
``consensus.py``, computed across sectors instead of groups). It is pure: votes, a result of
:func:`~.pipeline.compute` and the mapping in, a small dataclass out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .consensus import DivisiveStatement, most_divisive
from .matrix import VoteMatrix
from .pipeline import OpinionResult


@dataclass(frozen=True)
class SectorSpread:
    """Members of one sector per group (``None`` = not in any group)."""

    sector: str
    size: int
    by_group: dict[int | None, int]

    def share(self, group: int | None) -> float:
        return self.by_group.get(group, 0) / self.size if self.size else 0.0

    def to_dict(self) -> dict:
        return {
            "sector": self.sector,
            "size": self.size,
            "by_group": {("none" if g is None else str(g)): n for g, n in self.by_group.items()},
        }


@dataclass(frozen=True)
class SectorLens:
    sectors: tuple[SectorSpread, ...]
    splitting: tuple[DivisiveStatement, ...]  # net agreement keyed by sector name

    def to_dict(self) -> dict:
        return {
            "sectors": [s.to_dict() for s in self.sectors],
            "splitting": [d.to_dict() for d in self.splitting],
        }


def sector_codes(
    participant_ids: np.ndarray, sectors: Mapping[object, str]
) -> tuple[list[str], np.ndarray]:
    """Sorted sector names and each participant's sector index (-1 when unknown)."""
    names = sorted({str(s) for s in sectors.values()})
    index = {name: i for i, name in enumerate(names)}
    codes = np.array(
        [index.get(str(sectors[p]), -1) if p in sectors else -1 for p in participant_ids.tolist()],
        dtype=np.int32,
    )
    return names, codes


def sector_spread(
    group_of: np.ndarray, codes: np.ndarray, names: list[str], k: int
) -> tuple[SectorSpread, ...]:
    """Cross-tabulate sectors against groups."""
    out = []
    for s, name in enumerate(names):
        members = group_of[codes == s]
        counts = np.bincount(members[members >= 0], minlength=k) if k else np.zeros(0, dtype=int)
        by_group: dict[int | None, int] = {g: int(counts[g]) for g in range(k)}
        by_group[None] = int(np.count_nonzero(members < 0))
        out.append(SectorSpread(name, int(members.size), by_group))
    return tuple(out)


def sector_lens(
    votes: VoteMatrix,
    result: OpinionResult,
    sectors: Mapping[object, str],
    *,
    top: int = 5,
) -> SectorLens:
    """Sectors across groups, and the statements that split the sectors most.

    ``votes`` is the matrix given to :func:`~.pipeline.compute`; only statements that were in the
    maths are considered (rejected and meta statements stay out). Participants without a sector
    are left out.
    """
    names, codes = sector_codes(result.participant_ids, sectors)
    spread = sector_spread(result.group_of, codes, names, result.k)
    maths_ids = result.statement_ids[result.in_maths]
    rows = votes.participant_index(result.participant_ids)
    in_result = np.zeros(votes.n_participants, dtype=bool)
    in_result[rows[rows >= 0]] = True
    cols = np.zeros(votes.n_statements, dtype=bool)
    found = votes.statement_index(maths_ids)
    cols[found[found >= 0]] = True
    sub = votes.select(participants=in_result, statements=cols)
    labels = np.full(sub.n_participants, -1, dtype=np.int32)
    labels[sub.participant_index(result.participant_ids[codes >= 0]).clip(min=0)] = codes[
        codes >= 0
    ]
    agree, disagree, total = sub.tally(labels, len(names))
    splitting = most_divisive(agree, disagree, total, sub.statement_ids, names, top=top)
    return SectorLens(spread, tuple(splitting))
