"""Every bad input gets a typed error that names the file, the line and column, and the fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nirs4all.data import load_dataset
from nirs4all.errors import (
    AxisMismatchError,
    DataError,
    DataFileNotFoundError,
    DatasetConfigError,
    DataWarning,
    EmptyFileError,
    NonFiniteValueError,
    NonNumericCellError,
    RaggedRowError,
    RowCountMismatchError,
    WavelengthAxisError,
)


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


GOOD_X = "1000;1010;1020\n0.1;0.2;0.3\n0.4;0.5;0.6\n0.7;0.8;0.9\n"


def test_missing_path_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataFileNotFoundError, match="nowhere") as info:
        load_dataset(tmp_path / "nowhere")
    assert isinstance(info.value, FileNotFoundError)


def test_missing_file_in_config_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataFileNotFoundError, match=r"Xmissing\.csv"):
        load_dataset({"train_x": str(tmp_path / "Xmissing.csv")})


def test_folder_without_spectra_lists_what_it_holds(tmp_path: Path) -> None:
    _folder(tmp_path, notes="a;b\n")
    with pytest.raises(DatasetConfigError, match=r"Xcal\.csv or Xtrain\.csv.*notes\.csv"):
        load_dataset(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="\n\n")
    with pytest.raises(EmptyFileError, match=r"Xcal\.csv.*empty"):
        load_dataset(tmp_path)


def test_header_only_file(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="1000;1010;1020\n")
    with pytest.raises(EmptyFileError, match="header line but no data rows"):
        load_dataset(tmp_path)


def test_ragged_row_names_line(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="1000;1010;1020\n0.1;0.2;0.3\n0.4;0.5\n0.7;0.8;0.9\n")
    with pytest.raises(RaggedRowError) as info:
        load_dataset(tmp_path)
    assert info.value.line == 3
    assert "Xcal.csv, line 3" in str(info.value)
    assert "2 cells but the first row has 3" in str(info.value)


def test_non_numeric_cell_names_line_and_column(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="1000;1010;1020\n0.1;0.2;0.3\n0.4;oops;0.6\n")
    with pytest.raises(NonNumericCellError) as info:
        load_dataset(tmp_path)
    assert (info.value.line, info.value.column) == (3, 2)
    assert "'oops'" in str(info.value)


def test_decimal_comma_hint_when_decimal_forced_to_point(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="0,1;0,2;0,3\n0,4;0,5;0,6\n")
    with pytest.raises(NonNumericCellError, match="decimal=','"):
        load_dataset(tmp_path, decimal=".")


def test_nan_in_features_is_an_error_by_default(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="1000;1010;1020\n0.1;0.2;0.3\n0.4;NaN;0.6\n0.7;0.8;inf\n")
    with pytest.raises(NonFiniteValueError) as info:
        load_dataset(tmp_path)
    assert (info.value.line, info.value.column) == (3, 2)
    assert "2 NaN or infinite" in str(info.value)
    assert "na_policy='drop'" in str(info.value)


def test_empty_cell_counts_as_nan(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="0.1;0.2;0.3\n0.4;;0.6\n")
    with pytest.raises(NonFiniteValueError):
        load_dataset(tmp_path)


def test_nan_drop_policy_drops_with_one_counting_warning(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="1000;1010;1020\n0.1;0.2;0.3\n0.4;NaN;0.6\n0.7;0.8;inf\n",
            Ycal="1\n2\n3\n")
    with pytest.warns(DataWarning, match=r"dropped 2 sample\(s\).*2 train") as record:
        dataset = load_dataset(tmp_path, na_policy="drop")
    assert len(record) == 1
    assert dataset.n_samples == 1
    assert dataset.y[0, 0] == 1.0
    assert list(dataset.sample_ids) == [0]


def test_nan_keep_policy_keeps(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="0.1;0.2;0.3\n0.4;NaN;0.6\n")
    dataset = load_dataset(tmp_path, na_policy="keep")
    assert np.isnan(dataset.x()[1, 1])


def test_missing_target_is_an_error_by_default(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Ycal="1\nNA\n3\n")
    with pytest.raises(NonFiniteValueError, match=r"Ycal\.csv.*missing or infinite target"):
        load_dataset(tmp_path)


def test_y_rows_differ_from_x_rows(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Ycal="1\n2\n")
    with pytest.raises(RowCountMismatchError,
                       match=r"Ycal\.csv has 2 rows but .*Xcal\.csv has 3 \(check for a header"):
        load_dataset(tmp_path)


def test_metadata_rows_differ_from_x_rows(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Mcal="lot\na\nb\nc\nd\n")
    with pytest.raises(RowCountMismatchError, match=r"Mcal\.csv has 4 rows"):
        load_dataset(tmp_path)


def test_duplicate_wavelength_in_header(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal="1000;1010;1010;1020\n0.1;0.2;0.3;0.4\n")
    with pytest.raises(WavelengthAxisError, match="1010 appears twice") as info:
        load_dataset(tmp_path)
    assert (info.value.line, info.value.column) == (1, 3)


def test_non_monotonic_wavelength_header(tmp_path: Path) -> None:
    header = ";".join(str(v) for v in [1000, 1010, 1020, 1015, 1030, 1040, 1050, 1060, 1070,
                                       1080, 1090, 1100])
    _folder(tmp_path, Xcal=header + "\n" + ";".join(["0.5"] * 12) + "\n")
    with pytest.raises(WavelengthAxisError, match=r"not monotonic: 1020 .* followed by 1015"):
        load_dataset(tmp_path)


def test_train_and_test_axes_differ(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Xval="1000;1010;1030\n0.1;0.2;0.3\n")
    with pytest.raises(AxisMismatchError,
                       match=r"column 3 is 1020 in .*Xcal\.csv but 1030 in .*Xval\.csv"):
        load_dataset(tmp_path)


def test_train_and_test_axes_of_different_lengths(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Xval="1000;1010\n0.1;0.2\n")
    with pytest.raises(AxisMismatchError, match=r"3 wavelengths in .* but 2"):
        load_dataset(tmp_path)


def test_targets_for_one_partition_only(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Ycal="1\n2\n3\n", Xval=GOOD_X)
    with pytest.raises(DatasetConfigError, match="test partition has no targets"):
        load_dataset(tmp_path)


def test_unknown_config_key_is_an_error() -> None:
    with pytest.raises(DatasetConfigError, match="unknown key 'trian_x'"):
        load_dataset({"trian_x": "a.csv"})


def test_mixed_conventions_are_an_error(tmp_path: Path) -> None:
    _folder(tmp_path, Xcal=GOOD_X, Xtrain=GOOD_X)
    with pytest.raises(DatasetConfigError, match="mixes"):
        load_dataset(tmp_path)


def test_bad_na_policy() -> None:
    with pytest.raises(ValueError, match="na_policy"):
        load_dataset(np.zeros((2, 2)), na_policy="ignore")


def test_nan_in_arrays_names_row_and_column() -> None:
    X = np.ones((3, 4))
    X[2, 1] = np.nan
    with pytest.raises(NonFiniteValueError, match=r"row 2, column 1 \(0-based\)"):
        load_dataset((X, np.ones(3)))


def test_array_y_rows_differ() -> None:
    with pytest.raises(RowCountMismatchError, match="y has 2 rows but X has 3"):
        load_dataset((np.ones((3, 4)), np.ones(2)))


def test_every_data_error_is_a_value_error() -> None:
    assert issubclass(DataError, ValueError)


def test_unsupported_source_type() -> None:
    with pytest.raises(TypeError, match="load_dataset takes"):
        load_dataset(42)
