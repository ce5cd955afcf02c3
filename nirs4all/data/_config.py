"""Dataset descriptions: dicts, and YAML/JSON files holding one (folders: see ``_folder``).

A dict description names the files of each partition and, optionally, reading options::

    {
        "train_x": "Xcal.csv.gz",            # or a list of files: one source each
        "train_y": "Ycal.csv",
        "train_m": "Mcal.csv",                # metadata (optional)
        "test_x": "Xval.csv.gz",
        "test_y": "Yval.csv",
        "delimiter": ";", "decimal": ",", "header": True, "wavelength_unit": "cm-1",
        "target_columns": ["protein"], "task": "regression", "na_policy": "error",
        "name": "wheat",
    }

A file entry is a path, or a dict ``{"path": ..., "name": ..., <reading options>}`` whose
options apply to that file only. ``x_train``/``xcal`` and the other usual spellings are
accepted as aliases. Unknown keys are an error: nothing is silently ignored.

The 0.x loader block ``"params": {"has_header": ..., "delimiter": ..., "decimal_separator":
...}`` is read as the reading options ``header``, ``delimiter`` and ``decimal``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from nirs4all.data._assemble import ArrayPart, FileSpec, Part, SourceSpec
from nirs4all.data._folder import parts_from_folder
from nirs4all.data._readers import CsvOptions
from nirs4all.errors import DatasetConfigError

__all__ = ["config_from_file", "parts_from_config"]

_OPTION_KEYS = ("delimiter", "decimal", "header", "encoding", "wavelength_unit")
_SETTING_KEYS = ("target_columns", "task", "na_policy", "name", "repetition", "folds")
_ROLES = {
    "train_x": ("x_train", "xtrain", "xcal", "x_cal"),
    "train_y": ("y_train", "ytrain", "ycal", "y_cal"),
    "train_m": ("m_train", "mtrain", "mcal", "m_cal", "train_metadata", "metadata_train"),
    "test_x": ("x_test", "xtest", "xval", "x_val"),
    "test_y": ("y_test", "ytest", "yval", "y_val"),
    "test_m": ("m_test", "mtest", "mval", "m_val", "test_metadata", "metadata_test"),
}
_ALIASES = {alias: role for role, aliases in _ROLES.items() for alias in (role, *aliases)}
_LEGACY_PARAMS = {"has_header": "header", "delimiter": "delimiter",
                  "decimal_separator": "decimal", "decimal": "decimal", "header": "header",
                  "encoding": "encoding"}


def _legacy_params(config: dict) -> dict:
    """The description with a 0.x ``params`` block turned into reading options."""
    if "params" not in config:
        return config
    params = config["params"]
    if not isinstance(params, dict):
        raise DatasetConfigError(f"'params' must be a mapping of loader options; got "
                                 f"{type(params).__name__}")
    unknown = sorted(set(params) - set(_LEGACY_PARAMS))
    if unknown:
        raise DatasetConfigError(f"unknown loader option(s) {unknown} in 'params'; allowed "
                                 f"are {sorted(_LEGACY_PARAMS)}")
    out = {k: v for k, v in config.items() if k != "params"}
    for key, value in params.items():
        option = _LEGACY_PARAMS[key]
        if option in out and out[option] != value:
            raise DatasetConfigError(f"'params.{key}' and '{option}' disagree")
        out[option] = value
    return out


def config_from_file(path: Path) -> dict:
    """Read a dataset description from a ``.yaml``/``.yml`` or ``.json`` file."""
    text = path.read_text(encoding="utf-8")
    try:
        config = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise DatasetConfigError(f"cannot parse the dataset description: {exc}",
                                 path=path) from None
    if not isinstance(config, dict):
        raise DatasetConfigError("a dataset description must be a mapping of keys to values",
                                 path=path)
    return config


def _file_entry(value: Any, default_name: str, options: CsvOptions, base: Path,
                key: str) -> tuple[str, Path, CsvOptions]:
    if isinstance(value, (str, Path)):
        path = Path(value)
        return default_name, path if path.is_absolute() else base / path, options
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"path", "name", *_OPTION_KEYS})
        if unknown or "path" not in value:
            raise DatasetConfigError(
                f"{key}: a file entry needs 'path' and may have 'name' and {_OPTION_KEYS}; "
                f"got keys {sorted(value)}")
        name, path, _ = _file_entry(value["path"], value.get("name", default_name), options,
                                    base, key)
        overrides = {k: value[k] for k in _OPTION_KEYS if k in value}
        return str(name), path, options.merged(overrides)
    raise DatasetConfigError(f"{key}: expected a path or a file entry dict; "
                             f"got {type(value).__name__}")


def _sources(value: Any, options: CsvOptions, base: Path, key: str) -> list[SourceSpec]:
    if isinstance(value, (list, tuple)):
        entries = [_file_entry(v, f"X{i}", options, base, key) for i, v in enumerate(value)]
        if not entries:
            raise DatasetConfigError(f"{key} is an empty list")
        if len(entries) == 1:
            entries = [("X", entries[0][1], entries[0][2])]
    else:
        entries = [_file_entry(value, "X", options, base, key)]
    return [SourceSpec(name, path, opts) for name, path, opts in entries]


def parts_from_config(config: dict, options: CsvOptions, settings: dict,
                      base: Path) -> tuple[list, dict]:
    """Turn a dict description into partitions and assembly settings."""
    config = _legacy_params(config)
    roles: dict[str, Any] = {}
    for key, value in config.items():
        lowered = str(key).lower()
        if lowered in _ALIASES:
            role = _ALIASES[lowered]
            if role in roles:
                raise DatasetConfigError(f"{role} is given twice (as {key!r} and an alias)")
            roles[role] = value
        elif lowered not in (*_OPTION_KEYS, *_SETTING_KEYS, "folder"):
            allowed = sorted({*_ALIASES, *_OPTION_KEYS, *_SETTING_KEYS, "folder"})
            raise DatasetConfigError(f"unknown key {key!r} in the dataset description; "
                                     f"allowed keys are {allowed}")
    options = options.merged({k: config[k] for k in _OPTION_KEYS if k in config})
    settings = {**settings, **{k: config[k] for k in _SETTING_KEYS if k in config}}
    if "folds" in config and not Path(str(config["folds"])).is_absolute():  # beside the file
        settings["folds"] = str(base / str(config["folds"]))
    if "folder" in config:
        if roles:
            raise DatasetConfigError("give either 'folder' or file keys, not both")
        folder = Path(config["folder"])
        return parts_from_folder(folder if folder.is_absolute() else base / folder, options,
                                 settings)
    if "train_x" not in roles:
        raise DatasetConfigError("the dataset description needs 'train_x' (the training "
                                 "spectra); also accepted: x_train, xcal")
    parts = []
    for partition in ("train", "test"):
        x = roles.get(f"{partition}_x")
        if x is None:
            extra = [r for r in (f"{partition}_y", f"{partition}_m") if r in roles]
            if extra:
                raise DatasetConfigError(f"{extra} given without {partition}_x")
            continue
        if isinstance(x, np.ndarray):
            parts.append(ArrayPart(partition, x, roles.get(f"{partition}_y"), None, "index",
                                   labels=(f"{partition}_x", f"{partition}_y")))
            continue
        y, m = roles.get(f"{partition}_y"), roles.get(f"{partition}_m")
        parts.append(Part(
            partition,
            _sources(x, options, base, f"{partition}_x"),
            None if y is None else FileSpec(*_file_entry(y, "y", options, base,
                                                         f"{partition}_y")[1:]),
            None if m is None else FileSpec(*_file_entry(m, "m", options, base,
                                                         f"{partition}_m")[1:]),
        ))
    return parts, settings
