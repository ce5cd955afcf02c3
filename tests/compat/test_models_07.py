"""0.7 style: import the PLS family from its 0.x paths and run it in pipelines."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.models.sklearn import IKPLS, OPLS, OPLSDA, PLSDA, SIMPLS, SparsePLS
from nirs4all.operators.models.sklearn.ipls import IntervalPLS
from nirs4all.operators.models.sklearn.nlpls import KernelPLS
from nirs4all.operators.models.sklearn.robust_pls import RobustPLS
from nirs4all.operators.transforms import StandardNormalVariate


@pytest.fixture(scope="module")
def wheat():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=4, name="wheat")


def test_regressors_from_the_07_paths_run_and_score(wheat):
    result = nirs4all.run(
        [StandardNormalVariate(), KFold(3, shuffle=True, random_state=0),
         {"model": {"_or_": [SIMPLS(n_components=4), IKPLS(n_components=4),
                             OPLS(n_components=1, n_orthogonal=2), SparsePLS(n_components=3),
                             RobustPLS(n_components=3), KernelPLS(n_components=4,
                                                                  kernel="linear"),
                             IntervalPLS(n_components=3, n_intervals=4, mode="single")]}}],
        wheat, random_state=0, verbose=0, workspace=None, name="models_07")
    names = {c.model_class.rsplit(".", 1)[-1] for c in result.chains}
    assert names == {"SIMPLS", "IKPLS", "OPLS", "SparsePLS", "RobustPLS", "KernelPLS",
                     "IntervalPLS"}
    assert all(np.isfinite(c.cv_score) for c in result.chains)
    # SIMPLS and IKPLS fit the same PLS model for one target: same pooled RMSECV.
    by_class = {c.model_class.rsplit(".", 1)[-1]: c.cv_score for c in result.chains}
    assert by_class["SIMPLS"] == pytest.approx(by_class["IKPLS"], rel=1e-8)
    assert np.isfinite(result.best_rmse)


def test_plsda_and_oplsda_rank_by_balanced_accuracy():
    data = nirs4all.generate(60, wavelengths=(1000, 1600, 10), task="classification",
                             n_classes=3, random_state=1)
    result = nirs4all.run(
        [StandardNormalVariate(), KFold(3, shuffle=True, random_state=0),
         {"model": {"_or_": [PLSDA(n_components=4), OPLSDA(n_orthogonal=1)]}}],
        data, random_state=0, verbose=0, workspace=None)
    assert {c.metric for c in result.chains} == {"balanced_accuracy"}
    assert 0.0 <= result.best.cv_score <= 1.0
    final = result.predictions(chain_id=result.best.chain_id, fold_id="final",
                               partition="test")
    assert final
    assert final[0].y_proba is not None
    np.testing.assert_allclose(final[0].y_proba.sum(axis=1), 1.0, rtol=1e-12)
