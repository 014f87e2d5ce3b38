"""Routing priority: which statement to show a participant next (Pol.is ``priority-metric``).

With A agrees, D disagrees, S votes (passes included) and E the statement's extremity:

    P = S - A - D,  p = (P + 1) / (S + 2),  a = (A + 1) / (S + 2)
    importance = (1 - p) (E + 1) a
    priority   = (importance (1 + 8 * 2^(-S / 5)))^2

Meta statements get a fixed 7^2 = 49. The next statement is drawn with probability
proportional to priority, so new statements (small S) and polarising ones (large E) come first.
"""

from __future__ import annotations

import numpy as np

META_PRIORITY = 7.0


def importance(agree, disagree, votes, extremity) -> np.ndarray:
    agree, disagree, votes = (np.asarray(x, dtype=float) for x in (agree, disagree, votes))
    passed = votes - agree - disagree
    p_pass = (passed + 1.0) / (votes + 2.0)
    p_agree = (agree + 1.0) / (votes + 2.0)
    return (1.0 - p_pass) * (np.asarray(extremity, dtype=float) + 1.0) * p_agree


def priority(
    agree, disagree, votes, extremity, is_meta=None, *, meta_priority: float = META_PRIORITY
):
    """Squared priority of every statement (arrays of equal length)."""
    votes_f = np.asarray(votes, dtype=float)
    base = importance(agree, disagree, votes, extremity) * (
        1.0 + 8.0 * np.power(2.0, -votes_f / 5.0)
    )
    if is_meta is not None:
        base = np.where(np.asarray(is_meta, dtype=bool), meta_priority, base)
    return base**2
