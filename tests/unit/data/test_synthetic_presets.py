"""Tests of the 0.7 keywords of `generate` and of the preset measurement effects."""

from __future__ import annotations

import numpy as np
import pytest

import nirs4all
from nirs4all.data._synthetic_effects import (
    COMPLEXITY_PRESETS,
    DISTRIBUTIONS,
    add_spikes,
    broaden,
    draw_concentrations,
    heteroscedastic_noise,
)
from nirs4all.data.synthetic import generate

# Content hashes of these calls computed with the generator as it was before the 0.7
# keywords were added (commit 624c3e5): the default model must not move by one bit.
GOLDEN = [
    ({"n_samples": 50, "random_state": 7},
     "e62814626ac7ca98948d888e555135079fe61f66e006dfb8fe6315ac145f1d2b"),
    ({"n_samples": 101, "task": "classification", "n_classes": 4, "random_state": 2},
     "b0b59d350ce28aa382a7a0954ad4711b134da1790fa74e6e3e102bea638819cb"),
    ({"n_samples": 33, "n_components": 8, "n_targets": 3, "test_fraction": 0.35,
      "random_state": 123, "noise": 0.01},
     "1d559084152e603b0e6109866a806ff69c590744c110a13cb6be14c08aa847af"),
]


@pytest.mark.parametrize(("kwargs", "expected"), GOLDEN)
def test_default_model_gives_the_same_bytes_as_before_the_07_keywords(kwargs, expected) -> None:
    assert generate(**kwargs).content_hash() == expected
    assert generate(**kwargs, complexity=None).content_hash() == expected


def test_wavelength_range_is_the_start_stop_step_axis_with_a_2_nm_default_step() -> None:
    by_range = generate(20, wavelength_range=(1000, 1800), random_state=3)
    by_tuple = generate(20, wavelengths=(1000, 1800, 2), random_state=3)
    assert by_range.content_hash() == by_tuple.content_hash()
    stepped = generate(5, wavelength_range=(1000, 1800, 5), random_state=3)
    assert stepped.wavelengths().shape == (161,)


def test_train_ratio_is_one_minus_test_fraction() -> None:
    assert (generate(40, train_ratio=0.75, random_state=1).content_hash()
            == generate(40, test_fraction=0.25, random_state=1).content_hash())


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"train_ratio": 0.8, "test_fraction": 0.2}, "train_ratio"),
        ({"train_ratio": 0.0}, "train_ratio"),
        ({"train_ratio": 1.5}, "train_ratio"),
        ({"wavelengths": (1000, 2000, 2), "wavelength_range": (1000, 2000)}, "wavelength_range"),
        ({"wavelength_range": (1000,)}, "wavelength_range"),
        ({"wavelength_range": (100, 2000)}, "wavelength_range"),
        ({"complexity": "extreme"}, "complexity"),
        ({"components": ["water", "gold"]}, "components"),
        ({"components": ["water"], "n_components": 1}, "n_components"),
        ({"components": "water"}, "components"),
        ({"target_component": "lipid", "components": ["water"]}, "target_component"),
        ({"target_component": 7}, "target_component"),
        ({"target_component": 0, "n_targets": 1}, "target_component"),
        ({"target_range": (5, 5)}, "target_range"),
        ({"distribution": "beta"}, "distribution"),
        ({"task": "classification", "class_weights": [1.0]}, "class_weights"),
        ({"task": "classification", "class_weights": [1.0, -1.0]}, "class_weights"),
        ({"class_separation": 0.0}, "class_separation"),
        ({"batch_effects": 1}, "batch_effects"),
    ],
)
def test_bad_07_keyword_raises_value_error_naming_it(kwargs: dict, parameter: str) -> None:
    with pytest.raises(ValueError, match=parameter):
        generate(10, random_state=0, **kwargs)


def test_components_choose_the_absorbers_and_name_the_targets() -> None:
    dataset = generate(30, components=["protein", "urea"], n_targets=2, random_state=0)
    assert dataset.target_names == ("protein", "urea")


def test_target_component_picks_columns_by_name_or_index() -> None:
    by_name = generate(30, target_component=["lipid", "water"], random_state=5)
    by_index = generate(30, target_component=[2, 0], random_state=5)
    assert by_name.target_names == ("lipid", "water")
    assert by_name.y.tobytes() == by_index.y.tobytes()
    all_targets = generate(30, n_targets=5, random_state=5).y
    np.testing.assert_array_equal(by_name.y, all_targets[:, [2, 0]])


def test_target_range_rescales_each_target_linearly_onto_the_range() -> None:
    raw = generate(50, n_targets=2, random_state=8).y
    scaled = generate(50, n_targets=2, target_range=(10, 20), random_state=8).y
    np.testing.assert_allclose(scaled.min(axis=0), 10.0)
    np.testing.assert_allclose(scaled.max(axis=0), 20.0)
    for j in range(2):
        assert abs(np.corrcoef(raw[:, j], scaled[:, j])[0, 1] - 1.0) < 1e-12


def test_as_dataset_false_returns_the_arrays_of_the_dataset() -> None:
    X, y = generate(25, as_dataset=False, random_state=4)
    dataset = generate(25, random_state=4)
    assert X.tobytes() == dataset.x().tobytes()
    assert y.tobytes() == dataset.y.tobytes()


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_every_concentration_law_gives_fractions_summing_to_at_most_one(distribution) -> None:
    values = draw_concentrations(np.random.default_rng(0), distribution, 500, 4)
    assert values.shape == (500, 4)
    assert (values >= 0).all()
    assert (values.sum(axis=1) <= 1.0 + 1e-12).all()


def test_correlated_law_makes_the_absorbers_rise_together() -> None:
    rng = np.random.default_rng(1)
    log_correlated = np.corrcoef(np.log(draw_concentrations(rng, "correlated", 4000, 3)).T)
    log_independent = np.corrcoef(np.log(draw_concentrations(rng, "lognormal", 4000, 3)).T)
    assert log_correlated[0, 1] > log_independent[0, 1] + 0.2


def test_broadening_a_gaussian_band_adds_the_widths_in_quadrature() -> None:
    axis = np.arange(1000.0, 2000.0, 0.5)
    band_fwhm, slit_fwhm = 20.0, 15.0

    def gaussian(fwhm: float) -> np.ndarray:
        return np.exp(-4 * np.log(2) * ((axis - 1500.0) / fwhm) ** 2)

    broadened = broaden(gaussian(band_fwhm)[None, :], axis, slit_fwhm)[0]
    width = np.hypot(band_fwhm, slit_fwhm)
    expected = gaussian(width) * band_fwhm / width
    np.testing.assert_allclose(broadened, expected, atol=2e-5)


def test_broadening_keeps_a_constant_and_handles_a_decreasing_irregular_axis() -> None:
    rng = np.random.default_rng(2)
    axis = np.sort(rng.uniform(1000.0, 1500.0, 300))[::-1]
    np.testing.assert_allclose(broaden(np.full((2, 300), 0.7), axis, 10.0), 0.7, atol=1e-12)
    band = np.exp(-4 * np.log(2) * ((axis - 1250.0) / 30.0) ** 2)
    broadened = broaden(band[None, :], axis, 10.0)[0]
    assert broadened.max() < band.max()
    assert abs(axis[np.argmax(broadened)] - 1250.0) < 3.0


def test_noise_standard_deviation_is_base_plus_signal_dependent_part() -> None:
    rng = np.random.default_rng(3)
    spectra = np.zeros((2, 200_000))
    spectra[1] = 2.0
    noisy = heteroscedastic_noise(spectra, 0.002, 0.01, rng) - spectra
    assert noisy[0].std() == pytest.approx(0.002, rel=0.02)
    assert noisy[1].std() == pytest.approx(0.022, rel=0.02)


def test_spikes_hit_one_channel_per_chosen_sample() -> None:
    spectra = np.zeros((400, 50))
    spiked, hit = add_spikes(spectra, 1.0, np.random.default_rng(4))
    assert hit.all()
    assert ((spiked > 0).sum(axis=1) == 1).all()
    assert spiked.max() <= 0.10
    assert spiked.sum(axis=1).min() >= 0.02
    untouched, none = add_spikes(spectra, 0.0, np.random.default_rng(4))
    assert not none.any()
    np.testing.assert_array_equal(untouched, spectra)


def test_presets_order_every_magnitude_from_simple_to_complex() -> None:
    simple, realistic, complex_ = (COMPLEXITY_PRESETS[k] for k in ("simple", "realistic",
                                                                    "complex"))
    for field in vars(simple):
        assert getattr(simple, field) <= getattr(realistic, field) <= getattr(complex_, field)
    assert simple.instrumental_fwhm == 4.0
    assert complex_.noise_base == 0.008


def test_preset_keeps_targets_and_partition_of_the_default_model() -> None:
    default = generate(60, random_state=12)
    for complexity in COMPLEXITY_PRESETS:
        preset = generate(60, random_state=12, complexity=complexity)
        assert preset.y.tobytes() == default.y.tobytes()
        assert preset.partition.tobytes() == default.partition.tobytes()
        assert preset.content_hash() != default.content_hash()


def test_noise_keyword_replaces_the_preset_noise_base() -> None:
    quiet = generate(40, complexity="complex", noise=0.0, random_state=6).x()
    loud = generate(40, complexity="complex", random_state=6).x()
    assert np.median(np.abs(np.diff(quiet, 2))) < np.median(np.abs(np.diff(loud, 2)))


def test_batch_effects_are_one_gain_and_offset_per_session() -> None:
    plain = generate(60, random_state=9)
    batched = generate(60, random_state=9, batch_effects=3)
    labels = batched.metadata["batch"]
    assert np.bincount(labels).tolist() == [20, 20, 20]
    for session in range(3):
        rows = labels == session
        x, z = plain.x()[rows].ravel(), batched.x()[rows].ravel()
        gain, offset = np.polyfit(x, z, 1)
        np.testing.assert_allclose(z, gain * x + offset, atol=1e-12)
    assert "batch" not in plain.metadata


def test_class_weights_size_the_classes_and_separation_keeps_fractions_valid() -> None:
    dataset = generate(100, task="classification", n_classes=3, class_weights=[5, 3, 2],
                       class_separation=3.0, random_state=2)
    assert np.bincount(dataset.y).tolist() == [50, 30, 20]
    assert np.isfinite(dataset.x()).all()


def test_namespace_functions_are_reachable_from_the_top_level_generate() -> None:
    for attribute in ("regression", "classification", "builder", "multi_source", "to_folder"):
        assert callable(getattr(nirs4all.generate, attribute))


def test_regression_makes_every_component_a_target_by_default() -> None:
    dataset = generate.regression(30, random_state=1)
    assert dataset.target_names == ("water", "protein", "lipid", "starch", "cellulose")
    single = generate.regression(30, random_state=1, target_component="protein")
    assert single.target_names == ("protein",)
    np.testing.assert_array_equal(single.y[:, 0], dataset.y[:, 1])


def test_to_folder_writes_a_folder_that_loads_back_with_the_same_hash(tmp_path) -> None:
    kwargs = {"complexity": "realistic", "batch_effects": True, "random_state": 3}
    folder = generate.to_folder(tmp_path / "synthetic", 30, **kwargs)
    loaded = nirs4all.load_dataset(folder)
    assert loaded.content_hash() == generate(30, **kwargs).content_hash()
    with pytest.raises(ValueError, match="format"):
        generate.to_folder(tmp_path / "other", 30, format="fragmented")
