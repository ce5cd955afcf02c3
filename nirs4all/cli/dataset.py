"""``nirs4all dataset inspect``: shape, axis, unit, task, hash and NaN report of a dataset."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from nirs4all.cli._common import EXIT_OK, add_json, emit

if TYPE_CHECKING:
    from nirs4all.data import SpectroDataset

__all__ = ["add_commands", "describe"]

NO_TARGETS = "unknown (no targets)"


def describe(dataset: SpectroDataset) -> dict[str, Any]:
    """What ``dataset inspect`` reports, as plain data."""
    import numpy as np  # here, not at import: ``nirs4all --help`` loads no numpy

    sources = []
    for source in dataset.sources:
        axis = source.wavelengths
        sources.append({
            "name": source.name,
            "n_wavelengths": source.n_features,
            "axis_start": float(axis[0]) if axis.size else None,
            "axis_stop": float(axis[-1]) if axis.size else None,
            "unit": source.unit,
            "dtype": str(source.X.dtype),
            "nonfinite_values": int(np.count_nonzero(~np.isfinite(source.X))),
            "samples_with_nonfinite": int(np.count_nonzero(
                ~np.isfinite(source.X).all(axis=1))),
        })
    return {
        "name": dataset.name,
        "n_samples": dataset.n_samples,
        "n_train": int(np.count_nonzero(dataset.partition == "train")),
        "n_test": int(np.count_nonzero(dataset.partition == "test")),
        "task": dataset.task if dataset.y is not None else NO_TARGETS,
        "targets": list(dataset.target_names),
        "metadata": list(dataset.metadata),
        "sources": sources,
        "dataset_hash": dataset.content_hash(),
    }


def _lines(info: dict[str, Any]) -> list[str]:
    lines = [f"dataset      {info['name']}",
             f"samples      {info['n_samples']} ({info['n_train']} train, "
             f"{info['n_test']} test)",
             f"task         {info['task']}",
             f"targets      {', '.join(info['targets']) or '-'}",
             f"metadata     {', '.join(info['metadata']) or '-'}"]
    for source in info["sources"]:
        axis = ("no axis" if source["axis_start"] is None else
                f"{source['axis_start']:g}..{source['axis_stop']:g} {source['unit']}")
        lines.append(f"source {source['name']!r}: {source['n_wavelengths']} wavelengths, "
                     f"{axis}, {source['dtype']}, NaN/inf values: "
                     f"{source['nonfinite_values']} in {source['samples_with_nonfinite']} "
                     "sample(s)")
    lines.append(f"dataset_hash {info['dataset_hash']}")
    return lines


def _inspect(args: argparse.Namespace) -> int:
    from nirs4all.data import load_dataset

    info = describe(load_dataset(args.data, na_policy="keep"))
    emit(info, args.json, _lines(info))
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``dataset inspect``."""
    dataset = commands.add_parser("dataset", help="work with datasets")
    sub = dataset.add_subparsers(dest="dataset_command", required=True)
    inspect = sub.add_parser("inspect",
                             help="shape, axis, unit, task, hash and NaN report of a dataset")
    inspect.add_argument("data", help="a dataset folder, CSV file, or YAML/JSON description")
    add_json(inspect)
    inspect.set_defaults(handler=_inspect)
