"""The banded Gaussian kernel smoother against the dense formula it replaces."""

import numpy as np
import pytest

from nirs4all.operators.augmentation._smoothing import gaussian_smooth, smooth_rows, smooth_shared


def dense_smooth(row, axis, sigma):
    """The dense n x n formula: s_i = sum_j K_ij x_j / sum_j K_ij."""
    if sigma == 0:
        return row.astype(np.float64, copy=True)
    kernel = np.exp(-0.5 * ((axis[:, None] - axis[None, :]) / sigma) ** 2)
    return kernel @ row / kernel.sum(axis=1)


def axis_of(kind, n=157):
    rng = np.random.default_rng(11)
    uneven = np.cumsum(rng.uniform(0.2, 3.0, n)) + 900.0
    return {
        "even": np.linspace(1000.0, 1300.0, n),
        "uneven": uneven,
        "decreasing": uneven[::-1].copy(),
    }[kind]


# spans: even 300, uneven ~250; 1e4 is wider than either axis (window = whole axis)
SIGMAS = [0.0, 0.3, 1.0, 2.5, 7.0, 40.0, 1e4]


@pytest.mark.parametrize("kind", ["even", "uneven", "decreasing"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_each_row_matches_the_dense_smoother_of_its_own_sigma(kind, dtype):
    axis = axis_of(kind)
    rng = np.random.default_rng(3)
    sigmas = np.repeat(SIGMAS, 3) * rng.uniform(0.9, 1.1, 3 * len(SIGMAS))
    X = rng.normal(1.0, 0.2, (sigmas.size, axis.size)).astype(dtype)
    out = smooth_rows(X, axis, sigmas)
    assert out.dtype == np.float64
    for row, sigma, new in zip(X, sigmas, out, strict=True):
        np.testing.assert_allclose(new, dense_smooth(row, axis, sigma), rtol=1e-12, atol=0)


@pytest.mark.parametrize("kind", ["even", "uneven", "decreasing"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sigma", SIGMAS)
def test_rows_sharing_a_sigma_match_the_dense_smoother(kind, dtype, sigma):
    axis = axis_of(kind)
    X = np.random.default_rng(5).normal(1.0, 0.2, (6, axis.size)).astype(dtype)
    out = smooth_rows(X, axis, np.full(6, sigma))
    for row, new in zip(X, out, strict=True):
        np.testing.assert_allclose(new, dense_smooth(row, axis, sigma), rtol=1e-12, atol=0)


def test_shared_and_single_row_kernels_give_the_same_rows():
    axis = axis_of("uneven", 400)
    X = np.random.default_rng(2).normal(1.0, 0.2, (5, axis.size))
    together = smooth_rows(X, axis, np.full(5, 4.0))
    one_by_one = np.array([gaussian_smooth(row, axis, 4.0) for row in X])
    np.testing.assert_allclose(together, one_by_one, rtol=1e-12, atol=0)


def test_zero_sigma_returns_each_row_unchanged_as_float64():
    axis = axis_of("uneven")
    X = np.random.default_rng(4).normal(size=(3, axis.size)).astype(np.float32)
    out = smooth_rows(X, axis, np.array([0.0, 2.0, 0.0]))
    assert np.array_equal(out[[0, 2]], X[[0, 2]].astype(np.float64))
    assert not np.allclose(out[1], X[1])
    assert np.array_equal(gaussian_smooth(X[0], axis, 0.0), X[0].astype(np.float64))


def test_a_sigma_far_wider_than_the_axis_averages_the_whole_row():
    axis = axis_of("uneven")
    row = np.random.default_rng(6).normal(size=axis.size)
    np.testing.assert_allclose(gaussian_smooth(row, axis, 1e9), np.full(axis.size, row.mean()))


def test_the_band_drops_only_weights_below_the_rounding_of_the_rows_largest_value():
    # beyond 9.2 sigma a weight is below 4.3e-19: a dropped term moves a result by less
    # than 1e-17 of the row's largest value (here below the sums' own rounding), even when
    # that value dwarfs the result
    rng = np.random.default_rng(8)
    for axis in (np.array([0.0, 9.0]), np.array([0.0, 9.3]), np.array([0.0, 12.0, 30.0]),
                 np.cumsum(rng.uniform(0.1, 2.0, 60))):
        for row in (np.r_[0.0, np.full(axis.size - 1, 1e300)],
                    rng.normal(size=axis.size) * 10.0 ** rng.integers(-5, 5, axis.size)):
            error = np.abs(gaussian_smooth(row, axis, 1.0) - dense_smooth(row, axis, 1.0))
            assert np.all(error <= 1e-15 * np.abs(row).max())  # a few ulps of the largest
    kept = gaussian_smooth(np.array([0.0, 1e300]), np.array([0.0, 9.0]), 1.0)[0]
    assert kept == dense_smooth(np.array([0.0, 1e300]), np.array([0.0, 9.0]), 1.0)[0] > 0.0


def test_smooth_rows_rejects_a_sigma_count_that_is_not_the_row_count():
    with pytest.raises(ValueError, match="3 rows but 2 sigmas"):
        smooth_rows(np.ones((3, 4)), np.arange(4.0), np.ones(2))


@pytest.mark.parametrize("kind", ["even", "uneven", "decreasing"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sigma", SIGMAS[1:])
def test_the_shared_kernel_matches_the_dense_smoother(kind, dtype, sigma):
    axis = axis_of(kind, 300)
    X = np.random.default_rng(8).normal(1.0, 0.2, (4, axis.size)).astype(dtype)
    out = smooth_shared(X, axis, sigma)
    assert out.dtype == np.float64
    for row, new in zip(X, out, strict=True):
        np.testing.assert_allclose(new, dense_smooth(row, axis, sigma), rtol=1e-12, atol=0)


def test_a_row_is_smoothed_to_the_same_bits_whatever_the_other_rows():
    axis = axis_of("uneven", 300)
    rng = np.random.default_rng(9)
    X = rng.normal(1.0, 0.2, (40, axis.size))
    sigmas = rng.uniform(0.5, 6.0, 40)
    sigmas[[3, 7]] = sigmas[5]  # rows 3, 5, 7 share their weights, the others do not
    everything, shared = smooth_rows(X, axis, sigmas), smooth_shared(X, axis, 3.0)
    for subset in ([5], [7, 0], [3, 5, 7, 12], [39, 1]):
        assert np.array_equal(smooth_rows(X[subset], axis, sigmas[subset]), everything[subset])
        assert np.array_equal(smooth_shared(X[subset], axis, 3.0), shared[subset])


@pytest.mark.parametrize("sigma", [0.5, 3.0, 1e4])
def test_a_shared_sigma_on_a_decreasing_even_axis_matches_the_dense_smoother(sigma):
    axis = np.linspace(2400.0, 1100.0, 131)  # even, decreasing: sorted, then put back
    X = np.random.default_rng(9).normal(1.0, 0.2, (4, axis.size))
    out = smooth_shared(X, axis, sigma)
    for row, new in zip(X, out, strict=True):
        np.testing.assert_allclose(new, dense_smooth(row, axis, sigma), rtol=1e-12, atol=0)
    np.testing.assert_array_equal(smooth_shared(X[2:3], axis, sigma), out[2:3])
