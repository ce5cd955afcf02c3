"""What :class:`StoredPasses` gives back of a stored run: the trials and sample flags of its
passes, and nothing for a pass it cannot answer (no dataset yet, another refit policy)."""

from __future__ import annotations

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all import workspace
from nirs4all.api._resume import StoredPasses
from nirs4all.operators.filters import YOutlierFilter
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.runner import prepare_variants

pytest.importorskip("optuna")

TUNED = [SNV(), KFold(3), {"exclude": YOutlierFilter(method="zscore", threshold=2.0)},
         {"model": PLSRegression(), "finetune_params": {
             "n_trials": 3, "model_params": {"n_components": [1, 4]}}}]


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("resume_passes")
    data = nirs4all.generate(45, random_state=7)
    result = nirs4all.run(TUNED, data, random_state=3, verbose=0, workspace=folder / "ws")
    (variant,) = prepare_variants(TUNED, seed=3, max_variants=10)
    return {"ws": folder / "ws", "data": data, "result": result, "variant": variant}


def _passes(stored: dict, seed: int = 3) -> StoredPasses:
    ws = workspace.open(stored["ws"], read_only=True)
    return StoredPasses(ws, stored["result"].run_id, seed)


def test_a_restored_cv_pass_carries_its_trials_and_flags(stored) -> None:
    passes = _passes(stored)
    try:
        outcome = passes.for_dataset(stored["data"])(stored["variant"], "cv", False)
    finally:
        passes.store.close()
    assert outcome is not None
    assert outcome.restored
    run = stored["result"]
    assert [(t.number, t.score) for t in outcome.trials] == [
        (t.number, t.score) for t in run.trials]
    assert len(outcome.trials) == 3
    computed = next(o for o in run.outcomes if o.phase == "cv")
    assert outcome.flags
    assert sorted(outcome.flags, key=repr) == sorted(computed.flags, key=repr)


def test_flags_of_another_seed_are_not_restored(stored) -> None:
    passes = _passes(stored, seed=4)
    try:
        passes.for_dataset(stored["data"])
        assert passes._flags == {}
    finally:
        passes.store.close()


def test_no_pass_is_restored_before_a_dataset_is_given(stored) -> None:
    passes = _passes(stored)
    try:
        assert passes
        assert passes(stored["variant"], "cv", False) is None
    finally:
        passes.store.close()


def test_a_cv_pass_stored_under_another_refit_policy_is_computed_again(stored) -> None:
    passes = _passes(stored)
    try:
        passes.for_dataset(stored["data"])
        # the stored CV pass holds no final fold: a caller expecting one gets nothing
        assert passes(stored["variant"], "cv", True) is None
        assert passes(stored["variant"], "cv", False) is not None
    finally:
        passes.store.close()
