"""A dataset declares its repetition column: loading keys, validation, identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nirs4all
from nirs4all.api.runner_compat import DatasetConfigs
from nirs4all.data import FeatureSource, SpectroDataset, repetitions_to_sources
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


def _scans(counts) -> SpectroDataset:
    rows = [(s, k) for s, c in enumerate(counts) for k in range(c)]
    sample = np.array([s for s, _ in rows])
    X = np.array([[10.0 * s + k, 100.0 * s - k] for s, k in rows])
    return SpectroDataset(FeatureSource("nir", X), sample * 1.5,
                          metadata={"id": sample.astype(str), "lot": sample % 2},
                          repetition="id")


def test_repetitions_become_sources_one_row_per_sample() -> None:
    wide = repetitions_to_sources(_scans([3, 3, 3]))
    assert [s.name for s in wide.sources] == ["nir_rep0", "nir_rep1", "nir_rep2"]
    assert wide.n_samples == 3
    np.testing.assert_array_equal(wide.sources[2].X, [[2.0, -2.0], [12.0, 98.0],
                                                      [22.0, 198.0]])
    np.testing.assert_array_equal(wide.y[:, 0], [0.0, 1.5, 3.0])
    assert wide.repetition is None
    np.testing.assert_array_equal(wide.metadata["lot"], [0, 1, 0])


def test_unequal_repetitions_are_refused_or_truncated() -> None:
    with pytest.raises(DatasetConfigError, match="sample\\(s\\) '1' \\(2 scans\\) differ"):
        repetitions_to_sources(_scans([3, 2, 3]))
    assert repetitions_to_sources(_scans([3, 2, 3]), unequal="truncate").n_sources == 2
    plain = SpectroDataset(FeatureSource("X", np.zeros((2, 2))))
    with pytest.raises(DatasetConfigError, match="declares no repetition column"):
        repetitions_to_sources(plain)
    bad = _scans([2, 2])
    disagree = SpectroDataset(bad.sources, np.array([0.0, 1.0, 2.0, 2.0]),
                              metadata=bad.metadata, repetition="id")
    with pytest.raises(DatasetConfigError, match="different target values"):
        repetitions_to_sources(disagree)
