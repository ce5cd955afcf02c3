"""The banned-pattern gates (ruff's banned-api plus tools/check_sources.py) on tricky spellings.

Every file in ``tricky_spellings/`` holds one way of writing a banned pattern. Together the
two gates must catch each one, and the table below says which gate catches it under which
resolved name, so a gate that stops resolving an alias fails here by name.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gate_tools import ROOT, load_tool

check_sources = load_tool("check_sources")

SPELLINGS = ROOT / "tests" / "unit" / "tools" / "tricky_spellings"
RUFF = ("ruff",)
AST = ("ast",)

# file -> {(gate, resolved name)}
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "pickle_loads_from_import_alias.py": {("ruff", "pickle.loads")},
    "pickle_module_alias.py": {("ruff", "pickle.load")},
    "joblib_load_alias.py": {("ruff", "joblib.load")},
    "numpy_seed_through_np_alias.py": {("ruff", "numpy.random.seed")},
    "numpy_random_from_import.py": {("ruff", "numpy.random.seed")},
    "random_seed_from_import.py": {("ruff", "random.seed")},
    "logging_alias_basicconfig.py": {("ruff", "logging.basicConfig")},
    "deepcopy_from_import.py": {("ruff", "copy.deepcopy")},
    "sklearn_private_from_import.py": {("ruff", "sklearn.utils._param_validation"),
                                       ("ast", "sklearn.utils._param_validation")},
    "sklearn_private_module_import.py": {("ruff", "sklearn.utils._testing"),
                                         ("ast", "sklearn.utils._testing")},
    "sklearn_private_outside_utils.py": {("ast", "sklearn.base._fit_context")},
    "dunder_import_pickle.py": {("ast", "pickle")},
    "import_module_pickle.py": {("ast", "pickle")},
    "dunder_import_numpy_random_fromlist.py": {("ast", "numpy.random")},
    "getattr_pickle_loads.py": {("ast", "pickle.loads")},
    "numpy_load_allow_pickle.py": {("ast", "numpy.load")},
    "root_logger_no_arguments.py": {("ast", "logging.getLogger")},
    "root_logger_empty_name.py": {("ast", "logging.getLogger")},
    "root_logger_name_none.py": {("ast", "logging.getLogger")},
    "root_logger_through_logger_root.py": {("ast", "logging.root")},
    "warnings_filter_at_module_level.py": {("ast", "warnings.simplefilter")},
    "warnings_filter_alias_under_if.py": {("ast", "warnings.filterwarnings")},
    "warnings_filter_in_class_body.py": {("ast", "warnings.filterwarnings")},
    "warnings_filter_in_helper_called_at_import.py": {("ast", "warnings.simplefilter")},
    "stream_handler_at_import.py": {("ast", "addHandler")},
    "environment_set_at_import.py": {("ast", "os.environ")},
    "allowed_spellings.py": set(),
}


def _ruff_findings(paths: list[Path]) -> dict[str, set[tuple[str, str]]]:
    """TID251 findings per file name, with the repository's banned-api list.

    The fixtures sit under ``tests/``, where the banned APIs are otherwise allowed, and are
    excluded from the normal run; both settings are switched off for this explicit check.
    """
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    command = [ruff, "check", "--no-cache", "--select", "TID251", "--output-format", "json",
               "--config", str(ROOT / "pyproject.toml"), "--config", "lint.per-file-ignores = {}",
               "--exit-zero", *map(str, paths)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    found: dict[str, set[tuple[str, str]]] = {}
    for finding in json.loads(out):
        name = finding["message"].split("`")[1]
        found.setdefault(Path(finding["filename"]).name, set()).add(("ruff", name))
    return found


def _caught() -> dict[str, set[tuple[str, str]]]:
    caught = _ruff_findings(sorted(SPELLINGS.glob("*.py")))
    for offence in check_sources.offences(SPELLINGS):
        caught.setdefault(Path(offence.path).name, set()).add(("ast", offence.name))
    return caught


@pytest.fixture(scope="module")
def caught() -> dict[str, set[tuple[str, str]]]:
    return _caught()


def test_every_fixture_file_has_an_expectation() -> None:
    assert sorted(path.name for path in SPELLINGS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("spelling", sorted(EXPECTED))
def test_each_tricky_spelling_is_caught_by_name(caught, spelling: str) -> None:
    assert caught.get(spelling, set()) == EXPECTED[spelling]


@pytest.mark.parametrize("source", [
    "from pickle import loads as l\n",
    "import pickle as p\np.load(f)\n",
    "import numpy as np\nnp.random.seed(0)\n",
    "from numpy import random\nrandom.seed(1)\n",
    "from copy import deepcopy\n",
    "import logging as L\nL.basicConfig()\n",
])
def test_ruff_is_what_catches_the_aliased_imports(source: str) -> None:
    # The AST check leaves these to ruff: two gates reporting the same line would hide a
    # regression of either one.
    assert check_sources.check_source(source, "module.py") == []


def test_the_ast_check_reads_the_banned_list_from_ruffs_configuration() -> None:
    banned = check_sources.banned_api()
    assert {"pickle.loads", "joblib.load", "copy.deepcopy", "numpy.random.seed",
            "sklearn.utils._param_validation"} <= banned
    found = check_sources.check_source('__import__("shelve")\n', "m.py",
                                       banned=frozenset({"shelve.open"}))
    assert [(o.code, o.name) for o in found] == [("N4A003", "shelve")]


def test_offences_name_file_line_and_column(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("import logging\n\n\ndef f():\n    logging.getLogger('').info('x')\n")
    [offence] = check_sources.offences(module)
    assert str(offence).endswith("module.py:5:5: N4A001 root logger: log to "
                                 "logging.getLogger(__name__) instead")


def test_a_null_handler_is_the_one_thing_allowed_at_import() -> None:
    source = ("import logging\n"
              "logging.getLogger('nirs4all').addHandler(logging.NullHandler())\n"
              "logging.getLogger('nirs4all').setLevel(10)\n")
    found = check_sources.check_source(source, "m.py")
    assert [(o.line, o.name) for o in found] == [(3, "setLevel")]


def test_function_bodies_run_later_so_they_may_set_filters() -> None:
    source = ("import warnings\n\n"
              "def quiet():\n    warnings.simplefilter('ignore')\n\n"
              "handler = lambda: warnings.simplefilter('ignore')\n")
    assert check_sources.check_source(source, "m.py") == []


def test_defaults_and_decorators_run_at_import() -> None:
    source = ("import warnings\n\n"
              "def f(x=warnings.simplefilter('ignore')):\n    return x\n")
    assert [o.line for o in check_sources.check_source(source, "m.py")] == [3]


def test_main_exits_one_and_lists_the_offences(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.py").write_text("import warnings\nwarnings.filterwarnings('ignore')\n")
    (tmp_path / "good.py").write_text("x = 1\n")
    assert check_sources.main(["check_sources.py", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.py:2:1: N4A002 warnings.filterwarnings at import time" in out
    assert "source check: 1 offence(s)" in out
    assert check_sources.main(["check_sources.py", str(tmp_path / "good.py")]) == 0


def test_the_library_passes_both_source_gates() -> None:
    assert check_sources.offences(ROOT / "nirs4all") == []
    assert _ruff_findings([ROOT / "nirs4all"]) == {}
