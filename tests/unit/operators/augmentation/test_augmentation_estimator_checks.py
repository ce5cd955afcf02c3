"""Every public augmenter passes scikit-learn's estimator checks, with no expected failure."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.augmentation import (
    BaselineShift,
    GaussianNoise,
    Mixup,
    MultiplicativeScatter,
    WavelengthShift,
)


@parametrize_with_checks(
    [
        GaussianNoise(),
        GaussianNoise(relative=False),
        MultiplicativeScatter(),
        BaselineShift(),
        WavelengthShift(),
        Mixup(),
    ]
)
def test_augmenter_passes_sklearn_check(estimator, check):
    check(estimator)
