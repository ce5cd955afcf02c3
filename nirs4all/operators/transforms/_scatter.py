"""Scatter corrections: SNV, robust SNV, MSC and EMSC (one spectrum per row)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike

from nirs4all.errors import DataWarning
from nirs4all.operators.transforms._base import scaled_axis
from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_int,
    warn_caller,
)

__all__ = ["EMSC", "MSC", "SNV", "RobustSNV"]

#: A reference whose part outside the baseline polynomials is below this fraction of its norm
#: carries no shape: MSC/EMSC then remove the baseline only.
DEGENERATE_RTOL = 1e-10
#: Scales the median absolute deviation to the standard deviation of normal data.
MAD_TO_STD = 1.4826


def _safe_divisor(scale: np.ndarray) -> np.ndarray:
    """Replace zero divisors by one, so that the rows they belong to are left unscaled."""
    return np.where(scale == 0, np.ones_like(scale), scale)


def _reference(estimator: MSC | EMSC, X: np.ndarray) -> np.ndarray:
    name = type(estimator).__name__
    if estimator.reference is None:
        reference = X.mean(axis=0, dtype=np.float64)
    else:
        reference = np.array(estimator.reference, dtype=np.float64)
        if reference.shape != (X.shape[1],):
            raise ValueError(
                f"{name}: reference has shape {reference.shape} but X has {X.shape[1]} "
                f"columns; give one reference value per column"
            )
        if not np.all(np.isfinite(reference)):
            raise ValueError(f"{name}: reference holds NaN or infinite values")
    reference.flags.writeable = False
    return reference


def _fit_scatter_model(estimator: MSC | EMSC, X: np.ndarray, order: int) -> None:
    """Set ``reference_``, ``basis_`` and ``projection_`` of MSC (order 0) or EMSC."""
    reference = _reference(estimator, X)
    basis = legendre.legvander(scaled_axis(estimator.wavelengths_), order)
    orthonormal = np.linalg.qr(basis)[0]
    shape = reference - orthonormal @ (orthonormal.T @ reference)
    if np.linalg.norm(shape) > DEGENERATE_RTOL * np.linalg.norm(reference):
        projection = np.linalg.pinv(np.column_stack([reference, basis]))
    else:
        shape_text = "constant" if order == 0 else f"a polynomial of degree <= {order}"
        warn_caller(
            f"{type(estimator).__name__}: the reference spectrum is {shape_text} over the "
            "wavelength axis, so the scale b cannot be estimated and only the offset/baseline "
            "is removed; check that the spectra were not column-centred or standardised "
            "before this step",
            DataWarning,
        )
        projection = np.vstack([np.zeros(X.shape[1]), np.linalg.pinv(basis)])
    estimator.reference_ = reference
    estimator.basis_ = basis
    estimator.projection_ = projection


def _apply_scatter_model(estimator: MSC | EMSC, X: np.ndarray) -> np.ndarray:
    """Return ``(x - baseline) / b`` for each row, with ``b`` zero to round-off treated as 1."""
    projection = estimator.projection_.astype(X.dtype)
    coefficients = X @ projection.T
    corrected = X - coefficients[:, 1:] @ estimator.basis_.T.astype(X.dtype)
    # Worst-case round-off of the dot product b = projection[0] @ x.
    round_off = X.shape[1] * np.finfo(X.dtype).eps * np.linalg.norm(projection[0])
    round_off *= np.sqrt(np.einsum("ij,ij->i", X, X))
    scale = coefficients[:, 0]
    corrected /= np.where(np.abs(scale) > round_off, scale, np.ones_like(scale))[:, None]
    return corrected


class SNV(SpectralTransformer):
    """Standard normal variate: centre and scale each spectrum by its own mean and deviation.

    ``x -> (x - mean(x)) / std(x)`` row by row, with ``ddof=0`` (Barnes, Dhanoa & Lister 1989).
    Stateless: ``fit`` only records the number of columns and the axis.

    A spectrum whose standard deviation is zero, or at round-off level (below 32 machine
    epsilons of its mean), cannot be scaled: it is returned centred (all zeros) instead of
    divided by zero.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Barnes, R. J., Dhanoa, M. S. & Lister, S. J. (1989). Standard normal variate
    transformation and de-trending of near-infrared diffuse reflectance spectra.
    Applied Spectroscopy 43(5), 772-777.
    """

    def _transform(self, X: np.ndarray) -> np.ndarray:
        mean = X.mean(axis=1, keepdims=True)
        centered = X - mean
        std = np.sqrt(np.einsum("ij,ij->i", centered, centered) / X.shape[1])[:, None]
        round_off = 32 * np.finfo(X.dtype).eps * np.abs(mean)
        centered /= np.where(std > round_off, std, np.ones_like(std))
        return centered


class RobustSNV(SpectralTransformer):
    """Robust standard normal variate: median and median absolute deviation instead of mean/std.

    ``x -> (x - median(x)) / (1.4826 * median(|x - median(x)|))`` row by row (the robust
    variant of Barnes et al. 1989, with the MAD scaled to the standard deviation of normal
    data; Rousseeuw & Croux 1993). A spectrum with a zero MAD (more than half of its values
    equal) is returned centred but not scaled.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Barnes, R. J., Dhanoa, M. S. & Lister, S. J. (1989). Applied Spectroscopy 43(5), 772-777.
    Rousseeuw, P. J. & Croux, C. (1993). Alternatives to the median absolute deviation.
    Journal of the American Statistical Association 88(424), 1273-1283.
    """

    def _transform(self, X: np.ndarray) -> np.ndarray:
        centered = X - np.median(X, axis=1, keepdims=True)
        mad = np.median(np.abs(centered), axis=1, keepdims=True) * X.dtype.type(MAD_TO_STD)
        centered /= _safe_divisor(mad)
        return centered


class MSC(SpectralTransformer):
    """Multiplicative scatter correction against a reference spectrum (classical form).

    Each spectrum is regressed on the reference by least squares, ``x ~ a + b * ref``, and
    replaced by ``(x - a) / b`` (Geladi, MacDougall & Martens 1985). A spectrum with ``b = 0``
    to round-off (flat, or uncorrelated with the reference) is returned as ``x - a``. A constant
    reference (for instance the mean of column-standardised spectra) cannot estimate ``b``:
    ``fit`` then emits a :class:`~nirs4all.errors.DataWarning` and only ``a`` is removed.

    Parameters
    ----------
    reference : array-like of shape (n_features,), optional
        Reference spectrum. By default the mean of the spectra given to ``fit``.

    Attributes
    ----------
    reference_ : ndarray of shape (n_features_in_,)
        The reference spectrum used, float64.
    basis_ : ndarray of shape (n_features_in_, 1)
        The constant column of the offset ``a``.
    projection_ : ndarray of shape (2, n_features_in_)
        Pseudo-inverse of ``[reference_, basis_]``: ``(b, a) = projection_ @ x``.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Geladi, P., MacDougall, D. & Martens, H. (1985). Linearization and scatter-correction for
    near-infrared reflectance spectra of meat. Applied Spectroscopy 39(3), 491-500.
    """

    def __init__(self, reference: ArrayLike | None = None) -> None:
        self.reference = reference

    def _fit(self, X: np.ndarray, y: Any) -> None:
        _fit_scatter_model(self, X, order=0)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return _apply_scatter_model(self, X)


class EMSC(SpectralTransformer):
    """Extended multiplicative scatter correction with a polynomial baseline.

    Each spectrum is fitted by least squares as ``x ~ b * ref + sum_k c_k * P_k(w)`` where
    ``P_k`` are the Legendre polynomials of degree ``0..order`` over the wavelength axis
    rescaled to [-1, 1], and replaced by ``(x - sum_k c_k * P_k(w)) / b``
    (Martens & Stark 1991). With ``order=0`` this is MSC. A spectrum with ``b = 0`` (to
    round-off) is returned with its baseline removed but unscaled. A reference that is itself such a
    polynomial cannot estimate ``b``: ``fit`` then emits a
    :class:`~nirs4all.errors.DataWarning` and only the baseline is removed.

    Parameters
    ----------
    order : int, default=2
        Degree of the polynomial baseline. When ``X`` has fewer than ``order + 2`` columns,
        the degree used is reduced to ``max(0, n_features - 2)`` (stored in ``order_``).
    reference : array-like of shape (n_features,), optional
        Reference spectrum. By default the mean of the spectra given to ``fit``.

    Attributes
    ----------
    reference_ : ndarray of shape (n_features_in_,)
    order_ : int
        Degree of the baseline polynomial used.
    basis_ : ndarray of shape (n_features_in_, order_ + 1)
        The polynomials ``P_k(w)``, one per column.
    projection_ : ndarray of shape (order_ + 2, n_features_in_)
        Pseudo-inverse of ``[reference_, basis_]``: ``coefficients = projection_ @ x``.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Martens, H. & Stark, E. (1991). Extended multiplicative signal correction and spectral
    interference subtraction: new preprocessing methods for near infrared spectroscopy.
    Journal of Pharmaceutical and Biomedical Analysis 9(8), 625-635.
    """

    def __init__(self, order: int = 2, reference: ArrayLike | None = None) -> None:
        self.order = order
        self.reference = reference

    def _check_params(self) -> None:
        check_int(self, "order", 0)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.order_ = max(0, min(self.order, X.shape[1] - 2))
        _fit_scatter_model(self, X, self.order_)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return _apply_scatter_model(self, X)
