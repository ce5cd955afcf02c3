"""Derivatives and smoothing along the wavelength axis.

Derivatives are taken with respect to the wavelength axis given to ``fit`` (per nm, per
cm-1...), or per column when no axis is given.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.ndimage import correlate1d, gaussian_filter1d
from scipy.signal import savgol_filter

from nirs4all.errors import WavelengthAxisError
from nirs4all.operators.transforms._base import uniform_spacing
from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_choice,
    check_int,
    check_positive,
)

__all__ = [
    "Derivate",
    "FirstDerivative",
    "Gaussian",
    "NorrisWilliams",
    "SavitzkyGolay",
    "SecondDerivative",
]

SAVGOL_MODES = ("interp", "mirror", "nearest", "constant", "wrap")


class SavitzkyGolay(SpectralTransformer):
    """Savitzky-Golay smoothing or derivative along the wavelength axis.

    Each value is replaced by the value (or ``deriv``-th derivative) at the centre of the
    least-squares polynomial of degree ``polyorder`` fitted to the ``window_length`` points
    around it (Savitzky & Golay 1964), as computed by :func:`scipy.signal.savgol_filter`.

    Parameters
    ----------
    window_length : int, default=11
        Odd number of points in the window. When ``X`` has fewer columns, the window is
        reduced to the largest odd number of columns (stored in ``window_length_``) and the
        degree to at most that window minus one (``polyorder_``), so that the defaults
        work on data of any width.
    polyorder : int, default=2
        Degree of the fitted polynomial, less than ``window_length``.
    deriv : int, default=0
        Order of the derivative; 0 smooths. Derivatives are divided by the step of the
        wavelength axis, which must then be uniform (see ``SPACING_RTOL``): on an uneven
        axis (the cm-1 axis of some instruments, or nm converted from cm-1) ``fit`` raises
        :class:`~nirs4all.errors.WavelengthAxisError` whose message gives the fix, a
        :class:`Resampler` with ``step`` (the mean step of the axis) placed before this
        step, in Python or YAML. It does not fall back to index spacing: a derivative per
        column of an uneven axis is wrong by the varying step, silently. Smoothing
        (``deriv=0``) works in points and accepts any axis.
    mode : {"interp", "mirror", "nearest", "constant", "wrap"}, default="interp"
        Edge handling of :func:`scipy.signal.savgol_filter`; ``"interp"`` fits the polynomial
        to the first and last windows.

    Attributes
    ----------
    window_length_ : int
        Window used.
    polyorder_ : int
        Degree used.
    spacing_ : float
        Step of the wavelength axis used to scale derivatives (1.0 without an axis).
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Savitzky, A. & Golay, M. J. E. (1964). Smoothing and differentiation of data by
    simplified least squares procedures. Analytical Chemistry 36(8), 1627-1639.
    """

    def __init__(
        self, window_length: int = 11, polyorder: int = 2, deriv: int = 0, mode: str = "interp"
    ) -> None:
        self.window_length = window_length
        self.polyorder = polyorder
        self.deriv = deriv
        self.mode = mode

    def _check_params(self) -> None:
        window = check_int(self, "window_length", 1)
        if window % 2 == 0:
            raise ValueError(f"SavitzkyGolay: window_length must be odd; got {window}")
        if check_int(self, "polyorder", 0) >= window:
            raise ValueError(
                f"SavitzkyGolay: polyorder ({self.polyorder}) must be less than "
                f"window_length ({window})"
            )
        check_int(self, "deriv", 0)
        check_choice(self, "mode", SAVGOL_MODES)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_features = X.shape[1]
        self.window_length_ = min(self.window_length, n_features - 1 + n_features % 2)
        self.polyorder_ = min(self.polyorder, self.window_length_ - 1)
        self.spacing_ = self._spacing() if self.deriv > 0 else 1.0

    def _spacing(self) -> float:
        axis = self.wavelengths_
        try:
            return uniform_spacing(axis, f"SavitzkyGolay(deriv={self.deriv})")
        except WavelengthAxisError:
            steps = np.abs(np.diff(axis))
            mean = abs(float(axis[-1] - axis[0])) / (axis.size - 1)
            raise WavelengthAxisError(
                f"SavitzkyGolay(deriv={self.deriv}) needs a uniformly spaced wavelength axis, "
                f"but its {axis.size} values from {axis[0]:g} to {axis[-1]:g} have steps from "
                f"{steps.min():g} to {steps.max():g}; resample them onto a regular grid "
                f"first: put Resampler(step={mean:.6g}) before it (YAML: "
                f"{{class: nirs4all.operators.transforms.Resampler, params: {{step: {mean:.6g}}}}})"
            ) from None

    def _transform(self, X: np.ndarray) -> np.ndarray:
        smoothed = savgol_filter(
            X,
            self.window_length_,
            self.polyorder_,
            deriv=self.deriv,
            delta=self.spacing_,
            axis=1,
            mode=self.mode,
        )
        return smoothed.astype(X.dtype, copy=False)


class _Gradient(SpectralTransformer):
    """Derivative of order ``_passes()`` by repeated :func:`numpy.gradient` on the axis."""

    def __init__(self, edge_order: int = 1) -> None:
        self.edge_order = edge_order

    def _passes(self) -> int:
        return 1

    def _check_params(self) -> None:
        check_choice(self, "edge_order", (1, 2))

    def _min_features(self) -> int:
        return self.edge_order + 1

    def _transform(self, X: np.ndarray) -> np.ndarray:
        derivative = X
        for _ in range(self._passes()):
            derivative = np.gradient(
                derivative, self.wavelengths_, axis=1, edge_order=self.edge_order
            )
        return derivative.astype(X.dtype, copy=False)


class FirstDerivative(_Gradient):
    """First derivative along the wavelength axis by finite differences.

    ``dx/dw`` with second-order central differences inside and one-sided differences of
    order ``edge_order`` at both ends, on the real (possibly non-uniform) axis coordinates,
    as computed by :func:`numpy.gradient`.

    Parameters
    ----------
    edge_order : {1, 2}, default=1
        Accuracy order of the differences at the two ends.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """


class SecondDerivative(_Gradient):
    """Second derivative along the wavelength axis: :class:`FirstDerivative` applied twice.

    ``d2x/dw2`` by two passes of :func:`numpy.gradient` on the real axis coordinates, which
    is exact for quadratics with ``edge_order=2``.

    Parameters
    ----------
    edge_order : {1, 2}, default=1
        Accuracy order of the differences at the two ends.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _passes(self) -> int:
        return 2


class Derivate(_Gradient):
    """Derivative of any order along the wavelength axis by repeated finite differences.

    ``d^order x / dw^order`` by ``order`` passes of :func:`numpy.gradient` over the real
    (possibly non-uniform) axis coordinates, one spectrum per row: :class:`FirstDerivative`
    for ``order=1``, :class:`SecondDerivative` for ``order=2``. (0.x differentiated along
    the samples, axis 0, a defect.)

    Parameters
    ----------
    order : int, default=1
        Order of the derivative, >= 1.
    edge_order : {1, 2}, default=1
        Accuracy order of the differences at the two ends.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, order: int = 1, edge_order: int = 1) -> None:
        self.order = order
        self.edge_order = edge_order

    def _check_params(self) -> None:
        check_int(self, "order", 1)
        super()._check_params()

    def _passes(self) -> int:
        return int(self.order)


class NorrisWilliams(SpectralTransformer):
    """Norris-Williams gap derivative: moving-average smoothing, then a gap difference.

    With ``S`` the ``segment``-point moving average of ``x`` and ``h`` the axis step,
    the first derivative is ``(S[i+gap] - S[i-gap]) / (2 * gap * h)`` and the second
    ``(S[i+gap] - 2 S[i] + S[i-gap]) / (gap * h) ** 2`` (Norris & Williams 1984). Each
    spectrum is first extended at both ends by repeating its end values, so the first and
    last ``gap + segment // 2`` points are edge estimates.

    Parameters
    ----------
    gap : int, default=5
        Distance, in points, between the centre and each of the two differenced points.
    segment : int, default=5
        Odd number of points averaged before differencing (1 = no smoothing).
    deriv : {1, 2}, default=1
        Order of the derivative.

    Attributes
    ----------
    spacing_ : float
        Step of the (uniform) wavelength axis; 1.0 without an axis.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Norris, K. H. & Williams, P. C. (1984). Optimization of mathematical treatments of raw
    near-infrared signal in the measurement of protein in hard red spring wheat. I. Influence
    of particle size. Cereal Chemistry 61(2), 158-165.
    """

    def __init__(self, gap: int = 5, segment: int = 5, deriv: int = 1) -> None:
        self.gap = gap
        self.segment = segment
        self.deriv = deriv

    def _check_params(self) -> None:
        check_int(self, "gap", 1)
        if check_int(self, "segment", 1) % 2 == 0:
            raise ValueError(f"NorrisWilliams: segment must be odd; got {self.segment}")
        check_choice(self, "deriv", (1, 2))

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.spacing_ = uniform_spacing(self.wavelengths_, "NorrisWilliams")

    def _transform(self, X: np.ndarray) -> np.ndarray:
        gap, step = self.gap, self.spacing_
        difference = np.zeros(2 * gap + 1)
        if self.deriv == 1:
            difference[[0, -1]] = -1.0, 1.0
            difference /= 2 * gap * step
        else:
            difference[[0, gap, -1]] = 1.0, -2.0, 1.0
            difference /= (gap * step) ** 2
        kernel = np.convolve(np.full(self.segment, 1.0 / self.segment), difference)
        return correlate1d(X, kernel, axis=1, mode="nearest")


class Gaussian(SpectralTransformer):
    """Gaussian smoothing (or Gaussian derivative) along the wavelength axis.

    ``x -> x * G_sigma`` (convolution with a Gaussian of standard deviation ``sigma``
    points, or with its ``order``-th derivative divided by ``h ** order``, ``h`` the axis
    step), as computed by :func:`scipy.ndimage.gaussian_filter1d` with mirrored edges.

    Parameters
    ----------
    sigma : float, default=1.0
        Standard deviation of the Gaussian, in points.
    order : int, default=0
        0 smooths; 1 and 2 give smoothed first and second derivatives, which need a uniform
        axis.

    Attributes
    ----------
    spacing_ : float
        Step of the wavelength axis used to scale derivatives (1.0 without an axis).
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, sigma: float = 1.0, order: int = 0) -> None:
        self.sigma = sigma
        self.order = order

    def _check_params(self) -> None:
        check_positive(self, "sigma")
        check_int(self, "order", 0)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.spacing_ = (
            uniform_spacing(self.wavelengths_, f"Gaussian(order={self.order})")
            if self.order > 0
            else 1.0
        )

    def _transform(self, X: np.ndarray) -> np.ndarray:
        smoothed = gaussian_filter1d(X, self.sigma, axis=1, order=self.order, mode="reflect")
        if self.order > 0:
            smoothed /= X.dtype.type(self.spacing_**self.order)
        return smoothed
