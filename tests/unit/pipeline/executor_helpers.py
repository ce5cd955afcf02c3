"""Helpers shared by the executor tests: a model that keeps its fitted rows, one-variant runs."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LinearRegression

from nirs4all.pipeline.canonical import identity
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.outcome import build_records
from nirs4all.pipeline.spec import parse_pipeline
from nirs4all.pipeline.state import StepCache


class RecordingRegressor(RegressorMixin, BaseEstimator):
    """Linear least squares that keeps the matrix it was fitted on."""

    def fit(self, X, y):
        self.X_fit_ = np.array(X)
        self.model_ = LinearRegression().fit(X, y)
        return self

    def predict(self, X):
        return self.model_.predict(X)


def execute(pipeline, dataset, *, cv=True, final=True):
    """Run one variant with seed 7; return the executor, its chains and its predictions."""
    pipeline_id = identity(pipeline)
    executor = VariantExecutor(dataset, parse_pipeline(pipeline), pipeline_id=pipeline_id,
                               seed=7, with_cv=cv, with_final=final, cache=StepCache())
    models = executor.run()
    chains, predictions, _ = build_records(models, pipeline_id=pipeline_id, dataset=dataset,
                                           rows=executor.rows, emit_cv=cv, emit_final=final)
    return executor, chains, predictions


def grouped_dataset(n_groups: int, per_group: int, column: str):
    """Random rows in groups of ``per_group`` (metadata ``column``); returns it and the groups."""
    from nirs4all.data import FeatureSource, SpectroDataset

    rng = np.random.default_rng(3)
    n = n_groups * per_group
    groups = np.repeat(np.arange(n_groups), per_group)
    return SpectroDataset(FeatureSource("X", rng.normal(size=(n, 8))), rng.normal(size=n),
                          metadata={column: groups}), groups
