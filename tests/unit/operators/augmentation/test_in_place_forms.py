"""The augmenters' in-place arithmetic equals their broadcast formulas, bit for bit.

The perturbations are computed with one array of the output's size where the formulas
would build several (the speed of issue 15). Each reference below is the formula as the
docstring writes it, computed with numpy broadcasting from the same row streams; the
outputs must be identical, for float64 and float32 input and on increasing and decreasing
axes.
"""

from __future__ import annotations

import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import CubicSpline

from nirs4all.operators import augmentation as A
from nirs4all.operators.augmentation import _base, _row_terms
from nirs4all.operators.augmentation._base import checked_keys
from nirs4all.operators.augmentation._mixup import _mix_rows
from nirs4all.operators.augmentation._noise_models import smoothing_taps
from nirs4all.operators.augmentation._row_terms import add_row_terms
from nirs4all.operators.augmentation._sample_effects import _in_nm, water_absorbance
from nirs4all.operators.augmentation._shift import _AxisAugmenter
from nirs4all.operators.augmentation._splines import _interpolant, smallest_per_row
from nirs4all.operators.augmentation._warps import _control_curves, resample, unit_position


def _u(axis):
    return 2.0 * unit_position(axis) - 1.0


def _polynomial(op, X, g, axis):
    powers = _u(axis)[None, :] ** np.arange(op.degree + 1)[:, None]
    return X + g.uniform(*op.coefficient_range, op.degree + 1) @ powers


def _stretch(op, X, g, axis):
    centre = (axis.max() + axis.min()) / 2.0
    factors = g.uniform(*op.stretch_range)
    return resample(X, axis, centre + (axis[None, :] - centre) / factors[:, None])


def _temperature(op, X, g, axis):
    deltas = g.uniform(*op.temperature_range)[:, None]
    shifted = resample(X, axis, axis[None, :] - op.shift_per_kelvin * deltas)
    return (1.0 + op.intensity_per_kelvin * deltas) * shifted


def _stray(op, X, g, axis):
    s = g.uniform(*op.stray_light_range)[:, None]
    log_s = np.log(np.where(s > 0, s, 1.0))
    stray = (np.log1p(s) - np.logaddexp(-np.log(10.0) * X, log_s)) / np.log(10.0)
    return np.where(s > 0, stray, X)


def _emsc(op, X, g, axis):
    powers = _u(axis)[None, :] ** np.arange(1, op.polynomial_order + 1)[:, None]
    gain = g.uniform(*op.multiplicative_range)[:, None]
    offset = g.uniform(*op.additive_range)[:, None]
    coefficients = g.uniform(*op.polynomial_range, op.polynomial_order)
    return gain * X + offset + coefficients @ powers


def _moisture(op, X, g, axis):
    water = float(op.water_absorbance) * water_absorbance(_in_nm(axis, op.unit))
    changes = g.uniform(*op.moisture_range)[:, None]
    return (1.0 - changes) * X + changes * water[None, :]


def _particle(op, X, g, axis):
    nm = _in_nm(axis, op.unit)
    centre = 0.5 * (nm.min() + nm.max())
    baseline = (nm / centre) ** -float(op.wavelength_exponent)
    low, high = np.log(np.asarray(op.size_ratio_range, dtype=np.float64))
    log_ratio = g.uniform(low, high)[:, None]
    gain = np.exp(float(op.path_exponent) * log_ratio)
    return gain * X - float(op.scatter_amplitude) * log_ratio * baseline[None, :]


def _baseline_shift(op, X, g, axis):
    offsets, slopes = g.uniform(*op.offset_range), g.uniform(*op.slope_range)
    position = unit_position(axis)
    return X + offsets[:, None] + slopes[:, None] * position[None, :]


def _scatter_self(op, X, g, axis):
    a, b = g.uniform(*op.a_range)[:, None], g.uniform(*op.b_range)[:, None]
    return a + b * X


def _scatter_mean(op, X, g, axis):
    a, b = g.uniform(*op.a_range)[:, None], g.uniform(*op.b_range)[:, None]
    return X + a + (b - 1.0) * op.reference_[None, :]


def _gaussian(op, X, g, axis):
    noise = g.standard_normal(X.shape[1])
    scale = op.sigma * X.std(axis=1, dtype=np.float64, keepdims=True) if op.relative else op.sigma
    return X + scale * noise


def _batch_effect(op, X, g, axis):
    e = g.standard_normal(3)
    gain = 1.0 + op.gain_std * e[:, :1]
    offset, slope = op.offset_std * e[:, 1:2], op.slope_std * e[:, 2:3]
    return gain * X + offset + slope * _u(axis)[None, :]


def _edge_artifacts(op, X, g, axis):
    t = unit_position(axis)
    low_end, high_end = np.exp(-t / op.edge_width), np.exp(-(1.0 - t) / op.edge_width)
    a = g.uniform(*op.amplitude_range, 2)
    return X + a[:, :1] * low_end[None, :] + a[:, 1:] * high_end[None, :]


def _additive(op, X, g, axis):
    width = op.smoothing_kernel_width
    white = g.standard_normal(X.shape[1] + width - 1)
    taps = smoothing_taps(width)[::-1]
    return X + op.sigma * sum(tap * white[:, k:k + X.shape[1]] for k, tap in enumerate(taps))


def _random_x(op, X, g, axis):
    return X * g.uniform(*op.operator_range, X.shape[1])


CASES = [
    (A.PolynomialBaselineDrift(coefficient_range=(-0.3, 0.3), random_state=1), _polynomial),
    (A.WavelengthStretch(random_state=2), _stretch),
    (A.TemperatureAugmenter(temperature_range=(-8, 8), shift_per_kelvin=-2.0, random_state=3),
     _temperature),
    (A.StrayLightAugmenter(stray_light_range=(0.0, 0.05), random_state=4), _stray),
    (A.StrayLightAugmenter(stray_light_range=(0.0, 0.0), random_state=4), _stray),
    (A.EMSCDistortionAugmenter(polynomial_order=3, random_state=5), _emsc),
    (A.MoistureAugmenter(random_state=6), _moisture),
    (A.ParticleSizeAugmenter(random_state=7), _particle),
    (A.LinearBaselineDrift(random_state=8), _baseline_shift),
    (A.ScatterSimulationMSC(random_state=9), _scatter_self),
    (A.ScatterSimulationMSC(reference_mode="mean", random_state=9), _scatter_mean),
    (A.GaussianNoise(random_state=10), _gaussian),
    (A.GaussianNoise(relative=False, random_state=10), _gaussian),
    (A.Random_X_Operation(random_state=11), _random_x),
    (A.BatchEffectAugmenter(random_state=12), _batch_effect),
    (A.GaussianAdditiveNoise(random_state=14), _additive),
    (A.GaussianAdditiveNoise(smoothing_kernel_width=4, random_state=14), _additive),
    (A.EdgeArtifactsAugmenter(random_state=13), _edge_artifacts),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("decreasing", [False, True])
@pytest.mark.parametrize(("augmenter", "formula"), CASES, ids=lambda c: type(c).__name__)
def test_an_augmenter_equals_its_broadcast_formula_bit_for_bit(
    augmenter, formula, dtype, decreasing, monkeypatch
):
    monkeypatch.setattr(_row_terms, "_BLOCK", 64)  # several blocks of add_row_terms
    rng = np.random.default_rng(0)
    X = (0.2 + rng.random((37, 29))).astype(dtype)
    axis = np.linspace(1100.0, 2400.0, 29)[::-1 if decreasing else 1]
    kwargs = {"wavelengths": axis} if isinstance(augmenter, _AxisAugmenter) else {}
    out = augmenter.fit(X, **kwargs).transform(X)
    streams = augmenter._generators(checked_keys(X), np.zeros(len(X), dtype=np.intp))
    expected = formula(augmenter, X, streams, augmenter._axis(None)).astype(dtype, copy=False)
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


@settings(max_examples=40, deadline=None)
@given(n_rows=st.integers(1, 40), n_columns=st.integers(1, 9), block=st.integers(1, 50),
       seed=st.integers(0, 2**16))
def test_row_terms_in_place_are_the_broadcast_sum_for_any_block_size(n_rows, n_columns, block,
                                                                      seed):
    rng = np.random.default_rng(seed)
    base, scales, row = rng.normal(size=(n_rows, n_columns)), rng.normal(size=n_rows), \
        rng.normal(size=n_columns)
    other, picks = rng.normal(size=(5, n_columns)), rng.integers(0, 5, n_rows)
    expected = base + scales[:, None] * row[None, :]
    taken = base + scales[:, None] * other[picks]
    original = _row_terms._BLOCK
    try:
        _row_terms._BLOCK = block
        in_place = base.copy()
        assert add_row_terms(in_place, [(scales, row)], out=in_place) is in_place
        np.testing.assert_array_equal(in_place, expected)
        np.testing.assert_array_equal(
            add_row_terms(base, [(scales, lambda rows: other[picks[rows]])]), taken)
    finally:
        _row_terms._BLOCK = original


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mixed_rows_equal_the_mixup_formula(dtype):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 13)).astype(dtype)
    origin, partners, weights = rng.integers(0, 50, 80), rng.integers(0, 50, 80), rng.random(80)
    expected = weights[:, None] * X[origin] + (1.0 - weights[:, None]) * X[partners]
    out = _mix_rows(X, origin, partners, weights)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, expected)


def test_resample_reads_positions_from_an_array_or_a_function_alike():
    rng = np.random.default_rng(2)
    X, axis = rng.normal(size=(6, 11)), np.linspace(5.0, 1.0, 11)
    positions = axis[None, :] + rng.normal(scale=0.3, size=(6, 11))
    by_array = resample(X, axis, positions)
    np.testing.assert_array_equal(resample(X, axis, lambda row: positions[row]), by_array)
    np.testing.assert_array_equal(resample(X[:, ::-1], axis[::-1], positions), by_array)
    expected = [np.interp(p, axis[::-1], x[::-1]) for p, x in zip(positions, X, strict=True)]
    np.testing.assert_array_equal(by_array, np.array(expected))
    shuffled = rng.permutation(11)
    np.testing.assert_array_equal(resample(X[:, shuffled], axis[shuffled], positions), by_array)


def test_fit_transform_checks_finiteness_once_and_still_refuses_a_nan():
    X = np.random.default_rng(3).random((20, 8))
    augmenter = A.MultiplicativeNoise(random_state=0)
    np.testing.assert_array_equal(augmenter.fit_transform(X), augmenter.fit(X).transform(X))
    bad = X.copy()
    bad[13, 5] = np.nan
    for make in (A.MultiplicativeNoise, A.PolynomialBaselineDrift, A.Mixup):
        with pytest.raises(ValueError, match="NaN"):
            make().fit_transform(bad)
        with pytest.raises(ValueError, match="NaN"):
            make().fit(bad)
    assert not _base._CHECKED_LATER.get()  # reset after each fit_transform, raised or not


def test_random_x_operation_with_another_operator_is_unchanged():
    X = np.random.default_rng(4).random((9, 6)) + 1.0
    augmenter = A.Random_X_Operation(operator_func=operator.add, operator_range=(-0.1, 0.1))
    out = augmenter.fit(X).transform(X)
    streams = augmenter._generators(checked_keys(X), np.zeros(len(X), dtype=np.intp))
    np.testing.assert_array_equal(out, X + streams.uniform(-0.1, 0.1, X.shape[1]))


@settings(max_examples=30, deadline=None)
@given(n_rows=st.integers(1, 30), n_columns=st.integers(1, 40), n_terms=st.integers(0, 3),
       seed=st.integers(0, 2**16), dtype=st.sampled_from([np.float64, np.float32]))
def test_add_row_terms_is_the_broadcast_sum_left_to_right(n_rows, n_columns, n_terms, seed,
                                                          dtype):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_columns)).astype(dtype)
    terms = [(rng.normal(size=n_rows), rng.normal(size=n_columns)) for _ in range(n_terms)]
    expected = X
    for scales, row in terms:
        expected = expected + scales[:, None] * row[None, :]
    out = add_row_terms(X, terms)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.asarray(expected, dtype=np.float64))


@pytest.mark.parametrize("n_knots", [1, 2, 3, 4, 5, 9])
def test_control_curves_of_all_rows_are_the_per_row_cubic_splines(n_knots):
    rng = np.random.default_rng(n_knots)
    values, t = rng.normal(size=(60, n_knots)), np.linspace(0.0, 1.0, 97)
    curves = _control_curves(values, t)
    for row, knots in enumerate(values):
        expected = (np.full_like(t, knots[0]) if n_knots == 1
                    else CubicSpline(np.linspace(0.0, 1.0, n_knots), knots)(t))
        np.testing.assert_array_equal(curves[row], expected)
    np.testing.assert_array_equal(_control_curves(values[[7, 3]], t), curves[[7, 3]])


@pytest.mark.parametrize("degree", [1, 2, 3, 5])
def test_interpolants_sharing_knots_are_the_per_row_splines(degree):
    rng = np.random.default_rng(degree)
    knots, at = np.linspace(0.0, 99.0, 8), np.arange(100.0)
    values = rng.normal(size=(45, 8))
    together = _interpolant(knots, values, degree, at)
    for row, knot_values in enumerate(values):
        np.testing.assert_array_equal(together[row], _interpolant(knots, knot_values, degree, at))
    np.testing.assert_array_equal(_interpolant(knots, values[5:6], degree, at), together[5:6])


@settings(max_examples=60, deadline=None)
@given(n_rows=st.integers(1, 12), n_columns=st.integers(1, 30), data=st.data())
def test_smallest_per_row_is_the_head_of_the_stable_sort_even_with_ties(n_rows, n_columns,
                                                                        data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    values = rng.integers(0, data.draw(st.integers(1, 5)), (n_rows, n_columns)).astype(float)
    size = data.draw(st.integers(1, n_columns))
    smallest = smallest_per_row(values, size)
    for row in range(n_rows):
        expected = np.argsort(values[row], kind="stable")[:size]
        np.testing.assert_array_equal(np.sort(smallest[row]), np.sort(expected))


def test_a_simplification_to_two_points_keeps_only_the_ends():
    X = np.random.default_rng(6).normal(size=(5, 30))
    out = A.Spline_X_Simplification(spline_points=2, spline_degree=3).fit_transform(X)
    expected = X[:, :1] + (X[:, -1:] - X[:, :1]) * np.arange(30)[None, :] / 29.0
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("augmenter", [A.Spline_X_Perturbations(), A.Spline_Y_Perturbations()])
def test_spline_perturbations_of_a_single_column(augmenter):
    X = np.random.default_rng(7).normal(size=(6, 1))
    out = augmenter.fit_transform(X)
    assert out.shape == (6, 1)
    if isinstance(augmenter, A.Spline_X_Perturbations):
        np.testing.assert_array_equal(out, X)  # one column has nowhere to move
    else:
        streams = augmenter._generators(checked_keys(X), np.zeros(6, dtype=np.intp))
        np.testing.assert_array_equal(out, X + streams.uniform(-0.005, 0.005, 2)[:, :1])
