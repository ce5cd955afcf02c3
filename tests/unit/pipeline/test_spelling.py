"""normalize_spelling rewrites every step position in one spelling, and nothing else."""

from __future__ import annotations

from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

from nirs4all.operators.augmentation import GaussianAdditiveNoise
from nirs4all.operators.transforms import MSC, SNV
from nirs4all.pipeline.canonical import canonical_json
from nirs4all.pipeline.spelling import normalize_spelling


def _same(a: object, b: object) -> bool:
    return canonical_json(normalize_spelling(a)) == canonical_json(normalize_spelling(b))


def test_keyword_steps_are_normalized_in_every_position() -> None:
    written = [{"y_processing": ["StandardScaler"]},
               {"preprocessing": "SNV"},
               {"feature_augmentation": [None, "MSC"]},
               {"split": "KFold", "group": "lot"},
               {"branch": {"a": ["SNV"], "b": [{"class": "MSC"}]}},
               {"branch": [["SNV"], [MSC]]},
               {"merge": "features"},
               {"sample_augmentation": {"transformers": ["GaussianAdditiveNoise"],
                                        "count": 2}},
               {"sample_augmentation": "GaussianAdditiveNoise"},
               {"model": "PLSRegression", "name": "PLS", "params": {"n_components": 3}}]
    objects = [{"y_processing": [StandardScaler()]},
               {"preprocessing": SNV()},
               {"feature_augmentation": [None, MSC()]},
               {"split": KFold(), "group": "lot"},
               {"branch": {"a": [SNV()], "b": [MSC()]}},
               {"branch": [[SNV()], [MSC()]]},
               {"merge": "features"},
               {"sample_augmentation": {"transformers": [GaussianAdditiveNoise()],
                                        "count": 2}},
               {"sample_augmentation": GaussianAdditiveNoise()},
               {"model": PLSRegression(n_components=3), "name": "PLS"}]
    assert _same({"pipeline": written}, {"pipeline": objects})


def test_data_strings_are_left_alone() -> None:
    spec = [{"split": KFold(), "group": "SNV"}, {"merge": "predictions"}]
    assert normalize_spelling(spec)[0]["group"] == "SNV"
    assert normalize_spelling(spec)[1] == {"merge": "predictions"}


def test_a_spelling_that_does_not_build_is_left_for_the_parser() -> None:
    assert normalize_spelling(["NoSuchStep"]) == ["NoSuchStep"]
    bad = {"class": "SNV", "params": {"no_such_param": 1}}
    assert normalize_spelling([bad]) == [bad]
    refused = {"model": PLSRegression(), "params": {"no_such_param": 1}}
    assert normalize_spelling(refused)["params"] == {"no_such_param": 1}


def test_class_entry_params_holding_classes_are_built() -> None:
    built = normalize_spelling({"class": "sklearn.pipeline.make_pipeline"})
    assert built == {"class": "sklearn.pipeline.make_pipeline"}  # not a step class
    nested = normalize_spelling({"class": "SNV", "params": {}})
    assert isinstance(nested, SNV)
