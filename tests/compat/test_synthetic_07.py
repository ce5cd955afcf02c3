"""0.7 style: synthetic data scripts written for nirs4all 0.7 run unchanged and give data.

Each test is a script as 0.7 users wrote it (examples and notebooks of the 0.7 docs), with
assertions on what it returns. Defaults that differ from 0.7 (200 samples instead of 1000,
900-2500 nm instead of 350-2500 nm, one target from ``generate`` instead of five) are this
release's on purpose; the scripts below pass sizes explicitly, as 0.7 scripts usually did.
"""

from __future__ import annotations

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import cross_val_score

import nirs4all
from nirs4all.synthesis import SyntheticDatasetBuilder


def test_generate_with_complexity_and_07_keywords() -> None:
    dataset = nirs4all.generate(
        500, random_state=42, complexity="realistic", wavelength_range=(1000, 2500),
        components=["water", "protein", "lipid"], target_range=(0, 100), train_ratio=0.8,
    )
    assert dataset.n_samples == 500
    assert dataset.x().shape == (500, 751)
    assert np.count_nonzero(dataset.partition == "train") == 400
    assert dataset.y.min() == 0.0
    assert dataset.y.max() == 100.0


def test_generate_arrays_then_fit_a_pls_model() -> None:
    X, y = nirs4all.generate(300, random_state=0, complexity="simple", as_dataset=False)
    assert X.shape == (300, 801)
    scores = cross_val_score(PLSRegression(n_components=8), X, y.ravel(), cv=3, scoring="r2")
    assert scores.mean() > 0.9


def test_regression_and_classification_namespace() -> None:
    reg = nirs4all.generate.regression(
        200, random_state=1, complexity="complex", target_range=(5, 50),
        target_component="protein", distribution="lognormal", train_ratio=0.75,
    )
    assert reg.target_names == ("protein",)
    assert np.count_nonzero(reg.partition == "test") == 50
    clf = nirs4all.generate.classification(
        150, n_classes=3, random_state=1, complexity="realistic", class_separation=2.0,
        class_weights=[0.5, 0.3, 0.2],
    )
    assert clf.task == "multiclass"
    assert np.bincount(clf.y).tolist() == [75, 45, 30]


def test_builder_script_from_the_07_docs() -> None:
    dataset = (
        SyntheticDatasetBuilder(n_samples=1000, random_state=42)
        .with_features(wavelength_range=(1000, 2500), complexity="realistic",
                       components=["water", "protein", "lipid"])
        .with_targets(distribution="lognormal", range=(5, 50), component="protein")
        .with_metadata(n_groups=3, n_repetitions=(2, 5))
        .with_partitions(train_ratio=0.8)
        .build()
    )
    assert dataset.n_samples == 1000
    assert dataset.y.min() == 5.0
    assert dataset.y.max() == 50.0
    assert {"group", "bio_sample", "repetition", "sample_id"} <= set(dataset.metadata)
    assert len(set(dataset.metadata["group"])) == 3


def test_builder_arrays_batches_and_multi_source() -> None:
    X, y = (nirs4all.generate.builder(200, random_state=3)
            .with_features(complexity="complex")
            .with_batch_effects(n_batches=4)
            .build_arrays())
    assert X.shape == (200, 801)
    assert y.shape == (200, 5)
    dataset = nirs4all.generate.multi_source(
        120, random_state=7,
        sources=[{"name": "NIR", "type": "nir", "wavelength_range": (1000, 2500)},
                 {"name": "markers", "type": "aux", "n_features": 15}],
    )
    assert dataset.source_names == ("NIR", "markers")
    assert dataset.x("markers").shape == (120, 15)


def test_to_folder_then_load_it_back(tmp_path) -> None:
    folder = nirs4all.generate.to_folder(tmp_path / "synthetic", 100, random_state=5,
                                         complexity="realistic", train_ratio=0.8)
    names = sorted(p.name for p in folder.iterdir())
    assert {"Xcal.csv", "Ycal.csv", "Xval.csv", "Yval.csv"} <= set(names)
    loaded = nirs4all.load_dataset(folder)
    again = nirs4all.generate(100, random_state=5, complexity="realistic", train_ratio=0.8)
    assert loaded.content_hash() == again.content_hash()
