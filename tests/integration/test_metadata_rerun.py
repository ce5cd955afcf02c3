"""A rerun after editing a metadata column that the pipeline reads recomputes: the metadata
is part of the dataset's content hash, so stale results are never restored."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import GroupKFold, KFold

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset


def _dataset(lots: np.ndarray) -> SpectroDataset:
    base = nirs4all.generate(60, random_state=7)
    source = base.sources[0]
    return SpectroDataset(FeatureSource("nir", source.X, source.wavelengths, source.unit),
                          base.y, partition=base.partition, metadata={"lot": lots},
                          name="lots")


def test_a_rerun_after_editing_the_group_column_recomputes(tmp_path: Path) -> None:
    pipeline = [{"split": GroupKFold(3), "group": "lot"}, PLSRegression(3)]
    lots = np.repeat(np.arange(6), 10)
    first = nirs4all.run(pipeline, _dataset(lots), random_state=0, verbose=0,
                         workspace=tmp_path / "ws")
    edited = lots.copy()
    edited[:30] = np.roll(edited[:30], 5)  # a few samples change lot
    again = nirs4all.run(pipeline, _dataset(edited), random_state=0, verbose=0,
                         workspace=tmp_path / "ws")
    assert again.stats["fits"] > 0
    assert again.best.cv_score != first.best.cv_score
    same = nirs4all.run(pipeline, _dataset(edited), random_state=0, verbose=0,
                        workspace=tmp_path / "ws")
    assert same.stats["fits"] == 0  # unchanged metadata: restored
    assert same.best.cv_score == again.best.cv_score


def test_a_rerun_after_editing_the_repetition_column_recomputes(tmp_path: Path) -> None:
    pipeline = [KFold(3), PLSRegression(3)]
    samples = np.repeat(np.arange(30), 2)
    data = _dataset(samples).with_repetition("lot")
    first = nirs4all.run(pipeline, data, random_state=0, verbose=0, workspace=tmp_path / "ws")
    edited = samples.copy()
    edited[[0, 2]] = edited[[2, 0]]
    again = nirs4all.run(pipeline, _dataset(edited).with_repetition("lot"), random_state=0,
                         verbose=0, workspace=tmp_path / "ws")
    assert again.stats["fits"] > 0
    assert first.best.chain_id != again.best.chain_id
