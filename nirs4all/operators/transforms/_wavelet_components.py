"""Components of each level of a multilevel DWT, learned on the training spectra.

:class:`WaveletPCA` and :class:`WaveletSVD` decompose every spectrum with ``pywt.wavedec``
(Mallat 1989) and project each level's coefficients on a few directions learned from the
training set, principal components (PCA, centred) or right singular vectors (SVD, not
centred), concatenating the scores of the levels: ``cA_L`` first, then ``cD_L .. cD_1``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pywt
from numpy.typing import ArrayLike
from scipy.linalg import eigh
from sklearn.utils.extmath import svd_flip
from sklearn.utils.validation import validate_data

from nirs4all.operators.transforms._base import uniform_spacing
from nirs4all.operators.transforms._transformer import (
    FLOAT_DTYPES,
    SpectralTransformer,
    check_int,
)
from nirs4all.operators.transforms._wavelets import check_wavelet, decomposition_level

__all__ = ["WaveletPCA", "WaveletSVD"]


class _LevelComponents(SpectralTransformer):
    """Template: a projection per wavelet level, learned in ``_fit_level``."""

    def _check_params(self) -> None:
        check_wavelet(self)
        check_int(self, "max_level", 1)
        check_int(self, "n_components_per_level", 1)

    def _validate_fit(self, X: ArrayLike, y: ArrayLike | None) -> tuple[np.ndarray, Any]:
        # Components need at least two training spectra (a variance, a second direction).
        X = validate_data(self, X, reset=True, dtype=FLOAT_DTYPES, ensure_min_samples=2)
        return X, y

    def _levels(self, X: np.ndarray) -> list[np.ndarray]:
        return pywt.wavedec(
            X.astype(np.float64, copy=False), self.wavelet, level=self.level_, axis=1
        )

    def _fit(self, X: np.ndarray, y: Any) -> list[np.ndarray]:
        """Fit every level; return the training levels (``fit_transform`` projects them)."""
        uniform_spacing(self.wavelengths_, type(self).__name__)
        self.level_ = decomposition_level(self.max_level, X.shape[1], pywt.Wavelet(self.wavelet))
        levels = self._levels(X)
        self.n_components_ = [
            min(self.n_components_per_level, X.shape[0] - self._centred, block.shape[1])
            for block in levels
        ]
        self.components_ = [
            self._fit_level(block, k) for block, k in zip(levels, self.n_components_, strict=True)
        ]
        axis = np.arange(sum(self.n_components_), dtype=np.float64)
        axis.flags.writeable = False
        self.wavelengths_out_ = axis
        return levels

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        # one decomposition for both: the template would decompose X again in _transform
        return self._scores(self._fit(X, y), X.dtype)

    _centred = 0

    def _fit_level(self, block: np.ndarray, n_components: int) -> Any:
        raise NotImplementedError  # abstract hook: WaveletPCA and WaveletSVD fit a level

    def _project(self, block: np.ndarray, fitted: Any) -> np.ndarray:
        raise NotImplementedError  # abstract hook: each subclass projects with its own fit

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return self._scores(self._levels(X), X.dtype)

    def _scores(self, levels: list[np.ndarray], dtype: np.dtype) -> np.ndarray:
        scores = [
            self._project(block, fitted)
            for block, fitted in zip(levels, self.components_, strict=True)
        ]
        return np.hstack(scores).astype(dtype, copy=False)


class WaveletPCA(_LevelComponents):
    """Principal components of each level of a multilevel DWT, concatenated.

    For each level of ``pywt.wavedec(x, wavelet, level=level_)`` (Mallat 1989), the
    principal components of the training coefficients are computed exactly, as
    ``sklearn.decomposition.PCA(svd_solver="full")`` computes them: the leading right
    singular vectors of the centred coefficients, or, for a level with at least 4 times more
    spectra than coefficients, the leading eigenvectors of their covariance (LAPACK
    ``syevr`` asked for those ``k`` pairs only), signs as ``svd_flip`` fixes them (largest
    entry of each component positive). Scores are ``(b - mean) V_k``, divided by the square
    root of the component's training variance with ``whiten``; the output is the scores of
    all levels side by side.

    Parameters
    ----------
    wavelet : str, default="db4"
    max_level : int, default=4
        Clamped to the deepest level without boundary effects everywhere (``level_``).
    n_components_per_level : int, default=3
        Clamped per level to ``n_samples - 1`` and the level's length (``n_components_``).
    whiten : bool, default=True
        Scale each score to unit training variance. A component of zero training variance
        is not divided (its scores are zero on training data).

    Attributes
    ----------
    level_ : int
    n_components_ : list of int
    components_ : list of tuple (mean, components, explained_variance)
        Per level: the training mean ``(length,)``, the components ``(n_components_[i],
        length)`` and their training variances ``(n_components_[i],)``.
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray
        The index axis ``0 .. sum(n_components_) - 1``.

    References
    ----------
    Mallat, S. G. (1989). A theory for multiresolution signal decomposition: the wavelet
    representation. IEEE Trans. Pattern Analysis and Machine Intelligence 11(7), 674-693.
    """

    _centred = 1

    def __init__(
        self,
        wavelet: str = "db4",
        max_level: int = 4,
        n_components_per_level: int = 3,
        whiten: bool = True,
    ) -> None:
        self.wavelet = wavelet
        self.max_level = max_level
        self.n_components_per_level = n_components_per_level
        self.whiten = whiten

    def _fit_level(
        self, block: np.ndarray, n_components: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean = block.mean(axis=0)
        centred = block - mean
        n_rows, length = block.shape
        if n_rows >= 4 * length:
            # Exact either way; with many more spectra than coefficients the covariance is
            # cheap, and asking syevr for the k leading pairs only avoids the full
            # eigendecomposition (16 of the 22 s of 10,000 x 2,000 spectra before).
            covariance = centred.T @ centred
            covariance /= n_rows - 1
            values, vectors = eigh(covariance, subset_by_index=(length - n_components,
                                                                length - 1))
            variance, components = values[::-1], vectors.T[::-1]
        else:
            _, singular, components = np.linalg.svd(centred, full_matrices=False)
            variance, components = singular[:n_components] ** 2 / (n_rows - 1), components
        _, components = svd_flip(None, components[:n_components], u_based_decision=False)
        return mean, components, np.maximum(variance, 0.0)

    def _project(
        self, block: np.ndarray, fitted: tuple[np.ndarray, np.ndarray, np.ndarray]
    ) -> np.ndarray:
        mean, components, variance = fitted
        scores = (block - mean) @ components.T
        if self.whiten:
            scale = np.sqrt(variance)
            scores /= np.where(scale > 0, scale, 1.0)
        return scores


class WaveletSVD(_LevelComponents):
    """Projections of each level of a multilevel DWT on its leading singular vectors.

    For each level of ``pywt.wavedec(x, wavelet, level=level_)`` (Mallat 1989), the
    training coefficients ``B`` (not centred) are factored ``B = U S V^T``; the scores are
    ``b V_k``, the first ``k`` right singular vectors, signs fixed so that the largest
    entry of each column of ``U`` is positive (``sklearn.utils.extmath.svd_flip``).

    Parameters
    ----------
    wavelet : str, default="db4"
    max_level : int, default=4
    n_components_per_level : int, default=3
        Clamped per level to ``n_samples`` and the level's length (``n_components_``).

    Attributes
    ----------
    level_ : int
    n_components_ : list of int
    components_ : list of ndarray of shape (n_components_[i], level length)
        The right singular vectors of each level.
    n_features_in_ : int
    wavelengths_ : ndarray of shape (n_features_in_,)
    wavelengths_out_ : ndarray
        The index axis ``0 .. sum(n_components_) - 1``.

    References
    ----------
    Mallat, S. G. (1989). A theory for multiresolution signal decomposition: the wavelet
    representation. IEEE Trans. Pattern Analysis and Machine Intelligence 11(7), 674-693.
    """

    def __init__(
        self, wavelet: str = "db4", max_level: int = 4, n_components_per_level: int = 3
    ) -> None:
        self.wavelet = wavelet
        self.max_level = max_level
        self.n_components_per_level = n_components_per_level

    def _fit_level(self, block: np.ndarray, n_components: int) -> np.ndarray:
        u, _, vt = np.linalg.svd(block, full_matrices=False)
        u, vt = svd_flip(u, vt)
        return vt[:n_components]

    def _project(self, block: np.ndarray, fitted: np.ndarray) -> np.ndarray:
        return block @ fitted.T
