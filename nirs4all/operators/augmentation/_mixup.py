"""Mixup for regression: convex combinations of spectra and of their targets."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils import Tags, assert_all_finite

from nirs4all.operators.augmentation._base import Augmenter
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._row_terms import add_row_terms

__all__ = ["Mixup"]


def _mix_rows(
    X: np.ndarray, origin: np.ndarray, partners: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """``weights[:, None] * X[origin] + (1 - weights[:, None]) * X[partners]`` (float64).

    Bit for bit that expression, with one array of the output's size instead of five.
    """
    out = X[origin].astype(np.float64, copy=False)
    out *= weights[:, None]
    return add_row_terms(out, [(1.0 - weights, lambda rows: X[partners[rows]])], out=out)


class Mixup(Augmenter):
    """Create new samples as convex combinations of pairs of samples (Zhang et al., 2018).

    For a source row ``i``, a partner ``j != i`` is drawn uniformly among the other rows,
    and ``lam ~ Beta(alpha, alpha)`` is folded onto [0.5, 1] (``lam := max(lam, 1 - lam)``)
    so that ``i`` dominates: ``x' = lam * x_i + (1 - lam) * x_j`` and
    ``y' = lam * y_i + (1 - lam) * y_j``. A new target thus lies between the targets of its
    pair, which suits regression; mixed class labels would be meaningless, so ``y`` must
    be numeric. Small ``alpha`` keeps most new samples close to their source row.

    :meth:`augment` is the interface: ``origin`` is the dominant row ``i``. ``transform``
    returns a copy of ``X`` unchanged, because a mixed spectrum needs a mixed target and a
    transformer cannot return targets; in a scikit-learn pipeline, Mixup is a no-op.

    Parameters
    ----------
    alpha : float, default=0.2
        Parameter of the symmetric Beta distribution of ``lam`` (> 0).
    random_state : int or None, default=0
        Seed of the partners and weights; the same seed gives the same samples.

    Attributes
    ----------
    n_features_in_ : int
        Number of wavelengths seen in ``fit``.

    References
    ----------
    Zhang, H., Cisse, M., Dauphin, Y. N. and Lopez-Paz, D. (2018). mixup: Beyond empirical
    risk minimization. International Conference on Learning Representations.
    """

    def __init__(self, alpha: float = 0.2, random_state: int | None = 0) -> None:
        self.alpha = alpha
        self.random_state = random_state

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False  # transform is the identity, whatever the seed
        return tags

    def _check_params(self) -> None:
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < alpha < np.inf:
            raise ValueError(
                f"{type(self).__name__}: alpha must be a finite number > 0, got {alpha!r}"
            )

    def _transform(self, X: object, wavelengths: object) -> np.ndarray:
        X = self._validated(X)
        assert_all_finite(X, input_name="X")  # no keys are drawn here to check it on the way
        return X.copy()

    def _partners(
        self, X: np.ndarray, origin: np.ndarray, generators: RowDraws
    ) -> tuple[np.ndarray, np.ndarray]:
        """The weight ``lam`` and the partner row of each new row (a hook for local mixup)."""
        n_rows = X.shape[0]
        lam = generators.beta(self.alpha, self.alpha)
        partners = origin.copy()
        if n_rows > 1:
            drawn = generators.integers(n_rows - 1)
            partners = drawn + (drawn >= origin)
        return np.maximum(lam, 1.0 - lam), partners

    def _augment_rows(
        self,
        X: np.ndarray,
        y: np.ndarray | None,
        origin: np.ndarray,
        copies: np.ndarray,
        shared: bool = False,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        generators = self._copy_generators(X, origin, copies, shared)
        weights, partners = self._partners(X, origin, generators)
        X_new = _mix_rows(X, origin, partners, weights)
        if y is None:
            return X_new, None
        if y.dtype.kind not in "fiub":
            raise ValueError(
                f"{type(self).__name__}.augment: y must be numeric (regression targets) to "
                f"be mixed, got dtype {y.dtype}"
            )
        targets = y.astype(np.float64)
        shape = (-1,) + (1,) * (targets.ndim - 1)
        lam = weights.reshape(shape)
        return X_new, lam * targets[origin] + (1.0 - lam) * targets[partners]
