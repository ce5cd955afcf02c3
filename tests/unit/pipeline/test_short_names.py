"""Bare step names resolve from the registry; anything else is refused with close names."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import CanonicalDecodingError, DisallowedClassError, UnsafeImportError
from nirs4all.operators.splitters import KennardStone
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.imports import close_names, resolve_step_class, step_registry


@pytest.mark.parametrize(("name", "cls"), [("SNV", SNV), ("PLSRegression", PLSRegression),
                                           ("KFold", KFold), ("KennardStone", KennardStone)])
def test_a_registered_name_resolves_to_its_class(name: str, cls: type) -> None:
    assert resolve_step_class(name) is cls


def test_the_registry_holds_only_step_classes_of_trusted_packages() -> None:
    registry = step_registry()
    assert {"SNV", "MSC", "SavitzkyGolay", "PLSRegression", "Ridge", "KFold"} <= set(registry)
    assert all(c.__module__.startswith(("sklearn.", "nirs4all.")) for c in registry.values())
    assert "SpectroDataset" not in registry
    assert "Workspace" not in registry


def test_an_unknown_name_is_refused_with_the_close_names() -> None:
    with pytest.raises(DisallowedClassError, match=r"steps\[0\]: unknown step name 'SVN'.*"
                                                   r"close names: .*SNV"):
        resolve_step_class("SVN", where="steps[0]")


def test_a_mistyped_path_lists_the_close_names() -> None:
    with pytest.raises(CanonicalDecodingError, match="close names: PLSRegression"):
        resolve_step_class("sklearn.cross_decomposition.PLSRegresion")


def test_a_path_outside_the_trusted_prefixes_is_still_refused() -> None:
    with pytest.raises(UnsafeImportError, match=r"refusing to import 'os\.system'"):
        resolve_step_class("os.system")
    with pytest.raises(DisallowedClassError):
        resolve_step_class("SpectroDataset")


def test_close_names_rank_the_nearest_first() -> None:
    assert close_names("PLSRegresion")[0] == "PLSRegression"
    assert close_names("zzzzzzzzzzzz") == []


def test_a_yaml_pipeline_of_short_names_runs(tmp_path: Path) -> None:
    """Newcomer wall: ``- SNV`` in YAML was refused with a security-style message."""
    path = tmp_path / "pipeline.yaml"
    path.write_text("- SNV\n- {class: KFold, params: {n_splits: 3}}\n"
                    "- model: PLSRegression\n  _range_: [2, 4, 2]\n  param: n_components\n")
    result = nirs4all.run(path, nirs4all.generate(40, random_state=0), verbose=0,
                          workspace=None)
    assert result.num_variants == 2
    assert result.best.preprocessing == "SNV"
