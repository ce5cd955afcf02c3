"""Tests of the fluent `SyntheticDatasetBuilder` and the `nirs4all.synthesis` face."""

from __future__ import annotations

import numpy as np
import pytest

import nirs4all
from nirs4all.data._bands import COMPONENTS, component_spectra
from nirs4all.data.synthetic import SyntheticDatasetBuilder, generate
from nirs4all.synthesis import COMPLEXITY_PARAMS, ComponentLibrary
from nirs4all.synthesis import SyntheticDatasetBuilder as FromSynthesis


def builder(n_samples: int = 60, seed: int = 0) -> SyntheticDatasetBuilder:
    return SyntheticDatasetBuilder(n_samples=n_samples, random_state=seed)


def test_synthesis_path_exports_the_same_builder_class() -> None:
    assert FromSynthesis is SyntheticDatasetBuilder
    assert isinstance(generate.builder(10, random_state=1), SyntheticDatasetBuilder)


def test_every_with_method_returns_the_builder_itself() -> None:
    b = builder()
    calls = [
        lambda: b.with_features(complexity="simple", components=["water", "lipid"]),
        lambda: b.with_wavelengths((1000, 2000, 4)),
        lambda: b.with_targets(distribution="uniform", range=(0, 10)),
        lambda: b.with_classification(n_classes=3),
        lambda: b.with_metadata(n_groups=2),
        lambda: b.with_sources([{"name": "nir"}]),
        lambda: b.with_partitions(train_ratio=0.7),
        lambda: b.with_batch_effects(n_batches=2, strength=0.5),
        lambda: b.with_output(as_dataset=True),
    ]
    for call in calls:
        assert call() is b


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda b: b.with_features(complexity="hard"), "complexity"),
        (lambda b: b.with_features(components=["water", "plastic"]), "components"),
        (lambda b: b.with_features(noise_base=-1.0), "noise_base"),
        (lambda b: b.with_features(artifact_prob=2.0), "artifact_prob"),
        (lambda b: b.with_features(wavelength_step=2.0), "wavelength_step"),
        (lambda b: b.with_features(wavelength_range=(100, 500)), "wavelength_range"),
        (lambda b: b.with_wavelengths([1500.0]), "wavelengths"),
        (lambda b: b.with_targets(distribution="gamma"), "distribution"),
        (lambda b: b.with_targets(range=(3, 1)), "target_range"),
        (lambda b: b.with_targets(transform="exp"), "transform"),
        (lambda b: b.with_classification(n_classes=1), "n_classes"),
        (lambda b: b.with_classification(separation_method="cluster"), "separation_method"),
        (lambda b: b.with_classification(n_classes=2, class_weights=[1.0]), "class_weights"),
        (lambda b: b.with_metadata(n_repetitions=0), "n_repetitions"),
        (lambda b: b.with_metadata(n_repetitions=(3, 2)), "n_repetitions"),
        (lambda b: b.with_metadata(n_groups=2, group_names=["a"]), "group_names"),
        (lambda b: b.with_sources([{"name": "a", "colour": "red"}]), "sources"),
        (lambda b: b.with_sources([{"name": "a"}, {"name": "a"}]), "sources"),
        (lambda b: b.with_sources([{"name": "a", "type": "vis"}]), "type"),
        (lambda b: b.with_sources([{"name": "m", "type": "aux", "n_features": 0}]), "n_features"),
        (lambda b: b.with_partitions(train_ratio=0.0), "train_ratio"),
        (lambda b: b.with_partitions(stratify=True), "stratify"),
        (lambda b: b.with_batch_effects(n_batches=1), "n_batches"),
        (lambda b: b.with_batch_effects(strength=-1.0), "strength"),
    ],
)
def test_bad_argument_raises_value_error_naming_the_parameter(call, parameter: str) -> None:
    with pytest.raises(ValueError, match=parameter):
        call(builder())


def test_bad_sample_count_or_seed_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="n_samples"):
        SyntheticDatasetBuilder(n_samples=1)
    with pytest.raises(ValueError, match="random_state"):
        SyntheticDatasetBuilder(n_samples=10, random_state=-3)


def test_building_twice_gives_the_same_dataset_and_arrays_match() -> None:
    b = builder().with_features(complexity="complex").with_batch_effects()
    first, second = b.build(), b.build()
    assert first.content_hash(include_metadata=True) == second.content_hash(include_metadata=True)
    X, y = b.build_arrays()
    assert X.tobytes() == first.x().tobytes()
    assert y.tobytes() == first.y.tobytes()
    assert b.build_dataset().content_hash() == first.content_hash()


def test_default_builder_targets_every_component_like_07() -> None:
    dataset = builder(30).build()
    assert dataset.target_names == tuple(COMPONENTS)[:5]
    assert dataset.y.shape == (30, 5)


def test_features_and_targets_shape_the_dataset() -> None:
    dataset = (builder(40)
               .with_features(wavelength_range=(1100, 2300), wavelength_step=4,
                              complexity="realistic", components=["water", "protein", "lipid"])
               .with_targets(component="protein", range=(8, 18), transform="sqrt")
               .build())
    assert dataset.x().shape == (40, 301)
    assert dataset.wavelengths()[0] == 1100.0
    assert dataset.target_names == ("protein",)
    assert dataset.y.min() == pytest.approx(8.0)
    assert dataset.y.max() == pytest.approx(18.0)


def test_partitions_set_the_test_fraction() -> None:
    dataset = builder(80).with_partitions(train_ratio=0.75).build()
    assert np.count_nonzero(dataset.partition == "test") == 20


def test_classification_labels_and_separation_widen_the_class_gap() -> None:
    def gap(separation: float) -> float:
        dataset = (builder(200, seed=3).with_classification(n_classes=2, separation=separation)
                   .with_output(include_metadata=True).build())
        water, labels = dataset.metadata["c_water"], dataset.y
        within = np.mean([water[labels == k].std() for k in (0, 1)])
        return abs(water[labels == 1].mean() - water[labels == 0].mean()) / within

    assert gap(3.0) > 2.0 * gap(1.0)
    dataset = builder(90).with_classification(n_classes=3, class_weights=[0.5, 0.3, 0.2]).build()
    assert np.bincount(dataset.y).tolist() == [45, 27, 18]
    assert dataset.task == "multiclass"


def test_repetitions_share_composition_partition_and_group() -> None:
    dataset = (builder(90, seed=5)
               .with_metadata(n_groups=3, n_repetitions=(2, 4), group_names=["a", "b", "c"])
               .build())
    meta = dataset.metadata
    bio = meta["bio_sample"]
    counts = np.bincount(bio)
    assert counts[:-1].min() >= 2
    assert counts.max() <= 4
    for sample in np.unique(bio):
        rows = bio == sample
        assert len(set(dataset.partition[rows])) == 1
        assert len(set(meta["group"][rows])) == 1
        assert (dataset.y[rows] == dataset.y[rows][0]).all()
    assert set(meta["group"]) == {"a", "b", "c"}
    assert len(set(meta["sample_id"])) == 90
    first = np.flatnonzero(bio == bio[0])
    assert not np.array_equal(dataset.x()[first[0]], dataset.x()[first[1]])


def test_metadata_without_repetitions_leaves_the_spectra_unchanged() -> None:
    plain = builder(30, seed=2).build()
    tagged = builder(30, seed=2).with_metadata(n_groups=2).build()
    assert plain.content_hash() == tagged.content_hash(include_metadata=False)
    assert set(tagged.metadata) == {"sample_id", "group"}


def test_batch_effects_record_the_session_in_metadata() -> None:
    dataset = builder(30).with_batch_effects(n_batches=3).build()
    assert sorted(np.unique(dataset.metadata["batch"]).tolist()) == [0, 1, 2]
    off = builder(30).with_batch_effects(enabled=False).build()
    assert "batch" not in off.metadata


def test_sources_become_feature_sources_measuring_the_same_samples() -> None:
    dataset = (builder(50)
               .with_sources([
                   {"name": "nir", "type": "nir", "wavelength_range": (1000, 2500)},
                   {"name": "swir", "wavelength_range": (1800, 2400, 5), "complexity": "complex"},
                   {"name": "markers", "type": "aux", "n_features": 7},
               ])
               .build())
    assert dataset.source_names == ("nir", "swir", "markers")
    assert [s.X.shape for s in dataset.sources] == [(50, 751), (50, 121), (50, 7)]
    assert dataset.unit("markers") == "index"
    # the markers are linear in the composition, so the targets explain them
    design = np.column_stack((dataset.y, np.ones(50)))
    residual = np.linalg.lstsq(design, dataset.x("markers"), rcond=None)[1]
    assert (residual / 50 < 1e-3).all()
    X, _ = generate.multi_source(50, sources=[{"name": "nir"}, {"name": "m", "type": "aux",
                                                                "n_features": 3}],
                                 random_state=0, as_dataset=False)
    assert X.shape == (50, 801 + 3)


def test_instrumental_fwhm_override_lowers_the_narrowest_band() -> None:
    def peak(fwhm: float) -> float:
        dataset = (builder(5, seed=1)
                   .with_features(components=["lipid"], instrumental_fwhm=fwhm, noise_base=0.0,
                                  noise_signal_dep=0.0, baseline_amplitude=0.0)
                   .build())
        return float(dataset.x().max(axis=1).mean())

    assert peak(0.0) > peak(12.0) > peak(40.0)


def test_export_writes_a_folder_that_loads_back_with_the_same_hash(tmp_path) -> None:
    b = builder(30).with_features(complexity="realistic").with_metadata(n_groups=2)
    loaded = nirs4all.load_dataset(b.export(tmp_path / "out"))
    assert loaded.content_hash() == b.build().content_hash()
    assert list(loaded.metadata["group"]) == list(b.build().metadata["group"])


def test_component_library_is_a_view_of_the_band_library() -> None:
    library = ComponentLibrary.from_predefined(["water", "urea"])
    assert library.component_names == ("water", "urea")
    assert library.bands("urea") == COMPONENTS["urea"]
    axis = np.arange(1000.0, 2000.0, 5.0)
    np.testing.assert_array_equal(library.spectra(axis), component_spectra(("water", "urea"), axis))
    assert set(ComponentLibrary.available()) == set(COMPONENTS)
    with pytest.raises(ValueError, match="names"):
        ComponentLibrary(["water", "water"])
    with pytest.raises(KeyError):
        library.bands("lipid")
    dataset = builder(20).with_features(component_library=library).build()
    assert dataset.target_names == ("water", "urea")


def test_complexity_params_are_the_07_values_and_read_only() -> None:
    assert COMPLEXITY_PARAMS["realistic"]["instrumental_fwhm"] == 8.0
    assert COMPLEXITY_PARAMS["complex"]["artifact_prob"] == 0.05
    with pytest.raises(TypeError):
        COMPLEXITY_PARAMS["simple"]["noise_base"] = 1.0  # type: ignore[index]
