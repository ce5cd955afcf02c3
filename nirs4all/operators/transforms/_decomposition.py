"""PCA and SVD projections whose size is a number of components or a share of variance."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from sklearn.decomposition import PCA, TruncatedSVD

from nirs4all.operators.transforms._transformer import SpectralTransformer, check_choice

__all__ = ["FlexiblePCA", "FlexibleSVD"]

PCA_SOLVERS = ("auto", "full", "covariance_eigh", "arpack", "randomized")
SVD_ALGORITHMS = ("randomized", "arpack")


def _components(estimator: SpectralTransformer, X: np.ndarray, limit: int) -> int | float:
    """Validate ``n_components``: a fraction in (0, 1), or an int capped at ``limit``."""
    value = estimator.n_components
    name = type(estimator).__name__
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 1:
            raise ValueError(f"{name}: n_components must be >= 1 or in (0, 1); got {value}")
        return min(int(value), limit)
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and 0 < value < 1:
        return float(value)
    raise ValueError(
        f"{name}: n_components must be an int >= 1 or a share of variance in (0, 1); got {value!r}"
    )


def _index_axis(size: int) -> np.ndarray:
    axis = np.arange(size, dtype=np.float64)
    axis.flags.writeable = False
    return axis


class FlexiblePCA(SpectralTransformer):
    """Principal component scores, with as many components as asked or as explain a share.

    ``T = (X - mean) V_k`` (optionally divided by the singular values, ``whiten``), with
    ``V_k`` the first ``k`` principal axes of the training spectra (Pearson 1901; Hotelling
    1933), as computed by :class:`sklearn.decomposition.PCA`. A float ``n_components`` in
    (0, 1) takes the smallest ``k`` whose components explain at least that share of the
    variance; an int above ``min(n_samples, n_features)`` is capped there. The output
    columns are components: ``wavelengths_out_`` is their index ``0 .. k-1``.

    Parameters
    ----------
    n_components : int or float, default=0.95
    whiten : bool, default=False
    svd_solver : {"auto", "full", "covariance_eigh", "arpack", "randomized"}, default="auto"
    random_state : int, optional
        Seed of the randomized solver.

    Attributes
    ----------
    pca_ : sklearn.decomposition.PCA
        The fitted decomposition (``components_``, ``explained_variance_ratio_`` ...).
    n_components_ : int
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray of shape (n_components_,)

    References
    ----------
    Hotelling, H. (1933). Analysis of a complex of statistical variables into principal
    components. Journal of Educational Psychology 24, 417-441.
    """

    def __init__(
        self,
        n_components: int | float = 0.95,
        whiten: bool = False,
        svd_solver: str = "auto",
        random_state: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.random_state = random_state

    def _check_params(self) -> None:
        check_choice(self, "svd_solver", PCA_SOLVERS)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self._fit_transform(X, y)

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        n_components = _components(self, X, min(X.shape))
        if self.svd_solver == "arpack" and isinstance(n_components, int):
            n_components = min(n_components, min(X.shape) - 1)
        self.pca_ = PCA(
            n_components,
            whiten=self.whiten,
            svd_solver=self.svd_solver,
            random_state=self.random_state,
        )
        scores = self.pca_.fit_transform(X)
        self.n_components_ = int(self.pca_.n_components_)
        self.wavelengths_out_ = _index_axis(self.n_components_)
        return scores.astype(X.dtype, copy=False)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return self.pca_.transform(X).astype(X.dtype, copy=False)


class FlexibleSVD(SpectralTransformer):
    """Truncated SVD projection (no centring), sized by components or by explained share.

    ``T = X V_k`` with ``V_k`` the first ``k`` right singular vectors of the training
    spectra (latent semantic analysis; Halko, Martinsson & Tropp 2011 for the randomized
    algorithm). An int ``n_components`` fits :class:`sklearn.decomposition.TruncatedSVD`
    (capped at ``n_features - 1``). A float in (0, 1) computes the exact SVD and keeps the
    smallest ``k`` whose scores explain at least that share of the total variance of
    ``X`` (variance of each score column over total column variance, as TruncatedSVD's
    ``explained_variance_ratio_``); signs follow scikit-learn (largest loading positive).

    Parameters
    ----------
    n_components : int or float, default=0.95
    algorithm : {"randomized", "arpack"}, default="randomized"
        Solver for an int ``n_components``.
    n_iter : int, default=5
        Power iterations of the randomized solver.
    random_state : int, optional

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features_in_)
    explained_variance_ratio_ : ndarray of shape (n_components_,)
    n_components_ : int
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray of shape (n_components_,)

    References
    ----------
    Halko, N., Martinsson, P. G. & Tropp, J. A. (2011). Finding structure with randomness:
    probabilistic algorithms for constructing approximate matrix decompositions. SIAM
    Review 53(2), 217-288.
    """

    def __init__(
        self,
        n_components: int | float = 0.95,
        algorithm: str = "randomized",
        n_iter: int = 5,
        random_state: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.random_state = random_state

    def _check_params(self) -> None:
        check_choice(self, "algorithm", SVD_ALGORITHMS)

    def _min_features(self) -> int:
        return 2 if isinstance(self.n_components, numbers.Integral) else 1

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_components = _components(self, X, max(1, X.shape[1] - 1))
        data = X.astype(np.float64, copy=False)
        if isinstance(n_components, int):
            svd = TruncatedSVD(
                n_components,
                algorithm=self.algorithm,
                n_iter=self.n_iter,
                random_state=self.random_state,
            ).fit(data)
            components, ratio = svd.components_, svd.explained_variance_ratio_
        else:
            components, ratio = self._exact(data, n_components)
        self.components_ = components
        self.explained_variance_ratio_ = ratio
        self.n_components_ = components.shape[0]
        self.wavelengths_out_ = _index_axis(self.n_components_)

    @staticmethod
    def _exact(X: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
        right = np.linalg.svd(X, full_matrices=False)[2]
        total = X.var(axis=0).sum()
        ratio = (X @ right.T).var(axis=0) / (total if total > 0 else 1.0)
        k = min(int(np.searchsorted(np.cumsum(ratio), share * ratio.sum())) + 1, ratio.size)
        kept = right[:k]
        signs = np.sign(kept[np.arange(k), np.argmax(np.abs(kept), axis=1)])
        return kept * np.where(signs == 0, 1.0, signs)[:, None], ratio[:k]

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X @ self.components_.T.astype(X.dtype)
