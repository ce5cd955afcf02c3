"""From described partitions (files or arrays) to one checked :class:`SpectroDataset`."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nirs4all.data._axis import check_same_axis
from nirs4all.data._columns import read_metadata, read_targets
from nirs4all.data._folds import with_folds
from nirs4all.data._readers import CsvOptions, read_features
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.data.signal_type import SignalType, detect_signal_type, normalize_signal_type
from nirs4all.errors import (
    DatasetConfigError,
    DataWarning,
    NonFiniteValueError,
    RowCountMismatchError,
)

__all__ = ["ArrayPart", "Part", "SourceSpec", "assemble"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceSpec:
    """A feature source to read from a file."""

    name: str
    path: Path
    options: CsvOptions


@dataclass(frozen=True)
class FileSpec:
    """A targets or metadata file to read."""

    path: Path
    options: CsvOptions


@dataclass(frozen=True)
class Part:
    """One partition described by files."""

    partition: str
    sources: list[SourceSpec]
    y: FileSpec | None
    metadata: FileSpec | None


@dataclass(frozen=True)
class ArrayPart:
    """One partition given as arrays; ``labels`` name X and y in error messages."""

    partition: str
    X: np.ndarray
    y: np.ndarray | None
    wavelengths: np.ndarray | None
    unit: str
    labels: tuple[str, str]


@dataclass
class _Block:
    """Loaded content of one partition, with where each piece came from."""

    partition: str
    names: list[str]
    X: list[np.ndarray]
    axes: list[np.ndarray]
    units: list[str]
    where: list[str]
    lines: list[np.ndarray | None]
    y: np.ndarray | None = None
    y_names: tuple[str, ...] = ()
    y_where: str = ""
    y_lines: np.ndarray | None = None
    y_blank: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())
    metadata: dict[str, np.ndarray] | None = None
    m_where: str = ""
    m_blank: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())

    @property
    def n_rows(self) -> int:
        return int(self.X[0].shape[0])


def _read_part(part: Part, target_columns: list | None, task: str | None) -> _Block:
    """Read the files of one partition; each file detects its own dialect.

    The first spectra file's decimal mark is passed to the others only as a tie-break for a
    file whose commas read both ways (see :mod:`nirs4all.data._dialect`).
    """
    block = _Block(part.partition, [], [], [], [], [], [])
    decimal = None
    for spec in part.sources:
        feature = read_features(spec.path, spec.options, sibling_decimal=decimal)
        decimal = decimal or feature.decimal
        block.names.append(spec.name)
        block.X.append(feature.X)
        block.axes.append(feature.wavelengths)
        block.units.append(feature.unit)
        block.where.append(str(feature.path))
        block.lines.append(feature.lines)
    if part.y is not None:
        targets = read_targets(part.y.path, part.y.options, target_columns,
                               expected_rows=block.n_rows, task=task, sibling_decimal=decimal)
        block.y, block.y_names, block.y_where = targets.y, targets.names, str(targets.path)
        block.y_lines, block.y_blank = targets.lines, targets.blank
    if part.metadata is not None:
        meta = read_metadata(part.metadata.path, part.metadata.options,
                             expected_rows=block.n_rows, sibling_decimal=decimal)
        block.metadata, block.m_where, block.m_blank = meta.columns, str(meta.path), meta.blank
    return block


def _array_part(part: ArrayPart) -> _Block:
    X = np.asarray(part.X)
    if X.ndim == 1:
        X = X.reshape(1, -1) if part.y is None else X.reshape(-1, 1)
    if X.ndim != 2:
        raise DatasetConfigError(f"{part.labels[0]} must be 2D (samples x wavelengths); "
                                 f"got shape {X.shape}")
    if X.dtype.kind not in "fiub":
        raise DatasetConfigError(f"{part.labels[0]} must be numeric; got dtype {X.dtype}")
    axis = part.wavelengths if part.wavelengths is not None else np.arange(
        X.shape[1], dtype=np.float64)
    if axis.shape != (X.shape[1],):
        raise DatasetConfigError(
            f"wavelengths has {axis.shape[0]} values but {part.labels[0]} has {X.shape[1]} "
            "columns")
    block = _Block(part.partition, ["X"], [X], [axis], [part.unit], [part.labels[0]], [None])
    if part.y is not None:
        y = np.asarray(part.y)
        if y.dtype.kind == "O":
            y = y.astype(str)
        block.y, block.y_names, block.y_where = y, (), part.labels[1]
    return block


def _row_count_error(where: str, n: int, first: str, n_rows: int,
                     blank: tuple[tuple[int, ...], tuple[int, ...]]) -> RowCountMismatchError:
    inside, trailing = blank
    counts = f"{where} has {n} rows but {first} has {n_rows}"
    if inside and n > n_rows:
        return RowCountMismatchError(
            f"{counts}; line {', '.join(map(str, inside[:5]))} is empty (a blank line inside "
            "the data is a row of missing values: delete it if it is not a sample)",
            path=where, line=inside[0])
    if trailing and n < n_rows:
        return RowCountMismatchError(
            f"{counts}; the file ends with blank line(s) {', '.join(map(str, trailing[:5]))}, "
            "which are not rows: write NA for a missing value on the last rows",
            path=where, line=trailing[0])
    return RowCountMismatchError(f"{counts} (check for a header line or a missing sample)",
                                 path=where)


def _check_rows(block: _Block) -> None:
    first = block.where[0]
    for where, X in zip(block.where[1:], block.X[1:], strict=True):
        if X.shape[0] != block.n_rows:
            raise RowCountMismatchError(
                f"{where} has {X.shape[0]} rows but {first} has {block.n_rows}; every source "
                "needs one spectrum per sample", path=where)
    if block.y is not None and block.y.shape[0] != block.n_rows:
        raise _row_count_error(block.y_where, block.y.shape[0], first, block.n_rows,
                               block.y_blank)
    if block.metadata:
        n_meta = len(next(iter(block.metadata.values())))
        if n_meta != block.n_rows:
            raise _row_count_error(block.m_where, n_meta, first, block.n_rows, block.m_blank)


def _bad_rows(block: _Block, na_policy: str) -> np.ndarray:
    """Rows holding NaN/inf in spectra or numeric targets; raise for policy "error"."""
    bad = np.zeros(block.n_rows, dtype=bool)
    for X, where, lines in zip(block.X, block.where, block.lines, strict=True):
        finite = np.isfinite(X)
        if finite.all():
            continue
        if na_policy == "error":
            row, col = (int(i) for i in np.argwhere(~finite)[0])
            count = int((~finite).sum())
            location = ({"line": int(lines[row]), "column": col + 1} if lines is not None
                        else {})
            at = "" if lines is not None else f" at row {row}, column {col} (0-based)"
            if not finite[row].any() and lines is not None:
                at = " (the whole line is empty or missing)"
            raise NonFiniteValueError(
                f"{count} NaN or infinite value(s) in the spectra; the first is "
                f"{X[row, col]!r}{at}. Fix the data, or pass na_policy='drop' to drop those "
                "samples or na_policy='keep' to keep them", path=where, **location)
        bad |= ~finite.all(axis=1)
    y = block.y
    if y is None or y.dtype.kind not in "fU":
        return bad
    if y.dtype.kind == "f":
        missing = ~np.isfinite(y.reshape(block.n_rows, -1)).all(axis=1)
    else:
        missing = y == ""
    if missing.any() and na_policy == "error":
        row = int(np.flatnonzero(missing)[0])
        at = {} if block.y_lines is None else {"line": int(block.y_lines[row])}
        raise NonFiniteValueError(
            f"{int(missing.sum())} sample(s) have a missing or infinite target; the first is "
            f"at data row {row + 1}. Fix the targets, or pass na_policy='drop'",
            path=block.y_where, **at)
    bad |= missing
    return bad


def _merge_parts(blocks: list[_Block]) -> None:
    train = blocks[0]
    for other in blocks[1:]:
        if other.names != train.names:
            raise DatasetConfigError(
                f"{other.partition} sources {other.names} differ from {train.partition} "
                f"sources {train.names}")
        for i in range(len(train.names)):
            check_same_axis(train.axes[i], train.where[i], other.axes[i], other.where[i])
            if train.units[i] != other.units[i]:
                raise DatasetConfigError(
                    f"{other.where[i]} is in {other.units[i]} but {train.where[i]} is in "
                    f"{train.units[i]}; pass wavelength_unit to settle it")
        if (train.y is None) != (other.y is None):
            missing = other if other.y is None else train
            raise DatasetConfigError(
                f"the {missing.partition} partition has no targets but the other one has; "
                "give targets for both or for neither")
        if train.y is not None and (train.y.dtype.kind == "f") != (other.y.dtype.kind == "f"):
            raise DatasetConfigError(
                f"{train.y_where} and {other.y_where} disagree: one holds numbers, the other "
                "text labels")
        if (train.metadata is None) != (other.metadata is None) or (
            train.metadata and list(train.metadata) != list(other.metadata)
        ):
            raise DatasetConfigError(
                f"metadata of the {train.partition} and {other.partition} partitions differ "
                "(one is missing, or their columns differ)")


def assemble(
    parts: list[Part | ArrayPart],
    *,
    target_columns: list | None,
    task: str | None,
    na_policy: str,
    name: str | None,
    signal_type: str | None = None,
    repetition: str | None = None,
    folds: str | None = None,
) -> SpectroDataset:
    """Read, check and join partitions into one dataset (train rows first).

    Each source records ``signal_type`` when given (not ``"auto"``), else the type
    :func:`~nirs4all.data.signal_type.detect_signal_type` reads from its spectra.
    """
    forced = None if signal_type is None else normalize_signal_type(signal_type)
    blocks = [_array_part(p) if isinstance(p, ArrayPart)
              else _read_part(p, target_columns, task) for p in parts]
    for block in blocks:
        _check_rows(block)
    _merge_parts(blocks)
    keep = [~_bad_rows(b, na_policy) if na_policy != "keep" else np.ones(b.n_rows, bool)
            for b in blocks]
    dropped = {b.partition: int((~k).sum()) for b, k in zip(blocks, keep, strict=True)}
    if sum(dropped.values()):
        detail = ", ".join(f"{n} {p}" for p, n in dropped.items() if n)
        warnings.warn(f"dropped {sum(dropped.values())} sample(s) with NaN or infinite values "
                      f"({detail})", DataWarning, stacklevel=3)
    first = blocks[0]
    sources = []
    for i, source_name in enumerate(first.names):
        X = np.concatenate([b.X[i][k] for b, k in zip(blocks, keep, strict=True)])
        X.flags.writeable = False
        kind = forced
        if kind in (None, SignalType.AUTO):
            kind = detect_signal_type(X, first.axes[i], first.units[i])
        sources.append(FeatureSource(source_name, X, first.axes[i], first.units[i], kind))
    offsets = np.cumsum([0] + [b.n_rows for b in blocks[:-1]])
    ids = np.concatenate([o + np.arange(b.n_rows)[k]
                          for o, b, k in zip(offsets, blocks, keep, strict=True)])
    y = None
    if first.y is not None:
        y = np.concatenate([b.y[k] for b, k in zip(blocks, keep, strict=True)])
    metadata = None
    if first.metadata:
        metadata = {c: np.concatenate([b.metadata[c][k]
                                       for b, k in zip(blocks, keep, strict=True)])
                    for c in first.metadata}
    partition = np.concatenate([np.full(int(k.sum()), b.partition)
                                for b, k in zip(blocks, keep, strict=True)])
    logger.debug("assembled dataset", extra={"n_samples": int(ids.shape[0])})
    return with_folds(SpectroDataset(
        sources, y, partition=partition, sample_ids=ids, metadata=metadata,
        task=task or "auto", target_names=first.y_names or None, name=name or "dataset",
        repetition=repetition,
    ), folds)  # the folds key: see _folds.py
