"""An interrupted run resumes: the passes it stored are read back, only the rest is computed.

A child process runs a 16-variant pipeline into a workspace and is killed (SIGKILL) when
the ninth variant starts, after the first eight were written in one batch. Running the same
run again computes the eight missing variants and the refit, and gives the result of an
uninterrupted run, bit for bit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.operators.transforms import SNV

pytestmark = pytest.mark.skipif(not hasattr(os, "kill"), reason="needs os.kill")

N_VARIANTS, KILLED_AT, N_FOLDS = 16, 9, 3
# A Ridge sweep, not a PLS one: a component sweep fits its largest model once per fold for
# every variant (pipeline/sweep.py), so only a sweep without a nested parameter counts one
# fit per variant and fold, which is what the fit-count assertion below measures.
PIPELINE = [SNV(), KFold(N_FOLDS), {"model": Ridge, "_log_range_": [1e-4, 10, N_VARIANTS],
                                    "param": "alpha"}]

CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[1])
    import test_run_resume as case
    import nirs4all
    from nirs4all.pipeline import runner

    real, calls = runner.execute_variant, []

    def killed_on_the_ninth_variant(*args, **kwargs):
        calls.append(1)
        if len(calls) == case.KILLED_AT:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    runner.execute_variant = killed_on_the_ninth_variant
    nirs4all.run(case.PIPELINE, case.dataset(), random_state=0, verbose=0,
                 workspace=sys.argv[2])
""")


def dataset():
    return nirs4all.generate(60, random_state=4)


def _assert_same_result(resumed, full) -> None:
    assert [c.chain_id for c in resumed.chains] == [c.chain_id for c in full.chains]
    for a, b in zip(resumed.chains, full.chains, strict=True):
        assert (a.cv_scores, a.fold_scores, a.test_scores, a.fold_ids) == (
            b.cv_scores, b.fold_scores, b.test_scores, b.fold_ids)
    stored = {p.natural_key: p for p in resumed.predictions()}
    assert sorted(stored) == sorted(p.natural_key for p in full.predictions())
    for record in full.predictions():
        np.testing.assert_array_equal(stored[record.natural_key].y_pred, record.y_pred)


def test_a_killed_run_computes_only_its_missing_half_when_run_again(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.run([sys.executable, "-c", CHILD, str(Path(__file__).parent),
                            str(folder)], env=env, capture_output=True, timeout=300,
                           check=False)
    assert child.returncode == -9, child.stderr.decode()
    with nirs4all.workspace.open(folder) as ws:
        (run,) = ws.runs().to_pylist()
        assert run["status"] == "interrupted"
        stored = ws.completed_variants(run["run_id"])
    assert len(stored) == KILLED_AT - 1

    full = nirs4all.run(PIPELINE, dataset(), random_state=0, verbose=0, workspace=None)
    resumed = nirs4all.run(PIPELINE, dataset(), random_state=0, verbose=0, workspace=folder)
    assert resumed.run_id == run["run_id"]
    assert resumed.stats["restored"] == KILLED_AT - 1
    computed = [o for o in resumed.outcomes if not o.restored]
    assert len(computed) == N_VARIANTS - (KILLED_AT - 1) + 1  # the missing half + the refit
    assert {(o.pipeline_id, o.dataset_hash, o.phase) for o in computed}.isdisjoint(stored)
    # The restored variants' model fits (one per fold) are the only fits not made again.
    assert resumed.stats["fits"] == full.stats["fits"] - (KILLED_AT - 1) * N_FOLDS
    _assert_same_result(resumed, full)
    bundle = resumed.export(tmp_path / "best.n4a")
    replayed = nirs4all.predict(bundle, dataset().test).y_pred
    np.testing.assert_array_equal(replayed, full.predict(dataset().test).y_pred)
    with nirs4all.workspace.open(folder, read_only=True) as ws:
        assert ws.runs().to_pylist()[0]["status"] == "completed"
        assert ws.predictions().num_rows == full.num_predictions


class InterruptsOnce(RegressorMixin, BaseEstimator):
    """Least squares on the first column; its first fit ever raises KeyboardInterrupt.

    "Ever" is recorded in the file ``flag``, which worker processes see too.
    """

    def __init__(self, flag: str = "") -> None:
        self.flag = flag

    def fit(self, X, y):
        if not Path(self.flag).exists():
            Path(self.flag).touch()
            raise KeyboardInterrupt
        self.coef_ = np.polyfit(X[:, 0], y, 1)
        return self

    def predict(self, X):
        return np.polyval(self.coef_, X[:, 0])


def test_a_run_interrupted_from_the_keyboard_resumes_in_parallel(tmp_path: Path) -> None:
    def sweep(low: int, high: int) -> dict:
        return {"model": PLSRegression, "_range_": [low, high], "param": "n_components"}

    stop = InterruptsOnce(str(tmp_path / "interrupted"))
    pipeline = [SNV(), KFold(N_FOLDS), {"_or_": [sweep(1, 3), stop, sweep(4, 16)]}]
    with pytest.raises(KeyboardInterrupt):
        nirs4all.run(pipeline, dataset(), random_state=0, verbose=0, workspace=tmp_path)
    resumed = nirs4all.run(pipeline, dataset(), random_state=0, verbose=0,
                           workspace=tmp_path, n_jobs=2)
    # The three variants completed before the stop were written when the run stopped,
    # though they did not fill a batch.
    assert resumed.stats["restored"] == 3
    assert sum(not o.restored for o in resumed.outcomes) == 14 + 1
    full = nirs4all.run(pipeline, dataset(), random_state=0, verbose=0, workspace=None)
    _assert_same_result(resumed, full)


def test_rerunning_a_completed_run_computes_nothing(tmp_path: Path) -> None:
    first = nirs4all.run([*PIPELINE[:2], PLSRegression(3)], dataset(), random_state=0,
                         verbose=0, workspace=tmp_path)
    again = nirs4all.run([*PIPELINE[:2], PLSRegression(3)], dataset(), random_state=0,
                         verbose=0, workspace=tmp_path)
    assert again.stats["fits"] == 0
    assert again.stats["restored"] == 2  # the CV pass and the refit pass
    _assert_same_result(again, first)
