"""The release gates themselves: each one fails when what it guards is broken."""

from __future__ import annotations

import subprocess
import sys

from gate_tools import ROOT


def test_ci_runs_every_gate_on_the_whole_tree() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in ("ruff check .", "python tools/check_sources.py",
                    "python tools/check_imports.py",
                    "python tools/check_coverage.py .ci-coverage.json"):
        assert command in script, f".ci/run no longer runs {command!r}"


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
