"""CropWavelengths and Resample: kept columns, output axis, interpolation references."""

import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from nirs4all.errors import AxisMismatchError, WavelengthAxisError
from nirs4all.operators.transforms import CropWavelengths, Resample

ATOL = 1e-10


@pytest.mark.parametrize("decreasing", [False, True])
def test_crop_keeps_closed_interval_on_either_axis_direction(spectra, axis, decreasing) -> None:
    w = axis[::-1] if decreasing else axis
    fitted = CropWavelengths(1120.0, 1130.0).fit(spectra, wavelengths=w)
    keep = (w >= 1120.0) & (w <= 1130.0)
    np.testing.assert_array_equal(fitted.wavelengths_out_, w[keep])
    np.testing.assert_array_equal(fitted.transform(spectra), spectra[:, keep])
    assert fitted.wavelengths_out_.size == 6


def test_crop_bounds_in_decreasing_order_are_swapped(spectra, axis) -> None:
    forward = CropWavelengths(1120.0, 1130.0).fit(spectra, wavelengths=axis)
    backward = CropWavelengths(1130.0, 1120.0).fit(spectra, wavelengths=axis)
    np.testing.assert_array_equal(forward.columns_, backward.columns_)


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [(None, None, 64), (1200.0, None, 14), (None, 1103.0, 2), (1103.0, 1103.5, None)],
)
def test_crop_open_bounds(spectra, axis, start, stop, expected) -> None:
    transform = CropWavelengths(start, stop)
    if expected is None:
        with pytest.raises(ValueError, match="keeps no column: the axis runs from 1100 to 1226"):
            transform.fit(spectra, wavelengths=axis)
        return
    assert transform.fit_transform(spectra, wavelengths=axis).shape == (12, expected)


def test_crop_without_axis_uses_column_indices(spectra) -> None:
    np.testing.assert_array_equal(CropWavelengths(2, 5).fit_transform(spectra), spectra[:, 2:6])


def test_crop_checks_input_axis_not_output_axis(spectra, axis) -> None:
    fitted = CropWavelengths(1120.0, 1130.0).fit(spectra, wavelengths=axis)
    fitted.transform(spectra, wavelengths=axis)
    with pytest.raises(AxisMismatchError):
        fitted.transform(spectra, wavelengths=fitted.wavelengths_out_)


def test_resample_linear_matches_numpy_interp_per_spectrum(spectra, axis) -> None:
    target = np.sort(np.random.default_rng(3).uniform(axis[0], axis[-1], size=50))
    target[[0, -1]] = axis[0], axis[-1]
    fitted = Resample(target).fit(spectra, wavelengths=axis)
    expected = [np.interp(target, axis, x) for x in spectra]
    np.testing.assert_allclose(fitted.transform(spectra), expected, rtol=0, atol=ATOL)
    np.testing.assert_array_equal(fitted.wavelengths_out_, target)


def test_resample_linear_from_decreasing_axis(spectra, axis) -> None:
    target = np.linspace(1101.0, 1225.0, 30)
    out = Resample(target).fit_transform(spectra[:, ::-1], wavelengths=axis[::-1])
    expected = [np.interp(target, axis, x) for x in spectra]
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_resample_linear_onto_decreasing_target(spectra, axis) -> None:
    target = np.linspace(1225.0, 1101.0, 30)
    out = Resample(target).fit_transform(spectra, wavelengths=axis)
    np.testing.assert_allclose(out, [np.interp(target, axis, x) for x in spectra], atol=ATOL)


def test_resample_cubic_matches_cubic_spline(spectra, axis) -> None:
    target = np.linspace(1100.5, 1226.0, 97)
    out = Resample(target, method="cubic").fit_transform(spectra, wavelengths=axis)
    expected = CubicSpline(axis, spectra, axis=1)(target)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)
    descending = Resample(target, method="cubic").fit_transform(
        spectra[:, ::-1], wavelengths=axis[::-1]
    )
    np.testing.assert_allclose(descending, expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize("method", ["linear", "cubic"])
def test_resample_default_target_is_identity(spectra, axis, method) -> None:
    out = Resample(method=method).fit_transform(spectra, wavelengths=axis)
    np.testing.assert_allclose(out, spectra, rtol=0, atol=ATOL)


def test_resample_refuses_to_extrapolate(spectra, axis) -> None:
    with pytest.raises(ValueError, match="runs from 1090 to 1200 but the spectra cover only"):
        Resample(np.linspace(1090.0, 1200.0, 10)).fit(spectra, wavelengths=axis)


def test_resample_rejects_non_monotonic_target(spectra, axis) -> None:
    with pytest.raises(WavelengthAxisError, match="strictly increasing or strictly decreasing"):
        Resample([1110.0, 1105.0, 1120.0]).fit(spectra, wavelengths=axis)


def test_resample_rejects_unknown_method(spectra) -> None:
    with pytest.raises(ValueError, match="method must be one of 'linear', 'cubic'"):
        Resample(method="nearest").fit(spectra)
