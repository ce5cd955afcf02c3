"""Resampler: resampling onto the axis of another dataset, a bundle or a regular grid."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from os import PathLike
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nirs4all.operators.transforms._base import AXIS_RTOL, as_axis
from nirs4all.operators.transforms._transformer import SpectralTransformer, check_choice
from nirs4all.operators.transforms._wavelength import RESAMPLE_METHODS, Resample

__all__ = ["Resampler", "axis_of"]


def axis_of(source: Any) -> np.ndarray:
    """Return the wavelength axis held by ``source`` as a float64 array.

    ``source`` is an array-like of wavelengths; an object with a ``wavelengths`` attribute
    or method (a :class:`~nirs4all.data.SpectroDataset`: the axis of its first source); or a
    bundle opened with :func:`nirs4all.workspace.bundle.read_bundle`, whose manifest records
    the training axis of each source (only the manifest is read, no artifact is loaded).
    """
    if isinstance(source, (str, bytes, PathLike)):
        raise TypeError(
            f"Resampler: target_wavelengths={source!r} is a path; open the bundle first "
            "(nirs4all.workspace.bundle.read_bundle(path), which loads no artifact) and pass "
            "it, or pass its axis as a list of numbers"
        )
    wavelengths = getattr(source, "wavelengths", None)
    if wavelengths is not None:
        return np.asarray(wavelengths() if callable(wavelengths) else wavelengths, dtype=float)
    manifest = getattr(source, "manifest", None)
    if isinstance(manifest, Mapping) and manifest.get("sources"):
        return np.asarray(manifest["sources"][0]["wavelengths"], dtype=np.float64)
    return np.asarray(source, dtype=np.float64)


class Resampler(SpectralTransformer):
    """Interpolate spectra onto a target axis, filling the targets outside the spectra.

    ``x(target)`` by :class:`Resample` (linear interpolation, or a not-a-knot cubic spline)
    on the targets that lie within the fitted axis, and ``fill_value`` on the others. The
    target is ``target_wavelengths`` (see :func:`axis_of`: an array, a dataset or an opened
    bundle), or the regular grid of spacing ``step`` over the fitted axis, restricted to
    ``crop_range`` when given.

    In a pipeline, parameters must have a canonical form: give an array
    (``Resampler(other.wavelengths())``) or ``step``, not a dataset or bundle object. The
    YAML way to make an uneven axis uniform, as derivatives need, is
    ``{class: nirs4all.operators.transforms.Resampler, params: {step: 2.0}}``.

    Parameters
    ----------
    target_wavelengths : array-like, dataset or bundle, optional
        Target axis, in the units of the fitted axis. With neither it nor ``step``, the
        fitted axis (no change).
    method : {"linear", "cubic"}, default="linear"
        Interpolation method (see :class:`Resample`).
    crop_range : (float, float), optional
        Keep only the targets within these bounds (inclusive, in either order).
    fill_value : float or None, default=0.0
        Value of the targets outside the fitted axis; ``None`` makes them an error.
    step : float, optional
        Spacing of a regular target grid from the first fitted wavelength towards the last
        (in the direction of the fitted axis); exclusive with ``target_wavelengths``.

    Attributes
    ----------
    resample_ : Resample or None
        The fitted interpolation onto the targets within the fitted axis (None if none is).
    inside_ : ndarray of bool of shape (n_targets,)
        Which targets lie within the fitted axis.
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray of shape (n_targets,)
        The target axis.
    """

    def __init__(
        self,
        target_wavelengths: ArrayLike | Any | None = None,
        method: str = "linear",
        crop_range: tuple[float, float] | None = None,
        fill_value: float | None = 0.0,
        step: float | None = None,
    ) -> None:
        self.target_wavelengths = target_wavelengths
        self.method = method
        self.crop_range = crop_range
        self.fill_value = fill_value
        self.step = step

    def _check_params(self) -> None:
        check_choice(self, "method", RESAMPLE_METHODS)
        if self.step is not None:
            step = self.step
            if (
                isinstance(step, bool)
                or not isinstance(step, numbers.Real)
                or not (0 < abs(step) < np.inf)
            ):
                raise ValueError(f"Resampler: step must be a non-zero number; got {step!r}")
            if self.target_wavelengths is not None:
                raise ValueError("Resampler: give target_wavelengths or step, not both")
        fill = self.fill_value
        if fill is not None and (isinstance(fill, bool) or not isinstance(fill, numbers.Real)):
            raise ValueError(f"Resampler: fill_value must be a number or None; got {fill!r}")
        if self.crop_range is not None and (
            np.shape(self.crop_range) != (2,) or not np.all(np.isfinite(self.crop_range))
        ):
            raise ValueError(
                f"Resampler: crop_range must be two finite numbers; got {self.crop_range!r}"
            )

    def _min_features(self) -> int:
        return 2

    def _target(self) -> np.ndarray:
        axis = self.wavelengths_
        if self.step is not None:
            step = abs(float(self.step)) * np.sign(axis[-1] - axis[0])
            count = int(np.floor((axis[-1] - axis[0]) / step * (1 + AXIS_RTOL))) + 1
            target = axis[0] + step * np.arange(count)
        elif self.target_wavelengths is None:
            target = np.array(axis)
        else:
            values = axis_of(self.target_wavelengths)
            target = np.array(as_axis(values, values.size))
        if self.crop_range is not None:
            low, high = sorted(float(v) for v in self.crop_range)
            target = target[(target >= low) & (target <= high)]
        if target.size == 0:
            raise ValueError(
                f"Resampler: no target wavelength is left within crop_range={self.crop_range}"
            )
        return target

    def _fit(self, X: np.ndarray, y: Any) -> None:
        target = self._target()
        low, high = self.wavelengths_.min(), self.wavelengths_.max()
        slack = AXIS_RTOL * (high - low)
        inside = (target >= low - slack) & (target <= high + slack)
        if self.fill_value is None and not np.all(inside):
            raise ValueError(
                f"Resampler: {int(np.sum(~inside))} target wavelength(s) lie outside the "
                f"spectra ({self.wavelengths_[0]:g} to {self.wavelengths_[-1]:g}) and "
                "fill_value is None; crop the target (crop_range) or give a fill_value"
            )
        self.resample_ = None
        if np.any(inside):
            self.resample_ = Resample(target[inside], method=self.method).fit(
                X, wavelengths=self.wavelengths_
            )
        inside.flags.writeable = False
        target.flags.writeable = False
        self.inside_ = inside
        self.wavelengths_out_ = target

    def _transform(self, X: np.ndarray) -> np.ndarray:
        if self.resample_ is not None and self.inside_.all():
            return self.resample_.transform(X)
        fill = 0.0 if self.fill_value is None else self.fill_value
        out = np.full((X.shape[0], self.inside_.size), fill, dtype=X.dtype)
        if self.resample_ is not None:
            out[:, self.inside_] = self.resample_.transform(X)
        return out
