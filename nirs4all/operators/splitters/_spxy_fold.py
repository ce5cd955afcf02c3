"""SPXYGFold: group-aware k-fold whose folds are dealt along the SPXY selection order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_array

from nirs4all.operators.splitters._grouped import _AGGREGATIONS, _aggregate
from nirs4all.operators.splitters._maxmin import joint_distances, max_min_order
from nirs4all.operators.splitters._single import check_n_splits

__all__ = ["SPXYGFold"]


class SPXYGFold(BaseCrossValidator):
    """Group-aware k-fold dealt along the SPXY max-min order (Galvao et al., 2005).

    Each group (or each row, without groups) is reduced to one representative: the
    ``aggregation`` of its spectra and the mean of its targets. The representatives are
    ranked by SPXY max-min selection on ``d_x / max d_x + d_y / max d_y`` (the farthest
    pair first, then each time the representative farthest from those already ranked;
    ties to the lowest index), and the one ranked ``r`` goes to fold ``r mod n_splits``.
    Every fold thus spans the joint X-y space, and a group's rows all share its fold.

    Deterministic: the same data always give the same folds; there is no seed.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (>= 2); at most the number of groups.
    metric : str or callable, default="euclidean"
        Distance between spectra (any :func:`scipy.spatial.distance.cdist` metric).
    y_metric : str or callable, default="euclidean"
        Distance between targets.
    aggregation : {"mean", "median"}, default="mean"
        How the spectra of a group are reduced to its representative.
    pca_components : int or float, optional
        Compute ``d_x`` on the scores of a PCA with this many components.

    References
    ----------
    Galvao, R. K. H. et al. (2005). A method for calibration and validation subset
    partitioning. Talanta 67(4), 736-740.
    """

    __metadata_request__split: ClassVar[dict[str, bool]] = {"groups": True}

    def __init__(
        self,
        n_splits: int = 5,
        metric: str | Callable = "euclidean",
        y_metric: str | Callable = "euclidean",
        aggregation: str = "mean",
        pca_components: int | float | None = None,
    ) -> None:
        self.n_splits = n_splits
        self.metric = metric
        self.y_metric = y_metric
        self.aggregation = aggregation
        self.pca_components = pca_components

    def get_n_splits(self, X: object = None, y: object = None, groups: object = None) -> int:
        """Return ``n_splits``."""
        return check_n_splits(self.n_splits, "SPXYGFold")

    def _representatives(
        self, X: np.ndarray, y: object, groups: object
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if y is None:
            raise ValueError(
                "SPXYGFold.split needs y: the folds follow distances between targets as "
                "well as between spectra"
            )
        targets = check_array(y, dtype=np.float64, ensure_2d=False)
        if targets.shape[0] != X.shape[0]:
            raise ValueError(
                f"SPXYGFold.split: y has {targets.shape[0]} rows but X has {X.shape[0]}"
            )
        if groups is None:
            return X, targets, np.arange(X.shape[0])
        labels = np.asarray(groups)
        if labels.shape != (X.shape[0],):
            raise ValueError(
                f"SPXYGFold.split: groups must be 1D with one label per row of X "
                f"({X.shape[0]} rows), got shape {labels.shape}"
            )
        _, group_of_row = np.unique(labels, return_inverse=True)
        n_groups = int(group_of_row.max()) + 1
        return (
            _aggregate(X, group_of_row, n_groups, self.aggregation),
            _aggregate(targets, group_of_row, n_groups, "mean"),
            group_of_row,
        )

    def split(
        self, X: object, y: object = None, groups: object = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``n_splits`` ``(train, test)`` pairs of sorted row indices.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra; must be finite.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets. Required.
        groups : array-like of shape (n_samples,), optional
            Group label of each row; rows of a group always share a fold.
        """
        n_splits = check_n_splits(self.n_splits, "SPXYGFold")
        if self.aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"SPXYGFold: aggregation must be one of {_AGGREGATIONS}, got {self.aggregation!r}"
            )
        X = check_array(X, dtype=np.float64)
        features, targets, group_of_row = self._representatives(X, y, groups)
        n = features.shape[0]
        if n < n_splits:
            raise ValueError(
                f"SPXYGFold: n_splits={n_splits} is more than the {n} groups (rows without "
                "groups) to deal into folds; lower n_splits"
            )
        if self.pca_components is not None:
            features = PCA(n_components=self.pca_components, svd_solver="full").fit_transform(
                features
            )
        distances = joint_distances(features, targets, self.metric, self.y_metric)
        fold_of = np.empty(n, dtype=np.intp)
        fold_of[max_min_order(distances, n, n)] = np.arange(n) % n_splits
        fold_of_row = fold_of[group_of_row]
        for fold in range(n_splits):
            yield np.flatnonzero(fold_of_row != fold), np.flatnonzero(fold_of_row == fold)
