"""Polynomial and peak-clipping baselines through pybaselines: ModPoly, IModPoly, SNIP,
RollingBall, BEADS (see :mod:`nirs4all.operators.transforms._pybaselines` for how they run).
"""

from __future__ import annotations

from typing import Any

from nirs4all.operators.transforms._pybaselines import PyBaselineTransform, check_iterations
from nirs4all.operators.transforms._transformer import check_int, check_positive

__all__ = ["BEADS", "SNIP", "IModPoly", "ModPoly", "RollingBall", "clamped_half_window"]


class _Polynomial(PyBaselineTransform):
    def _check_params(self) -> None:
        check_int(self, "poly_order", 0)
        check_iterations(self)

    def _fit_windows(self, n_features: int) -> None:
        self.poly_order_ = min(self.poly_order, n_features - 1)

    def _method_params(self, n_features: int) -> dict[str, Any]:
        return {"poly_order": self.poly_order_, "max_iter": self.max_iter, "tol": self.tol}


class ModPoly(_Polynomial):
    """Modified polynomial baseline (Lieber & Mahadevan-Jansen 2003).

    A polynomial of degree ``poly_order`` in the wavelengths is fitted by least squares;
    points of the spectrum above it are replaced by the fit, and the fit repeated until it
    changes by less than ``tol`` (relative) or ``max_iter`` times. ``x - z`` is returned.
    Computed by ``pybaselines.Baseline.modpoly``.

    Parameters
    ----------
    poly_order : int, default=5
    max_iter : int, default=250
    tol : float, default=1e-3

    Attributes
    ----------
    n_iter_ : int
        Most iterations pybaselines recorded (``tol_history``) for a training spectrum;
        ``fit`` computes the training baselines to know it.
    poly_order_ : int
        Degree used.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The polynomial is in the wavelengths (pybaselines maps the axis onto [-1, 1]), so an
    unevenly spaced axis gives a different, correct, baseline than the column index. When
    ``X`` has ``poly_order`` columns or fewer, the degree used is ``n_features - 1``
    (``poly_order_``), so a default-constructed transform works on narrow data.

    References
    ----------
    Lieber, C. A. & Mahadevan-Jansen, A. (2003). Automated method for subtraction of
    fluorescence from biological Raman spectra. Applied Spectroscopy 57(11), 1363-1367.
    """

    _method = "modpoly"

    def __init__(self, poly_order: int = 5, max_iter: int = 250, tol: float = 1e-3) -> None:
        self.poly_order = poly_order
        self.max_iter = max_iter
        self.tol = tol


class IModPoly(_Polynomial):
    """Improved modified polynomial baseline (Zhao et al. 2007).

    As :class:`ModPoly`, but a point is clipped only when it lies more than ``num_std``
    standard deviations of the residual above the fit, and the peaks are masked before the
    first fit. Computed by ``pybaselines.Baseline.imodpoly``.

    Parameters
    ----------
    poly_order : int, default=5
    max_iter : int, default=250
    tol : float, default=1e-3
    num_std : float, default=1.0
        Residual threshold, in standard deviations.

    Attributes
    ----------
    n_iter_ : int
        Most iterations pybaselines recorded (``tol_history``) for a training spectrum;
        ``fit`` computes the training baselines to know it.
    poly_order_ : int
        Degree used.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    Notes
    -----
    The polynomial is in the wavelengths (pybaselines maps the axis onto [-1, 1]), so an
    unevenly spaced axis gives a different, correct, baseline than the column index. When
    ``X`` has ``poly_order`` columns or fewer, the degree used is ``n_features - 1``
    (``poly_order_``), so a default-constructed transform works on narrow data.

    References
    ----------
    Zhao, J., Lui, H., McLean, D. I. & Zeng, H. (2007). Automated autofluorescence
    background subtraction algorithm for biomedical Raman spectroscopy. Applied
    Spectroscopy 61(11), 1225-1232.
    """

    _method = "imodpoly"

    def __init__(
        self, poly_order: int = 5, max_iter: int = 250, tol: float = 1e-3, num_std: float = 1.0
    ) -> None:
        self.poly_order = poly_order
        self.max_iter = max_iter
        self.tol = tol
        self.num_std = num_std

    def _check_params(self) -> None:
        super()._check_params()
        check_positive(self, "num_std")

    def _method_params(self, n_features: int) -> dict[str, Any]:
        return {**super()._method_params(n_features), "num_std": self.num_std}


def clamped_half_window(half_window: int, n_features: int) -> int:
    """Largest useful half window for spectra of ``n_features`` points (at least 1)."""
    return max(1, min(half_window, (n_features - 1) // 2))


class SNIP(PyBaselineTransform):
    """Statistics-sensitive non-linear iterative peak-clipping baseline (Ryan et al. 1988).

    For half windows ``k = 1 .. max_half_window`` (or downwards when ``decreasing``), each
    point is replaced by ``min(z_i, (z_{i-k} + z_{i+k}) / 2)``; the clipped signal is the
    baseline, and ``x - z`` is returned. Computed by ``pybaselines.Baseline.snip``.

    Parameters
    ----------
    max_half_window : int, default=40
        Largest half window, in points. Values above ``(n_features - 1) // 2`` have no effect
        and are clamped there (``max_half_window_``), so the default works on narrow data.
    decreasing : bool, default=True
        Iterate from the largest half window down (the 0.7 default; pybaselines' is False).
    smooth_half_window : int, optional
        Half window of a moving average applied to the spectrum first; none by default.

    Attributes
    ----------
    max_half_window_ : int
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Ryan, C. G., Clayton, E., Griffin, W. L., Sie, S. H. & Cousens, D. R. (1988). SNIP, a
    statistics-sensitive background treatment for the quantitative analysis of PIXE spectra
    in geoscience applications. Nuclear Instruments and Methods B 34(3), 396-402.
    """

    _method = "snip"

    def __init__(
        self,
        max_half_window: int = 40,
        decreasing: bool = True,
        smooth_half_window: int | None = None,
    ) -> None:
        self.max_half_window = max_half_window
        self.decreasing = decreasing
        self.smooth_half_window = smooth_half_window

    def _check_params(self) -> None:
        check_int(self, "max_half_window", 1)
        if self.smooth_half_window is not None:
            check_int(self, "smooth_half_window", 1)

    def _fit_windows(self, n_features: int) -> None:
        self.max_half_window_ = clamped_half_window(self.max_half_window, n_features)

    def _method_params(self, n_features: int) -> dict[str, Any]:
        return {
            "max_half_window": self.max_half_window_,
            "decreasing": bool(self.decreasing),
            "smooth_half_window": self.smooth_half_window,
        }


class RollingBall(PyBaselineTransform):
    """Rolling-ball baseline (Kneen & Annegarn 1996).

    The morphological opening of the spectrum (a moving minimum then a moving maximum over
    ``2 * half_window + 1`` points), smoothed by a moving average over
    ``2 * smooth_half_window + 1`` points; ``x - z`` is returned. Computed by
    ``pybaselines.Baseline.rolling_ball``.

    Parameters
    ----------
    half_window : int, default=50
        Half window of the ball, in points, clamped to ``(n_features - 1) // 2``
        (``half_window_``) so the default works on narrow data.
    smooth_half_window : int, optional
        Half window of the smoothing; pybaselines uses ``half_window`` when None.

    Attributes
    ----------
    half_window_ : int
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Kneen, M. A. & Annegarn, H. J. (1996). Algorithm for fitting XRF, SEM and PIXE X-ray
    spectra backgrounds. Nuclear Instruments and Methods B 109-110, 209-213.
    """

    _method = "rolling_ball"

    def __init__(self, half_window: int = 50, smooth_half_window: int | None = None) -> None:
        self.half_window = half_window
        self.smooth_half_window = smooth_half_window

    def _check_params(self) -> None:
        check_int(self, "half_window", 1)
        if self.smooth_half_window is not None:
            check_int(self, "smooth_half_window", 0)

    def _fit_windows(self, n_features: int) -> None:
        self.half_window_ = clamped_half_window(self.half_window, n_features)

    def _method_params(self, n_features: int) -> dict[str, Any]:
        smooth = self.smooth_half_window
        if smooth is not None:
            smooth = min(smooth, self.half_window_)
        return {"half_window": self.half_window_, "smooth_half_window": smooth}


class BEADS(PyBaselineTransform):
    """Baseline estimation and denoising with sparsity (Ning, Selesnick & Duval 2014).

    The spectrum is modelled as a low-pass baseline plus sparse, nonnegative peaks plus
    noise; the peaks ``p`` minimise ``||H(x - p)||^2 + lam_0 * theta(p) + lam_1 * ||D_1 p||_1
    + lam_2 * ||D_2 p||_1`` (``H`` a high-pass filter of cut-off ``freq_cutoff``, ``theta`` an
    asymmetric penalty), by majorisation-minimisation for at most ``max_iter`` iterations or
    until the relative change is below ``tol``. The baseline is ``x - p - noise``; ``x``
    minus it is returned. Computed by ``pybaselines.Baseline.beads``; a spectrum of fewer
    than 5 points (the filter's width) is its own baseline, so its output is zero.

    Parameters
    ----------
    freq_cutoff : float, default=0.005
        Cut-off frequency of the high-pass filter, in (0, 0.5) cycles per point.
    lam_0, lam_1, lam_2 : float, default=1.0
        Weights of the asymmetric, first-derivative and second-derivative penalties.
    asymmetry : float, default=6.0
        Ratio of the penalty of negative to positive peaks.
    max_iter : int, default=50
    tol : float, default=0.01

    Attributes
    ----------
    n_iter_ : int
        Most iterations pybaselines recorded (``tol_history``) for a training spectrum;
        ``fit`` computes the training baselines to know it.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Ning, X., Selesnick, I. W. & Duval, L. (2014). Chromatogram baseline estimation and
    denoising using sparsity (BEADS). Chemometrics and Intelligent Laboratory Systems 139,
    156-167.
    """

    _method = "beads"
    # pybaselines' banded solver (used when numba is installed) needs 4 * d + 1 points for
    # its filter of order d = 1; a narrower spectrum is its own baseline, as for MIN_POINTS.
    _min_points = 5
    _passed = ("freq_cutoff", "lam_0", "lam_1", "lam_2", "asymmetry", "max_iter", "tol")

    def __init__(
        self,
        freq_cutoff: float = 0.005,
        lam_0: float = 1.0,
        lam_1: float = 1.0,
        lam_2: float = 1.0,
        asymmetry: float = 6.0,
        max_iter: int = 50,
        tol: float = 0.01,
    ) -> None:
        self.freq_cutoff = freq_cutoff
        self.lam_0 = lam_0
        self.lam_1 = lam_1
        self.lam_2 = lam_2
        self.asymmetry = asymmetry
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self) -> None:
        if check_positive(self, "freq_cutoff") >= 0.5:
            raise ValueError(f"BEADS: freq_cutoff must be in (0, 0.5); got {self.freq_cutoff!r}")
        for name in ("lam_0", "lam_1", "lam_2", "asymmetry"):
            check_positive(self, name)
        check_iterations(self)
