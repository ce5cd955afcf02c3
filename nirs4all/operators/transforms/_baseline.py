"""Baseline removal: polynomial detrending, asymmetric least squares, minimum offset."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.polynomial import legendre
from scipy.linalg import solveh_banded

from nirs4all.operators.transforms._base import scaled_axis
from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_int,
    check_positive,
)

__all__ = ["ASLSBaseline", "BaselineOffset", "Detrend"]

#: ASLSBaseline solves the spectra of a block of about this many values together.
ASLS_BLOCK_VALUES = 1 << 18


class Detrend(SpectralTransformer):
    """Subtract from each spectrum its least-squares polynomial over the wavelength axis.

    ``x -> x - poly_order(w)``, the polynomial of degree ``order`` in the wavelengths ``w``
    fitted to ``x`` by least squares (the de-trending of Barnes, Dhanoa & Lister 1989,
    generalised to any degree). All spectra are projected at once on an orthonormal basis
    of the polynomials.

    Parameters
    ----------
    order : int, default=1
        Degree of the polynomial (1 removes a straight line). When ``X`` has ``order`` columns
        or fewer, the degree used is ``n_features - 1`` (stored in ``order_``), and the
        output is zero.

    Attributes
    ----------
    order_ : int
        Degree used.
    basis_ : ndarray of shape (n_features_in_, order_ + 1)
        Orthonormal basis of the polynomials of degree <= ``order_`` over the axis.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Barnes, R. J., Dhanoa, M. S. & Lister, S. J. (1989). Standard normal variate
    transformation and de-trending of near-infrared diffuse reflectance spectra.
    Applied Spectroscopy 43(5), 772-777.
    """

    def __init__(self, order: int = 1) -> None:
        self.order = order

    def _check_params(self) -> None:
        check_int(self, "order", 0)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.order_ = min(self.order, X.shape[1] - 1)
        vandermonde = legendre.legvander(scaled_axis(self.wavelengths_), self.order_)
        self.basis_ = np.linalg.qr(vandermonde)[0]

    def _transform(self, X: np.ndarray) -> np.ndarray:
        basis = self.basis_.astype(X.dtype, copy=False)
        return X - (X @ basis) @ basis.T


def _penalty_bands(n_features: int, lam: float) -> np.ndarray:
    """Lower bands of ``lam * D.T @ D``, D the second-difference matrix, in LAPACK layout."""
    ones = np.ones(n_features - 2)
    bands = np.zeros((3, n_features))
    bands[0] = lam * np.convolve(ones, [1.0, 4.0, 1.0])
    bands[1, :-1] = lam * np.convolve(ones, [-2.0, -2.0])
    bands[2, :-2] = lam * ones
    return bands


def asls_baselines(
    spectra: np.ndarray, lam: float, p: float, max_iter: int, tol: float
) -> tuple[np.ndarray, int]:
    """Return the asymmetric least-squares baseline of each row of ``spectra`` (float64).

    The rows are solved together as one block-diagonal banded system, so the Python loop
    runs over iterations, not over spectra. A row stops iterating when its weights change by
    ``tol`` or less (relative L2 norm); later iterations solve only the remaining rows.
    Also returns the largest number of solves any row needed.
    """
    n_rows, n_features = spectra.shape
    if n_features < 3:
        # Without a second difference there is no penalty: the baseline is the spectrum.
        return spectra.copy(), 1
    penalty = _penalty_bands(n_features, lam)
    weights = np.ones_like(spectra)
    baselines = np.empty_like(spectra)
    active = np.arange(n_rows)
    n_iter = 0
    while active.size and n_iter < max_iter:
        n_iter += 1
        y, w = spectra[active], weights[active]
        bands = np.broadcast_to(penalty[:, None, :], (3, active.size, n_features)).copy()
        bands[0] += w
        z = solveh_banded(
            bands.reshape(3, -1),
            (w * y).ravel(),
            lower=True,
            overwrite_ab=True,
            overwrite_b=True,
            check_finite=False,
        ).reshape(active.size, n_features)
        baselines[active] = z
        new_w = np.where(y > z, p, 1.0 - p)
        change = np.linalg.norm(new_w - w, axis=1) / np.linalg.norm(w, axis=1)
        weights[active] = new_w
        active = active[change > tol]
    return baselines, n_iter


class ASLSBaseline(SpectralTransformer):
    """Asymmetric least squares baseline removal (Eilers & Boelens 2005).

    The baseline ``z`` of a spectrum ``x`` minimises
    ``sum_i w_i (x_i - z_i)^2 + lam * sum_i (z_i - 2 z_{i+1} + z_{i+2})^2`` with weights
    ``w_i = p`` where ``x_i > z_i`` and ``1 - p`` elsewhere, re-estimated until they change
    by ``tol`` or less (relative L2 norm) or for ``max_iter`` solves; ``x - z`` is returned.
    Each solve is a banded Cholesky factorisation of ``W + lam * D'D``.

    Parameters
    ----------
    lam : float, default=1e6
        Smoothness of the baseline. The penalty uses differences between neighbouring
        columns, so it does not depend on the units of the wavelength axis.
    p : float, default=0.01
        Asymmetry, in (0, 1): the weight of points above the baseline.
    max_iter : int, default=50
        Maximum number of solves per spectrum.
    tol : float, default=1e-3
        Convergence threshold on the relative change of the weights.

    Attributes
    ----------
    n_iter_ : int
        Largest number of solves a training spectrum needed. ``fit`` computes the baselines
        of the training spectra to know it (``fit_transform`` computes them once).
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The computation is in float64 whatever the input dtype; the output has the input dtype.
    A spectrum of fewer than 3 points has no second difference: its baseline is itself.

    References
    ----------
    Eilers, P. H. C. & Boelens, H. F. M. (2005). Baseline correction with asymmetric least
    squares smoothing. Leiden University Medical Centre report.
    """

    def __init__(
        self, lam: float = 1e6, p: float = 0.01, max_iter: int = 50, tol: float = 1e-3
    ) -> None:
        self.lam = lam
        self.p = p
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self) -> None:
        check_positive(self, "lam")
        if check_positive(self, "p") >= 1:
            raise ValueError(f"ASLSBaseline: p must be in (0, 1); got {self.p!r}")
        check_int(self, "max_iter", 1)
        tol = self.tol
        if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 <= tol < np.inf:
            raise ValueError(f"ASLSBaseline: tol must be a number >= 0; got {tol!r}")

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self._fit_transform(X, y)

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        corrected, self.n_iter_ = self._correct(X)
        return corrected

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return self._correct(X)[0]

    def _correct(self, X: np.ndarray) -> tuple[np.ndarray, int]:
        spectra = X.astype(np.float64, copy=False)
        corrected = np.empty_like(X)
        rows = max(1, ASLS_BLOCK_VALUES // X.shape[1])
        n_iter = 0
        for start in range(0, X.shape[0], rows):
            block = spectra[start : start + rows]
            baselines, block_iter = asls_baselines(block, self.lam, self.p, self.max_iter, self.tol)
            corrected[start : start + rows] = block - baselines
            n_iter = max(n_iter, block_iter)
        return corrected, n_iter


class BaselineOffset(SpectralTransformer):
    """Subtract from each spectrum its minimum value.

    ``x -> x - min(x)``: the simplest baseline correction, a constant offset per spectrum,
    so that every corrected spectrum has its minimum at zero.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X - X.min(axis=1, keepdims=True)
