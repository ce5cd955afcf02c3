"""The spline augmenters of 0.7: each output is the spline of its formula, draws reproduced."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import UnivariateSpline, make_interp_spline

from nirs4all.operators.augmentation import (
    Spline_Smoothing,
    Spline_X_Perturbations,
    Spline_X_Simplification,
    Spline_Y_Perturbations,
)

COLUMNS = np.arange(60.0)


@pytest.fixture
def spectra():
    rng = np.random.default_rng(1)
    clean = np.exp(-0.5 * ((COLUMNS - 25.0) / 6.0) ** 2)[None, :] * rng.uniform(0.5, 1.5, (6, 1))
    return 0.1 + clean + rng.normal(0.0, 0.02, (6, 60))


def test_spline_smoothing_is_the_smoothing_spline_of_the_drawn_budget(spectra, row_generators):
    out = (
        Spline_Smoothing(residual_range=(0.1, 0.4), random_state=2).fit(spectra).transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(2, spectra), strict=True):
        level = gen.uniform(0.1, 0.4)
        budget = 60 * (level * row.std()) ** 2
        expected = UnivariateSpline(COLUMNS, row, k=3, s=budget)(COLUMNS)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        assert np.sum((new - row) ** 2) <= budget * (1 + 1e-3)
        assert np.sum(np.diff(new, 2) ** 2) < np.sum(np.diff(row, 2) ** 2)  # smoother


def test_spline_x_perturbations_warp_the_columns_through_the_knot_shifts(spectra, row_generators):
    augmenter = Spline_X_Perturbations(perturbation_density=0.1, perturbation_range=(-3, 3))
    out = augmenter.set_params(random_state=4).fit(spectra).transform(spectra)
    knots = np.linspace(0.0, 59.0, 6)
    for row, new, gen in zip(spectra, out, row_generators(4, spectra), strict=True):
        warp = make_interp_spline(knots, knots + gen.uniform(-3, 3, 6), k=3)(COLUMNS)
        np.testing.assert_allclose(new, np.interp(warp, COLUMNS, row), rtol=0, atol=1e-10)


def test_a_constant_column_shift_is_a_plain_shift():
    X = np.tile(np.sin(COLUMNS / 5.0), (3, 1)) + np.arange(3.0)[:, None]
    out = Spline_X_Perturbations(perturbation_range=(2, 2)).fit(X).transform(X)
    np.testing.assert_allclose(out[:, :-2], X[:, 2:], rtol=0, atol=1e-10)


def test_spline_y_perturbations_add_the_spline_through_the_knot_values(spectra, row_generators):
    out = Spline_Y_Perturbations(spline_points=5, perturbation_intensity=0.05, random_state=3)
    out = out.fit(spectra).transform(spectra)
    knots = np.linspace(0.0, 59.0, 5)
    for row, new, gen in zip(spectra, out, row_generators(3, spectra), strict=True):
        curve = make_interp_spline(knots, gen.uniform(-0.05, 0.05, 5), k=3)(COLUMNS)
        np.testing.assert_allclose(new, row + curve, rtol=0, atol=1e-10)


def test_spline_y_perturbations_default_to_one_knot_per_twenty_columns(spectra, row_generators):
    out = Spline_Y_Perturbations(random_state=5).fit(spectra).transform(spectra)
    knots = np.linspace(0.0, 59.0, 3)
    for row, new, gen in zip(spectra, out, row_generators(5, spectra), strict=True):
        curve = make_interp_spline(knots, gen.uniform(-0.005, 0.005, 3), k=2)(COLUMNS)
        np.testing.assert_allclose(new, row + curve, rtol=0, atol=1e-10)


def test_spline_x_simplification_interpolates_the_kept_columns(spectra, row_generators):
    out = Spline_X_Simplification(spline_points=12, random_state=6).fit(spectra).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(6, spectra), strict=True):
        interior = gen.choice(np.arange(1, 59), size=10, replace=False)
        kept = np.sort(np.concatenate(([0, 59], interior)))
        expected = make_interp_spline(COLUMNS[kept], row[kept], k=3)(COLUMNS)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        np.testing.assert_allclose(new[kept], row[kept], rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (Spline_Smoothing(residual_range=(-0.1, 0.1)), "residual_range"),
        (Spline_X_Perturbations(spline_degree=0), "spline_degree"),
        (Spline_X_Perturbations(perturbation_density=0), "perturbation_density"),
        (Spline_X_Perturbations(perturbation_range=(1, -1)), "perturbation_range"),
        (Spline_Y_Perturbations(spline_points=1), "spline_points"),
        (Spline_Y_Perturbations(perturbation_intensity=-1), "perturbation_intensity"),
        (Spline_X_Simplification(spline_points=1), "spline_points"),
        (Spline_X_Simplification(spline_degree=0), "spline_degree"),
    ],
)
def test_invalid_spline_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)
