"""PCA stage: imputation, components, sparsity-aware projection, extremity, orientation."""

import numpy as np
import pytest

from coproduce.conversations.opinion import VoteMatrix
from coproduce.conversations.opinion.pca import (
    centred_values,
    column_means,
    extremity,
    fit_pca,
    project_participants,
    project_statements,
)

NAN = np.nan


def _dense_reference(dense: np.ndarray):
    """Textbook PCA of the column-mean-imputed matrix (dense SVD)."""
    mean = np.nanmean(dense, axis=0)
    imputed = np.where(np.isnan(dense), mean, dense)
    centred = imputed - mean
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return mean, centred, vt[:2]


def _same_up_to_sign(a: np.ndarray, b: np.ndarray) -> bool:
    return all(
        np.allclose(x, y, atol=1e-9) or np.allclose(x, -y, atol=1e-9)
        for x, y in zip(a, b, strict=True)
    )


def test_hand_checked_three_by_three():
    dense = np.array([[1, -1, NAN], [1, NAN, 1], [-1, 1, 0]], dtype=float)
    m = VoteMatrix.from_dense(dense)
    mean = column_means(m)
    np.testing.assert_allclose(mean, [1 / 3, 0.0, 0.5])
    # Imputed cells centre to exactly 0, so only the voted cells are stored.
    np.testing.assert_allclose(centred_values(m, mean), [2 / 3, -1, 2 / 3, 0.5, -4 / 3, 1, -0.5])

    fit = fit_pca(m)
    _, centred, components = _dense_reference(dense)
    assert _same_up_to_sign(fit.components, components)
    # p_i = (x_i - mu) . pc * sqrt(n_statements / n_votes_i); votes per row: 2, 2, 3.
    expected = (centred @ fit.components.T) * np.sqrt(3 / np.array([2, 2, 3]))[:, None]
    np.testing.assert_allclose(project_participants(m, fit), expected, atol=1e-12)
    # A statement is a virtual participant who agreed with it only: (1 - mu_j) pc_j sqrt(3).
    coords = project_statements(fit)
    np.testing.assert_allclose(coords, ((1 - mean) * fit.components).T * np.sqrt(3), atol=1e-12)
    np.testing.assert_allclose(extremity(coords), np.hypot(coords[:, 0], coords[:, 1]))


@pytest.mark.parametrize(("n", "m", "density"), [(40, 12, 0.6), (300, 80, 0.2), (25, 200, 0.3)])
def test_components_match_dense_svd(n, m, density):
    rng = np.random.default_rng(n + m)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(n, m))
    dense[rng.random((n, m)) > density] = NAN
    dense[:, (dense == dense).sum(axis=0) == 0] = 1.0  # every statement has a vote
    fit = fit_pca(VoteMatrix.from_dense(dense))
    _, _, components = _dense_reference(dense)
    assert _same_up_to_sign(fit.components, components)


def test_orientation_cold_and_warm():
    rng = np.random.default_rng(1)
    dense = rng.choice([-1.0, 1.0, NAN], size=(60, 20))
    m = VoteMatrix.from_dense(dense)
    cold = fit_pca(m)
    for row in cold.components:
        assert row[np.argmax(np.abs(row))] > 0  # largest loading positive
    flipped_start = -cold.components
    warm = fit_pca(m, start=flipped_start)
    np.testing.assert_allclose(warm.components, -cold.components, atol=1e-9)


def test_moderated_columns_can_be_counted_as_polis_zeroes():
    dense = np.array([[1, -1, NAN], [1, NAN, 1], [-1, 1, 0]], dtype=float)
    m = VoteMatrix.from_dense(dense)
    fit = fit_pca(m)
    # Pol.is keeps a moderated column as all-pass: M grows by one and so does every n_i.
    polis = project_participants(m, fit, n_statements=4, extra_votes=1)
    plain = project_participants(m, fit)
    ratio = np.sqrt(4 / np.array([3, 3, 4])) / np.sqrt(3 / np.array([2, 2, 3]))
    np.testing.assert_allclose(polis, plain * ratio[:, None])


def test_no_variation_gives_zero_components():
    m = VoteMatrix.from_dense(np.ones((5, 4)))
    fit = fit_pca(m)
    assert not fit.components.any()
    assert not project_participants(m, fit).any()


def test_projection_equals_the_scikit_learn_route_red_dwarf_takes():
    """Mean imputation + PCA + sparsity scaling, as red-dwarf builds it from scikit-learn."""
    from sklearn.decomposition import PCA
    from sklearn.impute import SimpleImputer

    rng = np.random.default_rng(7)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(120, 40))
    dense[rng.random((120, 40)) > 0.4] = NAN
    dense[0] = 1.0  # every statement has a vote
    m = VoteMatrix.from_dense(dense)
    ours = project_participants(m, fit_pca(m))
    imputed = SimpleImputer(strategy="mean").fit_transform(dense)
    reference = PCA(n_components=2, svd_solver="full").fit_transform(imputed)
    reference *= np.sqrt(40 / (~np.isnan(dense)).sum(axis=1))[:, None]
    for axis in range(2):
        sign = np.sign(ours[:, axis] @ reference[:, axis])
        np.testing.assert_allclose(ours[:, axis], sign * reference[:, axis], atol=1e-9)
