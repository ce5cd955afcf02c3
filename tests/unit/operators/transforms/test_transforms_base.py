"""The wavelength protocol and the contract shared by every transform."""

import re

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from nirs4all.errors import AxisMismatchError, WavelengthAxisError
from nirs4all.operators import transforms as T
from nirs4all.operators.transforms import WavelengthAwareMixin, is_wavelength_aware


def all_transforms() -> list[BaseEstimator]:
    return [
        T.SNV(),
        T.RobustSNV(),
        T.MSC(),
        T.EMSC(),
        T.SavitzkyGolay(),
        T.SavitzkyGolay(window_length=7, deriv=1),
        T.FirstDerivative(),
        T.SecondDerivative(),
        T.NorrisWilliams(),
        T.Gaussian(),
        T.Gaussian(order=1),
        T.Detrend(),
        T.ASLSBaseline(lam=1e3),
        T.BaselineOffset(),
        T.Normalize(),
        T.ReflectanceToAbsorbance(),
        T.KubelkaMunk(),
        T.CropWavelengths(1120, 1200),
        T.Resample(np.linspace(1101.0, 1225.0, 40)),
        T.Resample(np.linspace(1101.0, 1225.0, 40), method="cubic"),
        T.OSC(),
    ]


TRANSFORMS = all_transforms()
IDS = [repr(t) if len(repr(t)) < 40 else type(t).__name__ for t in TRANSFORMS]


@pytest.fixture
def target(spectra: np.ndarray) -> np.ndarray:
    return spectra[:, 10] - spectra[:, 40]


def test_every_exported_transform_is_wavelength_aware() -> None:
    exported = [getattr(T, name) for name in T.__all__]
    classes = {c for c in exported if isinstance(c, type) and issubclass(c, BaseEstimator)
               and c.__module__.startswith("nirs4all.operators.transforms")}
    assert {type(t) for t in TRANSFORMS} <= classes
    unaware = sorted(c.__name__ for c in classes if not is_wavelength_aware(c()))
    assert unaware == []


def test_long_names_of_earlier_releases_are_aliases() -> None:
    assert T.StandardNormalVariate is T.SNV
    assert T.RobustStandardNormalVariate is T.RobustSNV
    assert T.MultiplicativeScatterCorrection is T.MSC
    assert T.ExtendedMultiplicativeScatterCorrection is T.EMSC


def test_plain_sklearn_estimator_is_not_wavelength_aware() -> None:
    assert not is_wavelength_aware(StandardScaler())
    assert not is_wavelength_aware(T.SNV)  # the class, not an estimator


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_fit_records_axis_as_read_only_float64(transform, spectra, axis, target) -> None:
    fitted = clone(transform).fit(spectra, target, wavelengths=axis.tolist())
    assert fitted.wavelengths_.dtype == np.float64
    np.testing.assert_array_equal(fitted.wavelengths_, axis)
    assert not fitted.wavelengths_.flags.writeable
    assert fitted.n_features_in_ == axis.size


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_output_axis_matches_output_width(transform, spectra, axis, target) -> None:
    estimator = clone(transform)
    out = estimator.fit_transform(spectra, target, wavelengths=axis)
    assert out.shape == (spectra.shape[0], estimator.wavelengths_out_.size)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_fit_transform_with_axis_equals_fit_then_transform(transform, spectra, axis, target):
    once = clone(transform).fit_transform(spectra, target, wavelengths=axis)
    fitted = clone(transform).fit(spectra, target, wavelengths=axis)
    np.testing.assert_allclose(
        fitted.transform(spectra, wavelengths=axis), once, rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_preserved(transform, dtype, spectra, axis, target) -> None:
    X = spectra.astype(dtype)
    fitted = clone(transform).fit(X, target, wavelengths=axis)
    assert fitted.transform(X).dtype == dtype
    assert clone(transform).fit_transform(X, target, wavelengths=axis).dtype == dtype


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_input_is_neither_modified_nor_aliased(transform, spectra, axis, target) -> None:
    X = spectra.copy()
    X.flags.writeable = False
    out = clone(transform).fit_transform(X, target, wavelengths=axis)
    np.testing.assert_array_equal(X, spectra)
    assert not np.shares_memory(out, X)


def test_default_axis_is_the_column_index(spectra) -> None:
    fitted = T.SNV().fit(spectra)
    np.testing.assert_array_equal(fitted.wavelengths_, np.arange(spectra.shape[1]))
    assert fitted.wavelengths_out_ is fitted.wavelengths_


def test_transform_with_other_axis_length_says_both_lengths(spectra, axis) -> None:
    fitted = T.SNV().fit(spectra, wavelengths=axis)
    message = "fitted on wavelengths with 64 values from 1100 to 1226 but transform got 63"
    with pytest.raises(AxisMismatchError, match=re.escape(message)):
        fitted.transform(spectra, wavelengths=axis[:-1])


def test_transform_with_shifted_axis_names_first_differing_column(spectra, axis) -> None:
    fitted = T.MSC().fit(spectra, wavelengths=axis)
    shifted = axis.copy()
    shifted[5:] += 1.0
    with pytest.raises(ValueError, match=r"59 value\(s\) differ, the first at column 5 \(1111"):
        fitted.transform(spectra, wavelengths=shifted)


def test_transform_accepts_axis_equal_within_tolerance(spectra, axis) -> None:
    fitted = T.SNV().fit(spectra, wavelengths=axis)
    fitted.transform(spectra, wavelengths=axis * (1 + 1e-12))


def test_transform_without_axis_takes_columns_by_position(spectra, axis) -> None:
    fitted = T.FirstDerivative().fit(spectra, wavelengths=axis)
    np.testing.assert_array_equal(
        fitted.transform(spectra), fitted.transform(spectra, wavelengths=axis)
    )


@pytest.mark.parametrize(
    ("bad_axis", "message"),
    [
        (np.arange(63.0), "wavelengths has 63 values but X has 64 columns"),
        (np.arange(64.0).reshape(8, 8), "must be a 1D array"),
        (np.r_[np.arange(63.0), 10.0], "strictly increasing or strictly decreasing"),
        (np.r_[np.arange(63.0), 62.0], "1 repeated"),
        (np.r_[np.arange(63.0), np.nan], "NaN or infinite"),
    ],
)
def test_malformed_axis_is_rejected_at_fit(spectra, bad_axis, message) -> None:
    with pytest.raises(WavelengthAxisError, match=message):
        T.SNV().fit(spectra, wavelengths=bad_axis)


def test_decreasing_axis_is_accepted(spectra, axis) -> None:
    fitted = T.SNV().fit(spectra, wavelengths=axis[::-1])
    np.testing.assert_array_equal(fitted.wavelengths_, axis[::-1])


def test_fixed_window_derivative_rejects_non_uniform_axis(spectra, axis) -> None:
    warped = axis + 0.01 * (axis - axis[0]) ** 2 / 10
    with pytest.raises(WavelengthAxisError, match=r"uniformly spaced.*Resample"):
        T.SavitzkyGolay(deriv=1).fit(spectra, wavelengths=warped)
    T.SavitzkyGolay(deriv=0).fit(spectra, wavelengths=warped)


def test_invalid_parameter_is_reported_at_fit_not_construction(spectra) -> None:
    estimator = T.SavitzkyGolay(window_length=8)
    with pytest.raises(ValueError, match="SavitzkyGolay: window_length must be odd; got 8"):
        estimator.fit(spectra)


def test_sklearn_pipeline_routes_axis_to_fit(spectra, axis) -> None:
    pipeline = Pipeline([("snv", T.SNV()), ("d1", T.FirstDerivative())])
    out = pipeline.fit_transform(spectra, snv__wavelengths=axis, d1__wavelengths=axis)
    expected = np.gradient(T.SNV().fit_transform(spectra), axis, axis=1)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_mixin_gives_third_party_estimator_the_protocol(spectra, axis) -> None:
    class Centre(WavelengthAwareMixin, TransformerMixin, BaseEstimator):
        def fit(self, X, y=None, wavelengths=None):
            self._set_wavelengths(wavelengths, np.shape(X)[1])
            self.mean_ = np.mean(X, axis=0)
            return self

        def transform(self, X, wavelengths=None):
            self._check_wavelengths(wavelengths)
            return np.asarray(X) - self.mean_

    centre = Centre()
    assert is_wavelength_aware(centre)
    centre.fit_transform(spectra, wavelengths=axis)
    np.testing.assert_array_equal(centre.wavelengths_, axis)
    with pytest.raises(AxisMismatchError):
        centre.transform(spectra, wavelengths=axis + 1)
