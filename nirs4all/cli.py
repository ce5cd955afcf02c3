"""The ``nirs4all`` command.

Exit codes: 0 success, 2 bad input (a file, an option or the data is at fault).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nirs4all.data import SpectroDataset, generate, load_dataset
from nirs4all.errors import DataError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _describe(dataset: SpectroDataset) -> dict:
    sources = []
    for source in dataset.sources:
        axis = source.wavelengths
        nan_rows = int(np.count_nonzero(~np.isfinite(source.X).all(axis=1)))
        sources.append({
            "name": source.name,
            "n_wavelengths": source.n_features,
            "axis_start": float(axis[0]) if axis.size else None,
            "axis_stop": float(axis[-1]) if axis.size else None,
            "unit": source.unit,
            "dtype": str(source.X.dtype),
            "nonfinite_values": int(np.count_nonzero(~np.isfinite(source.X))),
            "samples_with_nonfinite": nan_rows,
        })
    return {
        "name": dataset.name,
        "n_samples": dataset.n_samples,
        "n_train": int(np.count_nonzero(dataset.partition == "train")),
        "n_test": int(np.count_nonzero(dataset.partition == "test")),
        "task": dataset.task,
        "targets": list(dataset.target_names),
        "metadata": list(dataset.metadata),
        "sources": sources,
        "dataset_hash": dataset.content_hash(),
    }


def _print_description(info: dict) -> None:
    print(f"dataset      {info['name']}")
    print(f"samples      {info['n_samples']} ({info['n_train']} train, {info['n_test']} test)")
    print(f"task         {info['task']}")
    print(f"targets      {', '.join(info['targets']) or '-'}")
    print(f"metadata     {', '.join(info['metadata']) or '-'}")
    for source in info["sources"]:
        print(f"source {source['name']!r}: {source['n_wavelengths']} wavelengths, "
              f"{source['axis_start']:g}..{source['axis_stop']:g} {source['unit']}, "
              f"{source['dtype']}, NaN/inf values: {source['nonfinite_values']} "
              f"in {source['samples_with_nonfinite']} sample(s)")
    print(f"dataset_hash {info['dataset_hash']}")


def _cmd_inspect(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data, na_policy="keep")
    info = _describe(dataset)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        _print_description(info)
    return EXIT_OK


def _demo_pipeline() -> list:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import KFold

    from nirs4all.operators.transforms import MSC, SNV, SavitzkyGolay

    return [
        {"_or_": [SNV(), MSC(), SavitzkyGolay(window_length=11, polyorder=2, deriv=1)]},
        KFold(5, shuffle=True),
        {"model": PLSRegression, "_range_": [2, 12, 2], "param": "n_components"},
    ]


def _cmd_demo(args: argparse.Namespace) -> int:
    from nirs4all.api import run

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.out) if args.out else Path(scratch) / "demo_dataset"
        generated = generate(args.samples, random_state=args.seed, path=folder)
        loaded = load_dataset(folder)
        if loaded.content_hash() != generated.content_hash():
            print("nirs4all: error: the saved dataset does not load back identically",
                  file=sys.stderr)
            return 1
        print(f"generated {generated.n_samples} synthetic NIR spectra (seed {args.seed}), "
              f"wrote them to {folder} and read them back identically")
        print(loaded.summary())
        print()
        result = run(_demo_pipeline(), loaded, name="demo", random_state=args.seed,
                     verbose=0 if args.quiet else 1)
    print()
    print(result.summary(5))
    best = result.best
    print()
    print(f"best chain {best.short_id}: {best.model_name} after {best.preprocessing}; "
          f"RMSECV {best.cv_score:.4g}, test RMSE of the refitted model {result.best_rmse:.4g}, "
          f"test R2 {result.best_r2:.3f}")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nirs4all", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="generate spectra, save and reload them, run a small PLS sweep, print "
        "the top 5")
    demo.add_argument("--samples", type=int, default=300, help="number of spectra")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    demo.add_argument("--out", help="folder to keep the generated CSV files in")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_cmd_demo)

    dataset = commands.add_parser("dataset", help="work with datasets")
    dataset_commands = dataset.add_subparsers(dest="dataset_command", required=True)
    inspect = dataset_commands.add_parser(
        "inspect", help="shape, axis, unit, task, hash and NaN report of a dataset")
    inspect.add_argument("data", help="a dataset folder, CSV file, or YAML/JSON description")
    inspect.add_argument("--json", action="store_true", help="print JSON for machines")
    inspect.set_defaults(handler=_cmd_inspect)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nirs4all`` command and return its exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except (DataError, FileNotFoundError) as exc:
        print(f"nirs4all: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
