"""Regression metrics per target: each function returns one value per target column.

``y_true`` and ``y_pred`` are ``(n,)`` or ``(n, k)``; residuals are ``e = y_pred - y_true``.
:mod:`nirs4all.pipeline.metrics` averages these vectors (equal weights, scikit-learn's
``multioutput="uniform_average"``) and reports them per target.
"""

from __future__ import annotations

import numpy as np

__all__ = ["REGRESSION", "pair"]


def pair(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return both arrays as float ``(n, k)`` after checking that their shapes agree."""
    t = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    t2 = t.reshape(-1, 1) if t.ndim == 1 else t
    p2 = p.reshape(-1, 1) if p.ndim == 1 else p
    if t2.ndim != 2 or t2.shape != p2.shape:
        raise ValueError(
            f"y_true has shape {t.shape} but y_pred has shape {p.shape}; both must be (n,) "
            "or (n, k) with the same n and k"
        )
    if t2.shape[0] == 0:
        raise ValueError("cannot score zero samples")
    return t2, p2


def _sd(values: np.ndarray) -> np.ndarray:
    """Column standard deviations with ``ddof=1``; NaN for fewer than two rows."""
    if values.shape[0] < 2:
        return np.full(values.shape[1], np.nan)
    return np.std(values, axis=0, ddof=1)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` per target, with ``x / 0 = inf`` for ``x > 0`` and ``0 / 0 = nan``."""
    out = np.full(num.shape, np.nan)
    nonzero = den != 0
    out[nonzero] = num[nonzero] / den[nonzero]
    out[~nonzero & (num > 0)] = np.inf
    return out


def mse(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``mean(e**2)``."""
    return np.mean((p - t) ** 2, axis=0)


def rmse(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``sqrt(mean(e**2))``."""
    return np.sqrt(mse(t, p))


def mae(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``mean(|e|)``."""
    return np.mean(np.abs(p - t), axis=0)


def bias(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``mean(e)``: positive when the model over-predicts."""
    return np.mean(p - t, axis=0)


def sep(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``SD(e)`` with ``ddof=1`` (ISO 12099): the bias-corrected error; NaN for one sample."""
    return _sd(p - t)


def rpd(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``SD(y_true) / SEP`` (both ``ddof=1``; Williams 1987)."""
    return _ratio(_sd(t), _sd(p - t))


def rpiq(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``IQR(y_true) / SEP`` with ``IQR = Q3 - Q1`` (linear quantiles; Bellon-Maurel 2010)."""
    q1, q3 = np.percentile(t, [25.0, 75.0], axis=0)
    return _ratio(q3 - q1, _sd(p - t))


def mape(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``mean(|e| / max(|y_true|, eps))`` as a fraction (scikit-learn's definition)."""
    return np.mean(np.abs(p - t) / np.maximum(np.abs(t), np.finfo(np.float64).eps), axis=0)


def r2(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``1 - SS_res / SS_tot``; NaN for a constant ``y_true`` (undefined, so it never ranks)."""
    ss_res = np.sum((p - t) ** 2, axis=0)
    ss_tot = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
    ratio = _ratio(ss_res, ss_tot)
    ratio[ss_tot == 0] = np.nan
    return 1.0 - ratio


#: Name -> per-target function, in the order the scores are reported.
REGRESSION = {"rmse": rmse, "mse": mse, "mae": mae, "r2": r2, "rpd": rpd, "rpiq": rpiq,
              "bias": bias, "sep": sep, "mape": mape}
