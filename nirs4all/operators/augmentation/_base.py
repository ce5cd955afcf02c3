"""Shared machinery of the augmenters: validation, per-row random generators, ``augment``.

Randomness. Every output row draws from its own counter-based stream (:class:`RowDraws`),
keyed by ``(random_state, a 64-bit key of the source row's values, copy number,
occurrence)``. A row's perturbation thus depends on nothing but the seed and the row itself:
transforming a subset, or the rows in another order, gives the same rows, and results are
reproducible. The streams are drawn for all rows at once with numpy ``uint64`` arithmetic
(:mod:`nirs4all.utils.seeding`), which is what keeps this per-row independence cheap. The
global NumPy generator is never used. ``random_state=None`` draws fresh operating-system
entropy on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import Tags, assert_all_finite
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.augmentation._bands import band_slots
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.utils.seeding import fresh_seed, row_keys, value_keys

__all__ = [
    "Augmenter",
    "RowDraws",
    "check_finite",
    "check_nonnegative",
    "check_range",
    "for_each_band",
    "uniform_rows",
]

_FLOAT_DTYPES = (np.float64, np.float32)
# True while fit_transform fits: its transform checks X finite, on the way (checked_keys)
_CHECKED_LATER: ContextVar[bool] = ContextVar("nirs4all_augmenter_checked_later", default=False)


def check_range(owner: object, name: str, value: object, lowest: float = -np.inf) -> tuple:
    """Validate a ``(low, high)`` parameter with ``lowest <= low <= high``, both finite."""
    try:
        low, high = (float(bound) for bound in value)
    except (TypeError, ValueError):
        low = high = np.nan
    if not (np.isfinite(low) and np.isfinite(high) and lowest <= low <= high):
        raise ValueError(
            f"{type(owner).__name__}: {name} must be a pair (low, high) of finite numbers with "
            f"{'' if lowest == -np.inf else f'{lowest} <= '}low <= high, got {value!r}"
        )
    return low, high


def check_nonnegative(owner: object, name: str, value: object) -> float:
    """Validate a finite real parameter ``>= 0``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < np.inf:
        raise ValueError(
            f"{type(owner).__name__}: {name} must be a finite number >= 0, got {value!r}"
        )
    return float(value)


def check_finite(owner: object, name: str, value: object) -> float:
    """Validate a finite real parameter."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{type(owner).__name__}: {name} must be a finite number, got {value!r}")
    return float(value)


def uniform_rows(generators: RowDraws, bounds: tuple, size: int | None = None) -> np.ndarray:
    """One ``U(low, high)`` draw per row (``size`` draws with ``size``): ``(n,)``/``(n, size)``."""
    low, high = bounds
    return generators.uniform(low, high, size)


def for_each_band(
    X: np.ndarray,
    generators: RowDraws,
    count_range: tuple,
    edit: Callable[[np.ndarray, np.ndarray, RowDraws], None],
) -> np.ndarray:
    """A float64 copy of ``X`` where each row draws ``m ~ U{count_range}`` (inclusive) and
    then has ``m`` bands applied in turn, each changing the row in place.

    Band ``b`` is applied to all the rows with ``m > b`` at once: ``edit(out, rows, draws)``
    changes those rows of ``out``, drawing the band's parameters from ``draws``, the streams
    of ``rows`` (:func:`~nirs4all.operators.augmentation._bands.band_slots`). Each row
    makes the calls it would make alone, so its draws do not depend on the other rows.
    """
    low, high = (int(bound) for bound in count_range)
    out = X.astype(np.float64, copy=True)
    for rows, draws in band_slots(generators, generators.integers(low, high + 1)):
        edit(out, rows, draws)
    return out


def _check_finite_block(block: np.ndarray) -> None:
    """Raise scikit-learn's error for a block of rows that holds a NaN or an infinity.

    The block's sum is finite when every value is (a sum that overflows from finite values
    only costs the full check); scikit-learn's check, for its message, runs on the rest.
    """
    if not np.isfinite(block.sum()):
        assert_all_finite(block, input_name="X")


def checked_keys(X: np.ndarray) -> np.ndarray:
    """The value key of each row (:func:`value_keys`), checking ``X`` finite on the way.

    Each block of rows is checked as it is hashed, while it is in cache, which spares
    ``validate_data`` a pass over ``X``.
    """
    return value_keys(X, check=_check_finite_block)


class Augmenter(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Base of the augmenters: a stateless transformer that perturbs each row at random.

    Subclasses implement ``_perturb(X, generators, axis)``, returning float64 rows: row ``i``
    perturbs ``X[i]`` with the stream ``generators[i]`` (``generators`` is a :class:`RowDraws`,
    whose methods draw for every row at once). ``axis`` is the wavelength axis, or ``None``
    for augmenters that do not use it. Output columns are the input columns, so
    ``get_feature_names_out`` and ``set_output(transform="pandas")`` work.
    """

    random_state: int | None

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        raise NotImplementedError  # abstract hook: every augmenter defines its perturbation

    def _check_params(self) -> None:
        """Validate the parameters of the subclass (called by ``fit``)."""

    def _axis(self, wavelengths: object) -> np.ndarray | None:
        return None

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.non_deterministic = self.random_state is None
        return tags

    def _generators(
        self, keys: np.ndarray, copies: np.ndarray, occurrences: np.ndarray | None = None
    ) -> RowDraws:
        """The streams of the output rows, keyed by (random_state, row key, copy, occurrence)."""
        seed = self.random_state
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, Integral)):
            raise TypeError(
                f"{type(self).__name__}: random_state must be an int or None, got {seed!r}"
            )
        root = fresh_seed() if seed is None else int(seed)
        if occurrences is None:
            occurrences = np.zeros(len(keys), dtype=np.intp)
        return RowDraws(row_keys(root, keys, copies, occurrences))

    def fit(self, X: object, y: object = None) -> Augmenter:
        """Check the parameters and learn ``n_features_in_``; nothing else is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        validate_data(self, X, dtype=_FLOAT_DTYPES, ensure_all_finite=not _CHECKED_LATER.get())
        return self

    def fit_transform(self, X: object, y: object = None, **fit_params: object) -> np.ndarray:
        """``fit`` then ``transform``, checking ``X`` finite once (in ``transform``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : ignored
        **fit_params
            Passed to ``fit`` (``wavelengths`` for the wavelength-aware augmenters).

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        token = _CHECKED_LATER.set(True)
        try:
            self.fit(X, y, **fit_params)
        finally:
            _CHECKED_LATER.reset(token)
        return self.transform(X)

    def _validated(self, X: object) -> np.ndarray:
        check_is_fitted(self, "n_features_in_")
        # finiteness is checked by checked_keys (or by the subclass), block by block
        return validate_data(self, X, reset=False, dtype=_FLOAT_DTYPES, ensure_all_finite=False)

    def transform(self, X: object) -> np.ndarray:
        """Return a perturbed copy of every row of ``X`` (same shape and dtype).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        return self._transform(X, None)

    def _transform(self, X: object, wavelengths: object) -> np.ndarray:
        X = self._validated(X)
        generators = self._generators(checked_keys(X), np.zeros(X.shape[0], dtype=np.intp))
        return self._perturb(X, generators, self._axis(wavelengths)).astype(X.dtype, copy=False)

    def augment(
        self,
        X: object,
        y: object = None,
        n_samples: int | None = None,
        *,
        variation_scope: str = "sample",
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Create ``n_samples`` new rows, each a perturbed copy of a row of ``X``.

        Source rows are taken in turn (``origin = arange(n_samples) % len(X)``), so every
        row gets the same number of copies, give or take one. Copy ``k`` of a row is seeded
        by ``(random_state, row values, k)``: more copies of a row differ from each other,
        and the first copy equals ``transform`` of that row.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            Source spectra, usually the training rows only.
        y : array-like of shape (n_rows,) or (n_rows, n_targets), optional
            Targets of the source rows; copies inherit the target of their origin.
        n_samples : int, optional
            Number of rows to create; one per source row by default.
        variation_scope : {"sample", "batch"}, default="sample"
            ``"sample"``: each new row draws its own perturbation. ``"batch"``: every new
            row of the same round (copy ``k`` of the ``k``-th occurrence of its source)
            draws the same perturbation parameters, as one instrument session would apply
            one drift to a whole batch; rounds still differ from each other.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            New spectra, in the dtype of ``X``.
        y_new : ndarray of shape (n_samples, ...) or None
            Their targets (None when ``y`` is None).
        origin : ndarray of int of shape (n_samples,)
            Row of ``X`` each new row was made from.
        """
        X = self._validated(X)
        targets = self._targets(X, y)
        n_rows = X.shape[0]
        if n_samples is None:
            n_samples = n_rows
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 0:
            raise ValueError(
                f"{type(self).__name__}.augment: n_samples must be a non-negative int, "
                f"got {n_samples!r}"
            )
        if variation_scope not in ("sample", "batch"):
            raise ValueError(
                f"{type(self).__name__}.augment: variation_scope must be 'sample' or 'batch', "
                f"got {variation_scope!r}"
            )
        origin = np.arange(n_samples, dtype=np.intp) % n_rows
        X_new, y_new = self._augment_rows(
            X, targets, origin, np.arange(n_samples) // n_rows, variation_scope == "batch"
        )
        return X_new.astype(X.dtype, copy=False), y_new, origin

    def _targets(self, X: np.ndarray, y: object) -> np.ndarray | None:
        if y is None:
            return None
        targets = np.asarray(y)
        if targets.ndim == 0 or targets.shape[0] != X.shape[0]:
            raise ValueError(
                f"{type(self).__name__}.augment: y must have one entry per row of X "
                f"({X.shape[0]}), got shape {targets.shape}"
            )
        return targets

    def _augment_rows(
        self,
        X: np.ndarray,
        y: np.ndarray | None,
        origin: np.ndarray,
        copies: np.ndarray,
        shared: bool = False,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        generators = self._copy_generators(X, origin, copies, shared)
        X_new = self._perturb(X[origin], generators, self._axis(None))
        return X_new, None if y is None else y[origin]

    def _copy_generators(
        self, X: np.ndarray, origin: np.ndarray, copies: np.ndarray, shared: bool = False
    ) -> RowDraws:
        """Streams of the copies; identical source rows are told apart by occurrence.

        ``shared`` (the batch scope) keys every row alike, so rows of one round share draws.
        """
        keys = checked_keys(X)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.r_[0, np.flatnonzero(ordered[1:] != ordered[:-1]) + 1]
        rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
        occurrence = np.empty(len(keys), dtype=np.intp)
        occurrence[order] = rank
        row_keys_ = np.zeros(len(origin), dtype=np.uint64) if shared else keys[origin]
        return self._generators(row_keys_, copies, occurrence[origin])
