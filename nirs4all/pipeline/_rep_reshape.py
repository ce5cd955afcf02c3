"""The ``rep_to_sources`` and ``rep_to_pp`` steps: each sample's scans as one row.

``{"rep_to_sources": cfg}`` turns the repetitions of a sample into extra sources (the
``k``-th scan of source ``nir`` is source ``nir_rep<k>``); ``{"rep_to_pp": cfg}`` puts them
side by side in each source, as extra processings on the feature axis. ``cfg`` is ``True``
(the dataset's repetition column), a column name, or ``{"column": name, "unequal":
"error" | "truncate"}``.

The step reshapes the dataset itself, so it must be the pipeline's first step: the executor
runs every later step, the splitter included, on the reshaped rows (one per sample, so a
sample's scans are never split apart). The reshaping is recorded in the chain as a
``rep_reshape`` step whose fitted object is its plan (mode, column, policy and the number of
scans per sample): replay reshapes new per-scan rows with the same functions
(:mod:`nirs4all.data._repetition_sources`), and refuses rows without the column or with a
sample of another number of scans, naming them.

Kinds for the dispatch table: train ``VariantExecutor._do_rep_reshape`` (this mixin),
replay :func:`replay_reshape`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from nirs4all.data._repetition_sources import reshape_repetitions, scan_table, widen
from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import ReplayError, SpecError
from nirs4all.pipeline._rep_reshape_spec import KIND
from nirs4all.pipeline.state import SHARED, Lane

__all__ = ["ReshapeSteps", "replay_reshape", "reshaped_rows"]

class ReshapeSteps:
    """Executor mixin: the dataset reshaped before the run, and the chain's record of it."""

    dataset: SpectroDataset
    _artifact: Callable[..., str]

    def _reshaped(self, dataset: SpectroDataset, steps: Sequence[Any]) -> SpectroDataset:
        """``dataset`` with each sample's scans as one row when the variant asks for it."""
        first = next((s for s in steps if s.kind != "chart"), None)
        self._reshape_plan: dict[str, Any] | None = None
        if first is None or first.kind != KIND:
            return dataset
        options = first.options
        try:
            wide = reshape_repetitions(dataset, mode=options.mode, column=options.column,
                                       unequal=options.unequal)
        except ValueError as exc:  # DatasetConfigError included: name the step
            raise SpecError(f"{first.path}: {exc}") from exc
        column = options.column or dataset.repetition
        self._reshape_plan = {"mode": options.mode, "column": column,
                              "unequal": options.unequal,
                              "reps": wide.n_sources // dataset.n_sources
                              if options.mode == "sources" else
                              wide.source(0).n_features // dataset.source(0).n_features,
                              "n_sources": dataset.n_sources}
        return wide

    def _do_rep_reshape(self, step: Any, lanes: list[Lane]) -> list[Lane]:
        ref = self._artifact(step, (), SHARED, dict(self._reshape_plan or {}))
        return [Lane(lane.path, lane.blocks, (*lane.chain, (step, lane.path, {SHARED: ref})),
                     lane.models, lane.sources) for lane in lanes]


def _table(plan: Mapping[str, Any], metadata: Mapping[str, Any] | None,
           n_rows: int) -> np.ndarray:
    column = plan["column"]
    if metadata is None or column not in metadata:
        raise ReplayError(
            f"this chain was trained on the scans of each sample side by side "
            f"({'rep_to_sources' if plan['mode'] == 'sources' else 'rep_to_pp'} on column "
            f"{column!r}); give the new spectra one row per scan with the {column!r} "
            "metadata column (load_dataset(..., metadata=...) or a dataset with it)")
    ids = np.asarray(metadata[column])
    if ids.shape[0] != n_rows:
        raise ReplayError(f"metadata column {column!r} has {ids.shape[0]} rows; the spectra "
                          f"have {n_rows}")
    try:
        return scan_table(ids, column=column, unequal=plan["unequal"],
                          reps=int(plan["reps"]))
    except ValueError as exc:
        raise ReplayError(f"new spectra: {exc}") from exc


def _plan(chain: Any, load: Any) -> Mapping[str, Any] | None:
    step = next((s for s in chain.steps if s.kind == KIND), None)
    return None if step is None else load(next(iter(step.artifacts.values())))


def replay_reshape(chain: Any, load: Any, sources: Sequence[np.ndarray],
                   axes: Sequence[tuple[np.ndarray, str]],
                   metadata: Mapping[str, Any] | None) -> tuple[tuple, tuple, Any]:
    """The replay input of a chain: new per-scan rows reshaped as training reshaped its rows
    when the chain starts with a ``rep_reshape`` step (``(sources, axes, metadata)`` of one
    row per sample), else the input unchanged. Every chain of a stack starts with the same
    step, so the input is reshaped once for all of them."""
    plan = _plan(chain, load)
    if plan is None:
        return tuple(sources), tuple(axes), metadata
    table = _table(plan, metadata, np.asarray(sources[0]).shape[0])
    X, ax = widen(sources, axes, table, plan["mode"])
    kept = {k: np.asarray(v)[table[:, 0]] for k, v in (metadata or {}).items()}
    return X, ax, kept


def reshaped_rows(chain: Any, load: Any, metadata: Mapping[str, Any] | None,
                  n_rows: int) -> np.ndarray | None:
    """The row of each predicted sample (its first scan) for a chain that reshapes its
    input, else None: a predictor names the samples of its predictions with them."""
    plan = _plan(chain, load)
    if plan is None:
        return None
    return _table(plan, metadata, n_rows)[:, 0]
