"""Crash safety: a writer killed with SIGKILL at random points never leaves a partial variant.

A forked child persists the outcomes of a run in a loop (open, begin_run, persist each
variant, complete_run, close, again) and is killed at a random moment; the parent then opens
the workspace and checks it: it opens cleanly, the interrupted run is marked, every completed
pipeline pass has all its predictions, nothing points at a missing row, every referenced
artifact file verifies. Some rounds start from an empty folder, so kills also land while the
schema is being created. Finally the run is completed without duplicates.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import nirs4all.workspace

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

ROUNDS = 24
FRESH_EVERY = 6


def _factories():
    name = "store_factories"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "unit" / "workspace" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _outcomes(f, dataset):
    out = []
    for variant in range(6):
        out.append(f.make_outcome(dataset, variant=variant, n_chains=1 + variant % 2))
        if variant % 3 == 0:
            out.append(f.make_outcome(dataset, variant=variant, phase="refit",
                                      n_chains=1 + variant % 2))
    return out


def _write_once(folder: Path, dataset, outcomes, spec: str) -> None:
    with nirs4all.workspace.open(folder) as ws:
        run_id = ws.begin_run("crash", spec_json=spec, datasets=[dataset], seed=0)
        for i in range(0, len(outcomes), 2):
            ws.persist(run_id, outcomes[i:i + 2])
        ws.complete_run(run_id)


def _write_forever(folder: Path, dataset, outcomes, spec: str) -> None:
    while True:
        _write_once(folder, dataset, outcomes, spec)


def _time_one_pass(folder: Path, dataset, outcomes, spec: str) -> float:
    """Seconds a forked writer takes for one full pass into a fresh folder, on this machine
    now: kills are spread over that span, so they land at many points whatever the load."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            _write_once(folder, dataset, outcomes, spec)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    return time.perf_counter() - start


def _check(folder: Path, expected: dict[tuple[str, str], int]) -> int:
    """Check the store after a kill; return how many pipeline passes it holds."""
    if not (folder / "store.duckdb").exists():
        return 0
    with nirs4all.workspace.open(folder) as ws:
        assert set(ws.runs().column("status").to_pylist()) <= {"interrupted", "completed"}
        passes = ws.pipelines().to_pylist()
        want: Counter[str] = Counter()
        for row in passes:
            assert row["status"] == "completed"
            assert row["n_predictions"] == expected[(row["pipeline_id"], row["phase"])]
            want[row["pipeline_id"]] += row["n_predictions"]
        stored = ws.sql("SELECT pipeline_id, count(*) AS n FROM predictions GROUP BY 1")
        assert dict(zip(*stored.to_pydict().values(), strict=True)) == dict(want)
        for orphans in (
            "SELECT count(*) FROM predictions ANTI JOIN chains USING (chain_id)",
            "SELECT count(*) FROM chains ANTI JOIN pipelines USING (pipeline_id)",
            "SELECT count(*) FROM (SELECT unnest(artifact_ids) AS artifact_id FROM chains) "
            "ANTI JOIN artifacts USING (artifact_id)",
        ):
            assert next(iter(ws.sql(orphans).to_pylist()[0].values())) == 0, orphans
        assert ws.verify_artifacts() == []
        return len(passes)


def test_kill_9_at_random_points_leaves_a_consistent_store(tmp_path):
    f = _factories()
    dataset = f.make_dataset()
    outcomes = _outcomes(f, dataset)
    expected = {(o.pipeline_id, o.phase): len(o.predictions) for o in outcomes}
    spec = f.spec_json(len(outcomes))
    with nirs4all.workspace.open(tmp_path / "warm-up") as ws:  # imports skops before forking
        ws.persist(ws.begin_run("warm", spec_json="{}", datasets=[dataset], seed=1),
                   outcomes[0])
    span = _time_one_pass(tmp_path / "timing", dataset, outcomes, spec)
    rng = random.Random(5)
    folder = tmp_path / "ws-0"
    seen: set[int] = set()
    for round_ in range(ROUNDS):
        if round_ % FRESH_EVERY == 0:
            folder = tmp_path / f"ws-{round_}"
        pid = os.fork()
        if pid == 0:  # child: write until killed, never return into pytest
            try:
                _write_forever(folder, dataset, outcomes, spec)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, span))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the writer died before it was killed"
        seen.add(_check(folder, expected))
    assert len(seen) >= 3, f"kills landed at too few distinct points: {sorted(seen)}"
    with nirs4all.workspace.open(folder) as ws:
        run_id = ws.begin_run("crash", spec_json=spec, datasets=[dataset], seed=0)
        for outcome in outcomes:
            ws.persist(run_id, outcome)
        ws.complete_run(run_id)
        total = ws.predictions().num_rows
        run = ws.runs().to_pylist()
        ws.gc()
        assert ws.verify_artifacts() == []
    assert total == sum(expected.values())
    assert [r["status"] for r in run] == ["completed"]
