"""Recursive PLS with a forgetting factor: a model updated batch by batch."""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.utils.validation import validate_data

from nirs4all.operators.models._diagnostics import (
    Q_LIMIT_METHODS,
    box_limit,
    jackson_mudholkar_limit,
    residual_theta,
)
from nirs4all.operators.models._nipals import nipals_pls
from nirs4all.operators.models._weighted import (
    NIPALS_MAX_ITER,
    NIPALS_TOL,
    LinearPLSModel,
    NestedComponentsMixin,
    WeightedPLS,
)

__all__ = ["RecursivePLS"]


class RecursivePLS(NestedComponentsMixin, LinearPLSModel):
    """PLS regression updated recursively, with exponential forgetting of old samples.

    Recursive exponentially weighted PLS (Dayal & MacGregor 1997) in the data-compression form
    of Qin (1998). A PLS model depends on the data only through the means and the centred
    cross-products of ``[X Y]``. The model keeps a small matrix ``S`` (``summary_``) whose
    cross-products ``S'S`` equal the exponentially weighted centred scatter of all samples
    seen, a sample ``k`` batches old having weight ``forgetting_factor ** k``. A new batch
    ``B`` (``n_b`` samples, mean ``m_b``) merges into the old state (weight total ``n_a``,
    mean ``m_a``, forgotten by ``f``) as the rows
    ``[sqrt(f) S ; sqrt(f n_a n_b / n) (m_b - m_a) ; B - m_b]`` with ``n = f n_a + n_b``,
    and the new mean is ``(f n_a m_a + n_b m_b) / n`` (the weighted parallel-axis rule). When
    ``S`` has more rows than columns it is replaced by the ``R`` factor of its QR
    decomposition, which has the same cross-products. The PLS model (NIPALS) is refitted on
    ``S`` after each batch, so it is exactly the PLS of the weighted samples: with
    ``forgetting_factor=1`` any sequence of batches gives the batch PLS of all of them.

    Parameters
    ----------
    n_components : int, default=2
        Number of PLS components.
    forgetting_factor : float, default=1.0
        Weight in (0, 1] by which older samples are multiplied at each new batch.

    Attributes
    ----------
    summary_ : ndarray of shape (n_rows, n_features_in_ + n_targets)
        Rows whose cross-products are the weighted centred scatter of ``[X Y]``;
        ``n_rows <= n_features_in_ + n_targets``.
    n_samples_seen_ : float
        Total weight of the samples seen (their number when ``forgetting_factor=1``).
    n_batches_ : int
        Number of batches fitted since the last ``fit``.
    coef_ : ndarray of shape (n_targets, n_features_in_)
        Regression coefficients per wavelength: ``y = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
    x_weights_, x_loadings_, x_rotations_ : ndarray of shape (n_features_in_, n_components)
    y_loadings_ : ndarray of shape (n_targets, n_components)
    x_scores_ : ndarray of shape (n_rows, n_components)
        Scores of the rows of ``summary_``, which are not samples; their sums of squares are
        those of the weighted samples' scores. The diagnostics (``vip_``,
        ``selectivity_ratio_``, ``hotelling_t2``, ``q_residuals`` and the limits) are those
        of the batch PLS of the weighted samples, with ``n_samples_seen_`` as their number.
    x_mean_ : ndarray of shape (n_features_in_,)
        Weighted mean spectrum.
    y_mean_ : ndarray of shape (n_targets,)
    x_residual_theta_ : ndarray of shape (3,)
        θ1, θ2, θ3 of the weighted training residual covariance (for ``q_limit``).
    n_features_in_ : int

    References
    ----------
    Dayal, B. S. & MacGregor, J. F. (1997). Recursive exponentially weighted PLS and its
    applications to adaptive control and prediction. Journal of Process Control 7, 169-179.
    Qin, S. J. (1998). Recursive PLS algorithms for adaptive data modeling. Computers &
    Chemical Engineering 22, 503-514.
    """

    def __init__(self, n_components: int = 2, *, forgetting_factor: float = 1.0) -> None:
        self.n_components = n_components
        self.forgetting_factor = forgetting_factor

    def _check_forgetting_factor(self) -> float:
        value = self.forgetting_factor
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise ValueError(f"RecursivePLS: forgetting_factor must be in (0, 1]; got {value!r}")
        return float(value)

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Forget every earlier batch and fit on ``X``, ``y`` as the first one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        for name in ("summary_", "n_samples_seen_", "n_batches_"):
            if hasattr(self, name):
                delattr(self, name)
        return self.partial_fit(X, y)

    def partial_fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Update the model with a new batch of samples (the first call starts it).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            At least 2 samples in the first batch, at least 1 later.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The same number of targets in every batch.

        Returns
        -------
        self
        """
        forgetting = self._check_forgetting_factor()
        first = not hasattr(self, "summary_")
        if first:
            X, Y = self._validate_training(X, y)
        else:
            X, y = validate_data(
                self, X, y, reset=False, dtype=np.float64, multi_output=True, y_numeric=True
            )
            Y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
            if Y.shape[1] != self.y_mean_.shape[0]:
                raise ValueError(
                    f"RecursivePLS.partial_fit: y has {Y.shape[1]} target(s) but the model was "
                    f"started with {self.y_mean_.shape[0]}; give the same targets in every batch"
                )
        batch = np.hstack([X, Y])
        batch_mean = batch.mean(axis=0)
        if first:
            summary, total, mean = batch - batch_mean, float(len(batch)), batch_mean
        else:
            summary, total, mean = self._merge(batch, batch_mean, forgetting)
        if summary.shape[0] > summary.shape[1]:
            summary = np.linalg.qr(summary, mode="r")
        n_features = X.shape[1]
        # Later batches only add data, so the bound checked on the first one still holds.
        n_components = self._check_n_components(*X.shape) if first else self.x_weights_.shape[1]
        factors = nipals_pls(
            summary[:, :n_features],
            summary[:, n_features:],
            n_components,
            tol=NIPALS_TOL,
            max_iter=NIPALS_MAX_ITER,
        )
        coef = factors.x_rotations @ factors.y_loadings.T
        self.n_samples_seen_ = total
        self._store(
            WeightedPLS(
                factors, mean[:n_features], mean[n_features:], coef, summary[:, :n_features]
            )
        )
        self.summary_ = summary
        self.n_batches_ = 1 if first else self.n_batches_ + 1
        return self

    def _merge(
        self, batch: np.ndarray, batch_mean: np.ndarray, forgetting: float
    ) -> tuple[np.ndarray, float, np.ndarray]:
        """Summary, total weight and mean after adding ``batch`` to the forgotten old state."""
        old_total = forgetting * self.n_samples_seen_
        old_mean = np.concatenate([self.x_mean_, self.y_mean_])
        total = old_total + len(batch)
        shift = np.sqrt(old_total * len(batch) / total) * (batch_mean - old_mean)
        summary = np.vstack(
            [np.sqrt(forgetting) * self.summary_, shift[None, :], batch - batch_mean]
        )
        mean = (old_total * old_mean + len(batch) * batch_mean) / total
        return summary, total, mean

    # The rows of summary_ are not samples: the diagnostics that count samples (score
    # variances, the residual covariance, the T² limit) use the weight total instead, and
    # the Q limits come from the residual covariance, since no per-sample Q is kept.

    def _fit_diagnostics(self, X_processed: np.ndarray) -> None:
        residual = X_processed - self.x_scores_ @ self.x_loadings_.T
        self.x_sum_squares_ = np.einsum("ij,ij->j", X_processed, X_processed)
        rescale = max(len(X_processed) - 1, 1) / self._degrees_of_freedom()
        self.x_residual_theta_ = residual_theta(residual) * rescale ** np.arange(1, 4)

    def q_limit(
        self, alpha: float = 0.05, method: str = "box", X: ArrayLike | None = None
    ) -> float:
        """Upper control limit of Q at false-alarm rate ``alpha``.

        From ``x_residual_theta_``, the θ_k = Σ λ_j^k of the weighted training residual
        covariance (the summary keeps it exactly): ``"box"`` is the scaled chi-square with
        the mean θ1 and variance 2 θ2 of Q under the normal model (Box 1954), and
        ``"jackson-mudholkar"`` is :func:`jackson_mudholkar_limit` (Jackson & Mudholkar
        1979). ``X`` is accepted for the mixin's signature and not needed.
        """
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
            raise ValueError(f"alpha must be a number in (0, 1); got {alpha!r}")
        if method not in Q_LIMIT_METHODS:
            raise ValueError(
                f"RecursivePLS.q_limit: method must be one of "
                f"{', '.join(map(repr, Q_LIMIT_METHODS))}; got {method!r}"
            )
        theta = self.x_residual_theta_
        if method == "box":
            return box_limit(float(theta[0]), 2 * float(theta[1]), alpha)
        return jackson_mudholkar_limit(theta, alpha)

    def _degrees_of_freedom(self) -> float:
        if self.n_samples_seen_ <= 1:
            raise ValueError(
                f"RecursivePLS: the samples seen weigh {self.n_samples_seen_:g} in total, too "
                "little for score variances; raise forgetting_factor"
            )
        return self.n_samples_seen_ - 1

    def _score_variance(self) -> np.ndarray:
        return np.sum(self.x_scores_**2, axis=0) / self._degrees_of_freedom()

    def hotelling_t2(self, X: ArrayLike) -> np.ndarray:
        """Hotelling's T² of each row of ``X`` (see :class:`PLSDiagnosticsMixin`).

        The score variances are the exponentially weighted ones, ``||t_a||² / (n - 1)`` with
        ``n = n_samples_seen_`` (the scores of centred data have mean zero).
        """
        scores = self._processed(X) @ self.x_rotations_
        variance = self._score_variance()
        keep = variance > 0
        return np.sum(scores[:, keep] ** 2 / variance[keep], axis=1)

    def t2_limit(self, alpha: float = 0.05) -> float:
        """Upper control limit of T² at false-alarm rate ``alpha`` (Tracy et al. 1992).

        As :meth:`PLSDiagnosticsMixin.t2_limit`, with ``n = n_samples_seen_`` (a weight total,
        not necessarily an integer).
        """
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
            raise ValueError(f"alpha must be a number in (0, 1); got {alpha!r}")
        n = self.n_samples_seen_
        a = int(np.sum(self._score_variance() > 0))
        if a == 0 or n <= a:
            raise ValueError(
                f"RecursivePLS: the T² limit needs a weight total ({n:g}) above the number of "
                f"components with variance ({a}); raise forgetting_factor"
            )
        factor = a * (n - 1) * (n + 1) / (n * (n - a))
        return float(factor * stats.f.ppf(1 - alpha, a, n - a))
