"""Replay refuses a chain it cannot run, with an error that says why."""

from __future__ import annotations

import dataclasses

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import ReplayError
from nirs4all.pipeline.replay import ReplayTarget, replay_chain


@pytest.fixture(scope="module")
def fitted():
    data = nirs4all.generate(40, wavelengths=(1000, 1200, 10), random_state=1)
    result = nirs4all.run([KFold(2), {"model": PLSRegression(2)}], data, random_state=0,
                          verbose=0, workspace=None)
    outcome = next(o for o in result.outcomes if o.phase == "refit")
    source = data.sources[0]
    return {"chain": outcome.chains[0], "load": outcome.artifacts.__getitem__,
            "X": [source.X], "axes": [(source.wavelengths, source.unit)],
            "target": ReplayTarget(data.task, data.n_targets, data.classes)}


def _replay(fitted, chain, **kwargs):
    return replay_chain(chain, fitted["X"], fitted["axes"], load=fitted["load"],
                        target=fitted["target"], **kwargs)


def test_a_fold_without_fitted_objects_names_the_chain_and_its_folds(fitted):
    with pytest.raises(ReplayError, match=r"no fitted object for step \d+ and fold 'nope'"):
        _replay(fitted, fitted["chain"], fold="nope")


def test_a_chain_without_a_model_step_is_refused(fitted):
    chain = fitted["chain"]
    headless = dataclasses.replace(
        chain, steps=tuple(s for s in chain.steps if s.kind != "model"))
    with pytest.raises(ReplayError, match="has no model step"):
        _replay(fitted, headless)

