"""retrain(mode="finetune"): the chain rebuilt and its model searched again on new data."""

from __future__ import annotations

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.retrain import retrain
from nirs4all.errors import SpecError
from nirs4all.operators.transforms import SNV

SEARCH = {"n_trials": 5, "model_params": {"n_components": [1, 8]}}


@pytest.fixture(scope="module")
def old_and_new():
    old = nirs4all.generate(60, random_state=0, wavelengths=(1000, 1600, 10))
    new = nirs4all.generate(60, random_state=1, wavelengths=(1000, 1600, 10))
    return old, new


def test_finetune_retrain_searches_the_model_again_on_the_new_data(old_and_new) -> None:
    old, new = old_and_new
    source = nirs4all.run([SNV(), KFold(3), {"model": PLSRegression(2)}], old,
                          random_state=0, verbose=0, workspace=None)
    again = retrain(source, new, mode="finetune", finetune_params=SEARCH)
    assert len(again.trials) == 5
    assert {t.dataset_hash for t in again.trials} == {new.content_hash()}
    assert again.stats["retrain_mode"] == "finetune"
    best = min((t for t in again.trials if t.state == "complete"), key=lambda t: t.score)
    assert again.best.cv_score == best.score


def test_finetune_retrain_reuses_the_source_search_by_default(old_and_new) -> None:
    old, new = old_and_new
    source = nirs4all.run([KFold(3), {"model": PLSRegression(), "finetune_params": SEARCH}],
                          old, random_state=0, verbose=0, workspace=None)
    again = retrain(source, new, mode="finetune")
    assert len(again.trials) == 5
    assert {t.dataset_hash for t in again.trials} == {new.content_hash()}


def test_finetune_retrain_needs_a_search_and_a_splitter(old_and_new) -> None:
    old, new = old_and_new
    plain = nirs4all.run([KFold(3), PLSRegression(2)], old, random_state=0, verbose=0,
                         workspace=None)
    with pytest.raises(SpecError, match="finetune_params"):
        retrain(plain, new, mode="finetune")
    unsplit = nirs4all.run([PLSRegression(2)], old, random_state=0, verbose=0,
                           workspace=None)
    with pytest.raises(SpecError, match="no splitter"):
        retrain(unsplit, new, mode="finetune", finetune_params=SEARCH)
    with pytest.raises(ValueError, match="for mode='finetune'"):
        retrain(plain, new, mode="full", finetune_params=SEARCH)
