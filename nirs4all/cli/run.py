"""``nirs4all demo`` and ``nirs4all run``: run pipelines from the shell."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from nirs4all.cli._common import EXIT_OK, add_json, emit, fail

__all__ = ["add_commands", "add_run_options", "run_from_args"]


def _demo_pipeline() -> list:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import KFold

    from nirs4all.operators.transforms import MSC, SNV, SavitzkyGolay

    return [
        {"_or_": [SNV(), MSC(), SavitzkyGolay(window_length=11, polyorder=2, deriv=1)]},
        KFold(5, shuffle=True),
        {"model": PLSRegression, "_range_": [2, 12, 2], "param": "n_components"},
    ]


def _demo(args: argparse.Namespace) -> int:
    from nirs4all.api import run
    from nirs4all.api._tables import render_summary
    from nirs4all.data import generate, load_dataset

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.out) if args.out else Path(scratch) / "demo_dataset"
        generated = generate(args.samples, random_state=args.seed, path=folder)
        loaded = load_dataset(folder)
        if loaded.content_hash() != generated.content_hash():
            return fail("the saved dataset does not load back identically")
        print(f"generated {generated.n_samples} synthetic NIR spectra (seed {args.seed}), "
              f"wrote them to {folder} and read them back identically")
        print(loaded.summary())
        print()
        result = run(_demo_pipeline(), loaded, name="demo", random_state=args.seed,
                     verbose=0 if args.quiet else 1)
    print()
    print(render_summary(result, 5, style="cli", notes=result.notes))
    best = result.best
    print()
    print(f"best chain {best.short_id}: {best.model_name} after {best.preprocessing}; "
          f"RMSECV {best.cv_score:.4g}, test RMSE of the refitted model {result.best_rmse:.4g}, "
          f"test R2 {result.best_r2:.3f}")
    if result.workspace is not None:
        print(f"every prediction and fitted model is stored in {result.workspace} "
              "(nirs4all workspace info)")
    return EXIT_OK


def run_from_args(args: argparse.Namespace, *, quiet: bool, dataset: Any = None) -> Any:
    """``nirs4all.run`` with the options of :func:`add_run_options` (``dataset`` replaces
    ``args.data`` once loaded)."""
    from nirs4all.api import run

    options = {}
    if args.workspace is not None:
        options["workspace"] = None if args.workspace.lower() == "none" else args.workspace
    return run(args.pipeline, args.data if dataset is None else dataset,
               random_state=args.seed, n_jobs=args.jobs,
               refit=False if args.refit == "none" else args.refit,
               verbose=0 if quiet else 1, name=args.name or "", **options)


def _run(args: argparse.Namespace) -> int:
    from nirs4all.api._tables import chain_rows, render_summary

    if args.export and args.refit == "none":
        return fail("--export needs a refitted chain, and --refit none refits nothing: use "
                    "--refit best (the default) or --refit all")
    result = run_from_args(args, quiet=args.json)
    if args.export:
        result.export(args.export)
    info = {
        "name": result.name, "seed": result.seed, "variants": result.num_variants,
        "chains": len(result.chains),
        "workspace": None if result.workspace is None else str(result.workspace),
        "run_id": result.run_id, "notes": sorted(result.notes.values()),
        "failures": [{"variant": o.name, "error": o.error} for o in result.failures],
        "datasets": chain_rows(result, args.top), "stats": result.stats,
        "export": args.export,
    }
    info["top"] = [row for rows in info["datasets"].values() for row in rows]
    text = render_summary(result, args.top, style="cli", notes=result.notes)
    if args.export:
        text += f"\nbest chain exported to {args.export}"
    emit(info, args.json, text)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``demo`` and ``run``."""
    demo = commands.add_parser(
        "demo", help="generate spectra, save and reload them, run a small PLS sweep, print "
        "the top 5")
    demo.add_argument("--samples", type=int, default=300, help="number of spectra")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    demo.add_argument("--out", help="folder to keep the generated CSV files in")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_demo)

    run_cmd = commands.add_parser("run", help="run a pipeline file on a dataset")
    add_run_options(run_cmd)
    run_cmd.add_argument("--top", type=int, default=5, help="how many chains to show")
    run_cmd.add_argument("--export", help="write the best chain to this .n4a bundle")
    add_json(run_cmd)
    run_cmd.set_defaults(handler=_run)


def add_run_options(run_cmd: argparse.ArgumentParser, *, positionals: bool = True) -> None:
    """The options of ``run`` that choose what runs and where it is stored (without the
    ``pipeline`` and ``data`` arguments when ``positionals`` is false)."""
    if positionals:
        run_cmd.add_argument("pipeline", help="a .yaml or .json pipeline file")
        run_cmd.add_argument("data", help="a dataset folder, CSV file, or YAML/JSON "
                             "description")
    run_cmd.add_argument("--seed", type=int, default=None, help="root random seed")
    run_cmd.add_argument("--jobs", type=int, default=1, help="parallel processes")
    run_cmd.add_argument("--refit", choices=["best", "all", "none"], default="best",
                         help="refit the best chain (default), every chain, or none")
    run_cmd.add_argument("--name", help="name of the run")
    run_cmd.add_argument("-w", "--workspace",
                         help="workspace folder (default ./workspace or $NIRS4ALL_WORKSPACE; "
                              "'none' keeps results in memory)")
