"""``nirs4all workspace ...``: look into a workspace, migrate it, collect its garbage."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from nirs4all.cli._common import EXIT_OK, add_json, emit


def format_table(*args: Any, **kwargs: Any) -> list[str]:
    """:func:`nirs4all.api._tables.format_table`, imported on use (``--help`` stays fast)."""
    from nirs4all.api._tables import format_table as render

    return render(*args, **kwargs)

__all__ = ["add_commands"]

_TABLES = ("runs", "datasets", "pipelines", "chains", "predictions", "artifacts")


def _info(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    with workspace.open(args.workspace, read_only=True) as ws:
        counts = {t: ws.sql(f"SELECT count(*) AS n FROM {t}").to_pylist()[0]["n"]  # noqa: S608
                  for t in _TABLES}  # the table names are the fixed constants above
        version = ws.sql("SELECT max(version) AS v FROM schema_migrations").to_pylist()[0]["v"]
        last = ws.sql("SELECT run_id, name, status, seed, stats FROM runs "
                      "ORDER BY updated_at DESC LIMIT 1").to_pylist()
    folder = Path(args.workspace)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    last_run = last[0] if last else None
    if last_run is not None and last_run["stats"]:
        last_run["stats"] = json.loads(last_run["stats"])
    info = {"workspace": str(folder), "schema_version": version, "size_bytes": size,
            "rows": counts, "last_run": last_run}
    lines = [f"workspace      {folder} (schema {version}, {size / 1e6:.1f} MB)"]
    lines += [f"{table:<14} {n}" for table, n in counts.items()]
    if last_run is not None:
        lines.append(f"last run       {last_run['run_id'][:10]} {last_run['name']!r} "
                     f"{last_run['status']} (seed {last_run['seed']})")
        for key, value in sorted((last_run["stats"] or {}).items()):
            shown = f"{value:.3f}" if isinstance(value, float) else value
            lines.append(f"  {key:<22} {shown}")
    emit(info, args.json, lines)
    return EXIT_OK


def _runs(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    if args.delete:
        with workspace.open(args.workspace) as ws:
            data = vars(ws.delete_run(args.delete))
        emit(data, args.json, [f"{k}: {v}" for k, v in data.items()])
        return EXIT_OK
    with workspace.open(args.workspace, read_only=True) as ws:
        rows = ws.sql(
            "SELECT r.run_id, r.name, r.status, r.seed, r.attempts, r.created_at, r.error, "
            "(SELECT count(*) FROM pipelines AS p WHERE p.run_id = r.run_id AND "
            "p.status = 'failed') AS failed_variants, "
            "(SELECT min(p.name || ': ' || p.error) FROM pipelines AS p WHERE "
            "p.run_id = r.run_id AND p.status = 'failed') AS first_variant_error "
            "FROM runs AS r ORDER BY r.created_at").to_pylist()
    for row in rows:  # why it failed: the run's own error, else its first failed variant's
        row["why"] = row["error"] or row["first_variant_error"]
    body = [[r["run_id"][:10], r["status"], r["seed"], r["attempts"], r["failed_variants"],
             r["name"], r["why"] or ""] for r in rows]
    lines = format_table(["run", "status", "seed", "attempts", "failed variants", "name",
                          "why it failed"], body, [False, False, True, True, True, False,
                                                   False]) if rows else ["no runs"]
    emit(rows, args.json, lines)
    return EXIT_OK


def _dataset_hashes(ws: Any, wanted: str | None) -> list[dict[str, Any]]:
    """The datasets to rank: all that have chains, or the one ``wanted`` names."""
    rows = ws.sql("SELECT d.dataset_hash, d.name, d.task FROM datasets AS d WHERE "
                  "d.dataset_hash IN (SELECT dataset_hash FROM chains) "
                  "ORDER BY d.name, d.dataset_hash").to_pylist()
    if wanted is None:
        return rows
    found = [r for r in rows if wanted in (r["name"], r["dataset_hash"])
             or r["dataset_hash"].startswith(wanted.lower())]
    if not found:
        known = ", ".join(f"{r['name']} ({r['dataset_hash'][:10]})" for r in rows) or "none"
        raise ValueError(f"no dataset {wanted!r} in this workspace; datasets with chains: "
                         f"{known}")
    if len(found) > 1:
        raise ValueError(f"{wanted!r} names {len(found)} datasets: "
                         f"{', '.join(r['dataset_hash'][:10] for r in found)}; give a longer "
                         "hash prefix")
    return found


def _ranking_metric(dataset: dict[str, Any], metric: str | None) -> str:
    from nirs4all.pipeline.metrics import DEFAULT_METRIC, available_metrics

    task = dataset["task"] or "regression"
    if metric is None:
        return DEFAULT_METRIC.get(task, "rmse")
    if metric not in available_metrics():
        raise ValueError(f"unknown metric {metric!r}; metrics: {', '.join(available_metrics())}")
    return metric


def _top(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    tables = []
    with workspace.open(args.workspace, read_only=True) as ws:
        for dataset in _dataset_hashes(ws, args.dataset):
            metric = _ranking_metric(dataset, args.metric)
            rows = ws.top(args.n, dataset_hash=dataset["dataset_hash"],
                          metric=metric).to_pylist()
            if not rows and args.metric is not None:
                raise ValueError(f"no chain of dataset {dataset['name']!r} has a {metric} "
                                 f"score (its task is {dataset['task']})")
            tables.append({"dataset": dataset["name"], "dataset_hash": dataset["dataset_hash"],
                           "task": dataset["task"], "metric": metric, "chains": [
                               {"rank": i + 1, "chain_id": r["chain_id"], "score": r["score"],
                                "test_score": r["test_score"], "model_name": r["model_name"],
                                "preprocessing": r["preprocessing"]}
                               for i, r in enumerate(rows)]})
    lines = []
    for table in tables:
        lines.append(f"dataset {table['dataset']} ({table['dataset_hash'][:10]}, "
                     f"{table['task']}), ranked by cv {table['metric']}")
        body = [[c["rank"], table["dataset"], c["chain_id"][:10], c["score"],
                 c["model_name"], c["preprocessing"]] for c in table["chains"]]
        lines += format_table(["#", "dataset", "chain", f"cv {table['metric']}", "model",
                               "preprocessing"], body,
                              [True, False, False, True, False, False])
    emit(tables, args.json, lines or ["no chains"])
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    if args.from_legacy:
        if not args.to:
            raise ValueError("--from-legacy needs --to NEW_WORKSPACE (the old one is never "
                             "modified)")
        report = workspace.migrate_legacy(args.from_legacy, args.to, trusted=args.trusted)
        emit(report.to_dict(), args.json,
             [report.summary(), f"report: {Path(args.to) / 'migration-report.json'}"])
        return EXIT_OK
    with workspace.open(args.workspace) as ws:
        version = ws.sql("SELECT max(version) AS v FROM schema_migrations").to_pylist()[0]["v"]
    emit({"workspace": args.workspace, "schema_version": version}, args.json,
         [f"{args.workspace}: schema at version {version}"])
    return EXIT_OK


def _gc(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    with workspace.open(args.workspace) as ws:
        report = ws.gc()
    data = {"rows_removed": report.rows_removed, "files_removed": report.files_removed,
            "bytes_freed": report.bytes_freed}
    emit(data, args.json, [f"{k}: {v}" for k, v in data.items()])
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``workspace info|runs|top|migrate|gc`` to the ``nirs4all`` parser."""
    parser = commands.add_parser("workspace", help="inspect and maintain a workspace")
    sub = parser.add_subparsers(dest="workspace_command", required=True)

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("workspace", nargs="?", default="workspace",
                         help="the workspace folder (default: ./workspace)")
        add_json(cmd)
        cmd.set_defaults(handler=handler)
        return cmd

    command("info", _info, "row counts, size, schema version and the last run's counters")
    runs = command("runs", _runs, "list the runs, with why a failed run failed (or delete one)")
    runs.add_argument("--delete", metavar="RUN_ID",
                      help="delete this run (its full id: --json lists them), the chains and "
                           "predictions no other run needs and their artifact files")
    top = command("top", _top, "the best chains of each dataset by pooled CV score")
    top.add_argument("-n", type=int, default=10, help="how many per dataset")
    top.add_argument("--dataset", help="only this dataset: its name or a hash prefix")
    top.add_argument("--metric", help="rank by this metric (default: the dataset's task's)")
    migrate = command("migrate", _migrate,
                      "bring a workspace to the current schema, or import a 0.x workspace")
    migrate.add_argument("--from-legacy", help="a nirs4all 0.x workspace to import")
    migrate.add_argument("--to", help="the new workspace to import into")
    migrate.add_argument("--trusted", action="store_true",
                         help="load the 0.x joblib files (you vouch for them)")
    command("gc", _gc, "delete artifact files that no chain references")
