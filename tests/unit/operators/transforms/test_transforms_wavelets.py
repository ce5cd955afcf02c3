"""The wavelet transforms against PyWavelets' own per-spectrum functions."""

import numpy as np
import pytest
import pywt
import scipy.linalg
import scipy.signal
import scipy.stats
from sklearn.decomposition import PCA

from nirs4all.errors import WavelengthAxisError
from nirs4all.operators.transforms._wavelet_components import WaveletPCA, WaveletSVD
from nirs4all.operators.transforms._wavelets import (
    Haar,
    Wavelet,
    WaveletDenoise,
    WaveletFeatures,
)

ATOL = 1e-10


def _details_at_length(x, wavelet, mode):
    detail = pywt.dwt(x, wavelet, mode=mode)[1]
    return detail if detail.size == x.size else scipy.signal.resample(detail, x.size)


@pytest.mark.parametrize(
    ("wavelet", "mode"),
    [
        ("haar", "periodization"),
        ("db4", "periodization"),
        ("db4", "symmetric"),
        ("sym5", "reflect"),
        ("coif2", "zero"),
    ],
)
def test_wavelet_is_pywt_detail_coefficients_resampled_to_length(
    spectra, axis, wavelet, mode
) -> None:
    expected = [_details_at_length(x, wavelet, mode) for x in spectra]
    out = Wavelet(wavelet, mode).fit_transform(spectra, wavelengths=axis)
    assert out.shape == spectra.shape
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_wavelet_resamples_coefficients_longer_than_a_short_spectrum() -> None:
    X = np.array([[1.0, 2.0, 4.0, 3.0, 0.5], [0.0, 1.0, 0.0, 1.0, 0.0]])
    assert pywt.dwt(X[0], "db4", mode="symmetric")[1].size > 5
    out = Wavelet("db4", "symmetric").fit_transform(X)
    np.testing.assert_allclose(
        out, [_details_at_length(x, "db4", "symmetric") for x in X], rtol=0, atol=ATOL
    )


def test_haar_is_the_closed_form_pairwise_difference(spectra) -> None:
    even = spectra[:, :64]
    closed_form = (even[:, 0::2] - even[:, 1::2]) / np.sqrt(2)
    expected = scipy.signal.resample(closed_form, 64, axis=1)
    np.testing.assert_allclose(Haar().fit_transform(even), expected, rtol=0, atol=ATOL)
    np.testing.assert_array_equal(Haar().fit_transform(even), Wavelet().fit_transform(even))


def test_wavelet_float32_stays_float32(spectra) -> None:
    assert Wavelet("db2").fit_transform(spectra.astype(np.float32)).dtype == np.float32


def _denoise_reference(x, wavelet, level, threshold_mode, mode):
    coeffs = pywt.wavedec(x, wavelet, mode=mode, level=level)
    sigma = np.median(np.abs(coeffs[-1])) / 0.6745
    t = sigma * np.sqrt(2 * np.log(x.size))
    kept = [coeffs[0]] + [pywt.threshold(c, t, mode=threshold_mode) for c in coeffs[1:]]
    return pywt.waverec(kept, wavelet, mode=mode)[: x.size]


@pytest.mark.parametrize(
    ("wavelet", "level", "threshold_mode", "mode"),
    [
        ("db4", None, "soft", "symmetric"),
        ("sym4", 2, "hard", "periodization"),
        ("haar", 3, "soft", "reflect"),
    ],
)
def test_denoise_matches_pywt_universal_threshold_per_spectrum(
    spectra, wavelet, level, threshold_mode, mode
) -> None:
    transform = WaveletDenoise(wavelet, level, threshold_mode, mode).fit(spectra)
    deepest = pywt.dwt_max_level(spectra.shape[1], pywt.Wavelet(wavelet).dec_len)
    used = deepest if level is None else min(level, deepest)
    assert transform.level_ == used
    expected = [_denoise_reference(x, wavelet, used, threshold_mode, mode) for x in spectra]
    np.testing.assert_allclose(transform.transform(spectra), expected, rtol=0, atol=ATOL)


def test_denoise_brings_noisy_spectra_closer_to_the_clean_ones() -> None:
    axis = np.linspace(1000.0, 2500.0, 512)
    clean = np.exp(-0.5 * ((axis[None, :] - [[1450.0], [1940.0]]) / 40.0) ** 2)
    noisy = clean + np.random.default_rng(3).normal(0, 0.02, size=clean.shape)
    denoised = WaveletDenoise().fit_transform(noisy, wavelengths=axis)
    assert np.linalg.norm(denoised - clean) < 0.8 * np.linalg.norm(noisy - clean)


def test_denoise_of_spectra_shorter_than_the_filter_returns_them_unchanged() -> None:
    X = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 2.0]])
    fitted = WaveletDenoise().fit(X)
    assert fitted.level_ == 0
    np.testing.assert_array_equal(fitted.transform(X), X)


def _features_reference(x, wavelet, level, n_coeffs):
    row = []
    for c in pywt.wavedec(x, wavelet, level=level):
        energy = float(np.sum(c * c))
        entropy = scipy.stats.entropy(c * c) if energy > 0 else 0.0
        top = np.zeros(n_coeffs)
        magnitudes = np.sort(np.abs(c))[::-1][:n_coeffs]
        top[: magnitudes.size] = magnitudes
        row += [np.mean(c), np.std(c), energy, entropy, *top]
    return row


@pytest.mark.parametrize(("wavelet", "max_level", "n_coeffs"), [("db4", 5, 10), ("haar", 2, 40)])
def test_wavelet_features_match_statistics_of_pywt_levels(
    spectra, wavelet, max_level, n_coeffs
) -> None:
    transform = WaveletFeatures(wavelet, max_level, n_coeffs).fit(spectra)
    level = min(max_level, pywt.dwt_max_level(spectra.shape[1], pywt.Wavelet(wavelet).dec_len))
    assert transform.level_ == level
    expected = [_features_reference(x, wavelet, level, n_coeffs) for x in spectra]
    out = transform.transform(spectra)
    assert out.shape == (spectra.shape[0], (level + 1) * (4 + n_coeffs))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=ATOL)
    np.testing.assert_array_equal(transform.wavelengths_out_, np.arange(out.shape[1]))


def _levels(spectra, wavelet, level):
    per_spectrum = [pywt.wavedec(x, wavelet, level=level) for x in spectra]
    return [np.array([levels[i] for levels in per_spectrum]) for i in range(level + 1)]


@pytest.mark.parametrize("whiten", [True, False])
def test_wavelet_pca_is_sklearn_pca_of_each_pywt_level(spectra, whiten) -> None:
    train, test = spectra[:8], spectra[8:]
    transform = WaveletPCA(max_level=2, n_components_per_level=3, whiten=whiten).fit(train)
    expected = [
        PCA(n_components=3, whiten=whiten, svd_solver="full").fit(a).transform(b)
        for a, b in zip(_levels(train, "db4", 2), _levels(test, "db4", 2), strict=True)
    ]
    np.testing.assert_allclose(transform.transform(test), np.hstack(expected), rtol=0, atol=1e-9)
    assert transform.n_components_ == [3, 3, 3]


def test_wavelet_svd_scores_match_lapack_gesvd_up_to_sign(spectra) -> None:
    transform = WaveletSVD(wavelet="sym4", max_level=3, n_components_per_level=2).fit(spectra)
    columns = []
    for block in _levels(spectra, "sym4", 3):
        u, s, _ = scipy.linalg.svd(block, full_matrices=False, lapack_driver="gesvd")
        columns.append(u[:, :2] * s[:2])
    out = transform.transform(spectra)
    np.testing.assert_allclose(np.abs(out), np.abs(np.hstack(columns)), rtol=0, atol=1e-9)
    biggest = np.argmax(np.abs(out), axis=0)
    assert np.all(out[biggest, np.arange(out.shape[1])] > 0)


def test_components_are_clamped_to_training_samples_and_level_length(spectra) -> None:
    assert WaveletPCA(max_level=1, n_components_per_level=9).fit(spectra[:4]).n_components_ == [
        3,
        3,
    ]
    assert WaveletSVD(max_level=1, n_components_per_level=9).fit(spectra[:4]).n_components_ == [
        4,
        4,
    ]


@pytest.mark.parametrize(
    "transform",
    [Wavelet(), Haar(), WaveletDenoise(), WaveletFeatures(), WaveletPCA(), WaveletSVD()],
)
def test_wavelet_transforms_refuse_an_unevenly_spaced_axis(transform, spectra, axis) -> None:
    warped = axis + 0.05 * (axis - axis[0]) ** 1.5
    with pytest.raises(WavelengthAxisError, match="uniformly spaced"):
        transform.fit(spectra, wavelengths=warped)


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (Wavelet("nosuch"), "wavelet must be the name of a discrete PyWavelets wavelet"),
        (Wavelet("morl"), "wavelet must be the name of a discrete PyWavelets wavelet"),
        (Wavelet(mode="wrap"), "mode must be one of"),
        (WaveletDenoise(threshold_mode="garrote"), "threshold_mode must be one of"),
        (WaveletDenoise(level=0), "level must be an integer >= 1"),
        (WaveletFeatures(max_level=0), "max_level must be an integer >= 1"),
        (WaveletPCA(n_components_per_level=0), "n_components_per_level must be an integer >= 1"),
    ],
)
def test_invalid_parameters_are_rejected_naming_the_parameter(transform, message, spectra) -> None:
    with pytest.raises(ValueError, match=message):
        transform.fit(spectra)


def test_wavelet_features_of_a_zero_spectrum_are_zero_with_zero_entropy(spectra) -> None:
    transform = WaveletFeatures("haar", max_level=2, n_coeffs_per_level=3).fit(spectra)
    out = transform.transform(np.zeros((1, spectra.shape[1])))
    np.testing.assert_array_equal(out, 0.0)


def test_wavelet_pca_of_rank_one_training_levels_gives_finite_scores() -> None:
    X = np.tile(np.linspace(0.0, 1.0, 32), (5, 1))
    X[:, 0] += np.arange(5.0)
    out = WaveletPCA("haar", max_level=1, n_components_per_level=2).fit_transform(X)
    assert np.all(np.isfinite(out))


def test_wavelet_pca_on_many_spectra_matches_the_full_svd_pca() -> None:
    rng = np.random.default_rng(3)
    axis = np.linspace(0, 1, 64)
    spectra = rng.normal(size=(400, 3)) @ np.stack([np.sin(k * 3 * axis) for k in (1, 2, 3)])
    spectra += 0.01 * rng.normal(size=spectra.shape)
    transform = WaveletPCA(max_level=2, n_components_per_level=3).fit(spectra)
    expected = [
        PCA(n_components=3, whiten=True, svd_solver="full").fit(level).transform(level)
        for level in _levels(spectra, "db4", 2)
    ]
    np.testing.assert_allclose(transform.transform(spectra), np.hstack(expected), rtol=0,
                               atol=1e-8)


@pytest.mark.parametrize("whiten", [True, False])
def test_wavelet_pca_fit_transform_decomposes_once_and_equals_fit_then_transform(whiten) -> None:
    rng = np.random.default_rng(5)
    spectra = rng.normal(size=(300, 4)) @ rng.normal(size=(4, 48)) + 0.01 * rng.normal(
        size=(300, 48))
    transform = WaveletPCA(max_level=2, n_components_per_level=3, whiten=whiten)
    together = transform.fit_transform(spectra)
    np.testing.assert_allclose(together, transform.transform(spectra), rtol=0, atol=1e-12)
    expected = [
        PCA(n_components=3, whiten=whiten, svd_solver="full").fit(level).transform(level)
        for level in _levels(spectra, "db4", 2)
    ]
    np.testing.assert_allclose(together, np.hstack(expected), rtol=0, atol=1e-10)
