"""`SpectroDataset`: spectra, their wavelength axes, targets, metadata and partitions.

A dataset is immutable. Feature arrays are stored read-only; selecting rows returns a new
dataset whose arrays are views (contiguous rows) or new read-only arrays holding only the
selected rows. Operations that change content (a transform, new targets) return a new dataset
that shares every array they do not change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nirs4all.data._repetition import check_repetition
from nirs4all.data._source import (
    PARTITIONS,
    UNITS,
    FeatureSource,
    RowSelection,
    check_metadata,
    check_partition,
    check_sample_ids,
    normalize_rows,
)
from nirs4all.data._targets import TASK_OVERRIDES, TASKS, coerce_targets, detect_task
from nirs4all.data.hashing import ContentHasher, canonical_column
from nirs4all.utils.arrays import readonly_view

__all__ = ["PARTITIONS", "TASKS", "UNITS", "FeatureSource", "SpectroDataset", "detect_task"]


class SpectroDataset:
    """Spectra with wavelength axes, targets, metadata and train/test partitions.

    Parameters
    ----------
    sources : FeatureSource or sequence of FeatureSource
        One or more feature sources with the same number of rows.
    y : array-like, optional
        Targets: for regression a float array of shape (n_samples,) or (n_samples, n_targets);
        for classification one label per sample (integers, booleans or text).
    partition : array-like of str, optional
        ``"train"`` or ``"test"`` per sample. Defaults to all ``"train"``.
    sample_ids : array-like of int, optional
        Stable sample identifiers. Defaults to ``0 .. n_samples - 1``.
    metadata : mapping of str to array-like, optional
        Extra per-sample columns (groups, dates, instrument...).
    task : {"auto", "regression", "classification", "binary", "multiclass"}
        Learning task. ``"auto"`` detects it from the targets (see :func:`detect_task`).
    target_names : sequence of str, optional
        Names of the target columns.
    name : str
        Human-readable name; not part of the content hash.
    repetition : str, optional
        Metadata column naming the physical sample of each row, when a sample was scanned
        several times: splitters then keep a sample's repetitions on one side.

    Notes
    -----
    Arrays you pass are copied once and frozen unless they are already read-only.
    """

    __slots__ = (
        "_hash_cache",
        "_metadata",
        "_partition",
        "_repetition",
        "_sample_ids",
        "_sources",
        "_target_names",
        "_task",
        "_task_given",
        "_y",
        "name",
    )

    def __init__(
        self,
        sources: FeatureSource | Sequence[FeatureSource],
        y: Any = None,
        *,
        partition: Any = None,
        sample_ids: Any = None,
        metadata: Mapping[str, Any] | None = None,
        task: str = "auto",
        target_names: Sequence[str] | None = None,
        name: str = "dataset",
        repetition: str | None = None,
    ) -> None:
        if isinstance(sources, FeatureSource):
            sources = (sources,)
        sources = tuple(sources)
        if not sources:
            raise ValueError("a dataset needs at least one feature source")
        names = [s.name for s in sources]
        if len(set(names)) != len(names):
            raise ValueError(f"feature source names must be unique; got {names}")
        n_samples = int(sources[0].X.shape[0])
        for source in sources[1:]:
            if source.X.shape[0] != n_samples:
                raise ValueError(
                    f"feature source {source.name!r} has {source.X.shape[0]} rows but "
                    f"{sources[0].name!r} has {n_samples}"
                )
        if task not in TASK_OVERRIDES:
            raise ValueError(f"task must be one of {TASK_OVERRIDES}; got {task!r}")
        self._sources = sources
        self.name = name
        self._task_given = task != "auto"
        if y is None:
            self._y, self._task = None, None
        else:
            self._y, self._task = coerce_targets(y, task, n_samples)
        self._target_names = self._check_target_names(target_names)
        self._partition = check_partition(partition, n_samples)
        self._sample_ids = check_sample_ids(sample_ids, n_samples)
        self._metadata = check_metadata(metadata or {}, n_samples)
        self._repetition = check_repetition(repetition, self._metadata)
        self._hash_cache: dict[bool, str] = {}

    # -- validation -------------------------------------------------------------------------

    def _check_target_names(self, target_names: Sequence[str] | None) -> tuple[str, ...]:
        if self._y is None:
            return ()
        n_targets = 1 if self._y.ndim == 1 else self._y.shape[1]
        if target_names is None:
            return ("y",) if n_targets == 1 else tuple(f"y{i}" for i in range(n_targets))
        names = tuple(str(n) for n in target_names)
        if len(names) != n_targets:
            raise ValueError(f"{len(names)} target names given for {n_targets} target columns")
        return names

    @classmethod
    def _assemble(
        cls,
        template: SpectroDataset,
        *,
        sources: tuple[FeatureSource, ...],
        y: np.ndarray | None,
        partition: np.ndarray,
        sample_ids: np.ndarray,
        metadata: dict[str, np.ndarray],
    ) -> SpectroDataset:
        """Build a dataset from already validated, read-only parts (no copies, no checks)."""
        new = cls.__new__(cls)
        new._sources = sources
        new._y = y
        new._task = template._task
        new._task_given = template._task_given
        new._target_names = template._target_names
        new._partition = partition
        new._sample_ids = sample_ids
        new._metadata = metadata
        new._repetition = template._repetition
        new.name = template.name
        new._hash_cache = {}
        return new

    # -- shape and access -------------------------------------------------------------------

    @property
    def repetition(self) -> str | None:
        """Metadata column of the physical sample of each row (repeated scans), or None."""
        return self._repetition

    def with_repetition(self, column: str | None) -> SpectroDataset:
        """The same data, declaring ``column`` as the repetition (sample id) column."""
        new = self._assemble(self, sources=self._sources, y=self._y,
                             partition=self._partition, sample_ids=self._sample_ids,
                             metadata=self._metadata)
        new._repetition = check_repetition(column, self._metadata)
        return new

    @property
    def n_samples(self) -> int:
        """Number of samples (rows)."""
        return int(self._sources[0].X.shape[0])

    @property
    def n_sources(self) -> int:
        """Number of feature sources."""
        return len(self._sources)

    @property
    def sources(self) -> tuple[FeatureSource, ...]:
        """The feature sources, in order."""
        return self._sources

    @property
    def source_names(self) -> tuple[str, ...]:
        """Names of the feature sources, in order."""
        return tuple(s.name for s in self._sources)

    def source(self, key: int | str = 0) -> FeatureSource:
        """Return a feature source by position or name."""
        if isinstance(key, str):
            for candidate in self._sources:
                if candidate.name == key:
                    return candidate
            raise KeyError(f"no feature source named {key!r}; sources are {self.source_names}")
        return self._sources[key]

    def x(self, source: int | str = 0) -> np.ndarray:
        """Return the read-only spectra of one source."""
        return self.source(source).X

    def wavelengths(self, source: int | str = 0) -> np.ndarray:
        """Return the read-only wavelength axis of one source."""
        return self.source(source).wavelengths

    def unit(self, source: int | str = 0) -> str:
        """Return the unit of the wavelength axis of one source."""
        return self.source(source).unit

    @property
    def y(self) -> np.ndarray | None:
        """Targets: float (n_samples, n_targets) for regression, labels (n_samples,) otherwise."""
        return self._y

    @property
    def task(self) -> str | None:
        """``"regression"``, ``"binary"``, ``"multiclass"``, or None without targets."""
        return self._task

    @property
    def task_given(self) -> bool:
        """Whether the task was given (``task=``) rather than inferred from the targets."""
        return self._task_given

    @property
    def is_classification(self) -> bool:
        """Whether the task is binary or multiclass classification."""
        return self._task in ("binary", "multiclass")

    @property
    def classes(self) -> np.ndarray | None:
        """Sorted distinct labels of a classification dataset, else None."""
        if not self.is_classification or self._y is None:
            return None
        return np.unique(self._y)

    @property
    def target_names(self) -> tuple[str, ...]:
        """Names of the target columns."""
        return self._target_names

    @property
    def n_targets(self) -> int:
        """Number of target columns (0 without targets)."""
        if self._y is None:
            return 0
        return 1 if self._y.ndim == 1 else int(self._y.shape[1])

    @property
    def partition(self) -> np.ndarray:
        """Read-only ``"train"``/``"test"`` label per sample."""
        return self._partition

    @property
    def sample_ids(self) -> np.ndarray:
        """Read-only stable sample identifiers."""
        return self._sample_ids

    @property
    def metadata(self) -> Mapping[str, np.ndarray]:
        """Read-only metadata columns by name."""
        return dict(self._metadata)

    # -- selection --------------------------------------------------------------------------

    def select(self, rows: RowSelection) -> SpectroDataset:
        """Return the dataset restricted to some rows.

        Contiguous rows (a slice, or indices ``k, k+1, ...``) give views; other selections
        give new read-only arrays holding only those rows.
        """
        selection = normalize_rows(rows, self.n_samples)
        return self._assemble(
            self,
            sources=tuple(s.rows(selection) for s in self._sources),
            y=None if self._y is None else readonly_view(self._y[selection]),
            partition=readonly_view(self._partition[selection]),
            sample_ids=readonly_view(self._sample_ids[selection]),
            metadata={k: readonly_view(v[selection]) for k, v in self._metadata.items()},
        )

    def subset(self, partition: str) -> SpectroDataset:
        """Return the rows of one partition (``"train"`` or ``"test"``)."""
        if partition not in PARTITIONS:
            raise ValueError(f"partition must be one of {PARTITIONS}; got {partition!r}")
        return self.select(np.flatnonzero(self._partition == partition))

    @property
    def train(self) -> SpectroDataset:
        """The training partition."""
        return self.subset("train")

    @property
    def test(self) -> SpectroDataset:
        """The test partition."""
        return self.subset("test")

    def with_source(
        self,
        key: int | str,
        X: np.ndarray,
        wavelengths: np.ndarray | None = None,
        unit: str | None = None,
    ) -> SpectroDataset:
        """Return a dataset whose source ``key`` holds new spectra; the rest is shared.

        Without ``wavelengths``, the old axis and unit are kept when the width is unchanged,
        and an ``"index"`` axis is used otherwise.
        """
        old = self.source(key)
        position = self._sources.index(old)
        if wavelengths is None and np.shape(X)[1] == old.n_features:
            wavelengths, unit = old.wavelengths, old.unit
        replaced = FeatureSource(old.name, X, wavelengths, unit or "index")
        if replaced.X.shape[0] != self.n_samples:
            raise ValueError(
                f"new spectra have {replaced.X.shape[0]} rows; the dataset has {self.n_samples}"
            )
        sources = (*self._sources[:position], replaced, *self._sources[position + 1 :])
        return self._assemble(
            self,
            sources=sources,
            y=self._y,
            partition=self._partition,
            sample_ids=self._sample_ids,
            metadata=self._metadata,
        )

    # -- identity ---------------------------------------------------------------------------

    def content_hash(self, *, include_metadata: bool = True) -> str:
        """Full SHA-256 (64 hex) of the dataset's content.

        Covers every source's spectra (dtype, shape, values), wavelength axis and unit, the
        targets, the partition labels, the repetition column and the metadata columns by
        sorted name (groups read them; ``include_metadata=False`` leaves them out).
        Names, sample ids and the task are labels, not content, and do not enter it. The
        arrays are streamed in blocks: no concatenated copy is built. The result is cached.
        """
        cached = self._hash_cache.get(include_metadata)
        if cached is not None:
            return cached
        hasher = ContentHasher("nirs4all.SpectroDataset/1")
        hasher.add_text("n_sources", str(self.n_sources))
        for source in self._sources:
            hasher.add_text("unit", source.unit)
            hasher.add_array("wavelengths", source.wavelengths)
            hasher.add_array("X", source.X)
        if self._y is None:
            hasher.add_text("y", "none")
        else:
            hasher.add_array("y", self._y)
        hasher.add_texts("partition", self._partition.tolist())
        if self._repetition is not None:  # it changes every split, so it is content
            hasher.add_text("repetition", self._repetition)
            hasher.add_array("repetition.values", self._metadata[self._repetition])
        if include_metadata and self._metadata:
            hasher.add_texts("metadata.columns", sorted(self._metadata))
            for key in sorted(self._metadata):
                hasher.add_array(f"metadata.{key}", canonical_column(self._metadata[key]))
        digest = hasher.hexdigest()
        self._hash_cache[include_metadata] = digest
        return digest

    # -- display ----------------------------------------------------------------------------

    def summary(self) -> str:
        """Return a multi-line human-readable description."""
        n_train = int(np.count_nonzero(self._partition == "train"))
        lines = [
            f"SpectroDataset {self.name!r}: {self.n_samples} samples "
            f"({n_train} train, {self.n_samples - n_train} test), task={self._task}",
        ]
        for source in self._sources:
            axis = source.wavelengths
            span = f"{axis[0]:g}..{axis[-1]:g} {source.unit}" if axis.size else "empty axis"
            lines.append(
                f"  source {source.name!r}: {source.n_features} wavelengths, {span}, "
                f"dtype {source.X.dtype}"
            )
        if self._y is not None:
            lines.append(f"  targets: {', '.join(self._target_names)}")
        if self._metadata:
            lines.append(f"  metadata: {', '.join(self._metadata)}")
        lines.append(f"  content hash: {self.content_hash()[:10]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"SpectroDataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"sources={list(self.source_names)}, task={self._task!r})"
        )
