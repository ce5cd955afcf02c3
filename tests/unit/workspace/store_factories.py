"""Outcome records built without the engine, for the workspace store tests.

Everything is derived from small integers, so a child process (the kill tests) and the
checking parent build the same outcomes. Chain ids depend on the pipeline, the dataset and
the seed, as the store requires.
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.pipeline.metrics import score_all
from nirs4all.pipeline.records import ChainRecord, ChainStep, PredictionRecord, VariantOutcome

N_FOLDS = 3


def sha(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def make_dataset(n: int = 15, p: int = 6, seed: int = 0, *, classification: bool = False,
                 name: str = "tiny") -> SpectroDataset:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    if classification:
        y = np.where(X[:, 0] > 0, "high", "low")
    else:
        y = X @ rng.normal(size=p) + 0.1 * rng.normal(size=n)
    partition = np.array(["train"] * (n - 4) + ["test"] * 4)
    source = FeatureSource("nir", X, wavelengths=np.linspace(1000.0, 2000.0, p), unit="nm")
    return SpectroDataset(source, y, partition=partition, name=name)


def _pipeline(variant: int) -> tuple[str, str]:
    spec = json.dumps({"steps": ["StandardScaler", {"model": "PLSRegression"}],
                       "variant": variant}, sort_keys=True)
    return spec, sha("pipeline", spec)


def chain_id_for(pipeline_id: str, dataset_hash: str, seed: int, index: int = 0) -> str:
    return sha("chain", pipeline_id, dataset_hash, seed, index)


def _fit_model(classification: bool, X: np.ndarray, y: np.ndarray, variant: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if classification:
            return LogisticRegression(C=1.0 + variant).fit(X, y)
        return PLSRegression(n_components=1 + variant % 2).fit(X, y)


def _predict(model, X: np.ndarray, classification: bool):
    if classification:
        return model.predict(X), model.predict_proba(X)
    return model.predict(X).reshape(-1), None


def make_outcome(dataset: SpectroDataset, *, variant: int = 0, seed: int = 0,
                 phase: str = "cv", with_final: bool = False, n_chains: int = 1,
                 status: str = "completed") -> VariantOutcome:
    """One pass of one variant: a scaler fitted before the split, one model per fold."""
    classification = dataset.is_classification
    task = dataset.task
    spec, pipeline_id = _pipeline(variant)
    dataset_hash = dataset.content_hash()
    train = np.flatnonzero(dataset.partition == "train")
    test = np.flatnonzero(dataset.partition == "test")
    X, y = dataset.x(), dataset.y
    scaler = StandardScaler().fit(X[train])
    Xs = scaler.transform(X)
    artifacts: dict[str, object] = {"scaler": scaler}
    folds = np.array_split(train, N_FOLDS)
    cv_keys = [str(k) for k in range(N_FOLDS)] if phase == "cv" else []
    final = with_final or phase == "refit"
    chains, predictions = [], []
    for c in range(n_chains):
        chain_id = chain_id_for(pipeline_id, dataset_hash, seed, c)
        refs: dict[str, str] = {}
        fold_scores, pooled_true, pooled_pred, pooled_proba = {}, [], [], []

        def record(fold, part, rows, model, context=None, chain_id=chain_id):
            pred, proba = _predict(model, Xs[rows], classification)
            scores = score_all(task, y[rows], pred, proba, labels=None if dataset.classes
                               is None else list(dataset.classes))
            return PredictionRecord(pipeline_id, chain_id, fold, part, dataset.sample_ids[rows],
                                    y[rows], pred, proba, scores, refit_context=context,
                                    classes=dataset.classes)

        for k, key in enumerate(cv_keys):
            val = folds[k]
            fit_rows = np.setdiff1d(train, val)
            model = _fit_model(classification, Xs[fit_rows], y[fit_rows], variant + c)
            refs[key] = artifacts[f"model:{c}:{key}"] = model
            val_record = record(key, "val", val, model)
            predictions += [val_record, record(key, "test", test, model)]
            fold_scores[key] = dict(val_record.scores)
            pooled_true.append(y[val])
            pooled_pred.append(val_record.y_pred)
            pooled_proba.append(val_record.y_proba)
        test_scores: dict[str, float] = {}
        if final:
            model = _fit_model(classification, Xs[train], y[train], variant + c)
            refs["final"] = artifacts[f"model:{c}:final"] = model
            predictions.append(record("final", "train", train, model, "standalone"))
            test_record = record("final", "test", test, model, "standalone")
            predictions.append(test_record)
            test_scores = dict(test_record.scores)
        cv_scores = {}
        if cv_keys:
            proba = None if pooled_proba[0] is None else np.concatenate(pooled_proba)
            cv_scores = score_all(task, np.concatenate(pooled_true),
                                  np.concatenate(pooled_pred), proba,
                                  labels=None if dataset.classes is None
                                  else list(dataset.classes))
        fold_ids = (*cv_keys, *(["final"] if final else []))
        steps = (
            ChainStep(0, "transform", '{"class": "StandardScaler"}', (),
                      dict.fromkeys(fold_ids, "scaler")),
            ChainStep(1, "split", '{"class": "KFold"}', (), {}),
            ChainStep(2, "model", '{"class": "PLSRegression"}', (),
                      {k: f"model:{c}:{k}" for k in fold_ids}),
        )
        chains.append(ChainRecord(
            chain_id=chain_id, pipeline_id=pipeline_id, model_step=2,
            model_name=f"PLS-{variant}-{c}", model_class=_dotted(refs[fold_ids[0]]),
            branch_path=(c,) if n_chains > 1 else (), steps=steps, source_chains=(),
            fold_ids=fold_ids, metric="balanced_accuracy" if classification else "rmse",
            cv_scores=cv_scores, fold_scores=fold_scores, test_scores=test_scores,
            preprocessing="StandardScaler"))
    if status == "failed":
        chains, predictions, artifacts = [], [], {}
    return VariantOutcome(
        pipeline_id=pipeline_id, pipeline_json=spec, name=f"variant {variant}",
        dataset_hash=dataset_hash, choices=(("variant", variant),), seed=seed, phase=phase,
        status=status, error="boom" if status == "failed" else None, chains=tuple(chains),
        predictions=tuple(predictions), artifacts=artifacts,
        wavelengths=tuple((s.name, s.wavelengths, s.unit) for s in dataset.sources),
        duration_s=0.01)


def _dotted(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def spec_json(n_variants: int) -> str:
    return json.dumps({"pipeline": "tiny", "variants": n_variants})
