"""Stacking: base models' predictions as the features of a meta-model.

Training rows get the base models' out-of-fold predictions: the value for a row comes from
the fold in which that row was held out, so no base prediction a meta-model learns from was
made by a model fitted on that row. Test rows get the base models' test predictions of the
same fold key (the final models' for the final meta-model).
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
    from nirs4all.pipeline.spec import Step
    from nirs4all.pipeline.state import FittedModel

__all__ = ["meta_blocks"]


def _out_of_fold(model: FittedModel, rows: Rows, dataset: SpectroDataset,
                 step: Step) -> np.ndarray:
    train = rows.train
    total, count = None, np.zeros(train.size)
    for key, pred in model.val.items():
        values = prediction_features(pred, dataset.classes)
        where = np.searchsorted(train, rows.val[key])
        if total is None:
            total = np.zeros((train.size, values.shape[1]))
        np.add.at(total, where, values)
        np.add.at(count, where, 1)
    if total is None:
        raise SpecError(f"{step.path}: merge 'predictions' needs cross-validation: put a "
                        "splitter before the branch")
    missing = np.flatnonzero(count == 0)
    if missing.size:
        raise SpecError(
            f"{step.path}: {missing.size} training row(s) were never held out by the splitter, "
            "so they have no out-of-fold prediction; use a splitter whose folds cover every "
            "row (KFold, RepeatedKFold, LeaveOneOut...)"
        )
    return total / count[:, None]


def meta_blocks(models: list[FittedModel], blocks: dict[str, Block], rows: Rows,
                dataset: SpectroDataset, step: Step) -> dict[str, Block]:
    """One meta-feature block per fold key of the merged lanes."""
    if SHARED in blocks:
        raise SpecError(f"{step.path}: merge 'predictions' needs a splitter before the branch")
    oof = np.hstack([_out_of_fold(m, rows, dataset, step) for m in models])
    n = dataset.n_samples
    y = dataset.y
    if y is not None and not dataset.is_classification:
        y = y.astype(np.float64, copy=False)
    out = {}
    for key in blocks:
        X = np.zeros((n, oof.shape[1]))
        X[rows.train] = oof
        if rows.test.size:
            missing = [m.step.path for m in models if key not in m.test]
            if missing:
                raise SpecError(f"{step.path}: base models at {missing} have no predictions "
                                f"for fold {key!r}")
            X[rows.test] = np.hstack([prediction_features(m.test[key], dataset.classes)
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
    return out
