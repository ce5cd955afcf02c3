"""Presets: fresh lists of fresh estimators, usable in ``_or_`` and ``feature_augmentation``."""

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators import transforms
from nirs4all.operators.transforms import SNV, FirstDerivative
from nirs4all.operators.transforms._presets import (
    PRESETS,
    chain,
    dumb_and_dumber_set,
    dumb_set_2D,
    fat_set,
    nicon_set,
    preset,
    small_set,
    special_set,
)
from nirs4all.pipeline.generators import count_variants


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_call_builds_new_instances(name) -> None:
    first, second = preset(name), preset(name)
    assert first
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        assert (a is None and b is None) or (a is not b and type(a) is type(b))


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="the presets are decon_set, dumb_and_dumber_set"):
        preset("thin_set")


TWO_D = ("dumb_set_2D", "list_of_2D_sets", "optimal_set_2D")


def _is_entry(entry) -> bool:
    return entry is None or (callable(getattr(entry, "fit", None))
                             and callable(getattr(entry, "transform", None)))


def test_every_0x_preset_name_exists() -> None:
    names = ["id_preprocessing", "savgol_only", "haar_only", "nicon_set", "decon_set",
             "senseen_set", "transf_set", "special_set", "small_set", "dumb_set",
             "dumb_and_dumber_set", "dumb_set_2D", "list_of_2D_sets", "optimal_set_2D",
             "preprocessing_list", "fat_set"]
    assert sorted(PRESETS) == sorted(names)
    assert all(getattr(transforms, name) is PRESETS[name] for name in names)


@pytest.mark.parametrize("name", sorted(set(PRESETS) - set(TWO_D)))
def test_flat_presets_hold_single_transformers_or_none(name) -> None:
    assert all(_is_entry(entry) for entry in preset(name))


@pytest.mark.parametrize("name", TWO_D)
def test_2d_presets_hold_feature_augmentation_sets(name) -> None:
    sets = preset(name)
    assert all(isinstance(s, list) and s and all(_is_entry(e) for e in s) for s in sets)
    inner = [e for s in preset(name) for e in s if e is not None]
    again = [e for s in preset(name) for e in s if e is not None]
    assert all(a is not b for a, b in zip(inner, again, strict=True))


def test_a_chain_applies_its_steps_in_order() -> None:
    X = np.random.default_rng(0).normal(size=(6, 30)) + np.linspace(0, 1, 30)
    out = chain(SNV(), FirstDerivative()).fit_transform(X)
    expected = FirstDerivative().fit_transform(SNV().fit_transform(X))
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)
    assert len(dumb_and_dumber_set()) == 30


def test_chain_presets_run_in_or_and_in_feature_augmentation() -> None:
    dataset = nirs4all.generate(40, random_state=0)
    stacked = [{"feature_augmentation": nicon_set()}, KFold(2), PLSRegression(2)]
    assert nirs4all.run(stacked, dataset, random_state=0, verbose=0,
                        workspace=None).num_variants == 1
    swept = [{"_or_": special_set()}, KFold(2), PLSRegression(2)]
    assert nirs4all.run(swept, dataset, random_state=0, verbose=0,
                        workspace=None).num_variants == len(special_set())
    sets = [{"feature_augmentation": {"_or_": dumb_set_2D()}}, KFold(2), PLSRegression(2)]
    result = nirs4all.run(sets, dataset, random_state=0, verbose=0, workspace=None)
    assert result.num_variants == len(dumb_set_2D())
    assert count_variants({"_or_": fat_set()}) == len(fat_set())


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
