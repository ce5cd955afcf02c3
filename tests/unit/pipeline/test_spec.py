"""Spec parsing: every step form, and an error naming the position for anything else."""

from __future__ import annotations

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold, KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from nirs4all.operators.augmentation import GaussianNoise
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.pipeline.canonical import UnsafeImportError
from nirs4all.pipeline.spec import SpecError, iter_steps, parse_pipeline


def _kinds(spec) -> list[str]:
    return [s.kind for s in iter_steps(parse_pipeline(spec))]


def test_instances_classes_dotted_paths_and_class_dicts() -> None:
    steps = parse_pipeline([
        SNV(),
        StandardScaler,
        "sklearn.preprocessing.MinMaxScaler",
        {"class": "sklearn.cross_decomposition.PLSRegression", "params": {"n_components": 3}},
    ])
    assert [s.kind for s in steps] == ["transform", "transform", "transform", "model"]
    assert steps[3].operator.n_components == 3
    assert steps[1].label == "StandardScaler"


def test_keyword_steps() -> None:
    spec = [
        {"preprocessing": SNV()},
        {"y_processing": [MinMaxScaler(), StandardScaler()]},
        {"split": GroupKFold(3), "group": "lot"},
        {"feature_augmentation": [None, SavitzkyGolay()]},
        {"sample_augmentation": {"transformers": [GaussianNoise()], "count": 2}},
        {"branch": {"pls": [PLSRegression(2)], "ridge": [Ridge()]}},
        {"merge": "predictions"},
        {"model": Ridge(), "name": "meta"},
    ]
    assert _kinds(spec) == ["transform", "y_processing", "y_processing", "split",
                            "feature_augmentation", "sample_augmentation", "branch", "model",
                            "model", "merge_predictions", "model"]
    steps = parse_pipeline(spec)
    assert steps[3].group == "lot"
    assert steps[5].count == 2
    assert steps[6].branch_names == ("pls", "ridge")
    assert steps[-1].label == "meta"


def test_model_params_forms_set_parameters_on_a_clone() -> None:
    user_model = PLSRegression()
    steps = parse_pipeline([KFold(2), {"model": user_model, "model_params": {"n_components": 4}}])
    assert steps[1].operator.n_components == 4
    assert user_model.n_components == 2
    steps = parse_pipeline([{"model": PLSRegression, "params": {"n_components": 6}}])
    assert steps[0].operator.n_components == 6


def test_sub_pipelines_are_inlined_and_none_is_skipped() -> None:
    assert _kinds([[SNV(), None, [StandardScaler()]], PLSRegression()]) == [
        "transform", "transform", "model"]


def test_step_indices_number_branch_contents_depth_first() -> None:
    steps = list(iter_steps(parse_pipeline([
        SNV(), KFold(2), {"branch": [[PLSRegression(2)], [Ridge()]]}])))
    assert [s.index for s in steps] == [0, 1, 2, 3, 4]
    assert steps[3].path == "steps[2].branch[0][0]"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([object(), PLSRegression()], r"steps\[0\]: object is neither a transformer"),
        ([{"modle": PLSRegression()}], r"steps\[0\]: a step dict needs exactly one keyword"),
        ([{"model": Ridge(), "nmae": "x"}], r"unknown key\(s\) \['nmae'\]"),
        ([{"merge": "features"}, Ridge()], "merge without an open branch"),
        ([{"merge": "average"}], "expected one of"),
        ([SNV()], "no model step"),
        ([Ridge(), KFold(2)], "a model before the splitter"),
        ([KFold(2), KFold(3), Ridge()], "only one splitter"),
        ([{"branch": [[KFold(2), Ridge()]]}], "splitter inside a branch"),
        ([{"y_processing": SNV()}, Ridge()], "inverse_transform"),
        ([{"sample_augmentation": {"transformers": [SNV()]}}, Ridge()], "no augment"),
        ([{"sample_augmentation": {"transformers": [GaussianNoise()], "count": 0}}, Ridge()],
         "count must be an integer >= 1"),
        ([{"class": "sklearn.linear_model.Ridge", "params": {"alpah": 1}}], "cannot build"),
    ],
)
def test_bad_steps_name_their_position(spec: list, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_pipeline(spec)


def test_dotted_paths_outside_the_allow_list_are_refused() -> None:
    with pytest.raises(UnsafeImportError):
        parse_pipeline(["os.system", Ridge()])


def test_pipeline_dict_form() -> None:
    assert _kinds({"pipeline": [SNV(), Ridge()]}) == ["transform", "model"]
    with pytest.raises(SpecError, match="must be"):
        parse_pipeline({"steps": [Ridge()]})
