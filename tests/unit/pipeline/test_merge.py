"""merge in full: all, the dict form (select, aggregate, include_original), coverage
policies, merge_predictions, merge_sources and MetaModel."""

from __future__ import annotations

import numpy as np
import pytest
from _separation_helpers import RecordingRegressor, execute, make_dataset
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, ShuffleSplit
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.data import SpectroDataset
from nirs4all.operators.models import (
    BranchScope,
    CoverageStrategy,
    MetaModel,
    StackingConfig,
)
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.spec import SpecError, parse_pipeline


def _final(executor, chain):
    return executor.artifacts[chain.steps[-1].artifacts["final"]]


def _oof(predictions, chain_id, n_train_ids):
    """Pooled out-of-fold predictions of a chain, by sample id."""
    out = {}
    for p in predictions:
        if p.chain_id == chain_id and p.partition == "val":
            out.update(zip(p.sample_ids, p.y_pred[:, 0], strict=True))
    return np.array([out[i] for i in n_train_ids])


@pytest.fixture(scope="module")
def dataset() -> SpectroDataset:
    return make_dataset(80, 16, seed=5)


def test_merge_all_puts_branch_features_before_the_out_of_fold_predictions(dataset) -> None:
    executor, chains, predictions = execute(
        [KFold(3), {"branch": [[SNV()], [StandardScaler(), Ridge()]]}, {"merge": "all"},
         RecordingRegressor()], dataset)
    final = _final(executor, chains[-1])
    train = executor.rows.train
    assert final.X_fit_.shape == (train.size, 8 + 8 + 1)
    scaled = StandardScaler().fit(dataset.x()[train]).transform(dataset.x()[train])
    np.testing.assert_allclose(final.X_fit_[:, 8:16], scaled, atol=1e-12)
    oof = _oof(predictions, chains[0].chain_id, dataset.sample_ids[train])
    np.testing.assert_allclose(final.X_fit_[:, -1], oof, atol=1e-12)


def test_select_best_and_top_k_rank_models_on_pooled_out_of_fold_scores(dataset) -> None:
    branch = {"branch": [[KNeighborsRegressor(1), Ridge(), PLSRegression(1)], [Ridge(0.5)]]}
    _, chains, _ = execute([KFold(3), branch, {"merge": {"predictions": [
        {"branch": 0, "select": {"top_k": 2}}, {"branch": 1, "select": "best"}]}},
        LinearRegression()], dataset)
    first = sorted(chains[:3], key=lambda c: c.cv_score)[:2]
    assert chains[-1].source_chains == (*[c.chain_id for c in first], chains[3].chain_id)
    _, chains, _ = execute([KFold(3), branch, {"merge": {"predictions": [
        {"branch": 0, "select": "best", "metric": "r2"}]}}, LinearRegression()], dataset)
    assert chains[-1].source_chains == (max(chains[:3], key=lambda c: c.cv_scores["r2"])
                                        .chain_id,)


def test_select_by_model_name_and_branch_name(dataset) -> None:
    _, chains, _ = execute(
        [KFold(3), {"branch": {"knn": [KNeighborsRegressor(3), Ridge()], "pls": [
            PLSRegression(2)]}},
         {"merge": {"predictions": [{"branch": "knn", "select": ["Ridge"]}, "pls"]}},
         LinearRegression()], dataset)
    assert chains[-1].source_chains == (chains[1].chain_id, chains[2].chain_id)
    with pytest.raises(SpecError, match=r"no model named \['Lasso'\]"):
        execute([KFold(3), {"branch": [[Ridge()]]}, {"merge": {"predictions": [
            {"branch": 0, "select": ["Lasso"]}]}}, LinearRegression()], dataset)
    with pytest.raises(SpecError, match="no branch 'svm'"):
        execute([KFold(3), {"branch": {"a": [Ridge()]}}, {"merge": {"predictions": ["svm"]}},
                 LinearRegression()], dataset)


@pytest.mark.parametrize("aggregate", ["mean", "weighted_mean"])
def test_aggregate_averages_the_selected_models(dataset, aggregate) -> None:
    executor, chains, predictions = execute(
        [KFold(3), {"branch": [[KNeighborsRegressor(3), Ridge()]]},
         {"merge": {"predictions": [{"branch": 0, "aggregate": aggregate}]}},
         RecordingRegressor()], dataset)
    train_ids = dataset.sample_ids[executor.rows.train]
    a, b = (_oof(predictions, c.chain_id, train_ids) for c in chains[:2])
    w = np.ones(2) if aggregate == "mean" else 1 / np.array([c.cv_score for c in chains[:2]])
    expected = (w[0] * a + w[1] * b) / w.sum()
    np.testing.assert_allclose(_final(executor, chains[-1]).X_fit_[:, 0], expected,
                               atol=1e-12)


def test_proba_mean_averages_class_probabilities() -> None:
    data = nirs4all.generate(90, task="classification", n_classes=3, random_state=2)
    executor, chains, _ = execute(
        [StandardScaler(), KFold(3),
         {"branch": [[LogisticRegression(C=0.5, max_iter=500),
                      LogisticRegression(C=2.0, max_iter=500)]]},
         {"merge": {"predictions": [{"branch": 0, "aggregate": "proba_mean"}]}},
         LogisticRegression(max_iter=500)], data)
    fitted = _final(executor, chains[-1])
    assert fitted.coef_.shape == (3, 3)  # one column per class, not per model
    with pytest.raises(SpecError, match="this task is regression"):
        execute([KFold(3), {"branch": [[Ridge(), PLSRegression(2)]]},
                 {"merge": {"predictions": [{"branch": 0, "aggregate": "proba_mean"}]}},
                 Ridge()], make_dataset())


def test_include_original_adds_the_features_the_branch_started_from(dataset) -> None:
    executor, chains, _ = execute(
        [KFold(3), {"branch": [[SNV(), Ridge()]]},
         {"merge": {"include_original": True, "predictions": "all"}}, RecordingRegressor()],
        dataset)
    final = _final(executor, chains[-1])
    np.testing.assert_array_equal(final.X_fit_[:, :8], dataset.x()[executor.rows.train])
    assert final.X_fit_.shape[1] == 9


def test_features_only_dict_merges_the_named_branches(dataset) -> None:
    executor, chains, _ = execute(
        [KFold(3), {"branch": {"snv": [SNV()], "scaled": [StandardScaler()]}},
         {"merge": {"features": ["scaled"]}}, RecordingRegressor()], dataset)
    train = executor.rows.train
    scaled = StandardScaler().fit(dataset.x()[train]).transform(dataset.x()[train])
    np.testing.assert_allclose(_final(executor, chains[0]).X_fit_, scaled, atol=1e-12)


def test_shuffle_split_stacking_is_refused_by_default_with_the_policies_named(dataset) -> None:
    with pytest.raises(SpecError, match="coverage policy"):
        execute([ShuffleSplit(3, test_size=0.2, random_state=0),
                 {"branch": [[Ridge()], [PLSRegression(2)]]}, {"merge": "predictions"},
                 Ridge()], dataset)


def _shuffle_stack(coverage):
    return [ShuffleSplit(3, test_size=0.2, random_state=0),
            {"branch": [[Ridge()], [PLSRegression(2)]]},
            {"merge": {"predictions": "all", "coverage": coverage}}, RecordingRegressor()]


def _covered(executor):
    return np.unique(np.concatenate(list(executor.rows.val.values())))


def test_drop_incomplete_fits_the_meta_model_on_covered_rows_only(dataset) -> None:
    executor, chains, predictions = execute(_shuffle_stack("drop_incomplete"), dataset)
    covered = _covered(executor)
    assert covered.size < executor.rows.train.size
    final = _final(executor, chains[-1])
    assert final.X_fit_.shape[0] == covered.size
    for key, fit in executor.rows.fit.items():
        fold = executor.artifacts[chains[-1].steps[-1].artifacts[key]]
        assert fold.X_fit_.shape[0] == np.intersect1d(fit, covered).size
    train_rows = [p for p in predictions if p.chain_id == chains[-1].chain_id
                  and p.partition == "train"]
    np.testing.assert_array_equal(train_rows[0].sample_ids, dataset.sample_ids[covered])


@pytest.mark.parametrize("coverage", ["impute_mean", "impute_fold_mean"])
def test_impute_policies_fill_uncovered_rows_with_a_covered_mean(dataset, coverage) -> None:
    executor, chains, _ = execute(_shuffle_stack(coverage), dataset)
    train = executor.rows.train
    covered = np.isin(train, _covered(executor))
    for key in [*executor.rows.fit, "final"]:
        fitted = executor.artifacts[chains[-1].steps[-1].artifacts[key]]
        fit = train if key == "final" else executor.rows.fit[key]
        X = fitted.X_fit_
        assert X.shape[0] == fit.size
        fit_covered = np.isin(fit, train[covered])
        pool = fit_covered if coverage == "impute_fold_mean" else None
        expected = X[pool].mean(axis=0) if pool is not None else None
        if coverage == "impute_mean":
            final = executor.artifacts[chains[-1].steps[-1].artifacts["final"]].X_fit_
            expected = final[covered].mean(axis=0)
        np.testing.assert_allclose(X[~fit_covered], np.broadcast_to(expected, X[~fit_covered]
                                                                    .shape), atol=1e-12)


def test_impute_zero_gives_uncovered_rows_zero_and_keeps_the_out_of_fold_values(
        dataset) -> None:
    executor, chains, predictions = execute(_shuffle_stack("impute_zero"), dataset)
    train = executor.rows.train
    covered = np.isin(train, _covered(executor))
    final = _final(executor, chains[-1]).X_fit_
    assert final.shape[0] == train.size
    np.testing.assert_array_equal(final[~covered], 0.0)
    for col, base in enumerate(chains[:2]):
        oof = {}
        for p in predictions:
            if p.chain_id == base.chain_id and p.partition == "val":
                for i, v in zip(p.sample_ids, p.y_pred[:, 0], strict=True):
                    oof.setdefault(i, []).append(v)
        expected = [np.mean(oof[i]) for i in dataset.sample_ids[train[covered]]]
        np.testing.assert_allclose(final[covered, col], expected, atol=1e-12)
    meta = MetaModel(RecordingRegressor(), stacking_config=StackingConfig(
        coverage_strategy=CoverageStrategy.IMPUTE_ZERO))
    executor, chains, _ = execute([ShuffleSplit(3, test_size=0.2, random_state=0), Ridge(),
                                   meta], dataset)
    np.testing.assert_array_equal(_final(executor, chains[-1]).X_fit_[~covered], 0.0)


def test_merge_predictions_keyword_stacks_the_models_so_far_without_a_branch(dataset) -> None:
    _, chains, _ = execute([KFold(3), Ridge(), PLSRegression(2), {"merge_predictions": "all"},
                            LinearRegression()], dataset)
    assert chains[-1].source_chains == (chains[0].chain_id, chains[1].chain_id)
    _, chains, _ = execute([KFold(3), Ridge(), PLSRegression(2),
                            {"merge_predictions": {"select": "best"}}, LinearRegression()],
                           dataset)
    best = min(chains[:2], key=lambda c: c.cv_score)
    assert chains[-1].source_chains == (best.chain_id,)


def test_meta_model_scopes(dataset) -> None:
    branch = {"branch": [[Ridge()], [PLSRegression(2), MetaModel(LinearRegression())]]}
    _, chains, _ = execute([KFold(3), branch], dataset)
    assert chains[-1].model_name == "MetaModel(LinearRegression)"
    assert chains[-1].source_chains == (chains[1].chain_id,)  # its own branch only
    wide = MetaModel(LinearRegression(), stacking_config=StackingConfig(
        branch_scope=BranchScope.ALL_BRANCHES))
    _, chains, _ = execute([KFold(3), {"branch": [[Ridge()], [PLSRegression(2), wide]]}],
                           dataset)
    assert chains[-1].source_chains == (chains[0].chain_id, chains[1].chain_id)
    named = MetaModel(LinearRegression(), source_models=["Ridge"])
    _, chains, _ = execute([KFold(3), {"branch": [[Ridge()], [PLSRegression(2), named]]}],
                           dataset)
    assert chains[-1].source_chains == (chains[0].chain_id,)


def test_meta_model_coverage_strategy_applies(dataset) -> None:
    meta = MetaModel(RecordingRegressor(), stacking_config=StackingConfig(
        coverage_strategy=CoverageStrategy.DROP_INCOMPLETE))
    executor, chains, _ = execute([ShuffleSplit(3, test_size=0.2, random_state=0), Ridge(),
                                   {"model": meta, "name": "stack"}], dataset)
    assert chains[-1].model_name == "stack"
    assert _final(executor, chains[-1]).X_fit_.shape[0] == _covered(executor).size


def test_merge_sources_concat_gives_one_block(dataset) -> None:
    data = make_dataset(sources=2)
    executor, chains, _ = execute([{"merge_sources": "concat"}, StandardScaler(), KFold(2),
                                   RecordingRegressor()], data)
    scaler = executor.artifacts[chains[0].steps[1].artifacts["final"]][0]
    both = np.hstack([data.x("s0"), data.x("s1")])[executor.rows.train]
    np.testing.assert_allclose(scaler.mean_, both.mean(axis=0))
    with pytest.raises(SpecError, match="only 'concat' is supported"):
        parse_pipeline([{"merge_sources": "stack"}, Ridge()])


def test_merge_options_are_checked() -> None:
    bad = [
        ({"coverage": "zero"}, "coverage must be one of"),
        ({"predictions": [{"branch": 0, "select": "worst"}]}, "select must be"),
        ({"predictions": [{"branch": 0, "aggregate": "median"}]}, "aggregate must be"),
        ({"predictions": [{"branch": 0, "metric": "nope"}]}, "unknown metric"),
        ({"predictions": [{"branch": 0, "select": {"top_k": 0}}]}, "top_k must be"),
        ({"predictions": [{"bench": 0}]}, "unknown key"),
        ({"predictions": [1.5]}, "a prediction entry is"),
        ({"features": [1.5]}, "expected 'all' or a list"),
        ({"average": True}, "unknown key"),
        ({}, "nothing to merge"),
    ]
    for merge, message in bad:
        with pytest.raises(SpecError, match=message):
            parse_pipeline([KFold(2), {"branch": [[Ridge()]]}, {"merge": merge}, Ridge()])
    with pytest.raises(SpecError, match="needs a model"):
        parse_pipeline([KFold(2), Ridge(), MetaModel()])
    with pytest.raises(SpecError, match="stacking_config"):
        parse_pipeline([KFold(2), Ridge(), MetaModel(Ridge(), stacking_config=StackingConfig(
            aggregate="median"))])
    with pytest.raises(SpecError, match="use source_models"):
        parse_pipeline([KFold(2), Ridge(), {"merge_predictions": {"branch": 0}}, Ridge()])


@pytest.mark.parametrize("form", ["all", "dict", "keyword", "meta_model"])
def test_exported_stacked_chain_replays_the_run_bit_for_bit(form, tmp_path) -> None:
    data = nirs4all.generate(80, random_state=3)
    tail = {
        "all": [{"branch": [[SNV(), PLSRegression(4)], [Ridge()]]}, {"merge": "all"},
                Ridge()],
        "dict": [{"branch": [[SNV(), PLSRegression(4), Ridge()], [StandardScaler()]]},
                 {"merge": {"features": [1], "include_original": True, "predictions": [
                     {"branch": 0, "aggregate": "weighted_mean"}]}}, Ridge()],
        "keyword": [PLSRegression(4), Ridge(), {"merge_predictions": {"aggregate": "mean"}},
                    LinearRegression()],
        "meta_model": [PLSRegression(4), Ridge(), MetaModel(LinearRegression())],
    }[form]
    result = nirs4all.run([KFold(3), *tail], data, random_state=0, verbose=0, refit="all")
    meta = next(c for c in result.chains if c.source_chains)
    stored = result.predictions(chain_id=meta.chain_id, fold_id="final", partition="test")[0]
    replayed = nirs4all.predict(result.export(tmp_path / "m.n4a", meta.chain_id), data.test)
    np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)


def test_a_second_meta_model_stacks_the_base_models_and_the_first(dataset) -> None:
    _, chains, _ = execute([KFold(3), Ridge(), PLSRegression(2), MetaModel(LinearRegression()),
                            MetaModel(Ridge(), name="level2")], dataset)
    assert chains[-1].model_name == "level2"
    assert chains[-1].source_chains == tuple(c.chain_id for c in chains[:3])
