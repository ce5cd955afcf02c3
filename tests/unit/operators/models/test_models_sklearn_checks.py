"""Every model of the PLS family passes scikit-learn's estimator checks, none expected to fail."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.models._ikpls import IKPLS
from nirs4all.operators.models._pcr import PCR
from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._plsda import PLSDA
from nirs4all.operators.models._simpls import SIMPLS


@parametrize_with_checks([PLS(), SIMPLS(), IKPLS(), IKPLS(algorithm=2), PCR(), PLSDA()])
def test_model_passes_sklearn_estimator_checks(estimator, check) -> None:
    check(estimator)
