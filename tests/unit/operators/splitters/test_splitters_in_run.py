"""Each new splitter works as the splitter step of ``nirs4all.run``."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.splitters import (
    BinnedStratifiedGroupKFold,
    GroupedSplitterWrapper,
    KBinsStratifiedSplitter,
    KMeansSplitter,
    SPlitSplitter,
    SPXYGFold,
    SystematicCircularSplitter,
)


def _dataset() -> SpectroDataset:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 20))
    y = X[:, :3].sum(axis=1) + 0.1 * rng.normal(size=60)
    return SpectroDataset(
        FeatureSource("X", X), y, metadata={"sample": np.repeat(np.arange(20), 3)}
    )


def _splitters():
    cases = [
        (KMeansSplitter(random_state=0), 1, False),
        (SystematicCircularSplitter(random_state=0), 1, False),
        (KBinsStratifiedSplitter(random_state=0, n_bins=4), 1, False),
        (BinnedStratifiedGroupKFold(3, n_bins=4), 3, True),
        (SPXYGFold(3), 3, True),
        (GroupedSplitterWrapper(KFold(3)), 3, True),
    ]
    with contextlib.suppress(ImportError):
        cases.append((SPlitSplitter(random_state=0), 1, False))
    return cases


@pytest.mark.parametrize(
    ("splitter", "n_folds", "grouped"),
    _splitters(),
    ids=[type(case[0]).__name__ for case in _splitters()],
)
def test_splitter_drives_the_cross_validation_of_a_run(splitter, n_folds, grouped):
    step = {"split": splitter, "group": "sample"} if grouped else splitter
    result = nirs4all.run(
        [step, PLSRegression(2)], _dataset(), workspace=None, verbose=0, random_state=0
    )
    folds = {p.fold_id for p in result.predictions(partition="val")}
    assert folds == {str(i) for i in range(n_folds)}
