"""``exclude`` and ``tag`` steps: per-fold filters, rows out of fits, flags recorded."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from executor_helpers import RecordingRegressor
from executor_helpers import execute as _execute
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.augmentation import GaussianNoise
from nirs4all.operators.filters import MetadataFilter, XOutlierFilter, YOutlierFilter
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.spec import SpecError, parse_pipeline


def _row_hashes(X: np.ndarray) -> set[str]:
    return {hashlib.sha256(np.ascontiguousarray(row).tobytes()).hexdigest() for row in X}


def _with_outliers(n: int = 120, seed: int = 4) -> SpectroDataset:
    """Real-shaped spectra (801 wavelengths) whose targets hold gross outliers."""
    base = nirs4all.generate(n, random_state=seed, test_fraction=0.2)
    y = np.array(base.y, dtype=np.float64)
    train = np.flatnonzero(base.partition == "train")
    y[train[::9]] += 25.0 * np.std(y)
    test = np.flatnonzero(base.partition == "test")
    y[test[:3]] -= 40.0 * np.std(y)  # test outliers: must decide nothing
    site = np.where(np.arange(n) % 5 == 0, "B", "A")
    return SpectroDataset(FeatureSource("nir", base.sources[0].X, base.sources[0].wavelengths,
                                        base.sources[0].unit), y, partition=base.partition,
                          metadata={"site": site}, name="outliers")


@pytest.fixture(scope="module")
def dataset() -> SpectroDataset:
    return _with_outliers()


def test_excluded_rows_are_absent_from_every_fold_fit_and_present_in_its_predictions(
        dataset) -> None:
    pipeline = [KFold(3, shuffle=True, random_state=0), {"exclude": YOutlierFilter()},
                RecordingRegressor()]
    executor, chains, predictions = _execute(pipeline, dataset)
    X = dataset.x()
    refs = chains[0].steps[-1].artifacts
    flagged_total = 0
    for key in ("0", "1", "2", "final"):
        fit = executor.rows.train if key == "final" else executor.rows.fit[key]
        flagged = executor.tags["y_outlier"][key]
        out, kept = fit[flagged[fit]], fit[~flagged[fit]]
        assert out.size > 0
        flagged_total += out.size
        fitted = _row_hashes(executor.artifacts[refs[key]].X_fit_)
        assert fitted == _row_hashes(X[kept])
        assert not fitted & _row_hashes(X[out])
    assert flagged_total == sum(1 for f in executor.flags if f.action == "exclude")
    val_rows = np.concatenate([p.sample_ids for p in predictions if p.partition == "val"])
    assert sorted(val_rows.tolist()) == sorted(dataset.sample_ids[executor.rows.train].tolist())


def test_each_fold_filter_is_fitted_on_that_folds_training_rows_only(dataset) -> None:
    pipeline = [KFold(3), {"exclude": YOutlierFilter(method="percentile",
                                                     lower_percentile=5,
                                                     upper_percentile=95)},
                RecordingRegressor()]
    executor, _, _ = _execute(pipeline, dataset)
    y = dataset.y
    for key, fit in executor.rows.fit.items():
        lo, hi = np.percentile(y[fit], [5, 95])
        expected = (y[:, 0] < lo) | (y[:, 0] > hi)
        np.testing.assert_array_equal(executor.tags["y_outlier"][key], expected)


def test_test_samples_never_change_what_is_excluded(dataset) -> None:
    pipeline = [KFold(3), {"exclude": XOutlierFilter(method="pca_residual")},
                RecordingRegressor()]
    first, _, _ = _execute(pipeline, dataset)
    X = np.array(dataset.x())
    test = np.flatnonzero(dataset.partition == "test")
    X[test] += 50.0  # wild test spectra
    changed = SpectroDataset(FeatureSource("nir", X, dataset.sources[0].wavelengths,
                                           dataset.sources[0].unit), dataset.y,
                             partition=dataset.partition, metadata=dataset.metadata)
    second, _, _ = _execute(pipeline, changed)
    train = first.rows.train
    for key in ("0", "1", "2", "final"):
        np.testing.assert_array_equal(first.tags["x_outlier"][key][train],
                                      second.tags["x_outlier"][key][train])
    assert second.tags["x_outlier"]["final"][test].all()  # still judged, and flagged


def test_exclude_before_the_splitter_holds_for_every_fold(dataset) -> None:
    pipeline = [{"exclude": YOutlierFilter()}, KFold(3), RecordingRegressor()]
    executor, chains, _ = _execute(pipeline, dataset)
    flagged = executor.tags["y_outlier"]["*"]
    assert flagged[executor.rows.train].sum() > 0
    refs = chains[0].steps[-1].artifacts
    for key in ("0", "1", "2", "final"):
        np.testing.assert_array_equal(executor.tags["y_outlier"][key], flagged)
        assert executor.tag_mask("y_outlier", key) is flagged
        n_fit = executor.rows.fit_rows(key).size
        assert executor.artifacts[refs[key]].X_fit_.shape[0] == n_fit
        assert not flagged[executor.rows.fit_rows(key)].any()
    flags = executor.sample_flags(emit_cv=True, emit_final=True)
    assert {f.fold_id for f in flags} == {"0", "1", "2", "final"}
    for f in flags:
        rows = executor.rows.train if f.fold_id == "final" else executor.rows.fit[f.fold_id]
        assert f.sample_index in rows


def test_tag_marks_rows_without_removing_them(dataset) -> None:
    pipeline = [KFold(3), {"tag": YOutlierFilter()}, RecordingRegressor()]
    executor, chains, _ = _execute(pipeline, dataset)
    refs = chains[0].steps[-1].artifacts
    for key, fit in executor.rows.fit.items():
        assert executor.artifacts[refs[key]].X_fit_.shape[0] == fit.size
        assert executor.tags["y_outlier"][key].any()
    tagged = [f for f in executor.flags if f.action == "tag"]
    assert {f.tag_name for f in tagged} == {"y_outlier"}
    assert any(dataset.partition[f.sample_index] == "test" for f in tagged)


def test_mode_all_excludes_only_rows_every_filter_flags(dataset) -> None:
    filters = [YOutlierFilter(), MetadataFilter("site", values_to_exclude=["B"])]
    any_ex, _, _ = _execute([KFold(3), {"exclude": filters}, RecordingRegressor()], dataset)
    all_ex, _, _ = _execute([KFold(3), {"exclude": filters, "mode": "all"},
                             RecordingRegressor()], dataset)
    y_flags = any_ex.tags["y_outlier"]["0"]
    site_flags = any_ex.tags["metadata"]["0"]
    np.testing.assert_array_equal(any_ex.rows.excluded["0"], y_flags | site_flags)
    np.testing.assert_array_equal(all_ex.rows.excluded["0"], y_flags & site_flags)
    assert set(all_ex.tags) == {"composite"}


def test_augmented_copies_of_an_excluded_row_are_not_fitted(dataset) -> None:
    pipeline = [KFold(3), {"exclude": YOutlierFilter()},
                {"sample_augmentation": {"transformers": [GaussianNoise()], "count": 2}},
                RecordingRegressor()]
    executor, chains, _ = _execute(pipeline, dataset)
    refs = chains[0].steps[-1].artifacts
    for key in ("0", "1", "2"):
        kept = executor.rows.fit_rows(key).size
        assert kept < executor.rows.fit[key].size
        assert executor.artifacts[refs[key]].X_fit_.shape[0] == 3 * kept


def test_a_random_filter_is_seeded_from_the_run(dataset) -> None:
    pipeline = [KFold(3), {"exclude": XOutlierFilter(method="isolation_forest")},
                RecordingRegressor()]
    a, _, _ = _execute(pipeline, dataset)
    b, _, _ = _execute(pipeline, dataset)
    for key in ("0", "1", "2", "final"):
        np.testing.assert_array_equal(a.tags["x_outlier"][key], b.tags["x_outlier"][key])


@pytest.mark.parametrize(("step", "match"), [
    ({"exclude": LinearRegression()}, "is not a sample filter"),
    ({"exclude": []}, "no sample filter given"),
    ({"exclude": YOutlierFilter(), "mode": "most"}, "expected 'any' or 'all'"),
    ({"tag": YOutlierFilter(), "mode": "all"}, "unknown key"),
])
def test_bad_filter_steps_are_refused_with_their_position(step, match) -> None:
    with pytest.raises(SpecError, match=match):
        parse_pipeline([KFold(3), step, LinearRegression()])


# -- exclude / tag inside branches ----------------------------------------------------------


def _model_rows(executor, chain, key):
    return _row_hashes(executor.artifacts[chain.steps[-1].artifacts[key]].X_fit_)


def _expected_flags(dataset, fit):
    """What a YOutlierFilter fitted on ``fit`` flags over every row."""
    return ~YOutlierFilter().fit(dataset.x()[fit], dataset.y[fit]).get_mask(dataset.x(),
                                                                            dataset.y)


def test_an_exclude_inside_a_branch_removes_rows_from_that_branchs_fits_only(dataset) -> None:
    pipeline = [KFold(3, shuffle=True, random_state=0),
                {"branch": [[{"exclude": YOutlierFilter()}, RecordingRegressor()],
                            [RecordingRegressor()]]}]
    executor, chains, predictions = _execute(pipeline, dataset)
    X = dataset.x()
    for key in ("0", "1", "2", "final"):
        fit = executor.rows.train if key == "final" else executor.rows.fit[key]
        flagged = _expected_flags(dataset, fit)
        assert flagged[fit].any()
        assert _model_rows(executor, chains[0], key) == _row_hashes(X[fit[~flagged[fit]]])
        assert _model_rows(executor, chains[1], key) == _row_hashes(X[fit])  # untouched
        recorded = {f.sample_index for f in executor.flags if f.fold_id == key}
        assert recorded == set(fit[flagged[fit]].tolist())
    assert {f.branch_path for f in executor.flags} == {(0,)}
    assert not executor.rows.excluded  # nothing outside the branch
    for chain in chains:  # excluded rows are still predicted, in every branch
        val = np.concatenate([p.sample_ids for p in predictions
                              if p.chain_id == chain.chain_id and p.partition == "val"])
        assert sorted(val.tolist()) == sorted(dataset.sample_ids[executor.rows.train].tolist())


def test_an_exclude_inside_a_separation_branch_is_fitted_on_that_branchs_rows(dataset) -> None:
    pipeline = [KFold(3, shuffle=True, random_state=1),
                {"branch": {"by_metadata": "site",
                            "steps": [{"exclude": YOutlierFilter()}, RecordingRegressor()]}},
                {"merge": "concat"}]
    executor, chains, predictions = _execute(pipeline, dataset)
    site = np.asarray(dataset.metadata["site"])
    X = dataset.x()
    per_branch = {(0,): "A", (1,): "B"}
    for chain in chains[:2]:
        own = site == per_branch[chain.branch_path]
        for key in ("0", "1", "2", "final"):
            fit = executor.rows.train if key == "final" else executor.rows.fit[key]
            fit = fit[own[fit]]
            flagged = _expected_flags(dataset, fit)
            kept = fit[~flagged[fit]]
            assert _model_rows(executor, chain, key) == _row_hashes(X[kept])
            recorded = {f.sample_index for f in executor.flags
                        if f.fold_id == key and f.branch_path == chain.branch_path}
            assert recorded == set(fit[flagged[fit]].tolist())
    assert any(f.branch_path == (1,) for f in executor.flags)
    reassembled = chains[-1]
    val = np.concatenate([p.sample_ids for p in predictions
                          if p.chain_id == reassembled.chain_id and p.partition == "val"])
    assert sorted(val.tolist()) == sorted(dataset.sample_ids[executor.rows.train].tolist())


def test_a_tag_inside_a_separation_branch_marks_only_its_own_rows(dataset) -> None:
    pipeline = [KFold(3), {"branch": {"by_metadata": "site", "steps": [
        {"tag": YOutlierFilter()}, RecordingRegressor()]}}]
    executor, chains, _ = _execute(pipeline, dataset)
    site = np.asarray(dataset.metadata["site"])
    for f in executor.flags:
        assert f.action == "tag"
        assert site[f.sample_index] == ("A" if f.branch_path == (0,) else "B")
    for chain in chains:  # a tag removes nothing
        fit = executor.rows.fit["0"]
        own = fit[site[fit] == ("A" if chain.branch_path == (0,) else "B")]
        assert executor.artifacts[chain.steps[-1].artifacts["0"]].X_fit_.shape[0] == own.size


def test_a_by_tag_branch_inside_a_branch_reads_that_branchs_tag(dataset) -> None:
    pipeline = [KFold(3), {"branch": [
        [{"tag": YOutlierFilter(tag_name="y_far")},
         {"branch": {"by_tag": "y_far", "steps": [RecordingRegressor()]}},
         {"merge": "concat"}],
        [RecordingRegressor()]]}]
    executor, chains, _ = _execute(pipeline, dataset)
    for key in ("0", "1", "2", "final"):
        fit = executor.rows.train if key == "final" else executor.rows.fit[key]
        flagged = _expected_flags(dataset, fit)
        tagged = next(c for c in chains if c.branch_path == (0, 1))
        assert executor.artifacts[tagged.steps[-1].artifacts[key]].X_fit_.shape[0] == \
            int(flagged[fit].sum())
    with pytest.raises(SpecError, match="no tag 'y_far'"):  # not seen from the other branch
        _execute([KFold(3), {"branch": [[{"tag": YOutlierFilter(tag_name="y_far")}],
                                        [{"branch": {"by_tag": "y_far",
                                                     "steps": [RecordingRegressor()]}},
                                         {"merge": "concat"}]]},
                  {"merge": "features"}, RecordingRegressor()], dataset)


def test_a_branch_exclusion_ends_with_the_merge_that_closes_the_branch(dataset) -> None:
    pipeline = [KFold(3), {"branch": [[{"exclude": YOutlierFilter()}, SNV()], [SNV()]]},
                {"merge": "features"}, RecordingRegressor()]
    executor, chains, _ = _execute(pipeline, dataset)
    for key, fit in executor.rows.fit.items():
        assert executor.artifacts[chains[0].steps[-1].artifacts[key]].X_fit_.shape[0] == fit.size
    assert not executor._branch_excluded()


def test_an_exclude_before_a_separation_branch_holds_inside_it(dataset) -> None:
    pipeline = [KFold(3), {"exclude": YOutlierFilter()},
                {"branch": {"by_metadata": "site", "steps": [RecordingRegressor()]}}]
    executor, chains, _ = _execute(pipeline, dataset)
    site = np.asarray(dataset.metadata["site"])
    for chain in chains:
        own = site == ("A" if chain.branch_path == (0,) else "B")
        for key in ("0", "1", "2", "final"):
            kept = executor.rows.fit_rows(key)
            fitted = executor.artifacts[chain.steps[-1].artifacts[key]].X_fit_
            assert fitted.shape[0] == int(own[kept].sum())
