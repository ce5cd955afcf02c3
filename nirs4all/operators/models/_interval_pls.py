"""Interval PLS (iPLS): PLS on the spectral intervals that predict best."""

from __future__ import annotations

import numbers
from dataclasses import replace
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.model_selection import BaseCrossValidator, KFold, check_cv

from nirs4all.operators.models._weighted import (
    LinearPLSModel,
    WavelengthSelectionMixin,
    WeightedPLS,
    weighted_pls,
)
from nirs4all.operators.transforms._transformer import check_choice, check_int

__all__ = ["IntervalPLS", "split_intervals"]


def split_intervals(n_features: int, n_intervals: int, width: int | None) -> list[np.ndarray]:
    """Contiguous column intervals: ``width`` columns each (the last may be shorter), or
    ``n_intervals`` of near-equal width (at most one per column)."""
    columns = np.arange(n_features)
    if width is not None:
        return [columns[start : start + width] for start in range(0, n_features, width)]
    return np.array_split(columns, min(n_intervals, n_features))


class IntervalPLS(WavelengthSelectionMixin, LinearPLSModel):
    """Interval PLS regression: select contiguous spectral intervals by cross-validation.

    iPLS of Nørgaard et al. (2000). The spectrum is cut into contiguous intervals
    (``n_intervals`` of near-equal width, or ``interval_width`` columns each). A set of
    intervals is scored by the root mean squared error of cross-validation (RMSECV: out-of-fold
    predictions of a PLS model on the columns of those intervals, with
    ``min(n_components, n_columns, n_train - 1)`` components, pooled over folds and targets).
    ``mode="single"`` keeps the best interval; ``"forward"`` starts from none and adds the
    interval that lowers RMSECV most while one does; ``"backward"`` starts from all and removes
    the interval whose removal lowers RMSECV most while one does (at least one is kept).
    ``max_intervals`` caps the number kept by ``"forward"``. Ties go to the lower interval.
    The final model is a PLS on all training samples over the selected columns; its
    coefficients, weights and loadings are zero at the other wavelengths, and so are
    ``vip_`` and ``selectivity_ratio_``. ``hotelling_t2`` lives in the selected intervals'
    score space; ``q_residuals`` (and ``q_limit``) sum over all wavelengths, so the
    unselected ones, which the model does not reconstruct, add their centred variation.

    Parameters
    ----------
    n_components : int, default=2
        Number of PLS components (fewer on intervals too narrow for them).
    n_intervals : int, default=10
        Number of intervals, when ``interval_width`` is not given.
    interval_width : int, optional
        Width of each interval in columns, instead of ``n_intervals``.
    mode : {"single", "forward", "backward"}, default="single"
        Search strategy.
    max_intervals : int, optional
        Most intervals ``"forward"`` selects.
    cv : int or cross-validation splitter, default=5
        Inner cross-validation. An int is a shuffled ``KFold`` seeded by ``random_state``.
    random_state : int, default=0
        Seed of the shuffle when ``cv`` is an int.

    Attributes
    ----------
    intervals_ : list of ndarray
        Column indices of each interval.
    interval_scores_ : ndarray of shape (n_intervals_,)
        RMSECV of each interval alone.
    selected_intervals_ : ndarray of int
        Indices into ``intervals_`` of the selected intervals, sorted.
    score_path_ : ndarray
        RMSECV after each step of the search (one value for ``"single"``).
    support_ : ndarray of bool, shape (n_features_in_,)
        The selected wavelengths.
    n_components_ : int
        Components of the final model.
    coef_ : ndarray of shape (n_targets, n_features_in_)
        Regression coefficients per wavelength (zero outside ``support_``).
    intercept_ : ndarray of shape (n_targets,)
    x_weights_, x_loadings_, x_rotations_ : ndarray of shape (n_features_in_, n_components_)
    y_loadings_ : ndarray of shape (n_targets, n_components_)
    x_scores_ : ndarray of shape (n_samples, n_components_)
    x_mean_ : ndarray of shape (n_features_in_,)
    y_mean_ : ndarray of shape (n_targets,)
    n_features_in_ : int

    References
    ----------
    Nørgaard, L., Saudland, A., Wagner, J., Nielsen, J. P., Munck, L. & Engelsen, S. B.
    (2000). Interval partial least-squares regression (iPLS): a comparative chemometric study
    with an example from near-infrared spectroscopy. Applied Spectroscopy 54, 413-419.
    """

    def __init__(
        self,
        n_components: int = 2,
        *,
        n_intervals: int = 10,
        interval_width: int | None = None,
        mode: str = "single",
        max_intervals: int | None = None,
        cv: int | BaseCrossValidator | Any = 5,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.n_intervals = n_intervals
        self.interval_width = interval_width
        self.mode = mode
        self.max_intervals = max_intervals
        self.cv = cv
        self.random_state = random_state

    def _check_params(self) -> None:
        check_int(self, "n_components", 1)
        check_int(self, "n_intervals", 1)
        check_choice(self, "mode", ("single", "forward", "backward"))
        for name in ("interval_width", "max_intervals"):
            if getattr(self, name) is not None:
                check_int(self, name, 1)

    def _splitter(self) -> Any:
        if isinstance(self.cv, numbers.Integral) and not isinstance(self.cv, bool):
            return KFold(check_int(self, "cv", 2), shuffle=True, random_state=self.random_state)
        return check_cv(self.cv)

    def _rmsecv(self, X: np.ndarray, Y: np.ndarray, columns: np.ndarray, folds: list) -> float:
        """RMSECV of a PLS on ``columns``, pooled over ``folds`` and targets."""
        squared = 0.0
        for train, test in folds:
            block = X[np.ix_(train, columns)]
            # Columns constant within a fold carry no component (NIPALS would divide by 0).
            varying = int(np.count_nonzero(np.ptp(block, axis=0)))
            n_components = min(self.n_components, varying, train.size - 1)
            if n_components == 0:
                residual = Y[test] - Y[train].mean(axis=0)
                squared += float(np.sum(residual**2))
                continue
            fit = weighted_pls(block, Y[train], n_components)
            residual = Y[test] - fit.y_mean - (X[np.ix_(test, columns)] - fit.x_mean) @ fit.coef
            squared += float(np.sum(residual**2))
        return float(np.sqrt(squared / Y.size))

    def _search(self, X: np.ndarray, Y: np.ndarray, folds: list) -> tuple[list[int], list[float]]:
        """Selected interval indices and the RMSECV after each step."""
        known = {(index,): float(value) for index, value in enumerate(self.interval_scores_)}

        def score(chosen: list[int]) -> float:
            key = tuple(sorted(chosen))
            if key not in known:
                columns = np.concatenate([self.intervals_[index] for index in key])
                known[key] = self._rmsecv(X, Y, columns, folds)
            return known[key]

        count = len(self.intervals_)
        if self.mode == "single":
            best = int(np.argmin(self.interval_scores_))
            return [best], [float(self.interval_scores_[best])]
        if self.mode == "forward":
            chosen, path = [], []
            limit = count if self.max_intervals is None else min(self.max_intervals, count)
            while len(chosen) < limit:
                candidates = [index for index in range(count) if index not in chosen]
                scores = [score([*chosen, index]) for index in candidates]
                best = int(np.argmin(scores))
                if path and scores[best] >= path[-1]:
                    break
                chosen.append(candidates[best])
                path.append(scores[best])
            return chosen, path
        chosen, path = list(range(count)), [score(list(range(count)))]
        while len(chosen) > 1:
            scores = [score([kept for kept in chosen if kept != index]) for index in chosen]
            best = int(np.argmin(scores))
            if scores[best] >= path[-1]:
                break
            chosen.remove(chosen[best])
            path.append(scores[best])
        return chosen, path

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Score the intervals, select them and fit the final PLS on their wavelengths.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        self._check_params()
        X, Y = self._validate_training(X, y)
        folds = list(self._splitter().split(X, Y))
        self.intervals_ = split_intervals(X.shape[1], self.n_intervals, self.interval_width)
        self.interval_scores_ = np.array(
            [self._rmsecv(X, Y, columns, folds) for columns in self.intervals_]
        )
        chosen, path = self._search(X, Y, folds)
        self.selected_intervals_ = np.array(sorted(chosen), dtype=np.intp)
        self.score_path_ = np.array(path)
        columns = np.concatenate([self.intervals_[index] for index in self.selected_intervals_])
        self.support_ = np.zeros(X.shape[1], dtype=bool)
        self.support_[columns] = True
        varying = int(np.count_nonzero(np.ptp(X[:, self.support_], axis=0)))
        if varying == 0:
            raise ValueError(
                "IntervalPLS: X is constant on every interval, so no PLS component can be "
                "fitted; check the spectra"
            )
        self.n_components_ = min(self.n_components, varying, X.shape[0] - 1)
        fit = weighted_pls(X[:, self.support_], Y, self.n_components_)
        self._store(self._widen(fit, X))
        return self

    def _widen(self, fit: WeightedPLS, X: np.ndarray) -> WeightedPLS:
        """The fit of the selected columns as a model of all wavelengths (zero elsewhere)."""

        def widen(values: np.ndarray) -> np.ndarray:
            full = np.zeros((X.shape[1], *values.shape[1:]))
            full[self.support_] = values
            return full

        factors = fit.factors
        wide = replace(
            factors,
            x_weights=widen(factors.x_weights),
            x_loadings=widen(factors.x_loadings),
            x_rotations=widen(factors.x_rotations),
        )
        x_mean = X.mean(axis=0)
        return WeightedPLS(wide, x_mean, fit.y_mean, widen(fit.coef), X - x_mean)
