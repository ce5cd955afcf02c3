"""The wavelength protocol shared by every spectral transform, and axis helpers.

The protocol is described in the package docstring (:mod:`nirs4all.operators.transforms`).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nirs4all.errors import AxisMismatchError, WavelengthAxisError

__all__ = [
    "AXIS_RTOL",
    "SPACING_RTOL",
    "WavelengthAwareMixin",
    "as_axis",
    "is_wavelength_aware",
    "scaled_axis",
    "uniform_spacing",
]

#: Two axes are the same when every value agrees within this relative tolerance.
AXIS_RTOL = 1e-9
#: An axis is uniform when every step is within this fraction of the mean step.
SPACING_RTOL = 1e-2


def _names_wavelengths(method: object) -> bool:
    """Whether a method declares a ``wavelengths`` parameter by name (``**kwargs`` does not)."""
    if not callable(method):
        return False
    try:
        parameter = inspect.signature(method).parameters.get("wavelengths")
    except (TypeError, ValueError):  # builtins and C extensions without a signature
        return False
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@functools.lru_cache(maxsize=512)
def _class_is_aware(cls: type) -> bool:
    if issubclass(cls, WavelengthAwareMixin):
        return True
    if not _names_wavelengths(getattr(cls, "fit", None)):
        return False
    transform = getattr(cls, "transform", None)
    return transform is None or _names_wavelengths(transform)


def is_wavelength_aware(estimator: object) -> bool:
    """Tell whether ``estimator`` takes the wavelength axis in ``fit`` and ``transform``.

    This is the one capability check of the wavelength protocol: the pipeline, replay (and
    through it the scikit-learn wrapper of a bundle) pass ``wavelengths=`` exactly to the
    estimators for which it is true. It is true for every estimator inheriting
    :class:`WavelengthAwareMixin` (every transform of :mod:`nirs4all.operators.transforms`)
    and for any estimator, of any package, whose ``fit`` names a ``wavelengths`` parameter
    and whose ``transform``, when it has one, names it too (the augmenters
    :class:`~nirs4all.operators.augmentation.WavelengthShift` and
    :class:`~nirs4all.operators.augmentation.BaselineShift` among them). Catch-all
    ``**kwargs`` do not count: they promise nothing about the axis.
    """
    return _class_is_aware(type(estimator))


def _describe(axis: np.ndarray) -> str:
    if axis.size == 0:
        return "an empty axis"
    return f"{axis.size} values from {axis[0]:g} to {axis[-1]:g}"


def as_axis(wavelengths: ArrayLike | None, n_features: int) -> np.ndarray:
    """Return a read-only float64 copy of a wavelength axis for ``n_features`` columns.

    ``None`` gives the index axis ``0, 1, ..., n_features - 1``. An axis must be 1D, finite,
    one value per column and strictly monotonic (increasing or decreasing).
    """
    if wavelengths is None:
        axis = np.arange(n_features, dtype=np.float64)
    else:
        axis = np.array(wavelengths, dtype=np.float64)
        if axis.ndim != 1:
            raise WavelengthAxisError(
                f"wavelengths must be a 1D array (one value per column); got shape {axis.shape}"
            )
        if axis.size != n_features:
            raise WavelengthAxisError(
                f"wavelengths has {axis.size} values but X has {n_features} columns "
                "(give one wavelength per column)"
            )
        if not np.all(np.isfinite(axis)):
            raise WavelengthAxisError("wavelengths holds NaN or infinite values")
        steps = np.diff(axis)
        if not (np.all(steps > 0) or np.all(steps < 0)):
            raise WavelengthAxisError(
                f"wavelengths must be strictly increasing or strictly decreasing; "
                f"got {_describe(axis)} with {int(np.sum(steps == 0))} repeated and "
                f"{int(min(np.sum(steps > 0), np.sum(steps < 0)))} out-of-order step(s)"
            )
    axis.flags.writeable = False
    return axis


def uniform_spacing(axis: np.ndarray, who: str) -> float:
    """Return the constant step of ``axis`` (negative for a decreasing axis).

    Raises :class:`~nirs4all.errors.WavelengthAxisError` when a step differs from the mean
    step by more than ``SPACING_RTOL`` of it: ``who`` needs a uniform axis.
    """
    if axis.size < 2:
        return 1.0
    step = float(axis[-1] - axis[0]) / (axis.size - 1)
    steps = np.diff(axis)
    if np.max(np.abs(steps - step)) > SPACING_RTOL * abs(step):
        raise WavelengthAxisError(
            f"{who} needs a uniformly spaced wavelength axis, but its steps vary from "
            f"{steps.min():g} to {steps.max():g} around the mean {step:g}; resample the "
            "spectra onto a uniform axis first (Resample)"
        )
    return step


def scaled_axis(axis: np.ndarray) -> np.ndarray:
    """Map ``axis`` linearly onto [-1, 1] (a single point maps to 0)."""
    low, high = axis.min(), axis.max()
    if high == low:
        return np.zeros_like(axis)
    return 2 * (axis - low) / (high - low) - 1


class WavelengthAwareMixin:
    """Mixin of estimators that receive the wavelength axis of ``X`` as a keyword argument.

    ``fit(X, y=None, wavelengths=None)`` records the axis in ``wavelengths_`` (the index axis
    when none is given) and the axis of the output in ``wavelengths_out_``.
    ``transform(X, wavelengths=None)`` raises :class:`~nirs4all.errors.AxisMismatchError`
    (a ``ValueError``) when the given axis differs from ``wavelengths_``.
    """

    def _set_wavelengths(self, wavelengths: ArrayLike | None, n_features: int) -> np.ndarray:
        axis = as_axis(wavelengths, n_features)
        self.wavelengths_ = axis
        self.wavelengths_out_ = axis
        return axis

    def _check_wavelengths(self, wavelengths: ArrayLike | None) -> None:
        if wavelengths is None:
            return
        expected = self.wavelengths_
        given = np.asarray(wavelengths, dtype=np.float64)
        name = type(self).__name__
        if given.shape != expected.shape:
            given_text = _describe(given) if given.ndim == 1 else f"shape {given.shape}"
            raise AxisMismatchError(
                f"{name} was fitted on wavelengths with {_describe(expected)} but transform "
                f"got {given_text}; resample the spectra onto the training axis first"
            )
        close = np.isclose(given, expected, rtol=AXIS_RTOL, atol=0.0)
        if not np.all(close):
            first = int(np.argmin(close))
            raise AxisMismatchError(
                f"{name} was fitted on wavelengths with {_describe(expected)} but transform "
                f"got {_describe(given)}; {int(np.sum(~close))} value(s) differ, the first at "
                f"column {first} ({given[first]:g} instead of {expected[first]:g}); resample "
                "the spectra onto the training axis first"
            )

    def fit_transform(
        self,
        X: ArrayLike,
        y: ArrayLike | None = None,
        wavelengths: ArrayLike | None = None,
        **fit_params: Any,
    ) -> np.ndarray:
        """Fit to ``X`` and return it transformed, passing ``wavelengths`` to both steps."""
        fitted = self.fit(X, y, wavelengths=wavelengths, **fit_params)
        return fitted.transform(X, wavelengths=wavelengths)
