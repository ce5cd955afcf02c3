"""Outcome records: what running one pipeline variant produces.

Every record is complete and immutable before anyone persists it (contract 3): fold ids,
partitions, refit context and scores are set when the record is built, and no code path
relabels a record afterwards. The pipeline returns these records; the workspace store writes
them as they are, and the in-memory :class:`~nirs4all.api.result.RunResult` reads them.

Identities are full 64-hex SHA-256 strings (contract 1). Fold ids are ``"0"``, ``"1"``, ...
for cross-validation folds and ``"final"`` for the refit on all training rows (contract 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nirs4all.utils.arrays import readonly_view

__all__ = [
    "PARTITIONS",
    "REFIT_CONTEXTS",
    "ChainRecord",
    "ChainStep",
    "PredictionRecord",
    "SampleFlag",
    "TrainingInfo",
    "TrialRecord",
    "VariantOutcome",
    "flag_rows",
    "training_info",
]

PARTITIONS = ("train", "val", "test")
REFIT_CONTEXTS = ("standalone", "stacking")
STEP_KINDS = (
    "transform",
    "y_processing",
    "split",
    "model",
    "feature_augmentation",
    "sample_augmentation",
    "branch",
    "merge_features",
    "merge_predictions",
    "merge_concat",
    "merge_sources",
    "exclude",
    "tag",
    "rep_reshape",
)


def _readonly(array: np.ndarray | None) -> np.ndarray | None:
    return None if array is None else readonly_view(array)

@dataclass(frozen=True, eq=False)
class PredictionRecord:
    """Predictions of one chain's model for one fold and one partition.

    Parameters
    ----------
    pipeline_id, chain_id : str
        Full SHA-256 identities of the variant and of the chain.
    fold_id : str
        ``"0"``, ``"1"``, ... or ``"final"``.
    partition : {"train", "val", "test"}
        ``"val"`` holds out-of-fold predictions of a CV fold; ``"train"`` in-sample
        predictions of the final model; ``"test"`` the held-out test partition.
    sample_ids : ndarray of int64
        Dataset sample ids of the rows, in the order of the arrays.
    y_true, y_pred : ndarray
        Targets and predictions in original units: float (n, n_targets) for regression,
        labels (n,) for classification.
    y_proba : ndarray of shape (n, n_classes), optional
        Class probabilities, columns in the order of ``classes``.
    scores : mapping of str to float
        Every metric of the task on these rows.
    refit_context : {"standalone", "stacking"} or None
        None for CV folds; how the final model was refitted otherwise.
    classes : ndarray, optional
        Sorted class labels of a classifier.
    """

    pipeline_id: str
    chain_id: str
    fold_id: str
    partition: str
    sample_ids: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    y_proba: np.ndarray | None
    scores: Mapping[str, float]
    refit_context: str | None = None
    classes: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.partition not in PARTITIONS:
            raise ValueError(f"partition must be one of {PARTITIONS}; got {self.partition!r}")
        if (self.fold_id == "final") != (self.refit_context is not None):
            raise ValueError(
                "refit_context is set exactly for fold 'final' "
                f"(fold_id={self.fold_id!r}, refit_context={self.refit_context!r})"
            )
        if self.refit_context is not None and self.refit_context not in REFIT_CONTEXTS:
            raise ValueError(f"refit_context must be one of {REFIT_CONTEXTS}")
        n = len(self.sample_ids)
        for name in ("y_true", "y_pred", "y_proba"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} rows for {n} sample ids")
            object.__setattr__(self, name, _readonly(value))
        object.__setattr__(self, "sample_ids", _readonly(np.asarray(self.sample_ids,
                                                                    dtype=np.int64)))
        object.__setattr__(self, "classes", _readonly(self.classes))
        object.__setattr__(self, "scores", dict(self.scores))

    @property
    def natural_key(self) -> tuple[str, str, str, str]:
        """``(pipeline_id, chain_id, fold_id, partition)``: unique in a workspace."""
        return (self.pipeline_id, self.chain_id, self.fold_id, self.partition)

    @property
    def n_samples(self) -> int:
        """Number of predicted rows."""
        return len(self.sample_ids)


@dataclass(frozen=True)
class ChainStep:
    """One step on the path from raw spectra to a model.

    ``artifacts`` maps each fold id to the key (in :attr:`VariantOutcome.artifacts`) of the
    object fitted for that fold. A step fitted once before the splitter maps every fold id
    to the same key. Stateless steps may still carry a fitted object (its learned axis).
    """

    index: int
    kind: str
    spec: str
    branch_path: tuple[int, ...] = ()
    artifacts: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            raise ValueError(f"step kind must be one of {STEP_KINDS}; got {self.kind!r}")
        object.__setattr__(self, "branch_path", tuple(int(i) for i in self.branch_path))
        object.__setattr__(self, "artifacts", dict(self.artifacts))


@dataclass(frozen=True)
class ChainRecord:
    """The replayable path from raw spectra to one model, with its scores.

    Parameters
    ----------
    chain_id, pipeline_id : str
        Full SHA-256 identities.
    model_step : int
        Index of the model step in the variant's flattened steps.
    model_name, model_class : str
        Display name and dotted class path of the model.
    branch_path : tuple of int
        Structural branch path of the model (empty outside branches).
    steps : tuple of ChainStep
        Every step the model depends on, in execution order.
    source_chains : tuple of str
        For a stacking model: the chain ids whose predictions are its features.
    fold_ids : tuple of str
        Fold ids with a fitted model, in order (``"final"`` last when refitted).
    metric : str
        Ranking metric of the task.
    cv_scores : mapping
        Metrics on pooled out-of-fold predictions (empty without cross-validation).
    fold_scores : mapping of str to mapping
        Validation metrics of each CV fold.
    test_scores : mapping
        Metrics of the final model on the test partition, when refitted and a test
        partition exists.
    preprocessing : str
        Readable summary of the preprocessing (``"SNV > SavitzkyGolay(window_length=11)"``).
    """

    chain_id: str
    pipeline_id: str
    model_step: int
    model_name: str
    model_class: str
    branch_path: tuple[int, ...]
    steps: tuple[ChainStep, ...]
    source_chains: tuple[str, ...]
    fold_ids: tuple[str, ...]
    metric: str
    cv_scores: Mapping[str, float]
    fold_scores: Mapping[str, Mapping[str, float]]
    test_scores: Mapping[str, float]
    preprocessing: str

    @property
    def cv_score(self) -> float:
        """The ranking metric on pooled out-of-fold predictions (NaN without CV)."""
        return float(self.cv_scores.get(self.metric, float("nan")))

    @property
    def test_score(self) -> float:
        """The ranking metric of the final model on the test partition (NaN if absent)."""
        return float(self.test_scores.get(self.metric, float("nan")))


@dataclass(frozen=True)
class SampleFlag:
    """A sample that a filter of an ``exclude`` or ``tag`` step flagged, for one fold key.

    ``action`` is ``"exclude"`` (the row left that fold's fits: only training rows of the
    fold are recorded) or ``"tag"`` (marked only: every flagged row is recorded).
    """

    step_index: int
    action: str
    fold_id: str
    sample_index: int
    sample_id: str
    filter: str
    tag_name: str
    reason: str


def flag_rows(outcomes: Iterable[VariantOutcome], action: str) -> list[dict[str, Any]]:
    """The ``action`` flags of ``outcomes`` as mappings, one per (variant, fold, sample,
    tag), each once (the cv and refit passes both report fold ``"final"``)."""
    rows: dict[tuple, dict[str, Any]] = {}
    for o in outcomes:
        for f in o.flags:
            if f.action == action:
                row = {"pipeline_id": o.pipeline_id, "dataset_hash": o.dataset_hash,
                       **{k: getattr(f, k) for k in f.__dataclass_fields__}}
                rows.setdefault((o.pipeline_id, o.dataset_hash, f.step_index, f.fold_id,
                                 f.sample_index, f.tag_name), row)
    return list(rows.values())


@dataclass(frozen=True, eq=False)
class VariantOutcome:
    """Everything one execution pass of one pipeline variant produced.

    A variant is executed in a cross-validation pass (``phase="cv"``: CV folds, plus the
    final refit when the refit policy asks for every variant) and, for the variants chosen
    for refit, a refit pass (``phase="refit"``: fold ``"final"`` only). Each pass yields one
    outcome, written to the store in one transaction.

    Parameters
    ----------
    pipeline_id : str
        SHA-256 of the variant's canonical JSON.
    pipeline_json : str
        The variant's canonical JSON.
    name : str
        Display name.
    dataset_hash : str
        ``SpectroDataset.content_hash()`` of the dataset the variant ran on.
    choices : tuple of (str, Any)
        Generator choices that produced the variant.
    seed : int
        Root seed of the run.
    phase : {"cv", "refit"}
    status : {"completed", "failed"}
    error : str, optional
        The error message of a failed variant.
    chains, predictions : tuples of records
    artifacts : mapping of str to object
        Fitted objects by the keys used in :attr:`ChainStep.artifacts`.
    wavelengths : tuple of (source name, axis, unit)
        Training wavelength axis of every source, for replay checks.
    duration_s : float
        Wall time of the pass.
    n_fits : int
        Number of ``fit`` calls the pass made (steps served by the cache not counted).
    flags : tuple of SampleFlag
        Samples flagged by ``exclude`` and ``tag`` steps, per fold key.
    restored : bool
        Whether the outcome was read back from a workspace (a resumed run) instead of
        computed; its ``artifacts`` are then empty and its chains' steps refer to stored
        artifact ids.
    failed_step, failed_fold : str, optional
        Where a failed pass failed: the step's position and label, and the fold key.
    failure : ExecutionError, optional
        The error of a failed pass computed in this process (never stored).
    trials : tuple of TrialRecord
        The fine-tuning trials the pass ran (``finetune_params``), in order.
    """

    pipeline_id: str
    pipeline_json: str
    name: str
    dataset_hash: str
    choices: tuple[tuple[str, Any], ...]
    seed: int
    phase: str
    status: str
    error: str | None
    chains: tuple[ChainRecord, ...]
    predictions: tuple[PredictionRecord, ...]
    artifacts: Mapping[str, Any]
    wavelengths: tuple[tuple[str, np.ndarray, str], ...]
    duration_s: float
    n_fits: int = 0
    restored: bool = False
    failed_step: str | None = None
    failed_fold: str | None = None
    failure: BaseException | None = field(default=None, repr=False, compare=False)
    trials: tuple[TrialRecord, ...] = ()
    flags: tuple[SampleFlag, ...] = ()

    def __post_init__(self) -> None:
        if self.phase not in ("cv", "refit"):
            raise ValueError(f"phase must be 'cv' or 'refit'; got {self.phase!r}")
        if self.status not in ("completed", "failed"):
            raise ValueError(f"status must be 'completed' or 'failed'; got {self.status!r}")
        keys = [p.natural_key for p in self.predictions]
        if len(set(keys)) != len(keys):
            seen: set = set()
            duplicate = next(k for k in keys if k in seen or seen.add(k))
            raise ValueError(f"two predictions share the natural key {duplicate}")
        object.__setattr__(self, "artifacts", dict(self.artifacts))


@dataclass(frozen=True)
class TrialRecord:
    """One Optuna trial of a model step with ``finetune_params`` (a ``trials`` row).

    ``study`` is ``"pooled"`` (approach ``grouped``) or the fold key the trial was scored
    on (``single``, ``individual``); ``score`` is in ``metric`` (None unless ``state`` is
    ``"complete"``; a pruned trial keeps its last reported value).
    """

    pipeline_id: str
    dataset_hash: str
    model_step: int
    branch_path: tuple[int, ...]
    study: str
    number: int
    params: Mapping[str, Any]
    score: float | None
    metric: str
    state: str
    duration_s: float = 0.0


@dataclass(frozen=True)
class TrainingInfo:
    """What a trained chain knows of the data it was trained on (a bundle carries it).

    Build it with :func:`training_info`, which gives every field its one type.
    """

    dataset_hash: str
    task: str
    n_targets: int
    target_names: tuple[str, ...]
    classes: np.ndarray | None
    sources: tuple[tuple[str, np.ndarray, str], ...]
    seed: int


def training_info(*, dataset_hash: str, task: str, n_targets: int, target_names: Iterable[str],
                  classes: Any, sources: Iterable[tuple[str, Any, str]],
                  seed: int) -> TrainingInfo:
    """The one way to build a :class:`TrainingInfo`, whatever it is read from.

    A run builds it from the dataset, a bundle from its manifest and the workspace from its
    rows; each gives lists or arrays, and this normalises them: target names to a tuple,
    classes to an array (or None), every source's wavelength axis to a float64 array, the
    counts and the seed to ``int``.

    Parameters
    ----------
    dataset_hash, task : str
        The training data's content hash and task.
    n_targets : int
        Number of target columns.
    target_names : iterable of str
        Their names.
    classes : array-like or None
        Class labels of a classifier.
    sources : iterable of (name, wavelengths, unit)
        The training axis of every source, in order.
    seed : int
        The run's root seed.
    """
    return TrainingInfo(
        dataset_hash=dataset_hash, task=task, n_targets=int(n_targets),
        target_names=tuple(target_names),
        classes=None if classes is None else np.asarray(classes),
        sources=tuple((name, np.asarray(axis, dtype=np.float64), unit)
                      for name, axis, unit in sources),
        seed=int(seed))
