"""Base clusters, opinion groups, silhouette and k smoothing (Pol.is ``clusters.clj``).

Participants' 2-D projections are first summarised by up to 100 *base clusters* (k-means). The
opinion groups are then a weighted k-means over the base-cluster centres (weight = members) for
every k in 2..max_k, and k is chosen by silhouette on those weighted centres. Working on at most
100 weighted points makes the choice of k cost the same for 50 or 5 million participants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

_CHUNK = 32_768  # rows per distance block: bounds memory at ~26 MB for k = 100
_TREE_MIN_K, _TREE_MIN_N = 16, 2048


@dataclass(frozen=True, eq=False)
class KMeansFit:
    """Centres, member labels, total member weight per centre, weighted inertia, iterations."""

    centres: np.ndarray  # (k, d)
    labels: np.ndarray  # (n,) int32, index into centres
    weights: np.ndarray  # (k,)
    inertia: float
    n_iter: int = 0

    @property
    def k(self) -> int:
        return int(self.centres.shape[0])


def _sq_dists(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances, computed coordinate by coordinate (no cancellation)."""
    out = np.zeros((points.shape[0], centres.shape[0]))
    for d in range(points.shape[1]):
        diff = points[:, d, None] - centres[None, :, d]
        diff *= diff
        out += diff
    return out


def _nearest_two(points: np.ndarray, centres: np.ndarray):
    """Nearest centre, distance to it and distance to the second nearest (inf if k = 1)."""
    n, k = points.shape[0], centres.shape[0]
    if k >= _TREE_MIN_K and n >= _TREE_MIN_N:
        # A k-d tree over the centres answers in O(log k) per point, ~3x faster for k = 100.
        from scipy.spatial import cKDTree

        dist, idx = cKDTree(centres).query(points, k=2)
        return idx[:, 0].astype(np.int32), dist[:, 0], dist[:, 1]
    labels = np.empty(n, dtype=np.int32)
    first = np.empty(n)
    second = np.full(n, np.inf)
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        d = _sq_dists(points[lo:hi], centres)
        rows = np.arange(hi - lo)
        best = d.argmin(axis=1)  # ties go to the lowest index: deterministic
        labels[lo:hi] = best
        first[lo:hi] = d[rows, best]
        if k > 1:
            d[rows, best] = np.inf
            second[lo:hi] = d.min(axis=1)
    return labels, np.sqrt(first), np.sqrt(second)


def _weighted_means(weighted_points, weights, labels, centres) -> tuple[np.ndarray, np.ndarray]:
    k = centres.shape[0]
    total = np.bincount(labels, weights=weights, minlength=k)
    means = centres.copy()
    filled = total > 0
    for d in range(centres.shape[1]):
        sums = np.bincount(labels, weights=weighted_points[:, d], minlength=k)
        means[filled, d] = sums[filled] / total[filled]
    return means, total


def lloyd(
    points: np.ndarray,
    weights: np.ndarray,
    centres: np.ndarray,
    *,
    max_iter: int = 100,
    tol: float = 0.01,
) -> KMeansFit:
    """Weighted Lloyd k-means until every centre moves by at most ``tol`` (Pol.is: 0.01).

    Hamerly's bounds skip the distance computation for points that provably keep their
    centre, so late iterations cost O(n) instead of O(n k). Results equal plain Lloyd's.
    Empty clusters are dropped at the end (as Pol.is does).
    """
    points = np.asarray(points, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    c = np.array(centres, dtype=np.float64, copy=True)
    weighted_points = points * weights[:, None]
    labels, upper, lower = _nearest_two(points, c)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        new_c, _ = _weighted_means(weighted_points, weights, labels, c)
        move = np.sqrt(((new_c - c) ** 2).sum(axis=1))
        c = new_c
        if move.max() <= tol or n_iter == max_iter:
            break
        upper += move[labels]
        # Hamerly: the second-nearest distance shrinks at most by the largest move of another
        # centre (the own centre's move is already in the upper bound).
        biggest = int(move.argmax())
        runner_up = np.partition(move, -2)[-2] if move.size > 1 else 0.0
        lower -= np.where(labels == biggest, runner_up, move[biggest])
        half_gap = _half_gaps(c)
        bound = np.maximum(half_gap[labels], lower)
        todo = np.flatnonzero(upper > bound)
        if todo.size:
            upper[todo] = np.sqrt(((points[todo] - c[labels[todo]]) ** 2).sum(axis=1))
            todo = todo[upper[todo] > bound[todo]]
        if todo.size:
            lab, near, second = _nearest_two(points[todo], c)
            labels[todo] = lab
            upper[todo] = near
            lower[todo] = second
    return _finish(points, weights, labels, c, n_iter)


def _half_gaps(centres: np.ndarray) -> np.ndarray:
    """Half the distance from each centre to its nearest other centre."""
    if centres.shape[0] < 2:
        return np.full(centres.shape[0], np.inf)
    gaps = np.sqrt(_sq_dists(centres, centres))
    np.fill_diagonal(gaps, np.inf)
    return 0.5 * gaps.min(axis=1)


def _finish(points, weights, labels, centres, n_iter) -> KMeansFit:
    total = np.bincount(labels, weights=weights, minlength=centres.shape[0])
    keep = total > 0
    if not keep.all():
        new_index = np.cumsum(keep) - 1
        labels = new_index[labels].astype(np.int32)
        centres, total = centres[keep], total[keep]
    resid = points - centres[labels]
    inertia = float((weights * (resid**2).sum(axis=1)).sum())
    return KMeansFit(centres, labels.astype(np.int32, copy=False), total, inertia, n_iter)


def kmeans_plus_plus(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    rng: np.random.Generator,
    existing: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted k-means++ seeding (D^2 sampling), continuing from ``existing`` centres if given.

    Stops early when every point already sits on a centre (fewer distinct points than k).
    """
    n = points.shape[0]
    centres: list[np.ndarray] = []
    if existing is not None and len(existing):
        centres = list(np.asarray(existing, dtype=np.float64)[:k])
        d2 = _sq_dists(points, np.asarray(centres)).min(axis=1)
    else:
        if n == 0 or k == 0:
            return np.zeros((0, points.shape[1]))
        first = _draw(np.cumsum(weights), rng)
        centres = [points[first]]
        d2 = _sq_dists(points, points[first : first + 1])[:, 0]
    while len(centres) < k:
        cumulative = np.cumsum(weights * d2)
        if cumulative[-1] <= 0:
            break
        i = _draw(cumulative, rng)
        centres.append(points[i])
        np.minimum(d2, _sq_dists(points, points[i : i + 1])[:, 0], out=d2)
    return np.asarray(centres, dtype=np.float64)


def _draw(cumulative: np.ndarray, rng: np.random.Generator) -> int:
    i = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return min(i, cumulative.size - 1)


def distinct_points(points: np.ndarray) -> KMeansFit:
    """Every distinct point as its own cluster (exact base clusters when n <= base_k).

    Clusters are numbered in order of first appearance, not sorted by coordinates, so that
    mirroring the map (flipping every vote) mirrors every later stage too.
    """
    uniques, first, inverse, counts = np.unique(
        points, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    labels = rank[inverse.reshape(-1)].astype(np.int32)
    return KMeansFit(uniques[order], labels, counts[order].astype(float), 0.0, 0)


def base_clusters(
    points: np.ndarray,
    *,
    k: int = 100,
    previous: np.ndarray | None = None,
    seed: int = 0,
    max_iter: int = 100,
    tol: float = 0.01,
    fit_size: int = 20_000,
) -> KMeansFit:
    """Up to ``k`` base clusters of the participants' projections.

    Warm start: the previous update's centres, topped up by k-means++ when there is room for
    more. Cold start: seeded k-means++ (Pol.is takes the first k distinct points, which depends
    on participant order and seeds poorly). Above ``fit_size`` participants the centres are
    fitted on a seeded sample of that size, then every participant joins its nearest centre and
    the centres become the means of their members: 100 centres summarise 2-D points as well
    from 20,000 of them (inertia within 2 % on planted data), and the cost stops growing with
    the conversation.
    """
    n = points.shape[0]
    if n == 0:
        return KMeansFit(np.zeros((0, 2)), np.zeros(0, dtype=np.int32), np.zeros(0), 0.0, 0)
    if n <= k:
        return distinct_points(points)
    rng = np.random.default_rng([seed, 1])
    sample = points
    if n > fit_size:
        sample = points[np.sort(rng.choice(n, size=fit_size, replace=False))]
    start = None if previous is None or len(previous) == 0 else previous
    init = kmeans_plus_plus(sample, np.ones(sample.shape[0]), k, rng, existing=start)
    fit = lloyd(sample, np.ones(sample.shape[0]), init, max_iter=max_iter, tol=tol)
    if sample is points:
        return fit
    weights = np.ones(n)
    labels, _, _ = _nearest_two(points, fit.centres)
    centres, _ = _weighted_means(points, weights, labels, fit.centres)
    return _finish(points, weights, labels, centres, fit.n_iter)


def silhouette(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, n_labels: int) -> float:
    """Weighted silhouette of a clustering of weighted points.

    Equals the ordinary silhouette of the expanded data in which point i is repeated weights[i]
    times: a participant's own base cluster contributes weights[i] - 1 neighbours at distance 0.
    With unit weights this is the plain (Pol.is) silhouette, 0 for singletons.
    """
    nb = points.shape[0]
    if n_labels < 2 or nb < 2:
        return -1.0
    dist = np.sqrt(_sq_dists(points, points))
    member = np.zeros((nb, n_labels))
    member[np.arange(nb), labels] = weights
    sums = dist @ member  # sums[i, g] = sum of w_j d_ij over j in g
    size = member.sum(axis=0)
    rows = np.arange(nb)
    own_w = size[labels] - 1.0
    a = np.divide(sums[rows, labels], own_w, out=np.zeros(nb), where=own_w > 0)
    mean_other = np.divide(sums, size, out=np.full_like(sums, np.inf), where=size > 0)
    mean_other[rows, labels] = np.inf
    b = mean_other.min(axis=1)
    denom = np.maximum(a, b)
    s = np.divide(b - a, denom, out=np.zeros(nb), where=(own_w > 0) & (denom > 0) & np.isfinite(b))
    return float((weights * s).sum() / weights.sum())


def max_group_count(n_base: int, max_k: int) -> int:
    """Pol.is ``max-k-fn``: min(max_k, 2 + n_base // 12), and never more than the points."""
    return min(max_k, 2 + n_base // 12, n_base)


def fit_groups(
    base: KMeansFit,
    k: int,
    *,
    warm: np.ndarray | None = None,
    seed: int = 0,
    n_init: int = 10,
    max_iter: int = 100,
    margin: float = 0.05,
    init: str = "kmeans++",
) -> KMeansFit | None:
    """Weighted k-means of the base centres into k groups; None if k groups cannot be formed.

    Runs ``n_init`` seeded k-means++ starts and keeps the lowest inertia. A warm start (the
    previous update's centres for this k) is kept unless a fresh start beats it by more than
    ``margin`` (relative inertia): a live map should only jump for a clearly better grouping.
    ``init="first-distinct"`` instead makes one start from the first k distinct centres in
    coordinate order: red-dwarf's ``PolisKMeans(init="polis")``, kept for parity checks.
    """
    points, weights = base.centres, base.weights
    if points.shape[0] < k:
        return None
    best: KMeansFit | None = None
    if init == "first-distinct":
        distinct = np.unique(points, axis=0)
        if distinct.shape[0] >= k:
            fit = lloyd(points, weights, distinct[:k], max_iter=max_iter, tol=0.0)
            best = fit if fit.k == k else None
        n_init = 0
    rng = np.random.default_rng([seed, 2, k])
    for _ in range(n_init):
        start = kmeans_plus_plus(points, weights, k, rng)
        if start.shape[0] < k:
            break
        fit = lloyd(points, weights, start, max_iter=max_iter, tol=0.0)
        if fit.k == k and (best is None or fit.inertia < best.inertia):
            best = fit
    if warm is not None and len(warm) == k:
        fit = lloyd(points, weights, warm, max_iter=max_iter, tol=0.0)
        if fit.k == k and (best is None or fit.inertia <= best.inertia * (1.0 + margin)):
            best = fit
    return best


@dataclass(frozen=True)
class KSmoother:
    """Pol.is ``group-k-smoother``: a new best k is adopted after ``buffer`` wins in a row."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def update(self, best_k: int, buffer: int) -> KSmoother:
        count = self.last_k_count + 1 if self.last_k == best_k else 1
        adopt = count >= buffer or self.smoothed_k is None
        smoothed = best_k if adopt else self.smoothed_k
        return KSmoother(best_k, count, smoothed)


@dataclass(frozen=True, eq=False)
class GroupChoice:
    """The groups chosen for this update, every candidate k's fit and silhouette."""

    k: int
    fits: dict[int, KMeansFit] = field(default_factory=dict)
    silhouettes: dict[int, float] = field(default_factory=dict)
    smoother: KSmoother = KSmoother()


def choose_groups(
    base: KMeansFit,
    *,
    max_k: int,
    previous: Mapping[int, np.ndarray] | None = None,
    smoother: KSmoother | None = None,
    force_k: int | None = None,
    seed: int = 0,
    n_init: int = 10,
    max_iter: int = 100,
    margin: float = 0.05,
    k_buffer: int = 4,
    weighted_silhouette: bool = True,
    init: str = "kmeans++",
) -> GroupChoice:
    """Fit k = 2..max_k groups on the base centres, score them, smooth k."""
    previous = previous or {}
    smoother = smoother or KSmoother()
    top = max_group_count(base.k, max_k)
    ks = [force_k] if force_k is not None else list(range(2, top + 1))
    fits: dict[int, KMeansFit] = {}
    scores: dict[int, float] = {}
    unit = np.ones(base.k)
    for k in ks:
        fit = fit_groups(
            base,
            k,
            warm=previous.get(k),
            seed=seed,
            n_init=n_init,
            max_iter=max_iter,
            margin=margin,
            init=init,
        )
        if fit is None:
            continue
        fits[k] = fit
        scores[k] = silhouette(
            base.centres, base.weights if weighted_silhouette else unit, fit.labels, k
        )
    if not fits:
        return GroupChoice(0, fits, scores, smoother)
    if force_k is not None:
        return GroupChoice(force_k, fits, scores, smoother)
    best_k = max(scores, key=lambda k: (scores[k], -k))  # ties: fewer groups
    smoother = smoother.update(best_k, k_buffer)
    chosen = smoother.smoothed_k if smoother.smoothed_k in fits else best_k
    return GroupChoice(int(chosen), fits, scores, smoother)


def stable_group_ids(fit: KMeansFit, previous: np.ndarray | None) -> np.ndarray:
    """Output id of each fitted group, so ids persist across updates.

    With previous centres, groups are matched to them by minimum total centre distance and
    keep the previous order; otherwise groups are numbered by size (largest first).
    """
    k = fit.k
    by_size = np.lexsort((fit.centres[:, 1], fit.centres[:, 0], -fit.weights))
    if previous is None or len(previous) == 0:
        order = by_size
    else:
        from scipy.optimize import linear_sum_assignment  # only needed for warm updates

        cost = np.sqrt(_sq_dists(fit.centres, np.asarray(previous, dtype=float)))
        rows, cols = linear_sum_assignment(cost)
        matched = np.full(k, np.inf)
        matched[rows] = cols
        rank_of_size = np.empty(k)
        rank_of_size[by_size] = np.arange(k)
        order = np.lexsort((rank_of_size, matched))
    ids = np.empty(k, dtype=np.int32)
    ids[order] = np.arange(k, dtype=np.int32)
    return ids
