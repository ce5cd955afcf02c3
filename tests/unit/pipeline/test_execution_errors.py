"""A step that fails while running raises ExecutionError naming the variant, step and fold."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import ExecutionError, Nirs4allError
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.spec import SpecError


class FailsOnFold(RegressorMixin, BaseEstimator):
    """Fails when fitted on exactly ``n_rows`` rows (one particular fold)."""

    def __init__(self, n_rows: int = 0) -> None:
        self.n_rows = n_rows

    def fit(self, X, y):
        if X.shape[0] == self.n_rows:
            raise np.linalg.LinAlgError("singular matrix")
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.mean_)


class BrokenTransform(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        raise ArithmeticError("cannot fit")

    def transform(self, X):
        return X


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(40, random_state=0, test_fraction=0.25)  # 30 training rows


def test_a_failing_model_names_the_variant_the_step_and_the_fold(dataset) -> None:
    # KFold(3) on 30 training rows fits each fold on 20 rows and the final model on 30.
    with pytest.raises(ExecutionError) as caught:
        nirs4all.run([SNV(), KFold(3), FailsOnFold(30)], dataset, random_state=0,
                     verbose=0, workspace=None)
    error = caught.value
    assert error.fold == "final"
    assert error.step == "steps[2] (FailsOnFold(n_rows=30))"
    assert error.variant is not None
    assert "FailsOnFold" in error.variant
    assert "fold final" in str(error)
    assert "LinAlgError: singular matrix" in str(error)
    assert isinstance(error.__cause__, np.linalg.LinAlgError)


def test_an_execution_error_is_not_a_spec_error_nor_a_value_error(dataset) -> None:
    with pytest.raises(ExecutionError) as caught:
        nirs4all.run([BrokenTransform(), PLSRegression(2)], dataset, random_state=0,
                     verbose=0, workspace=None)
    assert not isinstance(caught.value, (ValueError, SpecError))
    assert isinstance(caught.value, Nirs4allError)
    assert "before the splitter" in caught.value.fold


def test_an_execution_error_survives_pickling_with_its_fields() -> None:
    error = ExecutionError("ValueError: bad", variant="abc (SNV > PLS)", step="steps[1] (PLS)",
                           fold="2")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, for joblib
    assert (again.reason, again.variant, again.step, again.fold) == (
        "ValueError: bad", "abc (SNV > PLS)", "steps[1] (PLS)", "2")
    assert str(again) == str(error)


def test_a_failure_in_a_worker_process_comes_back_as_execution_error(dataset) -> None:
    pipeline = [KFold(3), {"model": {"_or_": [PLSRegression(2), FailsOnFold(20)]}}]
    with pytest.raises(ExecutionError, match=r"fold 0"):
        nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=None, n_jobs=2,
                     continue_on_error=False)
