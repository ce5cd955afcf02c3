"""Transforms that change the wavelength axis: cropping and resampling."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import CubicSpline

from nirs4all.operators.transforms._base import AXIS_RTOL, as_axis
from nirs4all.operators.transforms._transformer import SpectralTransformer, check_choice
from nirs4all.utils.arrays import seal
from nirs4all.utils.interp import linear_weights

__all__ = ["CropWavelengths", "Resample"]

RESAMPLE_METHODS = ("linear", "cubic")


class CropWavelengths(SpectralTransformer):
    """Keep the columns whose wavelength lies in the closed interval ``[start, stop]``.

    ``X[:, start <= w <= stop]``, for an increasing or a decreasing axis ``w``. The bounds
    are values of the axis, not positions: ``start`` is the lower bound and ``stop`` the
    upper one (two bounds given in decreasing order, as ``CropWavelengths(4000, 400)`` for a
    wavenumber axis, are swapped). Without an axis, the bounds are column indices. The output
    axis is in ``wavelengths_out_``.

    Parameters
    ----------
    start, stop : float, optional
        Lower and upper bounds of the kept interval, inclusive; ``None`` leaves that side
        open. The default keeps every column.

    Attributes
    ----------
    columns_ : ndarray of int
        Indices of the kept columns (a contiguous range).
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray of shape (len(columns_),)
    """

    def __init__(self, start: float | None = None, stop: float | None = None) -> None:
        self.start = start
        self.stop = stop

    def _check_params(self) -> None:
        for name in ("start", "stop"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not np.isfinite(value)
            ):
                raise ValueError(
                    f"CropWavelengths: {name} must be a finite number or None; got {value!r}"
                )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        axis = self.wavelengths_
        low = -np.inf if self.start is None else self.start
        high = np.inf if self.stop is None else self.stop
        low, high = min(low, high), max(low, high)
        columns = np.flatnonzero((axis >= low) & (axis <= high))
        if columns.size == 0:
            raise ValueError(
                f"CropWavelengths(start={self.start}, stop={self.stop}) keeps no column: the "
                f"axis runs from {axis[0]:g} to {axis[-1]:g}"
            )
        self.columns_ = seal(columns)
        self.wavelengths_out_ = seal(axis[columns])

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X[:, self.columns_[0] : self.columns_[-1] + 1].copy()


class Resample(SpectralTransformer):
    """Interpolate each spectrum from the fitted wavelength axis onto a target axis.

    ``x(target)`` by piecewise-linear interpolation (``"linear"``, as :func:`numpy.interp`,
    exact at the nodes) or by a not-a-knot cubic spline (``"cubic"``,
    :class:`scipy.interpolate.CubicSpline`). The target must lie within the fitted axis:
    ``Resample`` does not extrapolate.

    Parameters
    ----------
    target : array-like of shape (n_targets,), optional
        Strictly monotonic target axis, in the units of the fitted axis. By default the
        fitted axis itself (no change).
    method : {"linear", "cubic"}, default="linear"
        Interpolation method.

    Attributes
    ----------
    interp_index_ : ndarray of shape (2, n_targets)
        For ``"linear"``: the two columns of ``X`` around each target value.
    interp_weight_ : ndarray of shape (n_targets,)
        For ``"linear"``: the weight of the second of those columns.
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray of shape (n_targets,)
        The target axis.
    """

    def __init__(self, target: ArrayLike | None = None, method: str = "linear") -> None:
        self.target = target
        self.method = method

    def _check_params(self) -> None:
        check_choice(self, "method", RESAMPLE_METHODS)

    def _min_features(self) -> int:
        return 2

    def _fit(self, X: np.ndarray, y: Any) -> None:
        axis = self.wavelengths_
        target = axis if self.target is None else as_axis(self.target, np.size(self.target))
        if target.size == 0:
            raise ValueError("Resample: target is empty; give at least one wavelength")
        low, high = axis.min(), axis.max()
        slack = AXIS_RTOL * (high - low)
        if target.min() < low - slack or target.max() > high + slack:
            raise ValueError(
                f"Resample: the target axis runs from {target[0]:g} to {target[-1]:g} but "
                f"the spectra cover only {axis[0]:g} to {axis[-1]:g}; Resample does not "
                "extrapolate, so crop the target to that range"
            )
        self.wavelengths_out_ = target
        if self.method == "linear":
            order = np.arange(axis.size) if axis[0] < axis[-1] else np.arange(axis.size)[::-1]
            ascending = axis[order]
            points = np.clip(target, low, high)
            left, weight = linear_weights(ascending, points)
            self.interp_index_ = seal(np.stack([order[left], order[left + 1]]))
            self.interp_weight_ = seal(weight)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        if self.method == "cubic":
            axis = self.wavelengths_
            points = np.clip(self.wavelengths_out_, axis.min(), axis.max())
            if axis[0] > axis[-1]:
                axis, X = axis[::-1], X[:, ::-1]
            return CubicSpline(axis, X, axis=1)(points).astype(X.dtype, copy=False)
        weight = self.interp_weight_.astype(X.dtype)
        resampled = np.take(X, self.interp_index_[0], axis=1)
        resampled *= 1 - weight
        upper = np.take(X, self.interp_index_[1], axis=1)
        upper *= weight
        resampled += upper
        return resampled
