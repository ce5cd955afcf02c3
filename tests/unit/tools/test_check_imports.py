"""The import-graph gate (tools/check_imports.py) on small synthetic packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate_tools import ROOT, load_tool

check_imports = load_tool("check_imports")

CLEAN = {
    "__init__.py": "from pkg.api import run\nfrom pkg.data import load\n",
    "errors.py": "class Error(Exception):\n    pass\n",
    "data/__init__.py": "from pkg.data.loading import load\n",
    "data/loading.py": "from pkg.errors import Error\n\n\ndef load():\n    raise Error\n",
    "operators/__init__.py": "from pkg.data import loading\n",
    "pipeline/__init__.py": "",
    "pipeline/execute.py": "from pkg.data import load\nfrom pkg.operators import loading\n",
    "workspace/__init__.py": "from . import store\n",
    "workspace/store.py": "from ..pipeline import execute\n",
    "api/__init__.py": "from pkg.api.run import run\n",
    "api/run.py": ("from pkg.workspace import store\n\n\n"
                   "def run():\n    from pkg.pipeline.execute import load\n    return load\n"),
    "sklearn.py": "from pkg.api import run\n",
    "viz/__init__.py": "import pkg.api.run as runner\n",
    "cli.py": "def main():\n    from pkg import viz\n    return viz\n",
}


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def _with(changes: dict[str, str]) -> dict[str, str]:
    return {**CLEAN, **changes}


def test_a_clean_layered_package_passes(tmp_path: Path) -> None:
    assert check_imports.check(_package(tmp_path, CLEAN), exceptions=None) == []


def test_the_graph_holds_module_function_and_relative_imports(tmp_path: Path) -> None:
    imports = check_imports.collect(_package(tmp_path, CLEAN))
    edges = {(i.source, i.target, i.kind) for i in imports}
    assert ("pkg.api.run", "pkg.pipeline.execute", "function-level") in edges
    assert ("pkg.workspace.store", "pkg.pipeline.execute", "module-level") in edges
    assert ("pkg.workspace", "pkg.workspace.store", "module-level") in edges
    assert ("pkg.viz", "pkg.api.run", "module-level") in edges
    assert ("pkg.cli", "pkg.viz", "function-level") in edges


def test_a_cycle_is_caught_with_its_path(tmp_path: Path) -> None:
    package = _package(tmp_path, _with({"pipeline/state.py": "from pkg.pipeline import execute\n",
                                        "pipeline/execute.py": "from pkg.pipeline import state\n"}))
    failures = check_imports.check(package, exceptions=None)
    assert [line.splitlines()[0] for line in failures] == [
        "NEW pkg.pipeline.execute -> pkg.pipeline.state: cycle: "
        "pkg.pipeline.execute -> pkg.pipeline.state -> pkg.pipeline.execute",
        "NEW pkg.pipeline.state -> pkg.pipeline.execute: cycle: "
        "pkg.pipeline.state -> pkg.pipeline.execute -> pkg.pipeline.state",
    ]
    assert "pkg/pipeline/state.py:1 (module-level)" in failures[1]


def test_an_upward_module_level_edge_is_caught(tmp_path: Path) -> None:
    package = _package(tmp_path, _with(UPWARD))
    [failure] = check_imports.check(package, exceptions=None)
    assert failure.startswith("NEW pkg.data.extra -> pkg.pipeline.execute: upward: data "
                              "(layer 1) imports pipeline (layer 2)")
    assert failure.endswith("pkg/data/extra.py:1 (module-level)")


def test_an_upward_function_level_import_is_caught(tmp_path: Path) -> None:
    late = "def save():\n    from pkg.workspace.store import execute\n    return execute\n"
    package = _package(tmp_path, _with({"pipeline/late.py": late}))
    [failure] = check_imports.check(package, exceptions=None)
    assert failure.startswith("NEW pkg.pipeline.late -> pkg.workspace.store: upward: "
                              "pipeline (layer 2) imports workspace (layer 3)")
    assert failure.endswith("pkg/pipeline/late.py:2 (function-level)")


@pytest.mark.parametrize(("spelling", "kind"), [
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.api.run import run\n",
     "type-checking"),
    ("from .. import api\n", "module-level"),
    ("import pkg.api.run as r\n", "module-level"),
    ("import importlib\n\n\ndef f():\n    return importlib.import_module('pkg.api')\n",
     "dynamic"),
    ("class Lazy:\n    def go(self):\n        import pkg.api\n", "function-level"),
])
def test_every_spelling_of_an_upward_import_is_caught(tmp_path: Path, spelling: str,
                                                      kind: str) -> None:
    package = _package(tmp_path, _with({"data/extra.py": spelling}))
    [failure] = check_imports.check(package, exceptions=None)
    assert "upward: data (layer 1) imports api (layer 4)" in failure
    assert f"({kind})" in failure


def test_importing_the_package_root_from_inside_is_upward(tmp_path: Path) -> None:
    package = _package(tmp_path, _with({"workspace/store.py": "from pkg import __version__\n"}))
    failures = check_imports.check(package, exceptions=None)
    assert any(line.startswith("NEW pkg.workspace.store -> pkg: upward: workspace (layer 3) "
                               "imports the package root (layer 6)") for line in failures)


def test_a_module_outside_every_layer_fails(tmp_path: Path) -> None:
    package = _package(tmp_path, _with({"plugins/__init__.py": ""}))
    assert check_imports.check(package, exceptions=None) == [
        "NO LAYER pkg.plugins: add 'plugins' to LAYERS in tools/check_imports.py"]


def _exceptions(tmp_path: Path, entries: list[dict[str, str]]) -> Path:
    path = tmp_path / "import-exceptions.json"
    path.write_text(json.dumps({"exceptions": entries}))
    return path


# An upward edge from a module nobody imports: no cycle, only the layer order is broken.
UPWARD = {"data/extra.py": "from pkg.pipeline import execute\n"}
LISTED = {"from": "pkg.data.extra", "to": "pkg.pipeline.execute", "reason": "fixed later"}


def test_a_listed_offending_edge_passes(tmp_path: Path) -> None:
    package = _package(tmp_path, _with(UPWARD))
    assert check_imports.check(package, _exceptions(tmp_path, [LISTED])) == []


def test_a_listed_edge_that_is_gone_fails_so_the_list_only_shrinks(tmp_path: Path) -> None:
    package = _package(tmp_path, CLEAN)
    assert check_imports.check(package, _exceptions(tmp_path, [LISTED])) == [
        "STALE pkg.data.extra -> pkg.pipeline.execute (fixed later): this edge no longer "
        "offends; remove it from import-exceptions.json"]


def test_a_listed_edge_that_exists_but_no_longer_offends_is_stale(tmp_path: Path) -> None:
    fine = {"from": "pkg.workspace.store", "to": "pkg.pipeline.execute", "reason": "old cycle"}
    failures = check_imports.check(_package(tmp_path, CLEAN), _exceptions(tmp_path, [fine]))
    assert [line.split(" (")[0] for line in failures] == [
        "STALE pkg.workspace.store -> pkg.pipeline.execute"]


def test_a_new_edge_on_a_listed_cycle_is_still_caught(tmp_path: Path) -> None:
    cycle = {"pipeline/state.py": "from pkg.pipeline import execute\n",
             "pipeline/execute.py": "from pkg.pipeline import state\n"}
    listed = [{"from": "pkg.pipeline.state", "to": "pkg.pipeline.execute", "reason": "r"},
              {"from": "pkg.pipeline.execute", "to": "pkg.pipeline.state", "reason": "r"}]
    assert check_imports.check(_package(tmp_path, _with(cycle)),
                               _exceptions(tmp_path, listed)) == []
    grown = {**cycle, "pipeline/extra.py": "from pkg.pipeline import state\n",
             "pipeline/state.py": "from pkg.pipeline import execute, extra\n"}
    failures = check_imports.check(_package(tmp_path / "grown", _with(grown)),
                                   _exceptions(tmp_path, listed))
    assert sorted(line.split(":")[0] for line in failures) == [
        "NEW pkg.pipeline.extra -> pkg.pipeline.state",
        "NEW pkg.pipeline.state -> pkg.pipeline.extra"]


@pytest.mark.parametrize(("entries", "problem"), [
    ([{"from": "pkg.data.extra", "to": "pkg.pipeline.execute"}], "needs from, to and reason"),
    ([LISTED, LISTED], "is listed twice"),
])
def test_an_exception_needs_a_reason_and_is_listed_once(tmp_path: Path, entries, problem) -> None:
    failures = check_imports.check(_package(tmp_path, _with(UPWARD)),
                                   _exceptions(tmp_path, entries))
    assert any(problem in line for line in failures)


def test_main_prints_the_offending_edges_and_exits_one(tmp_path: Path, capsys) -> None:
    package = _package(tmp_path, _with(UPWARD))
    empty = _exceptions(tmp_path, [])
    assert check_imports.main(["check_imports.py", str(package), "--exceptions", str(empty)]) == 1
    out = capsys.readouterr().out
    assert "NEW pkg.data.extra -> pkg.pipeline.execute: upward" in out
    assert out.rstrip().endswith("0 known exception(s), 1 failure(s)")
    listed = _exceptions(tmp_path, [LISTED])
    assert check_imports.main(["check_imports.py", str(package), "--exceptions", str(listed)]) == 0


def test_the_library_has_no_new_cycle_or_upward_edge() -> None:
    assert check_imports.check(ROOT / "nirs4all") == []


def test_every_known_exception_names_the_issue_that_removes_it_or_is_documented() -> None:
    allowed, problems = check_imports.load_exceptions(check_imports.EXCEPTIONS)
    assert problems == []
    debts = {v for v in allowed.values() if not v.startswith("permanent: ")}
    assert debts <= {"fixed by issue 11.1"}
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for (source, target), reason in allowed.items():
        if reason.startswith("permanent: "):
            edge = f"`{source.removeprefix('nirs4all.')} -> {target.removeprefix('nirs4all.')}`"
            assert edge in architecture, f"permanent exception {edge} is not documented"


FACE = ("def __getattr__(name):\n    if name == 'Runner':\n"
        "        from pkg.api.run import run\n        return run\n"
        "    raise AttributeError(name)\n")


def _faces(tmp_path: Path, faces: list[dict]) -> Path:
    path = tmp_path / "exceptions.json"
    path.write_text(json.dumps({"exceptions": [], "faces": faces}))
    return path


def test_a_listed_getattr_face_is_not_an_upward_edge(tmp_path: Path) -> None:
    package = _package(tmp_path, _with({"data/__init__.py": FACE}))
    listed = _faces(tmp_path, [{"from": "pkg.data", "to": "pkg.api.run",
                                "reason": "0.x path pkg.data.Runner"}])
    assert check_imports.check(package, exceptions=listed) == []
    kinds = {i.kind for i in check_imports.collect(package) if i.source == "pkg.data"}
    assert kinds == {"face"}


def test_an_unlisted_face_and_a_stale_face_both_fail(tmp_path: Path) -> None:
    package = _package(tmp_path, _with({"data/__init__.py": FACE}))
    failures = check_imports.check(package, exceptions=_faces(tmp_path, []))
    assert len(failures) == 1
    assert failures[0].startswith("NEW FACE pkg.data -> pkg.api.run")
    stale = _faces(tmp_path, [{"from": "pkg.data", "to": "pkg.api.run", "reason": "x"},
                              {"from": "pkg.operators", "to": "pkg.api", "reason": "gone"}])
    failures = check_imports.check(package, exceptions=stale)
    assert [f.split(" (")[0] for f in failures] == ["STALE FACE pkg.operators -> pkg.api"]


def test_getattr_inside_a_class_is_an_ordinary_function_level_import(tmp_path: Path) -> None:
    method = ("class Lazy:\n    def __getattr__(self, name):\n"
              "        from pkg.api import run\n        return run\n")
    package = _package(tmp_path, _with({"data/lazy.py": method}))
    failures = check_imports.check(package, exceptions=_faces(tmp_path, []))
    assert any(f.startswith("NEW pkg.data.lazy -> pkg.api") for f in failures)


LAZY = ('_EXPORTS = {"load": "pkg.data.loading", "Runner": "pkg.api.run:run"}\n'
        "__getattr__, __dir__ = attach(__name__, _EXPORTS)\n")


def test_a_lazy_table_entry_pointing_up_the_layers_must_be_listed_as_a_face(tmp_path: Path,
                                                                           ) -> None:
    package = _package(tmp_path, _with({"data/__init__.py": LAZY}))
    kinds = {(i.target, i.kind) for i in check_imports.collect(package)
             if i.source == "pkg.data"}
    assert kinds == {("pkg.data.loading", "lazy"), ("pkg.api.run", "lazy")}
    failures = check_imports.check(package, exceptions=_faces(tmp_path, []))
    assert failures == [f for f in failures if f.startswith("NEW FACE pkg.data -> pkg.api.run")]
    assert len(failures) == 1  # the downward entry needs no listing
    listed = _faces(tmp_path, [{"from": "pkg.data", "to": "pkg.api.run",
                                "reason": "0.x path pkg.data.Runner"}])
    assert check_imports.check(package, exceptions=listed) == []
