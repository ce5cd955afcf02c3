"""A dataset declares its repetition column: loading keys, validation, identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nirs4all
from nirs4all.api.runner_compat import DatasetConfigs
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.errors import DatasetConfigError


def _write_folder(folder: Path, n_samples: int = 12, reps: int = 3) -> None:
    rng = np.random.default_rng(0)
    n = n_samples * reps
    wl = np.arange(1000, 1100, 10)
    X = rng.normal(size=(n, wl.size))
    folder.mkdir()
    (folder / "Xcal.csv").write_text(
        ";".join(map(str, wl)) + "\n" + "\n".join(";".join(f"{v:.6f}" for v in row)
                                                  for row in X) + "\n")
    (folder / "Ycal.csv").write_text("y\n" + "\n".join(f"{v:.4f}" for v in
                                                       rng.normal(size=n)) + "\n")
    ids = np.repeat([f"S{i:02d}" for i in range(n_samples)], reps)
    (folder / "Mcal.csv").write_text("Sample_ID\n" + "\n".join(ids) + "\n")


def test_load_dataset_records_the_repetition_column_from_every_entry_point(tmp_path) -> None:
    _write_folder(tmp_path / "data")
    from_folder = nirs4all.load_dataset(tmp_path / "data", repetition="Sample_ID",
                                        header=True)
    assert from_folder.repetition == "Sample_ID"
    config = {"train_x": str(tmp_path / "data" / "Xcal.csv"),
              "train_y": str(tmp_path / "data" / "Ycal.csv"),
              "train_m": str(tmp_path / "data" / "Mcal.csv"), "repetition": "Sample_ID",
              "header": True}
    assert nirs4all.load_dataset(config).repetition == "Sample_ID"
    yaml = tmp_path / "dataset.yaml"
    yaml.write_text("train_x: data/Xcal.csv\ntrain_y: data/Ycal.csv\ntrain_m: data/Mcal.csv"
                    "\nrepetition: Sample_ID\nheader: true\n")
    assert nirs4all.load_dataset(yaml).repetition == "Sample_ID"
    with pytest.warns(DeprecationWarning, match="DatasetConfigs"):
        configs = DatasetConfigs([config], repetition="Sample_ID")
    assert configs.as_datasets()[0].repetition == "Sample_ID"
    plain = nirs4all.load_dataset(tmp_path / "data", header=True)
    assert plain.repetition is None
    assert nirs4all.load_dataset(plain, repetition="Sample_ID").repetition == "Sample_ID"


def test_the_repetition_column_is_part_of_the_dataset_identity() -> None:
    X = np.arange(24.0).reshape(6, 4)
    meta = {"sample": np.repeat([0, 1, 2], 2), "other": np.arange(6)}
    plain = SpectroDataset(FeatureSource("X", X), np.arange(6.0), metadata=meta)
    declared = plain.with_repetition("sample")
    assert declared.content_hash() != plain.content_hash()
    assert declared.select([0, 1, 2]).repetition == "sample"
    assert plain.with_repetition("other").content_hash() != declared.content_hash()
    assert declared.with_repetition(None).content_hash() == plain.content_hash()


@pytest.mark.parametrize(("column", "metadata", "match"), [
    ("Sample_ID", {"lot": np.arange(4)}, "not in the metadata; columns are \\['lot'\\]"),
    ("id", {"id": np.array(["a", None, "b", "b"], dtype=object)}, "no sample id on 1 row"),
    ("", {"id": np.arange(4)}, "name of a metadata column"),
])
def test_a_bad_repetition_column_is_refused(column, metadata, match) -> None:
    with pytest.raises(DatasetConfigError, match=match):
        SpectroDataset(FeatureSource("X", np.zeros((4, 3))), metadata=metadata,
                       repetition=column)


def test_datasetconfigs_needs_one_repetition_per_dataset(tmp_path) -> None:
    with pytest.warns(DeprecationWarning, match="DatasetConfigs"), \
            pytest.raises(ValueError, match="one per dataset"):
        DatasetConfigs(["a", "b"], repetition=["x"])
