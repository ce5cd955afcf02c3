"""Row-wise transforms of 0.x kept under their names: local SNV, logarithm, area, min-max."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from scipy.ndimage import correlate1d

from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_choice,
    check_int,
    check_positive,
)

__all__ = ["AreaNormalization", "LocalStandardNormalVariate", "LogTransform", "SimpleScale"]

#: ``np.pad`` modes of LocalStandardNormalVariate and the scipy.ndimage modes that equal them.
PAD_MODES = {"reflect": "mirror", "edge": "nearest", "constant": "constant"}
AREA_METHODS = ("sum", "abs_sum", "trapz")
#: An area smaller than this in absolute value is taken as 1 (the spectrum is kept).
AREA_FLOOR = 1e-10


class LocalStandardNormalVariate(SpectralTransformer):
    """Standard normal variate in a moving window along the wavelength axis.

    ``x_i -> (x_i - mean_W(x)_i) / std_W(x)_i``, with the mean and the standard deviation
    (ddof=0) of the ``window`` points centred on column ``i``; the spectrum is padded at both
    ends as :func:`numpy.pad` does with ``pad_mode``. A window whose standard deviation is zero
    divides by 1. This is SNV (Barnes, Dhanoa & Lister 1989) applied locally, which removes a
    smoothly varying offset and scale.

    Parameters
    ----------
    window : int, default=11
        Odd number of points in the window. When ``X`` has fewer columns, the largest odd
        number of columns is used (stored in ``window_``).
    pad_mode : {"reflect", "edge", "constant"}, default="reflect"
        How the spectrum is extended beyond its ends (``numpy.pad`` modes).
    constant_values : float, default=0.0
        Value of the padding for ``pad_mode="constant"``.

    Attributes
    ----------
    window_ : int
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The window sums are computed in float64, directly for each window, on spectra shifted
    by their own mean (which leaves the result unchanged and keeps the sums of squares
    accurate).

    References
    ----------
    Barnes, R. J., Dhanoa, M. S. & Lister, S. J. (1989). Standard normal variate
    transformation and de-trending of near-infrared diffuse reflectance spectra.
    Applied Spectroscopy 43(5), 772-777.
    """

    def __init__(
        self, window: int = 11, pad_mode: str = "reflect", constant_values: float = 0.0
    ) -> None:
        self.window = window
        self.pad_mode = pad_mode
        self.constant_values = constant_values

    def _check_params(self) -> None:
        if check_int(self, "window", 1) % 2 == 0:
            raise ValueError(f"LocalStandardNormalVariate: window must be odd; got {self.window}")
        check_choice(self, "pad_mode", tuple(PAD_MODES))
        value = self.constant_values
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(
                f"LocalStandardNormalVariate: constant_values must be a finite number; "
                f"got {value!r}"
            )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_features = X.shape[1]
        self.window_ = min(self.window, n_features - 1 + n_features % 2)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        spectra = X.astype(np.float64)
        if self.pad_mode != "constant":
            # Shifting by the spectrum's mean changes no window's mean-free values.
            spectra -= spectra.mean(axis=1, keepdims=True)
        cval = float(self.constant_values)
        mode = PAD_MODES[self.pad_mode]
        # Direct window sums (not running sums), which keep the variance exact to ~1e-13.
        kernel = np.full(self.window_, 1.0 / self.window_)
        mean = correlate1d(spectra, kernel, axis=1, mode=mode, cval=cval)
        scratch = np.square(spectra)
        std = correlate1d(scratch, kernel, axis=1, mode=mode, cval=cval * cval)
        std -= np.square(mean, out=scratch)
        np.maximum(std, 0.0, out=std)
        np.sqrt(std, out=std)
        std[std == 0] = 1.0
        spectra -= mean
        spectra /= std
        return spectra.astype(X.dtype, copy=False)


class LogTransform(SpectralTransformer):
    """Logarithm of the spectra, shifted to stay positive.

    ``x -> log_base(max(x + offset + shift_, min_value))``. With ``auto_offset``, ``fit``
    learns ``shift_ = max(0, min_value - min(X + offset))`` over the training spectra, so that
    every training value is at least ``min_value`` before the logarithm; values of new spectra
    below ``min_value`` are floored there (0.x returned -18.42 for them, the natural logarithm
    of 1e-8, which is the same floor only for ``base=e`` and the default ``min_value``).

    Parameters
    ----------
    base : float, default=e
        Base of the logarithm, > 0 and != 1.
    offset : float, default=0.0
        Constant added before the logarithm.
    auto_offset : bool, default=True
        Learn the extra shift ``shift_`` from the training minimum.
    min_value : float, default=1e-8
        Floor of the argument of the logarithm (> 0).

    Attributes
    ----------
    shift_ : float
        Shift learned by ``fit`` (0 without ``auto_offset``).
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        base: float = np.e,
        offset: float = 0.0,
        auto_offset: bool = True,
        min_value: float = 1e-8,
    ) -> None:
        self.base = base
        self.offset = offset
        self.auto_offset = auto_offset
        self.min_value = min_value

    def _check_params(self) -> None:
        if check_positive(self, "base") == 1:
            raise ValueError("LogTransform: base must be > 0 and different from 1; got 1")
        check_positive(self, "min_value")
        value = self.offset
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"LogTransform: offset must be a finite number; got {value!r}")

    def _fit(self, X: np.ndarray, y: Any) -> None:
        lowest = float(X.min()) + float(self.offset)
        self.shift_ = max(0.0, self.min_value - lowest) if self.auto_offset else 0.0

    def _transform(self, X: np.ndarray) -> np.ndarray:
        shifted = X + X.dtype.type(self.offset + self.shift_)
        np.maximum(shifted, X.dtype.type(self.min_value), out=shifted)
        np.log(shifted, out=shifted)
        if self.base != np.e:
            shifted /= X.dtype.type(np.log(self.base))
        return shifted


class AreaNormalization(SpectralTransformer):
    """Divide each spectrum by its area.

    ``x -> x / A(x)`` with ``A = sum_i x_i`` (``"sum"``), ``sum_i |x_i|`` (``"abs_sum"``) or the
    trapezoidal integral over the wavelength axis (``"trapz"``, :func:`numpy.trapezoid` on the
    axis sorted increasingly, so the area of a positive spectrum is positive on a decreasing
    axis too; per column without an axis). An area below ``AREA_FLOOR`` (1e-10) in absolute
    value is taken as 1.

    Parameters
    ----------
    method : {"sum", "abs_sum", "trapz"}, default="sum"

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, method: str = "sum") -> None:
        self.method = method

    def _check_params(self) -> None:
        check_choice(self, "method", AREA_METHODS)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        if self.method == "trapz":
            steps = np.abs(np.diff(self.wavelengths_))
            weights = np.zeros(self.wavelengths_.size)
            weights[:-1] += steps / 2
            weights[1:] += steps / 2
            self.trapz_weights_ = weights

    def _transform(self, X: np.ndarray) -> np.ndarray:
        if self.method == "sum":
            area = X.sum(axis=1, dtype=np.float64)
        elif self.method == "abs_sum":
            area = np.abs(X).sum(axis=1, dtype=np.float64)
        else:
            area = X.astype(np.float64, copy=False) @ self.trapz_weights_
        area = np.where(np.abs(area) < AREA_FLOOR, 1.0, area)
        return X / area.astype(X.dtype)[:, None]


class SimpleScale(SpectralTransformer):
    """Min-max scaling of every wavelength to [0, 1] over the training spectra.

    ``x_j -> (x_j - min_j) / (max_j - min_j)``, with ``min_j`` and ``max_j`` the training
    minimum and maximum of column ``j`` (scikit-learn's ``MinMaxScaler``); a constant column
    is divided by 1.

    Attributes
    ----------
    data_min_, data_max_ : ndarray of shape (n_features_in_,)
        Training minimum and maximum of each column.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.data_min_ = X.min(axis=0).astype(np.float64)
        self.data_max_ = X.max(axis=0).astype(np.float64)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        span = self.data_max_ - self.data_min_
        span = np.where(span == 0, 1.0, span)
        return (X - self.data_min_.astype(X.dtype)) / span.astype(X.dtype)
