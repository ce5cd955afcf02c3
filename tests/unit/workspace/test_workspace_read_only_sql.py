"""``Workspace.sql`` and ``Workspace.connection`` run one SELECT in a read-only transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_factories import make_outcome

import nirs4all.workspace
from nirs4all.workspace.errors import ReadOnlyQueryError

WRITES = [
    "DELETE FROM predictions",
    "UPDATE predictions SET score = 0",
    "INSERT INTO store_info VALUES ('k', 'v')",
    "DROP TABLE predictions",
    "CREATE TABLE evil (a INTEGER)",
    "ALTER TABLE predictions ADD COLUMN evil INTEGER",
    "ATTACH ':memory:' AS other",
    "COPY predictions TO '{tmp}/out.csv'",
    "COPY (SELECT 1) TO '{tmp}/out.csv'",
    "EXPORT DATABASE '{tmp}/dump'",
    "PRAGMA enable_checkpoint_on_shutdown",
    "SET threads = 1",
    "CHECKPOINT",
    "BEGIN TRANSACTION",
    "SELECT 1; DELETE FROM predictions",
    "SELECT count(*) FROM predictions; DROP TABLE runs",
    "WITH d AS (DELETE FROM predictions RETURNING *) SELECT count(*) FROM d",
    "WITH d AS (UPDATE runs SET name = 'x' RETURNING *) SELECT * FROM d",
    "",
]


@pytest.fixture
def stored(ws, run_id, dataset):
    ws.persist(run_id, make_outcome(dataset, with_final=True))
    ws.complete_run(run_id)
    return ws


def _counts(ws) -> tuple:
    return tuple(ws.sql(f"SELECT count(*) AS n FROM {table}").to_pylist()[0]["n"]  # noqa: S608
                 for table in ("predictions", "runs", "chains", "store_info"))


@pytest.mark.parametrize("query", WRITES)
def test_sql_and_connection_refuse_every_statement_that_could_write(stored, query,
                                                                    tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    query = query.format(tmp=out)
    before = _counts(stored)
    names = stored.sql("SELECT name FROM runs").to_pylist()
    for attempt in (stored.sql, stored.connection.sql, stored.connection.execute):
        with pytest.raises(ReadOnlyQueryError, match="refused"):
            attempt(query)
    assert _counts(stored) == before
    assert stored.sql("SELECT name FROM runs").to_pylist() == names
    assert not any(out.iterdir())


def test_the_connection_hands_out_no_raw_duckdb_object(stored):
    for name in ("begin", "cursor", "commit", "register", "table", "duckdb_connection"):
        assert not hasattr(stored.connection, name)
    with pytest.raises(AttributeError):
        stored.connection.execute("SELECT 1").execute("DELETE FROM predictions")


def test_select_and_with_queries_still_answer(stored):
    assert stored.sql("SELECT count(*) AS n FROM predictions").to_pylist()[0]["n"] == 8
    rows = stored.sql("WITH p AS (SELECT fold_id FROM predictions WHERE partition = ?) "
                      "SELECT DISTINCT fold_id FROM p ORDER BY 1", ["test"]).to_pylist()
    assert [r["fold_id"] for r in rows] == ["0", "1", "2", "final"]
    named = stored.sql("SELECT count(*) AS n FROM predictions WHERE fold_id = $f", {"f": "0"})
    assert named.to_pylist()[0]["n"] == 2
    result = stored.connection.execute("SELECT fold_id, count(*) FROM predictions "
                                       "GROUP BY 1 ORDER BY 1")
    assert result.fetchone() == ("0", 2)
    assert result.fetchall() == [("1", 2), ("2", 2), ("final", 2)]
    assert result.fetchone() is None


def test_a_refused_query_leaves_the_writer_able_to_write(stored, run_id, dataset):
    with pytest.raises(ReadOnlyQueryError):
        stored.sql("WITH d AS (DELETE FROM predictions RETURNING *) SELECT * FROM d")
    stored.begin_run("again", spec_json="[1]", datasets=[dataset], seed=1)
    assert stored.sql("SELECT count(*) AS n FROM runs").to_pylist()[0]["n"] == 2


def test_a_read_only_workspace_refuses_writes_the_same_way(stored, tmp_path: Path):
    stored.close()
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as reader:
        with pytest.raises(ReadOnlyQueryError):
            reader.sql("DELETE FROM predictions")
        assert reader.sql("SELECT count(*) AS n FROM predictions").to_pylist()[0]["n"] == 8
