"""`nirs4all.run`: expand a pipeline, cross-validate every variant, refit, rank."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from nirs4all.api.result import RunResult
from nirs4all.data import SpectroDataset, load_dataset
from nirs4all.pipeline.metrics import is_better
from nirs4all.pipeline.records import VariantOutcome
from nirs4all.pipeline.runner import prepare_variants, run_variants
from nirs4all.pipeline.spec import SpecError

__all__ = ["run"]

logger = logging.getLogger("nirs4all")


def _load_pipeline_file(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot parse the pipeline file: {exc}") from None
    if isinstance(data, dict) and set(data) == {"pipeline"}:
        data = data["pipeline"]
    if not isinstance(data, list):
        raise SpecError(f"{path}: a pipeline file holds a list of steps (or "
                        "{'pipeline': [...]})")
    return data


def _pipelines(pipeline: Any) -> list[Any]:
    """One pipeline, a pipeline file, or a list of pipelines (a list of lists)."""
    if isinstance(pipeline, (str, Path)) and Path(pipeline).suffix.lower() in (
            ".yaml", ".yml", ".json"):
        return [_load_pipeline_file(Path(pipeline))]
    if (isinstance(pipeline, list) and len(pipeline) > 1
            and all(isinstance(p, list) for p in pipeline)):
        return list(pipeline)
    return [pipeline]


def _datasets(dataset: Any) -> list[SpectroDataset]:
    if isinstance(dataset, list) and dataset and not all(
            isinstance(d, np.ndarray) for d in dataset):
        return [load_dataset(d) for d in dataset]
    return [load_dataset(dataset)]


class _Progress:
    """A tqdm bar over variants showing the best score so far (verbose >= 1)."""

    def __init__(self, total: int, verbose: int, label: str) -> None:
        self.bar = None
        self.best: float | None = None
        if verbose >= 1:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=label, unit="variant", leave=True)

    def update(self, outcome: VariantOutcome) -> None:
        for chain in outcome.chains:
            score = chain.cv_score if chain.cv_scores else chain.test_score
            if self.best is None or is_better(chain.metric, score, self.best):
                self.best = score
        if self.bar is not None and outcome.phase == "cv":
            self.bar.update(1)
            if self.best is not None:
                self.bar.set_postfix(best=f"{self.best:.6g}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(
    pipeline: Any,
    dataset: Any,
    *,
    name: str = "",
    random_state: int | None = None,
    n_jobs: int = 1,
    refit: str | bool = "best",
    verbose: int = 1,
    max_variants: int = 10_000,
) -> RunResult:
    """Expand a pipeline into variants, cross-validate each, refit and rank.

    Parameters
    ----------
    pipeline : list, dict, str or Path
        A list of steps (see :mod:`nirs4all.pipeline.spec`), possibly with generator
        keywords (see :mod:`nirs4all.pipeline.generators`); ``{"pipeline": [...]}``; a
        ``.yaml``/``.json`` pipeline file; or a list of such pipelines.
    dataset : Any
        Anything :func:`nirs4all.load_dataset` accepts, or a list of those.
    name : str
        Name of the run.
    random_state : int, optional
        Root seed. Generators, splitters and estimators whose ``random_state`` is unset
        all derive their seeds from it (on copies; your objects are not changed). Without
        it a seed is drawn and recorded in ``RunResult.seed``.
    n_jobs : int
        Variants run in this many processes (``-1``: one per core); results are identical
        for any value.
    refit : {"best", "all", False}
        Refit the best variant (default), every variant, or none on all training rows.
    verbose : int
        0 silent; 1 a progress bar; 2 also log every variant.
    max_variants : int
        Refuse to expand a pipeline into more variants than this.

    Returns
    -------
    RunResult
    """
    start = time.perf_counter()
    seed = int(random_state) if random_state is not None else int(
        np.random.SeedSequence().generate_state(1)[0])
    if random_state is None:
        logger.info("run drew seed %d; pass random_state=%d to reproduce it", seed, seed,
                    extra={"seed": seed})
    datasets = _datasets(dataset)
    prepared = [v for p in _pipelines(pipeline)
                for v in prepare_variants(p, seed=seed, max_variants=max_variants)]
    outcomes: list[VariantOutcome] = []
    stats: dict[str, Any] = {"variants": 0, "cache_hits": 0, "cache_misses": 0,
                             "cache_bytes_saved": 0}
    names: dict[str, str] = {}
    for ds in datasets:
        names[ds.content_hash()] = ds.name
        progress = _Progress(len(prepared), verbose, ds.name)

        def on_outcome(outcome: VariantOutcome, progress: _Progress = progress) -> None:
            progress.update(outcome)
            if verbose >= 2:
                logger.info("variant %s done", outcome.name,
                            extra={"pipeline_id": outcome.pipeline_id,
                                   "phase": outcome.phase})
        try:
            ds_outcomes, ds_stats = run_variants(prepared, ds, seed=seed, refit=refit,
                                                 n_jobs=n_jobs, on_outcome=on_outcome)
        finally:
            progress.close()
        outcomes.extend(ds_outcomes)
        for key, value in ds_stats.items():
            stats[key] = stats.get(key, 0) + value
    stats["wall_time_s"] = time.perf_counter() - start
    return RunResult(outcomes, names, seed=seed, stats=stats, name=name)

