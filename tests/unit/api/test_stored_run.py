"""A stored run read back from its workspace equals the result the run returned."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import nirs4all
from nirs4all import workspace
from nirs4all.api.stored_run import load_run, read_stored_run, resolve_run
from nirs4all.errors import AmbiguousRunError, RunNotFoundError

PIPELINE = ("- SNV\n- {class: KFold, params: {n_splits: 3}}\n"
            "- model: PLSRegression\n  _range_: [2, 6, 2]\n  param: n_components\n")


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("stored_run")
    data, ws = folder / "wheat", folder / "ws"
    nirs4all.generate(48, random_state=3, path=data, name="wheat")
    (folder / "p.yaml").write_text(PIPELINE)
    first = nirs4all.run(folder / "p.yaml", str(data), random_state=0, verbose=0,
                         workspace=ws, refit="all")
    in_memory = nirs4all.generate(40, random_state=4, name="rice")
    second = nirs4all.run(folder / "p.yaml", in_memory, random_state=1, verbose=0,
                          workspace=ws)
    return {"folder": folder, "data": data, "ws": ws, "first": first, "second": second,
            "rice": in_memory}


def test_a_stored_run_ranks_its_chains_as_the_run_did(stored) -> None:
    original = stored["first"]
    loaded = load_run(stored["ws"], original.run_id)
    assert (loaded.run_id, loaded.seed) == (original.run_id, 0)
    assert loaded.datasets == original.datasets
    assert loaded.num_variants == original.num_variants == 3
    expected = [(s.chain_id, s.cv_score, s.test_score) for s in original.top(3)]
    assert [(s.chain_id, s.cv_score, s.test_score) for s in loaded.top(3)] == expected
    assert loaded.num_predictions == original.num_predictions
    assert loaded.stats["variants"] == original.stats["variants"]


def test_a_stored_run_predicts_with_the_stored_models(stored) -> None:
    data = nirs4all.load_dataset(stored["data"])
    original, loaded = stored["first"], load_run(stored["ws"], stored["first"].run_id)
    for summary in original.top(3):
        np.testing.assert_array_equal(loaded.predict(data, chain=summary.chain_id).y_pred,
                                      original.predict(data, chain=summary.chain_id).y_pred)


def test_a_prefix_names_the_run_and_latest_is_the_newest_completed(stored) -> None:
    first, second = stored["first"], stored["second"]
    assert load_run(stored["ws"], first.run_id[:6]).run_id == first.run_id
    assert load_run(stored["ws"]).run_id == second.run_id
    assert load_run(stored["ws"], "latest").run_id == second.run_id


def test_an_unknown_or_malformed_run_is_refused(stored) -> None:
    unknown = next(p for p in ("0000", "ffff", "abcd")
                   if not any(r.startswith(p) for r in (stored["first"].run_id,
                                                        stored["second"].run_id)))
    with pytest.raises(RunNotFoundError, match="nirs4all workspace runs"):
        load_run(stored["ws"], unknown)
    with pytest.raises(ValueError, match="run_id must be 4 to 64 lowercase hex"):
        load_run(stored["ws"], "not-a-run")


def test_an_empty_workspace_has_no_latest_run(tmp_path: Path) -> None:
    workspace.open(tmp_path / "ws").close()
    with pytest.raises(RunNotFoundError, match="no completed run"):
        load_run(tmp_path / "ws")


class _Rows:
    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def to_pylist(self) -> list[dict]:
        return self.rows


class _TwoRuns:
    """A store whose two run ids share their first digits."""

    def sql(self, query: str, params: list) -> _Rows:
        return _Rows([{"run_id": "abcd" + "0" * 60, "status": "completed", "name": "a"},
                      {"run_id": "abcd" + "1" * 60, "status": "failed", "name": "b"}])


def test_a_prefix_of_two_runs_is_ambiguous_and_lists_them() -> None:
    with pytest.raises(AmbiguousRunError, match="matches 2 runs") as caught:
        resolve_run(_TwoRuns(), "abcd")  # type: ignore[arg-type]
    assert len(caught.value.candidates) == 2
    assert resolve_run(_TwoRuns(), "abcd" + "1" * 60)["name"] == "b"  # a full id is exact


def test_the_run_records_where_each_dataset_came_from(stored) -> None:
    first = read_stored_run(stored["ws"], stored["first"].run_id)
    (origin,) = first.origins.values()
    assert origin["path"] == str(stored["data"].resolve())
    assert origin["file_hash"] == nirs4all.load_dataset(stored["data"]).content_hash()
    assert set(first.origins) == set(stored["first"].datasets)
    second = read_stored_run(stored["ws"], stored["second"].run_id)
    assert [o["path"] for o in second.origins.values()] == [None]
    config = json.loads(second.row["config"])
    assert config["data"][0]["dataset_hash"] == stored["rice"].content_hash()
    assert second.datasets[stored["rice"].content_hash()]["n_samples"] == 40
