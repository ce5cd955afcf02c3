"""`TrainingInfo` lives in pipeline/records.py and is built by one function."""

from __future__ import annotations

import numpy as np

from nirs4all.pipeline.records import TrainingInfo, training_info
from nirs4all.workspace import bundle


def test_bundle_module_still_exports_the_same_training_info_class() -> None:
    assert bundle.TrainingInfo is TrainingInfo


def test_training_info_from_manifest_like_lists_gets_one_type_per_field() -> None:
    info = training_info(dataset_hash="ab" * 32, task="classification", n_targets=np.int64(1),
                         target_names=["y"], classes=["a", "b"],
                         sources=[("NIR", [1000, 1002], "nm")], seed=np.int64(7))
    assert info.target_names == ("y",)
    assert isinstance(info.classes, np.ndarray)
    assert info.classes.tolist() == ["a", "b"]
    name, axis, unit = info.sources[0]
    assert (name, unit) == ("NIR", "nm")
    assert axis.dtype == np.float64
    assert axis.tolist() == [1000.0, 1002.0]
    assert type(info.seed) is int
    assert type(info.n_targets) is int


def test_training_info_keeps_no_classes_as_none_for_a_regression() -> None:
    info = training_info(dataset_hash="cd" * 32, task="regression", n_targets=2,
                         target_names=("a", "b"), classes=None,
                         sources=(("s", np.arange(3.0), "cm-1"),), seed=0)
    assert info.classes is None
    assert info.n_targets == 2
