"""The ``nirs4all`` command.

Exit codes: 0 success, 2 bad input (a file, an option or the data is at fault),
3 integrity failure (a bundle was changed, is malformed, or needs types nobody vouched
for).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nirs4all.cli_workspace import add_workspace_commands
from nirs4all.errors import BundleIntegrityError, DataError, Nirs4allError, UntrustedBundleError

if TYPE_CHECKING:
    from nirs4all.data import SpectroDataset
    from nirs4all.workspace.bundle import Bundle

# numpy and nirs4all.data are imported inside the commands that use them, so that
# `nirs4all --help` and `nirs4all verify` start fast (benchmarks/startup.py).

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTEGRITY = 3


def _describe(dataset: SpectroDataset) -> dict:
    import numpy as np

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
    from nirs4all.data import load_dataset

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
    from nirs4all.data import generate, load_dataset

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
    if result.workspace is not None:
        print(f"every prediction and fitted model is stored in {result.workspace} "
              "(nirs4all workspace info)")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from nirs4all.api import run

    options = {}
    if args.workspace is not None:
        options["workspace"] = None if args.workspace.lower() == "none" else args.workspace
    result = run(args.pipeline, args.data, random_state=args.seed, n_jobs=args.jobs,
                 refit=False if args.refit == "none" else args.refit,
                 verbose=0 if args.json else 1, name=args.name or "", **options)
    if args.export:
        result.export(args.export)
    if args.json:
        print(json.dumps({
            "seed": result.seed, "variants": result.num_variants,
            "workspace": None if result.workspace is None else str(result.workspace),
            "run_id": result.run_id,
            "top": [{k: v for k, v in s.as_dict().items() if k != "choices"}
                    for s in result.top(args.top)],
            "stats": result.stats,
        }, indent=2, default=_json_default))
    else:
        print(result.summary(args.top))
        if args.export:
            print(f"best chain exported to {args.export}")
    return EXIT_OK


def _json_default(value: object) -> object:
    import numpy as np

    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _bundle_key(args: argparse.Namespace) -> bytes | None:
    """The key of ``--key-file`` (one trailing newline dropped), else None: the variable."""
    if args.key_file is None:
        return None
    try:
        key = Path(args.key_file).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the key file {args.key_file}: {exc.strerror}") from None
    key = key.removesuffix(b"\n").removesuffix(b"\r")
    if not key:
        raise ValueError(f"the key file {args.key_file} is empty")
    return key


def _read_bundle(args: argparse.Namespace) -> Bundle:
    from nirs4all.workspace.bundle import read_bundle

    return read_bundle(args.bundle, key=_bundle_key(args), max_bytes=args.max_bytes)


def _cmd_predict(args: argparse.Namespace) -> int:
    from nirs4all.api.predict import Predictor

    predictor = Predictor.from_bundle(_read_bundle(args), trusted=args.trusted)
    result = predictor.predict(args.data, resample=args.resample)
    result.to_csv(args.output)
    print(f"{len(result)} prediction(s) written to {args.output}")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    bundle = _read_bundle(args)
    manifest = bundle.manifest
    untrusted = bundle.untrusted_types()
    info = {
        "bundle": str(args.bundle), "verified": True, "signed": bundle.signed,
        "signature_checked": bundle.signature_checked, "chain_id": manifest["chain_id"],
        "pipeline_id": manifest["pipeline_id"], "dataset_hash": manifest["dataset_hash"],
        "task": manifest["task"], "library_version": manifest["library_version"],
        "created_at": manifest["created_at"], "metrics": manifest["metrics"],
        "sources": [{"name": s["name"], "n_wavelengths": len(s["wavelengths"]),
                     "unit": s["unit"]} for s in manifest["sources"]],
        "steps": [f"{s['kind']}" for s in manifest["chains"][0]["steps"]],
        "artifacts": len(bundle.artifact_ids()), "untrusted_types": untrusted,
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        chain = manifest["chains"][0]
        print(f"bundle       {args.bundle}: every member verified"
              f"{', signature checked' if bundle.signature_checked else ''}")
        print(f"chain        {manifest['chain_id']} ({chain['model_name']})")
        print(f"steps        {chain['preprocessing']} > {chain['model_name']}")
        print(f"trained on   {manifest['dataset_hash']} ({manifest['task']})")
        for source in info["sources"]:
            print(f"source       {source['name']}: {source['n_wavelengths']} wavelengths, "
                  f"{source['unit']}")
        print(f"artifacts    {info['artifacts']} (types outside the allow-list: "
              f"{', '.join(untrusted) or 'none'})")
    if untrusted:
        print(f"nirs4all: integrity error: {args.bundle} needs types outside nirs4all's "
              f"allow-list: {', '.join(untrusted)} (predict with --trusted only if you vouch "
              "for them)", file=sys.stderr)
        return EXIT_INTEGRITY
    return EXIT_OK


def _add_bundle_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--key-file", metavar="PATH",
                         help="file holding the HMAC key of a signed bundle (default: "
                              "$NIRS4ALL_BUNDLE_KEY); one trailing newline is ignored")
    command.add_argument("--max-bytes", type=int, metavar="N",
                         help="largest total member size to accept (default: "
                              "$NIRS4ALL_BUNDLE_MAX_BYTES, else 1 GiB)")


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

    run_cmd = commands.add_parser("run", help="run a pipeline file on a dataset")
    run_cmd.add_argument("pipeline", help="a .yaml or .json pipeline file")
    run_cmd.add_argument("data", help="a dataset folder, CSV file, or YAML/JSON description")
    run_cmd.add_argument("--seed", type=int, default=None, help="root random seed")
    run_cmd.add_argument("--jobs", type=int, default=1, help="parallel processes")
    run_cmd.add_argument("--refit", choices=["best", "all", "none"], default="best")
    run_cmd.add_argument("--top", type=int, default=5, help="how many chains to show")
    run_cmd.add_argument("--name", help="name of the run")
    run_cmd.add_argument("--workspace",
                         help="workspace folder (default ./workspace or $NIRS4ALL_WORKSPACE; "
                              "'none' keeps results in memory)")
    run_cmd.add_argument("--export", help="write the best chain to this .n4a bundle")
    run_cmd.add_argument("--json", action="store_true", help="print JSON for machines")
    run_cmd.set_defaults(handler=_cmd_run)

    predict_cmd = commands.add_parser("predict", help="predict new spectra with a bundle")
    predict_cmd.add_argument("bundle", help="a .n4a bundle")
    predict_cmd.add_argument("data", help="a dataset folder, CSV file, or description")
    predict_cmd.add_argument("-o", "--output", required=True, help="CSV file to write")
    predict_cmd.add_argument("--resample", action="store_true",
                             help="interpolate spectra on another axis onto the training axis")
    predict_cmd.add_argument("--trusted", action="store_true",
                             help="allow types outside the allow-list (you vouch for them)")
    _add_bundle_options(predict_cmd)
    predict_cmd.set_defaults(handler=_cmd_predict)

    verify_cmd = commands.add_parser(
        "verify", help="check a bundle's integrity and list what it holds, loading nothing")
    verify_cmd.add_argument("bundle", help="a .n4a bundle")
    verify_cmd.add_argument("--json", action="store_true", help="print JSON for machines")
    _add_bundle_options(verify_cmd)
    verify_cmd.set_defaults(handler=_cmd_verify)

    add_workspace_commands(commands)

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
    except (BundleIntegrityError, UntrustedBundleError) as exc:
        print(f"nirs4all: integrity error: {exc}", file=sys.stderr)
        return EXIT_INTEGRITY
    except (DataError, FileNotFoundError, Nirs4allError, ValueError) as exc:
        print(f"nirs4all: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
