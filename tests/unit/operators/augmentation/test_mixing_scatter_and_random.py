"""LocalMixupAugmenter, ScatterSimulationMSC, Rotate_Translate, Random_X_Operation: formulas."""

from __future__ import annotations

import operator

import numpy as np
import pytest

from nirs4all.operators.augmentation import (
    LocalMixupAugmenter,
    Mixup,
    Random_X_Operation,
    Rotate_Translate,
    ScatterSimulationMSC,
)


@pytest.fixture
def spectra():
    rng = np.random.default_rng(2)
    grid = np.linspace(0.0, 3.0, 30)
    return 1.0 + np.sin(grid)[None, :] * rng.uniform(0.5, 1.5, size=(10, 1))


def test_local_mixup_mixes_each_row_with_one_of_its_nearest_rows(spectra, row_generators):
    y = np.arange(10.0) * 2
    X_new, y_new, origin = (
        LocalMixupAugmenter(alpha=0.4, k_neighbors=3, random_state=5)
        .fit(spectra)
        .augment(spectra, y)
    )
    distances = np.linalg.norm(spectra[:, None] - spectra[None, :], axis=2)
    np.fill_diagonal(distances, np.inf)
    for i, gen in enumerate(row_generators(5, spectra)):
        lam = gen.beta(0.4, 0.4)
        lam = max(lam, 1 - lam)
        partner = np.argsort(distances[i], kind="stable")[int(gen.integers(3))]
        expected = lam * spectra[i] + (1 - lam) * spectra[partner]
        np.testing.assert_allclose(X_new[i], expected, rtol=0, atol=1e-10)
        assert y_new[i] == pytest.approx(lam * y[i] + (1 - lam) * y[partner], abs=1e-10)
    np.testing.assert_array_equal(origin, np.arange(10))


def test_local_mixup_partners_are_never_far_rows():
    X = np.repeat(np.array([[0.0, 0.0], [100.0, 100.0]]), 5, axis=0)
    X = X + np.arange(10.0)[:, None] * 1e-3  # two tight clusters, far apart
    X_new, _, origin = LocalMixupAugmenter(alpha=1.0, k_neighbors=4).fit(X).augment(X, None, 200)
    assert np.all(np.abs(X_new - X[origin]) < 1.0)
    far, _, _ = Mixup(alpha=1.0).fit(X).augment(X, None, 200)
    assert np.any(np.abs(far - X[origin]) > 1.0)  # global mixup crosses the gap


def test_local_mixup_of_a_single_row_has_no_neighbour_and_copies_the_row(spectra):
    one = spectra[:1]
    X_new, y_new, origin = LocalMixupAugmenter(k_neighbors=3).fit(one).augment(
        one, np.array([4.0]), 3)
    np.testing.assert_allclose(X_new, np.repeat(one, 3, axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(y_new, [4.0, 4.0, 4.0], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(origin, [0, 0, 0])


def test_local_mixup_transform_is_the_identity_and_y_must_be_numeric(spectra):
    augmenter = LocalMixupAugmenter().fit(spectra)
    np.testing.assert_array_equal(augmenter.transform(spectra), spectra)
    with pytest.raises(ValueError, match=r"LocalMixupAugmenter\.augment: y must be numeric"):
        augmenter.augment(spectra, np.array(["a"] * 10))
    with pytest.raises(ValueError, match="k_neighbors"):
        LocalMixupAugmenter(k_neighbors=0).fit(spectra)


def test_msc_scatter_in_self_mode_is_a_plus_b_x(spectra, row_generators):
    out = ScatterSimulationMSC(random_state=3).fit(spectra).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(3, spectra), strict=True):
        a, b = gen.uniform(-0.05, 0.05), gen.uniform(0.9, 1.1)
        np.testing.assert_allclose(new, a + b * row, rtol=0, atol=1e-10)


def test_msc_scatter_in_mean_mode_changes_only_the_part_along_the_reference(
    spectra, row_generators
):
    augmenter = ScatterSimulationMSC(reference_mode="mean", random_state=4).fit(spectra)
    reference = spectra.mean(axis=0)
    np.testing.assert_allclose(augmenter.reference_, reference, rtol=0, atol=1e-12)
    out = augmenter.transform(spectra[:3])
    for row, new, gen in zip(spectra[:3], out, row_generators(4, spectra[:3]), strict=True):
        a, b = gen.uniform(-0.05, 0.05), gen.uniform(0.9, 1.1)
        np.testing.assert_allclose(new, row + a + (b - 1) * reference, rtol=0, atol=1e-10)


@pytest.mark.parametrize("mode", ["self", "mean"])
def test_msc_scatter_with_a_zero_and_b_one_is_the_identity(mode, spectra):
    augmenter = ScatterSimulationMSC(mode, a_range=(0, 0), b_range=(1, 1)).fit(spectra)
    np.testing.assert_allclose(augmenter.transform(spectra), spectra, rtol=0, atol=1e-12)


def test_rotate_translate_adds_a_broken_line_scaled_by_the_spectrum_sd(spectra, row_generators):
    out = (
        Rotate_Translate(p_range=1.5, y_factor=2.0, random_state=6).fit(spectra).transform(spectra)
    )
    t = np.arange(30) / 29.0
    for row, new, gen in zip(spectra, out, row_generators(6, spectra), strict=True):
        pivot = gen.uniform(0, 1)
        offset, left, right = gen.uniform(-0.75, 0.75, size=3)
        line = offset + np.where(t <= pivot, left, right) * (t - pivot)
        np.testing.assert_allclose(new, row + row.std() * line, rtol=0, atol=1e-10)
        kink = np.diff(new - row, 2)
        assert np.count_nonzero(np.abs(kink) > 1e-9) <= 2  # straight on both sides of the pivot


@pytest.mark.parametrize(
    ("func", "bounds"),
    [(operator.mul, (0.9, 1.1)), (operator.add, (-0.1, 0.1)), (np.power, (1, 2))],
)
def test_random_x_operation_combines_each_value_with_its_own_factor(
    func, bounds, spectra, row_generators
):
    out = Random_X_Operation(func, bounds, random_state=7).fit(spectra).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(7, spectra), strict=True):
        np.testing.assert_allclose(new, func(row, gen.uniform(*bounds, 30)), rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    "augmenter",
    [
        Rotate_Translate(p_range=0.0),
        Random_X_Operation(operator_range=(1.0, 1.0)),
        Random_X_Operation(operator.add, (0.0, 0.0)),
    ],
)
def test_random_operations_at_zero_strength_are_the_identity(augmenter, spectra):
    np.testing.assert_allclose(augmenter.fit(spectra).transform(spectra), spectra, atol=1e-12)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (ScatterSimulationMSC(reference_mode="median"), "reference_mode"),
        (ScatterSimulationMSC(b_range=(-1, 1)), "b_range"),
        (Rotate_Translate(p_range=-1), "p_range"),
        (Rotate_Translate(y_factor=0), "y_factor"),
        (Random_X_Operation(operator_func="mul"), "operator_func"),
        (Random_X_Operation(operator_range=(2, 1)), "operator_range"),
    ],
)
def test_invalid_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)


def test_an_operator_that_changes_the_shape_is_reported(spectra):
    augmenter = Random_X_Operation(lambda x, r: (x * r).sum(axis=1)).fit(spectra)
    with pytest.raises(ValueError, match="must return an array of shape"):
        augmenter.transform(spectra)
