"""One self-contained HTML report of a run (optional: ``pip install "nirs4all[viz]"``).

:func:`write_report` writes a single file that needs no network: the figures are PNG images
inlined as base64 ``data:`` URIs, the style sheet and the table-sorting script are inline.
It holds, for each dataset: its summary (samples, partitions, task, axes, hash), the
ranking table (click a header to sort), the CV heatmap (preprocessing x swept parameter),
predicted vs observed, residuals (regression) and fold scores of the best chains, and the
mean spectra before and after the best chain's preprocessing (when the dataset is given);
then the run's counters and seed.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.api._tables import chain_rows
from nirs4all.pipeline.folds import FINAL
from nirs4all.viz._figure import new_figure
from nirs4all.viz._predictions import plot_predicted_vs_observed, plot_residuals
from nirs4all.viz._scores import plot_cv_heatmap, plot_fold_scores

__all__ = ["write_report"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0}td,th{padding:.25em .7em;border:1px solid #ddd}
th{background:#f3f3f3;text-align:left}table.ranking th{cursor:pointer}
td.num{text-align:right;font-variant-numeric:tabular-nums}.note{color:#666}
.figures{display:flex;flex-wrap:wrap;gap:1em}.figures img{max-width:520px;height:auto}
code{background:#f5f5f5;padding:0 .2em}
"""

_SORT_SCRIPT = """
document.querySelectorAll("table.ranking").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute("data-order") !== "asc";
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-value") || a.cells[col].textContent;
        var y = b.cells[col].getAttribute("data-value") || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? cmp : -cmp;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      th.setAttribute("data-order", up ? "asc" : "desc");
    });
  });
});
"""


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(fig: Any, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'


def _esc(value: Any) -> str:
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.6g}"
    return html.escape(str(value))


def _kv_table(pairs: Sequence[tuple[str, Any]], css: str = "") -> str:
    rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in pairs)
    return f'<table class="{css}">{rows}</table>'


def _dataset_section(result: Any, digest: str, dataset: Any,
                     described: Mapping[str, Any]) -> str:
    training = result.training.get(digest)
    pairs: list[tuple[str, Any]] = [("dataset_hash", digest)]
    if dataset is not None:
        n_test = int(np.count_nonzero(dataset.partition == "test"))
        pairs += [("samples", dataset.n_samples), ("train", dataset.n_samples - n_test),
                  ("test", n_test)]
    elif "n_samples" in described:  # a stored run: the counts of its dataset row
        pairs += [("samples", described["n_samples"]), ("train", described["n_train"]),
                  ("test", described["n_test"])]
    if training is not None:
        pairs.append(("task", training.task))
        for name, axis, unit in training.sources:
            span = f"{axis[0]:g} .. {axis[-1]:g} {unit}" if len(axis) else "no axis"
            pairs.append((f"source {name}", f"{len(axis)} wavelengths, {span}"))
    return _kv_table(pairs, "dataset")


def _ranking(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="note">no chains</p>'
    metric = rows[0]["metric"]
    params = list(dict.fromkeys(k for r in rows for k in r["params"]))
    heads = ["rank", "chain", f"cv {metric}", f"test {metric}", *params, "model",
             "preprocessing"]
    head = "".join(f"<th>{_esc(h)}</th>" for h in heads)
    body = []
    for r in rows:
        test = (_esc(r["test_score"]) if r["test_missing"] is None
                else f'<span class="note">- ({_esc(r["test_missing"])})</span>')
        cells = [f'<td class="num">{r["rank"]}</td>',
                 f'<td><code>{_esc(r["chain_id"][:10])}</code></td>',
                 f'<td class="num">{_esc(r["cv_score"])}</td>',
                 f'<td class="num" data-value="{_esc(r["test_score"])}">{test}</td>',
                 *(f'<td class="num">{_esc(r["params"].get(p, ""))}</td>' for p in params),
                 f'<td>{_esc(r["model"])}</td>', f'<td>{_esc(r["preprocessing"])}</td>']
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table class="ranking"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _chain_figures(part: Any, summary: Any, regression: bool) -> str:
    partition = "test" if FINAL in summary.fold_ids and np.isfinite(summary.test_score) \
        else "val"
    figures = [_img(plot_predicted_vs_observed(part, summary.chain_id, partition=partition,
                                               figsize=(5.0, 5.0)),
                    f"predicted vs observed {summary.short_id}")]
    if regression:
        figures.append(_img(plot_residuals(part, summary.chain_id, partition=partition,
                                           figsize=(6.0, 4.0)), f"residuals {summary.short_id}"))
    if len([f for f in summary.fold_ids if f != FINAL]) > 1:
        figures.append(_img(plot_fold_scores(part, summary.chain_id, figsize=(5.5, 3.6)),
                            f"fold scores {summary.short_id}"))
    title = (f"#{summary.rank} <code>{_esc(summary.short_id)}</code> "
             f"{_esc(summary.model_name)} / {_esc(summary.preprocessing)} "
             f"<span class=\"note\">({partition} predictions)</span>")
    return f"<h3>{title}</h3><div class=\"figures\">{''.join(figures)}</div>"


def _preprocessed(part: Any, dataset: Any) -> tuple[np.ndarray, str]:
    """The training spectra after the best chain's fitted preprocessing, or a reason."""
    chain = part.chain()
    steps = [s for s in chain.steps if s.index < chain.model_step]
    if dataset.n_sources != 1 or any(s.branch_path for s in steps) or any(
            s.kind not in ("transform", "split", "y_processing") for s in steps):
        return np.empty((0, 0)), "only a single-source chain of plain transforms is drawn"
    predictor = part.predictor()
    X = np.asarray(dataset.x(0), dtype=float)
    for step in steps:
        if step.kind == "transform" and FINAL in step.artifacts:
            fitted = predictor.load(step.artifacts[FINAL])  # one fitted object per source
            fitted = fitted[0] if isinstance(fitted, (list, tuple)) else fitted
            X = np.asarray(fitted.transform(X), dtype=float)
    return X, ""


def _spectra(part: Any, dataset: Any) -> str:
    try:
        after, reason = _preprocessed(part, dataset)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        after, reason = np.empty((0, 0)), f"the preprocessing could not be replayed: {exc}"
    raw = np.asarray(dataset.x(0), dtype=float)
    axis = np.asarray(dataset.wavelengths(0), dtype=float)
    panels = 2 if after.size and after.shape[1] == axis.size else 1
    fig, axes = new_figure((6.0 * panels, 3.6), 1, panels)
    axes = np.atleast_1d(axes)
    for ax, X, title in zip(axes, (raw, after), ("raw", "after preprocessing"), strict=False):
        mean, sd = np.nanmean(X, axis=0), np.nanstd(X, axis=0)
        ax.plot(axis, mean, color="#1f5f9f")
        ax.fill_between(axis, mean - sd, mean + sd, color="#1f5f9f", alpha=0.2)
        ax.set_title(f"mean spectrum ± 1 SD, {title}")
        ax.set_xlabel(dataset.unit(0))
    note = f'<p class="note">{_esc(reason)}</p>' if reason else ""
    if not reason and panels == 1:
        note = '<p class="note">the preprocessing changes the axis; only raw shown</p>'
    return f"<div class=\"figures\">{_img(fig, 'mean spectra')}</div>{note}"


def _dataset_block(result: Any, name: str, rows: list[dict[str, Any]], dataset: Any,
                   n_best: int, described: Mapping[str, Any]) -> str:
    part = result.per_dataset[name]
    digest = next(d for d, n in result.datasets.items() if n == name)
    training = result.training.get(digest)
    regression = training is None or training.task == "regression"
    parts = [f'<section class="dataset-block"><h2>Dataset {_esc(name)}</h2>',
             _dataset_section(result, digest, dataset, described), "<h3>Ranking</h3>",
             _ranking(rows)]
    if len(rows) > 1:
        parts += ["<h3>Cross-validation heatmap</h3>",
                  f'<div class="figures">{_img(plot_cv_heatmap(part), "cv heatmap")}</div>']
    parts.append("<h3>Best chains</h3>")
    parts += [_chain_figures(part, s, regression) for s in part.top(n_best)]
    parts.append("<h3>Mean spectra</h3>")
    missing = described.get("spectra_missing",
                            "pass the dataset (result.report(path, dataset=...)) to draw its "
                            "spectra")
    parts.append(_spectra(part, dataset) if dataset is not None else
                 f'<p class="note spectra-missing">{_esc(missing)}</p>')
    parts.append("</section>")
    return "".join(parts)


def write_report(result: Any, path: str | PathLike[str], *, datasets: Any = None,
                 n_best: int = 3, n_rows: int = 50,
                 described: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
    """Write the HTML report of a :class:`~nirs4all.api.result.RunResult` to ``path``.

    Parameters
    ----------
    result : RunResult
        What :func:`nirs4all.run` returned.
    path : str or PathLike
        The ``.html`` file to write.
    datasets : SpectroDataset, sequence or mapping of them, optional
        The run's datasets (matched by content hash, or by the key of a mapping that is one
        of the run's dataset hashes), for the sample counts and the mean spectra; without
        them those parts say what to pass.
    n_best : int
        How many of the best chains get their own figures, per dataset.
    n_rows : int
        How many chains the ranking table lists, per dataset.
    described : mapping, optional
        By dataset hash, what a stored run knows of a dataset given no ``datasets``: its
        ``n_samples``, ``n_train``, ``n_test``, and ``spectra_missing``, the reason its
        spectra cannot be drawn (see :func:`nirs4all.viz.write_run_report`).
    """
    given = _by_hash(datasets, result.datasets)
    described = described or {}
    tables = chain_rows(result, n_rows)
    blocks = []
    for name, rows in tables.items():
        digest = next(d for d, n in result.datasets.items() if n == name)
        blocks.append(_dataset_block(result, name, rows, given.get(digest), n_best,
                                     described.get(digest, {})))
    run_pairs = [("name", result.name or "(unnamed)"), ("seed", result.seed),
                 ("run_id", result.run_id or "(not stored)"),
                 ("variants", result.num_variants), ("chains", len(result.chains))]
    counters = sorted((k, v) for k, v in result.stats.items() if not isinstance(v, Mapping))
    failures = "".join(f"<li>{_esc(o.name)}: {_esc(o.error)}</li>" for o in result.failures)
    document = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>nirs4all report {_esc(result.name)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>nirs4all run report</h1>{_kv_table(run_pairs, 'run')}"
        f"{''.join(blocks)}<section id=\"counters\"><h2>Counters</h2>"
        f"{_kv_table(counters, 'counters')}"
        f"{'<h3>Failed variants</h3><ul>' + failures + '</ul>' if failures else ''}"
        f"</section><script>{_SORT_SCRIPT}</script></body></html>")
    out = Path(path)
    out.write_text(document, encoding="utf-8")
    return out


def _by_hash(datasets: Any, known: Mapping[str, str]) -> dict[str, Any]:
    if datasets is None:
        return {}
    if isinstance(datasets, Mapping):
        keyed = {k: d for k, d in datasets.items() if k in known}
        return keyed | _by_hash([d for k, d in datasets.items() if k not in known], known)
    if not isinstance(datasets, (list, tuple)):
        datasets = [datasets]
    return {d.content_hash(): d for d in datasets}
