"""train_params / refit_params on model steps: where they go, and what identity they carry."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import SpecError
from nirs4all.pipeline.runner import prepare_variants
from nirs4all.pipeline.spec import parse_pipeline
from nirs4all.pipeline.training import identity_view


class EpochRegressor(RegressorMixin, BaseEstimator):
    """Predicts the mean target; remembers the ``epochs`` its fit was given."""

    def __init__(self, shrink: float = 1.0) -> None:
        self.shrink = shrink

    def fit(self, X, y, epochs: int = 1):
        self.epochs_ = epochs
        self.mean_ = float(np.mean(y)) * self.shrink
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(40, random_state=0, wavelengths=(1000, 1100, 10))


def _fitted(result) -> dict[str, object]:
    """Fitted model of each fold key of the (single) model step."""
    models = {}
    for outcome in result.outcomes:
        for ref, obj in outcome.artifacts.items():
            if isinstance(obj, (EpochRegressor, SGDRegressor)):
                models[ref.rsplit(":", 1)[1]] = obj
    return models


def test_fit_arguments_go_to_every_fit_and_refit_params_override_them_for_final(data) -> None:
    step = {"model": EpochRegressor(), "train_params": {"epochs": 3},
            "refit_params": {"epochs": 7}}
    result = nirs4all.run([KFold(3), step], data, random_state=0, verbose=0, workspace=None)
    models = _fitted(result)
    assert {k: m.epochs_ for k, m in models.items()} == {"0": 3, "1": 3, "2": 3, "final": 7}


def test_constructor_parameters_are_set_and_refit_params_merge_over_them(data) -> None:
    step = {"model": SGDRegressor(), "train_params": {"max_iter": 5, "tol": None},
            "refit_params": {"max_iter": 9}}
    result = nirs4all.run([KFold(2), step], data, random_state=0, verbose=0, workspace=None)
    models = _fitted(result)
    assert {k: (m.max_iter, m.tol) for k, m in models.items()} == {
        "0": (5, None), "1": (5, None), "final": (9, None)}


def test_runtime_options_are_not_part_of_the_identity() -> None:
    plain = [KFold(3), {"model": PLSRegression(2)}]
    quiet = [KFold(3), {"model": PLSRegression(2),
                        "train_params": {"verbose": 0, "n_jobs": 2}}]
    ids = [prepare_variants(p, seed=0, max_variants=10)[0].pipeline_id for p in (plain, quiet)]
    assert ids[0] == ids[1]
    assert parse_pipeline(plain)[1].spec_json == parse_pipeline(quiet)[1].spec_json


def test_options_that_change_the_model_are_part_of_the_identity() -> None:
    first = [KFold(3), {"model": SGDRegressor(), "train_params": {"max_iter": 5}}]
    second = [KFold(3), {"model": SGDRegressor(), "train_params": {"max_iter": 6}}]
    refit = [KFold(3), {"model": SGDRegressor(), "train_params": {"max_iter": 5},
                        "refit_params": {"max_iter": 50, "verbose": 1}}]
    ids = {prepare_variants(p, seed=0, max_variants=10)[0].pipeline_id
           for p in (first, second, refit)}
    assert len(ids) == 3


def test_identity_view_keeps_other_keys_and_drops_empty_option_dicts() -> None:
    spec = [{"model": "m", "name": "x", "train_params": {"verbose": 2},
             "refit_params": {"n_jobs": 1, "epochs": 4}}, {"branch": [[{"model": "n"}]]}]
    assert identity_view(spec) == [{"model": "m", "name": "x",
                                    "refit_params": {"epochs": 4}},
                                   {"branch": [[{"model": "n"}]]}]


def test_a_model_without_verbose_ignores_it(data) -> None:
    step = {"model": PLSRegression(2), "train_params": {"verbose": 0, "n_jobs": -1}}
    result = nirs4all.run([KFold(3), step], data, random_state=0, verbose=0, workspace=None)
    same = nirs4all.run([KFold(3), {"model": PLSRegression(2)}], data, random_state=0,
                        verbose=0, workspace=None)
    assert result.best.chain_id == same.best.chain_id
    assert result.best.cv_score == same.best.cv_score


def test_an_option_the_model_does_not_take_is_a_spec_error_naming_it() -> None:
    with pytest.raises(SpecError, match=r"steps\[1\]\.train_params\.epochs: PLSRegression"):
        parse_pipeline([KFold(3), {"model": PLSRegression(2), "train_params": {"epochs": 3}}])
    with pytest.raises(SpecError, match=r"steps\[0\]\.refit_params: expected a dict"):
        parse_pipeline([{"model": PLSRegression(2), "refit_params": [1]}])
