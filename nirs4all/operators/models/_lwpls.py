"""Locally weighted PLS: one weighted PLS model per query spectrum."""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.models._weighted import LinearPLSModel, weighted_pls
from nirs4all.operators.transforms._transformer import check_choice, check_positive

__all__ = ["LWPLS"]

#: Weights below this fraction of the largest are set to zero (they cannot change the fit
#: beyond rounding, and rows of weight zero are left out of the local model).
WEIGHT_FLOOR = 1e-12


class LWPLS(LinearPLSModel):
    """Locally weighted PLS regression: a PLS model fitted for each query spectrum.

    Locally weighted PLS of Kim et al. (2011), after the locally weighted regression of
    Centner & Massart (1998). For a query ``x_q`` each training sample ``n`` gets the weight
    ``v_n = exp(-(d_n - min(d)) / (std(d) * bandwidth))``, where ``d_n`` is its distance to
    the query: the Euclidean distance of the spectra (``distance="x"``) or of their scores
    on the global PLS model standardised by the score standard deviations
    (``distance="scores"``, a Mahalanobis distance in the latent space). Subtracting
    ``min(d)`` only rescales all the weights, which leaves a weighted PLS unchanged, and keeps
    the nearest sample's weight at 1. A weighted PLS (NIPALS on ``sqrt(v_n) (x_n - x̄_v)``,
    ``x̄_v`` the weighted mean; see :func:`weighted_pls`) then predicts the query:
    ``ŷ_q = ȳ_v + (x_q - x̄_v) B_v``. Weights below ``1e-12`` of the largest count as zero; a
    local model has at most one component fewer than its samples of nonzero weight.

    A small ``bandwidth`` makes the models local; ``bandwidth=inf`` gives every sample the
    weight 1, and the model is the global PLS.

    Parameters
    ----------
    n_components : int, default=2
        Number of components of the local models (and of the global one).
    bandwidth : float, default=1.0
        Localisation parameter (``phi`` of Kim et al., the ``lambda`` of other authors), in
        standard deviations of the distances; positive, ``inf`` allowed.
    distance : {"x", "scores"}, default="x"
        Space in which distances are measured.

    Attributes
    ----------
    X_fit_ : ndarray of shape (n_samples, n_features_in_)
        The training spectra (every prediction fits on them).
    y_fit_ : ndarray of shape (n_samples, n_targets)
        The training targets.
    coef_, intercept_, x_weights_, x_loadings_, x_rotations_, y_loadings_, x_mean_, y_mean_
        Of the global (unweighted) PLS model; its scores define ``distance="scores"``, and
        the diagnostics (``vip_``, ``hotelling_t2``, ``q_residuals`` ...) are its own.
    x_scores_ : ndarray of shape (n_samples, n_components)
        Global-model scores of the training samples.
    n_features_in_ : int

    References
    ----------
    Kim, S., Kano, M., Nakagawa, H. & Hasebe, S. (2011). Estimation of active pharmaceutical
    ingredients content using locally weighted partial least squares and statistical
    wavelength selection. International Journal of Pharmaceutics 421, 269-274.
    Centner, V. & Massart, D. L. (1998). Optimization in locally weighted regression.
    Analytical Chemistry 70, 4206-4211.
    """

    def __init__(
        self, n_components: int = 2, *, bandwidth: float = 1.0, distance: str = "x"
    ) -> None:
        self.n_components = n_components
        self.bandwidth = bandwidth
        self.distance = distance

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Store the training data and fit the global PLS model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        check_choice(self, "distance", ("x", "scores"))
        if not (isinstance(self.bandwidth, float | int) and self.bandwidth == np.inf):
            check_positive(self, "bandwidth")
        X, Y = self._validate_training(X, y)
        fit = weighted_pls(X, Y, self._check_n_components(*X.shape))
        self._store(fit)
        self.X_fit_ = X
        self.y_fit_ = Y
        return self

    def _space(self, X: np.ndarray) -> np.ndarray:
        """Coordinates in which distances are measured."""
        if self.distance == "x":
            return X
        spread = self.x_scores_.std(axis=0)
        spread = np.where(spread > 0, spread, 1.0)
        return (X - self.x_mean_) @ self.x_rotations_ / spread

    def local_weights(self, X: ArrayLike) -> np.ndarray:
        """Weights of the training samples for each query spectrum.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features_in_)

        Returns
        -------
        ndarray of shape (n_queries, n_samples)
            Row ``q`` holds the weights of the local model of query ``q``, in [0, 1].
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._local_weights(X)

    def _local_weights(self, X: np.ndarray) -> np.ndarray:
        training, queries = self._space(self.X_fit_), self._space(X)
        squared = (
            np.sum(queries**2, axis=1)[:, None]
            - 2.0 * queries @ training.T
            + np.sum(training**2, axis=1)[None, :]
        )
        distances = np.sqrt(np.maximum(squared, 0.0))
        if self.bandwidth == np.inf:
            return np.ones_like(distances)
        spread = distances.std(axis=1, keepdims=True)
        spread = np.where(spread > 0, spread, 1.0)
        weights = np.exp(
            -(distances - distances.min(axis=1, keepdims=True)) / (spread * self.bandwidth)
        )
        weights[weights < WEIGHT_FLOOR] = 0.0
        return weights

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict each query spectrum with its own locally weighted PLS model.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features_in_)

        Returns
        -------
        ndarray of shape (n_queries,) or (n_queries, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        predictions = np.empty((len(X), self.y_fit_.shape[1]))
        for row, (query, weights) in enumerate(zip(X, self._local_weights(X), strict=True)):
            kept = np.flatnonzero(weights)
            n_components = min(self.n_components, len(kept) - 1)
            if n_components == 0:
                predictions[row] = weights[kept] @ self.y_fit_[kept] / weights[kept].sum()
                continue
            # A slice is a view: no copy of the training set when every sample counts.
            rows = kept if kept.size < weights.size else slice(None)
            local = weighted_pls(self.X_fit_[rows], self.y_fit_[rows], n_components, weights[rows])
            predictions[row] = local.y_mean + (query - local.x_mean) @ local.coef
        return self._shape_prediction(predictions)
