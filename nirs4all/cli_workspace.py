"""``nirs4all workspace ...``: look into a workspace, migrate it, collect its garbage."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["add_workspace_commands"]

_TABLES = ("runs", "datasets", "pipelines", "chains", "predictions", "artifacts")


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _print(data: Any, as_json: bool, lines: list[str]) -> None:
    if as_json:
        print(json.dumps(_plain(data), indent=2))
    else:
        print("\n".join(lines))


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
    _print(info, args.json, lines)
    return 0


def _runs(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    if args.delete:
        with workspace.open(args.workspace) as ws:
            data = vars(ws.delete_run(args.delete))
        _print(data, args.json, [f"{k}: {v}" for k, v in data.items()])
        return 0
    with workspace.open(args.workspace, read_only=True) as ws:
        rows = ws.sql("SELECT run_id, name, status, seed, attempts, created_at FROM runs "
                      "ORDER BY created_at").to_pylist()
    lines = [f"{r['run_id'][:10]}  {r['status']:<11} seed {r['seed']:<11} "
             f"attempts {r['attempts']}  {r['name']}" for r in rows] or ["no runs"]
    _print(rows, args.json, lines)
    return 0


def _top(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    with workspace.open(args.workspace, read_only=True) as ws:
        rows = ws.top(args.n, dataset_hash=args.dataset, metric=args.metric).to_pylist()
    keys = ("chain_id", "model_name", "preprocessing", "score_metric", "score", "test_score",
            "dataset_hash")
    rows = [{k: r.get(k) for k in keys} for r in rows]
    lines = [f"{i + 1:>3}  {r['chain_id'][:10]}  {r['score_metric']} {r['score']:.6g}  "
             f"{r['model_name']} / {r['preprocessing']}" for i, r in enumerate(rows)]
    _print(rows, args.json, lines or ["no chains"])
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    if args.from_legacy:
        if not args.to:
            raise ValueError("--from-legacy needs --to NEW_WORKSPACE (the old one is never "
                             "modified)")
        report = workspace.migrate_legacy(args.from_legacy, args.to, trusted=args.trusted)
        _print(report.to_dict(), args.json, [report.summary(), "report: "
                                             f"{Path(args.to) / 'migration-report.json'}"])
        return 0
    with workspace.open(args.workspace) as ws:
        version = ws.sql("SELECT max(version) AS v FROM schema_migrations").to_pylist()[0]["v"]
    _print({"workspace": args.workspace, "schema_version": version}, args.json,
           [f"{args.workspace}: schema at version {version}"])
    return 0


def _gc(args: argparse.Namespace) -> int:
    from nirs4all import workspace

    with workspace.open(args.workspace) as ws:
        report = ws.gc()
    data = {"rows_removed": report.rows_removed, "files_removed": report.files_removed,
            "bytes_freed": report.bytes_freed}
    _print(data, args.json, [f"{k}: {v}" for k, v in data.items()])
    return 0


def add_workspace_commands(commands: Any) -> None:
    """Add ``workspace info|runs|top|migrate|gc`` to the ``nirs4all`` parser."""
    parser = commands.add_parser("workspace", help="inspect and maintain a workspace")
    sub = parser.add_subparsers(dest="workspace_command", required=True)

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("workspace", nargs="?", default="workspace",
                         help="the workspace folder (default: ./workspace)")
        cmd.add_argument("--json", action="store_true", help="print JSON for machines")
        cmd.set_defaults(handler=handler)
        return cmd

    command("info", _info, "row counts, size, schema version and the last run's counters")
    runs = command("runs", _runs, "list the runs (or delete one)")
    runs.add_argument("--delete", metavar="RUN_ID",
                      help="delete this run (its full id: --json lists them), the chains and "
                           "predictions no other run needs and their artifact files")
    top = command("top", _top, "the best chains by pooled cross-validation score")
    top.add_argument("-n", type=int, default=10, help="how many")
    top.add_argument("--dataset", help="only this dataset hash")
    top.add_argument("--metric", help="rank by this metric")
    migrate = command("migrate", _migrate,
                      "bring a workspace to the current schema, or import a 0.x workspace")
    migrate.add_argument("--from-legacy", help="a nirs4all 0.x workspace to import")
    migrate.add_argument("--to", help="the new workspace to import into")
    migrate.add_argument("--trusted", action="store_true",
                         help="load the 0.x joblib files (you vouch for them)")
    command("gc", _gc, "delete artifact files that no chain references")
