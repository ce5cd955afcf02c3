"""Signal-type conversions against their closed-form formulas."""

import numpy as np
import pytest

from nirs4all.errors import DataError
from nirs4all.operators.transforms import _normalization
from nirs4all.operators.transforms.signal_conversion import (
    FractionToPercent,
    FromAbsorbance,
    KubelkaMunk,
    PercentToFraction,
    SignalTypeConverter,
    ToAbsorbance,
)

ATOL = 1e-10


@pytest.fixture
def reflectance() -> np.ndarray:
    return np.random.default_rng(11).uniform(0.02, 0.95, size=(6, 40))


def test_kubelka_munk_is_the_existing_transform() -> None:
    assert KubelkaMunk is _normalization.KubelkaMunk


@pytest.mark.parametrize(
    ("source", "scale"),
    [("reflectance", 1.0), ("transmittance", 1.0), ("reflectance%", 100.0), ("%T", 100.0)],
)
def test_to_absorbance_is_minus_log10_of_the_fraction(reflectance, source, scale) -> None:
    out = ToAbsorbance(source).fit_transform(reflectance * scale)
    np.testing.assert_allclose(out, np.log10(1 / reflectance), rtol=0, atol=ATOL)


def test_to_absorbance_floors_at_epsilon_or_refuses_nonpositive_values() -> None:
    X = np.array([[0.5, 0.0, -0.1]])
    np.testing.assert_allclose(
        ToAbsorbance(epsilon=1e-6).fit_transform(X), [[np.log10(2), 6.0, 6.0]], rtol=0, atol=ATOL
    )
    with pytest.raises(DataError, match=r"2 value\(s\) are <= 0.*clip_negative=True"):
        ToAbsorbance(clip_negative=False).fit_transform(X)


@pytest.mark.parametrize(("target", "scale"), [("reflectance", 1.0), ("transmittance%", 100.0)])
def test_from_absorbance_is_ten_to_minus_a(reflectance, target, scale) -> None:
    absorbance = -np.log10(reflectance)
    out = FromAbsorbance(target).fit_transform(absorbance)
    np.testing.assert_allclose(out, scale * 10.0**-absorbance, rtol=1e-12, atol=ATOL)


def test_percent_and_fraction_are_exact_scalings(reflectance) -> None:
    np.testing.assert_array_equal(
        PercentToFraction().fit_transform(reflectance * 100), reflectance * 100 / 100
    )
    np.testing.assert_array_equal(FractionToPercent().fit_transform(reflectance), reflectance * 100)


@pytest.mark.parametrize(
    ("source", "target", "forward"),
    [
        ("reflectance", "absorbance", lambda R: -np.log10(R)),
        ("reflectance", "kubelka_munk", lambda R: (1 - R) ** 2 / (2 * R)),
        ("reflectance", "reflectance%", lambda R: 100 * R),
        ("reflectance", "log_1_r", lambda R: np.log10(1 / R)),
        ("reflectance", "reflectance", lambda R: R),
    ],
)
def test_converter_matches_closed_form_and_inverts_it(reflectance, source, target, forward) -> None:
    expected = forward(reflectance)
    out = SignalTypeConverter(source, target).fit_transform(reflectance)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=ATOL)
    back = SignalTypeConverter(target, source).fit_transform(expected)
    np.testing.assert_allclose(back, reflectance, rtol=1e-12, atol=ATOL)


def test_converter_from_kubelka_munk_to_absorbance_goes_through_reflectance(reflectance) -> None:
    km = (1 - reflectance) ** 2 / (2 * reflectance)
    out = SignalTypeConverter("kubelka_munk", "absorbance").fit_transform(km)
    np.testing.assert_allclose(out, -np.log10(reflectance), rtol=1e-12, atol=ATOL)


def test_converter_between_log_spellings_copies(reflectance) -> None:
    X = -np.log10(reflectance)
    out = SignalTypeConverter("log_1_t", "absorbance").fit_transform(X)
    np.testing.assert_array_equal(out, X)
    assert out is not X


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("reflectance", "transmittance"),
        ("transmittance%", "kubelka_munk"),
        ("log_1_t", "reflectance"),
    ],
)
def test_converter_refuses_reflectance_to_transmittance(reflectance, source, target) -> None:
    with pytest.raises(ValueError, match="reflectance and transmittance are different"):
        SignalTypeConverter(source, target).fit(reflectance)


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (ToAbsorbance("absorbance"), "source_type must be one of reflectance"),
        (FromAbsorbance("kubelka_munk"), "target_type must be one of reflectance"),
        (SignalTypeConverter("preprocessed", "absorbance"), "source_type must be one of"),
        (SignalTypeConverter("reflectance", "nonsense"), "signal_type must be one of"),
        (ToAbsorbance(epsilon=0.0), "epsilon must be a positive number"),
    ],
)
def test_invalid_signal_types_are_rejected(transform, message, reflectance) -> None:
    with pytest.raises(ValueError, match=message):
        transform.fit(reflectance)


def test_float32_stays_float32(reflectance) -> None:
    out = SignalTypeConverter().fit_transform(reflectance.astype(np.float32))
    assert out.dtype == np.float32


_MANY_BLOCKS = np.random.default_rng(3).uniform(0.02, 0.95, size=(90, 2500))  # > 1 row/block


@pytest.mark.parametrize(
    ("converter", "formula"),
    [
        (ToAbsorbance(), lambda X: -np.log10(X)),
        (FromAbsorbance(), lambda X: 10.0**-X),
        (PercentToFraction(), lambda X: X / 100.0),
        (FractionToPercent(), lambda X: X * 100.0),
        (SignalTypeConverter("reflectance%", "absorbance"), lambda X: -np.log10(X / 100.0)),
    ],
)
def test_conversions_block_by_block_equal_the_formula_on_the_whole_array(converter, formula):
    for dtype in (np.float64, np.float32):
        X = _MANY_BLOCKS.astype(dtype)
        out = converter.fit_transform(X)
        assert out.dtype == dtype
        assert out.flags.c_contiguous
        np.testing.assert_allclose(out, formula(X), rtol=1e-6 if dtype == np.float32 else 1e-13)
        np.testing.assert_array_equal(converter.transform(X), out)
        assert not np.shares_memory(out, X)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("converter", [ToAbsorbance(), PercentToFraction(), FromAbsorbance()])
def test_a_non_finite_value_in_any_block_is_refused_by_fit_transform_and_fit(converter, bad):
    X = _MANY_BLOCKS.copy()
    X[-1, -1] = bad  # in the last block: every block is checked, not only the first
    match = "NaN" if np.isnan(bad) else "infinity"
    with pytest.raises(ValueError, match=match):
        converter.fit_transform(X)
    with pytest.raises(ValueError, match=match):
        converter.fit(X)
    fitted = converter.fit(_MANY_BLOCKS)
    with pytest.raises(ValueError, match=match):
        fitted.transform(X)


def test_nonpositive_values_are_counted_over_every_block() -> None:
    X = _MANY_BLOCKS.copy()
    X[0, 0] = X[-1, -1] = X[45, 7] = 0.0
    with pytest.raises(DataError, match=r"^conversion to absorbance: 3 value\(s\) are <= 0"):
        ToAbsorbance(clip_negative=False).fit_transform(X)
