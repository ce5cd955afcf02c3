"""OPLS, OPLSDA, MBPLS, KernelPLS and KOPLS pass scikit-learn's checks, none expected to fail."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.models._kernel_pls import KernelPLS
from nirs4all.operators.models._kopls import KOPLS
from nirs4all.operators.models._mbpls import MBPLS
from nirs4all.operators.models._opls import OPLS, OPLSDA

ESTIMATORS = [
    OPLS(),
    OPLS(n_components=2, n_orthogonal=2, scale=False),
    OPLSDA(),
    OPLSDA(n_orthogonal=2, scale=False),
    MBPLS(),
    MBPLS(n_components=1, scale=False, block_scaling=False),
    KernelPLS(),
    KernelPLS(kernel="linear"),
    KernelPLS(kernel="polynomial", degree=2),
    KOPLS(),
    KOPLS(n_orthogonal=2, kernel="linear"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check) -> None:
    check(estimator)
