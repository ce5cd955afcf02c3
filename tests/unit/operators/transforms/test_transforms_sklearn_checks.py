"""Every transform passes scikit-learn's estimator checks, with no expected failure."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators import transforms as T

ESTIMATORS = [
    T.SNV(),
    T.RobustSNV(),
    T.MSC(),
    T.EMSC(),
    T.SavitzkyGolay(),
    T.SavitzkyGolay(deriv=1),
    T.FirstDerivative(),
    T.SecondDerivative(),
    T.NorrisWilliams(),
    T.Gaussian(),
    T.Gaussian(order=2),
    T.Detrend(),
    T.ASLSBaseline(),
    T.BaselineOffset(),
    T.Normalize(),
    T.Normalize(method="area"),
    T.Normalize(method="max"),
    T.ReflectanceToAbsorbance(),
    T.KubelkaMunk(),
    T.CropWavelengths(),
    T.Resample(),
    T.Resample(method="cubic"),
    T.OSC(),
]


# The checks feed column-standardised data, whose mean spectrum is flat: MSC and EMSC say so.
@pytest.mark.filterwarnings("ignore:.*the reference spectrum is:nirs4all.errors.DataWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check) -> None:
    check(estimator)
