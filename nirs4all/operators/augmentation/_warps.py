"""Smooth random deformations along the wavelength axis: baselines, stretches, warps, gains."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.interpolate import CubicSpline

from nirs4all.operators.augmentation._base import check_nonnegative, check_range, uniform_rows
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._noise_models import check_int
from nirs4all.operators.augmentation._shift import _AxisAugmenter

__all__ = [
    "LocalWavelengthWarp",
    "PolynomialBaselineDrift",
    "SmoothMagnitudeWarp",
    "WavelengthStretch",
    "resample",
    "unit_position",
]


def unit_position(axis: np.ndarray) -> np.ndarray:
    """``t(w) = (w - w_min) / (w_max - w_min)`` in [0, 1]; all zeros on a single point."""
    span = axis.max() - axis.min()
    return (axis - axis.min()) / span if span > 0 else np.zeros_like(axis)


def resample(
    X: np.ndarray, axis: np.ndarray, positions: np.ndarray | Callable[[int], np.ndarray]
) -> np.ndarray:
    """Row ``i`` of ``X`` (sampled on ``axis``) linearly interpolated at ``positions[i]``.

    ``positions`` is an array of one row of positions per row of ``X``, or a function of the
    row number returning that row (which spares a full-size array of positions). Positions
    beyond either end of the axis take the end value; a decreasing axis is read in
    increasing order (a reversed view: no copy of ``X``).
    """
    steps = np.diff(axis)
    if np.all(steps > 0):
        grid, ordered = axis, X
    elif np.all(steps < 0):
        grid, ordered = np.ascontiguousarray(axis[::-1]), X[:, ::-1]
    else:
        order = np.argsort(axis)
        grid, ordered = axis[order], X[:, order]
    where = positions if callable(positions) else positions.__getitem__
    out = np.empty(X.shape, dtype=np.float64)
    for row in range(X.shape[0]):
        out[row] = np.interp(where(row), grid, ordered[row])
    return out


def _control_curves(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Row ``i``: the cubic spline through ``values[i]`` at evenly spaced knots of [0, 1],
    evaluated at ``t``; all rows fitted in one call (the same numbers as row by row)."""
    if values.shape[1] == 1:
        return np.repeat(values, t.shape[0], axis=1)
    knots = np.linspace(0.0, 1.0, values.shape[1])
    if values.shape[1] == 3:
        # scipy solves 3-knot not-a-knot splines with a dense LU, whose blocked solve of
        # many right-hand sides can move a last bit with the number of rows: row by row,
        # so that a row's curve never depends on the other rows
        return np.stack([CubicSpline(knots, row)(t) for row in values]).reshape(-1, t.shape[0])
    return CubicSpline(knots, values, axis=1)(t)


class PolynomialBaselineDrift(_AxisAugmenter):
    """Add a random polynomial baseline to each spectrum.

    ``x'(w) = x(w) + sum_{k=0..degree} c_k * u(w)^k`` with ``u = 2 t(w) - 1`` running from
    -1 at the lowest to 1 at the highest wavelength and ``c_0, ..., c_degree ~
    U(coefficient_range)`` drawn in that order, once per spectrum. Curved baselines come from
    scattering, stray light and temperature drift of the instrument.

    Parameters
    ----------
    degree : int, default=3
        Degree of the polynomial (>= 0).
    coefficient_range : (float, float), default=(-0.01, 0.01)
        Bounds of each uniform coefficient, in the units of the spectra.
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
        Axis given to ``fit`` (``arange(n_features_in_)`` by default).
    """

    def __init__(
        self,
        degree: int = 3,
        coefficient_range: tuple[float, float] = (-0.01, 0.01),
        random_state: int | None = 0,
    ) -> None:
        self.degree = degree
        self.coefficient_range = coefficient_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_int(self, "degree", self.degree, 0)
        check_range(self, "coefficient_range", self.coefficient_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        powers = (2.0 * unit_position(axis) - 1.0)[None, :] ** np.arange(self.degree + 1)[:, None]
        coefficients = uniform_rows(generators, self.coefficient_range, self.degree + 1)
        out = coefficients @ powers
        out += X  # in place: one array of the size of X, not two
        return out


class WavelengthStretch(_AxisAugmenter):
    """Stretch or compress each spectrum about the centre of the axis.

    ``x'(w) = x(c + (w - c) / s)`` with ``c`` the midpoint of the axis range and
    ``s ~ U(stretch_range)`` once per spectrum: ``s > 1`` spreads the features away from
    ``c``. Linear interpolation, end values held beyond the ends. This simulates wavelength
    calibration errors that grow away from the calibration point.

    Parameters
    ----------
    stretch_range : (float, float), default=(0.99, 1.01)
        Bounds of the uniform stretch factor ``s`` (> 0).
    random_state : int or None, default=0
        Seed (see :class:`PolynomialBaselineDrift`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self, stretch_range: tuple[float, float] = (0.99, 1.01), random_state: int | None = 0
    ) -> None:
        self.stretch_range = stretch_range
        self.random_state = random_state

    def _check_params(self) -> None:
        low, _ = check_range(self, "stretch_range", self.stretch_range, lowest=0.0)
        if low <= 0:
            raise ValueError(
                f"WavelengthStretch: stretch_range must be > 0, got {self.stretch_range!r}"
            )

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        centre = (axis.max() + axis.min()) / 2.0
        factors = uniform_rows(generators, self.stretch_range)
        return resample(X, axis, lambda row: centre + (axis - centre) / factors[row])


class LocalWavelengthWarp(_AxisAugmenter):
    """Warp each spectrum's axis by a smooth random shift that varies along the axis.

    ``x'(w) = x(w - d(w))``: ``d`` is the cubic spline through ``n_control_points`` shifts
    ``d_k ~ U(-max_shift, max_shift)`` at evenly spaced positions from the lowest to the
    highest wavelength, in axis units (nm or cm-1 when ``wavelengths`` are given). Linear
    interpolation, end values held. Local shifts model band positions that move with
    temperature or hydrogen bonding, and instrument-to-instrument axis nonlinearity.

    Parameters
    ----------
    n_control_points : int, default=5
        Number of spline knots (>= 1; 1 gives a constant shift).
    max_shift : float, default=1.0
        Largest shift at a knot, in axis units (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`PolynomialBaselineDrift`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self, n_control_points: int = 5, max_shift: float = 1.0, random_state: int | None = 0
    ) -> None:
        self.n_control_points = n_control_points
        self.max_shift = max_shift
        self.random_state = random_state

    def _check_params(self) -> None:
        check_int(self, "n_control_points", self.n_control_points, 1)
        check_nonnegative(self, "max_shift", self.max_shift)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        t = unit_position(axis)
        knots = generators.uniform(-self.max_shift, self.max_shift, self.n_control_points)
        shifts = _control_curves(knots, t)
        np.subtract(axis[None, :], shifts, out=shifts)
        return resample(X, axis, shifts)


class SmoothMagnitudeWarp(_AxisAugmenter):
    """Multiply each spectrum by a smooth random gain curve (magnitude warping).

    ``x'(w) = x(w) * g(w)``: ``g`` is the cubic spline through ``n_control_points`` gains
    ``g_k ~ U(gain_range)`` at evenly spaced positions from the lowest to the highest
    wavelength (Um et al., 2017, for sensor time series). It models wavelength-dependent
    changes of detector response and illumination.

    Parameters
    ----------
    n_control_points : int, default=5
        Number of spline knots (>= 1; 1 gives a constant gain).
    gain_range : (float, float), default=(0.9, 1.1)
        Bounds of the uniform gain at each knot (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`PolynomialBaselineDrift`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Um, T. T. et al. (2017). Data augmentation of wearable sensor data for Parkinson's
    disease monitoring using convolutional neural networks. ICMI 2017, 216-220.
    """

    def __init__(
        self,
        n_control_points: int = 5,
        gain_range: tuple[float, float] = (0.9, 1.1),
        random_state: int | None = 0,
    ) -> None:
        self.n_control_points = n_control_points
        self.gain_range = gain_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_int(self, "n_control_points", self.n_control_points, 1)
        check_range(self, "gain_range", self.gain_range, lowest=0.0)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        t = unit_position(axis)
        knots = generators.uniform(*self.gain_range, self.n_control_points)
        gains = _control_curves(knots, t)
        gains *= X  # X * gains, in place
        return gains
