"""`nirs4all.retrain`: train a chain again on new data, fully, by transfer or fine-tuned."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sklearn.base import clone

from nirs4all.api.predictor import Predictor
from nirs4all.api.result import RunResult
from nirs4all.api.run import run
from nirs4all.operators.frozen import FrozenStep
from nirs4all.pipeline.canonical import from_canonical
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.spec import SpecError
from nirs4all.workspace import serialization
from nirs4all.workspace.artifacts import file_sha256

__all__ = ["retrain"]

MODES = ("full", "transfer", "finetune")


def _frozen(obj: Any) -> FrozenStep:
    return FrozenStep(obj, hashlib.sha256(serialization.serialize(obj)).hexdigest())


def _transfer_spec(predictor: Predictor) -> list:
    """The source pipeline with its fitted preprocessing frozen and its model refitted."""
    chain = predictor.chain
    kinds = {s.kind for s in chain.steps}
    if kinds & {"branch", "merge_features", "merge_predictions", "merge_concat", "merge_sources",
                 "feature_augmentation"}:
        raise SpecError("transfer retraining supports chains without branches, merges or "
                        "feature augmentation; use mode='full'")
    steps: list = []
    for step in chain.steps:
        if step.kind == "transform":
            fitted = predictor.load(step.artifacts[FINAL])
            if len(fitted) != 1:
                raise SpecError("transfer retraining supports single-source chains")
            steps.append(_frozen(fitted[0]))
        elif step.kind == "y_processing":
            steps.append({"y_processing": _frozen(predictor.load(step.artifacts[FINAL]))})
        elif step.kind == "split":
            steps.append(from_canonical(json.loads(step.spec)))
        elif step.kind == "model" and step.index == chain.model_step:
            model = from_canonical(json.loads(step.spec))
            steps.append(model if isinstance(model, dict) else clone(model))
    return steps


def retrain(source: Any, data: Any, *, mode: str = "full", chain: str | None = None,
            random_state: int | None = None, verbose: int = 0, **run_options: Any,
            ) -> RunResult:
    """Train a chain again on new data.

    Parameters
    ----------
    source : RunResult or str or Path
        A run's result (its best chain, or ``chain``) or a ``.n4a`` bundle.
    data : Any
        The new training (and test) data: anything :func:`nirs4all.load_dataset` accepts.
    mode : {"full", "transfer", "finetune"}
        ``"full"`` fits every step again with the same specification; ``"transfer"`` keeps
        the fitted preprocessing and target processing and refits the model;
        ``"finetune"`` fits every step again and searches the model's parameters anew on
        the new data (an Optuna study, see ``finetune_params`` in ``docs/pipeline.md``),
        with ``finetune_params=`` or else the source model step's own. It does not continue
        the training of the fitted model (0.x's ``epochs``/``learning_rate`` retrain).
    random_state : int, optional
        Seed of the new run; the source's seed by default.
    **run_options
        Passed to :func:`nirs4all.run` (``n_jobs``, ``refit``, ``name``...).

    Returns
    -------
    RunResult
        A new run. Its lineage -- the chain trained again, the source run (``RunResult``
        source) or the bundle's path and SHA-256 (bundle source), and the mode -- is in
        ``stats`` and, when the run is stored, in the ``runs`` row's ``parent_*`` and
        ``retrain_mode`` columns. It is written after the run completes; if the process
        dies in between, running the same retrain again records it (the run itself is
        not recomputed).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    from nirs4all.api.predict import _predictor

    predictor = _predictor(source, chain=chain, trusted=run_options.pop("trusted", False),
                           key=run_options.pop("key", None))
    finetune = run_options.pop("finetune_params", None)
    if mode != "finetune" and finetune is not None:
        raise ValueError("finetune_params= is for mode='finetune'")
    if mode == "full":
        spec = [_rebuilt(step) for step in _top_level(predictor)]
    elif mode == "finetune":
        spec = _finetune_spec(predictor, finetune)
    else:
        spec = _transfer_spec(predictor)
    seed = predictor.training.seed if random_state is None else random_state
    result = run(spec, data, random_state=seed, verbose=verbose, **run_options)
    lineage = _lineage(source, predictor, mode)
    result.stats.update({k: v for k, v in lineage.items() if v is not None})
    if result.workspace is not None and result.run_id is not None:
        from nirs4all import workspace

        with workspace.open(result.workspace, lock_timeout=_LINEAGE_LOCK_S) as ws:
            ws.record_lineage(result.run_id, **lineage)
    return result


_LINEAGE_LOCK_S = 30.0


def _lineage(source: Any, predictor: Predictor, mode: str) -> dict[str, str | None]:
    """Where the retrain comes from: the chain, and its run or its bundle file."""
    lineage: dict[str, str | None] = {"parent_chain_id": predictor.chain.chain_id,
                                      "parent_run_id": None, "parent_bundle": None,
                                      "parent_bundle_sha256": None, "retrain_mode": mode}
    if isinstance(source, RunResult):
        lineage["parent_run_id"] = source.run_id
    elif isinstance(source, (str, Path)):
        path = Path(source).resolve()
        lineage["parent_bundle"], lineage["parent_bundle_sha256"] = str(path), file_sha256(path)
    return lineage


def _rebuilt(step: Any) -> Any:
    value = from_canonical(json.loads(step.spec))
    return {"y_processing": value} if step.kind == "y_processing" else value


def _finetune_spec(predictor: Predictor, finetune: Any) -> list:
    """The chain rebuilt, its model step searched again (``finetune_params``)."""
    steps = _top_level(predictor)
    if not any(s.kind == "split" for s in steps):
        raise SpecError("finetune retraining searches on cross-validation folds and the "
                        "chain has no splitter; use mode='full' with a pipeline that has one")
    spec = []
    for step in steps:
        value = _rebuilt(step)
        if step.kind == "model":
            entry = dict(value) if isinstance(value, dict) else {"model": value}
            if finetune is not None:
                entry["finetune_params"] = finetune
            if "finetune_params" not in entry:
                raise SpecError("the source model step has no finetune_params; pass "
                                "retrain(..., mode='finetune', finetune_params={...})")
            value = entry
        spec.append(value)
    return spec


def _top_level(predictor: Predictor) -> list:
    """The chain's own steps, for a full retrain (branches are not rebuilt from a chain)."""
    chain = predictor.chain
    if any(s.branch_path for s in chain.steps) or chain.source_chains:
        raise SpecError("full retraining from a chain supports chains without branches; "
                        "run the original pipeline on the new data instead")
    return [s for s in chain.steps if s.kind != "model" or s.index == chain.model_step]
