"""Augmenters: reproducibility, dtypes, the formula of each perturbation, ``augment``."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags

from nirs4all.errors import WavelengthAxisError
from nirs4all.operators.augmentation import (
    BaselineShift,
    GaussianNoise,
    LinearBaselineDrift,
    Mixup,
    MixupAugmenter,
    MultiplicativeScatter,
    WavelengthShift,
)

PERTURBING = [GaussianNoise, MultiplicativeScatter, BaselineShift, WavelengthShift]
ALL = [*PERTURBING, Mixup]


@pytest.fixture
def spectra():
    rng = np.random.default_rng(42)
    axis = np.linspace(0.0, 3.0, 40)
    return 1.0 + np.sin(axis)[None, :] * rng.uniform(0.5, 1.5, size=(12, 1))


@pytest.mark.parametrize("cls", PERTURBING)
def test_same_random_state_gives_identical_output(cls, spectra):
    first = cls(random_state=7).fit(spectra).transform(spectra)
    second = cls(random_state=7).fit(spectra).transform(spectra)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, spectra)


@pytest.mark.parametrize("cls", ALL)
def test_same_random_state_gives_identical_augmented_rows(cls, spectra):
    y = np.arange(12.0)
    a = cls(random_state=3).fit(spectra).augment(spectra, y, n_samples=30)
    b = cls(random_state=3).fit(spectra).augment(spectra, y, n_samples=30)
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize("cls", ALL)
def test_different_random_states_give_different_output(cls, spectra):
    a, _, _ = cls(random_state=1).fit(spectra).augment(spectra)
    b, _, _ = cls(random_state=2).fit(spectra).augment(spectra)
    assert not np.allclose(a, b)


@pytest.mark.parametrize("cls", PERTURBING)
def test_random_state_none_draws_fresh_noise_and_is_tagged_non_deterministic(cls, spectra):
    augmenter = cls(random_state=None).fit(spectra)
    assert not np.array_equal(augmenter.transform(spectra), augmenter.transform(spectra))
    assert get_tags(augmenter).non_deterministic
    assert not get_tags(cls()).non_deterministic


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shape_and_float_dtype_are_preserved(cls, dtype, spectra):
    X = spectra.astype(dtype)
    augmenter = cls().fit(X)
    assert augmenter.transform(X).dtype == dtype
    X_new, _, origin = augmenter.augment(X, n_samples=5)
    assert X_new.shape == (5, X.shape[1])
    assert X_new.dtype == dtype
    assert origin.dtype.kind == "i"


@pytest.mark.parametrize("cls", PERTURBING)
def test_transform_of_a_row_does_not_depend_on_the_other_rows(cls, spectra):
    augmenter = cls().fit(spectra)
    full = augmenter.transform(spectra)
    order = np.array([5, 0, 11, 3])
    np.testing.assert_array_equal(augmenter.transform(spectra[order]), full[order])


def test_gaussian_noise_has_the_requested_relative_standard_deviation(spectra):
    x = spectra[:1]
    noise = GaussianNoise(sigma=0.05).fit(x)
    X_new, _, origin = noise.augment(x, n_samples=2000)
    assert set(origin.tolist()) == {0}
    residual = X_new - x
    assert abs(residual.mean()) < 0.003 * x.std()
    assert residual.std() == pytest.approx(0.05 * x.std(), rel=0.03)
    # Noise is independent between wavelengths.
    correlation = np.corrcoef(residual[:, 0], residual[:, 1])[0, 1]
    assert abs(correlation) < 0.1


def test_gaussian_noise_in_absolute_units(spectra):
    X_new, _, _ = GaussianNoise(sigma=0.2, relative=False).fit(spectra).augment(spectra, None, 1200)
    residual = X_new - spectra[np.arange(1200) % 12]
    assert residual.std() == pytest.approx(0.2, rel=0.03)


def test_gaussian_noise_with_sigma_zero_is_the_identity(spectra):
    np.testing.assert_array_equal(GaussianNoise(sigma=0).fit_transform(spectra), spectra)


def test_multiplicative_scatter_is_an_exact_affine_map_of_each_row(spectra):
    augmenter = MultiplicativeScatter(scale_range=(0.8, 1.2), offset_range=(-0.1, 0.1))
    X_new = augmenter.fit_transform(spectra)
    for row, new_row in zip(spectra, X_new, strict=True):
        design = np.column_stack([row, np.ones_like(row)])
        (a, b), *_ = np.linalg.lstsq(design, new_row, rcond=None)
        assert 0.8 <= a <= 1.2
        assert -0.1 <= b <= 0.1
        np.testing.assert_allclose(a * row + b, new_row, atol=1e-12)


@pytest.mark.parametrize("wavelengths", [np.linspace(1000, 2500, 40), np.linspace(10000, 4000, 40)])
def test_baseline_shift_adds_a_straight_line_over_the_wavelength_axis(spectra, wavelengths):
    augmenter = BaselineShift(offset_range=(-0.5, 0.5), slope_range=(1.0, 2.0))
    baselines = augmenter.fit(spectra, wavelengths=wavelengths).transform(spectra) - spectra
    for baseline in baselines:
        slope, intercept = np.polyfit(wavelengths, baseline, 1)
        np.testing.assert_allclose(slope * wavelengths + intercept, baseline, atol=1e-12)
        low_end = baseline[np.argmin(wavelengths)]
        rise = baseline[np.argmax(wavelengths)] - low_end
        assert -0.5 <= low_end <= 0.5
        assert 1.0 <= rise <= 2.0


def test_baseline_shift_on_a_single_wavelength_adds_the_offset_only():
    X = np.ones((3, 1))
    out = BaselineShift(offset_range=(0.1, 0.1), slope_range=(5.0, 5.0)).fit_transform(X)
    np.testing.assert_allclose(out, 1.1)


def test_wavelength_shift_by_zero_is_the_identity(spectra):
    out = WavelengthShift(shift_range=(0, 0)).fit(spectra, wavelengths=np.arange(40) * 2.5)
    np.testing.assert_array_equal(out.transform(spectra), spectra)


def test_wavelength_shift_moves_features_towards_higher_axis_values_holding_edges():
    x = np.arange(6.0)[None, :] ** 2
    shifted = WavelengthShift(shift_range=(2, 2)).fit(x, wavelengths=[0, 2, 4, 6, 8, 10])
    np.testing.assert_allclose(shifted.transform(x), [[0, 0, 1, 4, 9, 16]])
    # On a decreasing axis, higher axis values sit at lower column indices.
    decreasing = WavelengthShift(shift_range=(2, 2)).fit(x, wavelengths=[10, 8, 6, 4, 2, 0])
    np.testing.assert_allclose(decreasing.transform(x), [[1, 4, 9, 16, 25, 25]])
    # Without an axis, shifts are in columns, interpolated linearly in between.
    halfway = WavelengthShift(shift_range=(0.5, 0.5)).fit(x)
    np.testing.assert_allclose(halfway.transform(x), [[0, 0.5, 2.5, 6.5, 12.5, 20.5]])


def test_wavelengths_given_to_transform_override_the_fitted_axis():
    x = np.arange(6.0)[None, :]
    shift = WavelengthShift(shift_range=(1, 1)).fit(x)
    np.testing.assert_allclose(shift.transform(x), [[0, 0, 1, 2, 3, 4]])
    np.testing.assert_allclose(
        shift.transform(x, wavelengths=np.arange(6) * 2.0), [[0, 0.5, 1.5, 2.5, 3.5, 4.5]]
    )
    np.testing.assert_array_equal(shift.wavelengths_, np.arange(6.0))


@pytest.mark.parametrize(("wavelengths", "fault"), [
    ([1, 2, 3], "has 3 values but X has 6 columns"),
    ([1, 2, 2, 3, 4, 5], "strictly increasing or strictly decreasing"),
    ([1, 3, 2, 4, 5, 6], "strictly increasing or strictly decreasing"),
    ([1, 2, np.nan, 4, 5, 6], "NaN or infinite"),
])
def test_malformed_wavelength_axes_are_rejected(wavelengths, fault):
    with pytest.raises(WavelengthAxisError, match=f"^WavelengthShift: .*{fault}"):
        WavelengthShift().fit(np.zeros((2, 6)), wavelengths=wavelengths)


def test_augment_takes_source_rows_in_turn_and_copies_their_targets(spectra):
    labels = np.array(list("abcdefghijkl"))
    _, y_new, origin = GaussianNoise().fit(spectra).augment(spectra, labels, n_samples=26)
    assert origin.tolist() == [*range(12), *range(12), 0, 1]
    assert y_new.tolist() == labels[origin].tolist()


def test_augment_defaults_to_one_copy_per_row_and_accepts_zero(spectra):
    noise = GaussianNoise().fit(spectra)
    X_new, y_new, origin = noise.augment(spectra)
    assert X_new.shape == spectra.shape
    assert y_new is None
    assert origin.tolist() == list(range(12))
    empty, _, no_origin = noise.augment(spectra, np.zeros(12), n_samples=0)
    assert empty.shape == (0, 40)
    assert no_origin.shape == (0,)


@pytest.mark.parametrize("cls", PERTURBING)
def test_copies_of_one_row_differ_and_the_first_equals_transform(cls, spectra):
    augmenter = cls().fit(spectra)
    X_new, _, _ = augmenter.augment(spectra[:1], n_samples=3)
    assert not np.array_equal(X_new[0], X_new[1])
    np.testing.assert_array_equal(X_new[0], augmenter.transform(spectra[:1])[0])


def test_identical_source_rows_get_different_copies(spectra):
    twins = np.vstack([spectra[:1], spectra[:1]])
    X_new, _, _ = GaussianNoise().fit(twins).augment(twins)
    assert not np.array_equal(X_new[0], X_new[1])


def test_augment_checks_its_arguments(spectra):
    with pytest.raises(NotFittedError):
        GaussianNoise().augment(spectra)
    noise = GaussianNoise().fit(spectra)
    with pytest.raises(ValueError, match="one entry per row of X"):
        noise.augment(spectra, np.zeros(11))
    with pytest.raises(ValueError, match="n_samples must be a non-negative int"):
        noise.augment(spectra, n_samples=-1)
    with pytest.raises(ValueError, match="n_samples must be a non-negative int"):
        noise.augment(spectra, n_samples=2.5)
    with pytest.raises(ValueError, match="features"):
        noise.augment(spectra[:, :10])


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (GaussianNoise(sigma=-0.1), "sigma must be a finite number >= 0"),
        (MultiplicativeScatter(scale_range=(1.1, 0.9)), "scale_range must be a pair"),
        (MultiplicativeScatter(scale_range=(-1.0, 1.0)), "0.0 <= low <= high"),
        (BaselineShift(offset_range=0.1), "offset_range must be a pair"),
        (WavelengthShift(shift_range=(0, np.inf)), "shift_range must be a pair"),
    ],
)
def test_invalid_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)


def test_a_random_state_that_is_not_an_int_is_rejected(spectra):
    noise = GaussianNoise(random_state=np.random.default_rng(0)).fit(spectra)
    with pytest.raises(TypeError, match="random_state must be an int or None"):
        noise.transform(spectra)


def test_the_global_random_generator_is_never_used(spectra):
    # The legacy global state is read only to prove that nothing draws from it.
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    for cls in ALL:
        augmenter = cls(random_state=None).fit(spectra)
        augmenter.transform(spectra)
        augmenter.augment(spectra, np.arange(12.0), n_samples=5)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_the_0_7_names_are_aliases():
    assert LinearBaselineDrift is BaselineShift
    assert MixupAugmenter is Mixup


def test_batch_scope_shares_draws_within_a_round_and_checks_its_value():
    from nirs4all.operators.augmentation import BaselineShift, Mixup

    X = np.random.default_rng(0).normal(size=(6, 4))
    shift = BaselineShift(offset_range=(-1, 1), slope_range=(0, 0)).fit(X)
    X_new, _, origin = shift.augment(X, n_samples=12, variation_scope="batch")
    offsets = (X_new - X[origin])[:, 0].reshape(2, 6)
    np.testing.assert_allclose(offsets, offsets[:, :1].repeat(6, axis=1), atol=1e-12)
    assert offsets[0, 0] != offsets[1, 0]
    mixed, _, _ = Mixup().fit(X).augment(X, n_samples=6, variation_scope="batch")
    assert mixed.shape == (6, 4)
    with pytest.raises(ValueError, match="variation_scope"):
        shift.augment(X, variation_scope="global")
