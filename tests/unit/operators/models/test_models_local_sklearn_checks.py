"""The locally weighted, robust, recursive, sparse and interval PLS models pass scikit-learn's
estimator checks, with no expected failure."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.models._interval_pls import IntervalPLS
from nirs4all.operators.models._lwpls import LWPLS
from nirs4all.operators.models._recursive_pls import RecursivePLS
from nirs4all.operators.models._robust_pls import RobustPLS
from nirs4all.operators.models._sparse_pls import SparsePLS

ESTIMATORS = [
    LWPLS(),
    LWPLS(distance="scores"),
    RobustPLS(),
    RobustPLS(weighting="tukey"),
    RecursivePLS(),
    RecursivePLS(forgetting_factor=0.9),
    SparsePLS(),
    SparsePLS(alpha=0.0, n_nonzero=2),
    IntervalPLS(),
    IntervalPLS(mode="forward", n_intervals=3),
    IntervalPLS(mode="backward", n_intervals=3),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check) -> None:
    check(estimator)
