"""CARS and MCUVE: PLS1 reference, informative wavelengths kept, seeds, engine n_jobs."""

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.transforms._selection import CARS, MCUVE, pls1_coefficients

INFORMATIVE = np.arange(40, 46)


def informative_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """60 spectra on 100 wavelengths: smooth random background plus a band carrying y."""
    rng = np.random.default_rng(seed)
    axis = np.linspace(1000.0, 1198.0, 100)
    y = rng.uniform(0, 1, size=60)
    background = rng.normal(size=(60, 4)) @ np.vstack(
        [np.sin(axis / k) for k in (15.0, 23.0, 37.0, 51.0)]
    )
    X = 0.3 * background + rng.normal(0, 0.02, size=(60, 100))
    X[:, INFORMATIVE] += y[:, None]
    return X, y, axis


def test_pls1_coefficients_equal_sklearn_pls_for_every_component_count() -> None:
    X, y, _ = informative_data()
    coefficients = pls1_coefficients(X, y, 6)
    for k in range(1, 7):
        reference = PLSRegression(k, scale=False).fit(X, y).coef_.ravel()
        np.testing.assert_allclose(coefficients[k - 1], reference, rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    "selector",
    [
        CARS(n_components=5, n_sampling_runs=30, random_state=0),
        MCUVE(n_components=5, n_iterations=50, random_state=0),
    ],
)
def test_informative_wavelengths_are_kept(selector) -> None:
    X, y, axis = informative_data()
    fitted = selector.fit(X, y, wavelengths=axis)
    assert set(INFORMATIVE) <= set(fitted.get_support(indices=True))
    assert fitted.support_.sum() < 100
    np.testing.assert_array_equal(fitted.wavelengths_out_, axis[fitted.support_])
    np.testing.assert_array_equal(fitted.transform(X, wavelengths=axis), X[:, fitted.support_])


def test_mcuve_stability_is_mean_over_std_of_monte_carlo_coefficients() -> None:
    X, y, _ = informative_data()
    fitted = MCUVE(
        n_components=3, n_iterations=20, threshold_method="value", threshold=5.0, random_state=4
    ).fit(X, y)
    rng = np.random.default_rng(4)
    coefs = []
    for _ in range(20):
        rows = np.sort(rng.choice(60, size=48, replace=False))
        coefs.append(PLSRegression(3, scale=False).fit(X[rows], y[rows]).coef_.ravel())
    expected = np.mean(coefs, axis=0) / np.std(coefs, axis=0, ddof=1)
    np.testing.assert_allclose(fitted.stability_, expected, rtol=1e-8)
    np.testing.assert_array_equal(fitted.support_, np.abs(expected) >= 5.0)


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: CARS(n_components=4, n_sampling_runs=15, random_state=seed),
        lambda seed: MCUVE(n_components=4, n_iterations=30, random_state=seed),
    ],
)
def test_same_seed_selects_the_same_wavelengths(make) -> None:
    X, y, _ = informative_data(1)
    first, again = make(3).fit(X, y), make(3).fit(X, y)
    np.testing.assert_array_equal(first.support_, again.support_)
    other = make(4).fit(X, y)
    if isinstance(first, CARS):
        assert not np.array_equal(first.rmsecv_, other.rmsecv_)
    else:
        assert not np.array_equal(first.stability_, other.stability_)


def test_cars_retained_sets_shrink_to_two_over_p() -> None:
    X, y, _ = informative_data()
    fitted = CARS(n_components=3, n_sampling_runs=20, random_state=0).fit(X, y)
    assert np.all(np.diff(fitted.n_retained_) <= 0)
    assert fitted.n_retained_[-1] <= 2
    assert fitted.rmsecv_[fitted.best_run_] == fitted.rmsecv_.min()


def test_selectors_reject_several_targets() -> None:
    X, y, _ = informative_data()
    with pytest.raises(ValueError, match="one target; y has 2 columns"):
        CARS(n_sampling_runs=3).fit(X, np.column_stack([y, y]))


def test_mcuve_percentile_needs_a_threshold() -> None:
    X, y, _ = informative_data()
    with pytest.raises(ValueError, match="needs a threshold"):
        MCUVE(threshold_method="percentile").fit(X, y)


def _selections(result) -> dict:
    found = {}
    for outcome in result.outcomes:
        for ref, fitted in outcome.artifacts.items():
            for op in fitted if isinstance(fitted, list) else [fitted]:
                if isinstance(op, (CARS, MCUVE)):
                    found[(outcome.pipeline_id, outcome.phase, ref)] = op.support_.copy()
    return found


def test_selection_per_fold_in_run_is_identical_for_one_and_two_jobs() -> None:
    dataset = nirs4all.generate(80, random_state=0)
    pipeline = [
        KFold(3, shuffle=True),
        {"_or_": [CARS(n_components=4, n_sampling_runs=8), MCUVE(n_components=4, n_iterations=15)]},
        PLSRegression(3),
    ]
    runs = [
        nirs4all.run(pipeline, dataset, random_state=7, n_jobs=n, verbose=0, workspace=None)
        for n in (1, 2)
    ]
    one, two = (_selections(r) for r in runs)
    assert len(one) == 2 * 3 + 1  # two variants of three folds, and the best one refitted
    assert one.keys() == two.keys()
    for key, support in one.items():
        np.testing.assert_array_equal(support, two[key])
    assert len({s.tobytes() for s in one.values()}) > 1  # fitted per fold, not once
    first, second = runs[0].predictions(), runs[1].predictions()
    assert len(first) == len(second) > 0
    for a, b in zip(first, second, strict=True):
        assert (a.chain_id, a.fold_id, a.partition) == (b.chain_id, b.fold_id, b.partition)
        np.testing.assert_array_equal(a.y_pred, b.y_pred)
