"""Outliers of the spectra: distances in PCA space, residuals, isolation forest, LOF."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from nirs4all.operators.filters._base import SampleFilter, check_fraction

__all__ = ["PCAModel", "XOutlierFilter", "hotelling_t2_limit", "pca_model", "q_limit"]

_METHODS = ("mahalanobis", "robust_mahalanobis", "pca_residual", "pca_leverage",
            "isolation_forest", "lof")
#: Components when ``n_components`` is None: enough for NIR spectra, few for the covariance.
DEFAULT_COMPONENTS = 10


class PCAModel:
    """Mean, loadings and score variances of a PCA fitted by SVD on training rows."""

    def __init__(self, mean: np.ndarray, loadings: np.ndarray, variances: np.ndarray,
                 residual_variances: np.ndarray) -> None:
        self.mean = mean
        self.loadings = loadings  # (n_features, k)
        self.variances = variances  # (k,), ddof=1
        self.residual_variances = residual_variances  # eigenvalues beyond the k-th

    def scores(self, X: np.ndarray) -> np.ndarray:
        """Scores of rows of ``X`` on the components."""
        return (X - self.mean) @ self.loadings

    def t2(self, X: np.ndarray) -> np.ndarray:
        """Hotelling's T² of each row: ``sum_a t_a² / lambda_a``."""
        return np.sum(self.scores(X) ** 2 / self.variances, axis=1)

    def q(self, X: np.ndarray) -> np.ndarray:
        """Squared residual (Q, SPE) of each row after projection on the components."""
        centred = X - self.mean
        residual = centred - (centred @ self.loadings) @ self.loadings.T
        return np.sum(residual ** 2, axis=1)


def pca_model(X: np.ndarray, n_components: int) -> PCAModel:
    """PCA of the training rows with ``n_components`` components of non-zero variance."""
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    eigen = s ** 2 / (X.shape[0] - 1)
    # Components without variance would divide T² by zero: they carry no information.
    k = int(min(n_components, np.count_nonzero(eigen > eigen[0] * 1e-12))) if eigen.size \
        and eigen[0] > 0 else 0
    return PCAModel(mean, vt[:k].T, eigen[:k], eigen[k:])


def hotelling_t2_limit(n: int, k: int, confidence: float) -> float:
    """Upper control limit of T² for a new row: ``k (n-1)(n+1) / (n (n-k)) F(k, n-k)``.

    Jackson (1991), *A User's Guide to Principal Components*, eq. 1.7.4 (prediction of a
    future observation). Infinite when ``n <= k`` (no degrees of freedom left).
    """
    if n <= k or k == 0:
        return float("inf")
    return float(k * (n - 1) * (n + 1) / (n * (n - k)) * stats.f.ppf(confidence, k, n - k))


def q_limit(residual_variances: np.ndarray, confidence: float) -> float:
    """Control limit of Q by Box's approximation ``g chi2_h``, ``g = th2/th1``,
    ``h = th1²/th2`` with ``th_i = sum(lambda_j^i)`` over the discarded eigenvalues.

    Box (1954), Ann. Math. Stat. 25, 290; used for PCA by Nomikos & MacGregor (1995),
    Technometrics 37, 41. Infinite when nothing is left out (no residual to judge by).
    """
    theta1 = float(np.sum(residual_variances))
    theta2 = float(np.sum(residual_variances ** 2))
    if theta1 <= 0 or theta2 <= 0:
        return float("inf")
    return float(theta2 / theta1 * stats.chi2.ppf(confidence, theta1 ** 2 / theta2))


class XOutlierFilter(SampleFilter):
    """Flag spectra far from the training spectra.

    The distance methods work on the scores of a PCA of the training spectra (spectra have
    more wavelengths than samples, so a covariance of the raw features is singular):

    - ``"mahalanobis"``: squared Mahalanobis distance to the mean of the scores under their
      empirical covariance (``sklearn.covariance.EmpiricalCovariance``); limit
      ``chi2(confidence, k)``;
    - ``"robust_mahalanobis"``: the same under the Minimum Covariance Determinant estimate
      (Rousseeuw & Van Driessen 1999, Technometrics 41, 212; ``MinCovDet``), so the
      outliers do not mask themselves; limit ``chi2(confidence, k)``;
    - ``"pca_leverage"``: Hotelling's T² on the scores (:func:`hotelling_t2_limit`);
    - ``"pca_residual"``: Q, the squared residual off the PCA model (:func:`q_limit`);
    - ``"isolation_forest"``: ``sklearn.ensemble.IsolationForest`` (Liu et al. 2008),
      flagged as it predicts ``-1``;
    - ``"lof"``: ``sklearn.neighbors.LocalOutlierFactor`` in novelty mode (Breunig et al.
      2000), so that training and other rows are judged by the same fitted rule.

    Parameters
    ----------
    method : str, default="mahalanobis"
    threshold : float, optional
        Absolute limit on the method's statistic (squared distance, T² or Q); ``None``
        derives it from ``confidence``. Unused by ``isolation_forest`` and ``lof``.
    n_components : int, optional
        PCA components; ``None`` takes ``min(10, n_samples - 1, n_features)``.
    contamination : float or "auto", default=0.1
        Expected share of outliers, for ``isolation_forest`` and ``lof``.
    support_fraction : float, optional
        Share of rows in the MCD support (``robust_mahalanobis``).
    confidence : float, default=0.975
        Confidence level of the statistical limits.
    random_state : int, optional
        Seed of ``robust_mahalanobis`` and ``isolation_forest`` (the pipeline derives one
        from the run's seed when it is left unset).
    tag_name : str, default="x_outlier"

    Attributes
    ----------
    statistic_ : ndarray of shape (n_samples_fit,)
        The statistic of each training row (the negated ``score_samples`` for the forest and
        LOF: larger is more outlying).
    limit_ : float
        Limit above which a row is flagged (distance methods).
    """

    def __init__(self, method: str = "mahalanobis", threshold: float | None = None,
                 n_components: int | None = None, contamination: float | str = 0.1,
                 support_fraction: float | None = None, confidence: float = 0.975,
                 random_state: int | None = None, tag_name: str = "x_outlier") -> None:
        self.method = method
        self.threshold = threshold
        self.n_components = n_components
        self.contamination = contamination
        self.support_fraction = support_fraction
        self.confidence = confidence
        self.random_state = random_state
        self.tag_name = tag_name

    def _components(self, X: np.ndarray) -> int:
        upper = min(X.shape[0] - 1, X.shape[1])
        if self.n_components is None:
            return min(DEFAULT_COMPONENTS, upper)
        k = self.n_components
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= upper:
            raise ValueError(f"XOutlierFilter: n_components must be an integer in [1, {upper}] "
                             f"(samples - 1 and features); got {k!r}")
        return int(k)

    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"XOutlierFilter: method must be one of {_METHODS}; got "
                             f"{self.method!r}")
        if X.shape[0] < 2:
            raise ValueError("XOutlierFilter: needs at least 2 samples to learn what is "
                             f"usual; got {X.shape[0]} sample")
        confidence = check_fraction("confidence", self.confidence, "XOutlierFilter")
        # Imported here: the pipeline parser imports this module, and scikit-learn's
        # ensemble, neighbors and covariance packages would add ~0.3 s to `import nirs4all`.
        from sklearn.covariance import EmpiricalCovariance, MinCovDet
        from sklearn.ensemble import IsolationForest
        from sklearn.neighbors import LocalOutlierFactor

        if self.method == "isolation_forest":
            self.detector_ = IsolationForest(contamination=self.contamination,
                                             random_state=self.random_state).fit(X)
        elif self.method == "lof":
            self.detector_ = LocalOutlierFactor(n_neighbors=min(20, X.shape[0] - 1),
                                                contamination=self.contamination,
                                                novelty=True).fit(X)
        else:
            self.pca_ = pca_model(X, self._components(X))
            k = self.pca_.loadings.shape[1]
            if self.method in ("mahalanobis", "robust_mahalanobis"):
                scores = self.pca_.scores(X)
                self.covariance_ = (EmpiricalCovariance() if self.method == "mahalanobis"
                                    else MinCovDet(support_fraction=self.support_fraction,
                                                   random_state=self.random_state)).fit(scores)
                limit = stats.chi2.ppf(confidence, k) if k else float("inf")
            elif self.method == "pca_leverage":
                limit = hotelling_t2_limit(X.shape[0], k, confidence)
            else:
                limit = q_limit(self.pca_.residual_variances, confidence)
            self.limit_ = float(limit if self.threshold is None else self.threshold)
        self.statistic_ = self._statistic(X)

    def _statistic(self, X: np.ndarray) -> np.ndarray:
        if self.method in ("isolation_forest", "lof"):
            return -self.detector_.score_samples(X)
        if self.method == "pca_leverage":
            return self.pca_.t2(X)
        if self.method == "pca_residual":
            return self.pca_.q(X)
        if self.pca_.loadings.shape[1] == 0:
            return np.zeros(X.shape[0])
        return self.covariance_.mahalanobis(self.pca_.scores(X))

    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        if self.method in ("isolation_forest", "lof"):
            return self.detector_.predict(X) == 1
        return self._statistic(X) <= self.limit_

    @property
    def reason(self) -> str:
        """The method and its threshold, in words."""
        limit = (f"{self.threshold:g}" if self.threshold is not None else
                 f"its {100 * self.confidence:g}% limit")
        rules = {
            "mahalanobis": f"squared Mahalanobis distance on PCA scores above {limit}",
            "robust_mahalanobis": "squared robust (MCD) Mahalanobis distance on PCA scores "
                                  f"above {limit}",
            "pca_leverage": f"Hotelling T² on PCA scores above {limit}",
            "pca_residual": f"PCA residual Q above {limit}",
            "isolation_forest": f"isolation forest outlier (contamination "
                                f"{self.contamination})",
            "lof": f"local outlier factor outlier (contamination {self.contamination})",
        }
        return rules.get(self.method, f"X outlier ({self.method})")
