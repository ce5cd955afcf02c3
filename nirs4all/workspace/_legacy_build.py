"""New rows from 0.x rows: identities, fold keys, refit labels, scores, chain steps.

:class:`LegacyRows` turns the rows read by :mod:`nirs4all.workspace._legacy_read` into rows of
the 0.8 tables and keeps the books: per-table counts (read, written, normalized, flagged,
quarantined) and findings (what was changed or could not be verified, with the row).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np

from nirs4all.pipeline.folds import FINAL, FoldKeyError
from nirs4all.pipeline.metrics import pooled_score
from nirs4all.workspace._legacy_read import (
    chain_fold_key,
    fold_key,
    legacy_id,
    load_json,
    normalize_partition,
    scores_of,
)
from nirs4all.workspace.schema import higher_is_better

__all__ = ["LegacyRows", "jsonable"]

_RUN_STATUS = {"completed": "completed", "failed": "failed"}


def jsonable(value: Any) -> Any:
    """Return ``value`` with datetimes as ISO text and bytes as hex (for findings' JSON)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot record a {type(value).__name__} in a finding")


def _ints(value: Any) -> list[int] | None:
    data = load_json(value, [])
    if isinstance(data, int) and not isinstance(data, bool):
        return [data]
    if isinstance(data, list) and all(isinstance(i, int) and not isinstance(i, bool)
                                      for i in data):
        return list(data)
    return None


class LegacyRows:
    """Books and builders of one import.

    Parameters
    ----------
    import_id : str
        Identity of this import.
    datasets : mapping of str to str
        0.x dataset name -> dataset content hash, for the datasets the caller gave.
    """

    def __init__(self, import_id: str, datasets: Mapping[str, str]) -> None:
        self.import_id = import_id
        self.datasets = dict(datasets)
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.findings: list[dict[str, Any]] = []
        self.ids: list[dict[str, Any]] = []
        self.run_of_pipeline: dict[str, str] = {}
        self.pipeline_rows: dict[str, dict[str, Any]] = {}
        self.suspect_chains: set[str] = set()

    def find(self, kind: str, table: str, legacy: str | None, detail: Mapping[str, Any],
             related: str | None = None) -> None:
        """Record a finding."""
        self.findings.append({"import_id": self.import_id, "kind": kind, "legacy_table": table,
                              "legacy_id": legacy, "related_id": related,
                              "detail": json.dumps(jsonable(dict(detail)), sort_keys=True)})

    def quarantine(self, table: str, legacy: str | None, reason: str, row: Mapping) -> None:
        """Keep a row that cannot be written, verbatim, in the findings."""
        self.counts[table]["quarantined"] += 1
        self.find("quarantined_row", table, legacy, {"reason": reason, "row": dict(row)})

    def map_id(self, kind: str, legacy: str, new: str, **extra: Any) -> None:
        self.ids.append({"kind": kind, "legacy_id": legacy, "new_id": new,
                         "import_id": self.import_id, "legacy_name": extra.get("name"),
                         "legacy_dataset_hash": extra.get("dataset_hash")})

    # -- runs and pipelines -----------------------------------------------------------------

    def run(self, row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """Return the 0.8 row of a 0.x run (a run left ``running`` is ``interrupted``)."""
        self.counts["runs"]["read"] += 1
        status = _RUN_STATUS.get(str(row["status"]), "interrupted")
        if status == "interrupted":
            self.counts["runs"]["normalized"] += 1
        new = legacy_id("run", row["run_id"])
        self.map_id("run", row["run_id"], new, name=row["name"])
        self.counts["runs"]["written"] += 1
        created = row["created_at"] or now
        config = {"legacy": {"datasets": load_json(row["datasets"], None),
                             "summary": load_json(row["summary"], None)}}
        return {"run_id": new, "name": row["name"], "seed": None,
                "spec": json.dumps(load_json(row["config"], {})),
                "dataset_hashes": [],
                "config": json.dumps(jsonable(config), sort_keys=True),
                "nirs4all_version": "0.x", "status": status, "attempts": 1,
                "created_at": created, "updated_at": row["completed_at"] or created,
                "completed_at": row["completed_at"], "error": row["error"]}

    def pipeline(self, row: Mapping[str, Any], runs: Mapping[str, str], now: datetime,
                 ) -> dict[str, Any] | None:
        """Return the 0.8 row of a 0.x pipeline, or None (quarantined: unknown run)."""
        table = "pipelines"
        self.counts[table]["read"] += 1
        run_id = runs.get(row["run_id"])
        if run_id is None:
            self.quarantine(table, row["pipeline_id"], "its run is not in the store", row)
            return None
        dataset_hash = self.datasets.get(row["dataset_name"])
        if dataset_hash is None:
            self.counts[table]["flagged"] += 1
            self.find("dataset_hash_unknown", table, row["pipeline_id"],
                      {"dataset_name": row["dataset_name"],
                       "legacy_dataset_hash": row["dataset_hash"]})
        status = row["status"] if row["status"] in ("completed", "failed") else "failed"
        error = row["error"]
        if status != row["status"]:
            self.counts[table]["normalized"] += 1
            error = error or f"left with status {row['status']!r} by nirs4all 0.x"
        new = legacy_id("pipeline", row["pipeline_id"])
        self.map_id("pipeline", row["pipeline_id"], new, name=row["name"],
                  dataset_hash=row["dataset_hash"])
        self.run_of_pipeline[row["pipeline_id"]] = run_id
        duration = row["duration_ms"]
        out = {"run_id": run_id, "pipeline_id": new, "dataset_hash": dataset_hash,
               "phase": "refit" if row["name"] == "pipeline_refit" else "cv",
               "name": row["name"], "spec": json.dumps(load_json(row["expanded_config"], {})),
               "choices": json.dumps(load_json(row["generator_choices"], [])), "seed": None,
               "status": status, "error": error,
               "duration_s": None if duration is None else duration / 1000.0,
               "n_chains": 0, "n_predictions": 0,
               "created_at": row["created_at"] or now}
        self.pipeline_rows[row["pipeline_id"]] = out
        self.counts[table]["written"] += 1
        return out

    def log(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Return the ``legacy_logs`` row of a 0.x step log."""
        self.counts["logs"]["read"] += 1
        self.counts["logs"]["written"] += 1
        known = row["pipeline_id"] in self.pipeline_rows
        return {"import_id": self.import_id, "log_id": row["log_id"],
                "legacy_pipeline_id": row["pipeline_id"],
                "pipeline_id": legacy_id("pipeline", row["pipeline_id"]) if known else None,
                "step_idx": row["step_idx"], "operator_class": row["operator_class"],
                "event": row["event"], "duration_ms": row["duration_ms"],
                "message": row["message"],
                "details": json.dumps(jsonable(load_json(row["details"], None))),
                "level": row["level"], "created_at": row["created_at"]}

    # -- chains -----------------------------------------------------------------------------

    def chain_steps(self, row: Mapping[str, Any], artifacts: Mapping[str, str | None],
                    refit: bool) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """Return (steps, fold keys, unresolved 0.x artifact ids) of a 0.x chain."""
        fold_map: dict[str, str] = {}
        respelled = False
        for legacy_key, ref in sorted(load_json(row["fold_artifacts"], {}).items()):
            key = chain_fold_key(legacy_key)
            if key is None:
                self.find("unknown_fold_key", "chains", row["chain_id"], {"key": legacy_key})
                continue
            respelled = respelled or key != legacy_key
            fold_map[key] = ref
        if refit and list(fold_map) == ["0"]:
            # 0.x stored the refitted model of a pipeline_refit chain as "fold_0".
            fold_map = {FINAL: fold_map["0"]}
            self.find("refit_fold_relabelled", "chains", row["chain_id"], {"key": "fold_0"})
        self.counts["chains"]["normalized"] += respelled
        folds = sorted(fold_map, key=lambda k: (k == FINAL, int(k) if k != FINAL else 0))
        folds = folds or [FINAL]
        shared = load_json(row["shared_artifacts"], {})
        legacy_steps = list(load_json(row["steps"], []))
        model_step = row["model_step_idx"]
        listed = {s.get("step_idx") for s in legacy_steps}
        extra = {int(k) for k in shared if k.isdigit()} | {model_step}
        legacy_steps += [{"step_idx": i, "operator_class": row["model_class"]
                          if i == model_step else None} for i in sorted(extra - listed)]
        legacy_steps.sort(key=lambda s: s.get("step_idx", 0))
        unresolved: list[str] = []

        def resolve(ref: str) -> str | None:
            new = artifacts.get(ref)
            if new is None:
                unresolved.append(ref)
            return new

        steps = []
        for step in legacy_steps:
            index = int(step.get("step_idx", 0))
            spec = json.dumps({"class": step.get("operator_class"),
                               "params": jsonable(step.get("params"))}, sort_keys=True)
            base = {"index": index, "kind": "model" if index == model_step else "transform",
                    "spec": spec, "branch_path": []}
            if index == model_step and fold_map:
                resolved = {k: resolve(fold_map[k]) for k in folds}
                steps.append({**base, "artifacts": {k: v for k, v in resolved.items() if v}})
                continue
            refs = shared.get(str(index)) or step.get("artifact_ids") or []
            refs = [refs] if isinstance(refs, str) else list(refs)
            if len(refs) > 1:
                self.find("multi_artifact_step", "chains", row["chain_id"],
                          {"step": index, "artifacts": refs})
            for ref in refs or [None]:
                new = None if ref is None else resolve(ref)
                steps.append({**base, "artifacts": dict.fromkeys(folds, new) if new else {}})
        return steps, folds, unresolved

    def chain(self, row: Mapping[str, Any], artifacts: Mapping[str, str | None],
              predictions: list[Mapping[str, Any]], now: datetime) -> dict[str, Any] | None:
        """Return the 0.8 row of a 0.x chain, or None (quarantined: unknown pipeline)."""
        table = "chains"
        self.counts[table]["read"] += 1
        pipeline = self.pipeline_rows.get(row["pipeline_id"])
        if pipeline is None:
            self.quarantine(table, row["chain_id"], "its pipeline is not in the store", row)
            return None
        steps, folds, unresolved = self.chain_steps(row, artifacts,
                                                    refit=pipeline["phase"] == "refit")
        flagged = bool(unresolved) or row["chain_id"] in self.suspect_chains
        for ref in unresolved:
            self.find("unverified_artifact_reference", table, row["chain_id"],
                      {"artifact_id": ref}, related=ref)
        branch = _ints(row["branch_path"])
        if branch is None:
            flagged = True
            self.find("branch_path_unreadable", table, row["chain_id"],
                      {"branch_path": row["branch_path"]})
            branch = []
        names = sorted({p["model_name"] for p in predictions if p["model_name"]})
        metrics = sorted({p["metric"] for p in predictions if p["metric"]})
        metric = metrics[0] if metrics else "unknown"
        cv_rows = [p for p in predictions if p["partition"] == "val"
                   and p["fold_id"] not in (None, FINAL)]
        fold_scores = {p["fold_id"]: p["scores"] for p in cv_rows}
        test_scores = next((p["scores"] for p in predictions
                            if p["partition"] == "test" and p["fold_id"] == FINAL), {})
        cv_scores = self._pooled(metric, cv_rows)
        self.counts[table]["flagged"] += flagged
        self.counts[table]["written"] += 1
        new = legacy_id("chain", row["chain_id"])
        self.map_id("chain", row["chain_id"], new)
        pipeline["n_chains"] += 1
        artifact_ids = sorted({a for s in steps for a in s["artifacts"].values()})
        return {"chain_id": new, "pipeline_id": pipeline["pipeline_id"],
                "dataset_hash": pipeline["dataset_hash"],
                "model_step": int(row["model_step_idx"] or 0),
                "model_name": names[0] if names else str(row["model_class"]).rsplit(".")[-1],
                "model_class": row["model_class"] or "unknown", "branch_path": branch,
                "steps": json.dumps(steps, sort_keys=True), "artifact_ids": artifact_ids,
                "source_chains": [], "fold_ids": folds, "metric": metric,
                "higher_is_better": higher_is_better(metric),
                "cv_score": cv_scores.get(metric), "test_score": test_scores.get(metric),
                "cv_scores": sorted(cv_scores.items()),
                "fold_scores": [(k, sorted(v.items())) for k, v in sorted(fold_scores.items())],
                "test_scores": sorted(test_scores.items()),
                "preprocessing": row["preprocessings"] or "",
                "created_at": row["created_at"] or now, "updated_at": now}

    @staticmethod
    def _pooled(metric: str, rows: list[Mapping[str, Any]]) -> dict[str, float]:
        """The pooled CV score 0.x never stored, recomputed from the fold arrays if present."""
        pairs = [(r["y_true"], r["y_pred"]) for r in rows]
        if not pairs or any(t is None or p is None for t, p in pairs):
            return {}
        try:
            value = pooled_score(metric, [np.asarray(t) for t, _ in pairs],
                                 [np.asarray(p) for _, p in pairs])
        except (ValueError, KeyError):
            return {}
        return {metric: value} if math.isfinite(value) else {}

    # -- predictions ------------------------------------------------------------------------

    def prediction(self, row: Mapping[str, Any], arrays: Mapping[str, Any] | None,
                   ) -> dict[str, Any] | None:
        """Return a 0.x prediction with canonical labels, or None (quarantined).

        The result keeps the 0.x ids (``legacy_id``, ``legacy_pipeline``, ``legacy_chain``);
        ``fold_id`` is None for an aggregate row, whose kind is in ``aggregate``.
        """
        table = "predictions"
        self.counts[table]["read"] += 1
        legacy = row["prediction_id"]
        pipeline = self.pipeline_rows.get(row["pipeline_id"])
        if pipeline is None:
            self.quarantine(table, legacy, "its pipeline is not in the store", row)
            return None
        partition = normalize_partition(row["partition"])
        try:
            fold, context, notes = fold_key(row["fold_id"], row["refit_context"],
                                            pipeline["name"])
        except FoldKeyError as exc:
            self.quarantine(table, legacy, f"fold id: {exc}", row)
            return None
        if partition is None:
            self.quarantine(table, legacy, f"unknown partition {row['partition']!r}", row)
            return None
        if not row["chain_id"]:
            self.quarantine(table, legacy, "no chain (0.x flushed it without one)", row)
            return None
        scores, score_notes = scores_of(row, refit=context is not None)
        notes += score_notes
        if partition != row["partition"]:
            notes.append("partition_spelling")
        y_true, y_pred, y_proba, sample_ids = (
            (None, None, None, None) if arrays is None else
            (arrays["y_true"], arrays["y_pred"], arrays["y_proba"], arrays["sample_indices"]))
        for note in notes:
            if note != "aggregate":
                self.find(note, table, legacy, {"fold_id": row["fold_id"],
                                                "refit_context": row["refit_context"]})
        changes = [n for n in notes if n != "aggregate"]
        self.counts[table]["normalized"] += bool(changes)
        return {"legacy_id": legacy, "legacy_pipeline": row["pipeline_id"],
                "legacy_chain": row["chain_id"], "legacy_run": pipeline["run_id"],
                "fold_id": fold, "aggregate": None if fold else str(row["fold_id"]),
                "refit_context": context, "partition": partition, "scores": scores,
                "metric": row["metric"] or "unknown", "model_name": row["model_name"],
                "y_true": y_true, "y_pred": y_pred, "y_proba": y_proba,
                "sample_ids": sample_ids, "n_samples": row["n_samples"],
                "created_at": row["created_at"], "dataset_name": row["dataset_name"],
                "pipeline_name": pipeline["name"], "legacy_fold": row["fold_id"],
                "raw_scores": (row["val_score"], row["test_score"], row["train_score"],
                               row["scores"])}

    def logical_duplicates(self, predictions: list[dict[str, Any]]) -> None:
        """Report rows that repeat another run's row (same names, fold, scores): kept apart."""
        first: dict[tuple, dict[str, Any]] = {}
        for p in predictions:
            key = (p["pipeline_name"], p["dataset_name"], p["model_name"], p["fold_id"],
                   p["aggregate"], p["partition"], json.dumps(jsonable(p["raw_scores"])))
            seen = first.setdefault(key, p)
            if seen is not p and seen["legacy_run"] != p["legacy_run"]:
                self.counts["predictions"]["flagged"] += 1
                self.find("logical_duplicate", "predictions", p["legacy_id"],
                          {"same_as": seen["legacy_id"]}, related=seen["legacy_id"])

    def prediction_row(self, p: Mapping[str, Any], chain: Mapping[str, Any],
                       ) -> dict[str, Any]:
        """Return the 0.8 ``predictions`` row of a normalized 0.x prediction."""
        n = len(p["y_pred"]) if p["y_pred"] is not None else int(p["n_samples"] or 0)
        meta: dict[str, Any] = {}
        for name in ("y_true", "y_pred"):
            if p[name] is not None:
                meta[name] = {"dtype": "<f8", "shape": []}
        proba = p["y_proba"]
        if proba is not None and n and len(proba) % n == 0:
            meta["y_proba"] = {"dtype": "<f8", "shape": [len(proba) // n]}
        elif proba is not None:
            self.find("proba_shape_unknown", "predictions", p["legacy_id"], {"n": n})
            proba = None
        self.map_id("prediction", p["legacy_id"], "|".join(
            (chain["pipeline_id"], chain["chain_id"], p["fold_id"], p["partition"])))
        metric = chain["metric"] if chain["metric"] != "unknown" else p["metric"]
        score = p["scores"].get(metric)
        pipeline = self.pipeline_rows[p["legacy_pipeline"]]
        pipeline["n_predictions"] += 1
        self.counts["predictions"]["written"] += 1
        return {"pipeline_id": chain["pipeline_id"], "chain_id": chain["chain_id"],
                "fold_id": p["fold_id"], "partition": p["partition"],
                "refit_context": p["refit_context"], "dataset_hash": chain["dataset_hash"],
                "metric": metric,
                "score": score if score is not None and math.isfinite(score) else None,
                "scores": sorted(p["scores"].items()), "n_samples": n,
                "sample_ids": p["sample_ids"], "y_true": p["y_true"], "y_pred": p["y_pred"],
                "y_true_labels": None, "y_pred_labels": None, "y_proba": proba,
                "classes": None, "array_meta": json.dumps(meta, sort_keys=True),
                "created_at": p["created_at"]}
