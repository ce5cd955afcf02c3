"""Detrend, ASLSBaseline and BaselineOffset against references computed here."""

import numpy as np
import pytest

from nirs4all.operators.transforms import ASLSBaseline, BaselineOffset, Detrend, _baseline

ATOL = 1e-10


@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_detrend_matches_polyfit_per_spectrum_on_real_axis(spectra, axis, order) -> None:
    warped = axis + 0.01 * (axis - axis[0]) ** 1.5
    expected = [x - np.polyval(np.polyfit(warped, x, order), warped) for x in spectra]
    out = Detrend(order).fit_transform(spectra, wavelengths=warped)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_detrend_removes_polynomial_exactly(axis) -> None:
    t = axis - 1150.0
    X = np.vstack([1 + 2e-3 * t - 3e-6 * t**2, np.full_like(t, 5.0)])
    np.testing.assert_allclose(Detrend(2).fit_transform(X, wavelengths=axis), 0.0, atol=ATOL)


def test_detrend_of_order_above_width_zeroes_output() -> None:
    X = np.array([[1.0, 4.0, 2.0], [0.0, 1.0, 0.5]])
    fitted = Detrend(order=5).fit(X)
    assert fitted.order_ == 2
    np.testing.assert_allclose(fitted.transform(X), 0.0, atol=ATOL)


def _asls_dense(y, lam, p, max_iter, tol):
    n = y.size
    second = np.diff(np.eye(n), n=2, axis=0)
    penalty = lam * second.T @ second
    w = np.ones(n)
    for _ in range(max_iter):
        z = np.linalg.solve(np.diag(w) + penalty, w * y)
        new_w = np.where(y > z, p, 1 - p)
        change = np.linalg.norm(new_w - w) / np.linalg.norm(w)
        w = new_w
        if change <= tol:
            break
    return y - z


@pytest.mark.parametrize(
    ("lam", "p", "max_iter", "tol"), [(1e3, 0.01, 50, 1e-3), (50.0, 0.05, 3, 0)]
)
def test_asls_matches_dense_solve_with_explicit_difference_matrix(
    spectra, lam, p, max_iter, tol
) -> None:
    expected = [_asls_dense(x, lam, p, max_iter, tol) for x in spectra]
    out = ASLSBaseline(lam=lam, p=p, max_iter=max_iter, tol=tol).fit_transform(spectra)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_asls_default_smoothness_agrees_with_dense_solve(spectra) -> None:
    expected = [_asls_dense(x, 1e6, 0.01, 50, 1e-3) for x in spectra[:4]]
    out = ASLSBaseline().fit_transform(spectra[:4])
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-7)


def test_asls_result_does_not_depend_on_block_size(spectra, monkeypatch) -> None:
    whole = ASLSBaseline(lam=1e3).fit_transform(spectra)
    monkeypatch.setattr(_baseline, "ASLS_BLOCK_VALUES", 3 * spectra.shape[1])
    np.testing.assert_array_equal(ASLSBaseline(lam=1e3).fit_transform(spectra), whole)


def test_asls_records_iterations_and_stops_on_converged_weights(spectra) -> None:
    assert 1 < ASLSBaseline(lam=1e3).fit(spectra).n_iter_ < 50
    assert ASLSBaseline(lam=1e3, max_iter=2).fit(spectra).n_iter_ == 2


def test_asls_recovers_smooth_baseline_under_positive_peak() -> None:
    axis = np.linspace(1000.0, 2000.0, 400)
    t = (axis - axis.mean()) / np.ptp(axis)
    baseline = 0.5 + 0.3 * t + 0.2 * t**2
    peak = np.exp(-0.5 * ((axis - 1400.0) / 20.0) ** 2)
    out = ASLSBaseline(lam=1e5, p=0.01).fit_transform((baseline + peak)[None, :])
    np.testing.assert_allclose(out[0], peak, atol=0.03)


def test_asls_on_fewer_than_three_points_returns_zeros() -> None:
    np.testing.assert_array_equal(ASLSBaseline().fit_transform(np.ones((4, 2))), 0.0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lam": -1.0}, "lam must be a positive number"),
        ({"p": 1.0}, r"p must be in \(0, 1\)"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"tol": -0.1}, "tol must be a number >= 0"),
    ],
)
def test_asls_rejects_invalid_parameters(spectra, params, message) -> None:
    with pytest.raises(ValueError, match=message):
        ASLSBaseline(**params).fit(spectra)


def test_baseline_offset_subtracts_each_minimum(spectra) -> None:
    out = BaselineOffset().fit_transform(spectra)
    np.testing.assert_array_equal(out, spectra - spectra.min(axis=1, keepdims=True))
    np.testing.assert_array_equal(out.min(axis=1), 0.0)
