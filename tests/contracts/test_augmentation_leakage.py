"""Augmented copies never reach validation or test rows, whatever the augmentation options.

By construction: column 0 of every spectrum holds its row number, which the augmenters used
here move by far less than 0.5, so the rows a model is fitted on name their source rows.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.augmentation import BaselineShift, GaussianNoise
from nirs4all.pipeline.canonical import identity
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.outcome import build_records
from nirs4all.pipeline.spec import parse_pipeline
from nirs4all.pipeline.state import StepCache

N_ROWS, N_TEST = 72, 12


class _Recording(BaseEstimator):
    def fit(self, X, y):
        self.X_fit_ = np.array(X)
        self.model_ = self._inner().fit(X, y)
        return self

    def predict(self, X):
        return self.model_.predict(X)


class RecordingRegressor(RegressorMixin, _Recording):
    def _inner(self):
        return LinearRegression()


class RecordingClassifier(ClassifierMixin, _Recording):
    def _inner(self):
        return DummyClassifier()

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    @property
    def classes_(self):
        return self.model_.classes_


def _dataset(task: str) -> SpectroDataset:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(N_ROWS, 8))
    X[:, 0] = np.arange(N_ROWS)
    partition = np.array(["train"] * (N_ROWS - N_TEST) + ["test"] * N_TEST)
    site = np.array(["a", "a", "a", "b", "c", "c"] * (N_ROWS // 6))
    if task == "regression":
        y = np.concatenate([rng.normal(0, 1, 50), rng.normal(5, 1, N_ROWS - 50)])
    else:
        y = np.array(["low"] * 44 + ["high"] * 16 + ["low"] * 6 + ["high"] * 6)
    return SpectroDataset(FeatureSource("X", X), y, partition=partition,
                          metadata={"site": site})


AUGMENTERS = [BaselineShift(offset_range=(-0.01, 0.01), slope_range=(0, 0)),
              GaussianNoise(sigma=0.001, relative=False)]
OPTIONS = [
    ("regression", {"count": 2}),
    ("regression", {"count": 3, "selection": "random", "random_state": 4}),
    ("regression", {"count": 2, "variation_scope": "batch"}),
    ("regression", {"random_state": 9}),
    ("regression", {"balance": True, "bins": 4}),
    ("regression", {"balance": "y", "bins": 3, "binning_strategy": "quantile",
                    "target_size": 40, "max_factor": 2.5, "selection": "random"}),
    ("regression", {"balance": "site"}),
    ("binary", {"balance": "y"}),
    ("binary", {"balance": "y", "max_factor": 1.5, "selection": "random"}),
]


@pytest.mark.parametrize("before_split", [False, True], ids=["after-split", "before-split"])
@pytest.mark.parametrize(("task", "options"), OPTIONS, ids=[str(o) for _, o in OPTIONS])
def test_models_fit_only_on_copies_of_their_own_training_rows(task, options,
                                                              before_split) -> None:
    dataset = _dataset(task)
    model = RecordingRegressor() if task == "regression" else RecordingClassifier()
    splitter = KFold(3, shuffle=True, random_state=0)
    augmentation = {"sample_augmentation": {"transformers": AUGMENTERS, **options}}
    spec = [augmentation, splitter, model] if before_split else [splitter, augmentation, model]
    pid = identity(spec)
    executor = VariantExecutor(dataset, parse_pipeline(spec), pipeline_id=pid, seed=3,
                               with_cv=True, with_final=True, cache=StepCache())
    models = executor.run()
    chains, _, _ = build_records(models, pipeline_id=pid, dataset=dataset, rows=executor.rows,
                                 emit_cv=True, emit_final=True)
    model_refs = chains[0].steps[-1].artifacts
    test_rows = set(np.flatnonzero(dataset.partition == "test"))
    assert set(model_refs) == {*executor.rows.fit, "final"}
    for key, ref in model_refs.items():
        X_fit = executor.artifacts[ref].X_fit_
        sources = np.rint(X_fit[:, 0]).astype(int)
        np.testing.assert_allclose(X_fit[:, 0], sources, atol=0.05)
        allowed = executor.rows.train if key == "final" else executor.rows.fit[key]
        assert set(sources) <= set(allowed), key
        assert not set(sources) & test_rows
        if key != "final":
            assert not set(sources) & set(executor.rows.val[key])
        assert X_fit.shape[0] > allowed.size  # copies were made and fitted on
    for key, (pred, _) in models[0].val.items():  # validation rows only: no copy predicted
        assert pred.shape[0] == executor.rows.val[key].size
