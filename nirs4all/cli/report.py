"""``nirs4all report``: run (or resume) a pipeline file and write its HTML report."""

from __future__ import annotations

import argparse
from typing import Any

from nirs4all.cli._common import EXIT_OK, add_json, emit
from nirs4all.cli.run import add_run_options, run_from_args

__all__ = ["add_commands"]


def _report(args: argparse.Namespace) -> int:
    from nirs4all.data import load_dataset

    try:
        from nirs4all.viz.report import write_report
    except ImportError as exc:
        raise ValueError(f"{exc} (the report needs the viz extra: pip install "
                         "'nirs4all[viz]')") from None
    dataset = load_dataset(args.data)
    result = run_from_args(args, quiet=args.json, dataset=dataset)
    path = write_report(result, args.output, datasets=dataset, n_best=args.best)
    info = {"report": str(path), "run_id": result.run_id, "seed": result.seed,
            "variants": result.num_variants, "bytes": path.stat().st_size}
    emit(info, args.json, [f"report of {result.num_variants} variant(s) (seed "
                           f"{result.seed}) written to {path}"])
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``report``."""
    report = commands.add_parser(
        "report", help="run a pipeline file (a stored run is read back, not computed "
        "again) and write one self-contained HTML report")
    add_run_options(report)
    report.add_argument("-o", "--output", required=True, help="the .html file to write")
    report.add_argument("--best", type=int, default=3,
                        help="how many of the best chains get their own figures")
    add_json(report)
    report.set_defaults(handler=_report)
