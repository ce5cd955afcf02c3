"""Tests of the synthetic NIR spectra generator."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold, cross_val_predict, cross_val_score

from nirs4all.data import SpectroDataset
from nirs4all.data._bands import COMPONENTS, component_spectra
from nirs4all.data.synthetic import _mixture_absorbance, generate


@pytest.fixture(scope="module")
def regression() -> SpectroDataset:
    return generate(300, n_targets=5, random_state=1)


def test_same_seed_gives_identical_bytes_and_content_hash() -> None:
    first = generate(50, random_state=7)
    second = generate(50, random_state=7)
    assert first.x().tobytes() == second.x().tobytes()
    assert first.y.tobytes() == second.y.tobytes()
    assert first.partition.tobytes() == second.partition.tobytes()
    assert first.content_hash() == second.content_hash()


def test_different_seeds_give_different_spectra_and_targets() -> None:
    first = generate(50, random_state=1)
    second = generate(50, random_state=2)
    assert not np.array_equal(first.x(), second.x())
    assert not np.array_equal(first.y, second.y)
    assert first.content_hash() != second.content_hash()


def test_default_axis_is_900_to_2500_nm_in_2_nm_steps() -> None:
    dataset = generate(10, random_state=0)
    axis = dataset.wavelengths()
    assert axis.shape == (801,)
    assert axis[0] == 900.0
    assert axis[-1] == 2500.0
    np.testing.assert_array_equal(np.diff(axis), 2.0)
    assert dataset.unit() == "nm"


def test_start_stop_step_tuple_includes_stop_on_the_grid() -> None:
    axis = generate(5, wavelengths=(1000, 1700, 0.5), random_state=0).wavelengths()
    assert axis.shape == (1401,)
    assert axis[-1] == 1700.0


def test_explicit_axis_is_used_as_given_even_when_decreasing() -> None:
    axis = np.linspace(2400.0, 1000.0, 57)
    dataset = generate(5, wavelengths=axis, random_state=0)
    np.testing.assert_array_equal(dataset.wavelengths(), axis)
    assert dataset.x().shape == (5, 57)


def test_decreasing_axis_gives_the_mirrored_spectra() -> None:
    axis = np.arange(1000.0, 2402.0, 4.0)
    rising = generate(8, wavelengths=axis, random_state=3)
    falling = generate(8, wavelengths=axis[::-1].copy(), random_state=3, noise=0.0)
    rising_clean = generate(8, wavelengths=axis, random_state=3, noise=0.0)
    np.testing.assert_allclose(falling.x()[:, ::-1], rising_clean.x(), atol=1e-12)
    assert rising.y.tobytes() == falling.y.tobytes()


def test_dataset_has_one_float64_source_named_x_with_ids_and_readonly_arrays() -> None:
    dataset = generate(40, random_state=0, name="demo")
    assert dataset.name == "demo"
    assert dataset.source_names == ("X",)
    assert dataset.x().dtype == np.float64
    assert dataset.x().shape == (40, 801)
    assert not dataset.x().flags.writeable
    np.testing.assert_array_equal(dataset.sample_ids, np.arange(40))


@pytest.mark.parametrize(
    ("n_samples", "test_fraction"), [(100, 0.2), (37, 0.3), (10, 0.0), (25, 0.5)]
)
def test_test_partition_holds_round_test_fraction_of_the_samples(
    n_samples: int, test_fraction: float
) -> None:
    dataset = generate(n_samples, test_fraction=test_fraction, random_state=4)
    assert np.count_nonzero(dataset.partition == "test") == round(test_fraction * n_samples)
    assert set(np.unique(dataset.partition)) <= {"train", "test"}


def test_test_samples_are_a_seeded_draw_not_fixed_values() -> None:
    a = generate(100, random_state=5).test.x()
    b = generate(100, random_state=6).test.x()
    assert not np.array_equal(a, b)


def test_at_least_one_training_sample_is_kept() -> None:
    dataset = generate(2, test_fraction=0.9, random_state=0)
    assert np.count_nonzero(dataset.partition == "train") == 1


def test_spectra_are_finite_and_in_a_plausible_absorbance_range(regression) -> None:
    X = regression.x()
    assert np.isfinite(X).all()
    assert X.min() > -0.5
    assert X.max() < 5.0
    assert 0.1 < X.mean() < 1.5


def test_regression_targets_are_concentrations_named_after_components(regression) -> None:
    assert regression.task == "regression"
    assert regression.target_names == ("water", "protein", "lipid", "starch", "cellulose")
    assert regression.y.shape == (300, 5)
    assert regression.y.dtype == np.float64
    assert (regression.y >= 0).all()
    assert (regression.y.sum(axis=1) <= 1.0).all()


def test_single_target_is_one_column_named_water() -> None:
    dataset = generate(20, random_state=0)
    assert dataset.y.shape == (20, 1)
    assert dataset.target_names == ("water",)


@pytest.mark.parametrize(
    ("n_classes", "task"), [(2, "binary"), (3, "multiclass"), (5, "multiclass")]
)
def test_classification_labels_cover_every_class_in_balanced_bins(
    n_classes: int, task: str
) -> None:
    dataset = generate(101, task="classification", n_classes=n_classes, random_state=2)
    assert dataset.task == task
    assert dataset.target_names == ("class",)
    assert dataset.y.dtype == np.int64
    counts = np.bincount(dataset.y, minlength=n_classes)
    assert counts.shape == (n_classes,)
    assert counts.min() >= 1
    assert counts.max() - counts.min() <= 1


def test_classes_are_quantile_bins_of_the_water_concentration() -> None:
    labels = generate(60, task="classification", n_classes=3, random_state=9).y
    water = generate(60, random_state=9).y[:, 0]
    order = np.argsort(water)
    assert np.all(np.diff(labels[order]) >= 0)


def test_regression_targets_are_predictable_from_the_spectra(regression) -> None:
    cv = KFold(5, shuffle=True, random_state=0)
    for column, target in enumerate(regression.target_names):
        r2 = cross_val_score(
            PLSRegression(n_components=8), regression.x(), regression.y[:, column], cv=cv
        ).mean()
        assert r2 > 0.9, f"{target}: cross-validated R2 {r2:.3f}"


def test_binary_classes_are_predictable_from_the_spectra() -> None:
    dataset = generate(300, task="classification", random_state=1)
    cv = KFold(5, shuffle=True, random_state=0)
    scores = cross_val_predict(PLSRegression(n_components=8), dataset.x(), dataset.y, cv=cv)
    accuracy = np.mean((scores.ravel() > 0.5) == dataset.y)
    assert accuracy > 0.8


def test_water_band_at_1940_nm_tracks_the_water_concentration(regression) -> None:
    column = int(np.argmin(np.abs(regression.wavelengths() - 1940.0)))
    correlation = np.corrcoef(regression.x()[:, column], regression.y[:, 0])[0, 1]
    assert correlation > 0.8


@pytest.mark.parametrize(
    ("component", "strongest_nm"), [("water", 1940), ("lipid", 2310), ("protein", 2180)]
)
def test_component_library_puts_the_strongest_band_where_the_literature_does(
    component: str, strongest_nm: float
) -> None:
    axis = np.arange(900.0, 2501.0, 1.0)
    spectrum = component_spectra((component,), axis)[0]
    assert abs(axis[np.argmax(spectrum)] - strongest_nm) <= 5


def test_shift_matches_the_exactly_shifted_component_spectra() -> None:
    names = tuple(COMPONENTS)
    axis = np.arange(900.0, 2501.0, 2.0)
    shifts = np.array([-1.0, -0.45, 0.0, 0.3, 0.8, 1.0, 0.1, -0.7])
    weights = np.eye(len(names))
    shifted = _mixture_absorbance(weights, names, axis, shifts)
    for row, shift in enumerate(shifts):
        exact = component_spectra((names[row],), axis - shift)[0]
        np.testing.assert_allclose(shifted[row], exact, rtol=0, atol=5e-5)


def test_changing_noise_changes_only_the_noise() -> None:
    quiet = generate(200, noise=0.0, random_state=11)
    noisy = generate(200, noise=0.01, random_state=11)
    assert quiet.y.tobytes() == noisy.y.tobytes()
    assert quiet.partition.tobytes() == noisy.partition.tobytes()
    assert np.std(noisy.x() - quiet.x()) == pytest.approx(0.01, rel=0.02)


def test_no_seed_logs_a_seed_that_reproduces_the_dataset(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="nirs4all.data.synthetic"):
        drawn = generate(20)
    (record,) = [r for r in caplog.records if r.name == "nirs4all.data.synthetic"]
    assert str(record.seed) in record.getMessage()
    assert generate(20, random_state=record.seed).content_hash() == drawn.content_hash()


def test_global_numpy_random_state_is_left_untouched() -> None:
    # Reading the legacy global state is the point of this test.
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    generate(10, random_state=3)
    generate(10)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"n_samples": 1}, "n_samples"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"test_fraction": -0.1}, "test_fraction"),
        ({"test_fraction": float("nan")}, "test_fraction"),
        ({"n_targets": 6, "n_components": 5}, "n_targets"),
        ({"n_targets": 0}, "n_targets"),
        ({"n_components": 0}, "n_components"),
        ({"n_components": len(COMPONENTS) + 1}, "n_components"),
        ({"task": "classification", "n_classes": 1}, "n_classes"),
        ({"task": "classification", "n_classes": 11}, "n_classes"),
        ({"task": "clustering"}, "task"),
        ({"noise": -0.001}, "noise"),
        ({"noise": float("inf")}, "noise"),
        ({"random_state": -1}, "random_state"),
        ({"wavelengths": [1000.0, 1200.0, 1100.0, 1300.0]}, "wavelengths"),
        ({"wavelengths": [1000.0, 1000.0, 1100.0]}, "wavelengths"),
        ({"wavelengths": np.arange(200.0, 1000.0, 2.0)}, "wavelengths"),
        ({"wavelengths": (900.0, 2700.0, 2.0)}, "wavelengths"),
        ({"wavelengths": (900.0, 2500.0, 0.0)}, "wavelengths"),
        ({"wavelengths": (1000.0, 1500.0, 2000.0)}, "wavelengths"),
        ({"wavelengths": [1500.0]}, "wavelengths"),
        ({"wavelengths": np.ones((2, 3)) * 1000.0}, "wavelengths"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs: dict, parameter: str) -> None:
    kwargs = {"n_samples": 10, "random_state": 0, **kwargs}
    with pytest.raises(ValueError, match=parameter):
        generate(**kwargs)


@pytest.mark.parametrize("value", [10.0, "10", True])
def test_non_integer_sample_count_raises_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="n_samples"):
        generate(value)


def test_path_writes_a_folder_that_loads_back_with_the_same_hash(tmp_path) -> None:
    from nirs4all.data import load_dataset

    for task in ("regression", "classification"):
        folder = tmp_path / task
        dataset = generate(40, task=task, n_classes=3, random_state=11, path=folder)
        assert (folder / "Xcal.csv").exists()
        assert (folder / "Yval.csv").exists()
        back = load_dataset(folder)
        assert back.content_hash() == dataset.content_hash()
        assert back.task == dataset.task


def test_training_rows_come_first() -> None:
    partition = list(generate(30, random_state=2).partition)
    assert partition == sorted(partition, key=lambda label: label == "test")
