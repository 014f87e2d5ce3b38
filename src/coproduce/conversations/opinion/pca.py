"""PCA of the imputed vote matrix and the sparsity-aware projection (Pol.is ``pca.clj``).

Column-mean imputation replaces every missing vote by its statement's mean vote. After centring
on those same means, every imputed cell is exactly 0, so the centred matrix keeps the sparsity
pattern of the votes: we never build the dense n x m matrix. The top eigenvectors of
``Xc^T Xc`` are found with ARPACK (Lanczos) through ``Xc^T (Xc v)`` products, which is exact to
``tol`` (Pol.is itself runs up to 100 power iterations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from .matrix import VoteMatrix

# Below this many rows or columns, a dense Gram matrix is cheaper than Lanczos (and ARPACK
# needs k < ncv <= dimension anyway).
_DENSE_DIMENSION = 32
# Eigenvalues this small relative to the first carry no information: their components are 0.
_NULL_RATIO = 1e-10
_LANCZOS_VECTORS = 12
# When two eigenvalues are this close, their components may swap between updates.
_SWAP_RATIO = 0.9


@dataclass(frozen=True, eq=False)
class PCAFit:
    """Centre (column means), principal components and eigenvalues of ``Xc^T Xc``."""

    center: np.ndarray  # (m,)
    components: np.ndarray  # (n_components, m), orthonormal rows (or zero rows)
    eigenvalues: np.ndarray  # (n_components,), descending

    @property
    def explained_variance(self) -> np.ndarray:
        return self.eigenvalues


def column_means(matrix: VoteMatrix) -> np.ndarray:
    """Mean vote of each statement over the participants who voted on it (0 when nobody did)."""
    m = matrix.n_statements
    counts = np.bincount(matrix.indices, minlength=m)
    sums = np.bincount(matrix.indices, weights=matrix.values, minlength=m)
    return np.divide(sums, counts, out=np.zeros(m), where=counts > 0)


def centred_values(matrix: VoteMatrix, center: np.ndarray) -> np.ndarray:
    """Stored values of the centred matrix; imputed cells are 0 and stay implicit."""
    data = matrix.values.astype(np.float64)
    data -= center[matrix.indices]
    return data


def fit_pca(
    matrix: VoteMatrix,
    *,
    n_components: int = 2,
    start: np.ndarray | None = None,
    seed: int = 0,
    tol: float = 1e-10,
) -> PCAFit:
    """Principal components of the column-mean-imputed vote matrix.

    ``start`` (n_components x m, e.g. the previous update's components mapped onto the current
    statements) seeds the Lanczos start vector and fixes the orientation of the result, so a
    live map does not flip or swap its axes between updates. Without it, each component is
    oriented so that its largest entry is positive.
    """
    center = column_means(matrix)
    xc = matrix.csr(centred_values(matrix, center))
    return fit_centred(xc, center, n_components=n_components, start=start, seed=seed, tol=tol)


def fit_centred(
    xc, center: np.ndarray, *, n_components: int = 2, start=None, seed: int = 0, tol: float = 1e-10
) -> PCAFit:
    """:func:`fit_pca` on an already centred sparse matrix (imputed cells implicit zeros)."""
    values, vectors = _top_eigenvectors(xc, n_components, start, seed, tol)
    null = values <= _NULL_RATIO * max(float(values[0]) if values.size else 0.0, 1e-300)
    vectors[null] = 0.0
    values = np.where(null, 0.0, values)
    values, vectors = _orient(values, vectors, start)
    return PCAFit(center, vectors, values)


def _top_eigenvectors(xc, k: int, start, seed: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    n, m = xc.shape
    if m == 0:
        return np.zeros(k), np.zeros((k, 0))
    if min(n, m) <= _DENSE_DIMENSION or m <= k + 1:
        return _dense_eigenvectors(xc, k)
    xt = xc.T

    def gram(v: np.ndarray) -> np.ndarray:
        return xt @ (xc @ v)

    op = LinearOperator((m, m), matvec=gram, matmat=gram, dtype=np.float64)
    v0 = None
    if start is not None and np.any(start):
        v0 = start.sum(axis=0) + 1e-3 * np.random.default_rng(seed).standard_normal(m)
    else:
        v0 = np.random.default_rng(seed).standard_normal(m)
    try:
        # 12 Lanczos vectors: well-separated top eigenvalues (the usual case) converge after
        # one cycle of 12 products instead of ARPACK's default 20; flat spectra restart.
        values, vecs = eigsh(op, k=k, which="LA", v0=v0, tol=tol, ncv=min(m, _LANCZOS_VECTORS))
    except ArpackNoConvergence:
        # A wider Krylov space converges on flat spectra; this path is rare.
        values, vecs = eigsh(
            op, k=k, which="LA", v0=v0, tol=tol, ncv=min(m, 4 * k + 32), maxiter=50 * m
        )
    order = np.argsort(values)[::-1]
    return np.maximum(values[order], 0.0), vecs[:, order].T.copy()


def _dense_eigenvectors(xc, k: int) -> tuple[np.ndarray, np.ndarray]:
    n, m = xc.shape
    if m <= n or m <= k + 1:
        gram = (xc.T @ xc).toarray()
        values, vecs = np.linalg.eigh(gram)
        vecs = vecs.T
    else:
        # Few participants, many statements: diagonalise the n x n Gram and map back.
        gram = (xc @ xc.T).toarray()
        values, left = np.linalg.eigh(gram)
        vecs = (xc.T @ left).T
        norms = np.linalg.norm(vecs, axis=1)
        vecs = np.divide(vecs, norms[:, None], out=np.zeros_like(vecs), where=norms[:, None] > 0)
    order = np.argsort(values)[::-1][:k]
    out_values = np.zeros(k)
    out_vecs = np.zeros((k, m))
    out_values[: order.size] = np.maximum(values[order], 0.0)
    out_vecs[: order.size] = vecs[order]
    return out_values, out_vecs


def _orient(values: np.ndarray, vectors: np.ndarray, start: np.ndarray | None):
    """Fix the arbitrary sign (and near-degenerate order) of eigenvectors."""
    if start is None or not np.any(start):
        for row in vectors:
            if row.size and row[np.argmax(np.abs(row))] < 0:
                row *= -1.0
        return values, vectors
    if vectors.shape[0] >= 2 and values[0] > 0 and values[1] >= _SWAP_RATIO * values[0]:
        overlap = np.abs(vectors[:2] @ start[:2].T)
        if overlap[0, 1] + overlap[1, 0] > overlap[0, 0] + overlap[1, 1]:
            vectors[[0, 1]] = vectors[[1, 0]]
            values[[0, 1]] = values[[1, 0]]
    for row, previous in zip(vectors, start, strict=False):
        if float(row @ previous) < 0:
            row *= -1.0
    return values, vectors


def project_participants(
    matrix: VoteMatrix,
    fit: PCAFit,
    *,
    n_statements: int | None = None,
    extra_votes: int = 0,
    centred=None,
) -> np.ndarray:
    """Sparsity-aware projection: p_i = (sum over voted j of (x_ij - mu_j) pc[j]) * sqrt(M / n_i).

    ``M`` is the number of statements (``n_statements``, default the matrix's) and ``n_i`` the
    participant's vote count plus ``extra_votes`` (Pol.is counts its zeroed moderated columns as
    votes). The scaling keeps participants who voted on little from clumping at the origin.
    """
    total = matrix.n_statements if n_statements is None else n_statements
    xc = matrix.csr(centred_values(matrix, fit.center)) if centred is None else centred
    raw = np.asarray(xc @ fit.components.T)
    n_votes = matrix.votes_per_participant() + extra_votes
    scale = np.sqrt(total / np.maximum(n_votes, 1))
    return raw * scale[:, None]


def project_statements(fit: PCAFit, *, n_statements: int | None = None) -> np.ndarray:
    """Each statement as a virtual participant who agreed with it and voted on nothing else."""
    total = fit.center.size if n_statements is None else n_statements
    return ((1.0 - fit.center) * fit.components).T * np.sqrt(total)


def extremity(statement_coords: np.ndarray) -> np.ndarray:
    """Distance of each statement's virtual participant from the origin."""
    return np.linalg.norm(statement_coords, axis=1)
