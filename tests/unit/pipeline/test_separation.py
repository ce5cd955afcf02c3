"""Separation branches (by_metadata, by_tag, by_filter, by_source) and merge: concat."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _separation_helpers import (
    FirstFeatureFilter,
    RecordingRegressor,
    execute,
    make_dataset,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.errors import ReplayError
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.spec import SpecError, parse_pipeline


def _by_chain(predictions):
    out: dict[str, dict[tuple[str, str], object]] = {}
    for p in predictions:
        out.setdefault(p.chain_id, {})[(p.fold_id, p.partition)] = p
    return out


def test_by_metadata_parses_as_a_separation_branch_instead_of_an_unsafe_import() -> None:
    # Before separation branches existed, "instrument" was read as a class path to import
    # and the user got an UnsafeImportError about an allow-list.
    steps = parse_pipeline([KFold(3), {"branch": {"by_metadata": "instrument"}},
                            PLSRegression(2), {"merge": "concat"}])
    branch = steps[1]
    assert branch.kind == "branch"
    assert branch.separation.by == "metadata"
    assert branch.separation.key == "instrument"


def test_each_branch_fits_on_its_own_rows_of_each_fold_and_predicts_its_own_rows() -> None:
    dataset = make_dataset()
    executor, chains, predictions = execute(
        [KFold(3), {"branch": {"by_metadata": "instrument"}}, RecordingRegressor(),
         {"merge": "concat"}], dataset)
    instrument = dataset.metadata["instrument"]
    per_branch = [c for c in chains if c.branch_path]
    assert [c.preprocessing for c in per_branch] == ["instrument=a", "instrument=b",
                                                     "instrument=c"]
    rows = _by_chain(predictions)
    for chain, value in zip(per_branch, "abc", strict=True):
        for key in ("0", "1", "2", "final"):
            fitted = executor.artifacts[chain.steps[-1].artifacts[key]]
            fit = executor.rows.train if key == "final" else executor.rows.fit[key]
            own = fit[instrument[fit] == value]
            np.testing.assert_array_equal(fitted.X_fit_, dataset.x()[own])
        for (_, partition), record in rows[chain.chain_id].items():
            assert set(instrument[np.searchsorted(dataset.sample_ids, record.sample_ids)]) \
                == {value}, partition


def test_concat_reassembles_every_row_once_with_its_own_branch_prediction() -> None:
    dataset = make_dataset()
    _, chains, predictions = execute(
        [KFold(3), {"branch": {"by_metadata": "instrument", "steps": [SNV(),
                                                                        PLSRegression(2)]}},
         {"merge": "concat"}], dataset)
    joined = chains[-1]
    assert joined.branch_path == ()
    assert joined.preprocessing == ("concat[instrument=a > SNV | instrument=b > SNV | "
                                    "instrument=c > SNV]")
    rows = _by_chain(predictions)
    whole = rows[joined.chain_id]
    train = dataset.sample_ids[dataset.partition == "train"]
    val_ids = np.concatenate([whole[(k, "val")].sample_ids for k in "012"])
    assert sorted(val_ids) == sorted(train)
    np.testing.assert_array_equal(whole[("final", "train")].sample_ids, train)
    for key, partition in whole:
        merged = whole[(key, partition)]
        lookup = dict(zip(merged.sample_ids, merged.y_pred[:, 0], strict=True))
        covered = []
        for chain in chains[:-1]:
            part = rows[chain.chain_id][(key, partition)]
            covered.extend(part.sample_ids)
            assert all(lookup[i] == v for i, v in zip(part.sample_ids, part.y_pred[:, 0],
                                                      strict=True))
        assert sorted(covered) == list(merged.sample_ids)
    assert np.isfinite(joined.cv_score)
    assert np.isfinite(joined.test_score)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_values=st.integers(1, 4), n_folds=st.integers(2, 4))
def test_separation_plus_concat_reassembles_every_row_exactly_once(seed, n_values,
                                                                   n_folds) -> None:
    rng = np.random.default_rng(seed)
    n = 48
    dataset = SpectroDataset(
        FeatureSource("X", rng.normal(size=(n, 4))), rng.normal(size=n),
        partition=["train"] * 40 + ["test"] * 8,
        metadata={"group": rng.integers(0, n_values, n)})
    splitter = KFold(n_folds, shuffle=True, random_state=seed)
    group = dataset.metadata["group"]
    for fit, _ in splitter.split(np.zeros(40)):
        assume(len(set(group[fit])) == len(set(group)))  # every branch fits in every fold
    pipeline = [splitter, {"branch": {"by_metadata": "group"}}, StandardScaler(), Ridge(),
                {"merge": "concat"}]
    executor, chains, predictions = execute(pipeline, dataset)
    whole = _by_chain(predictions)[chains[-1].chain_id]
    for key in map(str, range(n_folds)):
        np.testing.assert_array_equal(whole[(key, "val")].sample_ids,
                                      dataset.sample_ids[executor.rows.val[key]])
        np.testing.assert_array_equal(whole[(key, "test")].sample_ids,
                                      dataset.sample_ids[executor.rows.test])
    assert sorted(np.concatenate([whole[(k, "val")].sample_ids
                                  for k in map(str, range(n_folds))])) == \
        sorted(dataset.sample_ids[executor.rows.train])


def test_concat_reassembled_features_feed_the_steps_after_the_merge() -> None:
    dataset = make_dataset()
    executor, chains, _ = execute(
        [KFold(2), {"branch": {"by_metadata": "instrument", "steps": [StandardScaler()]}},
         {"merge": "concat"}, RecordingRegressor()], dataset)
    instrument = dataset.metadata["instrument"]
    final = executor.artifacts[chains[0].steps[-1].artifacts["final"]]
    train = executor.rows.train
    expected = np.empty((train.size, dataset.x().shape[1]))
    for value in "abc":
        own = train[instrument[train] == value]
        scaler = StandardScaler().fit(dataset.x()[own])
        expected[instrument[train] == value] = scaler.transform(dataset.x()[own])
    np.testing.assert_allclose(final.X_fit_, expected, atol=1e-12)


def test_values_group_metadata_values_into_named_branches() -> None:
    dataset = make_dataset(values=("a", "b", "c", "d"))
    _, chains, _ = execute(
        [KFold(2), {"branch": {"by_metadata": "instrument",
                               "values": {"ab": ["a", "b"], "cd": ["c", "d"]},
                               "steps": {"ab": [PLSRegression(2)], "cd": [Ridge()]}}},
         {"merge": "concat"}], dataset)
    assert [c.preprocessing for c in chains[:2]] == ["instrument=ab", "instrument=cd"]
    assert [c.model_name for c in chains] == ["PLSRegression", "Ridge",
                                              "PLSRegression | Ridge"]


def test_a_value_in_no_group_is_an_error_naming_it() -> None:
    dataset = make_dataset(values=("a", "b", "c"))
    with pytest.raises(SpecError, match=r"values in no branch \(\['c'\]\)"):
        execute([KFold(2), {"branch": {"by_metadata": "instrument",
                                       "values": {"ab": ["a", "b"]}}}, Ridge(),
                 {"merge": "concat"}], dataset)


def test_min_samples_is_checked_on_every_fold() -> None:
    dataset = make_dataset()
    with pytest.raises(SpecError, match="fewer than min_samples=100"):
        execute([KFold(2), {"branch": {"by_metadata": "instrument", "min_samples": 100}},
                 Ridge(), {"merge": "concat"}], dataset)


def test_missing_metadata_column_names_the_columns() -> None:
    with pytest.raises(SpecError, match=r"no metadata column 'site'; columns are "
                                        r"\['instrument'\]"):
        execute([KFold(2), {"branch": {"by_metadata": "site"}}, Ridge(),
                 {"merge": "concat"}], make_dataset())


def test_by_tag_routes_flagged_rows_per_fold() -> None:
    dataset = make_dataset()
    n = dataset.n_samples
    rng = np.random.default_rng(3)
    tags = {"odd": {key: rng.random(n) < 0.3 for key in ("0", "1", "final")}}
    executor, chains, predictions = execute(
        [KFold(2), {"branch": {"by_tag": "odd"}}, RecordingRegressor(), {"merge": "concat"}],
        dataset, tags=tags)
    untagged, tagged = chains[0], chains[1]
    assert (untagged.preprocessing, tagged.preprocessing) == ("odd:untagged", "odd:tagged")
    for key in ("0", "1"):
        fitted = executor.artifacts[tagged.steps[-1].artifacts[key]]
        fit = executor.rows.fit[key]
        np.testing.assert_array_equal(fitted.X_fit_,
                                      dataset.x()[fit[tags["odd"][key][fit]]])
    test = _by_chain(predictions)[tagged.chain_id][("0", "test")]
    routed = executor.rows.test[tags["odd"]["0"][executor.rows.test]]
    np.testing.assert_array_equal(test.sample_ids, dataset.sample_ids[routed])


def test_by_tag_without_its_tag_step_names_the_missing_step() -> None:
    with pytest.raises(SpecError, match=r"no tag 'odd'; add a \{'tag': <filter>\} step"):
        execute([KFold(2), {"branch": {"by_tag": "odd"}}, Ridge(), {"merge": "concat"}],
                make_dataset())


def test_by_filter_is_fitted_per_fold_on_the_fold_fit_rows() -> None:
    dataset = make_dataset()
    executor, chains, _ = execute(
        [KFold(3), {"branch": {"by_filter": FirstFeatureFilter()}}, RecordingRegressor(),
         {"merge": "concat"}], dataset)
    passed, failed = chains[0], chains[1]
    assert passed.preprocessing == "FirstFeatureFilter:pass"
    assert failed.preprocessing == "FirstFeatureFilter:fail"
    first = dataset.x()[:, 0]
    for key in ("0", "1", "2", "final"):
        fit = executor.rows.train if key == "final" else executor.rows.fit[key]
        fitted_filter = executor.artifacts[passed.steps[1].artifacts[key]]["filter"]
        assert fitted_filter.threshold_ == np.median(first[fit])
        model = executor.artifacts[failed.steps[-1].artifacts[key]]
        np.testing.assert_array_equal(model.X_fit_[:, 0],
                                      first[fit][first[fit] > fitted_filter.threshold_])


def test_a_filter_without_get_mask_is_refused_at_parse_time() -> None:
    with pytest.raises(SpecError, match="is not a sample filter"):
        parse_pipeline([KFold(2), {"branch": {"by_filter": StandardScaler()}}, Ridge(),
                        {"merge": "concat"}])


def test_by_source_runs_each_source_in_its_own_branch() -> None:
    dataset = make_dataset(sources=2)
    executor, chains, _ = execute(
        [KFold(2), {"branch": {"by_source": True,
                               "steps": {"s0": [StandardScaler()], "s1": [SNV()]}}},
         {"merge": "concat"}, RecordingRegressor()], dataset)
    scaler = executor.artifacts[chains[0].steps[2].artifacts["final"]][0]
    train = executor.rows.train
    np.testing.assert_allclose(scaler.mean_, dataset.x("s0")[train].mean(axis=0))
    final = executor.artifacts[chains[0].steps[-1].artifacts["final"]]
    assert final.X_fit_.shape == (train.size, 16)
    np.testing.assert_allclose(final.X_fit_[:, :8],
                               scaler.transform(dataset.x("s0")[train]))


def test_by_source_models_predict_every_row_from_one_source() -> None:
    dataset = make_dataset(sources=2)
    _, chains, predictions = execute(
        [KFold(2), {"branch": {"by_source": ["s1", "s0"]}}, PLSRegression(2),
         {"merge": "predictions"}, Ridge()], dataset)
    assert [c.preprocessing for c in chains[:2]] == ["source=s1", "source=s0"]
    assert len(chains[-1].source_chains) == 2
    val = [p for p in predictions if p.chain_id == chains[0].chain_id and p.partition == "val"]
    assert sum(p.n_samples for p in val) == 48


def test_source_branch_is_a_deprecated_alias_of_by_source() -> None:
    with pytest.warns(DeprecationWarning, match="'source_branch' is deprecated"):
        steps = parse_pipeline([KFold(2), {"source_branch": {"s0": [SNV()], "s1": []}},
                                {"merge": "concat"}, Ridge()])
    assert steps[1].separation.by == "source"
    assert steps[1].separation.key == ("s0", "s1")


def test_concat_after_a_duplication_branch_is_an_error() -> None:
    with pytest.raises(SpecError, match="reassembles a separation branch"):
        execute([KFold(2), {"branch": [[SNV()], [StandardScaler()]]}, {"merge": "concat"},
                 Ridge()], make_dataset())


def test_a_splitter_inside_a_separation_scope_is_refused() -> None:
    with pytest.raises(SpecError, match="put the splitter before the branch"):
        parse_pipeline([{"branch": {"by_metadata": "instrument"}}, KFold(2), Ridge(),
                        {"merge": "concat"}])


def test_separation_options_are_checked() -> None:
    with pytest.raises(SpecError, match="only by_metadata takes values"):
        parse_pipeline([{"branch": {"by_tag": "t", "values": {"a": 1}}}, Ridge()])
    with pytest.raises(SpecError, match="min_samples must be an integer"):
        parse_pipeline([{"branch": {"by_metadata": "i", "min_samples": 0}}, Ridge()])
    with pytest.raises(SpecError, match="exactly one of"):
        parse_pipeline([{"branch": {"by_metadata": "i", "by_tag": "t"}}, Ridge()])
    with pytest.raises(SpecError, match=r"no branch named \['x'\]"):
        parse_pipeline([{"branch": {"by_filter": FirstFeatureFilter(),
                                    "steps": {"x": [Ridge()]}}}])
    with pytest.raises(SpecError, match="is in branches"):
        parse_pipeline([{"branch": {"by_metadata": "i", "values": {"a": [1], "b": [1]}}},
                        Ridge()])


def test_a_run_with_a_separation_branch_persists_per_branch_and_reassembled_chains(
        tmp_path) -> None:
    dataset = make_dataset()
    pipeline = [KFold(3), {"branch": {"by_metadata": "instrument"}}, PLSRegression(2),
                {"merge": "concat"}]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        result = nirs4all.run(pipeline, dataset, workspace=tmp_path, verbose=0,
                                  random_state=3)
    branches = sorted(s.branch_path for s in result.top(10))
    assert branches == [(), (0,), (1,), (2,)]
    again = nirs4all.run(pipeline, dataset, workspace=tmp_path, verbose=0, random_state=3)
    assert again.stats["fits"] == 0  # everything restored from the workspace
    assert [(s.chain_id, s.cv_score, s.test_score) for s in again.top(10)] == \
        [(s.chain_id, s.cv_score, s.test_score) for s in result.top(10)]


def _replays(result, dataset, chain_id, rows, tmp_path, **kwargs):
    stored = result.predictions(chain_id=chain_id, fold_id="final", partition="test")[0]
    bundle = result.export(tmp_path / f"{chain_id[:8]}.n4a", chain_id)
    replayed = nirs4all.predict(bundle, dataset.select(rows), **kwargs)
    np.testing.assert_array_equal(replayed.sample_ids, stored.sample_ids)
    np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)


def test_exported_branch_and_reassembled_chains_replay_bit_for_bit(tmp_path) -> None:
    dataset = make_dataset()
    pipeline = [KFold(3), {"branch": {"by_metadata": "instrument", "steps": [SNV()]}},
                PLSRegression(2), {"merge": "concat"}]
    result = nirs4all.run(pipeline, dataset, workspace=tmp_path, verbose=0, random_state=3)
    by_path = {s.branch_path: s for s in result.top(10)}
    test = dataset.partition == "test"
    own = np.flatnonzero(test & (dataset.metadata["instrument"] == "b"))
    _replays(result, dataset, by_path[(1,)].chain_id, own, tmp_path)
    _replays(result, dataset, by_path[()].chain_id, np.flatnonzero(test), tmp_path)


@pytest.mark.parametrize("form", ["metadata_features", "filter", "source"])
def test_separation_chains_with_steps_after_concat_replay_bit_for_bit(form, tmp_path) -> None:
    dataset = make_dataset(sources=2 if form == "source" else 1)
    branch = {
        "metadata_features": {"by_metadata": "instrument", "values": {
            "ab": ["a", "b"], "c": ["c"]}, "steps": [StandardScaler()]},
        "filter": {"by_filter": FirstFeatureFilter(), "steps": [StandardScaler()]},
        "source": {"by_source": True, "steps": {"s0": [SNV()], "s1": [StandardScaler()]}},
    }[form]
    result = nirs4all.run([KFold(3), {"branch": branch}, {"merge": "concat"}, Ridge()],
                          dataset, verbose=0, random_state=1)
    test = np.flatnonzero(dataset.partition == "test")
    for chain in result.chains:
        _replays(result, dataset, chain.chain_id, test, tmp_path, trusted=True)


def test_replay_of_a_metadata_separation_needs_the_column(tmp_path) -> None:
    dataset = make_dataset()
    result = nirs4all.run([KFold(3), {"branch": {"by_metadata": "instrument"}}, Ridge(),
                           {"merge": "concat"}], dataset, verbose=0, random_state=1)
    joined = next(c for c in result.chains if not c.branch_path)
    bare = SpectroDataset(FeatureSource("X", dataset.x()[:5]))
    with pytest.raises(ReplayError, match="metadata column 'instrument'"):
        nirs4all.predict(result.export(tmp_path / "j.n4a", joined.chain_id), bare)


def test_replay_routes_rows_of_one_branch_only_and_refuses_unseen_values(tmp_path) -> None:
    dataset = make_dataset()
    result = nirs4all.run([KFold(3), {"branch": {"by_metadata": "instrument"}}, Ridge(),
                           {"merge": "concat"}], dataset, verbose=0, random_state=1)
    joined = next(c for c in result.chains if not c.branch_path)
    bundle = result.export(tmp_path / "j.n4a", joined.chain_id)
    only_a = np.flatnonzero(dataset.metadata["instrument"] == "a")[:4]
    a_chain = next(c for c in result.chains if c.branch_path == (0,))
    expected = nirs4all.predict(result.export(tmp_path / "a.n4a", a_chain.chain_id),
                                dataset.select(only_a))
    np.testing.assert_array_equal(nirs4all.predict(bundle, dataset.select(only_a)).y_pred,
                                  expected.y_pred)
    unseen = SpectroDataset(FeatureSource("X", dataset.x()[:3]),
                            metadata={"instrument": ["a", "z", "b"]})
    with pytest.raises(ReplayError, match=r"rows \[1\] belong to no branch"):
        nirs4all.predict(bundle, unseen)


def test_a_meta_model_after_concat_stacks_the_reassembled_chain_and_earlier_models() -> None:
    from nirs4all.operators.models import MetaModel

    _, chains, _ = execute([KFold(3), PLSRegression(2), {"branch": {"by_metadata": "instrument"}},
                            Ridge(), {"merge": "concat"}, MetaModel(Ridge())], make_dataset())
    earlier, reassembled, meta = chains[0], chains[-2], chains[-1]
    assert reassembled.branch_path == ()
    assert meta.source_chains == (earlier.chain_id, reassembled.chain_id)


def test_stacking_separated_models_directly_asks_for_concat_first() -> None:
    with pytest.raises(SpecError, match=r"reassemble them first with \{'merge': 'concat'\}"):
        execute([KFold(3), {"branch": {"by_metadata": "instrument"}}, Ridge(),
                 {"merge": "predictions"}, Ridge()], make_dataset())


@pytest.mark.parametrize("tag_first", [False, True])
def test_a_by_tag_chain_replays_from_its_bundle_like_the_run(tmp_path, tag_first) -> None:
    from nirs4all.errors import ReplayError
    from nirs4all.operators.filters import XOutlierFilter, YOutlierFilter

    data = nirs4all.generate(90, random_state=4, test_fraction=0.25)
    tag = {"tag": XOutlierFilter(method="isolation_forest", contamination=0.3)}
    tagged = [*([tag, KFold(3)] if tag_first else [KFold(3), tag]),
              {"branch": {"by_tag": "x_outlier", "steps": [PLSRegression(3)]}},
              {"merge": "concat"}]
    result = nirs4all.run(tagged, data, random_state=0, verbose=0)
    joined = next(c for c in result.chains if not c.branch_path)
    stored = result.predictions(chain_id=joined.chain_id, fold_id="final",
                                partition="test")[0]
    replayed = nirs4all.predict(result.export(tmp_path / "tag.n4a", joined.chain_id),
                                data.test)
    np.testing.assert_array_equal(np.asarray(replayed.y_pred).reshape(stored.y_pred.shape),
                                  stored.y_pred)
    by_y = [KFold(3), {"tag": YOutlierFilter(method="percentile", lower_percentile=20,
                                             upper_percentile=80)},
            {"branch": {"by_tag": "y_outlier", "steps": [PLSRegression(3)]}},
            {"merge": "concat"}]
    result = nirs4all.run(by_y, data, random_state=0, verbose=0)
    joined = next(c for c in result.chains if not c.branch_path)
    bundle = result.export(tmp_path / "y.n4a", joined.chain_id)
    with pytest.raises(ReplayError, match=r"cannot judge new rows.*needs y"):
        nirs4all.predict(bundle, data.test)
