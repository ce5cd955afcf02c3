"""Row-wise normalisation and reflectance conversions against their formulas."""

import numpy as np
import pytest

from nirs4all.operators.transforms import KubelkaMunk, Normalize, ReflectanceToAbsorbance

ATOL = 1e-10


@pytest.mark.parametrize(
    ("method", "norm"),
    [
        ("vector", lambda x: np.sqrt(np.sum(x**2))),
        ("area", lambda x: np.sum(np.abs(x))),
        ("max", lambda x: np.max(np.abs(x))),
    ],
)
def test_normalize_divides_each_spectrum_by_its_norm(spectra, method, norm) -> None:
    X = spectra - 0.4  # some negative values
    expected = [x / norm(x) for x in X]
    np.testing.assert_allclose(Normalize(method).fit_transform(X), expected, rtol=0, atol=ATOL)


def test_normalize_leaves_zero_spectrum_unchanged(spectra) -> None:
    X = np.vstack([spectra, np.zeros(spectra.shape[1])])
    for method in ("vector", "area", "max"):
        out = Normalize(method).fit_transform(X)
        np.testing.assert_array_equal(out[-1], 0.0)


def test_normalize_rejects_unknown_method(spectra) -> None:
    with pytest.raises(ValueError, match="method must be one of 'vector', 'area', 'max'"):
        Normalize("l1").fit(spectra)


def test_reflectance_to_absorbance_is_log_of_inverse(spectra) -> None:
    R = spectra / spectra.max()
    np.testing.assert_allclose(
        ReflectanceToAbsorbance().fit_transform(R), np.log10(1 / R), rtol=0, atol=ATOL
    )


def test_reflectance_to_absorbance_floors_at_min_value() -> None:
    out = ReflectanceToAbsorbance(min_value=1e-4).fit_transform(np.array([[0.0, -0.2, 0.1]]))
    np.testing.assert_allclose(out, [[4.0, 4.0, 1.0]], rtol=0, atol=ATOL)


def test_reflectance_in_percent_is_divided_by_100(spectra) -> None:
    R = spectra / spectra.max()
    np.testing.assert_allclose(
        ReflectanceToAbsorbance(percent=True).fit_transform(100 * R),
        ReflectanceToAbsorbance().fit_transform(R),
        rtol=0,
        atol=ATOL,
    )


def test_kubelka_munk_formula(spectra) -> None:
    R = spectra / spectra.max()
    expected = (1 - R) ** 2 / (2 * R)
    np.testing.assert_allclose(KubelkaMunk().fit_transform(R), expected, rtol=1e-13, atol=0)
    np.testing.assert_allclose(
        KubelkaMunk(percent=True).fit_transform(100 * R), expected, rtol=1e-13, atol=0
    )


def test_kubelka_munk_stays_finite_at_zero_reflectance() -> None:
    out = KubelkaMunk(min_value=1e-6).fit_transform(np.array([[0.0, 1.0, 0.5]]))
    np.testing.assert_allclose(out, [[(1 - 1e-6) ** 2 / 2e-6, 0.0, 0.25]], rtol=1e-13)


@pytest.mark.parametrize("transform", [ReflectanceToAbsorbance, KubelkaMunk])
def test_conversions_reject_non_positive_floor(spectra, transform) -> None:
    with pytest.raises(ValueError, match="min_value must be a positive number; got 0"):
        transform(min_value=0).fit(spectra)
