"""The text tables of ``RunResult.summary()`` and of the ``nirs4all`` command.

A table is built from plain rows (:func:`chain_rows`), so ``--json`` prints the same fields
as the text. Every swept parameter has a column, also where the variant kept its default;
every refitted chain shows its test score, and a missing score says why (a footnote).
Columns are as wide as their widest cell, so long metric names such as
``balanced_accuracy`` keep the header over its column. A multi-dataset result gives one
table per dataset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from nirs4all.pipeline.folds import FINAL

__all__ = ["MISSING_REASONS", "chain_rows", "format_table", "render_summary"]

_PARAM_CHOICE = re.compile(r"\.([A-Za-z_]\w*)$")

MISSING_REASONS = {
    "not refitted": "only refitted chains have a test score; {hint} refits every chain",
    "no test rows": "the dataset has no test partition",
    "not computable": "the metric is undefined on the test rows (too few, or constant)",
}
"""Why a chain has no test score: the short mark of the table and its footnote."""

HINTS = {"python": "run(..., refit='all')", "cli": "--refit all"}


def _swept(choices: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The parameters a variant's generators chose, by parameter name (defaults included)."""
    out = {}
    for path, value in choices:
        found = _PARAM_CHOICE.search(path)
        if isinstance(value, Mapping):  # a _grid_ point or a dict merged by _or_
            out.update(_leaves(value))
        elif found and _scalar(value):
            out[found.group(1)] = value
    return out


def _leaves(mapping: Mapping) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            out.update(_leaves(value))
        elif _scalar(value):
            out[str(key)] = value
    return out


def _scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None


def _missing(summary: Any, has_test: bool) -> str | None:
    score = summary.test_score
    if isinstance(score, float) and math.isfinite(score):
        return None
    if FINAL not in summary.fold_ids:
        return "not refitted"
    return "no test rows" if not has_test else "not computable"


def chain_rows(result: Any, n: int, rank_by: str = "scan",
               ) -> dict[str, list[dict[str, Any]]]:
    """The ``n`` best chains of each dataset of a ``RunResult`` as plain rows, by name.

    Each row has ``rank, chain_id, model, preprocessing, metric, cv_score, test_score``,
    ``test_missing`` (None, or why there is no test score) and ``params`` (the swept
    parameters, defaults included).
    """
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, part in sorted(result.per_dataset.items()):
        has_test = any(p.partition == "test" for o in part.outcomes for p in o.predictions)
        rows = []
        for s in part.top(n, rank_by=rank_by):
            rows.append({
                "rank": s.rank, "chain_id": s.chain_id, "model": s.model_name,
                "preprocessing": s.preprocessing, "metric": s.metric,
                "cv_score": s.cv_score, "test_score": s.test_score,
                "test_missing": _missing(s, has_test), "params": _swept(s.choices),
            })
        tables[name] = rows
    return tables


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 right: Sequence[bool] | None = None) -> list[str]:
    """Lines of a table whose columns fit their widest cell (numbers right-aligned)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    right = right or [False] * len(headers)

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w)
                 for v, w, r in zip(values, widths, right, strict=True)]
        return "  ".join(parts).rstrip()
    return [line(list(headers)), *(line(r) for r in cells)]


def _table(rows: list[dict[str, Any]], style: str) -> list[str]:
    if not rows:
        return ["no chains"]
    metric = rows[0]["metric"]
    params = list(dict.fromkeys(k for r in rows for k in r["params"]))
    headers = ["#", "chain", f"cv {metric}", f"test {metric}", *params, "model",
               "preprocessing"]
    body = []
    for r in rows:
        test = r["test_score"] if r["test_missing"] is None else f"- ({r['test_missing']})"
        body.append([r["rank"], r["chain_id"][:10], r["cv_score"], test,
                     *(r["params"].get(p, "") for p in params), r["model"],
                     r["preprocessing"]])
    lines = format_table(headers, body, [True, False, True, True, *[True] * len(params),
                                         False, False])
    reasons = sorted({r["test_missing"] for r in rows if r["test_missing"]})
    lines += [f"  {reason}: {MISSING_REASONS[reason].format(hint=HINTS[style])}"
              for reason in reasons]
    return lines


def render_summary(result: Any, n: int = 10, *, style: str = "python",
                   notes: Mapping[str, str] | None = None, rank_by: str = "scan") -> str:
    """The text of :meth:`RunResult.summary`: a header, the notes, one table per dataset.

    ``style`` (``"python"`` or ``"cli"``) picks the spelling of hints.
    """
    lines = [f"run {result.name or '(unnamed)'}: {result.num_variants} variant(s), "
             f"{len(result.chains)} chain(s), seed {result.seed}"]
    lines.extend(f"note: {note}" for _, note in sorted((notes or {}).items()))
    if result.failures:  # how many failed, and why
        lines.append(f"{len(result.failures)} variant pass(es) failed:")
        lines.extend(f"  {o.name} ({o.phase}): {o.error}" for o in result.failures)
    tables = chain_rows(result, n, rank_by)
    for name, rows in tables.items():
        if len(tables) > 1:
            lines.append(f"dataset {name}:")
        lines.extend(_table(rows, style))
    return "\n".join(lines)
