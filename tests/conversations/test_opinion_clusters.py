"""Clustering stage: Lloyd with bounds, base clusters, silhouette, k smoothing, stable ids."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import silhouette_score

from coproduce.conversations.opinion.clusters import (
    KMeansFit,
    KSmoother,
    base_clusters,
    choose_groups,
    lloyd,
    max_group_count,
    silhouette,
    stable_group_ids,
)


def _naive_lloyd(points, weights, centres, max_iter, tol):
    c = centres.copy()
    for _ in range(max_iter):
        d = ((points[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = d.argmin(axis=1)
        new = c.copy()
        for j in range(len(c)):
            w = weights[labels == j]
            if w.sum() > 0:
                new[j] = (points[labels == j] * w[:, None]).sum(axis=0) / w.sum()
        move = np.sqrt(((new - c) ** 2).sum(axis=1)).max()
        c = new
        if move <= tol:
            break
    return labels, c


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 12), st.sampled_from([0.0, 0.01]))
def test_bounded_lloyd_equals_plain_lloyd(seed, k, tol):
    """Hamerly's bounds only skip work: labels and centres are those of plain Lloyd."""
    rng = np.random.default_rng(seed)
    points = np.concatenate(
        [rng.normal(c, 0.7, size=(40, 2)) for c in rng.normal(0, 4, size=(4, 2))]
    )
    weights = rng.integers(1, 4, size=len(points)).astype(float)
    init = points[rng.choice(len(points), size=k, replace=False)]
    fit = lloyd(points, weights, init, max_iter=50, tol=tol)
    labels, centres = _naive_lloyd(points, weights, init, 50, tol)
    keep = np.unique(labels)
    np.testing.assert_allclose(fit.centres, centres[keep], atol=1e-9)
    assert np.array_equal(fit.labels, np.searchsorted(keep, labels))


def test_weighted_silhouette_equals_silhouette_of_expanded_points():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(12, 2)) + np.repeat([[0, 0], [5, 0], [0, 5]], 4, axis=0)
    weights = rng.integers(1, 5, size=12).astype(float)
    labels = np.repeat([0, 1, 2], 4)
    expanded = np.repeat(points, weights.astype(int), axis=0)
    expanded_labels = np.repeat(labels, weights.astype(int))
    assert np.isclose(
        silhouette(points, weights, labels, 3), silhouette_score(expanded, expanded_labels)
    )
    # Unit weights: the ordinary silhouette (Pol.is's, on base centres).
    assert np.isclose(silhouette(points, np.ones(12), labels, 3), silhouette_score(points, labels))


def test_base_clusters_are_the_distinct_points_when_few():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 0.0]])
    fit = base_clusters(points, k=100)
    assert fit.k == 3
    assert fit.weights.tolist() == [2.0, 1.0, 1.0]  # in order of first appearance
    np.testing.assert_array_equal(fit.centres[fit.labels], points)


def test_base_clusters_cap_and_determinism():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(3000, 2))
    a = base_clusters(points, k=100, seed=4, fit_size=1000)
    b = base_clusters(points, k=100, seed=4, fit_size=1000)
    assert a.k <= 100
    assert a.weights.sum() == 3000
    np.testing.assert_array_equal(a.centres, b.centres)
    # Each centre is the mean of its members.
    for j in range(a.k):
        np.testing.assert_allclose(a.centres[j], points[a.labels == j].mean(axis=0))


def test_max_group_count_follows_polis():
    assert max_group_count(23, 5) == 3  # 2 + 23 // 12
    assert max_group_count(100, 5) == 5
    assert max_group_count(2, 5) == 2


def test_k_smoother_needs_four_wins_in_a_row():
    s = KSmoother().update(3, 4)
    assert s.smoothed_k == 3  # first update adopts at once
    for _ in range(3):
        s = s.update(2, 4)
        assert s.smoothed_k == 3
    s = s.update(2, 4)
    assert s.smoothed_k == 2
    s = s.update(4, 4).update(2, 4)  # a single different win resets the count
    assert (s.last_k, s.last_k_count, s.smoothed_k) == (2, 1, 2)


def test_choose_groups_finds_three_blobs_and_forces_k():
    rng = np.random.default_rng(2)
    centres = np.concatenate([rng.normal(c, 0.2, size=(30, 2)) for c in ([0, 0], [6, 0], [0, 6])])
    base = KMeansFit(
        centres, np.arange(90, dtype=np.int32), rng.integers(1, 9, 90).astype(float), 0.0
    )
    choice = choose_groups(base, max_k=5)
    assert choice.k == 3
    assert set(choice.silhouettes) == {2, 3, 4, 5}
    assert choose_groups(base, max_k=5, force_k=2).k == 2


def test_stable_group_ids_keep_previous_order():
    fit = KMeansFit(
        np.array([[5.0, 0.0], [0.0, 0.0]]),
        np.array([0, 1], dtype=np.int32),
        np.array([1.0, 3.0]),
        0.0,
    )
    assert stable_group_ids(fit, None).tolist() == [1, 0]  # cold: largest first
    previous = np.array([[5.2, 0.1], [0.1, 0.0]])
    assert stable_group_ids(fit, previous).tolist() == [0, 1]


def test_tree_assignment_path_equals_plain_lloyd():
    """Above 2,048 points and 16 centres the nearest centre comes from a k-d tree."""
    rng = np.random.default_rng(11)
    points = rng.normal(size=(2500, 2)) * 3
    init = points[:20].copy()
    fit = lloyd(points, np.ones(2500), init, max_iter=30, tol=0.01)
    labels, centres = _naive_lloyd(points, np.ones(2500), init, 30, 0.01)
    np.testing.assert_allclose(fit.centres, centres, atol=1e-9)
    assert np.array_equal(fit.labels, labels)
