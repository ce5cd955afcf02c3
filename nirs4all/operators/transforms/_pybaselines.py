"""Baselines through pybaselines: the shared template, the Whittaker methods, any method.

pybaselines (Erb, https://pybaselines.readthedocs.io) estimates the baseline of one 1D
signal at a time; it has no batch entry point for 1D methods. Each transform here builds a
single ``pybaselines.Baseline`` fitter on the wavelength axis per ``transform`` and calls
the method on every spectrum in turn, so the set-up pybaselines caches on its fitter (the
banded penalty of the Whittaker methods, the Vandermonde matrix and its pseudo-inverse of
the polynomial methods) is built once per call, not once per spectrum. The spectra are
checked once by scikit-learn's validation, so pybaselines' own finiteness check is off.
"""

from __future__ import annotations

import inspect
import numbers
from typing import Any, ClassVar, Self

import numpy as np
from pybaselines import Baseline

from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_int,
    check_positive,
)

__all__ = [
    "IASLS",
    "MIN_POINTS",
    "AirPLS",
    "ArPLS",
    "PyBaselineCorrection",
    "PyBaselineTransform",
    "check_iterations",
    "check_tol",
    "pybaselines_methods",
]

#: Public attributes of ``pybaselines.Baseline`` that are not 1D baseline methods, or that
#: need several spectra at once (``collab_pls`` fits one set of weights to a whole set).
_NOT_METHODS = frozenset({"banded_solver", "pentapy_solver", "collab_pls"})
#: Arguments the transform supplies itself: the spectrum and the wavelength axis.
_SUPPLIED = frozenset({"self", "data", "x_data"})
#: Spectra narrower than this have no second difference: their baseline is themselves.
MIN_POINTS = 3


def pybaselines_methods() -> tuple[str, ...]:
    """Names of the pybaselines methods :class:`PyBaselineCorrection` accepts, sorted."""
    return tuple(
        name
        for name in sorted(dir(Baseline))
        if not name.startswith("_")
        and name not in _NOT_METHODS
        and inspect.isfunction(getattr(Baseline, name))
    )


def check_tol(estimator: object) -> None:
    """Raise ``ValueError`` unless ``estimator.tol`` is a number >= 0."""
    tol = estimator.tol  # type: ignore[attr-defined]
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 <= tol < np.inf:
        raise ValueError(f"{type(estimator).__name__}: tol must be a number >= 0; got {tol!r}")


def check_iterations(estimator: object) -> None:
    """Raise ``ValueError`` unless ``max_iter`` is an int >= 1 and ``tol`` a number >= 0."""
    check_int(estimator, "max_iter", 1)
    check_tol(estimator)


class PyBaselineTransform(SpectralTransformer):
    """Subtract a pybaselines baseline from every spectrum (template; not exported).

    Spectra of fewer than ``MIN_POINTS`` (3) points have no second difference, which the
    Whittaker penalties need: their baseline is the spectrum itself and the output is zero,
    for every method, so default-constructed transforms work on any width.

    Subclasses name the pybaselines method in ``_method`` and the estimator parameters it
    takes as they are in ``_passed``, or override ``_method_params`` to return its keyword
    arguments for spectra of ``n_features`` points.
    """

    _method: ClassVar[str]
    #: Narrowest spectrum the method takes; narrower ones get themselves as baseline.
    _min_points: ClassVar[int] = MIN_POINTS
    _passed: ClassVar[tuple[str, ...]] = ()

    def _method_name(self) -> str:
        return self._method

    def _method_params(self, n_features: int) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._passed}

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self._fit_transform(X, y)

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        self._fit_windows(X.shape[1])
        baselines, n_iter = self._baselines(X)
        if "max_iter" in self.get_params():
            self.n_iter_ = n_iter
        return X - baselines.astype(X.dtype, copy=False)

    def _fit_windows(self, n_features: int) -> None:
        """Record parameters clamped to the width of the training spectra."""

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X - self._baselines(X)[0].astype(X.dtype, copy=False)

    def _baselines(self, X: np.ndarray) -> tuple[np.ndarray, int]:
        """Return the float64 baseline of each row of validated ``X`` and the most
        iterations pybaselines recorded (``tol_history``) for one row."""
        spectra = X.astype(np.float64, copy=False)
        if X.shape[1] < self._min_points:
            return spectra.copy(), 1
        fitter = Baseline(x_data=self.wavelengths_, check_finite=False)
        method = getattr(fitter, self._method_name())
        params = self._method_params(X.shape[1])
        out = np.empty(spectra.shape, dtype=np.float64)
        n_iter = 1
        for i, spectrum in enumerate(spectra):
            out[i], info = method(spectrum, **params)
            n_iter = max(n_iter, len(info.get("tol_history", ())))
        return out, n_iter


class _Whittaker(PyBaselineTransform):
    """Penalised least squares baselines whose parameters are ``lam``, ``max_iter``, ``tol``."""

    _passed = ("lam", "max_iter", "tol")

    def __init__(self, lam: float = 1e6, max_iter: int = 50, tol: float = 1e-3) -> None:
        self.lam = lam
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self) -> None:
        check_positive(self, "lam")
        check_iterations(self)


class AirPLS(_Whittaker):
    """Adaptive iteratively reweighted penalised least squares baseline (Zhang et al. 2010).

    The baseline ``z`` minimises ``sum_i w_i (x_i - z_i)^2 + lam * sum_i (Delta^2 z)_i^2``;
    after each solve, points above the baseline get weight 0 and points below it
    ``exp(t |d_i| / |d^-|)``, ``d^-`` the negative residuals, at iteration ``t``, until
    ``|d^-| < tol * |x|`` or ``max_iter`` solves. ``x - z`` is returned. Computed by
    ``pybaselines.Baseline.airpls``.

    Parameters
    ----------
    lam : float, default=1e6
        Smoothness of the baseline.
    max_iter : int, default=50
        Maximum number of reweighting iterations.
    tol : float, default=1e-3
        Convergence threshold.

    Attributes
    ----------
    n_iter_ : int
        Most iterations pybaselines recorded (``tol_history``) for a training spectrum;
        ``fit`` computes the training baselines to know it.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The penalty uses differences between neighbouring columns, so ``lam`` does not depend on
    the units of the wavelength axis.

    References
    ----------
    Zhang, Z.-M., Chen, S. & Liang, Y.-Z. (2010). Baseline correction using adaptive
    iteratively reweighted penalized least squares. Analyst 135(5), 1138-1146.
    """

    _method = "airpls"


class ArPLS(_Whittaker):
    """Asymmetrically reweighted penalised least squares baseline (Baek et al. 2015).

    As :class:`AirPLS`, but the weights are a logistic function of the residual,
    ``w_i = 1 / (1 + exp(2 (d_i - (2 s^- - m^-)) / s^-))`` with ``m^-`` and ``s^-`` the mean
    and standard deviation of the negative residuals, iterated until the weights change by
    less than ``tol`` (relative norm) or ``max_iter`` solves. ``x - z`` is returned.
    Computed by ``pybaselines.Baseline.arpls``.

    Parameters
    ----------
    lam : float, default=1e6
        Smoothness of the baseline (the 0.7 default; pybaselines' own default is 1e5).
    max_iter : int, default=50
    tol : float, default=1e-3

    Attributes
    ----------
    n_iter_ : int
        Most iterations pybaselines recorded (``tol_history``) for a training spectrum;
        ``fit`` computes the training baselines to know it.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The penalty uses differences between neighbouring columns, so ``lam`` does not depend on
    the units of the wavelength axis.

    References
    ----------
    Baek, S.-J., Park, A., Ahn, Y.-J. & Choo, J. (2015). Baseline correction using
    asymmetrically reweighted penalized least squares smoothing. Analyst 140(1), 250-257.
    """

    _method = "arpls"


class IASLS(_Whittaker):
    """Improved asymmetric least squares baseline (He et al. 2014).

    The baseline minimises ``sum_i (w_i (x_i - z_i))^2 + lam_1 * sum_i (Delta z)_i^2 +
    lam * sum_i (Delta^2 z)_i^2``, the weights ``p`` above the baseline and ``1 - p`` below
    it, starting from a polynomial fit, iterated until they change by less than ``tol`` or
    ``max_iter`` times. ``x - z`` is returned. Computed by ``pybaselines.Baseline.iasls``.

    Parameters
    ----------
    lam : float, default=1e6
        Weight of the second-difference penalty.
    p : float, default=0.01
        Asymmetry, in (0, 1).
    lam_1 : float, default=1e-4
        Weight of the first-difference penalty of the residual.
    max_iter : int, default=50
    tol : float, default=1e-3

    Attributes
    ----------
    n_iter_ : int
        Most iterations pybaselines recorded (``tol_history``) for a training spectrum;
        ``fit`` computes the training baselines to know it.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The penalty uses differences between neighbouring columns, so ``lam`` does not depend on
    the units of the wavelength axis.

    References
    ----------
    He, S., Zhang, W., Liu, L., Huang, Y., He, J., Xie, W., Wu, P. & Du, C. (2014). Baseline
    correction for Raman spectra using an improved asymmetric least squares method.
    Analytical Methods 6(12), 4402-4407.
    """

    _method = "iasls"
    _passed = ("lam", "p", "lam_1", "max_iter", "tol")

    def __init__(
        self,
        lam: float = 1e6,
        p: float = 0.01,
        lam_1: float = 1e-4,
        max_iter: int = 50,
        tol: float = 1e-3,
    ) -> None:
        self.lam = lam
        self.p = p
        self.lam_1 = lam_1
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self) -> None:
        super()._check_params()
        check_positive(self, "lam_1")
        if check_positive(self, "p") >= 1:
            raise ValueError(f"IASLS: p must be in (0, 1); got {self.p!r}")


class PyBaselineCorrection(PyBaselineTransform):
    """Any 1D baseline method of pybaselines, by name, with its own keyword arguments.

    ``PyBaselineCorrection("aspls", lam=1e5)`` subtracts from each spectrum the baseline
    that ``pybaselines.Baseline(x_data=wavelengths).aspls(spectrum, lam=1e5)`` returns. The
    method's defaults are pybaselines' own. The methods and their papers are listed in
    pybaselines' documentation; :func:`pybaselines_methods` gives the accepted names
    (``collab_pls``, which fits a set of spectra together, is not one).

    Parameters
    ----------
    method : str, default="asls"
        Name of the pybaselines method.
    **params
        Keyword arguments of that method (not ``data`` or ``x_data``: the spectrum and the
        wavelength axis are supplied). They are estimator parameters: ``get_params`` returns
        them, and ``clone`` and ``set_params`` keep them.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    Methods with windows or penalties have pybaselines' own minimum sizes: a spectrum too
    short for the method raises pybaselines' error.

    References
    ----------
    Erb, D. pybaselines: a Python library of algorithms for the baseline correction of
    experimental data. https://doi.org/10.5281/zenodo.5608581
    """

    def __init__(self, method: str = "asls", **params: Any) -> None:
        self.method = method
        self._params = dict(params)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return ``method`` and the method's keyword arguments."""
        return {"method": self.method, **self._params}

    def set_params(self, **params: Any) -> Self:
        """Set ``method`` and/or keyword arguments of the method."""
        if "method" in params:
            self.method = params.pop("method")
        self._params.update(params)
        return self

    def _check_params(self) -> None:
        methods = pybaselines_methods()
        if self.method not in methods:
            raise ValueError(
                f"PyBaselineCorrection: method must be the name of a pybaselines baseline "
                f"method ({', '.join(methods)}); got {self.method!r}"
            )
        signature = inspect.signature(getattr(Baseline, self.method))
        accepted = set(signature.parameters) - _SUPPLIED
        takes_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
        unknown = sorted(set(self._params) - accepted) if not takes_any else []
        supplied = sorted(set(self._params) & _SUPPLIED)
        if unknown or supplied:
            raise ValueError(
                f"PyBaselineCorrection: pybaselines' {self.method} does not take "
                f"{', '.join(unknown + supplied)} (the spectrum and wavelength axis are "
                f"supplied); its parameters are {', '.join(sorted(accepted - {'kwargs'}))}"
            )

    def _method_name(self) -> str:
        return self.method

    def _method_params(self, n_features: int) -> dict[str, Any]:
        return dict(self._params)
