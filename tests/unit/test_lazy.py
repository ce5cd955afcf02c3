"""The package faces load their names on first use (nirs4all/_lazy.py, PEP 562)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from nirs4all._lazy import attach

FACES = [
    "nirs4all", "nirs4all.api", "nirs4all.data", "nirs4all.workspace", "nirs4all.synthesis",
    "nirs4all.operators.transforms", "nirs4all.operators.augmentation",
    "nirs4all.operators.models", "nirs4all.operators.splitters", "nirs4all.viz",
]
HEAVY = ["sklearn", "scipy", "duckdb", "pyarrow", "skops", "pandas", "numba", "joblib"]


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("face", FACES)
def test_every_name_in_a_faces_all_resolves(face: str) -> None:
    module = importlib.import_module(face)
    assert module.__all__, face
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{face}.{name}"
    assert set(module.__all__) <= set(dir(module))


def test_import_nirs4all_loads_no_heavy_dependency() -> None:
    loaded = _loaded_after("import nirs4all")
    assert [m for m in HEAVY if m in loaded] == []
    assert "numpy" not in loaded


@pytest.mark.parametrize("face", ["nirs4all.workspace", "nirs4all.data",
                                  "nirs4all.operators.transforms", "nirs4all.pipeline"])
def test_importing_a_face_loads_no_heavy_dependency(face: str) -> None:
    loaded = _loaded_after(f"import {face}")
    assert [m for m in HEAVY if m in loaded] == []


def test_cli_help_loads_neither_numpy_nor_the_data_layer() -> None:
    loaded = _loaded_after(
        "import runpy\nsys.argv = ['nirs4all', '--help']\n"
        "try:\n    runpy.run_module('nirs4all.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass")
    assert "numpy" not in loaded
    assert [m for m in loaded if m.startswith("nirs4all.data")] == []


def test_augmentation_face_imports_first_in_a_fresh_interpreter() -> None:
    # augmentation -> transforms._base -> the transforms face, which names augmenters:
    # a cycle that only an eager transforms face turns into an ImportError.
    loaded = _loaded_after("import nirs4all.operators.augmentation as a\na.GaussianAdditiveNoise")
    assert "nirs4all.operators.augmentation._noise_models" in loaded


def test_the_version_is_read_on_first_access() -> None:
    import nirs4all
    from nirs4all._version import __version__

    assert nirs4all.__version__ == __version__
    assert "importlib.metadata" not in _loaded_after("import nirs4all")


def test_a_name_resolves_to_the_defining_modules_object_and_is_bound() -> None:
    import nirs4all
    from nirs4all.api.run import run

    assert nirs4all.run is run
    assert vars(nirs4all)["run"] is run


def test_alias_entries_resolve_to_the_aliased_object() -> None:
    from nirs4all.operators import splitters, transforms

    assert transforms.StandardNormalVariate is transforms.SNV
    assert splitters.KennardStoneSplitter is splitters.KennardStone


def test_unknown_name_is_an_attribute_error_naming_the_face() -> None:
    getter, _ = attach("nirs4all", {})
    with pytest.raises(AttributeError, match="module 'nirs4all' has no attribute 'Nope'"):
        getter("Nope")


def test_fallback_receives_names_the_table_lacks() -> None:
    getter, lister = attach("nirs4all", {"run": "nirs4all.api.run"},
                            fallback=lambda name: f"fallback:{name}")
    assert getter("other") == "fallback:other"
    assert "run" in lister()
