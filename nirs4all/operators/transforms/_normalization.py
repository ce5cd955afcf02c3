"""Row-wise normalisation and conversions of reflectance spectra."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_choice,
    check_positive,
)

__all__ = ["KubelkaMunk", "Normalize", "ReflectanceToAbsorbance"]

NORMALIZE_METHODS = ("vector", "area", "max")


class Normalize(SpectralTransformer):
    """Divide each spectrum by its own norm.

    ``x -> x / ||x||``, with ``||x||`` the Euclidean norm ``sqrt(sum x_i^2)`` (``"vector"``),
    the sum of absolute values ``sum |x_i|`` (``"area"``, the area under ``|x|`` in column
    units) or the largest absolute value ``max |x_i|`` (``"max"``). A spectrum whose norm is
    zero (all zeros) is returned unchanged.

    Parameters
    ----------
    method : {"vector", "area", "max"}, default="vector"
        The norm.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, method: str = "vector") -> None:
        self.method = method

    def _check_params(self) -> None:
        check_choice(self, "method", NORMALIZE_METHODS)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        if self.method == "vector":
            norm = np.sqrt(np.einsum("ij,ij->i", X, X))
        elif self.method == "area":
            norm = np.abs(X).sum(axis=1)
        else:
            norm = np.abs(X).max(axis=1)
        return X / np.where(norm == 0, np.ones_like(norm), norm)[:, None]


def _reflectance(estimator: ReflectanceToAbsorbance | KubelkaMunk, X: np.ndarray) -> np.ndarray:
    """Return a new array of ``X`` as fractions, floored at ``min_value``."""
    floor = X.dtype.type(estimator.min_value)
    if estimator.percent:
        reflectance = X / X.dtype.type(100)
        return np.maximum(reflectance, floor, out=reflectance)
    return np.maximum(X, floor)


class ReflectanceToAbsorbance(SpectralTransformer):
    """Convert reflectance (or transmittance) to absorbance.

    ``A = log10(1 / R) = -log10(max(R, min_value))``. Values of ``R`` below ``min_value``
    (zeros, negative noise) are floored there, so the output stays finite: at most
    ``-log10(min_value)`` (8 by default).

    Parameters
    ----------
    min_value : float, default=1e-8
        Floor applied to ``R`` before the logarithm; must be > 0.
    percent : bool, default=False
        ``R`` is given in percent (0-100) rather than as a fraction (0-1).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, min_value: float = 1e-8, percent: bool = False) -> None:
        self.min_value = min_value
        self.percent = percent

    def _check_params(self) -> None:
        check_positive(self, "min_value")

    def _transform(self, X: np.ndarray) -> np.ndarray:
        absorbance = _reflectance(self, X)
        np.log10(absorbance, out=absorbance)
        return np.negative(absorbance, out=absorbance)


class KubelkaMunk(SpectralTransformer):
    """Kubelka-Munk function of diffuse reflectance.

    ``F(R) = (1 - R)^2 / (2 R)``, proportional to the ratio of absorption to scattering
    coefficients (Kubelka & Munk 1931). ``R`` is floored at ``min_value`` so that the output
    stays finite.

    Parameters
    ----------
    min_value : float, default=1e-8
        Floor applied to ``R``; must be > 0.
    percent : bool, default=False
        ``R`` is given in percent (0-100) rather than as a fraction (0-1).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Kubelka, P. & Munk, F. (1931). Ein Beitrag zur Optik der Farbanstriche.
    Zeitschrift fur technische Physik 12, 593-601.
    """

    def __init__(self, min_value: float = 1e-8, percent: bool = False) -> None:
        self.min_value = min_value
        self.percent = percent

    def _check_params(self) -> None:
        check_positive(self, "min_value")

    def _transform(self, X: np.ndarray) -> np.ndarray:
        reflectance = _reflectance(self, X)
        ratio = 1 - reflectance
        np.square(ratio, out=ratio)
        reflectance *= 2
        ratio /= reflectance
        return ratio
