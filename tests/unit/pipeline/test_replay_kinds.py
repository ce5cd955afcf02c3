"""Every replay handler of the step-kind table reproduces training's test predictions bit for
bit: one pipeline per family of kinds, each refitted chain replayed on the test rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import nirs4all
from nirs4all.operators.augmentation import GaussianNoise
from nirs4all.operators.filters import XOutlierFilter
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.replay import ReplayTarget, model_inputs, replay_chain
from tests.unit.pipeline._separation_helpers import make_dataset

PIPELINES = {
    "transform_y_processing": [StandardScaler(), {"y_processing": MinMaxScaler()}, KFold(2),
                               Ridge()],
    "feature_augmentation": [{"feature_augmentation": [StandardScaler(), MinMaxScaler()]},
                             KFold(2), Ridge()],
    "merge_features": [KFold(2), {"branch": [[StandardScaler()], [SNV()]]},
                       {"merge": "features"}, Ridge()],
    "merge_predictions": [KFold(2), {"branch": [[Ridge()], [PLSRegression(2)]]},
                          {"merge": "predictions"}, Ridge()],
    "merge_in_full": [KFold(2), {"branch": [[StandardScaler(), Ridge()], [SNV()]]},
                      {"merge": {"predictions": "all", "features": [1],
                                 "include_original": True}}, Ridge()],
    "merge_all": [KFold(2), {"branch": [[StandardScaler(), Ridge()], [SNV(), Ridge()]]},
                  {"merge": "all"}, Ridge()],
    "training_rows_only": [KFold(2), {"sample_augmentation": {
        "transformers": [GaussianNoise()], "count": 1}}, {"exclude": XOutlierFilter()},
        Ridge()],
    "merge_sources": [{"merge_sources": "concat"}, KFold(2), Ridge()],
    "by_source": [KFold(2), {"branch": {"by_source": True, "steps": {
        "s0": [SNV()], "s1": [StandardScaler()]}}}, {"merge": "concat"}, Ridge()],
    "by_metadata_models": [KFold(2), {"branch": {"by_metadata": "instrument"}}, Ridge(),
                           {"merge": "concat"}],
    "by_tag_features": [StandardScaler(), KFold(2),
                        {"tag": XOutlierFilter(threshold=8.0, tag_name="far")},
                        {"branch": {"by_tag": "far", "steps": [MinMaxScaler()]}},
                        {"merge": "concat"}, Ridge()],
}
TWO_SOURCES = {"merge_sources", "by_source"}


def _refitted(name):
    dataset = make_dataset(n=80, n_test=20, seed=4, sources=2 if name in TWO_SOURCES else 1)
    result = nirs4all.run(PIPELINES[name], dataset, workspace=None, verbose=0, random_state=0)
    outcomes = [o for o in result.outcomes if o.phase == "refit"]
    chains = {c.chain_id: c for o in outcomes for c in o.chains}
    artifacts = {k: v for o in outcomes for k, v in o.artifacts.items()}
    stored = {p.chain_id: p for o in outcomes for p in o.predictions
              if p.fold_id == "final" and p.partition == "test"}
    return dataset, chains, artifacts, stored


def _test_inputs(dataset):
    test = np.flatnonzero(dataset.partition == "test")
    sources = [s.X[test] for s in dataset.sources]
    axes = [(s.wavelengths, s.unit) for s in dataset.sources]
    metadata = {k: np.asarray(v)[test] for k, v in dataset.metadata.items()}
    return test, sources, axes, metadata


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_every_refitted_chain_replays_its_test_predictions_bit_for_bit(name) -> None:
    dataset, chains, artifacts, stored = _refitted(name)
    test, sources, axes, metadata = _test_inputs(dataset)
    target = ReplayTarget(dataset.task, dataset.n_targets, dataset.classes)
    replayed = 0
    for chain_id, record in stored.items():
        if record.n_samples != test.size:  # a separated branch's chain: its own rows only
            continue
        y_pred, _ = replay_chain(chains[chain_id], sources, axes, load=artifacts.__getitem__,
                                 target=target, chains=chains, metadata=metadata)
        np.testing.assert_array_equal(np.asarray(y_pred).reshape(record.y_pred.shape),
                                      record.y_pred)
        replayed += 1
    assert replayed >= 1


def test_model_inputs_stop_at_the_model_with_its_input_and_y_steps() -> None:
    dataset, chains, artifacts, stored = _refitted("transform_y_processing")
    _, sources, axes, _ = _test_inputs(dataset)
    target = ReplayTarget(dataset.task, dataset.n_targets, dataset.classes)
    chain = chains[next(iter(stored))]
    model, X, model_axes, y_steps = model_inputs(chain, sources, axes,
                                                 load=artifacts.__getitem__, target=target)
    assert isinstance(model, Ridge)
    assert isinstance(y_steps[0], MinMaxScaler)
    assert X.shape == sources[0].shape
    assert len(model_axes) == 1
    scaled = y_steps[0].inverse_transform(model.predict(X).reshape(-1, 1))
    np.testing.assert_array_equal(scaled.reshape(stored[chain.chain_id].y_pred.shape),
                                  stored[chain.chain_id].y_pred)
