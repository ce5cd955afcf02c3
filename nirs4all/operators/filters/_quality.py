"""Spectra that are broken (NaN, zeros, flat, out of range) or have high leverage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nirs4all.operators.filters._base import SampleFilter
from nirs4all.operators.filters._x_outlier import DEFAULT_COMPONENTS, pca_model

__all__ = ["HighLeverageFilter", "SpectralQualityFilter"]


class SpectralQualityFilter(SampleFilter):
    """Flag spectra that are not usable measurements.

    A row is flagged when its share of NaN exceeds ``max_nan_ratio``, its share of exact
    zeros exceeds ``max_zero_ratio``, its variance (over the finite values) is below
    ``min_variance`` (a flat line: a detector failure), a finite value lies above
    ``max_value`` or below ``min_value``, or (``check_inf``) it holds an infinite value.
    The rule is fixed by the parameters: fitting learns nothing but the number of features.

    Parameters
    ----------
    max_nan_ratio : float, default=0.1
    max_zero_ratio : float, default=0.5
    min_variance : float, default=1e-8
    max_value, min_value : float, optional
    check_inf : bool, default=True
    tag_name : str, default="spectral_quality"
    """

    def __init__(self, max_nan_ratio: float = 0.1, max_zero_ratio: float = 0.5,
                 min_variance: float = 1e-8, max_value: float | None = None,
                 min_value: float | None = None, check_inf: bool = True,
                 tag_name: str = "spectral_quality") -> None:
        self.max_nan_ratio = max_nan_ratio
        self.max_zero_ratio = max_zero_ratio
        self.min_variance = min_variance
        self.max_value = max_value
        self.min_value = min_value
        self.check_inf = check_inf
        self.tag_name = tag_name

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # judging NaN is the filter's job
        return tags

    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        for name in ("max_nan_ratio", "max_zero_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not 0.0 <= value <= 1.0:
                raise ValueError(f"SpectralQualityFilter: {name} must be in [0, 1]; got "
                                 f"{value!r}")

    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        n_features = X.shape[1]
        nan = np.isnan(X)
        infinite = np.isinf(X)
        finite = ~(nan | infinite)
        kept = nan.sum(axis=1) <= self.max_nan_ratio * n_features
        kept &= (X == 0).sum(axis=1) <= self.max_zero_ratio * n_features
        values = np.where(finite, X, 0.0)
        count = finite.sum(axis=1)
        mean = values.sum(axis=1) / np.maximum(count, 1)
        variance = (np.where(finite, X - mean[:, None], 0.0) ** 2).sum(axis=1) / \
            np.maximum(count, 1)
        kept &= (count > 0) & (variance >= self.min_variance)
        if self.max_value is not None:
            kept &= ~np.any(finite & np.greater(X, self.max_value), axis=1)
        if self.min_value is not None:
            kept &= ~np.any(finite & np.less(X, self.min_value), axis=1)
        if self.check_inf:
            kept &= ~infinite.any(axis=1)
        return kept

    @property
    def reason(self) -> str:
        """The rules in force, in words."""
        rules = [f"NaN share > {self.max_nan_ratio:g}", f"zero share > {self.max_zero_ratio:g}",
                 f"variance < {self.min_variance:g}"]
        if self.max_value is not None:
            rules.append(f"value > {self.max_value:g}")
        if self.min_value is not None:
            rules.append(f"value < {self.min_value:g}")
        if self.check_inf:
            rules.append("infinite value")
        return "spectral quality: " + ", ".join(rules)


class HighLeverageFilter(SampleFilter):
    """Flag rows whose leverage exceeds ``threshold_multiplier`` times the mean leverage.

    The leverage of a row ``x`` is ``h = 1/n + (x - mean) G (x - mean)^T``, the diagonal of
    the hat matrix of a linear model with intercept (Hoaglin & Welsch 1978, Am. Stat. 32,
    17), and its mean over the training rows is ``(r + 1) / n`` for a rank ``r``; the usual
    rule flags ``h > 2 (r + 1) / n``. With ``method="hat"`` ``G`` is the pseudo-inverse of
    the centred cross-product of the features (for few features: a spectrum has more
    wavelengths than samples, every training leverage is then 1 and the method refuses);
    with ``method="pca"`` the leverage is taken in the space of ``n_components`` PCA scores
    (``G = diag(1 / ((n - 1) lambda))``).

    Parameters
    ----------
    method : {"hat", "pca"}, default="hat"
    threshold_multiplier : float, default=2.0
    n_components : int, optional
        Components of ``method="pca"`` (``None``: ``min(10, n_samples - 1, n_features)``).
    tag_name : str, default="high_leverage"
    """

    def __init__(self, method: str = "hat", threshold_multiplier: float = 2.0,
                 n_components: int | None = None, tag_name: str = "high_leverage") -> None:
        self.method = method
        self.threshold_multiplier = threshold_multiplier
        self.n_components = n_components
        self.tag_name = tag_name

    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        if self.method not in ("hat", "pca"):
            raise ValueError(f"HighLeverageFilter: method must be 'hat' or 'pca'; got "
                             f"{self.method!r}")
        n = self.n_fit_ = X.shape[0]
        if n < 2:
            raise ValueError(f"HighLeverageFilter: needs at least 2 samples; got {n} sample")
        if self.method == "pca":
            upper = min(n - 1, X.shape[1])
            k = min(DEFAULT_COMPONENTS, upper) if self.n_components is None \
                else self.n_components
            self.pca_ = pca_model(X, int(k))
            rank = self.pca_.loadings.shape[1]
        else:
            self.mean_ = X.mean(axis=0)
            centred = X - self.mean_
            self.gram_inverse_ = np.linalg.pinv(centred.T @ centred, hermitian=True)
            rank = int(np.linalg.matrix_rank(centred))
            if rank >= n - 1:
                raise ValueError(
                    f"HighLeverageFilter: the {X.shape[1]} features have rank {rank} on {n} "
                    "samples, so every training row has leverage 1; use method='pca' "
                    "(leverage on PCA scores) for spectra")
        self.limit_ = float(self.threshold_multiplier) * (rank + 1) / n
        self.leverage_ = self._leverage(X)

    def _leverage(self, X: np.ndarray) -> np.ndarray:
        if self.method == "pca":
            return 1.0 / self.n_fit_ + self.pca_.t2(X) / (self.n_fit_ - 1)
        centred = X - self.mean_
        return 1.0 / self.n_fit_ + np.einsum("ij,jk,ik->i", centred, self.gram_inverse_,
                                              centred)

    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        return self._leverage(X) <= self.limit_

    @property
    def reason(self) -> str:
        """The rule, in words."""
        space = "PCA scores" if self.method == "pca" else "features"
        return (f"leverage on {space} above {self.threshold_multiplier:g} x the mean "
                "leverage")
