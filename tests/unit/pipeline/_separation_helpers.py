"""Shared helpers of the separation-branch and merge tests."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge

from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.pipeline.canonical import identity
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.outcome import build_records
from nirs4all.pipeline.spec import parse_pipeline
from nirs4all.pipeline.state import StepCache


class RecordingRegressor(Ridge):
    """Ridge that keeps the matrix it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.X_fit_ = np.array(X)
        return super().fit(X, y, sample_weight)


class FirstFeatureFilter(BaseEstimator):
    """A sample filter for the tests: keeps rows whose first feature is at most the median of
    the rows it was fitted on (the protocol of ``nirs4all.operators.filters``)."""

    def fit(self, X, y=None, *, metadata=None):
        self.threshold_ = float(np.median(np.asarray(X)[:, 0]))
        return self

    def get_mask(self, X, y=None, *, metadata=None):
        return np.asarray(X)[:, 0] <= self.threshold_


def make_dataset(n: int = 60, n_test: int = 12, *, seed: int = 0, values=("a", "b", "c"),
                 sources: int = 1) -> SpectroDataset:
    rng = np.random.default_rng(seed)
    blocks = [rng.normal(size=(n, 8)) for _ in range(sources)]
    y = sum(b[:, 0] for b in blocks) + rng.normal(scale=0.1, size=n)
    instrument = np.asarray(values)[rng.integers(0, len(values), n)]
    return SpectroDataset(
        tuple(FeatureSource(f"s{i}", b) for i, b in enumerate(blocks)) if sources > 1
        else FeatureSource("X", blocks[0]),
        y, partition=["train"] * (n - n_test) + ["test"] * n_test,
        metadata={"instrument": instrument})


def execute(pipeline, dataset, *, cv=True, final=True, tags=None):
    pipeline_id = identity(pipeline)
    executor = VariantExecutor(dataset, parse_pipeline(pipeline), pipeline_id=pipeline_id,
                               seed=7, with_cv=cv, with_final=final, cache=StepCache())
    if tags is not None:
        executor.tags = tags
    models = executor.run()
    chains, predictions, _ = build_records(models, pipeline_id=pipeline_id, dataset=dataset,
                                           rows=executor.rows, emit_cv=cv, emit_final=final)
    return executor, chains, predictions
