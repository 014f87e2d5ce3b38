"""Representativeness of statements for each group (Pol.is ``repness.clj`` / ``stats.clj``).

For group g and statement c, with na agrees, nd disagrees and ns votes (passes included) inside
the group and the summed counts of all other groups as "rest":

- pa = (na + 1) / (ns + 2), pd likewise (pseudocounts),
- pat = 2 sqrt(ns + 1) ((na + 1) / (ns + 1) - 1/2), the one-proportion z test, pdt likewise,
- ra = pa / ((na_rest + 1) / (ns_rest + 2)), rd likewise,
- rat = two-proportion z test of na/ns against na_rest/ns_rest (+1 on all four counts).

A statement is *sufficient* when agree (rat and pat) or disagree (rdt and pdt) are both
significant at one-sided 90 % (z > 1.2816).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z90 = 1.2816  # one-sided 90 %


def prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """One-proportion z statistic against 1/2, with a +1 pseudocount (Pol.is ``prop-test``)."""
    succ = np.asarray(successes, dtype=float) + 1.0
    n = np.asarray(trials, dtype=float) + 1.0
    return 2.0 * np.sqrt(n) * (succ / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out) -> np.ndarray:
    """Two-proportion z statistic with +1 on each count; 0 where the pooled rate is 1."""
    s1 = np.asarray(succ_in, dtype=float) + 1.0
    s2 = np.asarray(succ_out, dtype=float) + 1.0
    n1 = np.asarray(n_in, dtype=float) + 1.0
    n2 = np.asarray(n_out, dtype=float) + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        z = (s1 / n1 - s2 / n2) / spread
    return np.where(pooled >= 1.0, 0.0, np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0))


def probability(successes, trials) -> np.ndarray:
    """Laplace-smoothed rate (successes + 1) / (trials + 2)."""
    return (np.asarray(successes, dtype=float) + 1.0) / (np.asarray(trials, dtype=float) + 2.0)


@dataclass(frozen=True, eq=False)
class GroupStats:
    """All per-(group, statement) statistics; every array has shape (k, m)."""

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    na_rest: np.ndarray
    nd_rest: np.ndarray
    ns_rest: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


def group_stats(agree: np.ndarray, disagree: np.ndarray, votes: np.ndarray) -> GroupStats:
    """Statistics of every group against the rest, from (k, m) count arrays."""
    na_rest = agree.sum(axis=0) - agree
    nd_rest = disagree.sum(axis=0) - disagree
    ns_rest = votes.sum(axis=0) - votes
    pa, pd = probability(agree, votes), probability(disagree, votes)
    return GroupStats(
        na=agree,
        nd=disagree,
        ns=votes,
        na_rest=na_rest,
        nd_rest=nd_rest,
        ns_rest=ns_rest,
        pa=pa,
        pd=pd,
        pat=prop_test(agree, votes),
        pdt=prop_test(disagree, votes),
        ra=pa / probability(na_rest, ns_rest),
        rd=pd / probability(nd_rest, ns_rest),
        rat=two_prop_test(agree, na_rest, votes, ns_rest),
        rdt=two_prop_test(disagree, nd_rest, votes, ns_rest),
    )


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, in the direction (agree/disagree) it does so."""

    statement_id: object
    direction: str  # "agree" or "disagree"
    n_success: int  # group members voting in that direction
    n_trials: int  # group members who voted on it (passes included)
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    rest_success: int
    rest_trials: int
    best_agree: bool = False

    @property
    def percent_in_group(self) -> float:
        return 100.0 * self.n_success / self.n_trials if self.n_trials else 0.0

    @property
    def percent_rest(self) -> float:
        return 100.0 * self.rest_success / self.rest_trials if self.rest_trials else 0.0

    def to_dict(self) -> dict:
        return {
            "statement": _plain(self.statement_id),
            "direction": self.direction,
            "percent_in_group": round(self.percent_in_group, 1),
            "percent_rest": round(self.percent_rest, 1),
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": self.p_success,
            "p_test": self.p_test,
            "repness": self.repness,
            "repness_test": self.repness_test,
            "best_agree": self.best_agree,
        }


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _finalize(stats: GroupStats, g: int, c: int, statement_ids, best_agree: bool = False):
    """Pol.is ``finalize-cmt-stats``: the direction is whichever repness test is larger."""
    agree = stats.rat[g, c] > stats.rdt[g, c]
    if agree:
        fields = (stats.na, stats.pa, stats.pat, stats.ra, stats.rat, stats.na_rest)
    else:
        fields = (stats.nd, stats.pd, stats.pdt, stats.rd, stats.rdt, stats.nd_rest)
    n_success, p_success, p_test, rep, rep_test, rest_success = (float(f[g, c]) for f in fields)
    return RepresentativeStatement(
        statement_id=_plain(statement_ids[c]),
        direction="agree" if agree else "disagree",
        n_success=int(n_success),
        n_trials=int(stats.ns[g, c]),
        p_success=p_success,
        p_test=p_test,
        repness=rep,
        repness_test=rep_test,
        rest_success=int(rest_success),
        rest_trials=int(stats.ns_rest[g, c]),
        best_agree=best_agree,
    )


def _best_agree(stats: GroupStats, g: int, z: float) -> int | None:
    """Pol.is ``beats-best-agr?`` folded over statements in order: a statement the group agrees on.

    The comparison switches metric with the current best (repness-weighted once the best has
    ra > 1, plain pa * pat before), so this is a sequential scan, not an argmax.
    """
    na, nd = stats.na[g].tolist(), stats.nd[g].tolist()
    ra, rat = stats.ra[g].tolist(), stats.rat[g].tolist()
    pa, pat = stats.pa[g].tolist(), stats.pat[g].tolist()
    best: int | None = None
    for c in range(len(na)):
        if na[c] == 0 and nd[c] == 0:
            continue
        if best is None:
            take = pat[c] > z or (ra[c] > 1.0 and pa[c] > 0.5)
        elif ra[best] > 1.0:
            take = ra[c] * rat[c] * pa[c] * pat[c] > ra[best] * rat[best] * pa[best] * pat[best]
        else:
            take = pa[c] * pat[c] > pa[best] * pat[best]
        if take:
            best = c
    return best


def representative_statements(
    stats: GroupStats, g: int, statement_ids, *, z: float = Z90, pick_max: int = 5
) -> list[RepresentativeStatement]:
    """Pol.is ``select-rep-comments`` for group g.

    Sufficient statements sorted by repness x repness-test x p-success x p-test, with the best
    agreed statement forced to the front, top ``pick_max``, agrees listed before disagrees. With
    nothing sufficient: the best agreed statement, else the one with the largest repness test.
    """
    if stats.na.shape[1] == 0:
        return []
    sufficient = ((stats.pat[g] > z) & (stats.rat[g] > z)) | (
        (stats.pdt[g] > z) & (stats.rdt[g] > z)
    )
    best_agree = _best_agree(stats, g, z)
    if not sufficient.any():
        if best_agree is not None:
            return [_finalize(stats, g, best_agree, statement_ids, best_agree=True)]
        best = int(np.argmax(np.maximum(stats.rat[g], stats.rdt[g])))
        return [_finalize(stats, g, best, statement_ids)]
    agree_dir = stats.rat[g] > stats.rdt[g]
    metric = np.where(
        agree_dir,
        stats.ra[g] * stats.rat[g] * stats.pa[g] * stats.pat[g],
        stats.rd[g] * stats.rdt[g] * stats.pd[g] * stats.pdt[g],
    )
    candidates = np.flatnonzero(sufficient)
    if best_agree is not None:
        candidates = candidates[candidates != best_agree]
    ranked = candidates[np.argsort(-metric[candidates], kind="stable")].tolist()
    chosen = ([best_agree] if best_agree is not None else []) + ranked
    picked = [
        _finalize(stats, g, c, statement_ids, best_agree=(c == best_agree))
        for c in chosen[:pick_max]
    ]
    # Stable: agrees first, each direction keeps its ranking.
    return sorted(picked, key=lambda r: r.direction != "agree")
