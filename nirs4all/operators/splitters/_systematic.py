"""Systematic circular sampling on the sorted target."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from nirs4all.operators.splitters._kennard_stone import _n_test
from nirs4all.operators.splitters._single import SingleSplitter, check_targets

__all__ = ["SystematicCircularSplitter"]


class SystematicCircularSplitter(SingleSplitter):
    """Calibration / test split by systematic sampling along the sorted target.

    Rows are sorted by ``y`` (ties kept in row order) and the sorted list is read as a
    circle; from a random starting position ``s`` the training set takes the rows at
    sorted positions ``(s + floor(k * n / n_train)) mod n`` for ``k = 0 .. n_train - 1``,
    i.e. every ``n / n_train``-th row. The training set thus follows the distribution of
    the target, from its lowest to its highest values, and the test rows are spread evenly
    between them.

    Parameters
    ----------
    test_size : float or int, default=0.25
        Fraction of rows in the test set (rounded up) when a float in (0, 1), or the number
        of test rows when an int. At least two rows stay in the training set.
    random_state : int, RandomState instance or None, default=None
        Seed of the starting position. An int gives the same split on every call.

    References
    ----------
    Cochran, W. G. (1977). Sampling Techniques, 3rd ed., ch. 8 (systematic sampling,
    circular variant). Wiley.
    """

    def __init__(
        self,
        test_size: float | int = 0.25,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.test_size = test_size
        self.random_state = random_state

    def _train_rows(self, X: np.ndarray, y: object) -> np.ndarray:
        n = X.shape[0]
        n_train = n - _n_test(self.test_size, n, "SystematicCircularSplitter")
        targets = check_targets(y, n, "SystematicCircularSplitter")
        start = int(check_random_state(self.random_state).randint(n))
        positions = (start + (np.arange(n_train) * n) // n_train) % n
        return np.argsort(targets, kind="stable")[positions]
