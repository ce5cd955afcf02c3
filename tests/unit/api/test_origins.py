"""Where a run's datasets came from: a path is recorded absolute with its load hash, data
given in memory without a path."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

import nirs4all
from nirs4all.api._origins import data_origins
from nirs4all.api.runner_compat import DatasetConfigs


def test_a_list_of_a_folder_and_an_in_memory_dataset(tmp_path: Path, monkeypatch) -> None:
    nirs4all.generate(20, random_state=0, path=tmp_path / "wheat")
    monkeypatch.chdir(tmp_path)
    from_file = nirs4all.load_dataset("wheat")
    in_memory = nirs4all.generate(20, random_state=1)
    origins = data_origins(["wheat", in_memory], [from_file, in_memory],
                           [from_file, in_memory])
    assert origins == [
        {"dataset_hash": from_file.content_hash(), "path": str(tmp_path / "wheat"),
         "file_hash": from_file.content_hash()},
        {"dataset_hash": in_memory.content_hash(), "path": None,
         "file_hash": in_memory.content_hash()}]


def test_arrays_and_0x_configurations_record_no_path() -> None:
    data = nirs4all.generate(20, random_state=2)
    X, y = np.asarray(data.x()), np.asarray(data.y)
    assert data_origins([X, y], [data], [data])[0]["path"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        configs = DatasetConfigs([data, data])
    records = data_origins(configs, [data, data], [data, data])
    assert [r["path"] for r in records] == [None, None]
