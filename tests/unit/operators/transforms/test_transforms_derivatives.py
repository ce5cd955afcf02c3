"""Derivatives and smoothing against scipy/numpy references and explicit formulas."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d
from scipy.signal import savgol_filter

from nirs4all.errors import WavelengthAxisError
from nirs4all.operators.transforms import (
    FirstDerivative,
    Gaussian,
    NorrisWilliams,
    SavitzkyGolay,
    SecondDerivative,
)

ATOL = 1e-10


@pytest.mark.parametrize(
    ("window", "polyorder", "deriv", "mode"),
    [(11, 2, 0, "interp"), (11, 3, 1, "interp"), (7, 2, 2, "interp"), (9, 2, 1, "mirror")],
)
def test_savitzky_golay_matches_scipy_with_axis_step(
    spectra, axis, window, polyorder, deriv, mode
) -> None:
    out = SavitzkyGolay(window, polyorder, deriv, mode).fit_transform(spectra, wavelengths=axis)
    expected = savgol_filter(spectra, window, polyorder, deriv=deriv, delta=2.0, mode=mode)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_savitzky_golay_without_axis_uses_unit_step(spectra) -> None:
    out = SavitzkyGolay(deriv=1).fit_transform(spectra)
    np.testing.assert_allclose(out, savgol_filter(spectra, 11, 2, deriv=1), rtol=0, atol=ATOL)


def test_savitzky_golay_derivative_on_decreasing_axis_has_negative_step(spectra, axis) -> None:
    out = SavitzkyGolay(deriv=1).fit_transform(spectra, wavelengths=axis[::-1])
    expected = savgol_filter(spectra, 11, 2, deriv=1, delta=-2.0)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_savitzky_golay_clamps_window_and_degree_to_narrow_data() -> None:
    X = np.arange(8.0).reshape(2, 4) ** 2
    fitted = SavitzkyGolay(window_length=11, polyorder=4).fit(X)
    assert (fitted.window_length_, fitted.polyorder_) == (3, 2)
    np.testing.assert_allclose(fitted.transform(X), savgol_filter(X, 3, 2), atol=ATOL)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"window_length": 10}, "window_length must be odd; got 10"),
        ({"window_length": 5, "polyorder": 5}, r"polyorder \(5\) must be less than"),
        ({"deriv": -1}, "deriv must be an integer >= 0; got -1"),
        ({"mode": "reflect"}, "mode must be one of 'interp'"),
    ],
)
def test_savitzky_golay_rejects_invalid_parameters(spectra, params, message) -> None:
    with pytest.raises(ValueError, match=message):
        SavitzkyGolay(**params).fit(spectra)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_first_derivative_matches_gradient_on_non_uniform_axis(spectra, axis, edge_order):
    warped = axis + 0.02 * (axis - axis[0]) ** 1.5
    out = FirstDerivative(edge_order).fit_transform(spectra, wavelengths=warped)
    expected = np.gradient(spectra, warped, axis=1, edge_order=edge_order)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_second_derivative_is_gradient_twice(spectra, axis, edge_order) -> None:
    out = SecondDerivative(edge_order).fit_transform(spectra, wavelengths=axis)
    first = np.gradient(spectra, axis, axis=1, edge_order=edge_order)
    expected = np.gradient(first, axis, axis=1, edge_order=edge_order)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_second_derivative_is_exact_on_quadratic(axis) -> None:
    X = np.vstack([3.0 * axis**2 - axis, -0.5 * (axis - 1150.0) ** 2])
    out = SecondDerivative(edge_order=2).fit_transform(X, wavelengths=axis)
    np.testing.assert_allclose(out, [[6.0] * axis.size, [-1.0] * axis.size], rtol=1e-8)


def test_gradient_needs_edge_order_plus_one_columns() -> None:
    with pytest.raises(ValueError, match=r"2 feature\(s\).*minimum of 3 is required"):
        FirstDerivative(edge_order=2).fit(np.ones((3, 2)))


def _norris_williams_reference(X, gap, segment, deriv, step):
    half = segment // 2
    padded = np.pad(X, ((0, 0), (gap + half, gap + half)), mode="edge")
    smoothed = np.array([np.convolve(row, np.ones(segment) / segment, "valid") for row in padded])
    centre = smoothed[:, gap:-gap]
    ahead, behind = smoothed[:, 2 * gap :], smoothed[:, : -2 * gap]
    if deriv == 1:
        return (ahead - behind) / (2 * gap * step)
    return (ahead - 2 * centre + behind) / (gap * step) ** 2


@pytest.mark.parametrize(("gap", "segment", "deriv"), [(5, 5, 1), (3, 1, 1), (4, 7, 2), (1, 3, 2)])
def test_norris_williams_matches_explicit_smoothing_then_gap_difference(
    spectra, axis, gap, segment, deriv
) -> None:
    out = NorrisWilliams(gap, segment, deriv).fit_transform(spectra, wavelengths=axis)
    expected = _norris_williams_reference(spectra, gap, segment, deriv, step=2.0)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_norris_williams_first_derivative_of_line_is_its_slope_inside(axis) -> None:
    X = (0.25 * axis - 3.0)[None, :]
    out = NorrisWilliams(gap=4, segment=3).fit_transform(X, wavelengths=axis)
    np.testing.assert_allclose(out[0, 5:-5], 0.25, rtol=1e-12)


def test_norris_williams_rejects_even_segment(spectra) -> None:
    with pytest.raises(ValueError, match="segment must be odd; got 4"):
        NorrisWilliams(segment=4).fit(spectra)


def test_norris_williams_needs_uniform_axis(spectra, axis) -> None:
    with pytest.raises(WavelengthAxisError, match="NorrisWilliams needs a uniformly spaced"):
        NorrisWilliams().fit(spectra, wavelengths=np.geomspace(1000, 2500, axis.size))


@pytest.mark.parametrize(("sigma", "order"), [(1.0, 0), (2.5, 0), (1.5, 1), (2.0, 2)])
def test_gaussian_matches_scipy_scaled_by_axis_step(spectra, axis, sigma, order) -> None:
    out = Gaussian(sigma, order).fit_transform(spectra, wavelengths=axis)
    expected = gaussian_filter1d(spectra, sigma, axis=1, order=order) / 2.0**order
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_gaussian_default_smooths(spectra) -> None:
    assert Gaussian().order == 0
    np.testing.assert_allclose(
        Gaussian().fit_transform(spectra), gaussian_filter1d(spectra, 1.0, axis=1), atol=ATOL
    )


def test_gaussian_rejects_non_positive_sigma(spectra) -> None:
    with pytest.raises(ValueError, match="sigma must be a positive number; got 0"):
        Gaussian(sigma=0).fit(spectra)
