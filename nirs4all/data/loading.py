"""`load_dataset`: one entry point for every way a dataset comes in.

Accepted sources, in the order they are tried:

- a :class:`SpectroDataset` (returned unchanged);
- numpy arrays ``(X, y)`` or ``(X_train, y_train, X_test, y_test)``, or a bare ``X``;
  the 0.x form ``(X, y, {"train": 80})`` (the first 80 rows train, the rest test) or
  ``(X, y, {"train": rows, "test": rows})`` (slices or index lists) splits one array pair;
- a dict describing files (see :mod:`nirs4all.data._config`), or a ``.yaml``/``.json`` file
  holding one (relative paths are relative to that file);
- a folder of ``X``/``Y``/``M`` files named with ``cal`` or ``train`` (training) and ``val``
  or ``test`` (test), such as ``Xcal/Ycal/Xval/Yval`` or ``Xcal_m5/Ycal/Xtest_m5/Ytest``;
  a file that matches no convention is an error (see :mod:`nirs4all.data._folder`);
- a single ``.csv`` / ``.csv.gz`` file of spectra.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.data._assemble import ArrayPart, Part, SourceSpec, assemble
from nirs4all.data._config import config_from_file, parts_from_config
from nirs4all.data._folder import parts_from_folder
from nirs4all.data._folds import with_folds
from nirs4all.data._readers import CsvOptions
from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import DataFileNotFoundError, DatasetConfigError

__all__ = ["NA_POLICIES", "load_dataset"]

NA_POLICIES = ("error", "drop", "keep")


def load_dataset(
    source: Any,
    *,
    delimiter: str | None = None,
    decimal: str | None = None,
    header: bool | None = None,
    encoding: str | None = None,
    wavelength_unit: str | None = None,
    wavelengths: Sequence[float] | np.ndarray | None = None,
    target_columns: Sequence[str | int] | None = None,
    task: str | None = None,
    na_policy: str = "error",
    name: str | None = None,
    signal_type: str | None = None,
    repetition: str | None = None,
    folds: str | Path | None = None,
) -> SpectroDataset:
    """Load spectra, targets and metadata into a :class:`SpectroDataset`.

    Parameters
    ----------
    source : SpectroDataset, array or tuple of arrays, dict, str or Path
        What to load (see the module docstring).
    delimiter : {";", ",", "\\t", "|"}, optional
        Column delimiter of every file; detected per file when omitted.
    decimal : {".", ","}, optional
        Decimal mark of every file; detected per file when omitted (a file whose commas read
        both ways is refused, see ``docs/data-formats.md``).
    header : bool, optional
        Whether files have a header line; detected per file when omitted (the rule for
        targets and metadata files is in ``docs/data-formats.md``). A numeric header of a
        spectra file is its wavelength axis.
    encoding : str, optional
        Text encoding; UTF-8 with a latin-1 fallback by default.
    wavelength_unit : {"nm", "cm-1", "index"}, optional
        Unit of the wavelength axis; inferred from the header's range and direction when
        omitted (see :func:`nirs4all.data._axis.infer_unit`).
    wavelengths : array-like, optional
        Wavelength axis for array sources.
    target_columns : sequence of str or int, optional
        Columns of the targets file to use (names, or 0-based positions); all by default.
    task : {"auto", "regression", "classification", "binary", "multiclass"}, optional
        Override the task detected from the targets.
    na_policy : {"error", "drop", "keep"}
        What to do with samples whose spectra or targets hold NaN or infinite values: raise
        :class:`~nirs4all.errors.NonFiniteValueError` (default), drop them with one warning
        that counts them, or keep them.
    name : str, optional
        Dataset name; defaults to the folder or file name.
    signal_type : str, optional
        What the spectra are (``"absorbance"``, ``"reflectance"``, ``"%R"``..., see
        :func:`~nirs4all.data.signal_type.normalize_signal_type`), recorded on every source.
        When omitted or ``"auto"``, each source records the type
        :func:`~nirs4all.data.signal_type.detect_signal_type` reads from it.
    repetition : str, optional
        Metadata column holding the sample id of each scan, when samples were scanned
        several times (also the ``repetition`` key of a dict or YAML description). Every
        splitter then keeps the repetitions of a sample on one side.
    folds : str or Path, optional
        A fold file (``.csv`` or ``.json``, see :mod:`nirs4all.data._folds`; also the
        ``folds`` key of a description): the folds of a pipeline that has no splitter.

    Returns
    -------
    SpectroDataset
    """
    if na_policy not in NA_POLICIES:
        raise ValueError(f"na_policy must be one of {NA_POLICIES}; got {na_policy!r}")
    if isinstance(source, SpectroDataset):
        source = source if repetition is None else source.with_repetition(repetition)
        return with_folds(source, folds)
    options = CsvOptions(delimiter, decimal, header, encoding, wavelength_unit)
    settings = {
        "target_columns": None if target_columns is None else list(target_columns),
        "task": task,
        "na_policy": na_policy,
        "name": name,
        "signal_type": signal_type,
        "repetition": repetition,
        "folds": None if folds is None else str(folds),
    }
    if isinstance(source, dict):
        parts, settings = parts_from_config(source, options, settings, base=Path.cwd())
        return assemble(parts, **settings)
    if _is_partitioned(source):
        source = _split_partitioned(*source)
    if isinstance(source, np.ndarray) or (
        isinstance(source, (tuple, list)) and source and _all_arrays(source)
    ):
        parts = _parts_from_arrays(source, wavelengths, wavelength_unit)
        settings["name"] = name or "arrays"
        return assemble(parts, **settings)
    if isinstance(source, (str, Path)):
        return _load_path(Path(source), options, settings)
    raise TypeError(
        "load_dataset takes a SpectroDataset, numpy arrays (X, y) or (X_train, y_train, "
        "X_test, y_test), a dict, or a path to a folder, a .csv/.csv.gz, .yaml or .json file; "
        f"got {type(source).__name__}"
    )


def _is_partitioned(source: Any) -> bool:
    return (isinstance(source, tuple) and len(source) == 3 and isinstance(source[2], dict)
            and _all_arrays(source[:2]))


def _rows(spec: Any, n: int, key: str) -> np.ndarray:
    if isinstance(spec, slice):
        return np.arange(n)[spec]
    rows = np.asarray(spec)
    if rows.ndim != 1 or rows.dtype.kind not in "iu" or (rows.size and (
            rows.min() < 0 or rows.max() >= n)):
        raise DatasetConfigError(f"partition {key!r}: expected a slice or a list of row "
                                 f"indices in [0, {n}); got {spec!r}")
    return rows


def _split_partitioned(x: np.ndarray, y: np.ndarray | None,
                       info: dict) -> tuple[np.ndarray, ...]:
    """``(X, y, {"train": 80})`` or ``(X, y, {"train": rows, "test": rows})`` as four arrays."""
    unknown = sorted(set(info) - {"train", "test"})
    if unknown or "train" not in info:
        raise DatasetConfigError(f"partition info takes 'train' (and 'test'); got {sorted(info)}")
    n = len(x)
    train = info["train"]
    if isinstance(train, (int, np.integer)) and not isinstance(train, bool):
        if not 0 < train <= n or "test" in info:
            raise DatasetConfigError(f"partition info {{'train': {train}}} needs 0 < train <= "
                                     f"{n} rows and no 'test'")
        train_rows, test_rows = np.arange(train), np.arange(train, n)
    else:
        train_rows = _rows(train, n, "train")
        test_rows = (np.setdiff1d(np.arange(n), train_rows) if "test" not in info
                     else _rows(info["test"], n, "test"))
    if np.intersect1d(train_rows, test_rows).size:
        raise DatasetConfigError("partition info: a row is in both 'train' and 'test'")
    if y is None:
        raise DatasetConfigError("partition info needs targets: (X, y, {'train': ...})")
    if test_rows.size == 0:
        return (x[train_rows], y[train_rows])
    return (x[train_rows], y[train_rows], x[test_rows], y[test_rows])


def _all_arrays(items: Sequence[Any]) -> bool:
    return all(isinstance(item, np.ndarray) or item is None for item in items)


def _load_path(path: Path, options: CsvOptions, settings: dict) -> SpectroDataset:
    if not path.exists():
        raise DataFileNotFoundError("no such file or folder", path=path)
    if path.is_dir():
        parts, settings = parts_from_folder(path, options, settings)
        return assemble(parts, **settings)
    suffixes = "".join(path.suffixes).lower()
    if suffixes.endswith((".yaml", ".yml", ".json")):
        config = config_from_file(path)
        parts, settings = parts_from_config(config, options, settings, base=path.parent)
        settings["name"] = settings["name"] or path.stem
        return assemble(parts, **settings)
    settings["name"] = settings["name"] or path.name.split(".")[0]
    part = Part("train", sources=[SourceSpec("X", path, options)], y=None, metadata=None)
    return assemble([part], **settings)


def _parts_from_arrays(
    source: Any, wavelengths: Any, unit: str | None
) -> list[Part | ArrayPart]:
    arrays = [source] if isinstance(source, np.ndarray) else list(source)
    if len(arrays) not in (1, 2, 4):
        raise DatasetConfigError(
            f"expected X, (X, y) or (X_train, y_train, X_test, y_test); got {len(arrays)} arrays"
        )
    axis = None if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)
    unit = unit or ("index" if axis is None else "nm")
    parts = [ArrayPart("train", arrays[0], arrays[1] if len(arrays) > 1 else None, axis, unit,
                       labels=("X_train" if len(arrays) == 4 else "X",
                               "y_train" if len(arrays) == 4 else "y"))]
    if len(arrays) == 4:
        parts.append(ArrayPart("test", arrays[2], arrays[3], axis, unit,
                               labels=("X_test", "y_test")))
    return parts
