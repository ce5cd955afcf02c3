"""Properties of the augmenters on arbitrary spectra: shape, dtype, reproducibility, formulas."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nirs4all.operators import augmentation
from nirs4all.operators.augmentation import (
    BandMasking,
    BaselineShift,
    GaussianNoise,
    GaussianSmoothingJitter,
    InstrumentalBroadeningAugmenter,
    LocalClipping,
    LocalWavelengthWarp,
    Mixup,
    MultiplicativeScatter,
    Spline_X_Perturbations,
    WavelengthShift,
    WavelengthStretch,
)

SETTINGS = settings(max_examples=50, deadline=None)
AUGMENTERS = st.sampled_from(
    [GaussianNoise, MultiplicativeScatter, BaselineShift, WavelengthShift, Mixup]
)


@st.composite
def spectra(draw, min_rows=1):
    shape = (draw(st.integers(min_rows, 12)), draw(st.integers(1, 16)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    elements = st.floats(-1e3, 1e3, allow_nan=False, width=32)
    return draw(arrays(dtype, shape, elements=elements))


@SETTINGS
@given(spectra(), AUGMENTERS, st.integers(0, 2**32 - 1), st.integers(0, 30))
def test_augment_preserves_dtype_links_origins_and_is_reproducible(X, cls, seed, n_samples):
    y = np.arange(len(X), dtype=np.float64)
    X_new, y_new, origin = cls(random_state=seed).fit(X).augment(X, y, n_samples)
    assert X_new.shape == (n_samples, X.shape[1])
    assert X_new.dtype == X.dtype
    assert origin.tolist() == [k % len(X) for k in range(n_samples)]
    assert np.all(np.isfinite(X_new))
    again = cls(random_state=seed).fit(X).augment(X, y, n_samples)
    np.testing.assert_array_equal(again[0], X_new)
    np.testing.assert_array_equal(again[1], y_new)
    if cls is not Mixup:
        np.testing.assert_array_equal(y_new, y[origin])


@SETTINGS
@given(spectra(), AUGMENTERS, st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_transform_is_row_wise_whatever_the_order_of_the_rows(X, cls, seed, random):
    augmenter = cls(random_state=seed).fit(X)
    out = augmenter.transform(X)
    assert out.shape == X.shape
    assert out.dtype == X.dtype
    order = list(range(len(X)))
    random.shuffle(order)
    np.testing.assert_array_equal(augmenter.transform(X[order]), out[order])


@SETTINGS
@given(spectra(), st.integers(0, 2**32 - 1))
def test_multiplicative_scatter_stays_within_its_affine_bounds(X, seed):
    X64 = X.astype(np.float64)
    out = MultiplicativeScatter(random_state=seed).fit_transform(X64)
    low = np.minimum(0.95 * X64, 1.05 * X64) - 0.02
    high = np.maximum(0.95 * X64, 1.05 * X64) + 0.02
    assert np.all(out >= low - 1e-9)
    assert np.all(out <= high + 1e-9)


@SETTINGS
@given(spectra(), st.integers(0, 2**32 - 1))
def test_wavelength_shift_stays_within_each_spectrum_range(X, seed):
    out = WavelengthShift(shift_range=(-3, 3), random_state=seed).fit_transform(X)
    assert np.all(out >= X.min(axis=1, keepdims=True))
    assert np.all(out <= X.max(axis=1, keepdims=True))


@SETTINGS
@given(spectra(), st.sampled_from([GaussianNoise(sigma=0), WavelengthShift(shift_range=(0, 0))]))
def test_null_perturbations_are_the_identity(X, augmenter):
    np.testing.assert_array_equal(augmenter.fit_transform(X), X)


@SETTINGS
@given(
    spectra(min_rows=2),
    st.floats(0.05, 5.0),
    st.integers(0, 2**32 - 1),
    st.integers(1, 30),
)
def test_mixup_targets_lie_between_the_source_target_and_another(X, alpha, seed, n_samples):
    y = np.linspace(-1.0, 1.0, len(X)) ** 3
    _, y_new, origin = Mixup(alpha=alpha, random_state=seed).fit(X).augment(X, y, n_samples)
    for new_y, i in zip(y_new, origin, strict=True):
        others = np.delete(y, i)
        # lam >= 0.5: y_new lies on the half of a segment [y_i, y_j] nearest to y_i.
        assert np.any(
            (np.minimum(y[i], (y[i] + others) / 2) - 1e-12 <= new_y)
            & (new_y <= np.maximum(y[i], (y[i] + others) / 2) + 1e-12)
        )


OLDER = {"BaselineShift", "GaussianNoise", "Mixup", "MultiplicativeScatter", "WavelengthShift"}
NEWER = sorted(  # the 0.7 augmenters added after the first five, aliases excluded
    name
    for name in augmentation.__all__
    if name not in OLDER and name not in ("LinearBaselineDrift", "MixupAugmenter")
)


@SETTINGS
@given(spectra(), st.sampled_from(NEWER), st.integers(0, 2**32 - 1), st.integers(0, 20))
def test_every_0_7_augmenter_is_reproducible_row_wise_and_finite(X, name, seed, n_samples):
    cls = getattr(augmentation, name)
    augmenter = cls(random_state=seed).fit(X)
    X_new, _, origin = augmenter.augment(X, None, n_samples)
    assert X_new.shape == (n_samples, X.shape[1])
    assert origin.tolist() == [k % len(X) for k in range(n_samples)]
    assert X_new.dtype == X.dtype
    assert np.all(np.isfinite(X_new))
    again = cls(random_state=seed).fit(X).augment(X, None, n_samples)[0]
    assert again.tobytes() == X_new.tobytes()
    out = augmenter.transform(X)
    np.testing.assert_array_equal(augmenter.transform(X[::-1]), out[::-1])


RANGE_KEEPING = st.sampled_from(
    [
        WavelengthStretch(stretch_range=(0.8, 1.2)),
        LocalWavelengthWarp(max_shift=3.0),
        Spline_X_Perturbations(perturbation_range=(-3, 3)),
        GaussianSmoothingJitter(sigma_range=(0.0, 3.0)),
        InstrumentalBroadeningAugmenter(fwhm=4.0),
        BandMasking(width_range=(0.0, 4.0)),
        LocalClipping(width_range=(0.0, 6.0)),
    ]
)


@SETTINGS
@given(spectra(), RANGE_KEEPING, st.integers(0, 2**32 - 1))
def test_resampling_and_smoothing_stay_within_each_spectrum_range(X, augmenter, seed):
    X64 = X.astype(np.float64)
    out = augmenter.set_params(random_state=seed).fit(X64).transform(X64)
    tolerance = 1e-9 * (1.0 + np.abs(X64).max(axis=1, keepdims=True))
    assert np.all(out >= X64.min(axis=1, keepdims=True) - tolerance)
    assert np.all(out <= X64.max(axis=1, keepdims=True) + tolerance)
