"""A meta-model never learns from a base prediction made by a model fitted on that row.

By construction: a 1-nearest-neighbour base model predicts a row it was fitted on exactly
(its own target), so a meta-feature equal to a training row's target would be an in-sample
prediction. Every stacking form is run behind a splitter whose folds hold out every row
(``KFold``) and, with each coverage policy, behind one that does not (``ShuffleSplit``).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, ShuffleSplit
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from test_augmentation_leakage import RecordingRegressor  # least squares keeping its X

from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.models import MetaModel
from nirs4all.pipeline.canonical import identity
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.spec import parse_pipeline
from nirs4all.pipeline.state import StepCache

_BASES = {"branch": [[KNeighborsRegressor(1)], [Ridge()]]}
# each form ends with the 1-NN's and the ridge's meta-features as its last two columns
FORMS = {
    "merge_predictions": [_BASES, {"merge": "predictions"}],
    "merge_all": [_BASES, {"merge": "all"}],
    "merge_dict": [_BASES, {"merge": {"features": [1], "include_original": True,
                                      "predictions": [0, {"branch": 1, "select": "best"}]}}],
    "merge_predictions_keyword": [KNeighborsRegressor(1), Ridge(),
                                  {"merge_predictions": "all"}],
    "meta_model": [KNeighborsRegressor(1), Ridge()],
    "output_as_features": [_BASES, {"merge": {"predictions": "all", "include_original": True,
                                              "output_as": "features"}}],
    "sources": [_BASES, {"merge": {"features": "all", "sources": [0], "predictions": "all",
                                   "output_as": "sources"}}],
    "on_missing_skip": [{"branch": [[KNeighborsRegressor(1)], [Ridge()], [StandardScaler()]]},
                        {"merge": {"predictions": [0, 1, 2], "on_missing": "skip"}}],
}
COVERAGE = ["drop_incomplete", "impute_zero", "impute_mean", "impute_fold_mean"]
CASES = [(form, KFold(4), None) for form in sorted(FORMS)] + [
    ("coverage", ShuffleSplit(4, test_size=0.25, random_state=0), c) for c in COVERAGE]


def _dataset() -> SpectroDataset:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = X @ rng.normal(size=5) + rng.normal(scale=0.1, size=60)
    return SpectroDataset(FeatureSource("X", X), y, partition=["train"] * 48 + ["test"] * 12)


def _pipeline(form: str, splitter, coverage: str | None) -> list:
    if form == "coverage":
        return [splitter, _BASES, {"merge": {"predictions": "all", "coverage": coverage}},
                RecordingRegressor()]
    meta = MetaModel(RecordingRegressor()) if form == "meta_model" else RecordingRegressor()
    return [splitter, *FORMS[form], meta]


@pytest.mark.parametrize(("form", "splitter", "coverage"), CASES,
                         ids=[c[2] or c[0] for c in CASES])
def test_stacking_meta_model_never_sees_in_sample_base_predictions(form, splitter,
                                                                    coverage) -> None:
    dataset = _dataset()
    steps = parse_pipeline(_pipeline(form, splitter, coverage))
    executor = VariantExecutor(dataset, steps, pipeline_id=identity(steps[0].spec_json),
                               seed=7, with_cv=True, with_final=True, cache=StepCache())
    meta = executor.run()[-1]
    assert len(meta.source_chains) == 2
    y = np.asarray(dataset.y).reshape(-1)
    train = executor.rows.train
    covered = np.isin(train, np.concatenate(list(executor.rows.val.values())))
    if coverage is not None:
        assert not covered.all()  # the policy has rows to act on
    for key, ref in meta.chain[-1][2].items():
        fitted = executor.artifacts[ref]
        rows = train if key == "final" else executor.rows.fit[key]
        if coverage == "drop_incomplete":
            rows = rows[np.isin(rows, train[covered])]
        knn_feature = fitted.X_fit_[:, -2]
        assert knn_feature.shape[0] == rows.shape[0]
        # A 1-NN model fitted on a row predicts that row's own target exactly.
        assert not np.any(np.isclose(knn_feature, y[rows], rtol=0, atol=1e-12))
