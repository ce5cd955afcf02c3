"""The 0.7 merge keys: on_missing, sources, output_as, on_shape_mismatch (concat) and their
replay from an exported bundle."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from _separation_helpers import FirstFeatureFilter, RecordingRegressor, execute, make_dataset
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.operators.filters import XOutlierFilter
from nirs4all.operators.transforms import SNV, CropWavelengths
from nirs4all.pipeline.spec import SpecError, parse_pipeline


def _final(executor, chain, position=-1):
    return executor.artifacts[chain.steps[position].artifacts["final"]]


@pytest.fixture(scope="module")
def dataset():
    return make_dataset(80, 16, seed=5)


@pytest.fixture(scope="module")
def two_sources():
    return make_dataset(80, 16, seed=6, sources=2)


# -- on_missing ------------------------------------------------------------------------------

def _asymmetric(on_missing=None):
    merge = {"predictions": [0, 1]}
    if on_missing is not None:
        merge["on_missing"] = on_missing
    return [KFold(3), {"branch": [[SNV()], [Ridge()]]}, {"merge": merge}, RecordingRegressor()]


def test_a_branch_without_a_model_is_an_error_naming_on_missing(dataset) -> None:
    with pytest.raises(SpecError, match=r"branch 0 has no model.*'on_missing': 'warn'"):
        execute(_asymmetric(), dataset)


@pytest.mark.parametrize("policy", ["warn", "skip"])
def test_on_missing_warn_and_skip_merge_without_the_branch(dataset, policy, caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="nirs4all.pipeline.execute"):
        executor, chains, _ = execute(_asymmetric(policy), dataset)
    assert chains[-1].source_chains == (chains[0].chain_id,)  # the ridge of branch 1
    assert _final(executor, chains[-1]).X_fit_.shape[1] == 1
    warned = [r for r in caplog.records if r.levelno == logging.WARNING
              and "has no model" in r.getMessage()]
    assert len(warned) == (1 if policy == "warn" else 0)


def test_on_missing_skip_keeps_the_named_models_found(dataset) -> None:
    _, chains, _ = execute([KFold(3), {"branch": [[Ridge(), PLSRegression(2)]]},
                            {"merge": {"predictions": [{"branch": 0,
                                                        "select": ["Ridge", "Lasso"]}],
                                       "on_missing": "skip"}}, LinearRegression()], dataset)
    assert chains[-1].source_chains == (chains[0].chain_id,)
    with pytest.raises(SpecError, match="needs a model at the end of a branch"):
        execute([KFold(3), {"branch": [[SNV()]]}, {"merge": {"predictions": [0],
                                                             "on_missing": "skip"}},
                 Ridge()], dataset)


# -- sources and output_as -------------------------------------------------------------------

def test_sources_takes_those_sources_of_every_branch(two_sources) -> None:
    data = two_sources
    for ref in (["s1"], [1]):
        executor, chains, _ = execute(
            [KFold(3), {"branch": [[StandardScaler()], [SNV()]]},
             {"merge": {"features": "all", "sources": ref}}, RecordingRegressor()], data)
        train = executor.rows.train
        s1 = data.x("s1")
        scaled = StandardScaler().fit(s1[train]).transform(s1)
        snv = SNV().fit_transform(s1)
        np.testing.assert_allclose(_final(executor, chains[0]).X_fit_,
                                   np.hstack([scaled, snv])[train], atol=1e-10)
    with pytest.raises(SpecError, match=r"no source 'nir'; the dataset's sources are"):
        execute([KFold(3), {"branch": [[SNV()], [StandardScaler()]]},
                 {"merge": {"features": "all", "sources": ["nir"]}}, Ridge()], data)


@pytest.mark.parametrize(("output_as", "n_blocks"), [(None, 4), ("features", 1),
                                                      ("sources", 2)])
def test_output_as_groups_what_the_next_step_is_fitted_on(two_sources, output_as,
                                                          n_blocks) -> None:
    merge = {"features": "all"} if output_as is None else {"features": "all",
                                                           "output_as": output_as}
    executor, chains, _ = execute([KFold(3), {"branch": [[StandardScaler()], [SNV()]]},
                                   {"merge": merge}, StandardScaler(), RecordingRegressor()],
                                  two_sources)
    scalers = _final(executor, chains[0], -2)  # one fitted scaler per block it saw
    assert len(scalers) == n_blocks
    assert _final(executor, chains[0]).X_fit_.shape[1] == 32


def test_output_as_sources_makes_one_source_per_part_of_a_predictions_merge(dataset) -> None:
    executor, chains, _ = execute(
        [KFold(3), {"branch": [[SNV(), Ridge()], [StandardScaler()]]},
         {"merge": {"features": [1], "include_original": True, "predictions": [0],
                    "output_as": "sources"}}, StandardScaler(), RecordingRegressor()],
        dataset)
    scalers = _final(executor, chains[-1], -2)
    assert [s.n_features_in_ for s in scalers] == [8, 8, 1]


@pytest.mark.parametrize(("merge", "match"), [
    ({"features": "all", "output_as": "dict"}, "multi-input models"),
    ({"features": "all", "output_as": "rows"}, "output_as must be one of"),
    ({"features": "all", "output_as": "sources", "source_names": ["a", "b"]},
     "names would change nothing"),
    ({"features": "all", "sources": []}, "expected 'all' or a list of source"),
    ({"features": "all", "on_missing": "ignore"}, "on_missing must be one of"),
    ({"features": "all", "on_shape_mismatch": "pad"}, "for a row-wise merge"),
    ({"concat": True, "on_shape_mismatch": "stretch"}, "on_shape_mismatch must be one of"),
    ({"concat": "yes"}, "expected True"),
    ({"concat": True, "features": "all"}, "unknown key"),
])
def test_bad_merge_keys_are_refused_with_their_position(merge, match) -> None:
    with pytest.raises(SpecError, match=match):
        parse_pipeline([KFold(2), {"branch": [[SNV()], [StandardScaler()]]},
                        {"merge": merge}, Ridge()])


# -- replay ------------------------------------------------------------------------------------

FORMS = {
    "features_by_name": [{"branch": {"snv": [SNV()], "scaled": [StandardScaler()]}},
                         {"merge": {"features": ["scaled"]}}, PLSRegression(3)],
    "sources_and_features": [{"branch": [[SNV()], [StandardScaler()]]},
                             {"merge": {"features": "all", "sources": ["s1"],
                                        "output_as": "features"}},
                             StandardScaler(), PLSRegression(3)],
    "predictions_as_sources": [{"branch": [[SNV(), PLSRegression(3)], [StandardScaler()]]},
                               {"merge": {"features": [1], "include_original": True,
                                          "predictions": [0], "sources": [0],
                                          "output_as": "sources"}},
                               StandardScaler(), Ridge()],
    "concat_pad": [{"branch": {"by_filter": XOutlierFilter(method="isolation_forest",
                                                           contamination=0.3),
                               "steps": {"pass": [PCA(3)], "fail": [PCA(5)]}}},
                   {"merge": {"concat": True, "on_shape_mismatch": "pad"}}, Ridge()],
    "on_missing_skip": [{"branch": [[SNV()], [StandardScaler(), PLSRegression(3)]]},
                        {"merge": {"predictions": [0, 1], "on_missing": "skip"}}, Ridge()],
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_bundle_replays_each_merge_key_bit_for_bit(form, tmp_path) -> None:
    data = make_dataset(80, 16, seed=7, sources=2)
    result = nirs4all.run([KFold(3), *FORMS[form]], data, random_state=0, verbose=0,
                          refit="all")
    last = result.chains[-1]
    stored = result.predictions(chain_id=last.chain_id, fold_id="final", partition="test")[0]
    replayed = nirs4all.predict(result.export(tmp_path / "m.n4a", last.chain_id), data.test)
    np.testing.assert_array_equal(np.asarray(replayed.y_pred).reshape(stored.y_pred.shape),
                                  stored.y_pred)


# -- on_shape_mismatch (merge concat) -----------------------------------------------------------

def _widths_stack(policy, first=None, second=None):
    first = PCA(3) if first is None else first
    second = PCA(5) if second is None else second
    merge = {"concat": True} if policy is None else {"concat": True,
                                                      "on_shape_mismatch": policy}
    return [KFold(3), {"branch": {"by_filter": FirstFeatureFilter(),
                                  "steps": {"pass": [first], "fail": [second]}}},
            {"merge": merge}, RecordingRegressor()]


def test_branches_of_different_widths_are_refused_naming_on_shape_mismatch(dataset) -> None:
    with pytest.raises(SpecError, match=r"'on_shape_mismatch': 'pad' \| 'truncate'"):
        execute(_widths_stack(None), dataset)
    with pytest.raises(SpecError, match="'allow' takes columns by position"):
        execute(_widths_stack("allow"), dataset)


@pytest.mark.parametrize("policy", ["pad", "truncate"])
def test_pad_and_truncate_bring_every_branch_to_one_width(dataset, policy) -> None:
    executor, chains, _ = execute(_widths_stack(policy), dataset)
    X = dataset.x()
    train = executor.rows.train
    kept = FirstFeatureFilter().fit(X[train]).get_mask(X)
    fitted = _final(executor, chains[-1]).X_fit_
    assert fitted.shape == (train.size, 5 if policy == "pad" else 3)
    own = {True: train[kept[train]], False: train[~kept[train]]}
    for passed, n in ((True, 3), (False, 5)):
        rows = own[passed]
        expected = PCA(n).fit(X[rows]).transform(X[rows])
        got = fitted[np.isin(train, rows)]
        width = min(n, fitted.shape[1])
        np.testing.assert_allclose(got[:, :width], expected[:, :width], atol=1e-8)
        np.testing.assert_array_equal(got[:, width:], 0.0)  # padding


def test_allow_takes_equal_widths_on_different_axes_by_position() -> None:
    data = nirs4all.generate(80, random_state=3)
    axis = data.sources[0].wavelengths
    low, high = (CropWavelengths(float(axis[0]), float(axis[39])),
                 CropWavelengths(float(axis[-40]), float(axis[-1])))
    with pytest.raises(SpecError, match="on different axes"):
        execute(_widths_stack(None, low, high), data)
    executor, chains, _ = execute(_widths_stack("allow", low, high), data)
    assert _final(executor, chains[-1]).X_fit_.shape == (executor.rows.train.size, 40)
