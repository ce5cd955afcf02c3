"""Discrete wavelet transforms through PyWavelets: detail coefficients, features, denoising.

The discrete wavelet transform (Mallat 1989; Daubechies 1992) is computed by ``pywt`` along
the wavelength axis of all spectra at once (``axis=1``). It filters neighbouring columns,
so like every fixed-window filter here it needs a uniformly spaced axis (protocol rule 4).

References
----------
Mallat, S. G. (1989). A theory for multiresolution signal decomposition: the wavelet
representation. IEEE Transactions on Pattern Analysis and Machine Intelligence 11(7),
674-693.
Daubechies, I. (1992). Ten Lectures on Wavelets. SIAM, Philadelphia.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pywt
from scipy.signal import resample

from nirs4all.operators.transforms._base import uniform_spacing
from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_choice,
    check_int,
)

__all__ = [
    "Haar",
    "Wavelet",
    "WaveletDenoise",
    "WaveletFeatures",
    "check_wavelet",
    "decomposition_level",
]

THRESHOLD_MODES = ("soft", "hard")
#: Median absolute deviation of a standard normal: sigma = MAD / 0.6745.
MAD_TO_SIGMA = 0.6745


def check_wavelet(estimator: object, name: str = "wavelet") -> pywt.Wavelet:
    """Return the discrete wavelet named by parameter ``name``, or raise ``ValueError``."""
    value = getattr(estimator, name)
    if not isinstance(value, str) or value not in pywt.wavelist(kind="discrete"):
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be the name of a discrete PyWavelets "
            f"wavelet (pywt.wavelist(kind='discrete'), e.g. 'haar', 'db4', 'sym8'); "
            f"got {value!r}"
        )
    return pywt.Wavelet(value)


def check_mode(estimator: object) -> str:
    """Return the signal-extension ``mode`` parameter, or raise if pywt does not know it."""
    return check_choice(estimator, "mode", tuple(pywt.Modes.modes))


def decomposition_level(level: int, n_features: int, wavelet: pywt.Wavelet) -> int:
    """``level`` clamped to the deepest level without boundary effects everywhere (>= 0).

    pywt warns when every coefficient of a level is affected by the signal boundaries; such
    levels are dropped. At level 0 the only "coefficients" are the spectrum itself.
    """
    return min(level, pywt.dwt_max_level(n_features, wavelet.dec_len))


class _DetailCoefficients(SpectralTransformer):
    """Single-level DWT detail coefficients resampled to the spectrum's length."""

    def _wavelet_and_mode(self) -> tuple[str, str]:
        raise NotImplementedError  # abstract hook: Wavelet and Haar name their wavelet

    def _fit(self, X: np.ndarray, y: Any) -> None:
        uniform_spacing(self.wavelengths_, type(self).__name__)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        wavelet, mode = self._wavelet_and_mode()
        detail = pywt.dwt(X.astype(np.float64, copy=False), wavelet, mode=mode, axis=1)[1]
        if detail.shape[1] != X.shape[1]:
            detail = resample(detail, X.shape[1], axis=1)
        return detail.astype(X.dtype, copy=False)


class Wavelet(_DetailCoefficients):
    """Detail coefficients of a single-level discrete wavelet transform, at full length.

    ``x -> resample(cD(x), n_features)``: ``cD`` are the detail (high-pass) coefficients of
    ``pywt.dwt(x, wavelet, mode)`` (Mallat 1989), brought back to the number of columns of
    ``x`` by Fourier resampling (``scipy.signal.resample``), so the output lies on the input
    axis. This is the 0.7 output; 0.7 resampled only shorter coefficient vectors, here a
    longer one (a long filter on a very short spectrum) is resampled too, so the width
    never changes.

    Parameters
    ----------
    wavelet : str, default="haar"
        A discrete PyWavelets wavelet (``pywt.wavelist(kind="discrete")``).
    mode : str, default="periodization"
        Signal extension mode (``pywt.Modes.modes``).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Mallat, S. G. (1989). A theory for multiresolution signal decomposition: the wavelet
    representation. IEEE Trans. Pattern Analysis and Machine Intelligence 11(7), 674-693.
    """

    def __init__(self, wavelet: str = "haar", mode: str = "periodization") -> None:
        self.wavelet = wavelet
        self.mode = mode

    def _check_params(self) -> None:
        check_wavelet(self)
        check_mode(self)

    def _wavelet_and_mode(self) -> tuple[str, str]:
        return self.wavelet, self.mode


class Haar(_DetailCoefficients):
    """Haar detail coefficients at full length: ``Wavelet("haar", "periodization")``.

    ``cD_k = (x_{2k} - x_{2k+1}) / sqrt(2)``, resampled to ``n_features`` (Haar 1910, as
    the first Daubechies wavelet, Daubechies 1992).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Daubechies, I. (1992). Ten Lectures on Wavelets. SIAM, Philadelphia.
    """

    def _wavelet_and_mode(self) -> tuple[str, str]:
        return "haar", "periodization"


class WaveletDenoise(SpectralTransformer):
    """Wavelet shrinkage denoising with the universal threshold (Donoho & Johnstone 1994).

    Each spectrum is decomposed to ``level`` with ``pywt.wavedec``; the noise level is
    estimated from its finest detail coefficients, ``sigma = median(|cD_1|) / 0.6745``; every
    detail coefficient is shrunk by ``t = sigma * sqrt(2 ln n)`` (``n = n_features``), softly
    (``sign(c) max(|c| - t, 0)``) or hard (``c`` if ``|c| > t`` else 0); ``pywt.waverec``
    rebuilds the spectrum, cut to ``n`` points. The approximation is kept as is.

    Parameters
    ----------
    wavelet : str, default="db4"
    level : int, optional
        Decomposition depth; the deepest level without boundary effects everywhere when
        None, and clamped there when larger (``level_``). At depth 0 (spectra shorter than
        the filter) the spectra are returned unchanged.
    threshold_mode : {"soft", "hard"}, default="soft"
    mode : str, default="symmetric"
        Signal extension mode.

    Attributes
    ----------
    level_ : int
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Donoho, D. L. & Johnstone, I. M. (1994). Ideal spatial adaptation by wavelet shrinkage.
    Biometrika 81(3), 425-455.
    """

    def __init__(
        self,
        wavelet: str = "db4",
        level: int | None = None,
        threshold_mode: str = "soft",
        mode: str = "symmetric",
    ) -> None:
        self.wavelet = wavelet
        self.level = level
        self.threshold_mode = threshold_mode
        self.mode = mode

    def _check_params(self) -> None:
        check_wavelet(self)
        check_mode(self)
        check_choice(self, "threshold_mode", THRESHOLD_MODES)
        if self.level is not None:
            check_int(self, "level", 1)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        uniform_spacing(self.wavelengths_, "WaveletDenoise")
        wavelet = pywt.Wavelet(self.wavelet)
        deepest = pywt.dwt_max_level(X.shape[1], wavelet.dec_len)
        self.level_ = deepest if self.level is None else min(self.level, deepest)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        if self.level_ == 0:
            return X.copy()
        spectra = X.astype(np.float64, copy=False)
        coeffs = pywt.wavedec(spectra, self.wavelet, mode=self.mode, level=self.level_, axis=1)
        sigma = np.median(np.abs(coeffs[-1]), axis=1, keepdims=True) / MAD_TO_SIGMA
        threshold = sigma * np.sqrt(2 * np.log(X.shape[1]))
        shrunk = [coeffs[0]] + [
            pywt.threshold(detail, threshold, mode=self.threshold_mode) for detail in coeffs[1:]
        ]
        rebuilt = pywt.waverec(shrunk, self.wavelet, mode=self.mode, axis=1)
        return rebuilt[:, : X.shape[1]].astype(X.dtype, copy=False)


def level_features(coefficients: np.ndarray, n_coeffs: int) -> np.ndarray:
    """Mean, standard deviation, energy, entropy and the ``n_coeffs`` largest magnitudes.

    ``coefficients`` holds one level of every spectrum (rows). The entropy is the Shannon
    entropy (natural log) of the energy distribution ``p_j = c_j^2 / sum c^2``, 0 for a
    zero level. Magnitudes are sorted decreasing and padded with zeros when the level has
    fewer than ``n_coeffs`` coefficients.
    """
    squares = coefficients**2
    energy = squares.sum(axis=1)
    safe = np.where(energy > 0, energy, 1.0)[:, None]
    p = squares / safe
    entropy = -np.sum(p * np.log(np.where(p > 0, p, 1.0)), axis=1)
    magnitudes = -np.sort(-np.abs(coefficients), axis=1)[:, :n_coeffs]
    top = np.zeros((coefficients.shape[0], n_coeffs))
    top[:, : magnitudes.shape[1]] = magnitudes
    stats = [coefficients.mean(axis=1), coefficients.std(axis=1), energy, entropy]
    return np.column_stack([*stats, top])


class WaveletFeatures(SpectralTransformer):
    """A fixed-length vector of statistics of each level of a multilevel DWT.

    ``pywt.wavedec(x, wavelet, level=level_)`` gives the approximation ``cA_L`` and the
    details ``cD_L .. cD_1`` (Mallat 1989). For each of them, in that order, the output
    holds its mean, standard deviation, energy ``sum c^2``, Shannon entropy of
    ``c^2 / sum c^2`` and its ``n_coeffs_per_level`` largest magnitudes ``|c|`` (decreasing,
    zero-padded), so ``(level_ + 1) * (4 + n_coeffs_per_level)`` columns.

    Parameters
    ----------
    wavelet : str, default="db4"
    max_level : int, default=5
        Deepest level; clamped to the deepest level without boundary effects everywhere
        (``level_``, 0 for spectra shorter than the filter: then the statistics are those
        of the spectrum itself).
    n_coeffs_per_level : int, default=10

    Attributes
    ----------
    level_ : int
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray
        The index axis ``0 .. n_features_out - 1``: features are not on the wavelength axis.

    References
    ----------
    Mallat, S. G. (1989). A theory for multiresolution signal decomposition: the wavelet
    representation. IEEE Trans. Pattern Analysis and Machine Intelligence 11(7), 674-693.
    """

    def __init__(
        self, wavelet: str = "db4", max_level: int = 5, n_coeffs_per_level: int = 10
    ) -> None:
        self.wavelet = wavelet
        self.max_level = max_level
        self.n_coeffs_per_level = n_coeffs_per_level

    def _check_params(self) -> None:
        check_wavelet(self)
        check_int(self, "max_level", 1)
        check_int(self, "n_coeffs_per_level", 0)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        uniform_spacing(self.wavelengths_, "WaveletFeatures")
        self.level_ = decomposition_level(self.max_level, X.shape[1], pywt.Wavelet(self.wavelet))
        n_out = (self.level_ + 1) * (4 + self.n_coeffs_per_level)
        axis = np.arange(n_out, dtype=np.float64)
        axis.flags.writeable = False
        self.wavelengths_out_ = axis

    def _transform(self, X: np.ndarray) -> np.ndarray:
        coeffs = pywt.wavedec(
            X.astype(np.float64, copy=False), self.wavelet, level=self.level_, axis=1
        )
        features = [level_features(c, self.n_coeffs_per_level) for c in coeffs]
        return np.hstack(features).astype(X.dtype, copy=False)
