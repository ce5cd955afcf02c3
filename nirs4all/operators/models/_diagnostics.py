"""Diagnostics of fitted latent-variable regressors: VIP, selectivity ratio, T² and Q.

:class:`PLSDiagnosticsMixin` adds them to any estimator that, once fitted, holds these
attributes (scikit-learn's ``PLSRegression`` names where they exist):

=====================  =================  ==============================================
attribute              shape              meaning
=====================  =================  ==============================================
``x_weights_``         (p, A)             W; only its column directions are used (VIP)
``x_loadings_``        (p, A)             P, with ``X ≈ T P'`` on the processed X
``y_loadings_``        (q, A)             Q, with ``Y ≈ T Q'`` on the processed Y
``x_scores_``          (n, A)             T of the training rows (orthogonal columns)
``x_rotations_``       (p, A)             R, with ``T = X R`` on the processed X
``x_mean_``            (p,)               column means removed before the fit
``x_scale_``           (p,)               column scales divided out (ones if unscaled)
``x_sum_squares_``     (p,)               column sums of squares of the processed X
``training_q_``        (n,)               Q statistic of each training row
=====================  =================  ==============================================

"Processed X" is ``(X - x_mean_) / x_scale_``. ``x_mean_`` and ``x_scale_`` fall back to
scikit-learn's private ``_x_mean`` and ``_x_std`` so a subclass of ``PLSRegression`` works
too. The last two attributes summarise the training data and its residual ``E = X - T P'``;
an estimator sets them by calling ``self._fit_diagnostics(X_processed)`` at the end of
``fit``, at a cost of O(n p A), without forming ``E``. The Jackson-Mudholkar Q limit needs
the eigenvalues of ``E' E``, one Gram matrix of the smaller side of X (O(min(n, p)² max(n,
p)), many times the cost of a PLS fit), so it is computed only when asked, from the
training spectra passed to :meth:`PLSDiagnosticsMixin.q_limit`.

The selectivity ratio uses ``X R = T`` and ``P = X' T (T' T)^-1``, which hold for NIPALS,
SIMPLS, kernel PLS and PCR, so it needs no copy of the training X.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["PLSDiagnosticsMixin", "box_limit", "jackson_mudholkar_limit", "residual_theta"]

Q_LIMIT_METHODS = ("box", "jackson-mudholkar")


def residual_theta(residual: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return θ_k = Σ λ_j^k (k = 1, 2, 3) for the eigenvalues λ of ``E' E / (n - 1)``.

    The traces of the first three powers of the residual covariance are computed from the
    Gram matrix of the smaller side of ``E``, without an eigendecomposition.
    """
    n, p = residual.shape
    gram = residual @ residual.T if n <= p else residual.T @ residual
    gram /= max(n - 1, 1)
    squared = gram @ gram
    return np.array([np.trace(gram), np.trace(squared), np.sum(gram * squared)])


def box_limit(mean: float, variance: float, alpha: float) -> float:
    """``g χ²(1 - alpha; h)`` with ``g = variance / (2 mean)`` and ``h = 2 mean² / variance``.

    The scaled chi-square with the given mean and variance (Box 1954, "Some theorems on
    quadratic forms applied in the study of analysis of variance problems, I", Ann. Math.
    Statist. 25, 290-302); with the moments of the training Q values this is the Q limit of
    Nomikos & MacGregor (1995), "Multivariate SPC charts for monitoring batch processes",
    Technometrics 37, 41-59. Returns ``mean`` when the variance is 0 and 0 when the mean is.
    """
    if mean <= 0:
        return 0.0
    if variance <= 0:
        return float(mean)
    return float(variance / (2 * mean) * stats.chi2.ppf(1 - alpha, 2 * mean**2 / variance))


def jackson_mudholkar_limit(theta: NDArray[np.float64], alpha: float) -> float:
    """Jackson & Mudholkar (1979) limit of Q from θ_k = Σ λ_j^k, k = 1, 2, 3.

    With ``h0 = 1 - 2 θ1 θ3 / (3 θ2²)`` and ``c`` the standard normal ``1 - alpha`` quantile,
    ``Q = θ1 (c sqrt(2 θ2 h0²) / θ1 + 1 + θ2 h0 (h0 - 1) / θ1²)^(1 / h0)`` ("Control
    procedures for residuals associated with principal component analysis",
    Technometrics 21, 341-349). When ``h0 <= 0`` (one dominant eigenvalue and a long tail)
    the normal approximation of ``(Q / θ1)^h0`` does not hold and the Box limit with the
    same mean θ1 and variance 2 θ2 is returned. 0 when the residual is zero.
    """
    theta1, theta2, theta3 = (float(value) for value in theta)
    if theta1 <= 0 or theta2 <= 0:
        return 0.0
    h0 = 1 - 2 * theta1 * theta3 / (3 * theta2**2)
    if h0 <= 0:
        return box_limit(theta1, 2 * theta2, alpha)
    c = stats.norm.ppf(1 - alpha)
    base = c * np.sqrt(2 * theta2 * h0**2) / theta1 + 1 + theta2 * h0 * (h0 - 1) / theta1**2
    return float(theta1 * base ** (1 / h0))


class PLSDiagnosticsMixin:
    """VIP, selectivity ratio, Hotelling T² and Q residuals of a fitted latent-variable model.

    See the module docstring for the fitted attributes it reads. All quantities are computed
    in the processed (centred and scaled) X space the model was fitted in.
    """

    def _fit_diagnostics(self, X_processed: NDArray[np.float64]) -> None:
        """Store ``x_sum_squares_`` and ``training_q_``; call at the end of ``fit``."""
        scores, loadings = self.x_scores_, self.x_loadings_
        self.x_sum_squares_ = np.einsum("ij,ij->j", X_processed, X_processed)
        # ||x - P t||² = ||x||² - 2 x'P t + t'P'P t, without the n x p residual
        row_ss = np.einsum("ij,ij->i", X_processed, X_processed)
        cross = np.einsum("ia,ia->i", X_processed @ loadings, scores)
        rebuilt = np.einsum("ia,ia->i", scores @ (loadings.T @ loadings), scores)
        self.training_q_ = np.maximum(row_ss - 2 * cross + rebuilt, 0.0)

    def _processed(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        mean = getattr(self, "x_mean_", None)
        scale = getattr(self, "x_scale_", None)
        mean = self._x_mean if mean is None else mean
        scale = self._x_std if scale is None else scale
        return (X - mean) / scale

    @property
    def vip_(self) -> NDArray[np.float64]:
        """Variable importance in projection, one value per feature, shape (p,).

        ``VIP_j = sqrt(p Σ_a SS_a (w_ja / ||w_a||)² / Σ_a SS_a)`` with ``SS_a = ||t_a||²
        ||q_a||²`` the sum of squares of Y the component explains (Wold, Johansson & Cocchi
        1993, "PLS: partial least squares projections to latent structures", in 3D QSAR in
        Drug Design, 523-550; Chong & Jun 2005, Chemometr. Intell. Lab. Syst. 78, 103-112).
        The mean of the squared VIP is 1, hence the usual "VIP > 1" rule. Components with a
        zero weight vector contribute nothing.
        """
        check_is_fitted(self)
        weights = self.x_weights_
        norms = np.linalg.norm(weights, axis=0)
        direction = np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)
        explained = np.sum(self.x_scores_**2, axis=0) * np.sum(self.y_loadings_**2, axis=0)
        total = explained.sum()
        if total == 0:
            return np.zeros(weights.shape[0])
        return np.sqrt(weights.shape[0] * (direction**2 @ explained) / total)

    @property
    def selectivity_ratio_(self) -> NDArray[np.float64]:
        """Selectivity ratio per target and feature, shape (n_targets, p) like ``coef_``.

        Target projection of the processed training X on the regression vector ``b_k`` of
        target ``k``: ``t_k = X b_k``, and ``SR_kj = ||t_k p_kj||² / ||x_j - t_k p_kj||²``
        with ``p_kj = x_j' t_k / t_k' t_k`` (Rajalahti, Arneberg, Berven, Myhr, Ulvik &
        Kvalheim 2009, "Biomarker discovery in mass spectral profiles by means of
        selectivity ratio plot", Chemometr. Intell. Lab. Syst. 95, 35-48). Since ``X R =
        T``, ``t_k = T q_k`` and ``X' t_k = P (T' T) q_k``. A feature the model reproduces
        exactly gets ``inf``; a target the model does not explain gets zeros.
        """
        check_is_fitted(self)
        scores_gram = self.x_scores_.T @ self.x_scores_
        projected = self.y_loadings_ @ scores_gram  # row k: q_k' (T' T)
        cross = projected @ self.x_loadings_.T  # row k: (X' t_k)'
        target_ss = np.einsum("ka,ka->k", projected, self.y_loadings_)[:, None]
        explained = np.divide(cross**2, target_ss, out=np.zeros_like(cross), where=target_ss > 0)
        residual = np.maximum(self.x_sum_squares_ - explained, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = explained / residual
        ratio[explained == 0] = 0.0
        return ratio

    def hotelling_t2(self, X: ArrayLike) -> NDArray[np.float64]:
        """Hotelling's T² of each row of ``X`` in the score space, shape (n_samples,).

        ``T² = Σ_a t_a² / s_a²`` with ``t = ((x - x_mean_) / x_scale_) R`` and ``s_a²`` the
        variance (ddof=1) of the training scores of component ``a`` (Hotelling 1947;
        Jackson 1991, A User's Guide to Principal Components, ch. 1). Components with no
        training variance are left out.
        """
        scores = self._processed(X) @ self.x_rotations_
        variance = np.var(self.x_scores_, axis=0, ddof=1)
        keep = variance > 0
        return np.sum(scores[:, keep] ** 2 / variance[keep], axis=1)

    def q_residuals(self, X: ArrayLike) -> NDArray[np.float64]:
        """Q statistic (squared prediction error) of each row of ``X``, shape (n_samples,).

        ``Q = ||x - t P'||²`` on the processed row ``x`` with its scores ``t = x R``
        (Jackson & Mudholkar 1979, Technometrics 21, 341-349).
        """
        processed = self._processed(X)
        residual = processed - (processed @ self.x_rotations_) @ self.x_loadings_.T
        return np.einsum("ij,ij->i", residual, residual)

    def t2_limit(self, alpha: float = 0.05) -> float:
        """Upper control limit of T² for a new sample at false-alarm rate ``alpha``.

        ``A (n - 1)(n + 1) / (n (n - A)) F(1 - alpha; A, n - A)`` with ``n`` training rows
        and ``A`` components: the limit for a future observation independent of the training
        set (Tracy, Young & Mason 1992, "Multivariate control charts for individual
        observations", Journal of Quality Technology 24, 88-95).
        """
        alpha = _check_alpha(alpha)
        check_is_fitted(self)
        n = self.x_scores_.shape[0]
        a = int(np.sum(np.var(self.x_scores_, axis=0, ddof=1) > 0))
        if a == 0 or n <= a:
            raise ValueError(
                f"{type(self).__name__}: the T² limit needs more training rows ({n}) than "
                f"components with variance ({a}); fit on more samples"
            )
        factor = a * (n - 1) * (n + 1) / (n * (n - a))
        return float(factor * stats.f.ppf(1 - alpha, a, n - a))

    def q_limit(
        self, alpha: float = 0.05, method: str = "box", X: ArrayLike | None = None
    ) -> float:
        """Upper control limit of Q at false-alarm rate ``alpha``.

        - ``"box"``: :func:`box_limit` with the mean and variance (ddof=1) of the training
          Q values ``training_q_`` (Box 1954; Nomikos & MacGregor 1995).
        - ``"jackson-mudholkar"``: :func:`jackson_mudholkar_limit` with θ_k the sums of
          the k-th powers of the eigenvalues of the training residual covariance (Jackson &
          Mudholkar 1979). The model does not keep them (they cost one Gram matrix of the
          training data), so pass the training spectra as ``X``.

        Parameters
        ----------
        alpha : float, default=0.05
            False-alarm rate, in (0, 1).
        method : {"box", "jackson-mudholkar"}, default="box"
            The approximation of the distribution of Q.
        X : array-like of shape (n_samples, n_features), optional
            The training spectra; required by ``"jackson-mudholkar"`` only.

        Returns
        -------
        float
            The limit; 0 for a model whose training residual is zero.
        """
        alpha = _check_alpha(alpha)
        if method not in Q_LIMIT_METHODS:
            raise ValueError(
                f"{type(self).__name__}.q_limit: method must be one of "
                f"{', '.join(map(repr, Q_LIMIT_METHODS))}; got {method!r}"
            )
        check_is_fitted(self)
        if method == "box":
            q = self.training_q_
            return box_limit(float(np.mean(q)), float(np.var(q, ddof=1)), alpha)
        if X is None:
            raise ValueError(
                f"{type(self).__name__}.q_limit: method='jackson-mudholkar' needs the "
                "training spectra: call q_limit(alpha, 'jackson-mudholkar', X=X_train)"
            )
        processed = self._processed(X)
        residual = processed - (processed @ self.x_rotations_) @ self.x_loadings_.T
        return jackson_mudholkar_limit(residual_theta(residual), alpha)


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number in (0, 1); got {alpha!r}")
    return float(alpha)
