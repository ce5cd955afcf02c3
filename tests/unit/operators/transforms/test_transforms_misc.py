"""The other 0.x operators of issue 15, each against an independent reference at 1e-10."""

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.preprocessing import KBinsDiscretizer, MinMaxScaler

from nirs4all.errors import WavelengthAxisError
from nirs4all.operators.transforms import SavitzkyGolay
from nirs4all.operators.transforms._centering import Baseline
from nirs4all.operators.transforms._decomposition import FlexiblePCA, FlexibleSVD
from nirs4all.operators.transforms._derivatives import Derivate
from nirs4all.operators.transforms._discretizers import IntegerKBinsDiscretizer, RangeDiscretizer
from nirs4all.operators.transforms._epo import EPO
from nirs4all.operators.transforms._local import (
    AreaNormalization,
    LocalStandardNormalVariate,
    LogTransform,
    SimpleScale,
)
from nirs4all.operators.transforms._resampler import Resampler

ATOL = 1e-10


@pytest.mark.parametrize("pad_mode", ["reflect", "edge", "constant"])
def test_local_snv_matches_explicit_windows(spectra, pad_mode) -> None:
    out = LocalStandardNormalVariate(7, pad_mode, constant_values=0.5).fit_transform(spectra)
    extra = {"constant_values": 0.5} if pad_mode == "constant" else {}
    padded = np.pad(spectra, ((0, 0), (3, 3)), mode=pad_mode, **extra)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 7, axis=1)
    expected = (spectra - windows.mean(axis=2)) / windows.std(axis=2)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_log_transform_shifts_to_min_value_and_floors_new_data(spectra) -> None:
    X = spectra - 0.5
    fitted = LogTransform(base=10).fit(X)
    shift = 1e-8 - X.min()
    np.testing.assert_allclose(
        fitted.transform(X), np.log10(np.maximum(X + shift, 1e-8)), rtol=0, atol=ATOL
    )
    assert fitted.transform(X - 10).min() == pytest.approx(-8.0)


@pytest.mark.parametrize("decreasing", [False, True])
def test_area_normalization_trapz_integrates_the_real_axis(spectra, axis, decreasing) -> None:
    nonuniform = axis + 0.01 * (axis - axis[0]) ** 1.5
    w = nonuniform[::-1] if decreasing else nonuniform
    X = spectra[:, ::-1] if decreasing else spectra
    out = AreaNormalization("trapz").fit_transform(X, wavelengths=w)
    area = np.abs(np.trapezoid(X, w, axis=1))
    np.testing.assert_allclose(out, X / area[:, None], rtol=0, atol=ATOL)


def test_area_normalization_sum_and_abs_sum(spectra) -> None:
    X = spectra - 0.4
    np.testing.assert_allclose(
        AreaNormalization().fit_transform(X), X / X.sum(axis=1, keepdims=True), atol=ATOL
    )
    np.testing.assert_allclose(
        AreaNormalization("abs_sum").fit_transform(X),
        X / np.abs(X).sum(axis=1, keepdims=True),
        atol=ATOL,
    )


def test_simple_scale_matches_min_max_scaler(spectra) -> None:
    fitted = SimpleScale().fit(spectra[:8])
    reference = MinMaxScaler().fit(spectra[:8])
    np.testing.assert_allclose(
        fitted.transform(spectra), reference.transform(spectra), rtol=0, atol=ATOL
    )


def test_baseline_removes_each_spectrum_mean_not_the_column_mean(spectra) -> None:
    out = Baseline().fit(spectra[:6]).transform(spectra)
    np.testing.assert_allclose(out, spectra - spectra.mean(axis=1, keepdims=True), atol=ATOL)
    assert not np.allclose(out, spectra - spectra[:6].mean(axis=0))


def test_derivate_differentiates_along_wavelengths_not_samples(spectra, axis) -> None:
    w = axis + 0.002 * (axis - axis[0]) ** 2
    out = Derivate(order=2).fit_transform(spectra, wavelengths=w)
    expected = np.gradient(np.gradient(spectra, w, axis=1), w, axis=1)
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)
    cubic = (w - 1150.0) ** 3
    third = Derivate(order=3, edge_order=2).fit_transform(np.tile(cubic, (3, 1)), wavelengths=w)
    assert np.allclose(third[:, 4:-4], 6.0, rtol=1e-2)


def test_savitzky_golay_on_uneven_axis_raises_with_a_yaml_fix(spectra, axis) -> None:
    uneven = axis + 0.05 * (axis - axis[0]) ** 1.3
    with pytest.raises(WavelengthAxisError, match=r"Resampler\(step=.*params: \{step:"):
        SavitzkyGolay(deriv=1).fit(spectra, wavelengths=uneven)
    step = float(str((uneven[-1] - uneven[0]) / (uneven.size - 1))[:6])
    grid = Resampler(step=step).fit(spectra, wavelengths=uneven)
    SavitzkyGolay(deriv=1).fit(grid.transform(spectra), wavelengths=grid.wavelengths_out_)


def test_resampler_fills_outside_and_crops(spectra, axis) -> None:
    target = np.linspace(1090.0, 1240.0, 76)
    fitted = Resampler(target, fill_value=-1.0, crop_range=(1235.0, 1095.0)).fit(
        spectra, wavelengths=axis
    )
    kept = target[(target >= 1095.0) & (target <= 1235.0)]
    np.testing.assert_array_equal(fitted.wavelengths_out_, kept)
    inside = (kept >= axis[0]) & (kept <= axis[-1])
    expected = np.full((spectra.shape[0], kept.size), -1.0)
    expected[:, inside] = [np.interp(kept[inside], axis, x) for x in spectra]
    np.testing.assert_allclose(fitted.transform(spectra), expected, rtol=0, atol=ATOL)
    with pytest.raises(ValueError, match="fill_value is None"):
        Resampler(target, fill_value=None).fit(spectra, wavelengths=axis)


def test_resampler_takes_the_axis_of_a_dataset_or_bundle(spectra, axis) -> None:
    class Dataset:
        def wavelengths(self) -> np.ndarray:
            return axis[2:-2:3]

    bundle = SimpleNamespace(manifest={"sources": [{"wavelengths": list(axis[5:-5:2])}]})
    for source, values in ((Dataset(), axis[2:-2:3]), (bundle, axis[5:-5:2])):
        fitted = Resampler(source).fit(spectra, wavelengths=axis)
        np.testing.assert_array_equal(fitted.wavelengths_out_, values)
    with pytest.raises(TypeError, match="read_bundle"):
        Resampler("model.n4a").fit(spectra, wavelengths=axis)


def test_resampler_step_grid_follows_the_axis_direction(spectra, axis) -> None:
    fitted = Resampler(step=5.0).fit(spectra[:, ::-1], wavelengths=axis[::-1])
    np.testing.assert_allclose(fitted.wavelengths_out_, np.arange(1226.0, 1099.0, -5.0))


def _align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * np.sign(np.sum(a * b, axis=0))


def test_flexible_pca_share_of_variance_matches_numpy_svd(spectra) -> None:
    fitted = FlexiblePCA(0.99).fit(spectra)
    centred = spectra - spectra.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    k = int(np.searchsorted(np.cumsum(s**2) / np.sum(s**2), 0.99)) + 1
    assert fitted.n_components_ == k == fitted.wavelengths_out_.size
    scores = fitted.transform(spectra)
    np.testing.assert_allclose(_align(scores, u[:, :k] * s[:k]), u[:, :k] * s[:k], atol=ATOL)
    np.testing.assert_allclose(scores, PCA(0.99).fit_transform(spectra), atol=ATOL)


def test_flexible_svd_matches_truncated_svd(spectra) -> None:
    share = FlexibleSVD(0.999999).fit(spectra)
    k = share.n_components_
    reference = TruncatedSVD(k, algorithm="arpack", tol=0).fit(spectra)
    np.testing.assert_allclose(
        _align(share.components_.T, reference.components_.T), reference.components_.T, atol=1e-8
    )
    np.testing.assert_allclose(
        share.explained_variance_ratio_, reference.explained_variance_ratio_, atol=ATOL
    )
    assert (
        np.cumsum(share.explained_variance_ratio_)[-2]
        < 0.999999
        * np.sum(TruncatedSVD(11, algorithm="arpack").fit(spectra).explained_variance_ratio_)
        or k == 1
    )
    fixed = FlexibleSVD(3, algorithm="arpack").fit(spectra)
    np.testing.assert_allclose(
        np.abs(fixed.transform(spectra)),
        np.abs(TruncatedSVD(3, algorithm="arpack").fit_transform(spectra)),
        atol=1e-8,
    )


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_integer_kbins_matches_digitize_on_formula_edges(strategy) -> None:
    y = np.random.default_rng(0).gamma(2.0, size=(200, 1))
    codes = IntegerKBinsDiscretizer(4, strategy=strategy).fit_transform(y)
    if strategy == "uniform":
        edges = np.linspace(y.min(), y.max(), 5)
    else:
        edges = np.percentile(y[:, 0], np.linspace(0, 100, 5))
    expected = np.clip(np.digitize(y[:, 0], edges[1:-1]), 0, 3)
    assert codes.dtype == np.int64
    np.testing.assert_array_equal(codes[:, 0], expected)
    sklearn_codes = KBinsDiscretizer(
        4, encode="ordinal", strategy=strategy, quantile_method="linear"
    ).fit_transform(y)
    np.testing.assert_array_equal(codes, sklearn_codes)


def test_range_discretizer_numbers_the_intervals() -> None:
    X = np.array([[-5.0, 10.0], [10.0, 19.99], [20.0, 35.0]])
    out = RangeDiscretizer([10, 20]).fit_transform(X)
    np.testing.assert_array_equal(out, [[0, 1], [1, 1], [2, 2]])
    with pytest.raises(ValueError, match="strictly increasing"):
        RangeDiscretizer([2, 1]).fit(X)


def test_epo_is_the_projection_of_roger_et_al(spectra) -> None:
    rng = np.random.default_rng(1)
    directions = rng.normal(size=(3, spectra.shape[1]))
    difference = rng.normal(size=(10, 3)) @ directions
    fitted = EPO(n_components=2, difference=difference).fit(spectra)
    v = np.linalg.svd(difference)[2][:2].T
    projector = np.eye(spectra.shape[1]) - v @ v.T
    np.testing.assert_allclose(fitted.transform(spectra), spectra @ projector, atol=ATOL)
    full = EPO(n_components=5, difference=difference).fit(spectra)
    assert full.n_components_ == 3
    np.testing.assert_allclose(full.transform(difference), 0.0, atol=1e-9)


def test_epo_from_replicates_removes_the_within_sample_variation(spectra) -> None:
    y = np.repeat([1.0, 2.0, 3.0, 4.0], 3)
    drift = np.random.default_rng(2).normal(size=spectra.shape[1])
    X = spectra[np.repeat([0, 1, 2, 3], 3)] + np.tile([-1.0, 0.0, 1.0], 4)[:, None] * drift
    out = EPO(n_components=1).fit_transform(X, y)
    np.testing.assert_allclose(out[0::3], out[2::3], atol=1e-9)
