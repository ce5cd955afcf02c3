"""``nirs4all report``: the self-contained HTML report of a stored run, or of a pipeline
file run on a dataset.

``nirs4all report [RUN] -o FILE`` reads run ``RUN`` (a full id or a prefix of 4+ hex
digits; ``latest`` or nothing for the newest completed run) from the workspace and computes
nothing. ``nirs4all report PIPELINE DATA -o FILE`` runs (or resumes) the pipeline first, as
``nirs4all run`` does. One argument is a run; two are a pipeline file and its data.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from nirs4all.cli._common import EXIT_OK, add_json, emit, fail
from nirs4all.cli.run import add_run_options, run_from_args

__all__ = ["add_commands"]

_USAGE = ("give a run (nirs4all report RUN -o FILE; `latest` or nothing for the newest "
          "completed run) or a pipeline file and its data (nirs4all report PIPELINE DATA "
          "-o FILE)")


def _writer() -> Any:
    try:
        from nirs4all import viz
    except ImportError as exc:
        raise ValueError(f"{exc} (the report needs the viz extra: pip install "
                         "'nirs4all[viz]')") from None
    return viz


def _from_pipeline(args: argparse.Namespace) -> int:
    from nirs4all.data import load_dataset

    viz = _writer()
    args.pipeline, args.data = args.inputs
    dataset = load_dataset(args.data)
    result = run_from_args(args, quiet=args.json, dataset=dataset)
    path = viz.write_report(result, args.output, datasets=dataset, n_best=args.best)
    info = {"report": str(path), "run_id": result.run_id, "seed": result.seed,
            "variants": result.num_variants, "bytes": path.stat().st_size,
            "spectra_missing": {}}
    emit(info, args.json, [f"report of {result.num_variants} variant(s) (seed "
                           f"{result.seed}) written to {path}"])
    return EXIT_OK


def _workspace(args: argparse.Namespace) -> Path:
    if args.workspace is not None:
        return Path(args.workspace)
    return Path(os.environ.get("NIRS4ALL_WORKSPACE", "").strip() or "workspace")


def _from_store(args: argparse.Namespace) -> int:
    selector = args.inputs[0] if args.inputs else None
    if selector is not None and Path(selector).is_file():
        return fail(f"{selector} is a file: a pipeline file needs its data (nirs4all report "
                    f"{selector} DATA -o FILE); a stored run is named by its id")
    from nirs4all.api.stored_run import read_stored_run

    viz = _writer()
    stored = read_stored_run(_workspace(args), selector)
    result = stored.result
    path, missing = viz.write_run_report(stored, args.output, n_best=args.best)
    info = {"report": str(path), "run_id": result.run_id, "seed": result.seed,
            "variants": result.num_variants, "bytes": path.stat().st_size,
            "spectra_missing": missing}
    lines = [f"report of stored run {result.run_id[:10]} ({result.num_variants} variant(s), "
             f"seed {result.seed}) written to {path}"]
    lines += [f"  dataset {name}: {why}" for name, why in missing.items()]
    emit(info, args.json, lines)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    if len(args.inputs) > 2:
        return fail(f"{len(args.inputs)} arguments: {_USAGE}")
    return _from_pipeline(args) if len(args.inputs) == 2 else _from_store(args)


def add_commands(commands: Any) -> None:
    """Add ``report``."""
    report = commands.add_parser(
        "report", help="write one self-contained HTML report of a stored run (RUN) or of a "
        "pipeline file run on a dataset (PIPELINE DATA)",
        description=__doc__.split("\n\n", 1)[1].replace("``", ""))
    report.add_argument("inputs", nargs="*", metavar="RUN | PIPELINE DATA",
                        help="one argument: a stored run id, a prefix of it or `latest` "
                             "(default); two: a pipeline file and its data, run first")
    add_run_options(report, positionals=False)
    report.add_argument("-o", "--output", required=True, help="the .html file to write")
    report.add_argument("--best", type=int, default=3,
                        help="how many of the best chains get their own figures")
    add_json(report)
    report.set_defaults(handler=_report)
