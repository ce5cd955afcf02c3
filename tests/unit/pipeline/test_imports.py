"""Dotted paths build only pipeline steps, and a refused parameter names the step's position."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold, ShuffleSplit
from sklearn.pipeline import Pipeline

import nirs4all
from nirs4all.errors import DisallowedClassError, SpecError, UnsafeImportError
from nirs4all.operators.frozen import FrozenStep
from nirs4all.operators.splitters import KennardStone
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.canonical import from_canonical
from nirs4all.pipeline.imports import build_step, is_step_class, resolve_step_class

STORE = "nirs4all.workspace.store.Workspace"


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(40, random_state=0)


@pytest.mark.parametrize("cls", [PLSRegression, KFold, ShuffleSplit, SNV, KennardStone,
                                 FrozenStep, Pipeline])
def test_estimators_splitters_and_operators_are_steps(cls) -> None:
    assert is_step_class(cls)


@pytest.mark.parametrize("path", [STORE, "nirs4all.data.dataset.SpectroDataset",
                                  "sklearn.utils.Bunch", "nirs4all.workspace.lock.WriterLock"])
def test_other_classes_are_refused_naming_the_position(path: str) -> None:
    with pytest.raises(DisallowedClassError, match=r"steps\[3\]: refusing to build") as caught:
        resolve_step_class(path, where="steps[3]")
    assert isinstance(caught.value, UnsafeImportError)
    assert path in str(caught.value)


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    return path


def test_a_pipeline_file_naming_the_store_builds_nothing(dataset, tmp_path: Path) -> None:
    evil = tmp_path / "evil"
    path = _yaml(tmp_path, f"- class: sklearn.model_selection.KFold\n"
                           f"  params: {{n_splits: 3}}\n"
                           f"- class: {STORE}\n  params: {{path: {evil}}}\n")
    with pytest.raises(DisallowedClassError, match=r"pipeline\.yaml: steps\[1\]"):
        nirs4all.run(path, dataset, verbose=0, workspace=None)
    assert not evil.exists()


def test_a_model_key_naming_the_store_is_refused(dataset, tmp_path: Path) -> None:
    path = _yaml(tmp_path, f"- class: sklearn.model_selection.KFold\n- model: {STORE}\n")
    with pytest.raises(DisallowedClassError, match=r"steps\[1\]\.model"):
        nirs4all.run(path, dataset, verbose=0, workspace=None)


def test_the_kind_is_checked_before_the_parameters_are_built(dataset, tmp_path) -> None:
    # The nested KFold(n_splits=1) would raise a SpecError if it were built first.
    path = _yaml(tmp_path, f"- class: {STORE}\n  params:\n    path:\n"
                           "      class: sklearn.model_selection.KFold\n"
                           "      params: {n_splits: 1}\n")
    with pytest.raises(DisallowedClassError):
        nirs4all.run(path, dataset, verbose=0, workspace=None)


def test_a_refused_parameter_value_is_a_spec_error_with_the_position(dataset, tmp_path):
    path = _yaml(tmp_path, "- class: sklearn.model_selection.KFold\n"
                           "  params: {n_splits: 1}\n- class: sklearn.linear_model.Ridge\n")
    with pytest.raises(SpecError, match=r"steps\[0\]: cannot build "
                                        r"sklearn\.model_selection\.KFold\(n_splits=1\)"):
        nirs4all.run(path, dataset, verbose=0, workspace=None)


def test_a_nested_refused_parameter_names_its_full_position(dataset, tmp_path) -> None:
    path = _yaml(tmp_path, "- class: sklearn.model_selection.KFold\n"
                           "- model:\n    class: sklearn.ensemble.BaggingRegressor\n"
                           "    params:\n      estimator:\n"
                           "        class: sklearn.model_selection.KFold\n"
                           "        params: {n_splits: 0}\n")
    with pytest.raises(SpecError, match=r"steps\[1\]\.model\.params\.estimator: cannot build"):
        nirs4all.run(path, dataset, verbose=0, workspace=None)


def test_a_python_spec_naming_the_store_is_refused(dataset, tmp_path: Path) -> None:
    evil = tmp_path / "evil"
    spec = [KFold(3), {"model": {"class": STORE, "params": {"path": str(evil)}}}]
    with pytest.raises(DisallowedClassError):
        nirs4all.run(spec, dataset, verbose=0, workspace=None)
    assert not evil.exists()


def test_a_stored_spec_naming_the_store_builds_nothing(tmp_path: Path) -> None:
    evil = tmp_path / "evil"
    with pytest.raises(DisallowedClassError):
        from_canonical({"__estimator__": STORE, "params": {"path": str(evil)}})
    assert not evil.exists()


def test_build_step_turns_type_and_value_errors_into_spec_errors() -> None:
    with pytest.raises(SpecError, match=r"here: cannot build .*KFold\(n_split=3\)"):
        build_step(KFold, {"n_split": 3}, "here")
    with pytest.raises(SpecError, match=r"here: cannot build .*KFold\(n_splits=1\)"):
        build_step(KFold, {"n_splits": 1}, "here")
    assert build_step(KFold, {"n_splits": 4}, "here").n_splits == 4
