"""Presets: fresh lists of fresh estimators, usable in ``_or_`` and ``feature_augmentation``."""

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.transforms._presets import PRESETS, preset, small_set
from nirs4all.pipeline.generators import count_variants


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_call_builds_new_instances(name) -> None:
    first, second = preset(name), preset(name)
    assert first
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        assert (a is None and b is None) or (a is not b and type(a) is type(b))


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="the presets are id_preprocessing, savgol_only"):
        preset("fat_set")


def test_preset_in_or_gives_one_variant_per_entry() -> None:
    assert count_variants({"_or_": small_set()}) == len(small_set())


def test_preset_in_feature_augmentation_and_or_runs() -> None:
    dataset = nirs4all.generate(40, random_state=0)
    stacked = [{"feature_augmentation": small_set()}, KFold(2), PLSRegression(2)]
    result = nirs4all.run(stacked, dataset, random_state=0, verbose=0, workspace=None)
    assert result.num_variants == 1
    models = [
        op
        for outcome in result.outcomes
        for op in outcome.artifacts.values()
        if isinstance(op, PLSRegression)
    ]
    assert models
    assert {m.n_features_in_ for m in models} == {len(small_set()) * dataset.x().shape[1]}
    swept = [
        {"_or_": preset("savgol_only") + preset("id_preprocessing")},
        KFold(2),
        PLSRegression(2),
    ]
    assert nirs4all.run(swept, dataset, random_state=0, verbose=0, workspace=None).num_variants == 2
