"""Wavelength selection by PLS coefficients: CARS and MCUVE.

Both fit many single-target PLS models on random subsets of the training spectra, drawn
from ``numpy.random.default_rng(random_state)`` only, so a seed fixes the selection. They
keep the chosen columns in ``transform`` and report them in ``support_`` and
``wavelengths_out_`` (the kept wavelengths).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.transforms._transformer import (
    FLOAT_DTYPES,
    SpectralTransformer,
    check_choice,
    check_int,
)

__all__ = ["CARS", "MCUVE", "pls1_coefficients"]

MCUVE_THRESHOLDS = ("auto", "percentile", "value")
#: Amplitude, relative to the spread of X, of the noise columns of MCUVE's "auto" cutoff.
NOISE_SCALE = 1e-10
#: PLS1 stops when the remaining covariance X'y is this share of the initial one.
EXHAUSTED = 1e-8


def pls1_coefficients(X: np.ndarray, y: np.ndarray, n_components: int) -> np.ndarray:
    """Coefficients of the PLS1 models with 1 .. ``n_components`` components, on centred X.

    NIPALS for one target (Wold et al. 1983) without forming the deflated matrix: since
    the scores are orthogonal, ``E_a' t = X_c' t`` and ``E_a' y = X_c' y - P_a T_a' y``.
    Row ``a - 1`` of the result is ``W_a (P_a' W_a)^-1 q_a``; when ``E_a' y`` falls to
    ``EXHAUSTED`` of ``X_c' y`` (X has no further component related to y), the last
    coefficients are repeated.
    """
    mean = X.mean(axis=0)
    target = y - y.mean()
    n_features = X.shape[1]
    weights = np.zeros((n_features, n_components))
    loadings = np.zeros((n_features, n_components))
    scores = np.zeros((X.shape[0], n_components))
    q = np.zeros(n_components)
    coefficients = np.zeros((n_components, n_features))
    cross = X.T @ target - mean * target.sum()
    initial = np.linalg.norm(cross)
    found = 0
    for a in range(n_components):
        norm = np.linalg.norm(cross)
        # Below this share of X'y nothing is left to fit but rounding (or MCUVE's noise).
        if norm <= EXHAUSTED * initial or not np.isfinite(norm) or norm == 0:
            break
        w = cross / norm
        # t = E_{a-1} w, with E_{a-1} = X_c - T P' of the previous components.
        t = X @ w - mean @ w - scores[:, :a] @ (loadings[:, :a].T @ w)
        tt = t @ t
        if tt <= 0:
            break
        weights[:, a] = w
        scores[:, a] = t
        loadings[:, a] = (X.T @ t) / tt
        q[a] = (target @ t) / tt
        cross = cross - loadings[:, a] * (t @ target)
        found = a + 1
        inner = loadings[:, :found].T @ weights[:, :found]
        coefficients[a] = weights[:, :found] @ np.linalg.solve(inner, q[:found])
    if 0 < found < n_components:
        coefficients[found:] = coefficients[found - 1]
    return coefficients


class _PLSSelector(SpectralTransformer):
    """Column selection learned from one target; ``transform`` keeps the selected columns."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def _validate_fit(self, X: ArrayLike, y: ArrayLike | None) -> tuple[np.ndarray, Any]:
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        X, y = validate_data(
            self,
            X,
            y,
            reset=True,
            dtype=FLOAT_DTYPES,
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2,
        )
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(
                    f"{type(self).__name__} selects wavelengths for one target; y has "
                    f"{y.shape[1]} columns (select per target, or pass one column)"
                )
            y = y[:, 0]
        return X, y

    def _check_common(self) -> None:
        check_int(self, "n_components", 1)
        ratio = self.subset_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not 0 < ratio <= 1:
            raise ValueError(
                f"{type(self).__name__}: subset_ratio must be in (0, 1]; got {ratio!r}"
            )

    def _subset(self, rng: np.random.Generator, n_samples: int) -> np.ndarray:
        size = min(n_samples, max(2, round(self.subset_ratio * n_samples)))
        return np.sort(rng.choice(n_samples, size=size, replace=False))

    def _set_support(self, support: np.ndarray) -> None:
        support.flags.writeable = False
        self.support_ = support
        selected = self.wavelengths_[support]
        selected.flags.writeable = False
        self.selected_wavelengths_ = selected
        self.wavelengths_out_ = selected

    def get_support(self, indices: bool = False) -> np.ndarray:
        """Mask (or, with ``indices=True``, indices) of the selected columns."""
        check_is_fitted(self)
        return np.flatnonzero(self.support_) if indices else self.support_.copy()

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X[:, self.support_]


class CARS(_PLSSelector):
    """Competitive adaptive reweighted sampling of wavelengths (Li et al. 2009).

    Each of ``n_sampling_runs`` runs draws ``subset_ratio`` of the training rows, fits a PLS1
    model of ``n_components`` on the wavelengths still retained, and weighs them by
    ``|b_j| / sum |b|``. An exponentially decreasing function keeps the ``r_i * p`` heaviest
    (``r_i = a exp(-k i)``, from ``r_1 = 1`` to ``r_N = 2 / p``, ``p`` the number of
    wavelengths); adaptive reweighted sampling then draws as many with replacement, with
    probability their weight, and the distinct ones drawn are retained. The retained set of
    every run is scored by ``cv_folds``-fold cross-validation (RMSECV of the best number of
    components up to ``n_components``, on folds fixed for all runs), and the set of lowest
    RMSECV is selected (the earliest, that is the largest, on ties).

    Parameters
    ----------
    n_components : int, default=10
        Most PLS components (capped by the retained wavelengths and the rows).
    n_sampling_runs : int, default=50
    cv_folds : int, default=5
        Folds of the RMSECV (capped at the number of rows).
    subset_ratio : float, default=0.8
        Share of the training rows drawn by each run.
    random_state : int, optional
        Seed of every draw (rows, sampling, folds).

    Attributes
    ----------
    support_ : ndarray of bool of shape (n_features_in_,)
        Selected columns.
    selected_wavelengths_ : ndarray
        Their wavelengths (also ``wavelengths_out_``).
    rmsecv_ : ndarray of shape (n_sampling_runs,)
        Cross-validated error of the set retained by each run.
    n_retained_ : ndarray of int of shape (n_sampling_runs,)
        Size of that set.
    best_run_ : int
        Index of the selected run.

    References
    ----------
    Li, H., Liang, Y., Xu, Q. & Cao, D. (2009). Key wavelengths screening using competitive
    adaptive reweighted sampling method for multivariate calibration. Analytica Chimica
    Acta 648(1), 77-84.
    """

    def __init__(
        self,
        n_components: int = 10,
        n_sampling_runs: int = 50,
        cv_folds: int = 5,
        subset_ratio: float = 0.8,
        random_state: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.n_sampling_runs = n_sampling_runs
        self.cv_folds = cv_folds
        self.subset_ratio = subset_ratio
        self.random_state = random_state

    def _check_params(self) -> None:
        self._check_common()
        check_int(self, "n_sampling_runs", 2)
        check_int(self, "cv_folds", 2)

    def _rmsecv(self, X: np.ndarray, y: np.ndarray, folds: np.ndarray) -> float:
        errors = np.zeros(self.n_components)
        n_folds = folds.max() + 1
        for fold in range(n_folds):
            fit, held = folds != fold, folds == fold
            n_comp = max(1, min(self.n_components, X.shape[1], int(fit.sum()) - 1))
            coefficients = pls1_coefficients(X[fit], y[fit], n_comp)
            mean_x, mean_y = X[fit].mean(axis=0), y[fit].mean()
            predicted = (X[held] - mean_x) @ coefficients.T + mean_y
            residual = ((predicted - y[held, None]) ** 2).sum(axis=0)
            errors[:n_comp] += residual
            errors[n_comp:] += residual[-1]
        return float(np.sqrt(errors.min() / y.size))

    def _fit(self, X: np.ndarray, y: Any) -> None:
        rng = np.random.default_rng(self.random_state)
        n_samples, n_features = X.shape
        runs = self.n_sampling_runs
        folds = rng.permutation(n_samples) % min(self.cv_folds, n_samples)
        half = n_features / 2
        a = half ** (1 / (runs - 1))
        k = np.log(half) / (runs - 1)
        retained = np.arange(n_features)
        subsets, rmsecv = [], np.zeros(runs)
        for run in range(runs):
            rows = self._subset(rng, n_samples)
            n_comp = max(1, min(self.n_components, retained.size, rows.size - 1))
            coefficient = pls1_coefficients(X[np.ix_(rows, retained)], y[rows], n_comp)[-1]
            weight = np.abs(coefficient)
            total = weight.sum()
            weight = weight / total if total > 0 else np.full(retained.size, 1 / retained.size)
            n_keep = max(1, min(retained.size, round(a * np.exp(-k * (run + 1)) * n_features)))
            heaviest = np.sort(np.argsort(-weight, kind="stable")[:n_keep])
            chances = weight[heaviest]
            chances = chances / chances.sum() if chances.sum() > 0 else None
            drawn = rng.choice(heaviest, size=n_keep, replace=True, p=chances)
            retained = retained[np.unique(drawn)]
            subsets.append(retained)
            rmsecv[run] = self._rmsecv(X[:, retained], y, folds)
        self.rmsecv_ = rmsecv
        self.n_retained_ = np.array([s.size for s in subsets])
        self.best_run_ = int(np.argmin(rmsecv))
        support = np.zeros(n_features, dtype=bool)
        support[subsets[self.best_run_]] = True
        self._set_support(support)


class MCUVE(_PLSSelector):
    """Monte-Carlo uninformative variable elimination (Cai et al. 2008).

    ``n_iterations`` PLS1 models of ``n_components`` are fitted on random subsets of
    ``subset_ratio`` of the training rows; the stability of wavelength ``j`` is
    ``s_j = mean(b_j) / std(b_j)`` over the models' coefficients (ddof=1). Wavelengths whose
    ``|s_j|`` passes the cutoff are kept:

    - ``"auto"``: the largest ``|s|`` of as many noise columns, appended to X with an
      amplitude ``NOISE_SCALE`` times the spread of X so that they do not change the models
      (the cutoff of Centner et al. 1996);
    - ``"percentile"``: the ``threshold``-th percentile of the ``|s_j|``;
    - ``"value"``: ``threshold`` itself.

    At least the most stable wavelength is kept.

    Parameters
    ----------
    n_components : int, default=10
        PLS components (capped by the wavelengths and the rows).
    n_iterations : int, default=100
    subset_ratio : float, default=0.8
    threshold_method : {"auto", "percentile", "value"}, default="auto"
    threshold : float, optional
        Percentile (0-100) or cutoff value; required by those two methods.
    random_state : int, optional

    Attributes
    ----------
    support_ : ndarray of bool of shape (n_features_in_,)
    selected_wavelengths_ : ndarray
        Their wavelengths (also ``wavelengths_out_``).
    stability_ : ndarray of shape (n_features_in_,)
        ``s_j``.
    cutoff_ : float
        The cutoff applied to ``|s_j|``.

    References
    ----------
    Cai, W., Li, Y. & Shao, X. (2008). A variable selection method based on uninformative
    variable elimination for multivariate calibration of near-infrared spectra.
    Chemometrics and Intelligent Laboratory Systems 90(2), 188-194.
    Centner, V., Massart, D.-L., de Noord, O. E., de Jong, S., Vandeginste, B. M. &
    Sterna, C. (1996). Elimination of uninformative variables for multivariate
    calibration. Analytical Chemistry 68(21), 3851-3858.
    """

    def __init__(
        self,
        n_components: int = 10,
        n_iterations: int = 100,
        subset_ratio: float = 0.8,
        threshold_method: str = "auto",
        threshold: float | None = None,
        random_state: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.n_iterations = n_iterations
        self.subset_ratio = subset_ratio
        self.threshold_method = threshold_method
        self.threshold = threshold
        self.random_state = random_state

    def _check_params(self) -> None:
        self._check_common()
        check_int(self, "n_iterations", 2)
        method = check_choice(self, "threshold_method", MCUVE_THRESHOLDS)
        value = self.threshold
        if method == "auto":
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not (np.isfinite(value))
            or (method == "percentile" and not 0 <= value <= 100)
        ):
            raise ValueError(
                f"MCUVE: threshold_method={method!r} needs a threshold "
                f"({'a percentile in [0, 100]' if method == 'percentile' else 'a number'}); "
                f"got {value!r}"
            )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        rng = np.random.default_rng(self.random_state)
        n_samples, n_features = X.shape
        data = X.astype(np.float64, copy=False)
        if self.threshold_method == "auto":
            spread = float(data.std()) or 1.0
            noise = rng.uniform(size=(n_samples, n_features)) * (NOISE_SCALE * spread)
            data = np.hstack([data, noise])
        coefficients = np.empty((self.n_iterations, data.shape[1]))
        for i in range(self.n_iterations):
            rows = self._subset(rng, n_samples)
            n_comp = max(1, min(self.n_components, data.shape[1], rows.size - 1))
            coefficients[i] = pls1_coefficients(data[rows], y[rows], n_comp)[-1]
        mean = coefficients.mean(axis=0)
        std = coefficients.std(axis=0, ddof=1)
        unbounded = np.where(mean == 0, 0.0, np.copysign(np.inf, mean))
        stability = np.divide(mean, std, out=unbounded, where=std > 0)
        magnitude = np.abs(stability[:n_features])
        if self.threshold_method == "auto":
            cutoff = float(np.abs(stability[n_features:]).max())
            support = magnitude > cutoff
        elif self.threshold_method == "percentile":
            cutoff = float(np.percentile(magnitude, self.threshold))
            support = magnitude >= cutoff
        else:
            cutoff = float(self.threshold)
            support = magnitude >= cutoff
        if not support.any():
            support[np.argmax(magnitude)] = True
        self.stability_ = stability[:n_features]
        self.cutoff_ = cutoff
        self._set_support(support)
