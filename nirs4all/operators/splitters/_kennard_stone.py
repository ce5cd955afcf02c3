"""Kennard-Stone and SPXY: deterministic calibration / test splits by max-min selection."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from numbers import Integral, Real

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_array

from nirs4all.operators.splitters._maxmin import (
    PairwiseDistances,
    RowDistances,
    cached,
    joint_distances,
    max_min_order,
)

__all__ = ["SPXY", "KennardStone"]


def _n_test(test_size: float | int, n_samples: int, owner: str) -> int:
    """Number of test samples; the training side must keep at least two samples."""
    if isinstance(test_size, bool) or not isinstance(test_size, Real):
        raise TypeError(
            f"{owner}: test_size must be a float in (0, 1) or an int, got {test_size!r}"
        )
    if isinstance(test_size, Integral):
        n_test = int(test_size)
    elif 0.0 < test_size < 1.0:
        n_test = int(np.ceil(test_size * n_samples))
    else:
        raise ValueError(f"{owner}: a float test_size must lie in (0, 1), got {test_size}")
    if not 1 <= n_test <= n_samples - 2:
        raise ValueError(
            f"{owner}: test_size={test_size!r} gives {n_test} test sample(s) out of "
            f"{n_samples}; it must leave at least 1 test and 2 training samples"
        )
    return n_test


class _MaxMinSplitter(BaseCrossValidator):
    """One calibration / test split whose training rows come from max-min selection."""

    def __init__(
        self,
        test_size: float | int = 0.25,
        metric: str | Callable = "euclidean",
        pca_components: int | float | None = None,
    ) -> None:
        self.test_size = test_size
        self.metric = metric
        self.pca_components = pca_components

    def get_n_splits(self, X: object = None, y: object = None, groups: object = None) -> int:
        """Return 1: the splitter yields a single calibration / test split."""
        return 1

    def _features(self, X: np.ndarray) -> np.ndarray:
        if self.pca_components is None:
            return X
        # The full SVD is deterministic; sign flips of components leave distances unchanged.
        pca = PCA(n_components=self.pca_components, svd_solver="full")
        return pca.fit_transform(X)

    def _distances(self, X: np.ndarray, y: object) -> RowDistances:
        raise NotImplementedError  # abstract hook: KennardStone and SPXY define their distance

    def split(
        self, X: object, y: object = None, groups: object = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield one ``(train, test)`` pair of sorted row indices.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra; must be finite.
        y : array-like of shape (n_samples,) or (n_samples, n_targets), optional
            Targets (required by :class:`SPXY`, ignored by :class:`KennardStone`).
        groups : ignored
            Wrap the splitter in :class:`GroupedSplitter` to keep groups together; a
            ``UserWarning`` says so when groups are given.
        """
        name = type(self).__name__
        if groups is not None:
            warnings.warn(
                f"{name} ignores groups; wrap it in GroupedSplitter to keep the rows of a "
                "group on the same side",
                UserWarning,
                stacklevel=2,
            )
        X = check_array(X, dtype=np.float64)
        n_samples = X.shape[0]
        n_train = n_samples - _n_test(self.test_size, n_samples, name)
        distances = self._distances(self._features(X), y)
        train = np.sort(max_min_order(distances, n_samples, n_train))
        is_train = np.zeros(n_samples, dtype=bool)
        is_train[train] = True
        yield train, np.flatnonzero(~is_train)


class KennardStone(_MaxMinSplitter):
    """Kennard-Stone calibration / test split (Kennard & Stone, 1969).

    The training (calibration) set is built by max-min selection: start from the two
    samples farthest apart, then repeatedly add the sample whose distance to its nearest
    selected sample is largest, until ``n_samples - n_test`` are selected:
    ``k = argmax_{j not in S} min_{s in S} d(x_j, x_s)``. The others form the test set. The
    calibration set thus spans the spectral space, and extrapolation on the test set is
    avoided.

    Deterministic: ties (equal distances) go to the lowest row index, so the same data
    always gives the same split. The splitter yields exactly one split.

    Parameters
    ----------
    test_size : float or int, default=0.25
        Fraction of rows in the test set (rounded up) when a float in (0, 1), or the number
        of test rows when an int. At least two rows stay in the training set.
    metric : str or callable, default="euclidean"
        Distance between spectra: ``"euclidean"`` (fast path through BLAS) or any metric of
        :func:`scipy.spatial.distance.cdist` (``"cityblock"``, ``"mahalanobis"`` ...).
    pca_components : int or float, optional
        When given, distances are computed on the scores of a PCA fitted on ``X`` with this
        many components (a float in (0, 1) keeps that fraction of variance).

    Notes
    -----
    Time O(n^2 p). The n x n distance matrix is kept in memory while it fits in 256 MiB
    (up to about 5,800 samples: 200 MB for 5,000); larger sets recompute distance rows as
    they are needed, in O(n p) memory, more slowly. 5,000 x 500 spectra take under a second
    on two cores (``benchmarks/splitters.py``).

    References
    ----------
    Kennard, R. W. and Stone, L. A. (1969). Computer aided design of experiments.
    Technometrics 11(1), 137-148.
    """

    def _distances(self, X: np.ndarray, y: object) -> RowDistances:
        return cached(PairwiseDistances(X, self.metric), X.shape[0])


class SPXY(_MaxMinSplitter):
    """SPXY calibration / test split: Kennard-Stone on joint X-y distances (Galvao et al., 2005).

    Kennard-Stone selection (see :class:`KennardStone`) on
    ``d_xy(i, j) = d_x(i, j) / max d_x + d_y(i, j) / max d_y``, where ``d_x`` is the
    ``metric`` distance between spectra and ``d_y`` the Euclidean distance between targets
    (the absolute difference for one target). A term whose maximum is 0 (all spectra or all
    targets equal) is dropped. Ties go to the lowest row index; one split is yielded.

    Parameters
    ----------
    test_size : float or int, default=0.25
        Fraction of rows in the test set (rounded up) when a float in (0, 1), or the number
        of test rows when an int. At least two rows stay in the training set.
    metric : str or callable, default="euclidean"
        Distance between spectra, as in :class:`KennardStone`.
    pca_components : int or float, optional
        Compute ``d_x`` on the scores of a PCA with this many components.

    Notes
    -----
    Time O(n^2 p). The ``d_x`` matrix is kept in memory under the same 256 MiB limit as in
    :class:`KennardStone`; beyond it, the maxima take one more pass over all pairs, computed
    in blocks of rows, and memory stays O(n p). 2,000 x 500 spectra take about 0.4 s on two
    cores.

    References
    ----------
    Galvao, R. K. H. et al. (2005). A method for calibration and validation subset
    partitioning. Talanta 67(4), 736-740.
    """

    def _distances(self, X: np.ndarray, y: object) -> RowDistances:
        if y is None:
            raise ValueError(
                "SPXY.split needs y: the split uses distances between targets as well as "
                "between spectra (use KennardStone to split on X alone)"
            )
        targets = check_array(y, dtype=np.float64, ensure_2d=False)
        if targets.shape[0] != X.shape[0]:
            raise ValueError(f"SPXY.split: y has {targets.shape[0]} rows but X has {X.shape[0]}")
        return joint_distances(X, targets, self.metric)
