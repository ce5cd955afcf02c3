"""Files that used to load as something other than what they hold now load right or fail loudly.

Each test builds the files of one real-world trap in ``tmp_path`` (issue 10, item 4).
"""

from __future__ import annotations

import gzip
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nirs4all.data import FeatureSource, SpectroDataset, load_dataset, save_dataset
from nirs4all.errors import (
    CorruptFileError,
    DatasetConfigError,
    DataWarning,
    DialectError,
    NonFiniteValueError,
    NonNumericCellError,
    RepeatedHeaderError,
    RowCountMismatchError,
)

AXIS = "1000;1010;1020"


def _spectra(n: int, header: bool = True) -> str:
    rows = [f"0.{i + 1};0.{i + 2};0.{i + 3}" for i in range(n)]
    return "\n".join(([AXIS] if header else []) + rows) + "\n"


def _write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


# -- decimal-comma targets beside '.'-decimal spectra ------------------------------------------

def test_decimal_comma_targets_with_a_header_beside_point_spectra_are_one_column(
        tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="protein\n15,56\n12,3\n9,75\n10,2\n")
    dataset = load_dataset(tmp_path)
    assert dataset.target_names == ("protein",)
    np.testing.assert_array_equal(dataset.y[:, 0], [15.56, 12.3, 9.75, 10.2])


def test_decimal_comma_targets_with_a_leading_zero_fraction_are_one_column(
        tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="15,56\n9,05\n12,3\n")
    np.testing.assert_array_equal(load_dataset(tmp_path).y[:, 0], [15.56, 9.05, 12.3])


def test_decimal_comma_targets_with_an_integer_value_are_one_column(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="15,56\n12\n12,3\n")
    np.testing.assert_array_equal(load_dataset(tmp_path).y[:, 0], [15.56, 12.0, 12.3])


def test_comma_targets_that_read_either_way_are_refused_naming_file_and_line(
        tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="15,56\n12,34\n10,25\n")
    with pytest.raises(DialectError) as info:
        load_dataset(tmp_path)
    assert info.value.path.endswith("Ycal.csv")
    assert info.value.line == 1
    assert "'15,56'" in str(info.value)
    assert "decimal" in str(info.value)


def test_a_per_file_decimal_settles_comma_targets(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="15,56\n12,34\n10,25\n")
    dataset = load_dataset({"train_x": str(tmp_path / "Xcal.csv"),
                            "train_y": {"path": str(tmp_path / "Ycal.csv"), "decimal": ","}})
    np.testing.assert_array_equal(dataset.y[:, 0], [15.56, 12.34, 10.25])


def test_two_named_comma_columns_stay_two_targets(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(2), Ycal="fat,protein\n3,15\n4,12\n")
    dataset = load_dataset(tmp_path)
    assert dataset.target_names == ("fat", "protein")
    np.testing.assert_array_equal(dataset.y, [[3.0, 15.0], [4.0, 12.0]])


def test_quoted_decimal_comma_cells_in_a_comma_delimited_file_are_numbers(
        tmp_path: Path) -> None:
    _write(tmp_path, Xcal='"0,5","0,7","0,9"\n"1,5","1,7","1,9"\n')
    np.testing.assert_array_equal(load_dataset(tmp_path).x(), [[0.5, 0.7, 0.9],
                                                               [1.5, 1.7, 1.9]])


# -- one text cell in a regression target file -------------------------------------------------

def test_one_text_cell_among_numeric_targets_names_its_line(tmp_path: Path) -> None:
    values = [f"{10 + i}.5" for i in range(40)]
    values[16] = "n.d."
    _write(tmp_path, Xcal=_spectra(40), Ycal="\n".join(["protein", *values]) + "\n")
    with pytest.raises(NonNumericCellError) as info:
        load_dataset(tmp_path)
    assert (info.value.line, info.value.column) == (18, 1)
    assert "'n.d.'" in str(info.value)
    assert "task='classification'" in str(info.value)


def test_mixed_labels_load_as_classes_when_the_task_says_so(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="1\n2\nx\n1\n")
    dataset = load_dataset(tmp_path, task="classification")
    assert list(dataset.y) == ["1", "2", "x", "1"]


def test_text_targets_under_task_regression_name_the_cell(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="a\nb\na\n")
    with pytest.raises(NonNumericCellError) as info:
        load_dataset(tmp_path, task="regression")
    assert (info.value.line, info.value.column) == (1, 1)


# -- a header line repeated inside a file ------------------------------------------------------

def test_numeric_header_repeated_inside_spectra_is_refused(tmp_path: Path) -> None:
    lines = _spectra(40).splitlines()
    lines.insert(21, AXIS)
    path = tmp_path / "scan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RepeatedHeaderError) as info:
        load_dataset(path)
    assert info.value.line == 22
    assert "line 1" in str(info.value)


def test_text_header_repeated_inside_spectra_is_refused(tmp_path: Path) -> None:
    header = "X1000;X1010;X1020"
    _write(tmp_path, Xcal="\n".join([header, "0.1;0.2;0.3", header, "0.4;0.5;0.6"]) + "\n")
    with pytest.raises(RepeatedHeaderError) as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


def test_index_row_inside_header_less_spectra_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, Xcal="0.5;0.7;0.2;0.1\n1;2;3;4\n0.4;0.5;0.6;0.1\n")
    with pytest.raises(RepeatedHeaderError) as info:
        load_dataset(tmp_path)
    assert info.value.line == 2


def test_header_repeated_inside_targets_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="protein\n1.5\nprotein\n2.5\n3.5\n")
    with pytest.raises(RepeatedHeaderError) as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


# -- a first line that could be a header -------------------------------------------------------

def test_unique_first_class_label_is_kept(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(5), Ycal="a\nb\nb\nc\nc\n")
    with pytest.warns(DataWarning, match=r"line 1 'a' is read as data"):
        dataset = load_dataset(tmp_path)
    assert list(dataset.y) == ["a", "b", "b", "c", "c"]
    assert dataset.task == "multiclass"


def test_a_column_of_unique_sample_ids_loads_without_a_warning(
        tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="1\n2\n3\n", Mcal="s01\ns02\ns03\n")
    assert list(load_dataset(tmp_path).metadata["m"]) == ["s01", "s02", "s03"]
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


def test_text_header_inferred_from_the_row_count_is_announced(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="variety\na\nb\nb\nc\n")
    with pytest.warns(DataWarning, match=r"Ycal\.csv.*'variety'.*header=True"):
        dataset = load_dataset(tmp_path)
    assert dataset.target_names == ("variety",)
    assert list(dataset.y) == ["a", "b", "b", "c"]


def test_a_first_label_that_recurs_is_not_a_header(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="a\nb\na\nc\nc\n")
    with pytest.raises(RowCountMismatchError, match=r"Ycal\.csv has 5 rows"):
        load_dataset(tmp_path)


def test_declared_header_false_never_drops_a_label(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="a\nb\nb\nc\n")
    config = {"train_x": str(tmp_path / "Xcal.csv"),
              "train_y": {"path": str(tmp_path / "Ycal.csv"), "header": False}}
    with pytest.raises(RowCountMismatchError, match=r"Ycal\.csv has 4 rows"):
        load_dataset(config)


def test_declared_header_true_takes_the_first_line_without_a_warning(
        tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="variety\nb\nb\nc\n")
    config = {"train_x": str(tmp_path / "Xcal.csv"),
              "train_y": {"path": str(tmp_path / "Ycal.csv"), "header": True}}
    assert load_dataset(config).target_names == ("variety",)
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


# -- blank lines -------------------------------------------------------------------------------

def test_blank_target_line_is_a_missing_target_at_that_line(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="1.5\n2.5\n\n4.5\n")
    with pytest.raises(NonFiniteValueError) as info:
        load_dataset(tmp_path)
    assert info.value.path.endswith("Ycal.csv")
    assert info.value.line == 3


def test_blank_target_line_dropped_with_its_spectrum(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="1.5\n2.5\n\n4.5\n")
    with pytest.warns(DataWarning, match="dropped 1 sample"):
        dataset = load_dataset(tmp_path, na_policy="drop")
    np.testing.assert_array_equal(dataset.y[:, 0], [1.5, 2.5, 4.5])
    np.testing.assert_array_equal(dataset.x()[2], [0.4, 0.5, 0.6])


def test_extra_blank_target_line_is_named_in_the_row_count_error(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="1.5\n2.5\n\n3.5\n")
    with pytest.raises(RowCountMismatchError, match="line 3 is empty") as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


def test_a_missing_last_target_written_as_a_blank_line_is_named(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(3), Ycal="1.5\n2.5\n\n")
    with pytest.raises(RowCountMismatchError, match="ends with blank line") as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


def test_blank_line_inside_spectra_is_a_missing_spectrum_at_that_line(tmp_path: Path) -> None:
    _write(tmp_path, Xcal="1000;1010;1020\n0.1;0.2;0.3\n\n0.4;0.5;0.6\n", Ycal="1\n2\n3\n")
    with pytest.raises(NonFiniteValueError, match="whole line is empty") as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


def test_blank_label_line_is_a_missing_label_at_that_line(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(4), Ycal="a\nb\n\na\n")
    with pytest.raises(NonFiniteValueError) as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


def test_trailing_blank_lines_are_not_rows(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(2) + "\n\n", Ycal="1.5\n2.5\n\n\n")
    assert load_dataset(tmp_path).n_samples == 2


def test_a_saved_label_dataset_loads_back_without_header_guessing(
        tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    dataset = SpectroDataset(FeatureSource("X", np.linspace(0, 1, 12).reshape(4, 3)),
                             np.array(["a", "b", "b", "c"]),
                             metadata={"lot": np.array(["l1", "l2", "l3", "l4"])})
    back = load_dataset(save_dataset(dataset, tmp_path / "saved"))
    assert list(back.y) == ["a", "b", "b", "c"]
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


# -- files of a folder that match no convention ------------------------------------------------

def test_corn_layout_reads_xtest_as_the_test_partition(tmp_path: Path) -> None:
    _write(tmp_path, Xcal_m5=_spectra(4), Xtest_m5=_spectra(2), Ycal="1\n2\n3\n4\n",
           Ytest="5\n6\n")
    dataset = load_dataset(tmp_path)
    assert dataset.source_names == ("m5",)
    assert list(dataset.partition) == ["train"] * 4 + ["test"] * 2
    np.testing.assert_array_equal(dataset.y[:, 0], [1, 2, 3, 4, 5, 6])


def test_unknown_spectra_file_is_refused_with_the_list_and_the_conventions(
        tmp_path: Path) -> None:
    _write(tmp_path, Xcal_m5=_spectra(4), Xtest_m5=_spectra(2), Xtrans_m5=_spectra(2),
           Ycal="1\n2\n3\n4\n", Ytest="5\n6\n")
    with pytest.raises(DatasetConfigError, match=r"Xtrans_m5\.csv") as info:
        load_dataset(tmp_path)
    assert "Xcal" in str(info.value)
    assert "Xtest" in str(info.value)


def test_any_unmatched_data_file_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(2), Ycal="1\n2\n", Ycal_old="1\n3\n")
    (tmp_path / "Xval.txt").write_text(_spectra(2), encoding="utf-8")
    with pytest.raises(DatasetConfigError, match=r"Xval\.txt, Ycal_old\.csv"):
        load_dataset(tmp_path)


def test_documentation_and_hidden_files_do_not_block_a_folder(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(2), Ycal="1\n2\n")
    (tmp_path / "README.md").write_text("corn data\n", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    assert load_dataset(tmp_path).n_samples == 2


def test_two_test_words_in_one_folder_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, Xcal=_spectra(2), Xval=_spectra(1), Xtest=_spectra(1))
    with pytest.raises(DatasetConfigError, match="'val' and 'test'"):
        load_dataset(tmp_path)


# -- damaged files -----------------------------------------------------------------------------

def test_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    payload = gzip.compress(_spectra(200).encode())
    (tmp_path / "Xcal.csv.gz").write_bytes(payload[: len(payload) // 2])
    with pytest.raises(CorruptFileError, match=r"Xcal\.csv\.gz.*truncated") as info:
        load_dataset(tmp_path)
    assert info.value.path.endswith("Xcal.csv.gz")


def test_damaged_gzip_names_the_file(tmp_path: Path) -> None:
    payload = bytearray(gzip.compress(_spectra(50).encode()))
    payload[20:40] = b"\xff" * 20
    (tmp_path / "Xcal.csv.gz").write_bytes(bytes(payload))
    with pytest.raises(CorruptFileError, match=r"Xcal\.csv\.gz"):
        load_dataset(tmp_path)


def test_zip_archive_named_csv_names_the_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Xcal.csv", _spectra(5))
    (tmp_path / "Xcal.csv").write_bytes(buffer.getvalue())
    with pytest.raises(CorruptFileError, match=r"Xcal\.csv.*zip archive"):
        load_dataset(tmp_path)


def test_binary_content_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "Xcal.csv").write_bytes(b"0.1;0.2\n0.3;0.4\n\x00\x07\x00garbage\n")
    with pytest.raises(CorruptFileError) as info:
        load_dataset(tmp_path)
    assert info.value.line == 3


def test_utf16_export_is_read(tmp_path: Path) -> None:
    (tmp_path / "Xcal.csv").write_bytes(_spectra(2).encode("utf-16"))
    assert load_dataset(tmp_path).n_samples == 2


def test_undecodable_text_under_a_given_encoding_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "Xcal.csv").write_bytes("0.1;0.2\n0.3;0.4\nblé;0.5\n".encode("latin-1"))
    with pytest.raises(CorruptFileError, match="utf-8") as info:
        load_dataset(tmp_path, encoding="utf-8")
    assert info.value.line == 3


# -- the new errors survive pickling (worker processes send them back) -------------------------

@pytest.mark.parametrize("cls", [CorruptFileError, DialectError, RepeatedHeaderError])
def test_new_data_errors_pickle_with_their_location(cls: type) -> None:
    error = cls("something is off", path="/data/Ycal.csv", line=3, column=2)
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round trip
    assert type(back) is cls
    assert (back.path, back.line, back.column, str(back)) == (
        error.path, error.line, error.column, str(error))


def test_a_source_name_keeps_its_case_through_save_and_load(tmp_path):
    import nirs4all
    from nirs4all.data import FeatureSource, SpectroDataset, save_dataset

    base = nirs4all.generate(20, wavelengths=(1000, 1100, 10), random_state=0)
    x = base.sources[0].X
    dataset = SpectroDataset(
        [FeatureSource("NIR", x, base.sources[0].wavelengths, "nm"),
         FeatureSource("Aux", x[:, :3].copy(), None, "index")],
        base.y, partition=base.partition, name="cased")
    save_dataset(dataset, tmp_path / "cased")
    loaded = nirs4all.load_dataset(tmp_path / "cased")
    assert [s.name for s in loaded.sources] == ["NIR", "Aux"]
    assert [s.unit for s in loaded.sources] == ["nm", "index"]
    assert loaded.content_hash() == dataset.content_hash()
