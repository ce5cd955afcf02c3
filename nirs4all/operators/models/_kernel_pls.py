"""Nonlinear kernel PLS regression (Rosipal & Trejo 2001), and the kernels it shares.

The spectra are mapped implicitly to a feature space through a kernel ``k(x, z)``; PLS is
run on the centred Gram matrix ``K`` instead of X. Nothing is computed per wavelength:
weights, loadings, ``coef_``, VIP and the selectivity ratio live in the feature space,
which the rbf and polynomial kernels never form, so this module has no
``PLSDiagnosticsMixin``. The linear kernel ``k(x, z) = x'z`` gives exactly linear PLS.

References
----------
Rosipal, R. & Trejo, L. J. (2001). Kernel partial least squares regression in reproducing
kernel Hilbert space. Journal of Machine Learning Research 2, 97-123.
Scholkopf, B., Smola, A. & Muller, K.-R. (1998). Nonlinear component analysis as a kernel
eigenvalue problem. Neural Computation 10, 1299-1319 (centring in feature space).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import pinv
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, TransformerMixin
from sklearn.metrics.pairwise import pairwise_kernels
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.models._latent import LatentVariableModel
from nirs4all.operators.models._preprocessing import shaped_prediction, validate_regression_data
from nirs4all.operators.transforms._transformer import check_choice, check_int

__all__ = ["KERNELS", "KernelPLS"]

KERNELS = ("rbf", "polynomial", "linear")
_EPS = np.finfo(np.float64).eps


class KernelModelMixin:
    """Kernel parameters, the centred training Gram matrix and centred test kernels (private).

    Fitted state: ``X_fit_`` (the training spectra, needed for every new kernel row),
    ``kernel_column_means_`` and ``kernel_mean_`` (centring in feature space, Scholkopf et
    al. 1998: ``Kc = K - 1K/n - K1/n + 1K1/n²``, and the same with the training means for
    test rows).
    """

    kernel: str
    gamma: float | None
    degree: int
    coef0: float

    def _gamma(self, X: NDArray[np.float64]) -> float:
        return 1.0 / X.shape[1] if self.gamma is None else float(self.gamma)

    def _kernel(self, X: NDArray[np.float64], Z: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.kernel == "linear":
            return X @ Z.T
        gamma = self._gamma(X)
        if self.kernel == "rbf":
            return pairwise_kernels(X, Z, metric="rbf", gamma=gamma)
        return pairwise_kernels(
            X, Z, metric="polynomial", gamma=gamma, degree=self.degree, coef0=self.coef0
        )

    def _check_kernel_params(self) -> None:
        check_choice(self, "kernel", KERNELS)
        gamma = self.gamma
        if gamma is not None and (
            isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or not 0 < gamma < np.inf
        ):
            raise ValueError(
                f"{type(self).__name__}: gamma must be a positive number or None "
                f"(1 / n_features); got {gamma!r}"
            )
        check_int(self, "degree", 1)
        coef0 = self.coef0
        if isinstance(coef0, bool) or not isinstance(coef0, numbers.Real) or not np.isfinite(coef0):
            raise ValueError(f"{type(self).__name__}: coef0 must be a finite number; got {coef0!r}")

    def _latent_scores(self, X: ArrayLike) -> NDArray[np.float64]:
        """Scores of new rows comparable with ``x_scores_`` (subclasses define them)."""
        raise NotImplementedError  # abstract hook: KernelPLS and KOPLS score new rows

    def hotelling_t2(self, X: ArrayLike) -> NDArray[np.float64]:
        """Hotelling's T² of each row of ``X`` in the latent space, shape (n_samples,).

        ``T² = sum_a t_a² / s_a²`` with ``t`` the (predictive) scores of the row and ``s_a²``
        the variance (ddof=1) of the training scores ``x_scores_`` (Hotelling 1947), as for
        the linear models.
        """
        scores = self._latent_scores(X)
        variance = np.var(self.x_scores_, axis=0, ddof=1)
        keep = variance > 0
        return np.sum(scores[:, keep] ** 2 / variance[keep], axis=1)

    def _fit_kernel(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Store what test kernels need; return the centred training Gram matrix."""
        self.X_fit_ = X
        gram = self._kernel(X, X)
        self.kernel_column_means_ = gram.mean(axis=0)
        self.kernel_mean_ = float(self.kernel_column_means_.mean())
        centred = gram - self.kernel_column_means_
        centred -= self.kernel_column_means_[:, None]
        centred += self.kernel_mean_
        return centred

    def _test_kernel(self, X: ArrayLike) -> NDArray[np.float64]:
        """Centred kernel between new rows (validated here) and the training rows."""
        return self._test_kernel_and_diagonal(X)[0]

    def _test_kernel_and_diagonal(
        self, X: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The centred test kernel and the centred ``k(x, x)`` of each new row."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        kernel = self._kernel(X, self.X_fit_)
        row_means = kernel.mean(axis=1)
        centred = kernel - self.kernel_column_means_ - row_means[:, None] + self.kernel_mean_
        if self.kernel == "rbf":
            own = np.ones(len(X))
        else:
            own = np.einsum("ij,ij->i", X, X)
            if self.kernel == "polynomial":
                own = (self._gamma(X) * own + self.coef0) ** self.degree
        return centred, own - 2 * row_means + self.kernel_mean_


_KERNEL_PARAMETERS_DOC = """kernel : {"rbf", "polynomial", "linear"}, default="rbf"
        ``exp(-gamma ||x - z||²)``, ``(gamma x'z + coef0)^degree`` or ``x'z``.
    gamma : float, optional
        Kernel coefficient of rbf and polynomial; None means ``1 / n_features``.
    degree : int, default=3
        Degree of the polynomial kernel.
    coef0 : float, default=1.0
        Independent term of the polynomial kernel.
"""


def _top_eigenvector(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Eigenvector of the largest eigenvalue of a small symmetric matrix, sign fixed."""
    _, vectors = np.linalg.eigh(matrix)
    vector = vectors[:, -1]
    return vector * np.sign(vector[np.argmax(np.abs(vector))])


def kernel_pls(
    K: NDArray[np.float64], Y: NDArray[np.float64], n_components: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Kernel PLS scores of a centred Gram matrix ``K`` and centred responses ``Y``.

    Component ``a`` (Rosipal & Trejo 2001, algorithm of section 4.1, with the power
    iteration replaced by its fixed point): ``c`` is the dominant eigenvector of
    ``Y_a' K_a Y_a``, ``u = Y_a c``, ``t = K_a u / ||K_a u||``; then ``K_{a+1} = (I - tt')
    K_a (I - tt')`` and ``Y_{a+1} = Y_a - t t'Y_a``. With ``K = XX'`` the scores are those
    of NIPALS on X (same directions, unit norm).

    Returns
    -------
    x_scores, y_scores : ndarray of shape (n, n_components)
        ``T`` (orthonormal columns) and ``U``.
    """
    n = K.shape[0]
    Kd, Yd = K.copy(), Y.copy()
    T, U = np.zeros((n, n_components)), np.zeros((n, n_components))
    floor = n * _EPS * max(float(np.trace(K)), _EPS)
    for a in range(n_components):
        u = Yd @ _top_eigenvector(Yd.T @ Kd @ Yd)
        t = Kd @ u
        norm = np.sqrt(t @ t)
        if norm <= floor * np.sqrt(u @ u) or norm == 0:
            break
        t /= norm
        Kt = Kd @ t
        Kd -= np.outer(t, Kt) + np.outer(Kt, t) - (t @ Kt) * np.outer(t, t)
        Yd -= np.outer(t, t @ Yd)
        T[:, a], U[:, a] = t, u
    return T, U


class KernelPLS(
    KernelModelMixin, TransformerMixin, RegressorMixin, MultiOutputMixin, BaseEstimator
):
    __doc__ = f"""Nonlinear kernel PLS regression (Rosipal & Trejo 2001).

    The Gram matrix ``K`` of the training spectra under ``kernel`` is centred in feature
    space, Y is centred, and :func:`kernel_pls` extracts ``n_components`` scores ``T`` and
    ``U``. New rows are predicted from their centred kernel against the training rows,
    ``Y_hat = K_new U (T'KU)^-1 T'Y + y_mean``; the training spectra are kept for that.
    With ``kernel="linear"`` the predictions are those of linear PLS (NIPALS, centred,
    unscaled) to rounding.

    ``score`` is the coefficient of determination R² of ``predict``. There is no ``coef_``
    per wavelength and no VIP: the model is linear in feature space, not in X.
    ``predict_nested`` gives the predictions of every smaller number of components from one
    fit, as for :class:`~nirs4all.operators.models._pls.PLS`; ``hotelling_t2`` and
    ``q_residuals`` are computed in the latent and feature spaces from kernel evaluations.

    Parameters
    ----------
    n_components : int, default=2
        Number of latent variables, at most ``n_samples - 1``.
    {_KERNEL_PARAMETERS_DOC}
    Attributes
    ----------
    x_scores_ : ndarray of shape (n_samples, n_components)
        ``T`` of the training rows (orthonormal columns).
    y_scores_ : ndarray of shape (n_samples, n_components)
        ``U`` of the training rows.
    x_rotations_ : ndarray of shape (n_samples, n_components)
        ``U (T'KU)^+``: scores of new rows are ``K_new @ x_rotations_``.
    scores_kernel_product_ : ndarray of shape (n_components, n_components)
        ``T'KU``.
    scores_gram_ : ndarray of shape (n_components, n_components)
        ``T'KT``, for :meth:`q_residuals`.
    scores_target_product_ : ndarray of shape (n_components, n_targets)
        ``T'Y`` (Y centred).
    dual_coef_ : ndarray of shape (n_samples, n_targets)
        ``U (T'KU)^+ T'Y``: ``predict(X) = K_new @ dual_coef_ + y_mean_``.
    y_mean_ : ndarray of shape (n_targets,)
    X_fit_ : ndarray of shape (n_samples, n_features)
        The training spectra.
    kernel_column_means_ : ndarray of shape (n_samples,)
    kernel_mean_ : float
    n_features_in_ : int

    References
    ----------
    Rosipal, R. & Trejo, L. J. (2001). Kernel partial least squares regression in
    reproducing kernel Hilbert space. Journal of Machine Learning Research 2, 97-123.
    """

    _nested_param_: ClassVar[str] = "n_components"

    def __init__(
        self,
        n_components: int = 2,
        kernel: str = "rbf",
        gamma: float | None = None,
        degree: int = 3,
        coef0: float = 1.0,
    ) -> None:
        self.n_components = n_components
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit kernel PLS on the spectra ``X`` and responses ``y``."""
        X, Y = validate_regression_data(self, X, y)
        n_components = check_int(self, "n_components", 1)
        self._check_kernel_params()
        if n_components > X.shape[0] - 1:
            raise ValueError(
                f"KernelPLS: n_components={n_components} exceeds n_samples - 1 = "
                f"{X.shape[0] - 1}; lower n_components"
            )
        self.y_mean_ = Y.mean(axis=0)
        Yc = Y - self.y_mean_
        K = self._fit_kernel(X)
        self.x_scores_, self.y_scores_ = kernel_pls(K, Yc, n_components)
        self.scores_kernel_product_ = self.x_scores_.T @ K @ self.y_scores_
        self.scores_gram_ = self.x_scores_.T @ K @ self.x_scores_
        self.scores_target_product_ = self.x_scores_.T @ Yc
        self.x_rotations_ = self._rotations(n_components)
        self.dual_coef_ = self.x_rotations_ @ self.scores_target_product_
        return self

    def _rotations(self, n_components: int) -> NDArray[np.float64]:
        """``U (T'KU)^+`` of the model made of the first ``n_components`` components."""
        inner = self.scores_kernel_product_[:n_components, :n_components]
        # Pseudo-inverse: components left at zero (see kernel_pls) drop out.
        return self.y_scores_[:, :n_components] @ pinv(inner, check_finite=False)

    def predict_nested(self, X: ArrayLike, values: Iterable[int]) -> dict[int, NDArray[np.float64]]:
        """Predictions of the models with fewer components, from this one fit.

        Component ``a`` of kernel PLS depends only on the kernel, Y and components ``1 ..
        a - 1``, so the ``a``-component model is made of the first ``a`` columns of ``T``
        and ``U`` (the nested-parameter protocol of
        :mod:`~nirs4all.operators.models._latent`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        values : iterable of int
            Numbers of components, each in ``[1, n_components]``.

        Returns
        -------
        dict of int to ndarray
            For each value ``a``, what ``predict`` of the same estimator fitted with
            ``n_components=a`` returns.
        """
        # The check reads only x_rotations_ (n_samples, n_components), which we share.
        values = LatentVariableModel._nested_values(self, values)
        kernel = self._test_kernel(X)
        predictions = {}
        for a in values:
            dual = self._rotations(a) @ self.scores_target_product_[:a]
            predictions[a] = shaped_prediction(self, kernel @ dual + self.y_mean_)
        return predictions

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predicted responses, shape (n_samples,) for a 1-D y, else (n_samples, n_targets)."""
        predicted = self._test_kernel(X) @ self.dual_coef_ + self.y_mean_
        return shaped_prediction(self, predicted)

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Scores of new rows in the latent space, ``K_new @ x_rotations_``."""
        return self._test_kernel(X) @ self.x_rotations_

    def _latent_scores(self, X: ArrayLike) -> NDArray[np.float64]:
        return self.transform(X)

    def q_residuals(self, X: ArrayLike) -> NDArray[np.float64]:
        """Squared distance of each row of ``X`` to the model in feature space, shape (n,).

        With the feature-space loadings ``P = Phi' T`` (``T`` orthonormal) and ``t`` the
        scores of ``x``: ``Q = ||phi(x) - P t||² = k(x, x) - 2 t'T'k(x) + t'T'KT t`` on the
        centred kernel, computed from kernel evaluations only. With the linear kernel it is
        the Q statistic of linear PLS (Jackson & Mudholkar 1979).
        """
        kernel, own = self._test_kernel_and_diagonal(X)
        scores = kernel @ self.x_rotations_
        cross = np.einsum("ia,ia->i", scores, kernel @ self.x_scores_)
        rebuilt = np.einsum("ia,ab,ib->i", scores, self.scores_gram_, scores)
        return np.maximum(own - 2 * cross + rebuilt, 0.0)
