"""K-means calibration / test split: one representative sample per cluster."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

from nirs4all.operators.splitters._kennard_stone import _n_test
from nirs4all.operators.splitters._single import SingleSplitter

__all__ = ["KMeansSplitter"]


class KMeansSplitter(SingleSplitter):
    """Calibration / test split by k-means clustering of the spectra.

    ``X`` is clustered by k-means into ``n_train = n_samples - n_test`` clusters; the
    training set holds, for each cluster, the member nearest to its centroid (Euclidean;
    ties go to the lowest row index), and every other row is a test row. The training set
    thus covers every region of the spectral space with one sample each. When k-means
    finds fewer distinct clusters than asked (duplicate spectra), the training set is
    that much smaller.

    Parameters
    ----------
    test_size : float or int, default=0.25
        Fraction of rows in the test set (rounded up) when a float in (0, 1), or the number
        of test rows when an int. At least two rows stay in the training set.
    random_state : int, RandomState instance or None, default=None
        Seed of the k-means initialisation. An int gives the same split on every call.
    pca_components : int or float, optional
        Cluster the scores of a PCA with this many components (a float in (0, 1) keeps
        that fraction of variance) instead of the raw spectra: much faster on wide spectra.
    n_init : int, default=1
        Number of k-means initialisations; the one with the lowest inertia is kept.
    max_iter : int, default=300
        Largest number of Lloyd iterations per initialisation.

    Notes
    -----
    Time O(n_init * max_iter * n * n_train * p): on 5,000 x 500 spectra with 3,750
    clusters this is the slowest splitter of the package (``benchmarks/splitters.py``).

    References
    ----------
    Naes, T. (1987). The design of calibration in near infra-red reflectance analysis by
    clustering. Journal of Chemometrics 1(2), 121-134.
    """

    def __init__(
        self,
        test_size: float | int = 0.25,
        random_state: int | np.random.RandomState | None = None,
        pca_components: int | float | None = None,
        n_init: int = 1,
        max_iter: int = 300,
    ) -> None:
        self.test_size = test_size
        self.random_state = random_state
        self.pca_components = pca_components
        self.n_init = n_init
        self.max_iter = max_iter

    def _train_rows(self, X: np.ndarray, y: object) -> np.ndarray:
        n_train = X.shape[0] - _n_test(self.test_size, X.shape[0], "KMeansSplitter")
        for name in ("n_init", "max_iter"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"KMeansSplitter: {name} must be an int >= 1, got {value!r}")
        features = X
        if self.pca_components is not None:
            features = PCA(n_components=self.pca_components, svd_solver="full").fit_transform(X)
        kmeans = KMeans(
            n_clusters=n_train,
            n_init=self.n_init,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(features)
        return nearest_member_per_cluster(features, kmeans.labels_, kmeans.cluster_centers_)


def nearest_member_per_cluster(
    X: np.ndarray, labels: np.ndarray, centres: np.ndarray
) -> np.ndarray:
    """For each non-empty cluster, the row of its member nearest to its centre (lowest on ties)."""
    squared = np.einsum("ij,ij->i", X - centres[labels], X - centres[labels])
    # Sort by cluster, then distance, then row: the first row of each cluster is its pick.
    order = np.lexsort((np.arange(X.shape[0]), squared, labels))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    return np.sort(order[first])
