"""SPlit: twinning split through the optional ``twinning`` package."""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from nirs4all.operators.splitters._single import SingleSplitter, check_targets

__all__ = ["SPlitSplitter"]


def _twin() -> Any:
    try:
        from twinning import twin  # optional dependency: imported on use
    except ImportError as error:
        raise ImportError(
            "SPlitSplitter needs the optional 'twinning' package: "
            "pip install 'nirs4all[split]' (or pip install twinning)"
        ) from error
    return twin


class SPlitSplitter(SingleSplitter):
    """SPlit calibration / test split by data twinning (Joseph & Vakayil, 2021).

    The rows of ``[X, y]`` (``X`` alone when ``y`` is None), each column standardised,
    are split by the twinning algorithm into two sets both distributed like the whole
    data: starting from a random row, it walks nearest neighbours in a k-d tree and sends
    one row of every ``r = round(1 / test_size)`` to the test set. The test set therefore
    holds about ``n / r`` rows, so a ``test_size`` of 0.25 gives 25 %, 0.3 gives 1/3.

    Parameters
    ----------
    test_size : float, default=0.25
        Test fraction, in (0, 0.5]; rounded to ``1 / r`` for an integer ``r >= 2``.
    random_state : int, RandomState instance or None, default=None
        Seed of the starting row. An int gives the same split on every call.

    Notes
    -----
    Needs the ``twinning`` package (extra ``nirs4all[split]``); an ImportError says so
    when the splitter is created without it.

    References
    ----------
    Joseph, V. R. and Vakayil, A. (2021). SPlit: An optimal method for data splitting.
    Technometrics 64(2), 166-176. Vakayil, A. and Joseph, V. R. (2022). Data twinning.
    Statistical Analysis and Data Mining 15(5), 598-610.
    """

    def __init__(
        self,
        test_size: float = 0.25,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        _twin()
        self.test_size = test_size
        self.random_state = random_state

    def _ratio(self) -> int:
        size = self.test_size
        if isinstance(size, bool) or not isinstance(size, Real) or not 0.0 < size <= 0.5:
            raise ValueError(f"SPlitSplitter: test_size must be a float in (0, 0.5], got {size!r}")
        return max(2, round(1.0 / size))

    def _train_rows(self, X: np.ndarray, y: object) -> np.ndarray:
        ratio = self._ratio()
        n = X.shape[0]
        if n < 2 * ratio:
            raise ValueError(
                f"SPlitSplitter: {n} rows are too few for test_size={self.test_size!r}; "
                f"twinning needs at least {2 * ratio}"
            )
        data = X if y is None else np.column_stack([X, check_targets(y, n, "SPlitSplitter")])
        start = int(check_random_state(self.random_state).randint(n))
        test = np.asarray(_twin()(np.ascontiguousarray(data), ratio, u1=start), dtype=np.intp)
        is_train = np.ones(n, dtype=bool)
        is_train[test] = False
        return np.flatnonzero(is_train)
