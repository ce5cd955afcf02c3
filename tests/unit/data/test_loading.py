"""load_dataset on the formats users have on disk: folders, dicts, YAML/JSON, arrays."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from nirs4all.data import FeatureSource, SpectroDataset, load_dataset, save_dataset
from nirs4all.errors import DataWarning

RNG = np.random.default_rng(7)


def _rows(matrix: np.ndarray, delimiter: str = ";", decimal: str = ".") -> list[str]:
    out = []
    for row in matrix:
        cells = [repr(float(v)) for v in row]
        if decimal == ",":
            cells = [c.replace(".", ",") for c in cells]
        out.append(delimiter.join(cells))
    return out


def _write(path: Path, lines: list[str], *, gz: bool = False, encoding: str = "utf-8") -> Path:
    payload = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


def test_semicolon_decimal_comma_no_header_gzip_export(tmp_path: Path) -> None:
    X = RNG.random((15, 40))
    y = RNG.random(15)
    _write(tmp_path / "Xcal.csv.gz", _rows(X, ";", ","), gz=True)
    _write(tmp_path / "Ycal.csv", [repr(float(v)).replace(".", ",") for v in y])
    dataset = load_dataset(tmp_path)
    np.testing.assert_array_equal(dataset.x(), X)
    np.testing.assert_array_equal(dataset.y[:, 0], y)
    assert dataset.unit() == "index"
    assert dataset.task == "regression"


def test_wavenumber_header_with_metadata_file(tmp_path: Path) -> None:
    axis = np.linspace(9000.0, 4000.0, 25)
    parts = {"cal": 10, "val": 5}
    for word, n in parts.items():
        _write(tmp_path / f"X{word}.csv", [",".join(repr(float(v)) for v in axis),
                                          *_rows(RNG.random((n, 25)), ",")])
        _write(tmp_path / f"Y{word}.csv", ["protein", *[repr(float(v)) for v in RNG.random(n)]])
        _write(tmp_path / f"M{word}.csv", ["batch,site",
                                          *[f"{i % 3},Montpellier" for i in range(n)]])
    dataset = load_dataset(tmp_path)
    assert dataset.unit() == "cm-1"
    np.testing.assert_array_equal(dataset.wavelengths(), axis)
    assert dataset.n_samples == 15
    assert list(dataset.partition).count("test") == 5
    assert dataset.target_names == ("protein",)
    assert set(dataset.metadata) == {"batch", "site"}
    assert dataset.metadata["site"][0] == "Montpellier"
    np.testing.assert_array_equal(dataset.metadata["batch"][:4], [0.0, 1.0, 2.0, 0.0])


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_every_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    X = RNG.random((6, 12))
    axis = np.arange(1100.0, 1220.0, 10.0)
    _write(tmp_path / "Xtrain.csv", [delimiter.join(repr(float(v)) for v in axis),
                                     *_rows(X, delimiter)])
    dataset = load_dataset(tmp_path)
    np.testing.assert_array_equal(dataset.x(), X)
    assert dataset.unit() == "nm"


def test_latin1_file_is_read(tmp_path: Path) -> None:
    _write(tmp_path / "Xcal.csv", _rows(RNG.random((4, 5))))
    _write(tmp_path / "Mcal.csv", ["variété", "blé", "maïs", "blé", "orge"], encoding="latin-1")
    with pytest.warns(DataWarning, match="'variété' is read as column names"):
        dataset = load_dataset(tmp_path)
    assert list(dataset.metadata["variété"]) == ["blé", "maïs", "blé", "orge"]


def test_train_test_convention_and_text_labels(tmp_path: Path) -> None:
    _write(tmp_path / "Xtrain.csv", _rows(RNG.random((9, 6))))
    _write(tmp_path / "Ytrain.csv", ["variety", *(["durum", "soft", "spelt"] * 3)])
    _write(tmp_path / "Xtest.csv", _rows(RNG.random((3, 6))))
    _write(tmp_path / "Ytest.csv", ["variety", "soft", "durum", "spelt"])
    with pytest.warns(DataWarning, match="'variety' is read as column names"):
        dataset = load_dataset(tmp_path)
    assert dataset.task == "multiclass"
    assert list(dataset.classes) == ["durum", "soft", "spelt"]
    assert dataset.target_names == ("variety",)


def test_label_file_without_header_keeps_its_first_label(tmp_path: Path) -> None:
    _write(tmp_path / "Xcal.csv", _rows(RNG.random((4, 6))))
    _write(tmp_path / "Ycal.csv", ["a", "b", "a", "b"])
    dataset = load_dataset(tmp_path)
    assert dataset.task == "binary"
    assert list(dataset.y) == ["a", "b", "a", "b"]


def test_several_x_files_are_several_sources(tmp_path: Path) -> None:
    for word, n in (("cal", 6), ("val", 2)):
        _write(tmp_path / f"X{word}_nir.csv", _rows(RNG.random((n, 8))))
        _write(tmp_path / f"X{word}_mir.csv", _rows(RNG.random((n, 3))))
        _write(tmp_path / f"Y{word}.csv", [repr(float(v)) for v in RNG.random(n)])
    dataset = load_dataset(tmp_path)
    assert dataset.source_names == ("mir", "nir")
    assert dataset.x("nir").shape == (8, 8)
    assert dataset.x("mir").shape == (8, 3)


def test_dict_config_with_per_file_options_and_target_columns(tmp_path: Path) -> None:
    X = RNG.random((5, 4))
    _write(tmp_path / "spectra.txt.csv", _rows(X, "|"))
    _write(tmp_path / "ref.csv", ["id;fat;protein", *[f"s{i};{i}.5;{i}.25" for i in range(5)]])
    config = {
        "x_train": {"path": str(tmp_path / "spectra.txt.csv"), "header": False},
        "train_y": str(tmp_path / "ref.csv"),
        "target_columns": ["protein"],
        "name": "mill",
    }
    dataset = load_dataset(config)
    np.testing.assert_array_equal(dataset.x(), X)
    np.testing.assert_array_equal(dataset.y[:, 0], [0.25, 1.25, 2.25, 3.25, 4.25])
    assert dataset.name == "mill"


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_config_file_resolves_paths_relative_to_itself(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "a.csv", _rows(RNG.random((4, 6))))
    _write(data / "b.csv", [repr(float(v)) for v in RNG.random(4)])
    config = {"train_x": "data/a.csv", "train_y": "data/b.csv", "task": "regression"}
    path = tmp_path / f"wheat{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(config))
    else:
        path.write_text("".join(f"{k}: {v}\n" for k, v in config.items()))
    dataset = load_dataset(path)
    assert dataset.n_samples == 4
    assert dataset.name == "wheat"


def test_arrays_pairs_and_quadruples() -> None:
    X, y = RNG.random((10, 5)), RNG.random(10)
    pair = load_dataset((X, y), wavelengths=np.arange(5) * 2.0 + 1000, wavelength_unit="nm")
    assert pair.unit() == "nm"
    assert set(pair.partition) == {"train"}
    quad = load_dataset((X[:7], y[:7], X[7:], y[7:]))
    assert list(quad.partition).count("test") == 3
    np.testing.assert_array_equal(quad.x(), X)


def test_a_dataset_is_returned_unchanged() -> None:
    dataset = SpectroDataset(FeatureSource("X", RNG.random((3, 4))))
    assert load_dataset(dataset) is dataset


def test_single_csv_file_is_training_spectra(tmp_path: Path) -> None:
    path = _write(tmp_path / "scan.csv", _rows(RNG.random((3, 4))))
    dataset = load_dataset(path)
    assert dataset.n_samples == 3
    assert dataset.y is None


def test_trailing_delimiters_are_ignored(tmp_path: Path) -> None:
    X = RNG.random((3, 4))
    _write(tmp_path / "Xcal.csv", [row + ";" for row in _rows(X)])
    np.testing.assert_array_equal(load_dataset(tmp_path).x(), X)


def test_header_false_forces_first_row_as_data(tmp_path: Path) -> None:
    rows = _rows(np.array([[1000.0, 1002.0, 1004.0], [0.1, 0.2, 0.3]]))
    _write(tmp_path / "Xcal.csv", rows)
    assert load_dataset(tmp_path).n_samples == 1
    assert load_dataset(tmp_path, header=False).n_samples == 2


def test_wavelength_unit_override(tmp_path: Path) -> None:
    _write(tmp_path / "Xcal.csv", ["1000;1500;2000", "0.1;0.2;0.3"])
    assert load_dataset(tmp_path).unit() == "nm"
    assert load_dataset(tmp_path, wavelength_unit="cm-1").unit() == "cm-1"


def test_task_override_turns_integer_codes_into_classes(tmp_path: Path) -> None:
    _write(tmp_path / "Xcal.csv", _rows(RNG.random((6, 3))))
    _write(tmp_path / "Ycal.csv", ["0", "1", "2", "0", "1", "2"])
    assert load_dataset(tmp_path).task == "regression"
    dataset = load_dataset(tmp_path, task="classification")
    assert dataset.task == "multiclass"
    assert dataset.y.dtype == np.int64


def test_save_then_load_gives_the_same_content_hash(tmp_path: Path) -> None:
    X = RNG.random((12, 20))
    dataset = SpectroDataset(
        FeatureSource("X", X, np.linspace(900, 1700, 20), "nm"),
        RNG.integers(0, 3, 12),
        partition=["train"] * 9 + ["test"] * 3,
        metadata={"lot": np.array(list("abcabcabcabc"))},
    )
    back = load_dataset(save_dataset(dataset, tmp_path / "out"))
    assert back.content_hash() == dataset.content_hash()
    assert back.content_hash(include_metadata=True) == dataset.content_hash(
        include_metadata=True)
    assert back.task == "multiclass"


def test_save_multi_source_keeps_source_names(tmp_path: Path) -> None:
    dataset = SpectroDataset(
        [FeatureSource("nir", RNG.random((4, 5)), np.arange(5) * 10 + 1000.0, "nm"),
         FeatureSource("mir", RNG.random((4, 3)), np.array([3000.0, 2000.0, 1000.0]), "cm-1")],
        RNG.random(4),
    )
    back = load_dataset(save_dataset(dataset, tmp_path))
    assert back.source_names == ("nir", "mir")
    assert back.unit("mir") == "cm-1"
    assert back.content_hash() == dataset.content_hash()
    np.testing.assert_array_equal(back.x("nir"), dataset.x("nir"))
