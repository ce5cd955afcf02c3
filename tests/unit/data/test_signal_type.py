"""Signal types: spellings, and detection on files of synthetic absorbance and reflectance.

No real spectra ship with the library: the files here are written from
:func:`nirs4all.data.generate` (Beer-Lambert absorbance) and from its reflectance
``R = 10^-A``, then read back with :func:`nirs4all.data.load_dataset`.
"""

import numpy as np
import pytest

from nirs4all.data import generate, load_dataset, save_dataset
from nirs4all.data.signal_type import SignalType, detect_signal_type, normalize_signal_type


@pytest.fixture(scope="module")
def absorbance():
    return generate(60, random_state=5)


def _written(dataset, X, folder):
    save_dataset(dataset.with_source(0, X), folder)
    return load_dataset(folder)


@pytest.mark.parametrize(
    ("convert", "expected"),
    [
        (lambda A: A, SignalType.ABSORBANCE),
        (lambda A: 10.0**-A, SignalType.REFLECTANCE),
        (lambda A: 100 * 10.0**-A, SignalType.REFLECTANCE_PERCENT),
        (lambda A: 2.5 * A, SignalType.ABSORBANCE),
        (lambda A: 10.0 ** -(0.3 * A), SignalType.REFLECTANCE),
    ],
    ids=["absorbance", "reflectance", "percent", "strong-absorbance", "bright-reflectance"],
)
def test_detects_signal_type_of_spectra_read_from_files(absorbance, tmp_path, convert, expected):
    loaded = _written(absorbance, convert(absorbance.x()), tmp_path)
    assert loaded.unit() == "nm"
    assert detect_signal_type(loaded.x(), loaded.wavelengths(), loaded.unit()) is expected


def test_water_band_rule_works_on_a_wavenumber_axis(absorbance) -> None:
    cm1 = 1e7 / absorbance.wavelengths()
    assert detect_signal_type(absorbance.x(), cm1, "cm-1") is SignalType.ABSORBANCE
    assert detect_signal_type(10.0 ** -absorbance.x(), cm1, "cm-1") is SignalType.REFLECTANCE


def test_unit_interval_values_without_an_axis_are_unknown(absorbance) -> None:
    assert detect_signal_type(absorbance.x()) is SignalType.UNKNOWN
    assert detect_signal_type(absorbance.x(), absorbance.wavelengths(), "index") is (
        SignalType.UNKNOWN
    )


def test_axis_without_water_band_is_unknown(absorbance) -> None:
    keep = absorbance.wavelengths() < 1300
    X, w = absorbance.x()[:, keep], absorbance.wavelengths()[keep]
    assert detect_signal_type(X, w) is SignalType.UNKNOWN


def test_signed_data_is_preprocessed(absorbance) -> None:
    X = absorbance.x()
    snv = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    assert detect_signal_type(snv, absorbance.wavelengths()) is SignalType.PREPROCESSED
    assert detect_signal_type(np.diff(X, axis=1)) is SignalType.PREPROCESSED


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.full((3, 5), 5000.0), SignalType.UNKNOWN),
        (np.full((3, 5), np.nan), SignalType.UNKNOWN),
        (np.full((3, 5), 1.8), SignalType.ABSORBANCE),
        (np.full((3, 5), 40.0), SignalType.REFLECTANCE_PERCENT),
    ],
)
def test_value_range_rules(values, expected) -> None:
    assert detect_signal_type(values) is expected


def test_wrong_axis_length_is_refused(absorbance) -> None:
    with pytest.raises(ValueError, match="one wavelength per column"):
        detect_signal_type(absorbance.x(), absorbance.wavelengths()[:-1])


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("A", SignalType.ABSORBANCE),
        (" Absorbance ", SignalType.ABSORBANCE),
        ("R", SignalType.REFLECTANCE),
        ("%R", SignalType.REFLECTANCE_PERCENT),
        ("reflectance_percent", SignalType.REFLECTANCE_PERCENT),
        ("%T", SignalType.TRANSMITTANCE_PERCENT),
        ("KM", SignalType.KUBELKA_MUNK),
        ("log(1/R)", SignalType.LOG_1_R),
        ("log 1/T", SignalType.LOG_1_T),
        (SignalType.AUTO, SignalType.AUTO),
        ("preprocessed", SignalType.PREPROCESSED),
    ],
)
def test_normalize_reads_common_spellings(spelling, expected) -> None:
    assert normalize_signal_type(spelling) is expected


@pytest.mark.parametrize("bad", ["absorbence", 3, None])
def test_normalize_refuses_unknown_spellings_listing_the_values(bad) -> None:
    with pytest.raises(ValueError, match="signal_type must be one of 'absorbance'"):
        normalize_signal_type(bad)


def test_signal_type_values_are_the_canonical_strings() -> None:
    assert SignalType.REFLECTANCE_PERCENT == "reflectance%"
    assert str(SignalType.KUBELKA_MUNK) == "kubelka_munk"


def test_loaded_dataset_records_the_detected_signal_type(absorbance, tmp_path) -> None:
    loaded = _written(absorbance, 10.0 ** -absorbance.x(), tmp_path)
    assert loaded.source().signal_type is SignalType.REFLECTANCE
    assert loaded.select([0, 1]).source().signal_type is SignalType.REFLECTANCE


def test_load_dataset_signal_type_overrides_detection(absorbance, tmp_path) -> None:
    save_dataset(absorbance.with_source(0, 10.0 ** -absorbance.x()), tmp_path)
    loaded = load_dataset(tmp_path, signal_type="%T")
    assert loaded.source().signal_type is SignalType.TRANSMITTANCE_PERCENT
    arrays = load_dataset(absorbance.x(), wavelengths=absorbance.wavelengths(), signal_type="A")
    assert arrays.source().signal_type is SignalType.ABSORBANCE
    with pytest.raises(ValueError, match="signal_type must be one of"):
        load_dataset(absorbance.x(), signal_type="absorbence")
