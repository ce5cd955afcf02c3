"""Sample filters: each method against its formula or scikit-learn, and the shared protocol."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.covariance import EmpiricalCovariance, MinCovDet
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.utils.estimator_checks import parametrize_with_checks

from nirs4all.operators.filters import (
    CompositeFilter,
    HighLeverageFilter,
    MetadataFilter,
    SpectralQualityFilter,
    XOutlierFilter,
    YOutlierFilter,
)

# MetadataFilter judges a metadata column, not X: scikit-learn's checks pass only X, so it is
# tested below instead. Every other filter passes every check that applies to an estimator
# with fit but no predict/transform (get_mask is not a method the checks know).
CHECKED = [
    YOutlierFilter(), YOutlierFilter(method="zscore"), YOutlierFilter(method="percentile"),
    YOutlierFilter(method="mad"),
    *(XOutlierFilter(method=m) for m in ("mahalanobis", "robust_mahalanobis", "pca_residual",
                                         "pca_leverage", "isolation_forest", "lof")),
    SpectralQualityFilter(), HighLeverageFilter(), HighLeverageFilter(method="pca"),
    CompositeFilter([XOutlierFilter(), SpectralQualityFilter()]),
]


@parametrize_with_checks(CHECKED)
def test_filters_pass_the_scikit_learn_estimator_checks(estimator, check) -> None:
    check(estimator)


@pytest.fixture
def spectra() -> np.ndarray:
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(60, 3))
    X = latent @ rng.normal(size=(3, 40)) + 0.05 * rng.normal(size=(60, 40))
    X[:3] += 4.0 * rng.normal(size=(3, 40))  # three gross outliers
    return X


# -- YOutlierFilter -------------------------------------------------------------------------

def test_iqr_keeps_exactly_the_rows_inside_tukeys_fences() -> None:
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 40, -30])
    q1, q3 = np.percentile(y, [25, 75])
    expected = (y >= q1 - 1.5 * (q3 - q1)) & (y <= q3 + 1.5 * (q3 - q1))
    X = np.zeros((y.size, 2))
    mask = YOutlierFilter().fit(X, y).get_mask(X, y)
    np.testing.assert_array_equal(mask, expected)
    assert mask.sum() == 9


def test_zscore_uses_the_population_standard_deviation() -> None:
    y = np.r_[np.linspace(0, 1, 30), 5.0]
    X = np.zeros((y.size, 1))
    f = YOutlierFilter(method="zscore", threshold=2.0).fit(X, y)
    z = np.abs(y - y.mean()) / y.std()
    np.testing.assert_array_equal(f.get_mask(X, y), z <= 2.0)
    np.testing.assert_allclose(f.upper_, [y.mean() + 2 * y.std()], atol=1e-12)


def test_mad_is_the_iglewicz_hoaglin_modified_z_score() -> None:
    y = np.array([2.0, 2.1, 2.2, 2.0, 1.9, 2.3, 2.1, 9.0, 2.05])
    X = np.zeros((y.size, 1))
    modified = 0.6745 * np.abs(y - np.median(y)) / np.median(np.abs(y - np.median(y)))
    mask = YOutlierFilter(method="mad").fit(X, y).get_mask(X, y)
    np.testing.assert_array_equal(mask, modified <= 3.5)
    assert not mask[7]


def test_percentile_bounds_come_from_the_training_targets_only() -> None:
    train = np.arange(101.0)
    X = np.zeros((3, 1))
    f = YOutlierFilter(method="percentile", lower_percentile=5, upper_percentile=95)
    f.fit(np.zeros((101, 1)), train)
    np.testing.assert_array_equal(f.get_mask(X, np.array([4.0, 50.0, 96.0])),
                                  [False, True, False])


def test_multi_target_row_is_flagged_when_any_target_is_outlying() -> None:
    y = np.column_stack([np.linspace(0, 1, 20), np.linspace(0, 1, 20)])
    y[4, 1] = 50.0
    X = np.zeros((20, 1))
    mask = YOutlierFilter().fit(X, y).get_mask(X, y)
    assert mask.sum() == 19
    assert not mask[4]


def test_constant_targets_keep_every_row_for_zscore_and_mad() -> None:
    y, X = np.ones(10), np.zeros((10, 1))
    for method in ("zscore", "mad"):
        assert YOutlierFilter(method=method).fit(X, y).get_mask(X, y).all()


@pytest.mark.parametrize(("params", "match"), [
    ({"method": "sigma"}, "method must be one of"),
    ({"threshold": -1.0}, "threshold must be a positive number"),
    ({"method": "percentile", "lower_percentile": 90, "upper_percentile": 10},
     "lower_percentile < upper_percentile"),
])
def test_y_filter_refuses_bad_parameters(params, match) -> None:
    with pytest.raises(ValueError, match=match):
        YOutlierFilter(**params).fit(np.zeros((5, 1)), np.arange(5.0))


def test_y_filter_needs_y_to_build_a_mask() -> None:
    f = YOutlierFilter().fit(np.zeros((5, 1)), np.arange(5.0))
    with pytest.raises(ValueError, match="needs y"):
        f.get_mask(np.zeros((5, 1)))
    with pytest.raises(ValueError, match="fitted on 1"):
        f.get_mask(np.zeros((5, 1)), np.zeros((5, 2)))


# -- XOutlierFilter -------------------------------------------------------------------------

def test_mahalanobis_equals_empirical_covariance_on_pca_scores(spectra) -> None:
    f = XOutlierFilter(n_components=4).fit(spectra)
    scores = PCA(4, svd_solver="full").fit(spectra).transform(spectra)
    expected = EmpiricalCovariance().fit(scores).mahalanobis(scores)
    np.testing.assert_allclose(f.statistic_, expected, rtol=1e-8)
    np.testing.assert_array_equal(f.get_mask(spectra),
                                  expected <= stats.chi2.ppf(0.975, 4))


def test_robust_mahalanobis_equals_min_cov_det_on_pca_scores(spectra) -> None:
    f = XOutlierFilter(method="robust_mahalanobis", n_components=3, random_state=7)
    f.fit(spectra)
    scores = f.pca_.scores(spectra)
    expected = MinCovDet(random_state=7).fit(scores).mahalanobis(scores)
    np.testing.assert_allclose(f.statistic_, expected, rtol=1e-10)
    np.testing.assert_array_equal(f.get_mask(spectra), expected <= stats.chi2.ppf(0.975, 3))


def test_pca_leverage_is_hotelling_t2_with_the_f_limit(spectra) -> None:
    n, k = spectra.shape[0], 5
    f = XOutlierFilter(method="pca_leverage", n_components=k, confidence=0.95).fit(spectra)
    pca = PCA(k, svd_solver="full").fit(spectra)
    t2 = np.sum(pca.transform(spectra) ** 2 / pca.explained_variance_, axis=1)
    np.testing.assert_allclose(f.statistic_, t2, rtol=1e-8)
    limit = k * (n - 1) * (n + 1) / (n * (n - k)) * stats.f.ppf(0.95, k, n - k)
    assert f.limit_ == pytest.approx(limit, rel=1e-12)
    np.testing.assert_array_equal(f.get_mask(spectra), t2 <= limit)


def test_pca_residual_is_q_with_boxs_limit(spectra) -> None:
    k = 3
    f = XOutlierFilter(method="pca_residual", n_components=k).fit(spectra)
    pca = PCA(k, svd_solver="full").fit(spectra)
    rebuilt = pca.inverse_transform(pca.transform(spectra))
    q = np.sum((spectra - rebuilt) ** 2, axis=1)
    np.testing.assert_allclose(f.statistic_, q, rtol=1e-8)
    eig = np.linalg.svd(spectra - spectra.mean(0), compute_uv=False) ** 2 / 59
    rest = eig[k:]
    th1, th2 = rest.sum(), (rest ** 2).sum()
    assert f.limit_ == pytest.approx(th2 / th1 * stats.chi2.ppf(0.975, th1 ** 2 / th2))
    assert not f.get_mask(spectra)[:3].any()


def test_isolation_forest_and_lof_match_scikit_learn(spectra) -> None:
    forest = XOutlierFilter(method="isolation_forest", random_state=3).fit(spectra[10:])
    expected = IsolationForest(contamination=0.1, random_state=3).fit(spectra[10:])
    np.testing.assert_array_equal(forest.get_mask(spectra), expected.predict(spectra) == 1)
    lof = XOutlierFilter(method="lof", contamination=0.05).fit(spectra[10:])
    ref = LocalOutlierFactor(n_neighbors=20, contamination=0.05, novelty=True)
    np.testing.assert_array_equal(lof.get_mask(spectra),
                                  ref.fit(spectra[10:]).predict(spectra) == 1)


def test_an_explicit_threshold_replaces_the_statistical_limit(spectra) -> None:
    f = XOutlierFilter(method="pca_leverage", threshold=1.0, n_components=2).fit(spectra)
    assert f.limit_ == 1.0
    np.testing.assert_array_equal(f.get_mask(spectra), f.statistic_ <= 1.0)
    assert "above 1" in f.reason


def test_the_same_seed_gives_the_same_forest_mask(spectra) -> None:
    a = XOutlierFilter(method="isolation_forest", random_state=11).fit(spectra)
    b = clone(a).fit(spectra)
    np.testing.assert_array_equal(a.get_mask(spectra), b.get_mask(spectra))


@pytest.mark.parametrize(("params", "match"), [
    ({"method": "chebyshev"}, "method must be one of"),
    ({"n_components": 0}, "n_components must be an integer"),
    ({"confidence": 1.5}, "strictly between 0 and 1"),
])
def test_x_filter_refuses_bad_parameters(spectra, params, match) -> None:
    with pytest.raises(ValueError, match=match):
        XOutlierFilter(**params).fit(spectra)


# -- SpectralQualityFilter, HighLeverageFilter ----------------------------------------------

def test_spectral_quality_flags_each_kind_of_broken_spectrum() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 20))
    X[1, :5] = np.nan  # 25 % NaN
    X[2, :12] = 0.0  # 60 % zeros
    X[3] = 0.3  # flat
    X[4, 3] = np.inf
    X[5, 7] = 50.0
    X[6, 2] = -50.0
    f = SpectralQualityFilter(max_value=10.0, min_value=-10.0).fit(X)
    np.testing.assert_array_equal(f.get_mask(X), [True] + [False] * 6)
    lenient = SpectralQualityFilter(max_nan_ratio=0.3, check_inf=False).fit(X)
    np.testing.assert_array_equal(lenient.get_mask(X)[[1, 4]], [True, True])


def test_hat_leverage_equals_the_diagonal_of_the_hat_matrix() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 3))
    X[0] = [6.0, -6.0, 6.0]
    f = HighLeverageFilter().fit(X)
    design = np.column_stack([np.ones(30), X])
    hat = np.diag(design @ np.linalg.pinv(design.T @ design) @ design.T)
    np.testing.assert_allclose(f.leverage_, hat, atol=1e-10)
    np.testing.assert_array_equal(f.get_mask(X), hat <= 2 * 4 / 30)
    assert not f.get_mask(X)[0]


def test_pca_leverage_of_the_training_rows_averages_rank_plus_one_over_n(spectra) -> None:
    f = HighLeverageFilter(method="pca", n_components=4).fit(spectra)
    assert f.leverage_.mean() == pytest.approx(5 / 60, rel=1e-10)


def test_hat_leverage_refuses_spectra_with_more_features_than_samples() -> None:
    X = np.random.default_rng(0).normal(size=(10, 50))
    with pytest.raises(ValueError, match="use method='pca'"):
        HighLeverageFilter().fit(X)


# -- MetadataFilter, CompositeFilter ----------------------------------------------------------

def _is_hot(value) -> bool:
    return value > 30


def test_metadata_filter_combines_its_rules() -> None:
    X = np.zeros((5, 2))
    meta = {"site": np.array(["A", "B", "C", None, "A"], dtype=object),
            "temp": np.array([20, 35, 25, 22, 21])}
    f = MetadataFilter("site", values_to_exclude=["C"]).fit(X, metadata=meta)
    np.testing.assert_array_equal(f.get_mask(X, metadata=meta), [1, 1, 0, 0, 1])
    keep = MetadataFilter("site", values_to_keep=["A"], exclude_missing=False).fit(
        X, metadata=meta)
    np.testing.assert_array_equal(keep.get_mask(X, metadata=meta), [1, 0, 0, 0, 1])
    hot = MetadataFilter("temp", condition=_is_hot).fit(X, metadata=meta)
    np.testing.assert_array_equal(hot.get_mask(X, metadata=meta), [1, 0, 1, 1, 1])
    assert "_is_hot(value) is true" in hot.reason


def test_metadata_filter_names_the_missing_column() -> None:
    with pytest.raises(ValueError, match="no column 'lot'; columns are \\['site'\\]"):
        MetadataFilter("lot").fit(np.zeros((2, 1)), metadata={"site": np.array([1, 2])})
    with pytest.raises(ValueError, match="needs metadata"):
        MetadataFilter("lot").fit(np.zeros((2, 1)))


def test_composite_any_flags_the_union_and_all_the_intersection() -> None:
    X = np.column_stack([np.arange(10.0), np.zeros(10)])
    y = np.arange(10.0)
    y[0] = 100.0
    meta = {"site": np.array(["A"] * 5 + ["B"] * 5)}
    parts = [YOutlierFilter(), MetadataFilter("site", values_to_exclude=["A"])]
    union = CompositeFilter(parts).fit(X, y, metadata=meta).get_mask(X, y, metadata=meta)
    np.testing.assert_array_equal(union, [0] * 5 + [1] * 5)
    inter = CompositeFilter(parts, mode="all").fit(X, y, metadata=meta)
    np.testing.assert_array_equal(inter.get_mask(X, y, metadata=meta), [0] + [1] * 9)
    assert parts[0].__dict__.get("lower_") is None  # the given filters stay unfitted
    assert " and " in inter.reason


def test_every_filter_has_a_reason_and_a_class_derived_tag_name() -> None:
    names = {type(f).__name__: f.tag_name for f in CHECKED}
    assert names["YOutlierFilter"] == "y_outlier"
    assert names["XOutlierFilter"] == "x_outlier"
    assert names["SpectralQualityFilter"] == "spectral_quality"
    assert names["HighLeverageFilter"] == "high_leverage"
    assert MetadataFilter("site").tag_name == "metadata"
    assert all(isinstance(f.reason, str) and f.reason for f in CHECKED)
