"""Properties of the synthetic NIR spectra generator over its whole parameter space."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.data._bands import COMPONENTS
from nirs4all.data.synthetic import SyntheticDatasetBuilder, generate

SETTINGS = settings(max_examples=30, deadline=None)
seeds = st.integers(min_value=0, max_value=2**63)


@st.composite
def generator_arguments(draw: st.DrawFn) -> dict:
    n_samples = draw(st.integers(min_value=2, max_value=60))
    n_components = draw(st.integers(min_value=1, max_value=len(COMPONENTS)))
    start = draw(st.floats(min_value=350.0, max_value=2000.0))
    step = draw(st.floats(min_value=0.5, max_value=20.0))
    count = draw(st.integers(min_value=2, max_value=200))
    stop = min(start + step * (count - 1), 2600.0)
    return {
        "n_samples": n_samples,
        "wavelengths": (start, stop, step),
        "task": draw(st.sampled_from(["regression", "classification"])),
        "n_targets": draw(st.integers(min_value=1, max_value=n_components)),
        "n_classes": draw(st.integers(min_value=2, max_value=min(n_samples, 6))),
        "n_components": n_components,
        "noise": draw(st.floats(min_value=0.0, max_value=0.02)),
        "test_fraction": draw(st.floats(min_value=0.0, max_value=0.99)),
        "random_state": draw(seeds),
    }


@SETTINGS
@given(arguments=generator_arguments())
def test_every_valid_call_gives_a_consistent_dataset(arguments: dict) -> None:
    dataset = generate(**arguments)
    n = arguments["n_samples"]
    X = dataset.x()
    assert X.dtype == np.float64
    assert X.shape == (n, dataset.wavelengths().shape[0])
    assert np.isfinite(X).all()
    assert X.min() > -0.5
    assert X.max() < 5.0
    assert dataset.unit() == "nm"
    np.testing.assert_array_equal(dataset.sample_ids, np.arange(n))
    n_test = min(round(arguments["test_fraction"] * n), n - 1)
    assert np.count_nonzero(dataset.partition == "test") == n_test
    assert np.count_nonzero(dataset.partition == "train") == n - n_test
    if arguments["task"] == "regression":
        assert dataset.task == "regression"
        assert dataset.y.shape == (n, arguments["n_targets"])
        assert (dataset.y >= 0).all()
        assert (dataset.y.sum(axis=1) <= 1.0 + 1e-12).all()
        assert dataset.target_names == tuple(COMPONENTS)[: arguments["n_targets"]]
    else:
        n_classes = arguments["n_classes"]
        assert dataset.task == ("binary" if n_classes == 2 else "multiclass")
        counts = np.bincount(dataset.y, minlength=n_classes)
        assert counts.shape == (n_classes,)
        assert counts.min() >= 1
        assert counts.max() - counts.min() <= 1


@SETTINGS
@given(arguments=generator_arguments())
def test_same_arguments_give_the_same_content_hash(arguments: dict) -> None:
    first = generate(**arguments)
    second = generate(**arguments)
    assert first.x().tobytes() == second.x().tobytes()
    assert first.content_hash() == second.content_hash()


@SETTINGS
@given(seed=seeds, other=seeds)
def test_different_seeds_give_different_spectra(seed: int, other: int) -> None:
    if seed == other:
        other = seed + 1
    assert (
        generate(5, random_state=seed).content_hash()
        != generate(5, random_state=other).content_hash()
    )


@SETTINGS
@given(
    start=st.floats(min_value=350.0, max_value=1000.0),
    step=st.sampled_from([0.1, 0.25, 0.5, 1.0, 2.0, 3.3, 5.0]),
    count=st.integers(min_value=2, max_value=300),
)
def test_start_stop_step_axis_includes_stop(start: float, step: float, count: int) -> None:
    stop = start + step * (count - 1)
    axis = generate(2, wavelengths=(start, stop, step), random_state=0).wavelengths()
    assert axis.shape == (count,)
    assert axis[0] == start
    assert abs(axis[-1] - stop) < 1e-6


@SETTINGS
@given(seed=seeds, noise=st.floats(min_value=0.0, max_value=0.05))
def test_noise_level_leaves_targets_and_partition_unchanged(seed: int, noise: float) -> None:
    reference = generate(20, random_state=seed, noise=0.0)
    noisy = generate(20, random_state=seed, noise=noise)
    assert reference.y.tobytes() == noisy.y.tobytes()
    assert reference.partition.tobytes() == noisy.partition.tobytes()


# -- the 0.7 keywords and the builder ----------------------------------------------------------

PRESETS = ("simple", "realistic", "complex")


@st.composite
def legacy_arguments(draw: st.DrawFn) -> dict:
    n_samples = draw(st.integers(min_value=4, max_value=40))
    components = draw(st.lists(st.sampled_from(sorted(COMPONENTS)), min_size=1, max_size=4,
                               unique=True))
    start = draw(st.floats(min_value=900.0, max_value=2000.0))
    return {
        "n_samples": n_samples,
        "complexity": draw(st.sampled_from((None, *PRESETS))),
        "wavelength_range": (start, min(start + draw(st.floats(20.0, 600.0)), 2600.0)),
        "components": components,
        "target_range": draw(st.sampled_from((None, (0.0, 1.0), (5.0, 50.0)))),
        "distribution": draw(st.sampled_from(("dirichlet", "uniform", "lognormal",
                                              "correlated"))),
        "batch_effects": draw(st.sampled_from((None, True, 2))),
        "train_ratio": draw(st.floats(min_value=0.3, max_value=1.0)),
        "random_state": draw(seeds),
    }


@SETTINGS
@given(arguments=legacy_arguments())
def test_07_keywords_give_the_same_bytes_for_the_same_seed(arguments: dict) -> None:
    first = generate(**arguments)
    second = generate(**arguments)
    assert first.content_hash(include_metadata=True) == second.content_hash(include_metadata=True)
    assert np.isfinite(first.x()).all()
    if arguments["target_range"] is not None:
        low, high = arguments["target_range"]
        assert first.y.min() >= low - 1e-9
        assert first.y.max() <= high + 1e-9


def _noise_level(X: np.ndarray) -> float:
    # Second differences remove the smooth bands (FWHM >= 35 nm on a 2 nm grid) and leave the
    # white part; the median absolute value is robust to the spikes.
    return float(np.median(np.abs(np.diff(X, 2, axis=1))))


def _spread(X: np.ndarray) -> float:
    return float(X.std(axis=0).mean())


@SETTINGS
@given(seed=seeds)
def test_presets_are_ordered_in_noise_and_effect_size(seed: int) -> None:
    spectra = [generate(40, complexity=level, random_state=seed).x() for level in PRESETS]
    noise = [_noise_level(X) for X in spectra]
    spread = [_spread(X) for X in spectra]
    assert noise[0] < noise[1] < noise[2]
    assert spread[0] < spread[1] < spread[2]


@SETTINGS
@given(
    n_samples=st.integers(min_value=4, max_value=40),
    start=st.floats(min_value=900.0, max_value=2000.0),
    width=st.floats(min_value=10.0, max_value=500.0),
    step=st.sampled_from((1.0, 2.0, 5.0)),
    n_aux=st.integers(min_value=0, max_value=5),
    train_ratio=st.floats(min_value=0.2, max_value=1.0),
    n_repetitions=st.integers(min_value=1, max_value=3),
    seed=seeds,
)
def test_builder_output_shapes_follow_the_arguments(
    n_samples: int, start: float, width: float, step: float, n_aux: int, train_ratio: float,
    n_repetitions: int, seed: int,
) -> None:
    sources = [{"name": "nir", "wavelength_range": (start, start + width, step)}]
    if n_aux:
        sources.append({"name": "aux", "type": "aux", "n_features": n_aux})
    dataset = (SyntheticDatasetBuilder(n_samples=n_samples, random_state=seed)
               .with_sources(sources)
               .with_metadata(n_repetitions=n_repetitions)
               .with_partitions(train_ratio=train_ratio)
               .build())
    n_channels = int(np.floor(width / step + 1e-9)) + 1
    expected = [(n_samples, n_channels)] + ([(n_samples, n_aux)] if n_aux else [])
    assert [s.X.shape for s in dataset.sources] == expected
    assert dataset.y.shape == (n_samples, 5)
    n_bio = -(-n_samples // n_repetitions)
    n_test_bio = min(round((1.0 - train_ratio) * n_bio), n_bio - 1)
    test_bio = set(dataset.metadata["bio_sample"][dataset.partition == "test"]) \
        if n_repetitions > 1 else set(np.flatnonzero(dataset.partition == "test"))
    assert len(test_bio) == n_test_bio
