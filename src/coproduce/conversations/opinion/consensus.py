"""Consensus, group-aware consensus and divisiveness.

- Consensus (Pol.is ``select-consensus-comments``): over all participants, statements with
  pa > 0.5 and pat > z90, ranked by pa * pat, top 5; the same for disagreement with pd * pdt.
- Group-aware consensus (Pol.is ``group-aware-consensus``, exported as
  ``group-informed-consensus``): GAC(c) = prod over groups of (A_g + 1) / (S_g + 2), where S_g
  counts passes. High only when every group tends to agree.
- Common ground (ours, what the map shows as "what nearly everyone shares"): statements that a
  majority of every group agreed (or disagreed) with, ranked by group-aware consensus. Pol.is's
  consensus only asks for a majority of everyone, so one large group can carry a statement that
  the other groups reject; common ground cannot.
- Divisiveness (ours; Pol.is has no such figure): the spread of net agreement across parts
  (groups or sectors), max_p - min_p of (A_p - D_p) / (S_p + 2), over parts that voted on the
  statement. The +2 pseudocount shrinks small parts towards 0, so a handful of votes cannot make
  a statement look divisive. Range [0, 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .repness import Z90, _plain, probability, prop_test


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with."""

    statement_id: object
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float

    @property
    def percent(self) -> float:
        return 100.0 * self.n_success / self.n_trials if self.n_trials else 0.0

    def to_dict(self) -> dict:
        return {
            "statement": _plain(self.statement_id),
            "percent": round(self.percent, 1),
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": self.p_success,
            "p_test": self.p_test,
        }


def consensus_statements(
    agree: np.ndarray,
    disagree: np.ndarray,
    votes: np.ndarray,
    statement_ids,
    *,
    z: float = Z90,
    pick_max: int = 5,
    min_p: float = 0.5,
) -> tuple[list[ConsensusStatement], list[ConsensusStatement]]:
    """Top agreed and top disagreed statements from whole-conversation counts (shape (m,))."""
    out = []
    for direction, succ in (("agree", agree), ("disagree", disagree)):
        p = probability(succ, votes)
        test = prop_test(succ, votes)
        ok = np.flatnonzero((p > min_p) & (test > z))
        ranked = ok[np.argsort(-(p[ok] * test[ok]), kind="stable")][:pick_max]
        out.append(
            [
                ConsensusStatement(
                    _plain(statement_ids[c]),
                    direction,
                    int(succ[c]),
                    int(votes[c]),
                    float(p[c]),
                    float(test[c]),
                )
                for c in ranked.tolist()
            ]
        )
    return out[0], out[1]


@dataclass(frozen=True)
class CommonGround:
    """A statement every opinion group leans the same way on."""

    statement_id: object
    direction: str
    score: float  # group-aware consensus in this direction
    percent: float  # of everyone who voted on it, passes included
    lowest_group_percent: float  # the least convinced group

    def to_dict(self) -> dict:
        return {
            "statement": _plain(self.statement_id),
            "score": self.score,
            "percent": round(self.percent, 1),
            "lowest_group_percent": round(self.lowest_group_percent, 1),
        }


def common_ground(
    success: np.ndarray, votes: np.ndarray, statement_ids, direction: str, *, pick_max: int = 5
) -> list[CommonGround]:
    """Statements a majority of every part (shape (k, m) counts) voted ``direction`` on.

    A part that has not voted on a statement has not agreed with it. Ranked by group-aware
    consensus, whose +1/+2 smoothing puts a statement few people voted on below one that many
    did at the same shares; ties in statement order.
    """
    if success.shape[0] == 0 or success.shape[1] == 0:
        return []
    score = group_aware_consensus(success, votes)
    ok = np.flatnonzero((2 * success > votes).all(axis=0))
    ranked = ok[np.argsort(-score[ok], kind="stable")][:pick_max]
    share = 100.0 * success / np.maximum(votes, 1)
    total = 100.0 * success.sum(axis=0) / np.maximum(votes.sum(axis=0), 1)
    return [
        CommonGround(
            _plain(statement_ids[c]),
            direction,
            float(score[c]),
            float(total[c]),
            float(share[:, c].min()),
        )
        for c in ranked.tolist()
    ]


def group_aware_consensus(agree: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """prod_g (A_g + 1) / (S_g + 2) from (k, m) counts; disagree counts give the disagree form."""
    if agree.shape[0] == 0:
        return np.ones(agree.shape[1])
    return probability(agree, votes).prod(axis=0)


def net_agreement(agree: np.ndarray, disagree: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """(A - D) / (S + 2) per part and statement: shrunk net agreement in (-1, 1)."""
    return (agree - disagree) / (votes + 2.0)


def divisiveness(agree: np.ndarray, disagree: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """Spread of net agreement across parts that voted; 0 unless at least two parts voted."""
    net = net_agreement(agree, disagree, votes)
    voted = votes > 0
    hi = np.where(voted, net, -np.inf).max(axis=0, initial=-np.inf)
    lo = np.where(voted, net, np.inf).min(axis=0, initial=np.inf)
    spread = hi - lo
    return np.where(voted.sum(axis=0) >= 2, spread, 0.0)


@dataclass(frozen=True)
class DivisiveStatement:
    """A statement on which parts (groups or sectors) disagree most; net agreement per part."""

    statement_id: object
    divisiveness: float
    net_agreement: dict

    def to_dict(self) -> dict:
        return {
            "statement": _plain(self.statement_id),
            "divisiveness": self.divisiveness,
            "net_agreement": {str(k): v for k, v in self.net_agreement.items()},
        }


def most_divisive(
    agree: np.ndarray,
    disagree: np.ndarray,
    votes: np.ndarray,
    statement_ids,
    part_names,
    *,
    top: int = 5,
) -> list[DivisiveStatement]:
    """The ``top`` statements with the largest divisiveness (> 0), ties in statement order."""
    if agree.shape[0] < 2 or agree.shape[1] == 0:
        return []
    spread = divisiveness(agree, disagree, votes)
    net = net_agreement(agree, disagree, votes)
    candidates = np.flatnonzero(spread > 0)
    ranked = candidates[np.argsort(-spread[candidates], kind="stable")][:top]
    return [
        DivisiveStatement(
            _plain(statement_ids[c]),
            float(spread[c]),
            {name: float(net[p, c]) for p, name in enumerate(part_names) if votes[p, c] > 0},
        )
        for c in ranked.tolist()
    ]
