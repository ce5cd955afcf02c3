"""Stacking: base models' predictions as the features of a meta-model.

Training rows get the base models' out-of-fold predictions: the value for a row comes from
the fold in which that row was held out (the mean when several folds held it out), so no
base prediction a meta-model learns from was made by a model fitted on that row. Test rows
get the base models' test predictions of the same fold key (the final models' for the final
meta-model).

A splitter whose folds do not hold every training row out (``ShuffleSplit``) leaves rows
without an out-of-fold prediction; the coverage policy decides what happens to them:
``strict`` refuses, ``drop_incomplete`` leaves them out of the meta-model's fit,
``impute_zero`` gives them 0, ``impute_mean`` the mean out-of-fold value of the covered
training rows, and ``impute_fold_mean`` the mean over the covered rows each fold's
meta-model is fitted on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nirs4all.pipeline.apply import prediction_features
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.spec import SpecError
from nirs4all.pipeline.state import SHARED, Block, Rows, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.operators.models.meta import PredictionCombiner
    from nirs4all.pipeline.spec import Step
    from nirs4all.pipeline.state import FittedModel

__all__ = ["meta_blocks", "out_of_fold"]


def out_of_fold(model: FittedModel, rows: Rows,
                dataset: SpectroDataset) -> tuple[np.ndarray | None, np.ndarray]:
    """A model's out-of-fold features on ``rows.train`` (NaN where no fold held a row out)
    and which training rows are covered."""
    own = model.rows if model.rows is not None else rows
    train = rows.train
    total, count = None, np.zeros(train.size)
    for key, pred in model.val.items():
        values = prediction_features(pred, dataset.classes)
        where = np.searchsorted(train, own.val[key])
        if total is None:
            total = np.zeros((train.size, values.shape[1]))
        np.add.at(total, where, values)
        np.add.at(count, where, 1)
    if total is None:
        return None, count > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count[:, None], count > 0


def _uncovered_error(step: Step, n: int) -> SpecError:
    return SpecError(
        f"{step.path}: {n} training row(s) were never held out by the splitter, so they have "
        "no out-of-fold prediction; use a splitter whose folds cover every row (KFold, "
        "RepeatedKFold, LeaveOneOut...) or set a coverage policy: {'merge': {'predictions': "
        "'all', 'coverage': 'drop_incomplete' | 'impute_zero' | 'impute_mean' | "
        "'impute_fold_mean'}}")


def _fill(X: np.ndarray, rows: np.ndarray, covered: np.ndarray, fit: np.ndarray,
          coverage: str) -> None:
    """Impute the uncovered training rows of ``X`` in place."""
    missing = rows[~covered]
    if coverage in ("drop_incomplete", "impute_zero"):  # dropped rows are never fitted on
        X[missing] = 0.0
        return
    pool = np.intersect1d(fit, rows[covered]) if coverage == "impute_fold_mean" \
        else rows[covered]
    X[missing] = X[pool].mean(axis=0)


def meta_blocks(models: list[FittedModel], combiner: PredictionCombiner, keys: list[str],
                rows: Rows, dataset: SpectroDataset, step: Step,
                coverage: str = "strict") -> tuple[dict[str, Block], np.ndarray]:
    """One meta-feature block per fold key, and which rows the meta-model may fit on (every
    row but the uncovered training rows under ``drop_incomplete``)."""
    if SHARED in keys:
        raise SpecError(f"{step.path}: stacking needs a splitter before the base models")
    parts = [out_of_fold(m, rows, dataset) for m in models]
    if any(values is None for values, _ in parts):
        raise SpecError(f"{step.path}: stacking needs cross-validation: put a splitter "
                        "before the base models")
    covered = np.logical_and.reduce([c for _, c in parts])
    if not covered.all() and any(m.rows is not None for m in models):
        raise SpecError(f"{step.path}: the models of a separation branch predict only their "
                        "own rows; reassemble them first with {'merge': 'concat'} and stack "
                        "the reassembled chain (for example with a MetaModel after the merge)")
    if not covered.all() and coverage == "strict":
        raise _uncovered_error(step, int((~covered).sum()))
    oof = combiner.combine([values for values, _ in parts])
    n = dataset.n_samples
    y = dataset.y
    if y is not None and not dataset.is_classification:
        y = y.astype(np.float64, copy=False)
    out = {}
    for key in keys:
        X = np.zeros((n, oof.shape[1]))
        X[rows.train] = oof
        if not covered.all():
            _fill(X, rows.train, covered, rows.fit_rows(key), coverage)
        test = rows.test_rows(key)
        if test.size:
            X[test] = combiner.combine([_test_features(m, key, test, dataset, step)
                                        for m in models])
        X.flags.writeable = False
        parents = ",".join(m.chain_id for m in models)
        out[key] = Block(
            X=(X,),
            axes=((np.arange(X.shape[1], dtype=np.float64), "index"),),
            origin=np.arange(n),
            y=y,
            y_steps=(),
            key=chain_key(parents, step.spec_json, key, "final" if key == FINAL else "cv"),
        )
    allowed = np.ones(n, dtype=bool)
    if coverage == "drop_incomplete":
        allowed[rows.train[~covered]] = False
    return out, allowed


def _test_features(model: FittedModel, key: str, test: np.ndarray, dataset: SpectroDataset,
                   step: Step) -> np.ndarray:
    if key not in model.test:
        raise SpecError(f"{step.path}: the base model at {model.step.path} has no "
                        f"predictions for fold {key!r}")
    own = model.rows.test_rows(key) if model.rows is not None else test
    if not np.array_equal(own, test):
        raise SpecError(f"{step.path}: the base model at {model.step.path} predicts only its "
                        "separation branch's test rows; reassemble them first with "
                        "{'merge': 'concat'} and stack the reassembled chain")
    return prediction_features(model.test[key], dataset.classes)
