"""Chains grouped on a grid of two keys (preprocessing, model, a generator choice)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.pipeline.metrics import is_better

if TYPE_CHECKING:
    from nirs4all.viz._types import ResultView, SummaryView

__all__ = ["CHAIN_KEYS", "infer_columns", "last_segment", "resolve_key", "score_grid"]

CHAIN_KEYS = {"preprocessing": "Preprocessing", "model_name": "Model",
              "model_class": "Model class", "dataset": "Dataset"}
"""Chain fields a grid can group by, with their axis labels."""
_UNSET = "(not set)"


def last_segment(path: str) -> str:
    """``"n_components"`` for ``"steps[2].model.n_components"``."""
    return path.rsplit(".", 1)[-1]


def resolve_key(key: str, summaries: Sequence[SummaryView]) -> str:
    """The choice path (or chain field) that ``key`` names: exact, or by its last segment."""
    if key in CHAIN_KEYS:
        return key
    paths = list(dict.fromkeys(path for s in summaries for path, _ in s.choices))
    if key in paths:
        return key
    matches = [path for path in paths if last_segment(path) == key]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"{key!r} matches several generator choices {matches}; pass one of "
                         "these paths")
    raise ValueError(f"cannot group chains by {key!r}: use one of {sorted(CHAIN_KEYS)} or a "
                     f"generator choice path {paths} (or its last segment)")


def infer_columns(summaries: Sequence[SummaryView], rows: str) -> str:
    """The first swept model parameter (a choice path ending in a name), else the model."""
    paths = list(dict.fromkeys(path for s in summaries for path, _ in s.choices))
    for path in paths:
        values = {_label(v) for s in summaries for p, v in s.choices if p == path}
        if path != rows and last_segment(path).isidentifier() and len(values) > 1:
            return path
    return "model_name"


def _value(summary: SummaryView, key: str) -> Any:
    if key in CHAIN_KEYS:
        return getattr(summary, key) or "(none)"
    return next((v for p, v in summary.choices if p == key), _UNSET)


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return value if isinstance(value, str) else repr(value)


def _categories(values: Sequence[Any]) -> list[str]:
    """Distinct labels of the values: numbers ascending, others in order of appearance."""
    labels = [_label(v) for v in values]
    distinct = list(dict.fromkeys(labels))
    if all(isinstance(v, Real) and not isinstance(v, bool) for v in values):
        number = dict(zip(labels, values, strict=True))
        return sorted(distinct, key=number.__getitem__)
    return distinct


def score_grid(result: ResultView, rows: str, cols: str, metric: str,
               partition: str = "val") -> tuple[list[str], list[str], np.ndarray, int]:
    """Chains' ``metric`` on a grid of ``rows`` x ``cols`` values.

    ``partition="val"`` reads the pooled CV scores, ``"test"`` the refitted models' test
    scores.

    Returns the row labels, the column labels, the grid (NaN where no chain ran) and how
    many chains lost their cell to a better chain with the same two values. Rows and
    columns follow the order the generator produced the variants in (numbers ascending).
    """
    order = {o.pipeline_id: i for i, o in reversed(list(enumerate(result.outcomes)))}
    summaries = sorted(result.top(len(result.chains)),
                       key=lambda s: (order.get(s.pipeline_id, 0), s.branch_path))
    row_values = [_value(s, rows) for s in summaries]
    col_values = [_value(s, cols) for s in summaries]
    row_labels, col_labels = _categories(row_values), _categories(col_values)
    grid = np.full((len(row_labels), len(col_labels)), np.nan)
    hidden = 0
    for summary, r, c in zip(summaries, row_values, col_values, strict=True):
        i, j = row_labels.index(_label(r)), col_labels.index(_label(c))
        scores = summary.cv_scores if partition == "val" else summary.test_scores
        value = float(scores.get(metric, math.nan))
        if not math.isnan(grid[i, j]):
            hidden += 1
            if not is_better(metric, value, grid[i, j]):
                continue
        grid[i, j] = value
    return row_labels, col_labels, grid, hidden
