"""The pybaselines, wavelet and signal-conversion transforms pass scikit-learn's checks."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.transforms import signal_conversion as C
from nirs4all.operators.transforms._pybaselines import (
    IASLS,
    AirPLS,
    ArPLS,
    PyBaselineCorrection,
)
from nirs4all.operators.transforms._pybaselines_peaks import (
    BEADS,
    SNIP,
    IModPoly,
    ModPoly,
    RollingBall,
)
from nirs4all.operators.transforms._wavelet_components import WaveletPCA, WaveletSVD
from nirs4all.operators.transforms._wavelets import Haar, Wavelet, WaveletDenoise, WaveletFeatures

ESTIMATORS = [
    AirPLS(),
    ArPLS(),
    IASLS(),
    ModPoly(),
    IModPoly(),
    SNIP(),
    RollingBall(),
    BEADS(),
    PyBaselineCorrection(),
    PyBaselineCorrection("aspls", lam=1e4),
    Wavelet(),
    Wavelet("db4", "symmetric"),
    Haar(),
    WaveletFeatures(),
    WaveletPCA(),
    WaveletSVD(),
    WaveletDenoise(),
    C.ToAbsorbance(),
    C.FromAbsorbance(),
    C.PercentToFraction(),
    C.FractionToPercent(),
    C.SignalTypeConverter(),
    C.SignalTypeConverter("reflectance", "kubelka_munk"),
]


# pybaselines warns, by design, when the checks' tiny random matrices barely converge.
@pytest.mark.filterwarnings("ignore::pybaselines.utils.ParameterWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check) -> None:
    check(estimator)
