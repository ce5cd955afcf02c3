"""`SpectroDataset`: spectra, their wavelength axes, targets, metadata and partitions.

A dataset is immutable. Feature arrays are stored read-only; selecting rows returns a new
dataset whose arrays are views (contiguous rows) or new read-only arrays holding only the
selected rows. Operations that change content (a transform, new targets) return a new dataset
that shares every array they do not change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nirs4all.data.hashing import ContentHasher
from nirs4all.data.signal_type import SignalType, normalize_signal_type

__all__ = ["PARTITIONS", "TASKS", "UNITS", "FeatureSource", "SpectroDataset", "detect_task"]

UNITS = ("nm", "cm-1", "index")
TASKS = ("regression", "binary", "multiclass")
PARTITIONS = ("train", "test")
_TASK_OVERRIDES = (*TASKS, "classification", "auto")

RowSelection = slice | Sequence[int] | np.ndarray


def _frozen(array: np.ndarray) -> np.ndarray:
    """Return ``array`` itself when it is already read-only, else a read-only copy."""
    if array.flags.writeable:
        array = array.copy()
        array.flags.writeable = False
    return array


def _frozen_view(array: np.ndarray) -> np.ndarray:
    """Return a read-only view of an array that this module derived itself."""
    view = array.view()
    view.flags.writeable = False
    return view


def _as_feature_matrix(X: Any, name: str) -> np.ndarray:
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"feature source {name!r} must be a 2D array (samples x wavelengths); "
            f"got {array.ndim} dimension(s) with shape {array.shape}"
        )
    if array.dtype.kind in "iub":
        array = array.astype(np.float64)
    elif array.dtype not in (np.float32, np.float64):
        raise TypeError(
            f"feature source {name!r} must hold float32 or float64 values; got dtype {array.dtype}"
        )
    return _frozen(array)


@dataclass(frozen=True, eq=False)
class FeatureSource:
    """One block of spectra measured on one wavelength axis.

    Parameters
    ----------
    name : str
        Name of the source (``"X"``, ``"nir"``, ``"mir"``...).
    X : ndarray of shape (n_samples, n_wavelengths)
        Spectra, float32 or float64, stored read-only.
    wavelengths : ndarray of shape (n_wavelengths,), optional
        The axis. Defaults to ``0, 1, ..., n_wavelengths - 1`` with unit ``"index"``.
    unit : {"nm", "cm-1", "index"}
        Unit of ``wavelengths``.
    signal_type : SignalType or str, default="unknown"
        What the values are (see :mod:`nirs4all.data.signal_type`); a label, not content.
    """

    name: str
    X: np.ndarray
    wavelengths: np.ndarray | None = None
    unit: str = "index"
    signal_type: SignalType | str = SignalType.UNKNOWN
    _checked: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._checked:
            return
        X = _as_feature_matrix(self.X, self.name)
        if self.unit not in UNITS:
            raise ValueError(
                f"feature source {self.name!r}: unit must be one of {UNITS}; got {self.unit!r}"
            )
        if self.wavelengths is None:
            if self.unit != "index":
                raise ValueError(
                    f"feature source {self.name!r}: unit {self.unit!r} needs a wavelength axis"
                )
            axis = np.arange(X.shape[1], dtype=np.float64)
        else:
            axis = np.asarray(self.wavelengths, dtype=np.float64).reshape(-1)
        if axis.shape[0] != X.shape[1]:
            raise ValueError(
                f"feature source {self.name!r} has {X.shape[1]} columns but its wavelength axis "
                f"has {axis.shape[0]} values"
            )
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "wavelengths", _frozen(axis))
        object.__setattr__(self, "signal_type", normalize_signal_type(self.signal_type))
        object.__setattr__(self, "_checked", True)

    @property
    def n_features(self) -> int:
        """Number of wavelengths (columns)."""
        return int(self.X.shape[1])

    def rows(self, selection: RowSelection) -> FeatureSource:
        """Return this source restricted to some rows (a view when the rows are contiguous)."""
        return FeatureSource(
            self.name, _frozen_view(self.X[selection]), self.wavelengths, self.unit,
            self.signal_type, _checked=True,
        )


def detect_task(y: np.ndarray | None) -> str | None:
    """Detect the learning task from targets.

    Floating-point targets are regression, whatever their values (a count of days stays a
    regression target). Integer, boolean and text labels are classification: ``"binary"``
    with at most two distinct labels, ``"multiclass"`` otherwise. Pass ``task=`` to override.
    """
    if y is None:
        return None
    if y.dtype.kind == "f":
        return "regression"
    n_labels = np.unique(y).shape[0]
    return "binary" if n_labels <= 2 else "multiclass"


def _coerce_targets(y: Any, task: str, n_samples: int) -> tuple[np.ndarray, str]:
    array = np.asarray(y)
    if array.shape[0] != n_samples:
        raise ValueError(f"targets have {array.shape[0]} rows but the features have {n_samples}")
    wants_labels = task in ("classification", "binary", "multiclass")
    if array.ndim == 2 and array.shape[1] == 1 and (array.dtype.kind != "f" or wants_labels):
        array = array[:, 0]
    if array.dtype.kind == "O":
        array = array.astype(str)
    if task == "regression":
        if array.dtype.kind in "US":
            try:
                array = array.astype(np.float64)
            except ValueError as exc:
                raise ValueError(f"task='regression' needs numeric targets: {exc}") from None
        array = array.astype(np.float64, copy=False)
        detected = "regression"
    elif wants_labels:
        if array.ndim != 1:
            raise ValueError(
                f"classification needs one target column; got {array.shape[1]} columns"
            )
        if array.dtype.kind == "f":
            if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
                raise ValueError(
                    "task='classification' with float targets needs integer-valued labels; "
                    "found non-integer values (pass task='regression' or give text labels)"
                )
            array = array.astype(np.int64)
        detected = detect_task(array) or "binary"
        if task != "classification" and task != detected:
            n_labels = np.unique(array).shape[0]
            if task == "binary" or n_labels < 2:
                raise ValueError(
                    f"task={task!r} does not fit targets with {n_labels} distinct labels"
                )
            detected = task
    else:
        detected = detect_task(array) or "regression"
        if detected == "regression" and array.ndim == 1:
            array = array.astype(np.float64, copy=False)
    if detected == "regression" and array.ndim == 1:
        array = array.reshape(-1, 1)
    return _frozen(array), detected


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

    Notes
    -----
    Arrays you pass are copied once and frozen unless they are already read-only.
    """

    __slots__ = (
        "_hash_cache",
        "_metadata",
        "_partition",
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
        if task not in _TASK_OVERRIDES:
            raise ValueError(f"task must be one of {_TASK_OVERRIDES}; got {task!r}")
        self._sources = sources
        self.name = name
        self._task_given = task != "auto"
        if y is None:
            self._y, self._task = None, None
        else:
            self._y, self._task = _coerce_targets(y, task, n_samples)
        self._target_names = self._check_target_names(target_names)
        self._partition = self._check_partition(partition, n_samples)
        self._sample_ids = self._check_sample_ids(sample_ids, n_samples)
        self._metadata = self._check_metadata(metadata or {}, n_samples)
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

    @staticmethod
    def _check_partition(partition: Any, n_samples: int) -> np.ndarray:
        if partition is None:
            return _frozen(np.full(n_samples, "train", dtype="<U5"))
        labels = np.asarray(partition).astype(str)
        if labels.shape != (n_samples,):
            raise ValueError(f"partition must have one label per sample ({n_samples})")
        unknown = sorted(set(np.unique(labels)) - set(PARTITIONS))
        if unknown:
            raise ValueError(f"partition labels must be 'train' or 'test'; got {unknown}")
        return _frozen(labels.astype("<U5"))

    @staticmethod
    def _check_sample_ids(sample_ids: Any, n_samples: int) -> np.ndarray:
        if sample_ids is None:
            return _frozen(np.arange(n_samples, dtype=np.int64))
        ids = np.asarray(sample_ids)
        if ids.shape != (n_samples,) or ids.dtype.kind not in "iu":
            raise ValueError(f"sample_ids must be {n_samples} integers")
        if np.unique(ids).shape[0] != n_samples:
            raise ValueError("sample_ids must be unique")
        return _frozen(ids.astype(np.int64, copy=False))

    @staticmethod
    def _check_metadata(metadata: Mapping[str, Any], n_samples: int) -> dict[str, np.ndarray]:
        columns = {}
        for key, values in metadata.items():
            column = np.asarray(values)
            if column.shape != (n_samples,):
                raise ValueError(
                    f"metadata column {key!r} has shape {column.shape}; expected ({n_samples},)"
                )
            columns[str(key)] = _frozen(column)
        return columns

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
        new.name = template.name
        new._hash_cache = {}
        return new

    # -- shape and access -------------------------------------------------------------------

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
        selection = _normalize_rows(rows, self.n_samples)
        return self._assemble(
            self,
            sources=tuple(s.rows(selection) for s in self._sources),
            y=None if self._y is None else _frozen_view(self._y[selection]),
            partition=_frozen_view(self._partition[selection]),
            sample_ids=_frozen_view(self._sample_ids[selection]),
            metadata={k: _frozen_view(v[selection]) for k, v in self._metadata.items()},
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

    def content_hash(self, *, include_metadata: bool = False) -> str:
        """Full SHA-256 (64 hex) of the dataset's content.

        Covers every source's spectra (dtype, shape, values), wavelength axis and unit, the
        targets and the partition labels; metadata only when ``include_metadata`` is true.
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
        if include_metadata:
            hasher.add_texts("metadata.columns", sorted(self._metadata))
            for key in sorted(self._metadata):
                hasher.add_array(f"metadata.{key}", self._metadata[key])
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


def _normalize_rows(rows: RowSelection, n_samples: int) -> slice | np.ndarray:
    """Turn a row selection into a slice when it is contiguous, else an index array."""
    if isinstance(rows, slice):
        return rows
    index = np.asarray(rows)
    if index.dtype == bool:
        if index.shape != (n_samples,):
            raise IndexError(f"boolean row mask must have length {n_samples}")
        index = np.flatnonzero(index)
    elif index.dtype.kind not in "iu":
        raise IndexError(f"rows must be a slice, a boolean mask or integers; got {index.dtype}")
    index = index.astype(np.int64, copy=False).reshape(-1)
    if index.size and (index.min() < -n_samples or index.max() >= n_samples):
        raise IndexError(f"row index out of range for {n_samples} samples")
    index = np.where(index < 0, index + n_samples, index)
    if index.size == 0:
        return slice(0, 0)
    if index.size == index[-1] - index[0] + 1 and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index
