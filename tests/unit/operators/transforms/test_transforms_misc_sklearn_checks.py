"""The 0.x operators of issue 15 pass scikit-learn's estimator checks, none expected to fail."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.transforms._centering import Baseline
from nirs4all.operators.transforms._decomposition import FlexiblePCA, FlexibleSVD
from nirs4all.operators.transforms._derivatives import Derivate
from nirs4all.operators.transforms._discretizers import IntegerKBinsDiscretizer, RangeDiscretizer
from nirs4all.operators.transforms._epo import EPO
from nirs4all.operators.transforms._local import (
    AreaNormalization,
    LocalStandardNormalVariate,
    LogTransform,
    SimpleScale,
)
from nirs4all.operators.transforms._resampler import Resampler
from nirs4all.operators.transforms._selection import CARS, MCUVE

ESTIMATORS = [
    LocalStandardNormalVariate(),
    LocalStandardNormalVariate(pad_mode="edge"),
    LocalStandardNormalVariate(pad_mode="constant"),
    LogTransform(),
    LogTransform(base=10, auto_offset=False),
    AreaNormalization(),
    AreaNormalization(method="abs_sum"),
    AreaNormalization(method="trapz"),
    SimpleScale(),
    Baseline(),
    Derivate(),
    Derivate(order=3),
    Resampler(),
    Resampler(step=0.5, method="cubic"),
    FlexiblePCA(),
    FlexiblePCA(n_components=3),
    FlexibleSVD(),
    FlexibleSVD(n_components=2, random_state=0),
    IntegerKBinsDiscretizer(),
    IntegerKBinsDiscretizer(strategy="uniform"),
    RangeDiscretizer(),
    RangeDiscretizer(bins=[-1.0, 0.0, 1.0]),
    EPO(),
    CARS(n_sampling_runs=5, random_state=0),
    CARS(),
    MCUVE(n_iterations=10, random_state=0),
    MCUVE(threshold_method="percentile", threshold=50, n_iterations=10, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check) -> None:
    check(estimator)
