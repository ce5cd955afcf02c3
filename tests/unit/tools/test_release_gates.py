"""The release gates themselves: each one fails when what it guards is broken."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_coverage = _load("check_coverage")


def _report(files: dict[str, tuple[int, int]]) -> dict:
    return {"files": {name: {"summary": {"covered_lines": c, "num_statements": t}}
                      for name, (c, t) in files.items()}}


def test_coverage_gate_fails_below_a_floor() -> None:
    report = _report({"nirs4all/pipeline/execute.py": (80, 100),
                      "nirs4all/pipeline/spec.py": (100, 100)})
    lines = check_coverage.check(report, {"nirs4all/pipeline/execute.py": 85,
                                          "nirs4all/pipeline/": 85})
    assert lines == ["ok   nirs4all/pipeline/: 90.0% (floor 85%)  (raise the floor)",
                     "FAIL nirs4all/pipeline/execute.py: 80.0% (floor 85%)"]


def test_coverage_gate_fails_when_a_floor_matches_no_file() -> None:
    lines = check_coverage.check(_report({"nirs4all/a.py": (1, 1)}), {"nirs4all/gone.py": 50})
    assert lines == ["FAIL nirs4all/gone.py: no file matches this floor"]


def test_floors_exist_for_the_critical_modules() -> None:
    import json

    floors = json.loads((ROOT / "tools" / "coverage-floors.json").read_text())
    for module in ("nirs4all/pipeline/execute.py", "nirs4all/workspace/store.py",
                   "nirs4all/workspace/resolver.py", "nirs4all/workspace/bundle.py"):
        assert floors[module] >= 85


def test_contract_suite_fails_when_a_contract_is_broken() -> None:
    # Break contract 2 (one fold-key dialect) in a child process and run its contract test.
    code = (
        "import sys, pytest\n"
        "import nirs4all.pipeline.folds as folds\n"
        "folds.fold_key = lambda index: f'fold_{index}'\n"
        f"sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', "
        f"{str(ROOT / 'tests' / 'contracts' / 'test_fold_keys.py')!r}]))\n"
    )
    broken = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert broken.returncode == 1, broken.stdout
    assert "failed" in broken.stdout
