"""Augmenters that move spectra along either axis: a random baseline, a random axis shift."""

from __future__ import annotations

import numpy as np

from nirs4all.errors import WavelengthAxisError
from nirs4all.operators.augmentation._base import (
    Augmenter,
    check_range,
    uniform_rows,
)
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._row_terms import add_row_terms
from nirs4all.operators.transforms._base import as_axis

__all__ = ["BaselineShift", "WavelengthShift"]


class _AxisAugmenter(Augmenter):
    """Augmenter that uses the wavelength axis (``wavelengths_``, learned by ``fit``)."""

    def fit(self, X: object, y: object = None, wavelengths: object = None) -> _AxisAugmenter:
        """Check the parameters, learn ``n_features_in_`` and the axis ``wavelengths_``.

        The pipeline passes the dataset's axis here (see
        :func:`~nirs4all.operators.transforms.is_wavelength_aware`), so shifts are in nm or
        cm-1, not in columns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : ignored
        wavelengths : array-like of shape (n_features,), optional
            Strictly monotonic axis values (nm or cm-1); ``arange(n_features)`` when omitted.

        Returns
        -------
        self
        """
        super().fit(X)
        self.wavelengths_ = self._check_axis(wavelengths)
        self.wavelengths_out_ = self.wavelengths_  # the wavelength protocol: same columns out
        return self

    def transform(self, X: object, wavelengths: object = None) -> np.ndarray:
        """Return a perturbed copy of every row of ``X`` (same shape and dtype).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        wavelengths : array-like of shape (n_features,), optional
            Axis of ``X``; the axis given to ``fit`` when omitted.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        return self._transform(X, wavelengths)

    def _axis(self, wavelengths: object) -> np.ndarray:
        return self.wavelengths_ if wavelengths is None else self._check_axis(wavelengths)

    def _check_axis(self, wavelengths: object) -> np.ndarray:
        if wavelengths is None:
            return np.arange(self.n_features_in_, dtype=np.float64)
        try:
            return as_axis(wavelengths, self.n_features_in_)
        except WavelengthAxisError as exc:  # the one axis check, naming this augmenter
            raise WavelengthAxisError(f"{type(self).__name__}: {exc}") from None


class BaselineShift(_AxisAugmenter):
    """Add a random linear baseline to each spectrum.

    ``x'(w) = x(w) + b + s * t(w)``, with ``t(w) = (w - w_min) / (w_max - w_min)`` running
    from 0 at the lowest to 1 at the highest wavelength, ``b ~ U(offset_range)`` and
    ``s ~ U(slope_range)`` drawn once per spectrum. ``b`` is the baseline at the lowest
    wavelength and ``b + s`` at the highest, both in the units of the spectra. This
    simulates the additive drift of instrument baselines and sample presentation; the
    baseline is linear in the axis values, so an uneven axis gets a straight baseline too.

    Parameters
    ----------
    offset_range : (float, float), default=(-0.02, 0.02)
        Bounds of the uniform offset ``b``.
    slope_range : (float, float), default=(-0.02, 0.02)
        Bounds of the uniform rise ``s`` across the whole axis.
    random_state : int or None, default=0
        Seed; the same seed gives the same baselines (see :class:`GaussianNoise`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
        Axis given to ``fit``, or ``arange(n_features_in_)``.
    wavelengths_out_ : ndarray of shape (n_features_in_,)
        Axis of the output: ``wavelengths_``.
    """

    def __init__(
        self,
        offset_range: tuple[float, float] = (-0.02, 0.02),
        slope_range: tuple[float, float] = (-0.02, 0.02),
        random_state: int | None = 0,
    ) -> None:
        self.offset_range = offset_range
        self.slope_range = slope_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "offset_range", self.offset_range)
        check_range(self, "slope_range", self.slope_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        offsets = uniform_rows(generators, self.offset_range)
        slopes = uniform_rows(generators, self.slope_range)
        span = axis.max() - axis.min()
        position = (axis - axis.min()) / span if span > 0 else np.zeros_like(axis)
        shifted = X + offsets[:, None]
        return add_row_terms(shifted, [(slopes, position)], out=shifted)


class WavelengthShift(_AxisAugmenter):
    """Shift each spectrum along the wavelength axis by a random amount.

    ``x'(w) = x(w - d)`` with ``d ~ U(shift_range)`` drawn once per spectrum, in axis units
    (nm or cm-1 when ``wavelengths`` are given, columns otherwise): a positive ``d`` moves
    the features towards higher axis values. Values between grid points are linearly
    interpolated, and points beyond either end take the end value. This simulates the small
    calibration offsets between instruments. A shift of 0 returns the spectrum unchanged.

    Parameters
    ----------
    shift_range : (float, float), default=(-2, 2)
        Bounds of the uniform shift ``d``, in axis units.
    random_state : int or None, default=0
        Seed; the same seed gives the same shifts (see :class:`GaussianNoise`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
        Axis given to ``fit``, or ``arange(n_features_in_)``.
    wavelengths_out_ : ndarray of shape (n_features_in_,)
        Axis of the output: ``wavelengths_``.
    """

    def __init__(
        self, shift_range: tuple[float, float] = (-2, 2), random_state: int | None = 0
    ) -> None:
        self.shift_range = shift_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "shift_range", self.shift_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        increasing = axis[0] <= axis[-1]
        grid = axis if increasing else axis[::-1]
        ordered = X if increasing else X[:, ::-1]
        shifted = np.empty(X.shape)
        shifts = generators.uniform(*self.shift_range)
        for out, row, shift in zip(shifted, ordered, shifts, strict=True):
            out[:] = np.interp(grid - shift, grid, row)
        return shifted if increasing else shifted[:, ::-1]
