"""Read-only queries on a store, returned as Arrow tables (``.to_pylist()`` gives dicts).

Filters are equality tests on named columns; a list or tuple value means "any of these".
Unknown filter names raise ``ValueError`` listing the accepted ones.

Queries written by callers (:func:`sql`, :class:`ReadOnlyConnection`) must be one
``SELECT`` statement (``WITH ... SELECT`` included), and run inside a ``READ ONLY``
transaction: DuckDB accepts data-modifying CTEs inside a ``SELECT``, so checking the
statement type alone would let ``WITH d AS (DELETE ... RETURNING *) SELECT ...`` through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from nirs4all.pipeline.records import PredictionRecord
from nirs4all.workspace._arrow import records_from_table
from nirs4all.workspace._faults import typed_faults
from nirs4all.workspace.errors import ReadOnlyQueryError
from nirs4all.workspace.schema import higher_is_better

__all__ = [
    "RUN_FILTER",
    "ReadOnlyConnection",
    "arrow",
    "chains",
    "pipelines",
    "prediction_records",
    "predictions",
    "runs",
    "sql",
    "top",
]

_CHAIN_FILTERS = ("chain_id", "pipeline_id", "dataset_hash", "model_name", "model_class",
                  "model_step", "metric", "branch_path")
_PREDICTION_FILTERS = ("pipeline_id", "chain_id", "fold_id", "partition", "refit_context",
                       "dataset_hash", "metric")
_PREDICTION_SUMMARY = ("pipeline_id", "chain_id", "fold_id", "partition", "refit_context",
                       "dataset_hash", "metric", "score", "scores", "n_samples", "created_at")
_CHAIN_ORDER = "dataset_hash, pipeline_id, model_step, branch_path, chain_id"
RUN_FILTER = ("EXISTS (SELECT 1 FROM pipelines AS r WHERE r.run_id = ? "
              "AND r.pipeline_id = {alias}.pipeline_id "
              "AND r.dataset_hash IS NOT DISTINCT FROM {alias}.dataset_hash)")
"""Rows of a table aliased ``alias`` (chains, predictions) written by one run."""
Params = Sequence[Any] | Mapping[str, Any] | None


def arrow(con: duckdb.DuckDBPyConnection, query: str, params: Params = None) -> pa.Table:
    """Run ``query`` with optional parameters and return the result as an Arrow table."""
    return con.sql(query, params=params).to_arrow_table()


_T = TypeVar("_T")


def _check_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    statements = con.extract_statements(query)
    if len(statements) != 1:
        raise ReadOnlyQueryError(f"{len(statements)} statements", query)
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise ReadOnlyQueryError(f"a {kind.name} statement", query)


def _read_only(con: duckdb.DuckDBPyConnection, query: str, run: Callable[[], _T]) -> _T:
    _check_read_only(con, query)
    con.execute("BEGIN TRANSACTION READ ONLY")
    try:
        return run()
    except duckdb.TransactionException as exc:
        if "read-only mode" in str(exc):
            raise ReadOnlyQueryError("a statement that writes", query) from None
        raise
    finally:
        con.execute("ROLLBACK")


def sql(con: duckdb.DuckDBPyConnection, query: str, params: Params = None) -> pa.Table:
    """Run one caller-written ``SELECT`` in a read-only transaction; return an Arrow table.

    Raises
    ------
    ReadOnlyQueryError
        If ``query`` is not exactly one ``SELECT`` statement, or writes anyway.
    """
    return _read_only(con, query, lambda: arrow(con, query, params))


class ReadOnlyConnection:
    """The store's connection as :attr:`Workspace.connection` hands it out: queries only.

    Both methods take one ``SELECT`` (see :func:`sql`); anything else raises
    :class:`~nirs4all.workspace.errors.ReadOnlyQueryError`.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, store_file: Path) -> None:
        self._con = con
        self._store_file = store_file

    def sql(self, query: str, params: Params = None) -> pa.Table:
        """The result as an Arrow table."""
        with typed_faults(self._store_file, "running a query"):
            return sql(self._con, query, params)

    def execute(self, query: str, parameters: Params = None) -> _Rows:
        """The result as rows of Python values (``.fetchall()``, ``.fetchone()``)."""
        def fetch() -> _Rows:
            cursor = self._con.execute(query, parameters)
            return _Rows(cursor.fetchall(), [d[0] for d in cursor.description or []])
        with typed_faults(self._store_file, "running a query"):
            return _read_only(self._con, query, fetch)


class _Rows:
    """Rows fetched inside the read-only transaction (DuckDB's result does not outlive it)."""

    def __init__(self, rows: list[tuple], columns: list[str]) -> None:
        self._rows = rows
        self._next = 0
        self.columns = columns

    def fetchall(self) -> list[tuple]:
        """The rows not fetched yet."""
        rest, self._next = self._rows[self._next:], len(self._rows)
        return rest

    def fetchone(self) -> tuple | None:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


def _where(filters: Mapping[str, Any], allowed: Sequence[str], alias: str,
           ) -> tuple[list[str], list[Any]]:
    # SQL text is assembled from our own column names and a fixed alias; every value the
    # caller gives is a bound parameter.
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in sorted(filters.items()):
        if name == "run_id":
            clauses.append(RUN_FILTER.format(alias=alias))
            params.append(value)
            continue
        if name not in allowed:
            raise ValueError(f"unknown filter {name!r}; filters are {sorted(allowed)} "
                             "and run_id")
        if name == "branch_path":
            clauses.append(f"{alias}.branch_path = ?::INTEGER[]")
            params.append([int(i) for i in value])
        elif isinstance(value, list | tuple | set | frozenset):
            clauses.append(f"list_contains(?, {alias}.{name})")
            params.append(sorted(value))
        elif value is None:
            clauses.append(f"{alias}.{name} IS NULL")
        else:
            clauses.append(f"{alias}.{name} = ?")
            params.append(value)
    return clauses, params


def _select(con: duckdb.DuckDBPyConnection, columns: str, table: str, clauses: list[str],
            params: list[Any], order: str) -> pa.Table:
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    query = f"SELECT {columns} FROM {table}{where} ORDER BY {order}"  # noqa: S608
    return arrow(con, query, params)


def runs(con: duckdb.DuckDBPyConnection, *, writer_alive: bool = True) -> pa.Table:
    """Every run, newest first.

    With ``writer_alive=False`` (a read-only connection: DuckDB grants one only while no
    process writes), a run still marked ``running`` is reported ``interrupted``, which is
    what the next writer will record.
    """
    columns = "*" if writer_alive else (
        "* REPLACE (CASE WHEN status = 'running' THEN 'interrupted' ELSE status END AS status)")
    return _select(con, columns, "runs", [], [], "created_at DESC, run_id")


def pipelines(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> pa.Table:
    """Pipeline passes (one row per run, variant, dataset and phase)."""
    clauses, params = (["run_id = ?"], [run_id]) if run_id is not None else ([], [])
    return _select(con, "*", "pipelines", clauses, params,
                   "created_at, pipeline_id, dataset_hash, phase")


def chains(con: duckdb.DuckDBPyConnection, **filters: Any) -> pa.Table:
    """Chains, filtered on ``chain_id``, ``pipeline_id``, ``dataset_hash``, ``model_name``,
    ``model_class``, ``model_step``, ``metric``, ``branch_path`` (a list of ints, matched
    structurally) or ``run_id``; sorted by dataset, pipeline, model step, branch, chain."""
    clauses, params = _where(filters, _CHAIN_FILTERS, "c")
    return _select(con, "c.*", "chains AS c", clauses, params, _CHAIN_ORDER)


def predictions(con: duckdb.DuckDBPyConnection, *, with_arrays: bool = False,
                **filters: Any) -> pa.Table:
    """Prediction rows, filtered on their key columns, ``dataset_hash``, ``metric``,
    ``refit_context`` or ``run_id``; arrays are included only with ``with_arrays``."""
    clauses, params = _where(filters, _PREDICTION_FILTERS, "p")
    columns = "p.*" if with_arrays else ", ".join(f"p.{c}" for c in _PREDICTION_SUMMARY)
    return _select(con, columns, "predictions AS p", clauses, params,
                   "pipeline_id, chain_id, fold_id, partition")


def prediction_records(con: duckdb.DuckDBPyConnection, **filters: Any,
                       ) -> list[PredictionRecord]:
    """Stored predictions rebuilt as records, bit for bit."""
    return records_from_table(predictions(con, with_arrays=True, **filters))


def top(con: duckdb.DuckDBPyConnection, n: int = 10, *, dataset_hash: str | None = None,
        metric: str | None = None) -> pa.Table:
    """The ``n`` best chains by pooled cross-validation score.

    Parameters
    ----------
    n : int
        How many chains.
    dataset_hash : str, optional
        Only chains of this dataset.
    metric : str, optional
        Rank by this metric (read from each chain's CV scores); by default each chain's own
        ranking metric, which must then be the same for every candidate.

    Raises
    ------
    ValueError
        If the candidates rank by different metrics and ``metric`` is not given.
    """
    clauses, params = _where({} if dataset_hash is None else {"dataset_hash": dataset_hash},
                             _CHAIN_FILTERS, "c")
    if metric is None:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        used = [m for (m,) in con.execute(
            f"SELECT DISTINCT metric FROM chains AS c{where} ORDER BY metric",  # noqa: S608
            params).fetchall()]
        if len(used) > 1:
            raise ValueError(f"chains rank by different metrics {used}; pass metric=")
        metric = used[0] if used else "rmse"
    direction = "DESC" if higher_is_better(metric) else "ASC"
    score = "c.cv_scores[?]"
    where = " AND ".join([*clauses, f"{score} IS NOT NULL", f"isfinite({score})"])
    query = (
        f"SELECT {score} AS score, ? AS score_metric, c.chain_id, c.pipeline_id, "  # noqa: S608
        "c.dataset_hash, c.model_name, c.model_class, c.branch_path, c.preprocessing, "
        f"c.cv_score, c.test_score, c.fold_ids FROM chains AS c WHERE {where} "
        f"ORDER BY score {direction}, c.chain_id LIMIT ?")
    return arrow(con, query, [metric, metric, *params, metric, metric, int(n)])
