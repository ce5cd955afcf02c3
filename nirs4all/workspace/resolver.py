"""Resolution of a chain from a selector (contract 10; the audit's G1-03).

The store is the one source of truth: a selector is turned into a SQL filter, every chain
that matches is fetched, and candidates are sorted by explicit keys (dataset hash, pipeline
id, model step, branch path, chain id). Exactly one candidate is an answer; none raises
:class:`~nirs4all.workspace.errors.ChainNotFoundError`; several raise
:class:`~nirs4all.workspace.errors.AmbiguousSelectorError` listing them. There is no "first
candidate" fallback. Branch paths are compared as lists of integers, never as JSON text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import duckdb

from nirs4all.pipeline.records import ChainRecord
from nirs4all.pipeline.selection import check_selector
from nirs4all.workspace._chains import chain_record
from nirs4all.workspace.errors import AmbiguousSelectorError, ChainNotFoundError
from nirs4all.workspace.queries import RUN_FILTER, arrow

__all__ = ["SELECTOR_FIELDS", "resolve_chain"]

logger = logging.getLogger(__name__)

SELECTOR_FIELDS = ("chain_id", "pipeline_id", "dataset_hash", "run_id", "model_name",
                   "model_class", "model_step", "branch_path")
"""Keys a selector mapping may hold. Identities accept a prefix of at least 4 hex digits
(the policy of :mod:`nirs4all.pipeline.selection`, applied here in SQL)."""

_IDENTITIES = ("chain_id", "pipeline_id", "dataset_hash")


def _branch_path(value: Any) -> list[int]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise TypeError(f"branch_path is a list of ints such as [0, 1]; got {value!r}")
    path = list(value)
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in path):
        raise TypeError(f"branch_path is a list of ints such as [0, 1]; got {value!r}")
    return path


def _clauses(selector: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    unknown = sorted(set(selector) - set(SELECTOR_FIELDS))
    if unknown:
        raise ValueError(f"unknown selector fields {unknown}; use {list(SELECTOR_FIELDS)}")
    clauses: list[str] = []
    params: list[Any] = []
    for name in SELECTOR_FIELDS:
        if name not in selector:
            continue
        value = selector[name]
        if name in _IDENTITIES:
            check_selector(value, name)
            clauses.append(f"starts_with(c.{name}, ?)")
            params.append(value)
        elif name == "run_id":
            clauses.append(RUN_FILTER.format(alias="c"))
            params.append(value)
        elif name == "branch_path":
            clauses.append("c.branch_path = ?::INTEGER[]")
            params.append(_branch_path(value))
        elif name == "model_class" and "." not in str(value):
            clauses.append("(c.model_class = ? OR ends_with(c.model_class, '.' || ?))")
            params.extend([value, value])
        else:
            clauses.append(f"c.{name} = ?")
            params.append(value)
    return clauses, params


def _describe(row: Mapping[str, Any]) -> str:
    dataset = (row["dataset_hash"] or "unknown")[:10]
    return (f"chain {row['chain_id'][:10]}  pipeline {row['pipeline_id'][:10]}  dataset "
            f"{dataset}  step {row['model_step']}  branch {list(row['branch_path'])}  "
            f"model {row['model_name']}")


def resolve_chain(con: duckdb.DuckDBPyConnection,
                  selector: str | Mapping[str, Any]) -> ChainRecord:
    """Return the one stored chain a selector designates.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection to the store.
    selector : str or mapping
        A chain id (or a prefix of at least 4 hex digits), or a mapping of
        :data:`SELECTOR_FIELDS` to values: identities match by prefix, ``model_class``
        by dotted path or bare class name, ``branch_path`` as a list of ints.

    Returns
    -------
    ChainRecord
        The chain; each step's ``artifacts`` maps fold keys to artifact ids.

    Raises
    ------
    ChainNotFoundError
        If nothing matches.
    AmbiguousSelectorError
        If more than one chain matches; the error lists them in sorted order.
    """
    fields = {"chain_id": selector} if isinstance(selector, str) else dict(selector)
    clauses, params = _clauses(fields)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = arrow(
        con,
        f"SELECT c.* FROM chains AS c{where} "  # noqa: S608
        "ORDER BY c.dataset_hash NULLS LAST, c.pipeline_id, c.model_step, c.branch_path, "
        "c.chain_id", params).to_pylist()
    if not rows:
        raise ChainNotFoundError(f"no chain matches {selector!r}")
    if len(rows) > 1:
        logger.info("ambiguous chain selector", extra={"selector": repr(selector),
                                                       "candidates": len(rows)})
        raise AmbiguousSelectorError(selector, [_describe(r) for r in rows])
    logger.debug("chain resolved", extra={"selector": repr(selector),
                                          "chain_id": rows[0]["chain_id"]})
    return chain_record(rows[0])
