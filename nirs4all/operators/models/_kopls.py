"""Kernel-based orthogonal projections to latent structures, K-OPLS (Rantalainen et al. 2007).

OPLS in the feature space of a kernel: the predictive weights are fixed by ``Y'KY``, and
Y-orthogonal components are removed from the kernel matrix itself, by deflations that only
need kernel evaluations. With the linear kernel and one response it gives the predictions of
:class:`~nirs4all.operators.models._opls.OPLS` with one predictive component.

References
----------
Rantalainen, M., Bylesjo, M., Cloarec, O., Nicholson, J. K., Holmes, E. & Trygg, J. (2007).
Kernel-based orthogonal projections to latent structures (K-OPLS). Journal of Chemometrics
21, 376-385.
Bylesjo, M., Rantalainen, M., Nicholson, J. K., Holmes, E. & Trygg, J. (2008). K-OPLS
package: kernel-based orthogonal projections to latent structures for prediction and
interpretation in feature space. BMC Bioinformatics 9, 106.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin

from nirs4all.errors import DataWarning
from nirs4all.operators.models._kernel_pls import _KERNEL_PARAMETERS_DOC, KernelModelMixin
from nirs4all.operators.models._preprocessing import shaped_prediction, validate_regression_data
from nirs4all.operators.transforms._transformer import check_int, warn_caller

__all__ = ["KOPLS"]

_EPS = np.finfo(np.float64).eps


class KOPLS(KernelModelMixin, RegressorMixin, MultiOutputMixin, BaseEstimator):
    __doc__ = f"""Kernel OPLS regression (Rantalainen et al. 2007).

    With ``K`` the Gram matrix of the training spectra centred in feature space and Y
    centred: ``Y'KY = C S C'`` gives the predictive Y loadings ``C_p`` (the first
    ``n_components`` eigenvectors) and the dual predictive weights ``U_p S_p^-1/2`` with
    ``U_p = Y C_p``, i.e. unit-norm weights ``W_p = Phi' U_p S_p^-1/2`` in feature space.
    Orthogonal component ``i`` takes the predictive scores ``T_p = K_1i' U_p S_p^-1/2`` of
    the deflated data, the top eigenpair ``(c_o, s_o)`` of ``T_p'(K_ii - T_p T_p')T_p``, the
    orthogonal score ``t_o = (K_ii - T_p T_p') T_p c_o / sqrt(s_o)`` normalised, and
    deflates ``K_1,i+1 = K_1i (I - t_o t_o')`` and ``K_i+1,i+1 = (I - t_o t_o') K_ii (I -
    t_o t_o')``. The predictive scores after the last deflation are regressed on ``U_p``:
    ``Y_hat = T_p B C_p' + y_mean`` with ``B = (T_p'T_p)^-1 T_p'U_p``. New rows go through the
    same deflations, computed from their centred kernel against the training rows (the
    prediction algorithm of the paper). This is the algorithm of the authors' K-OPLS package
    (Bylesjo et al. 2008), with the updates of the test kernel derived from the deflation
    ``Phi_t,i+1 = Phi_t,i - t_o,t t_o' Phi_i``.

    ``hotelling_t2(X)`` is computed on the predictive scores of new rows after the same
    deflations. ``score`` is the coefficient of determination R² of ``predict``. Like
    :class:`~nirs4all.operators.models._kernel_pls.KernelPLS` it has no per-wavelength
    ``coef_``, VIP or selectivity ratio: the model is linear in feature space.

    Parameters
    ----------
    n_components : int, default=1
        Number of predictive components, at most the number of targets (the rank of
        ``Y'KY``).
    n_orthogonal : int, default=1
        Number of Y-orthogonal components removed from the kernel. When the kernel has
        fewer Y-orthogonal directions, the extra components are zero and a
        :class:`~nirs4all.errors.DataWarning` says so.
    {_KERNEL_PARAMETERS_DOC}
    Attributes
    ----------
    x_scores_ : ndarray of shape (n_samples, n_components)
        Predictive scores ``T_p`` of the training rows after the orthogonal deflations.
    y_loadings_ : ndarray of shape (n_targets, n_components)
        ``C_p``.
    y_scores_ : ndarray of shape (n_samples, n_components)
        ``U_p = Y C_p``.
    predictive_dual_weights_ : ndarray of shape (n_samples, n_components)
        ``U_p S_p^-1/2``: the predictive scores of (deflated) rows are their kernel against
        the training rows times this matrix.
    regression_coef_ : ndarray of shape (n_components, n_components)
        ``B``, regression of ``U_p`` on ``x_scores_``.
    orthogonal_scores_ : ndarray of shape (n_samples, n_orthogonal)
        Unit-norm orthogonal scores ``t_o`` of the training rows.
    orthogonal_directions_ : ndarray of shape (n_samples, n_orthogonal)
        ``T_p c_o / (sqrt(s_o) ||t_o||)`` for each component (maps a kernel row to ``t_o``).
    orthogonal_projections_ : ndarray of shape (n_components, n_orthogonal)
        ``T_p'`` times each column of ``orthogonal_directions_``.
    orthogonal_kernel_scores_ : ndarray of shape (n_samples, n_orthogonal)
        ``K_ii t_o`` for each component (deflation of the test kernel).
    predictive_shifts_ : ndarray of shape (n_components, n_orthogonal)
        ``T_p' t_o`` for each component (deflation of the test predictive scores).
    y_mean_ : ndarray of shape (n_targets,)
    X_fit_ : ndarray of shape (n_samples, n_features)
        The training spectra.
    kernel_column_means_ : ndarray of shape (n_samples,)
    kernel_mean_ : float
    n_features_in_ : int

    References
    ----------
    Rantalainen, M., Bylesjo, M., Cloarec, O., Nicholson, J. K., Holmes, E. & Trygg, J.
    (2007). Kernel-based orthogonal projections to latent structures (K-OPLS). Journal of
    Chemometrics 21, 376-385.
    """

    def __init__(
        self,
        n_components: int = 1,
        n_orthogonal: int = 1,
        kernel: str = "rbf",
        gamma: float | None = None,
        degree: int = 3,
        coef0: float = 1.0,
    ) -> None:
        self.n_components = n_components
        self.n_orthogonal = n_orthogonal
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit K-OPLS on the spectra ``X`` and responses ``y``."""
        X, Y = validate_regression_data(self, X, y)
        n_components = check_int(self, "n_components", 1)
        n_orthogonal = check_int(self, "n_orthogonal", 0)
        self._check_kernel_params()
        if n_components > Y.shape[1]:
            raise ValueError(
                f"KOPLS: n_components={n_components} exceeds the number of targets "
                f"({Y.shape[1]}), the rank of Y'KY; lower n_components"
            )
        self.y_mean_ = Y.mean(axis=0)
        Yc = Y - self.y_mean_
        K = self._fit_kernel(X)
        self._fit_predictive(K, Yc, n_components)
        cross = self._fit_orthogonal(K, n_orthogonal)
        self.x_scores_ = cross.T @ self.predictive_dual_weights_
        self.regression_coef_ = np.linalg.lstsq(self.x_scores_, self.y_scores_, rcond=None)[0]
        return self

    def _fit_predictive(self, K: NDArray[np.float64], Yc: NDArray[np.float64], n: int) -> None:
        values, vectors = np.linalg.eigh(Yc.T @ K @ Yc)
        values, vectors = values[::-1][:n], vectors[:, ::-1][:, :n]
        if values[-1] <= Yc.shape[0] * _EPS * max(values[0], _EPS):
            raise ValueError(
                f"KOPLS: Y'KY has rank below n_components={n} (a target is constant or "
                "collinear with another); lower n_components"
            )
        vectors *= np.sign(vectors[np.argmax(np.abs(vectors), axis=0), range(n)])
        self.y_loadings_ = vectors
        self.y_scores_ = Yc @ vectors
        self.predictive_dual_weights_ = self.y_scores_ / np.sqrt(values)

    def _fit_orthogonal(self, K: NDArray[np.float64], n_orthogonal: int) -> NDArray[np.float64]:
        """Remove the orthogonal components; return the deflated ``K_1i``."""
        n, a = K.shape[0], self.predictive_dual_weights_.shape[1]
        self.orthogonal_scores_ = np.zeros((n, n_orthogonal))
        self.orthogonal_directions_ = np.zeros((n, n_orthogonal))
        self.orthogonal_kernel_scores_ = np.zeros((n, n_orthogonal))
        self.orthogonal_projections_ = np.zeros((a, n_orthogonal))
        self.predictive_shifts_ = np.zeros((a, n_orthogonal))
        cross, own = K.copy(), K.copy()
        floor = n * _EPS * max(float(np.trace(K)), _EPS) ** 2
        for i in range(n_orthogonal):
            scores = cross.T @ self.predictive_dual_weights_
            gram = scores.T @ scores
            values, vectors = np.linalg.eigh(scores.T @ own @ scores - gram @ gram)
            if values[-1] <= floor:
                warn_caller(
                    f"KOPLS(n_orthogonal={n_orthogonal}): the kernel has only {i} "
                    f"component(s) of variation orthogonal to y; the other "
                    f"{n_orthogonal - i} are zero (lower n_orthogonal)",
                    DataWarning,
                )
                break
            direction = scores @ vectors[:, -1] / np.sqrt(values[-1])
            orthogonal = own @ direction - scores @ (scores.T @ direction)
            norm = np.sqrt(orthogonal @ orthogonal)
            t = orthogonal / norm
            own_t = own @ t
            self.orthogonal_scores_[:, i] = t
            self.orthogonal_directions_[:, i] = direction / norm
            self.orthogonal_projections_[:, i] = scores.T @ (direction / norm)
            self.orthogonal_kernel_scores_[:, i] = own_t
            self.predictive_shifts_[:, i] = scores.T @ t
            cross -= np.outer(cross @ t, t)
            own -= np.outer(t, own_t) + np.outer(own_t, t) - (t @ own_t) * np.outer(t, t)
        return cross

    def _latent_scores(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predictive scores of new rows after the orthogonal deflations."""
        return self._predictive_scores(X)

    def _predictive_scores(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predictive scores of new rows after the orthogonal deflations."""
        kernel = self._test_kernel(X)
        own = kernel.copy()
        scores = kernel @ self.predictive_dual_weights_
        for i in range(self.orthogonal_scores_.shape[1]):
            t = self.orthogonal_scores_[:, i]
            t_new = own @ self.orthogonal_directions_[:, i]
            t_new -= scores @ self.orthogonal_projections_[:, i]
            scores -= np.outer(t_new, self.predictive_shifts_[:, i])
            h = self.orthogonal_kernel_scores_[:, i]
            own -= np.outer(own @ t, t) + np.outer(t_new, h) - (h @ t) * np.outer(t_new, t)
        return scores

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predicted responses, shape (n_samples,) for a 1-D y, else (n_samples, n_targets)."""
        scores = self._predictive_scores(X)
        predicted = scores @ self.regression_coef_ @ self.y_loadings_.T + self.y_mean_
        return shaped_prediction(self, predicted)
