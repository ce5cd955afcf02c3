"""The pybaselines transforms against pybaselines' own per-spectrum calls."""

import numpy as np
import pytest
from pybaselines import Baseline
from sklearn.base import clone

from nirs4all.operators.transforms._pybaselines import (
    IASLS,
    AirPLS,
    ArPLS,
    PyBaselineCorrection,
    pybaselines_methods,
)
from nirs4all.operators.transforms._pybaselines_peaks import (
    BEADS,
    SNIP,
    IModPoly,
    ModPoly,
    RollingBall,
)

ATOL = 1e-10

# (transform, pybaselines method, the keyword arguments pybaselines receives)
CASES = [
    (AirPLS(), "airpls", {"lam": 1e6, "max_iter": 50, "tol": 1e-3}),
    (AirPLS(lam=1e3, max_iter=5), "airpls", {"lam": 1e3, "max_iter": 5, "tol": 1e-3}),
    (ArPLS(), "arpls", {"lam": 1e6, "max_iter": 50, "tol": 1e-3}),
    (ArPLS(lam=1e4, tol=1e-2), "arpls", {"lam": 1e4, "max_iter": 50, "tol": 1e-2}),
    (IASLS(), "iasls", {"lam": 1e6, "p": 0.01, "lam_1": 1e-4, "max_iter": 50, "tol": 1e-3}),
    (IASLS(lam=1e3, p=0.05), "iasls", {"lam": 1e3, "p": 0.05, "lam_1": 1e-4}),
    (ModPoly(), "modpoly", {"poly_order": 5, "max_iter": 250, "tol": 1e-3}),
    (ModPoly(poly_order=2), "modpoly", {"poly_order": 2}),
    (IModPoly(), "imodpoly", {"poly_order": 5, "max_iter": 250, "tol": 1e-3}),
    (IModPoly(poly_order=3, num_std=2.0), "imodpoly", {"poly_order": 3, "num_std": 2.0}),
    (SNIP(max_half_window=10), "snip", {"max_half_window": 10, "decreasing": True}),
    (
        SNIP(max_half_window=8, decreasing=False, smooth_half_window=2),
        "snip",
        {"max_half_window": 8, "decreasing": False, "smooth_half_window": 2},
    ),
    (RollingBall(half_window=10), "rolling_ball", {"half_window": 10}),
    (
        RollingBall(half_window=12, smooth_half_window=3),
        "rolling_ball",
        {"half_window": 12, "smooth_half_window": 3},
    ),
    (BEADS(), "beads", {"lam_0": 1.0, "lam_1": 1.0, "lam_2": 1.0, "max_iter": 50, "tol": 0.01}),
    (BEADS(freq_cutoff=0.02, lam_1=0.5), "beads", {"freq_cutoff": 0.02, "lam_1": 0.5}),
    (PyBaselineCorrection(), "asls", {}),
    (PyBaselineCorrection("aspls", lam=1e5), "aspls", {"lam": 1e5}),
    (PyBaselineCorrection("mor", half_window=6), "mor", {"half_window": 6}),
    (PyBaselineCorrection("poly", poly_order=3), "poly", {"poly_order": 3}),
]


def _reference(spectra, axis, method, params):
    """One fresh pybaselines fitter per spectrum: nothing shared between the calls."""
    return np.array([x - getattr(Baseline(x_data=axis), method)(x, **params)[0] for x in spectra])


@pytest.mark.parametrize(("transform", "method", "params"), CASES)
def test_baseline_matches_pybaselines_per_spectrum_call(
    transform, method, params, spectra, axis
) -> None:
    out = clone(transform).fit_transform(spectra, wavelengths=axis)
    np.testing.assert_allclose(out, _reference(spectra, axis, method, params), rtol=0, atol=ATOL)


@pytest.mark.parametrize("cls", [ModPoly, IModPoly])
def test_polynomial_baselines_are_polynomials_in_the_real_wavelengths(cls, spectra, axis) -> None:
    warped = axis + 0.05 * (axis - axis[0]) ** 1.5
    method = cls.__name__.lower()
    out = cls(poly_order=3).fit_transform(spectra, wavelengths=warped)
    expected = _reference(spectra, warped, method, {"poly_order": 3})
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)
    on_index = cls(poly_order=3).fit_transform(spectra)
    assert np.max(np.abs(on_index - out)) > 1e-4


def test_decreasing_axis_gives_pybaselines_result_on_that_axis(spectra, axis) -> None:
    wavenumbers = 1e7 / axis
    out = ModPoly(poly_order=2).fit_transform(spectra, wavelengths=wavenumbers)
    expected = _reference(spectra, wavenumbers, "modpoly", {"poly_order": 2})
    np.testing.assert_allclose(out, expected, rtol=0, atol=ATOL)


def test_transform_of_new_spectra_equals_fit_transform_of_them(spectra, axis) -> None:
    fitted = AirPLS(lam=1e4).fit(spectra[:4], wavelengths=axis)
    np.testing.assert_allclose(
        fitted.transform(spectra[4:], wavelengths=axis),
        AirPLS(lam=1e4).fit_transform(spectra[4:], wavelengths=axis),
        rtol=0,
        atol=ATOL,
    )


def test_float32_spectra_give_float32_close_to_float64(spectra) -> None:
    out32 = ArPLS(lam=1e4).fit_transform(spectra.astype(np.float32))
    assert out32.dtype == np.float32
    out64 = ArPLS(lam=1e4).fit_transform(spectra.astype(np.float32).astype(np.float64))
    np.testing.assert_allclose(out32, out64, rtol=0, atol=1e-6)


def test_airpls_recovers_smooth_baseline_under_positive_peak() -> None:
    axis = np.linspace(1000.0, 2000.0, 400)
    t = (axis - axis.mean()) / np.ptp(axis)
    peak = np.exp(-0.5 * ((axis - 1400.0) / 20.0) ** 2)
    out = AirPLS(lam=1e5).fit_transform((0.5 + 0.3 * t + 0.2 * t**2 + peak)[None, :])
    np.testing.assert_allclose(out[0], peak, atol=0.03)


@pytest.mark.parametrize(
    "transform",
    [AirPLS(), IASLS(), ModPoly(), SNIP(), RollingBall(), BEADS(), PyBaselineCorrection()],
)
def test_spectra_of_fewer_than_three_points_have_zero_output(transform) -> None:
    X = np.array([[1.0, 3.0], [2.0, -1.0]])
    np.testing.assert_array_equal(clone(transform).fit_transform(X), 0.0)


def test_windows_and_degree_are_clamped_to_the_training_width(spectra) -> None:
    narrow = spectra[:, :9]
    assert SNIP().fit(narrow).max_half_window_ == 4
    assert RollingBall().fit(narrow).half_window_ == 4
    assert ModPoly().fit(narrow[:, :4]).poly_order_ == 3
    np.testing.assert_allclose(
        SNIP().fit_transform(narrow),
        _reference(narrow, np.arange(9.0), "snip", {"max_half_window": 4, "decreasing": True}),
        rtol=0,
        atol=ATOL,
    )


def test_iterative_baselines_record_their_iterations(spectra) -> None:
    assert 1 <= AirPLS(lam=1e4).fit(spectra).n_iter_ <= 51
    assert ModPoly(max_iter=3).fit(spectra).n_iter_ <= 4
    assert not hasattr(SNIP().fit(spectra), "n_iter_")


def test_pybaseline_correction_keeps_method_params_through_clone_and_set_params() -> None:
    transform = PyBaselineCorrection("aspls", lam=1e5, max_iter=20)
    assert transform.get_params() == {"method": "aspls", "lam": 1e5, "max_iter": 20}
    copy = clone(transform).set_params(lam=1e3, tol=1e-2)
    assert copy.get_params() == {"method": "aspls", "lam": 1e3, "max_iter": 20, "tol": 1e-2}
    assert transform.get_params()["lam"] == 1e5
    assert "lam=1000.0" in repr(copy)


def test_pybaseline_correction_lists_real_methods() -> None:
    methods = pybaselines_methods()
    assert {"asls", "airpls", "snip", "mor", "beads"} <= set(methods)
    assert "collab_pls" not in methods
    assert "banded_solver" not in methods


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (PyBaselineCorrection("nosuch"), "method must be the name of a pybaselines"),
        (PyBaselineCorrection("asls", lamb=1.0), "does not take lamb"),
        (PyBaselineCorrection("asls", x_data=[1.0]), "does not take x_data"),
        (AirPLS(lam=0.0), "lam must be a positive number"),
        (ArPLS(max_iter=0), "max_iter must be an integer >= 1"),
        (IASLS(p=1.0), r"p must be in \(0, 1\)"),
        (ModPoly(tol=-1.0), "tol must be a number >= 0"),
        (IModPoly(poly_order=-1), "poly_order must be an integer >= 0"),
        (SNIP(max_half_window=0), "max_half_window must be an integer >= 1"),
        (RollingBall(half_window=2.5), "half_window must be an integer >= 1"),
        (BEADS(freq_cutoff=0.5), r"freq_cutoff must be in \(0, 0.5\)"),
    ],
)
def test_invalid_parameters_are_rejected_naming_the_parameter(transform, message, spectra) -> None:
    with pytest.raises(ValueError, match=message):
        transform.fit(spectra)


@pytest.mark.parametrize("width", [2, 3, 4])
def test_beads_on_spectra_narrower_than_its_filter_returns_zeros(width: int) -> None:
    # pybaselines' banded BEADS (taken when numba is installed) needs 5 points; a narrower
    # spectrum is its own baseline, like every transform below MIN_POINTS.
    X = np.random.default_rng(0).random((4, width)) + 1.0
    np.testing.assert_array_equal(BEADS().fit_transform(X), np.zeros_like(X))
