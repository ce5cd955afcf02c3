"""Properties of the spectral transforms on arbitrary spectra and axes."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nirs4all.operators.transforms import (
    EMSC,
    MSC,
    SNV,
    CropWavelengths,
    Detrend,
    FirstDerivative,
    Normalize,
    Resample,
    SavitzkyGolay,
)

SETTINGS = settings(max_examples=50, deadline=None)

values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
coefficients = st.floats(-2.0, 2.0, allow_nan=False)


@st.composite
def matrices(draw, min_columns: int = 2):
    shape = (draw(st.integers(1, 8)), draw(st.integers(min_columns, 40)))
    return draw(arrays(np.float64, shape, elements=values))


@st.composite
def axes(draw, min_size: int = 2, max_size: int = 40):
    """Strictly monotonic, possibly non-uniform axes, increasing or decreasing."""
    n = draw(st.integers(min_size, max_size))
    steps = draw(arrays(np.float64, n - 1, elements=st.floats(0.1, 10.0)))
    axis = draw(st.floats(-500.0, 2500.0)) + np.concatenate([[0.0], np.cumsum(steps)])
    return axis[::-1].copy() if draw(st.booleans()) else axis


@SETTINGS
@given(matrices())
def test_snv_rows_have_mean_zero_and_unit_std(X):
    scale = np.max(np.abs(X), axis=1)
    assume(np.all(X.std(axis=1) > 1e-6 * np.maximum(scale, 1.0)))
    out = SNV().fit_transform(X)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-9)
    np.testing.assert_allclose(out.std(axis=1), 1.0, rtol=1e-9)


@SETTINGS
@given(matrices())
def test_vector_normalisation_gives_unit_euclidean_norm(X):
    assume(np.all(np.linalg.norm(X, axis=1) > 1e-6))
    out = Normalize("vector").fit_transform(X)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-12)


@SETTINGS
@given(
    st.integers(0, 4).flatmap(
        lambda degree: st.tuples(
            arrays(np.float64, degree + 1, elements=coefficients),
            st.integers(degree, 5),
        )
    ),
    st.integers(0, 5),
    st.integers(7, 40),
    st.floats(0.1, 5.0),
    st.floats(-1000.0, 1000.0),
    st.sampled_from([1, 2]),
)
def test_savitzky_golay_derivative_of_polynomial_is_exact(
    poly_and_order, half_window, n_points, step, start, deriv
):
    poly, polyorder = poly_and_order
    window = min(2 * max(half_window, polyorder // 2 + 1) + 1, n_points - 1 + n_points % 2)
    assume(window > polyorder)
    axis = start + step * np.arange(n_points)
    span = step * (n_points - 1)
    t = (axis - axis[0]) / span
    X = np.polynomial.polynomial.polyval(t, poly)[None, :]
    derivative = np.polynomial.polynomial.polyder(poly, deriv)
    expected = np.polynomial.polynomial.polyval(t, derivative) / span**deriv
    out = SavitzkyGolay(window, polyorder, deriv).fit_transform(X, wavelengths=axis)
    np.testing.assert_allclose(out[0], expected, rtol=1e-6, atol=1e-7 * (1 + np.abs(poly).sum()))


@SETTINGS
@given(axes(min_size=2), st.floats(-10.0, 10.0), st.floats(-10.0, 10.0))
def test_first_derivative_of_line_is_its_slope_on_any_axis(axis, intercept, slope):
    X = (intercept + slope * (axis - axis.mean()))[None, :]
    out = FirstDerivative().fit_transform(X, wavelengths=axis)
    np.testing.assert_allclose(out[0], slope, rtol=1e-8, atol=1e-8)


@SETTINGS
@given(
    arrays(np.float64, st.integers(3, 40), elements=st.floats(0.0, 2.0)),
    st.floats(-5.0, 5.0),
    st.one_of(st.floats(0.1, 10.0), st.floats(-10.0, -0.1)),
)
def test_msc_maps_affine_copies_of_reference_back_to_it(reference, offset, slope):
    assume(np.ptp(reference) > 0.05)
    fitted = MSC(reference=reference).fit(reference[None, :])
    out = fitted.transform((offset + slope * reference)[None, :])
    np.testing.assert_allclose(out[0], reference, atol=1e-9)


@SETTINGS
@given(
    axes(min_size=5),
    st.integers(0, 3),
    arrays(np.float64, 4, elements=coefficients),
    st.floats(0.2, 5.0),
)
def test_emsc_maps_scaled_reference_plus_baseline_back_to_reference(axis, order, poly, scale):
    t = (axis - axis.min()) / np.ptp(axis)
    reference = np.sin(7.0 * t) + 0.5 * np.cos(13.0 * t)
    baseline = np.polynomial.polynomial.polyval(t, poly[: order + 1])
    fitted = EMSC(order=order, reference=reference).fit(reference[None, :], wavelengths=axis)
    assume(fitted.order_ == order)
    out = fitted.transform((scale * reference + baseline)[None, :])
    np.testing.assert_allclose(out[0], reference, atol=1e-8)


@SETTINGS
@given(axes(min_size=2), st.integers(0, 3), arrays(np.float64, 4, elements=coefficients))
def test_detrend_removes_polynomials_of_its_order(axis, order, poly):
    t = (axis - axis.min()) / np.ptp(axis)
    X = np.polynomial.polynomial.polyval(t, poly[: order + 1])[None, :]
    out = Detrend(order).fit_transform(X, wavelengths=axis)
    np.testing.assert_allclose(out, 0.0, atol=1e-10)


@SETTINGS
@given(
    axes(min_size=4),
    st.data(),
    st.sampled_from(["linear", "cubic"]),
)
def test_crop_then_resample_onto_cropped_axis_is_identity(axis, data, method):
    X = data.draw(arrays(np.float64, (3, axis.size), elements=values))
    first = data.draw(st.integers(0, axis.size - 2))
    last = data.draw(st.integers(first + 1, axis.size - 1))
    crop = CropWavelengths(axis[first], axis[last]).fit(X, wavelengths=axis)
    cropped = crop.transform(X, wavelengths=axis)
    resample = Resample(crop.wavelengths_out_, method=method)
    out = resample.fit_transform(cropped, wavelengths=crop.wavelengths_out_)
    np.testing.assert_allclose(out, cropped, rtol=0, atol=1e-9 * (1 + np.abs(X).max()))
    if method == "linear":
        np.testing.assert_array_equal(out, cropped)
