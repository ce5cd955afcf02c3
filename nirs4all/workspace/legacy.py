"""Import a workspace written by nirs4all 0.x into a new 0.8 workspace.

``migrate_legacy(old, new)`` reads ``old/store.duckdb`` (from a copy: the old workspace is
never modified) and ``old/artifacts/``, and writes a new workspace with:

- new SHA-256 identities derived from the 0.x UUIDs (``legacy_ids`` maps old to new);
- fold ids in canonical form: ``"fold_0"`` keys of chains and ``"0"`` ids of predictions
  become ``"0"``; refit rows (a refit context, or a pipeline named ``pipeline_refit``) become
  ``"final"`` with their refit context; ``""`` (no cross-validation) is the ``"final"`` model;
  ``avg`` / ``w_avg`` rows are aggregates, kept in ``legacy_aggregate_predictions``, not folds;
- ``dataset_hash`` unknown (NULL) unless the caller gives the dataset, in which case it is the
  dataset's content hash; the 0.x value is kept in ``legacy_ids.legacy_dataset_hash``;
- artifacts re-addressed by the SHA-256 of their bytes, converted to skops when the caller
  passes ``trusted=True`` (loading joblib runs code: only for a workspace you wrote), copied as
  joblib otherwise; chains whose artifact cannot be verified (missing file, hash mismatch,
  an id two runs share) are reported;
- logical duplicates (a rerun's identical rows under new ids) and artifact id collisions are
  reported and linked, never merged; rows that cannot be written are kept verbatim in
  ``legacy_findings``.

``migration-report.json`` in the new workspace counts rows read, written, normalized,
flagged and quarantined per table, and findings per kind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from nirs4all.data.dataset import SpectroDataset
from nirs4all.workspace._chains import CHAIN_SCHEMA
from nirs4all.workspace._legacy_build import LegacyRows
from nirs4all.workspace._legacy_read import LEGACY_TABLES, legacy_id, load_json, read_table
from nirs4all.workspace._persist import insert_rows
from nirs4all.workspace.errors import (
    ArtifactSerializationError,
    LegacyImportError,
    UntrustedArtifactError,
)
from nirs4all.workspace.schema import STORE_FILE
from nirs4all.workspace.serialization import FORMATS, deserialize, serialize
from nirs4all.workspace.store import Workspace

__all__ = ["REPORT_FILE", "MigrationReport", "migrate_legacy"]

REPORT_FILE = "migration-report.json"
_FORMATS = {"joblib": "joblib", "pickle": "pickle", "pkl": "pickle"}
_COUNTS = ("read", "written", "normalized", "flagged", "quarantined")


@dataclass(frozen=True)
class MigrationReport:
    """What :func:`migrate_legacy` did.

    Attributes
    ----------
    source, target : str
        The 0.x workspace and the new one.
    import_id : str
        Identity of the import (``legacy_imports.import_id``).
    tables : dict
        Per 0.x table: rows ``read``, ``written``, ``normalized`` (a value was changed),
        ``flagged`` (written, with a finding) and ``quarantined`` (kept in the findings only).
    findings : dict
        Number of findings per kind.
    """

    source: str
    target: str
    import_id: str
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (what ``migration-report.json`` holds)."""
        return {"source": self.source, "target": self.target, "import_id": self.import_id,
                "tables": self.tables, "findings": self.findings}

    def summary(self) -> str:
        """A readable table of the counts, for the command line."""
        lines = [f"imported {self.source} into {self.target}",
                 f"{'table':<18}" + "".join(f"{c:>12}" for c in _COUNTS)]
        for table, counts in self.tables.items():
            lines.append(f"{table:<18}" + "".join(f"{counts[c]:>12}" for c in _COUNTS))
        if self.findings:
            lines.append("findings: " + ", ".join(f"{k} {v}" for k, v in self.findings.items()))
        return "\n".join(lines)


def _copy_store(old: Path, into: Path) -> Path:
    """Copy the 0.x DuckDB file (and its WAL) so that opening it cannot touch the original."""
    copy = into / STORE_FILE
    shutil.copy2(old / STORE_FILE, copy)
    wal = old / f"{STORE_FILE}.wal"
    if wal.exists():
        shutil.copy2(wal, into / wal.name)
    return copy


def _read_legacy(old: Path) -> dict[str, list[dict[str, Any]]]:
    with tempfile.TemporaryDirectory(prefix="nirs4all-legacy-") as tmp:
        try:
            con = duckdb.connect(str(_copy_store(old, Path(tmp))))
        except duckdb.Error as exc:
            raise LegacyImportError(f"cannot open {old / STORE_FILE}: {exc}") from exc
        try:
            return {table: read_table(con, table) for table in LEGACY_TABLES}
        finally:
            con.close()


def _import_artifacts(rows: list[dict[str, Any]], old: Path, ws: Workspace, books: LegacyRows,
                      trusted: bool) -> tuple[dict[str, str | None], list[dict[str, Any]]]:
    """Re-address artifact files; return (0.x id -> new id or None, new artifact rows)."""
    mapping: dict[str, str | None] = {}
    new_rows: dict[str, dict[str, Any]] = {}
    counts = books.counts["artifacts"]
    folder = (old / "artifacts").resolve()
    for row in rows:
        counts["read"] += 1
        legacy, path = row["artifact_id"], (folder / str(row["artifact_path"])).resolve()
        mapping[legacy] = None
        fmt = _FORMATS.get(str(row["format"] or "joblib"))
        reason = (f"unsupported format {row['format']!r}" if fmt is None
                  else "path outside artifacts/" if not path.is_relative_to(folder)
                  else None if path.is_file() else "missing file")
        if reason is not None:
            books.quarantine("artifacts", legacy, reason, row)
            continue
        data = path.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        recorded = str(row["content_hash"] or "").removeprefix("sha256:")
        if recorded and recorded != actual:
            counts["flagged"] += 1
            books.find("content_hash_mismatch", "artifacts", legacy,
                       {"recorded": recorded, "actual": actual, "path": str(path)})
            books.quarantine("artifacts", legacy, "bytes do not match the recorded hash", row)
            continue
        if trusted:
            try:
                data, fmt = serialize(deserialize(data, fmt, artifact_id=actual,
                                                  trusted=True), "skops"), "skops"
                counts["normalized"] += 1
            except (ArtifactSerializationError, UntrustedArtifactError) as exc:
                books.find("kept_as_joblib", "artifacts", legacy, {"reason": str(exc)})
        new = hashlib.sha256(data).hexdigest()
        ws.files.write(new, data, FORMATS[fmt])
        mapping[legacy] = new
        counts["written"] += 1
        books.map_id("artifact", legacy, new)
        new_rows[new] = {"artifact_id": new, "format": fmt, "extension": FORMATS[fmt],
                         "size_bytes": len(data), "class_name": row["operator_class"] or "",
                         "created_at": row["created_at"] or datetime.now(UTC).replace(
                             tzinfo=None)}
    known = {str(r["artifact_path"]) for r in rows}
    for file in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = file.relative_to(folder).as_posix()
        if file.is_file() and relative not in known:
            books.find("file_without_row", "artifacts", None,
                       {"path": relative, "size": file.stat().st_size,
                        "sha256": hashlib.sha256(file.read_bytes()).hexdigest()})
    return mapping, list(new_rows.values())


def _collisions(chains: list[dict[str, Any]], pipelines: Mapping[str, str],
                books: LegacyRows) -> set[str]:
    """0.x artifact ids referenced by chains of more than one run: ids built from names."""
    runs_of: dict[str, set[str]] = defaultdict(set)
    chains_of: dict[str, list[str]] = defaultdict(list)
    for chain in chains:
        refs = list(load_json(chain["fold_artifacts"], {}).values())
        for value in load_json(chain["shared_artifacts"], {}).values():
            refs.extend([value] if isinstance(value, str) else list(value or []))
        for ref in set(refs):
            runs_of[ref].add(pipelines.get(chain["pipeline_id"], ""))
            chains_of[ref].append(chain["chain_id"])
    shared = {ref for ref, runs in runs_of.items() if len(runs) > 1}
    for ref in sorted(shared):
        for chain_id in chains_of[ref]:
            books.find("artifact_id_collision", "chains", chain_id,
                       {"artifact_id": ref, "runs": sorted(runs_of[ref])}, related=ref)
    return shared


def _datasets(dataset: SpectroDataset | Mapping[str, SpectroDataset] | None,
              names: set[str]) -> dict[str, SpectroDataset]:
    if dataset is None:
        return {}
    if isinstance(dataset, SpectroDataset):
        if len(names) == 1:
            return {next(iter(names)): dataset}
        return {dataset.name: dataset}
    return dict(dataset)


_TEXT, _REAL, _TIME = pa.string(), pa.float64(), pa.timestamp("us")
_SCORES = pa.map_(pa.string(), pa.float64())
_RUNS = pa.schema([("run_id", _TEXT), ("name", _TEXT), ("seed", pa.int64()), ("spec", _TEXT),
                   ("dataset_hashes", pa.list_(_TEXT)), ("config", _TEXT),
                   ("nirs4all_version", _TEXT), ("status", _TEXT), ("attempts", pa.int32()),
                   ("created_at", _TIME), ("updated_at", _TIME), ("completed_at", _TIME),
                   ("error", _TEXT)])
_PIPELINES = pa.schema([
    ("run_id", _TEXT), ("pipeline_id", _TEXT), ("dataset_hash", _TEXT), ("phase", _TEXT),
    ("name", _TEXT), ("spec", _TEXT), ("choices", _TEXT), ("seed", pa.int64()),
    ("status", _TEXT), ("error", _TEXT), ("duration_s", _REAL),
    ("n_chains", pa.int32()), ("n_predictions", pa.int32()), ("created_at", _TIME)])
_PREDICTIONS = pa.schema([
    ("pipeline_id", _TEXT), ("chain_id", _TEXT), ("fold_id", _TEXT), ("partition", _TEXT),
    ("refit_context", _TEXT), ("dataset_hash", _TEXT), ("metric", _TEXT), ("score", _REAL),
    ("scores", _SCORES), ("n_samples", pa.int32()), ("sample_ids", pa.list_(pa.int64())),
    ("y_true", pa.list_(_REAL)), ("y_pred", pa.list_(_REAL)),
    ("y_true_labels", pa.list_(_TEXT)), ("y_pred_labels", pa.list_(_TEXT)),
    ("y_proba", pa.list_(_REAL)), ("classes", pa.list_(_TEXT)), ("array_meta", _TEXT),
    ("created_at", _TIME)])
_AGGREGATES = pa.schema([
    ("legacy_prediction_id", _TEXT), ("import_id", _TEXT), ("pipeline_id", _TEXT),
    ("chain_id", _TEXT), ("aggregate", _TEXT), ("partition", _TEXT), ("metric", _TEXT),
    ("scores", _SCORES), ("n_samples", pa.int32()), ("sample_ids", pa.list_(pa.int64())),
    ("y_true", pa.list_(_REAL)), ("y_pred", pa.list_(_REAL)), ("y_proba", pa.list_(_REAL))])


def _dedupe(normalized: list[dict[str, Any]], books: LegacyRows) -> list[dict[str, Any]]:
    """Keep the first row (by time, then 0.x id) of each natural key; quarantine the others."""
    kept, seen = [], {}
    for p in sorted(normalized, key=lambda p: (str(p["created_at"]), p["legacy_id"])):
        if p["fold_id"] is not None:
            key = (p["legacy_chain"], p["fold_id"], p["partition"])
            if key in seen:
                books.quarantine("predictions", p["legacy_id"],
                                 f"same natural key as 0.x prediction {seen[key]}", p)
                continue
            seen[key] = p["legacy_id"]
        kept.append(p)
    return kept


def _split_predictions(normalized: list[dict[str, Any]], chains: Mapping[str, dict[str, Any]],
                       books: LegacyRows) -> tuple[list[dict], list[dict]]:
    """Return (prediction rows, aggregate rows) of the rows whose chain was written."""
    rows, aggregates = [], []
    for p in normalized:
        chain = chains.get(p["legacy_chain"])
        if chain is None:
            books.quarantine("predictions", p["legacy_id"], "its chain is not in the store", p)
        elif p["fold_id"] is None:
            books.counts["predictions"]["written"] += 1
            aggregates.append({
                "legacy_prediction_id": p["legacy_id"], "import_id": books.import_id,
                "pipeline_id": chain["pipeline_id"], "chain_id": chain["chain_id"],
                "aggregate": p["aggregate"], "partition": p["partition"],
                "metric": p["metric"], "scores": sorted(p["scores"].items()),
                "n_samples": p["n_samples"], "sample_ids": p["sample_ids"],
                "y_true": p["y_true"], "y_pred": p["y_pred"], "y_proba": p["y_proba"]})
        else:
            rows.append(books.prediction_row(p, chain))
    return rows, aggregates


def _chains_and_predictions(data: dict[str, list[dict[str, Any]]], books: LegacyRows,
                            artifact_map: dict[str, str | None], now: datetime,
                            ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]],
                                       list[dict[str, Any]]]:
    """The chain rows, prediction rows and kept 0.x aggregates; arrays counted in ``books``."""
    arrays = {a["prediction_id"]: a for a in data["prediction_arrays"]}
    listed = {r["prediction_id"] for r in data["predictions"]}
    for orphan in sorted(arrays.keys() - listed):
        books.quarantine("prediction_arrays", orphan, "no prediction row", arrays[orphan])
    normalized = [p for r in data["predictions"]
                  if (p := books.prediction(r, arrays.get(r["prediction_id"])))]
    books.logical_duplicates(normalized)
    normalized = _dedupe(normalized, books)
    by_chain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in normalized:
        by_chain[p["legacy_chain"]].append(p)
    chains = {r["chain_id"]: row for r in data["chains"]
              if (row := books.chain(r, artifact_map, by_chain[r["chain_id"]], now))}
    predictions, aggregates = _split_predictions(normalized, chains, books)
    kept = {p["legacy_prediction_id"] for p in aggregates} | {
        i["legacy_id"] for i in books.ids if i["kind"] == "prediction"}
    counts = books.counts["prediction_arrays"]
    counts["read"] = len(data["prediction_arrays"])
    counts["written"] = len(kept & arrays.keys())
    counts["quarantined"] = counts["read"] - counts["written"]  # with their predictions
    return chains, predictions, aggregates


def _commit(con: duckdb.DuckDBPyConnection, batches: list[tuple[str, list, Any]],
            import_row: list[Any]) -> None:
    """Write every table's rows and the import's own row in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, rows, schema in batches:
            if rows:
                insert_rows(con, table, pa.Table.from_pylist(rows, schema=schema))
        con.execute("INSERT INTO legacy_imports VALUES (?, ?, ?, ?)", import_row)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _write_report(new: Path, report: MigrationReport) -> None:
    """``<new>/migration-report.json``, replaced whole (never half written)."""
    text = json.dumps(report.to_dict(), indent=2, sort_keys=True)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=new)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(temp, new / REPORT_FILE)


def migrate_legacy(old: str | os.PathLike[str], new: str | os.PathLike[str], *,
                   dataset: SpectroDataset | Mapping[str, SpectroDataset] | None = None,
                   trusted: bool = False) -> MigrationReport:
    """Import a nirs4all 0.x workspace into a new workspace (see the module docstring).

    Parameters
    ----------
    old : str or PathLike
        The 0.x workspace folder (``store.duckdb`` and ``artifacts/``); never modified.
    new : str or PathLike
        The new workspace folder: missing or empty.
    dataset : SpectroDataset or mapping of str to SpectroDataset, optional
        The data the 0.x runs used, by 0.x dataset name (a single dataset applies to a store
        of one dataset, else to the 0.x dataset of the same name). Its content hash becomes
        the ``dataset_hash``; without it, ``dataset_hash`` is unknown (NULL).
    trusted : bool
        Load the 0.x joblib artifacts to convert them to skops. Loading joblib runs code:
        pass True only for a workspace you wrote. Otherwise the bytes are copied as joblib.

    Returns
    -------
    MigrationReport
        Also written to ``<new>/migration-report.json``.

    Raises
    ------
    LegacyImportError
        If ``old`` holds no 0.x store, or ``new`` is ``old`` or not empty.
    """
    old, new = Path(old), Path(new)
    if not (old / STORE_FILE).is_file():
        raise LegacyImportError(f"no 0.x store at {old / STORE_FILE}")
    if new.resolve() == old.resolve():
        raise LegacyImportError("the new workspace must be another folder than the 0.x one")
    data = _read_legacy(old)
    now = datetime.now(UTC).replace(tzinfo=None)
    import_id = hashlib.sha256(
        f"nirs4all.legacy/import\n{old.resolve()}\n{now.isoformat()}".encode()).hexdigest()
    with Workspace(new) as ws:
        con = ws._writable()  # the import is part of the workspace's own write path
        if con.execute("SELECT count(*) FROM runs").fetchall()[0][0]:
            raise LegacyImportError(f"{new} already holds runs; import into a new workspace")
        names = {p["dataset_name"] for p in data["pipelines"] if p["dataset_name"]}
        hashes = {name: ws.register_dataset(ds)
                  for name, ds in _datasets(dataset, names).items()}
        books = LegacyRows(import_id, hashes)
        runs = [books.run(r, now) for r in data["runs"]]
        run_map = {r["run_id"]: legacy_id("run", r["run_id"]) for r in data["runs"]}
        pipelines = [p for r in data["pipelines"] if (p := books.pipeline(r, run_map, now))]
        for run in runs:
            run["dataset_hashes"] = sorted({p["dataset_hash"] for p in pipelines
                                            if p["run_id"] == run["run_id"]
                                            and p["dataset_hash"]})
        artifact_map, artifact_rows = _import_artifacts(data["artifacts"], old, ws, books,
                                                        trusted)
        books.suspect_chains = _collisions(
            data["chains"], {p["pipeline_id"]: p["run_id"] for p in data["pipelines"]}, books)
        chains, predictions, aggregates = _chains_and_predictions(data, books, artifact_map,
                                                                  now)
        logs = [books.log(r) for r in data["logs"]]
        findings = Counter(finding["kind"] for finding in books.findings)
        report = MigrationReport(
            str(old), str(new), import_id,
            {t: {c: int(books.counts[t][c]) for c in _COUNTS} for t in LEGACY_TABLES},
            dict(sorted(findings.items())))
        batches = [("runs", runs, _RUNS), ("pipelines", pipelines, _PIPELINES),
                   ("artifacts", artifact_rows, None),
                   ("chains", list(chains.values()), CHAIN_SCHEMA),
                   ("predictions", predictions, _PREDICTIONS),
                   ("legacy_aggregate_predictions", aggregates, _AGGREGATES),
                   ("legacy_ids", books.ids, None), ("legacy_findings", books.findings, None),
                   ("legacy_logs", logs, None)]
        _commit(con, batches, [import_id, str(old.resolve()), now,
                               json.dumps(report.to_dict())])
    _write_report(new, report)
    return report
