"""The fast component sweep: one fit per fold, records equal to separate fits."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler

import nirs4all
from nirs4all.operators.models import IKPLS, PCR, PLS, PLSDA, SIMPLS, KernelPLS
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.pipeline import runner
from nirs4all.pipeline.folds import fold_key
from nirs4all.pipeline.replay import ReplayTarget, replay_chain
from nirs4all.pipeline.sweep import nested_param, sweep_plan, truncate

SWEPT = [PLS, SIMPLS, IKPLS, PCR, PLSRegression]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 25))
    y = X[:, :5] @ rng.normal(size=5) + 0.1 * rng.normal(size=60)
    return X[:45], y[:45], X[45:]


@pytest.mark.parametrize("model", SWEPT, ids=lambda m: m.__name__)
def test_truncated_fit_predicts_what_a_separate_fit_predicts(model, data) -> None:
    X, y, X_new = data
    big = model(n_components=9).fit(X, y)
    for a in (1, 4, 8):
        small = truncate(big, a, X)
        alone = model(n_components=a).fit(X, y)
        assert small.n_components == a
        assert np.max(np.abs(small.predict(X_new) - alone.predict(X_new))) <= 1e-10
        np.testing.assert_allclose(small.coef_, alone.coef_, rtol=0, atol=1e-10)
        if hasattr(big, "predict_nested"):
            nested = big.predict_nested(X_new, [a])[a]
            assert np.max(np.abs(small.predict(X_new) - nested)) <= 1e-10
        if hasattr(alone, "training_q_"):
            np.testing.assert_allclose(small.training_q_, alone.training_q_, atol=1e-8)
            np.testing.assert_allclose(small.hotelling_t2(X_new), alone.hotelling_t2(X_new),
                                       atol=1e-8)


@pytest.mark.parametrize("model", SWEPT, ids=lambda m: m.__name__)
def test_truncated_fit_has_every_fitted_attribute_of_a_separate_fit(model, data) -> None:
    X, y, _ = data
    small = truncate(model(n_components=9).fit(X, y), 5, X)
    alone = model(n_components=5).fit(X, y)
    assert sorted(vars(small)) == sorted(vars(alone))
    for name, expected in vars(alone).items():
        got = getattr(small, name)
        if isinstance(expected, np.ndarray) and expected.dtype.kind == "f":
            # a component's sign is fixed by the data, so the two agree, not just up to sign
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8, err_msg=name)
        elif isinstance(expected, np.ndarray):
            np.testing.assert_array_equal(got, expected, err_msg=name)
        else:
            assert got == expected, name


def test_truncate_refuses_more_components_than_fitted(data) -> None:
    X, y, _ = data
    with pytest.raises(ValueError, match=r"must be in \[1, 3\]"):
        truncate(PLS(3).fit(X, y), 4, X)


def test_only_estimators_with_a_known_truncation_and_no_seed_are_swept() -> None:
    assert nested_param(PLS(3)) == "n_components"
    assert nested_param(PLSRegression(3)) == "n_components"
    assert nested_param(RandomForestRegressor()) is None
    # PLSDA's probabilities depend on a temperature fitted per model; KernelPLS has a
    # different fit: neither has a truncation, both keep one fit per variant
    assert nested_param(PLSDA(3)) is None
    assert nested_param(KernelPLS(3)) is None


def _variants(pipeline: list) -> list[runner.PreparedVariant]:
    return runner.prepare_variants(pipeline, seed=0, max_variants=100)


def test_sweep_plan_groups_variants_that_differ_only_in_the_nested_parameter() -> None:
    variants = _variants([{"_or_": [SNV(), SavitzkyGolay()]}, KFold(3),
                          {"model": PLS, "_range_": [2, 6, 2], "param": "n_components"}])
    plan = sweep_plan(variants)
    assert len(plan) == 6
    groups: dict[str, set[int]] = {}
    for variant in variants:
        groups.setdefault(variant.steps[0].spec_json, set()).add(
            variant.steps[-1].operator.n_components)
        (index, member), = plan[variant.pipeline_id].items()
        assert index == variant.steps[-1].index
        assert member.largest == 6
        assert member.value == variant.steps[-1].operator.n_components
    assert list(groups.values()) == [{2, 4, 6}, {2, 4, 6}]


def test_sweep_plan_leaves_single_values_and_other_parameters_alone() -> None:
    assert sweep_plan(_variants([KFold(3), PLS(4)])) == {}
    scaled = _variants([KFold(3), {"model": {"_or_": [PLS(4, scale=True),
                                                      PLS(4, scale=False)]}}])
    assert sweep_plan(scaled) == {}
    forest = _variants([KFold(3), {"model": RandomForestRegressor, "_range_": [2, 4],
                                   "param": "max_depth"}])
    assert sweep_plan(forest) == {}


SWEEP = [MinMaxScaler(), KFold(4, shuffle=True, random_state=0),
         {"model": PLS, "_range_": [1, 10], "param": "n_components"}]


def _run(pipeline: list, *, monkeypatch=None, **kwargs) -> nirs4all.RunResult:
    if monkeypatch is not None:
        monkeypatch.setattr(runner, "sweep_plan", lambda variants: {})
    dataset = nirs4all.generate(90, random_state=5)
    return nirs4all.run(pipeline, dataset, random_state=3, verbose=0, workspace=None,
                        **kwargs)


def test_sweep_records_scores_ranking_and_refit_equal_separate_fits(monkeypatch) -> None:
    swept = _run(SWEEP)
    separate = _run(SWEEP, monkeypatch=monkeypatch)
    assert [c.chain_id for c in swept.chains] == [c.chain_id for c in separate.chains]
    for a, b in zip(swept.chains, separate.chains, strict=True):
        assert a.cv_score == pytest.approx(b.cv_score, abs=1e-10)
        assert a.test_score == pytest.approx(b.test_score, abs=1e-10, nan_ok=True)
    swept_preds, separate_preds = swept.predictions(), separate.predictions()
    assert [p.natural_key for p in swept_preds] == [p.natural_key for p in separate_preds]
    for a, b in zip(swept_preds, separate_preds, strict=True):
        assert np.max(np.abs(a.y_pred - b.y_pred)) <= 1e-10
    # the refit of the winner is a separate fit: bit-identical
    final = [p for p in swept_preds if p.fold_id == "final"]
    assert final
    for a in final:
        b = next(p for p in separate_preds if p.natural_key == a.natural_key)
        np.testing.assert_array_equal(a.y_pred, b.y_pred)
    # PLS: 4 folds x 1 largest fit + 1 refit; MinMaxScaler: once per pass (CV, refit)
    assert swept.stats["fits"] == 4 + 1 + 2
    assert separate.stats["fits"] == 10 * 4 + 1 + 2


def test_sweep_with_refit_all_refits_every_variant_separately(monkeypatch) -> None:
    swept = _run(SWEEP, refit="all")
    separate = _run(SWEEP, monkeypatch=monkeypatch, refit="all")
    assert swept.stats["fits"] == 4 + 10 + 1
    for a, b in zip(swept.predictions(fold_id="final"), separate.predictions(fold_id="final"),
                    strict=True):
        np.testing.assert_array_equal(a.y_pred, b.y_pred)


def test_truncated_fold_models_replay_their_stored_predictions() -> None:
    result = _run(SWEEP, refit=False)
    dataset = nirs4all.generate(90, random_state=5)
    test = dataset.partition == "test"
    source = dataset.sources[0]
    target = ReplayTarget(dataset.task, dataset.n_targets, dataset.classes)
    for outcome in result.outcomes:
        chain = outcome.chains[0]
        for fold in (fold_key(0), fold_key(3)):
            stored = result.predictions(chain_id=chain.chain_id, fold_id=fold,
                                        partition="test")[0]
            y_pred, _ = replay_chain(chain, [source.X[test]], [(source.wavelengths,
                                                                 source.unit)],
                                     load=outcome.artifacts.__getitem__, target=target,
                                     fold=fold)
            assert np.max(np.abs(y_pred - stored.y_pred)) <= 1e-12


def test_sweep_through_preprocessing_choices_and_y_processing_equals_separate_fits(
        monkeypatch) -> None:
    pipeline = [{"_or_": [SNV(), SavitzkyGolay()]}, {"y_processing": MinMaxScaler()},
                KFold(3), {"model": PLSRegression, "_range_": [2, 8, 3],
                           "param": "n_components"}]
    swept = _run(pipeline)
    separate = _run(pipeline, monkeypatch=monkeypatch)
    assert [c.chain_id for c in swept.chains] == [c.chain_id for c in separate.chains]
    for a, b in zip(swept.predictions(), separate.predictions(), strict=True):
        assert a.natural_key == b.natural_key
        assert np.max(np.abs(a.y_pred - b.y_pred)) <= 1e-10
    assert separate.stats["fits"] - swept.stats["fits"] == 2 * 3 * 2  # 2 of 3 sizes saved


NARROW = [KFold(3), {"model": PLSRegression, "_range_": [2, 20, 6], "param": "n_components"}]


def _narrow(monkeypatch=None, **kwargs) -> nirs4all.RunResult:
    """A sweep of n_components 2, 8, 14, 20 on 11 wavelengths: 14 and 20 are invalid."""
    if monkeypatch is not None:
        monkeypatch.setattr(runner, "sweep_plan", lambda variants: {})
    dataset = nirs4all.generate(60, random_state=5, wavelengths=(1000, 1100, 10))
    return nirs4all.run(NARROW, dataset, random_state=3, verbose=0, workspace=None, **kwargs)


def test_an_invalid_largest_member_fails_alone_and_the_others_equal_separate_fits(
        monkeypatch) -> None:
    swept = _narrow()
    assert sorted(f.name for f in swept.failures) == sorted(
        f.name for f in _narrow(monkeypatch).failures)
    assert len(swept.failures) == 2
    for failure in swept.failures:
        assert failure.failed_fold == "0"
        assert "n_components" in failure.error
    with monkeypatch.context() as patch:
        separate = _narrow(patch)
    assert [c.chain_id for c in swept.chains] == [c.chain_id for c in separate.chains]
    assert len(swept.chains) == 2
    for a, b in zip(swept.chains, separate.chains, strict=True):
        assert a.cv_score == b.cv_score
        assert a.fold_scores == b.fold_scores
    for a, b in zip(swept.predictions(), separate.predictions(), strict=True):
        assert a.natural_key == b.natural_key
        np.testing.assert_array_equal(a.y_pred, b.y_pred)
    with pytest.raises(nirs4all.errors.ExecutionError, match="n_components"):
        _narrow(continue_on_error=False)
