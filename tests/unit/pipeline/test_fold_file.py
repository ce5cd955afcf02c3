"""Folds read from a file: ``{"split": "folds.csv"}`` and JSON fold files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from executor_helpers import RecordingRegressor
from executor_helpers import execute as _execute
from sklearn.linear_model import Ridge

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.pipeline.runner import prepare_variants
from nirs4all.pipeline.spec import SpecError


@pytest.fixture
def dataset() -> SpectroDataset:
    rng = np.random.default_rng(0)
    ids = np.arange(100, 124)
    return SpectroDataset(FeatureSource("X", rng.normal(size=(24, 5))), rng.normal(size=24),
                          sample_ids=ids,
                          metadata={"sample": np.repeat(np.arange(12), 2).astype(str)})


def _csv(path: Path, ids, folds, header="sample_id,fold") -> str:
    lines = [header, *(f"{i},{f}" for i, f in zip(ids, folds, strict=True))]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_csv_fold_file_gives_exactly_its_folds(dataset, tmp_path) -> None:
    folds = [i % 3 for i in range(24)]
    path = _csv(tmp_path / "folds.csv", dataset.sample_ids[::-1], folds[::-1])
    executor, _, _ = _execute([{"split": path}, RecordingRegressor()], dataset)
    assert sorted(executor.rows.val) == ["0", "1", "2"]
    for k in range(3):
        expected = np.flatnonzero(np.array(folds) == k)
        np.testing.assert_array_equal(executor.rows.val[str(k)], expected)
        np.testing.assert_array_equal(executor.rows.fit[str(k)],
                                      np.setdiff1d(np.arange(24), expected))


def test_json_fold_file_and_csv_without_ids(dataset, tmp_path) -> None:
    ids = dataset.sample_ids
    (tmp_path / "folds.json").write_text(json.dumps(
        {"folds": [ids[:8].tolist(), ids[8:].tolist()]}))
    executor, _, _ = _execute([{"split": str(tmp_path / "folds.json")}, Ridge()], dataset)
    np.testing.assert_array_equal(executor.rows.val["0"], np.arange(8))
    (tmp_path / "plain.csv").write_text("fold\n" + "\n".join(["0", "1"] * 12) + "\n")
    executor, _, _ = _execute([{"split": str(tmp_path / "plain.csv")}, Ridge()], dataset)
    np.testing.assert_array_equal(executor.rows.val["1"], np.arange(1, 24, 2))


def test_the_folds_not_the_path_are_the_pipelines_identity(dataset, tmp_path) -> None:
    path = _csv(tmp_path / "folds.csv", dataset.sample_ids, [i % 2 for i in range(24)])
    first = prepare_variants([{"split": path}, Ridge()], seed=0, max_variants=10)[0]
    _csv(tmp_path / "folds.csv", dataset.sample_ids, [i % 3 for i in range(24)])
    second = prepare_variants([{"split": path}, Ridge()], seed=0, max_variants=10)[0]
    assert first.pipeline_id != second.pipeline_id
    assert '"folds":[0,1,2' in second.spec_json
    result = nirs4all.run([{"split": path}, Ridge()], dataset, random_state=0, verbose=0,
                          workspace=None)
    assert result.chains[0].fold_ids == ("0", "1", "2", "final")


@pytest.mark.parametrize(("content", "match"), [
    ("sample_id,fold\n100,0\n", "have no fold, e.g. sample_id '101'"),
    ("sample_id,group\n100,0\n", "needs a 'fold' column"),
    ("sample_id,fold\n100,x\n", "line 2: fold 'x' is not an integer"),
    ("sample_id,fold\n100,0\n100,1\n", "appears on two lines"),
])
def test_bad_fold_files_name_the_fault(dataset, tmp_path, content, match) -> None:
    (tmp_path / "folds.csv").write_text(content)
    with pytest.raises(SpecError, match=match):
        _execute([{"split": str(tmp_path / "folds.csv")}, Ridge()], dataset)


def test_missing_fold_file_and_repetitions_across_folds_are_refused(dataset, tmp_path) -> None:
    with pytest.raises(SpecError, match="does not exist"):
        _execute([{"split": str(tmp_path / "nope.csv")}, Ridge()], dataset)
    path = _csv(tmp_path / "folds.csv", dataset.sample_ids, [i % 2 for i in range(24)])
    with pytest.raises(SpecError, match="repetitions of sample '0'"):
        _execute([{"split": path}, Ridge()], dataset.with_repetition("sample"))
