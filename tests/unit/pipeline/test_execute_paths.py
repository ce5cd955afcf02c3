"""Executor paths off the common road: no training rows, traces, no splitter, a splitter
without folds, feature augmentation per fold, a run without its final refit."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.errors import DataError, SpecError
from nirs4all.pipeline.canonical import identity
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.spec import parse_pipeline
from nirs4all.pipeline.state import StepCache
from tests.unit.pipeline.executor_helpers import execute


class NoFolds(BaseEstimator):
    """A splitter that yields no fold."""

    def split(self, X, y=None, groups=None):
        return iter(())

    def get_n_splits(self, X=None, y=None, groups=None):
        return 0


def _dataset(n=30, n_test=6, *, partition=None):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(n, 5))
    return SpectroDataset(FeatureSource("X", X), X[:, 0] + rng.normal(scale=0.1, size=n),
                          partition=partition or ["train"] * (n - n_test) + ["test"] * n_test)


def _executor(pipeline, dataset, **kwargs):
    options = {"with_cv": True, "with_final": True, **kwargs}
    return VariantExecutor(dataset, parse_pipeline(pipeline), pipeline_id=identity(pipeline),
                           seed=7, cache=StepCache(), **options)


def test_a_dataset_without_training_rows_is_refused_naming_the_fix() -> None:
    with pytest.raises(DataError, match="has no training rows; mark some rows 'train'"):
        _executor([KFold(2), Ridge()], _dataset(partition=["test"] * 30))


def test_trace_logs_every_step_output_shapes_at_debug(caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="nirs4all.pipeline.execute"):
        _executor([StandardScaler(), KFold(2), Ridge()], _dataset(), trace=True).run()
    shaped = [r for r in caplog.records if hasattr(r, "shapes")]
    assert [r.label for r in shaped][:2] == ["StandardScaler", "KFold(n_splits=2)"]
    assert shaped[0].shapes == {"root:*": [[30, 5]]}
    assert set(shaped[1].shapes) == {"root:0", "root:1", "root:final"}


def test_a_splitter_without_folds_is_a_spec_error_naming_the_step() -> None:
    with pytest.raises(SpecError, match=r"steps\[0\]: the splitter produced no folds"):
        _executor([NoFolds(), Ridge()], _dataset()).run()


def test_feature_augmentation_fits_each_operator_per_fold_and_keeps_them_side_by_side():
    executor, chains, _ = execute(
        [KFold(2), {"feature_augmentation": [StandardScaler(), MinMaxScaler()]}, Ridge()],
        _dataset())
    model = executor.models[0]
    assert model.val.keys() == {"0", "1"}
    step = next(s for s in chains[0].steps if s.kind == "feature_augmentation")
    fold0 = executor.artifacts[step.artifacts["0"]]
    train0 = executor.rows.fit["0"]
    X = _dataset().sources[0].X
    np.testing.assert_allclose(fold0[0][0].mean_, X[train0].mean(axis=0))
    np.testing.assert_allclose(fold0[1][0].data_min_, X[train0].min(axis=0))


def test_without_a_splitter_and_without_the_final_refit_nothing_is_fitted() -> None:
    executor = _executor([StandardScaler(), Ridge()], _dataset(), with_final=False)
    models = executor.run()
    assert len(models) == 1
    assert models[0].test == {}
    assert models[0].train == {}
    assert executor.fits == 1  # the scaler; the model's only key is the final refit
