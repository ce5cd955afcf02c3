"""MetaModel outside a pipeline: its inner model on the features it is given."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.models import BranchScope, CoverageStrategy, MetaModel, StackingConfig


@parametrize_with_checks([MetaModel(Ridge()), MetaModel(LogisticRegression())])
def test_meta_model_passes_sklearn_estimator_checks(estimator, check) -> None:
    check(estimator)


def test_meta_model_predicts_as_its_inner_model() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    np.testing.assert_array_equal(MetaModel(Ridge(alpha=2.0)).fit(X, y).predict(X),
                                  Ridge(alpha=2.0).fit(X, y).predict(X))


def test_stacking_config_resolves_and_checks_its_settings() -> None:
    config = StackingConfig(CoverageStrategy.IMPUTE_MEAN, "all_branches", "mean")
    assert config.get_params()["coverage_strategy"] == "impute_mean"
    assert config.resolved() == (CoverageStrategy.IMPUTE_MEAN, BranchScope.ALL_BRANCHES,
                                 "mean")
    with pytest.raises(ValueError, match="aggregate must be one of"):
        StackingConfig(aggregate="median").resolved()
    assert MetaModel(Ridge(), source_models=["PLS"]).config()[1] is BranchScope.SPECIFIED
