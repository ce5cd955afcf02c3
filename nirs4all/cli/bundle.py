"""``nirs4all predict`` and ``nirs4all verify``: use and check ``.n4a`` bundles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nirs4all.cli._common import EXIT_INTEGRITY, EXIT_OK, add_json, emit
from nirs4all.errors import DatasetConfigError

if TYPE_CHECKING:
    from nirs4all.data import SpectroDataset
    from nirs4all.workspace.bundle import Bundle

__all__ = ["add_commands", "load_spectra"]

_SPECTRA_SUFFIXES = (".csv", ".csv.gz")
_NOT_SPECTRA = ("y", "m", "meta", "group")  # targets and metadata files, by name start


def _spectra_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if path.is_file() and name.endswith(_SPECTRA_SUFFIXES) and not name.startswith(
                _NOT_SPECTRA):
            found.append(path)
    return found


def load_spectra(path: str | Path) -> SpectroDataset:
    """New spectra to predict: a dataset folder, a description, or a folder or file of
    spectra of any name (``Xval.csv``, ``Xtest.csv``, ``spectra.csv.gz``).

    A folder that is not a dataset (no ``Xcal``/``Xtrain``) must hold exactly one spectra
    file (files whose name starts with ``Y`` or ``M`` are targets and metadata).
    """
    from nirs4all.data import load_dataset

    try:
        return load_dataset(path)
    except DatasetConfigError:
        folder = Path(path)
        if not folder.is_dir():
            raise
        files = _spectra_files(folder)
        if len(files) != 1:
            names = ", ".join(p.name for p in files) or "none"
            raise DatasetConfigError(
                f"{folder}: cannot tell which file holds the spectra to predict (candidates: "
                f"{names}); pass the file itself: nirs4all predict BUNDLE "
                f"{folder / (files[0].name if files else 'spectra.csv')} -o out.csv"
            ) from None
        return load_dataset(files[0])


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


def _predict(args: argparse.Namespace) -> int:
    from nirs4all.api.predict import Predictor

    predictor = Predictor.from_bundle(_read_bundle(args), trusted=args.trusted)
    result = predictor.predict(load_spectra(args.data), resample=args.resample)
    result.to_csv(args.output)
    info = {"bundle": args.bundle, "data": args.data, "output": args.output,
            "predictions": len(result), "chain_id": predictor.chain.chain_id}
    emit(info, args.json, [f"{len(result)} prediction(s) written to {args.output}"])
    return EXIT_OK


def _verify_info(args: argparse.Namespace, bundle: Bundle) -> dict[str, Any]:
    manifest = bundle.manifest
    chain = manifest["chains"][0]
    return {
        "bundle": str(args.bundle), "verified": True, "signed": bundle.signed,
        "signature_checked": bundle.signature_checked, "chain_id": manifest["chain_id"],
        "model_name": chain["model_name"], "preprocessing": chain["preprocessing"],
        "pipeline_id": manifest["pipeline_id"], "dataset_hash": manifest["dataset_hash"],
        "task": manifest["task"], "library_version": manifest["library_version"],
        "created_at": manifest["created_at"], "metrics": manifest["metrics"],
        "sources": [{"name": s["name"], "n_wavelengths": len(s["wavelengths"]),
                     "unit": s["unit"]} for s in manifest["sources"]],
        "steps": [f"{s['kind']}" for s in chain["steps"]],
        "artifacts": len(bundle.artifact_ids()), "untrusted_types": bundle.untrusted_types(),
    }


def _verify(args: argparse.Namespace) -> int:
    info = _verify_info(args, _read_bundle(args))
    checked = ", signature checked" if info["signature_checked"] else ""
    lines = [f"bundle       {args.bundle}: every member verified{checked}",
             f"chain        {info['chain_id']} ({info['model_name']})",
             f"steps        {info['preprocessing']} > {info['model_name']}",
             f"trained on   {info['dataset_hash']} ({info['task']})"]
    lines += [f"source       {s['name']}: {s['n_wavelengths']} wavelengths, {s['unit']}"
              for s in info["sources"]]
    untrusted = info["untrusted_types"]
    lines.append(f"artifacts    {info['artifacts']} (types outside the allow-list: "
                 f"{', '.join(untrusted) or 'none'})")
    emit(info, args.json, lines)
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
    add_json(command)


def add_commands(commands: Any) -> None:
    """Add ``predict`` and ``verify``."""
    predict = commands.add_parser("predict", help="predict new spectra with a bundle")
    predict.add_argument("bundle", help="a .n4a bundle")
    predict.add_argument("data", help="a dataset folder, a folder or file of spectra of any "
                                      "name (Xval.csv, spectra.csv.gz), or a description")
    predict.add_argument("-o", "--output", required=True, help="CSV file to write")
    predict.add_argument("--resample", action="store_true",
                         help="interpolate spectra on another axis onto the training axis")
    predict.add_argument("--trusted", action="store_true",
                         help="allow types outside the allow-list (you vouch for them)")
    _add_bundle_options(predict)
    predict.set_defaults(handler=_predict)

    verify = commands.add_parser(
        "verify", help="check a bundle's integrity and list what it holds, loading nothing")
    verify.add_argument("bundle", help="a .n4a bundle")
    _add_bundle_options(verify)
    verify.set_defaults(handler=_verify)
