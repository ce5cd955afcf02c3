"""Contract 6: results do not depend on n_jobs or on execution order."""

from __future__ import annotations

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import ShuffleSplit

import nirs4all
from nirs4all.operators.transforms import SNV, SavitzkyGolay


def test_n_jobs_1_and_2_give_bit_identical_predictions_and_ranking() -> None:
    dataset = nirs4all.generate(70, random_state=3)
    pipeline = [
        {"_or_": [SNV(), SavitzkyGolay()]},
        ShuffleSplit(3, test_size=0.25),
        {"model": {"_or_": [PLSRegression(4), RandomForestRegressor(n_estimators=8)]}},
    ]
    serial = nirs4all.run(pipeline, dataset, random_state=21, n_jobs=1, verbose=0)
    parallel = nirs4all.run(pipeline, dataset, random_state=21, n_jobs=2, verbose=0)
    assert [c.chain_id for c in serial.chains] == [c.chain_id for c in parallel.chains]
    assert [c.cv_score for c in serial.chains] == [c.cv_score for c in parallel.chains]
    for a, b in zip(serial.predictions(), parallel.predictions(), strict=True):
        assert a.natural_key == b.natural_key
        np.testing.assert_array_equal(a.y_pred, b.y_pred)


def test_user_objects_keep_their_unset_random_state() -> None:
    forest = RandomForestRegressor(n_estimators=5)
    splitter = ShuffleSplit(2, test_size=0.3)
    nirs4all.run([splitter, forest], nirs4all.generate(40, random_state=1), random_state=2,
                 verbose=0)
    assert forest.random_state is None
    assert splitter.random_state is None


def test_pipeline_id_is_a_full_sha256_of_the_variant() -> None:
    result = nirs4all.run([ShuffleSplit(2, test_size=0.3), PLSRegression(2)],
                          nirs4all.generate(30, random_state=1), random_state=0, verbose=0)
    for outcome in result.outcomes:
        assert len(outcome.pipeline_id) == 64
        int(outcome.pipeline_id, 16)
        assert outcome.dataset_hash == nirs4all.generate(30, random_state=1).content_hash()


def test_component_sweep_is_bit_identical_across_n_jobs() -> None:
    # n_jobs=3 splits the sweep's variants over chunks, each with its own step cache:
    # every chunk refits the group's largest model, with the same bits
    dataset = nirs4all.generate(70, random_state=3)
    pipeline = [{"_or_": [SNV(), SavitzkyGolay()]}, ShuffleSplit(3, test_size=0.25),
                {"model": PLSRegression, "_range_": [1, 6], "param": "n_components"}]
    runs = [nirs4all.run(pipeline, dataset, random_state=21, n_jobs=n, verbose=0,
                         workspace=None) for n in (1, 3)]
    assert [c.chain_id for c in runs[0].chains] == [c.chain_id for c in runs[1].chains]
    assert [c.cv_score for c in runs[0].chains] == [c.cv_score for c in runs[1].chains]
    for a, b in zip(runs[0].predictions(), runs[1].predictions(), strict=True):
        assert a.natural_key == b.natural_key
        np.testing.assert_array_equal(a.y_pred, b.y_pred)
