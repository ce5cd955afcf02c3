"""Outliers of the target: IQR fences, z-score, percentiles and the modified z-score (MAD)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nirs4all.operators.filters._base import SampleFilter

__all__ = ["YOutlierFilter"]

_METHODS = ("iqr", "zscore", "percentile", "mad")
#: Threshold used when ``threshold=None``: Tukey's fences (1.5 IQR), three standard
#: deviations, and Iglewicz & Hoaglin's 3.5 on the modified z-score.
DEFAULT_THRESHOLDS = {"iqr": 1.5, "zscore": 3.0, "mad": 3.5}
#: Scales a median absolute deviation to a standard deviation under normality (1 / 1.4826).
MAD_CONSISTENCY = 0.6745


class YOutlierFilter(SampleFilter):
    """Flag samples whose target lies outside bounds learned on the training targets.

    Bounds are computed per target column; a sample is flagged when any of its targets is
    outside them. With ``method``:

    - ``"iqr"``: Tukey's fences ``[Q1 - t IQR, Q3 + t IQR]`` (Tukey 1977, *Exploratory Data
      Analysis*), ``t = threshold`` (default 1.5);
    - ``"zscore"``: ``|y - mean| / std <= t`` (population std, default ``t = 3``);
    - ``"percentile"``: between the ``lower_percentile`` and ``upper_percentile``
      percentiles of the training targets (linear interpolation, ``numpy.percentile``);
    - ``"mad"``: the modified z-score ``0.6745 |y - median| / MAD <= t`` (Iglewicz &
      Hoaglin 1993, *How to Detect and Handle Outliers*), default ``t = 3.5``.

    A spread of zero (all training targets equal) keeps exactly the samples equal to them
    for ``iqr``/``percentile``, and every sample for ``zscore``/``mad`` (no scale to judge by).

    Parameters
    ----------
    method : {"iqr", "zscore", "percentile", "mad"}, default="iqr"
    threshold : float, optional
        Multiplier of the method; ``None`` takes its default (above). Unused by
        ``"percentile"``.
    lower_percentile, upper_percentile : float, default=1.0 and 99.0
        Percentiles bounding the kept range for ``"percentile"``.
    tag_name : str, default="y_outlier"
        Name of the tag its flags are stored under.

    Attributes
    ----------
    lower_, upper_ : ndarray of shape (n_targets,)
        Kept range per target (``zscore``/``mad``: centre -+ threshold x scale).
    """

    _needs_y = True

    def __init__(self, method: str = "iqr", threshold: float | None = None,
                 lower_percentile: float = 1.0, upper_percentile: float = 99.0,
                 tag_name: str = "y_outlier") -> None:
        self.method = method
        self.threshold = threshold
        self.lower_percentile = lower_percentile
        self.upper_percentile = upper_percentile
        self.tag_name = tag_name

    def _threshold(self) -> float:
        t = DEFAULT_THRESHOLDS.get(self.method) if self.threshold is None else self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, float, np.floating)) or t <= 0:
            raise ValueError(f"YOutlierFilter: threshold must be a positive number; got "
                             f"{self.threshold!r}")
        return float(t)

    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"YOutlierFilter: method must be one of {_METHODS}; got "
                             f"{self.method!r}")
        y2 = y.reshape(y.shape[0], -1)
        if self.method == "percentile":
            lo, hi = float(self.lower_percentile), float(self.upper_percentile)
            if not 0.0 <= lo < hi <= 100.0:
                raise ValueError("YOutlierFilter: need 0 <= lower_percentile < "
                                 f"upper_percentile <= 100; got {lo} and {hi}")
            self.lower_ = np.percentile(y2, lo, axis=0)
            self.upper_ = np.percentile(y2, hi, axis=0)
            return
        t = self._threshold()
        if self.method == "iqr":
            q1, q3 = np.percentile(y2, [25.0, 75.0], axis=0)
            self.lower_, self.upper_ = q1 - t * (q3 - q1), q3 + t * (q3 - q1)
            return
        if self.method == "zscore":
            centre, scale = y2.mean(axis=0), y2.std(axis=0)
        else:
            centre = np.median(y2, axis=0)
            scale = np.median(np.abs(y2 - centre), axis=0) / MAD_CONSISTENCY
        scale = np.where(scale > 0, scale, np.inf)
        self.lower_, self.upper_ = centre - t * scale, centre + t * scale

    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        if y is None:
            raise ValueError("YOutlierFilter: get_mask needs y (the filter judges targets)")
        y2 = np.asarray(y, dtype=np.float64).reshape(y.shape[0], -1)
        if y2.shape[1] != self.lower_.shape[0]:
            raise ValueError(f"YOutlierFilter: y has {y2.shape[1]} target(s); the filter was "
                             f"fitted on {self.lower_.shape[0]}")
        return np.all((y2 >= self.lower_) & (y2 <= self.upper_), axis=1)

    @property
    def reason(self) -> str:
        """The method and its threshold, in words."""
        if self.method == "percentile":
            return (f"y outside the {self.lower_percentile:g}th-{self.upper_percentile:g}th "
                    "percentiles of the training targets")
        t = DEFAULT_THRESHOLDS.get(self.method, 0.0) if self.threshold is None \
            else self.threshold
        rules = {"iqr": f"y outside [Q1 - {t:g} IQR, Q3 + {t:g} IQR]",
                 "zscore": f"|z-score of y| > {t:g}",
                 "mad": f"|modified z-score (MAD) of y| > {t:g}"}
        return rules.get(self.method, f"y outlier ({self.method})")
