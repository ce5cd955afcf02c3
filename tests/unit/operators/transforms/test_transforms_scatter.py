"""SNV, RobustSNV, MSC and EMSC against references computed here, spectrum by spectrum."""

import numpy as np
import pytest

from nirs4all.errors import DataWarning
from nirs4all.operators.transforms import EMSC, MSC, SNV, RobustSNV

ATOL = 1e-10


def test_snv_matches_closed_form(spectra) -> None:
    expected = [(x - x.mean()) / x.std(ddof=0) for x in spectra]
    np.testing.assert_allclose(SNV().fit_transform(spectra), expected, rtol=0, atol=ATOL)


def test_snv_leaves_constant_spectrum_centred() -> None:
    X = np.array([[0.1] * 7, [0.0] * 7, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]])
    out = SNV().fit_transform(X)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out[:2], 0.0, atol=1e-15)
    np.testing.assert_allclose(out[2].std(), 1.0, rtol=1e-14)


def test_robust_snv_matches_median_and_scaled_mad(spectra) -> None:
    expected = []
    for x in spectra:
        median = np.median(x)
        expected.append((x - median) / (1.4826 * np.median(np.abs(x - median))))
    np.testing.assert_allclose(RobustSNV().fit_transform(spectra), expected, rtol=0, atol=ATOL)


def test_robust_snv_leaves_zero_mad_spectrum_centred() -> None:
    X = np.array([[1.0, 1.0, 1.0, 5.0, 1.0]])
    np.testing.assert_array_equal(RobustSNV().fit_transform(X), [[0.0, 0.0, 0.0, 4.0, 0.0]])


def _msc_reference(X: np.ndarray, reference: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones_like(reference), reference])
    out = []
    for x in X:
        (offset, slope), *_ = np.linalg.lstsq(design, x, rcond=None)
        out.append((x - offset) / slope)
    return np.array(out)


def test_msc_matches_per_spectrum_least_squares_on_mean(spectra) -> None:
    fitted = MSC().fit(spectra[:8])
    np.testing.assert_allclose(fitted.reference_, spectra[:8].mean(axis=0), rtol=0, atol=1e-15)
    expected = _msc_reference(spectra, spectra[:8].mean(axis=0))
    np.testing.assert_allclose(fitted.transform(spectra), expected, rtol=0, atol=ATOL)


def test_msc_uses_given_reference(spectra) -> None:
    reference = spectra[3] * 2.0 + 0.5
    out = MSC(reference=reference).fit_transform(spectra)
    np.testing.assert_allclose(out, _msc_reference(spectra, reference), rtol=0, atol=ATOL)
    np.testing.assert_allclose(out[3], reference, rtol=0, atol=ATOL)


def test_msc_rejects_reference_of_wrong_length(spectra) -> None:
    with pytest.raises(ValueError, match="reference has shape \\(10,\\) but X has 64 columns"):
        MSC(reference=np.ones(10)).fit(spectra)


def test_msc_with_flat_reference_warns_and_removes_offset_only(spectra) -> None:
    with pytest.warns(DataWarning, match="MSC: the reference spectrum is constant"):
        out = MSC(reference=np.full(spectra.shape[1], 0.4)).fit_transform(spectra)
    np.testing.assert_allclose(out, spectra - spectra.mean(axis=1, keepdims=True), atol=ATOL)


def test_msc_leaves_flat_spectrum_centred(spectra) -> None:
    X = np.vstack([spectra, np.full(spectra.shape[1], 0.7)])
    out = MSC().fit(spectra).transform(X)
    np.testing.assert_allclose(out[-1], 0.0, atol=1e-12)


def _emsc_reference(X, reference, axis, order):
    scaled = 2 * (axis - axis.min()) / (axis.max() - axis.min()) - 1
    powers = np.column_stack([scaled**k for k in range(order + 1)])
    design = np.column_stack([reference, powers])
    out = []
    for x in X:
        coef, *_ = np.linalg.lstsq(design, x, rcond=None)
        out.append((x - powers @ coef[1:]) / coef[0])
    return np.array(out)


@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_emsc_matches_per_spectrum_least_squares_with_monomials(spectra, axis, order) -> None:
    fitted = EMSC(order=order).fit(spectra, wavelengths=axis)
    expected = _emsc_reference(spectra, spectra.mean(axis=0), axis, order)
    np.testing.assert_allclose(fitted.transform(spectra), expected, rtol=0, atol=ATOL)


def test_emsc_polynomial_is_over_the_real_axis(spectra, axis) -> None:
    warped = np.cumsum(np.linspace(1.0, 3.0, axis.size)) + 900.0
    fitted = EMSC(order=2).fit(spectra, wavelengths=warped)
    expected = _emsc_reference(spectra, spectra.mean(axis=0), warped, 2)
    np.testing.assert_allclose(fitted.transform(spectra), expected, rtol=0, atol=ATOL)


def test_emsc_of_order_zero_is_msc(spectra) -> None:
    np.testing.assert_allclose(
        EMSC(order=0).fit_transform(spectra), MSC().fit_transform(spectra), rtol=0, atol=ATOL
    )


def test_emsc_removes_scatter_and_polynomial_baseline(spectra, axis) -> None:
    reference = spectra[0]
    t = (axis - axis.mean()) / 100
    distorted = 1.7 * reference + 0.3 - 0.2 * t + 0.05 * t**2
    out = EMSC(order=2, reference=reference).fit(spectra, wavelengths=axis)
    np.testing.assert_allclose(out.transform(distorted[None, :])[0], reference, atol=ATOL)


def test_emsc_reduces_order_for_narrow_data() -> None:
    X = np.array([[1.0, 2.0, 4.0], [2.0, 3.0, 7.0], [0.5, 1.5, 2.0]])
    fitted = EMSC(order=4).fit(X)
    assert fitted.order_ == 1
    assert fitted.basis_.shape == (3, 2)


def test_emsc_with_polynomial_reference_warns(spectra, axis) -> None:
    with pytest.warns(DataWarning, match="EMSC: the reference spectrum is a polynomial of degree"):
        EMSC(order=2, reference=(axis - 1000.0) ** 2).fit(spectra, wavelengths=axis)


def test_emsc_rejects_negative_order(spectra) -> None:
    with pytest.raises(ValueError, match="EMSC: order must be an integer >= 0; got -1"):
        EMSC(order=-1).fit(spectra)
