"""A stored chain, ready to replay or to export as a bundle.

Everything comes from the store: the chain and the chains it stacks, the fitted objects
(loaded only after their file hashes verify, under the trust model), and what the chain
knows of its training data (targets, classes, wavelength axes, seed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord, PredictionRecord, TrainingInfo, training_info
from nirs4all.workspace.bundle import export_bundle

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["StoreView", "StoredChain", "export_chain", "stored_chain"]


class StoreView(Protocol):
    """What this module reads of a :class:`~nirs4all.workspace.store.Workspace`.

    Typed as a protocol so that this module does not import the store back: the store's
    ``export`` method calls :func:`export_chain`.
    """

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None,
            ) -> pa.Table:
        """Run a read-only SQL query on the store."""

    def prediction_records(self, **filters: Any) -> list[PredictionRecord]:
        """Stored predictions, arrays included."""

    def resolve_chain(self, selector: str | Mapping[str, Any]) -> ChainRecord:
        """The one chain a selector designates."""

    def load_artifact(self, artifact_id: str, *, trusted: bool | Iterable[str] = False) -> Any:
        """A fitted object, after its file's hash is checked."""


StoredChain = tuple[ChainRecord, Mapping[str, ChainRecord], Callable[[str], Any], TrainingInfo]


def _training(ws: StoreView, chain: ChainRecord, dataset_hash: str) -> TrainingInfo:
    """What the chain trained on, from the dataset's row (migration 0005).

    Rows of stores older than 0005 may lack a part: classes the migration could not type
    are read from the chain's final predictions, and a dataset whose axes no pass recorded
    (rows imported from 0.x) exports without training axes, as before.
    """
    dataset = ws.sql("SELECT task, target_names, n_targets, classes, wavelengths "
                     "FROM datasets WHERE dataset_hash = ?", [dataset_hash]).to_pylist()[0]
    seed = ws.sql("SELECT seed FROM pipelines WHERE pipeline_id = ? AND dataset_hash = ? "
                  "ORDER BY phase LIMIT 1", [chain.pipeline_id, dataset_hash]).to_pylist()[0]
    classes = None if dataset["classes"] is None else json.loads(dataset["classes"])
    if classes is None and dataset["task"] in ("binary", "multiclass"):
        records = ws.prediction_records(chain_id=chain.chain_id, fold_id=FINAL)
        classes = records[0].classes if records else None
    target_names = dataset["target_names"]
    n_targets = len(target_names) if dataset["n_targets"] is None else dataset["n_targets"]
    sources = [(w["source"], w["axis"], w["unit"]) for w in dataset["wavelengths"] or ()]
    return training_info(dataset_hash=dataset_hash, task=dataset["task"], n_targets=n_targets,
                         target_names=target_names, classes=classes, sources=sources,
                         seed=seed["seed"])


def stored_chain(ws: StoreView, selector: str | Mapping[str, Any], *,
                 trusted: bool | list[str] = False) -> StoredChain:
    """The chain a selector designates, its stacked chains, a loader and training info."""
    chain = ws.resolve_chain(selector)
    if FINAL not in chain.fold_ids:
        raise ValueError(f"chain {chain.chain_id[:10]} ({chain.model_name}) has no final "
                         "refit in this workspace; run with refit='all' or pick the best chain")
    chains = {chain.chain_id: chain}
    pending = list(chain.source_chains)
    while pending:
        current = ws.resolve_chain(pending.pop())
        chains[current.chain_id] = current
        pending.extend(c for c in current.source_chains if c not in chains)
    row = ws.sql("SELECT dataset_hash FROM chains WHERE chain_id = ?",
                 [chain.chain_id]).to_pylist()[0]
    cache: dict[str, Any] = {}

    def load(artifact_id: str) -> Any:
        if artifact_id not in cache:
            cache[artifact_id] = ws.load_artifact(artifact_id, trusted=trusted)
        return cache[artifact_id]

    return chain, chains, load, _training(ws, chain, row["dataset_hash"])


def export_chain(ws: StoreView, selector: str | Mapping[str, Any], path: str | Path, *,
                 key: str | bytes | None = None, trusted: bool | list[str] = False) -> Path:
    """Write a stored chain's final refit as a ``.n4a`` bundle."""
    chain, chains, load, training = stored_chain(ws, selector, trusted=trusted)
    return export_bundle(path, chain, chains=chains, load=load, training=training, key=key)

