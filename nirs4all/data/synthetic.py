"""Synthetic NIR spectra with known composition, for tests, examples and benchmarks.

Each sample is a mixture of pure components from :data:`nirs4all.data._bands.COMPONENTS`
(water, protein, lipid, starch, cellulose, sugar, ethanol, urea), each a sum of pseudo-Voigt
bands at its overtone and combination positions. A sample ``i`` is measured as::

    A_i(lambda) = g_i * L_i * sum_k c_ik * eps_k(lambda - d_i)     Beer-Lambert, shifted axis
                  + b_i + s_i * u + q_i * u**2                     scatter offset and baseline
                  + e_i(lambda)                                    detector noise

- ``c_i`` are concentrations (mass fractions) drawn from a symmetric Dirichlet over the
  ``n_components`` absorbing components plus one transparent diluent, so they are
  nonnegative and sum to at most 1 (a single component still varies between samples);
- ``L_i`` is the relative path length and ``g_i`` the multiplicative scatter gain, both
  log-normal around 1 (Beer-Lambert ``A = eps * c * L``; scatter as in the MSC model of
  Geladi, MacDougall & Martens 1985, ``A -> g * A + b``);
- ``d_i`` is a wavelength-calibration shift, normal with standard deviation 0.3 nm and
  clipped to +-1 nm (positive ``d_i`` moves the bands to longer wavelengths), applied by
  interpolating the analytic component spectra (see ``_mixture_absorbance``);
- ``b_i`` is an additive offset and ``s_i``, ``q_i`` the slope and curvature of a quadratic
  baseline in ``u``, the axis rescaled to [-1, 1];
- ``e_i`` is white Gaussian noise of standard deviation ``noise``.

Reproducibility: every random number comes from one ``numpy.random.Generator`` seeded by
``numpy.random.SeedSequence(random_state)``, drawn in a fixed order: the train/test
permutation, the per-sample effects, the concentrations, then the noise. So changing
``noise`` alone changes nothing but the noise. With ``random_state=None`` a fresh seed is
drawn from OS entropy and logged at INFO on the ``nirs4all.data.synthetic`` logger (the
record has a ``seed`` attribute); pass it back as ``random_state`` to get the same dataset.
"""

from __future__ import annotations

import logging
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from nirs4all.data._bands import COMPONENTS, component_spectra
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.data.saving import save_dataset

__all__ = ["generate"]

logger = logging.getLogger(__name__)

AXIS_LIMITS_NM = (350.0, 2600.0)
DEFAULT_AXIS_NM = (900.0, 2500.0, 2.0)
TASK_CHOICES = ("regression", "classification")

DIRICHLET_ALPHA = 2.0
PATH_LENGTH_LOG_STD = 0.03
SCATTER_GAIN_LOG_STD = 0.05
SCATTER_OFFSET_MEAN, SCATTER_OFFSET_STD = 0.10, 0.03
BASELINE_SLOPE_STD, BASELINE_CURVATURE_STD = 0.02, 0.01
SHIFT_STD_NM = 0.3
SHIFT_NODE_NM = 1.0


def generate(
    n_samples: int = 200,
    *,
    wavelengths: ArrayLike | tuple[float, float, float] | None = None,
    task: str = "regression",
    n_targets: int = 1,
    n_classes: int = 2,
    n_components: int = 5,
    noise: float = 0.002,
    test_fraction: float = 0.2,
    random_state: int | None = None,
    name: str = "synthetic",
    path: str | Path | None = None,
) -> SpectroDataset:
    """Generate a dataset of synthetic NIR absorbance spectra of known mixtures.

    See the module docstring for the physical model.

    Parameters
    ----------
    n_samples : int, default=200
        Number of spectra, at least 2.
    wavelengths : array-like or tuple of (start, stop, step), optional
        The axis in nm. A tuple of exactly three numbers is read as ``(start, stop, step)``
        with ``stop`` included when it falls on the grid; any other sequence or array is the
        axis itself. It must be strictly monotonic (increasing or decreasing), hold at least
        two points and lie within 350-2600 nm. Defaults to 900-2500 nm in 2 nm steps
        (801 points).
    task : {"regression", "classification"}, default="regression"
        What the targets are.
    n_targets : int, default=1
        Regression: the targets are the concentrations of the first ``n_targets``
        components, named after them (``"water"``, ``"protein"``...).
    n_classes : int, default=2
        Classification: the label of a sample is the quantile bin of its concentration of
        the first component (``"water"``), ``0 .. n_classes - 1``; the classes are balanced
        to within one sample. The target is named ``"class"``.
    n_components : int, default=5
        Number of absorbing components, taken in library order (water, protein, lipid,
        starch, cellulose, sugar, ethanol, urea); at least ``n_targets``, at most 8.
    noise : float, default=0.002
        Standard deviation of the additive detector noise, in absorbance units.
    test_fraction : float, default=0.2
        Fraction of samples in the ``"test"`` partition, in [0, 1): ``round(test_fraction *
        n_samples)`` samples chosen by a seeded random permutation, keeping at least one
        training sample.
    random_state : int, optional
        Nonnegative seed. None draws a fresh one and logs it (see the module docstring).
    name : str, default="synthetic"
        Name of the dataset.
    path : str or Path, optional
        Also write the dataset to this folder as ``Xcal/Ycal/Xval/Yval`` CSV files (see
        :func:`nirs4all.data.save_dataset`); :func:`nirs4all.load_dataset` reads it back with
        the same content hash.

    Returns
    -------
    SpectroDataset
        One float64 feature source ``"X"`` in nm, the targets, the partition and sample ids
        ``0 .. n_samples - 1``. Training rows come first, then test rows, as in the files.

    Raises
    ------
    ValueError
        When a parameter is out of range; the message names it.
    TypeError
        When an integer parameter is not an integer.
    """
    n_samples = _check_int("n_samples", n_samples, minimum=2)
    n_components = _check_int("n_components", n_components, minimum=1, maximum=len(COMPONENTS))
    n_targets = _check_int("n_targets", n_targets, minimum=1, maximum=n_components)
    n_classes = _check_int("n_classes", n_classes, minimum=2, maximum=n_samples)
    if task not in TASK_CHOICES:
        raise ValueError(f"task must be one of {TASK_CHOICES}; got {task!r}")
    if not isinstance(noise, Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
    if not isinstance(test_fraction, Real) or not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1); got {test_fraction!r}")
    axis = _wavelength_axis(wavelengths)
    if random_state is None:
        seed = int(np.random.SeedSequence().entropy)
        logger.info(
            "synthetic dataset %r drawn with random_state=%d; pass it to reproduce the data",
            name,
            seed,
            extra={"seed": seed},
        )
    else:
        seed = _check_int("random_state", random_state, minimum=0)
    rng = np.random.default_rng(np.random.SeedSequence(seed))

    n_test = min(round(test_fraction * n_samples), n_samples - 1)
    partition = np.full(n_samples, "train", dtype="<U5")
    partition[rng.permutation(n_samples)[:n_test]] = "test"

    path_length, gain, offset, slope, curvature, shift = rng.standard_normal((6, n_samples))
    path_length = np.exp(PATH_LENGTH_LOG_STD * path_length)
    gain = np.exp(SCATTER_GAIN_LOG_STD * gain)
    offset = SCATTER_OFFSET_MEAN + SCATTER_OFFSET_STD * offset
    slope *= BASELINE_SLOPE_STD
    curvature *= BASELINE_CURVATURE_STD
    shift = np.clip(SHIFT_STD_NM * shift, -SHIFT_NODE_NM, SHIFT_NODE_NM)

    alphas = np.full(n_components + 1, DIRICHLET_ALPHA)
    concentrations = rng.dirichlet(alphas, size=n_samples)[:, :n_components]

    names = tuple(COMPONENTS)[:n_components]
    weights = concentrations * (gain * path_length)[:, None]
    spectra = _mixture_absorbance(weights, names, axis, shift)
    u = (axis - 0.5 * (axis[0] + axis[-1])) / (0.5 * abs(axis[-1] - axis[0]))
    spectra += np.column_stack((offset, slope, curvature)) @ np.vstack((np.ones_like(u), u, u**2))
    if noise > 0:
        spectra += rng.normal(0.0, noise, size=spectra.shape)

    if task == "regression":
        y = np.ascontiguousarray(concentrations[:, :n_targets])
        target_names = names[:n_targets]
    else:
        ranks = np.argsort(np.argsort(concentrations[:, 0], kind="stable"), kind="stable")
        y = ((ranks * n_classes) // n_samples).astype(np.int64)
        target_names = ("class",)
    # Samples are drawn independently, so moving the test rows last changes no statistics;
    # it makes the dataset identical to what its Xcal/Xval files load back as.
    order = np.argsort(partition == "test", kind="stable")
    dataset = SpectroDataset(
        FeatureSource("X", _frozen(spectra[order]), axis, "nm"),
        _frozen(y[order]),
        partition=partition[order],
        task=task,
        target_names=target_names,
        name=name,
    )
    if path is not None:
        save_dataset(dataset, path)
    return dataset


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _check_int(parameter: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{parameter} must be an integer; got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{parameter} must be {allowed}; got {value}")
    return int(value)


def _wavelength_axis(wavelengths: object) -> np.ndarray:
    """Build and check the axis from an explicit array or a ``(start, stop, step)`` tuple."""
    if wavelengths is None:
        wavelengths = DEFAULT_AXIS_NM
    if isinstance(wavelengths, tuple) and len(wavelengths) == 3:
        start, stop, step = (float(v) for v in wavelengths)
        if not np.isfinite([start, stop, step]).all() or step == 0:
            raise ValueError(
                f"wavelengths=(start, stop, step) needs finite values and a nonzero step; "
                f"got {wavelengths}"
            )
        # The tolerance keeps ``stop`` when float rounding puts it a hair beyond the grid.
        count = int(np.floor((stop - start) / step + 1e-9)) + 1
        axis = start + step * np.arange(max(count, 0), dtype=np.float64)
    else:
        axis = np.asarray(wavelengths, dtype=np.float64)
    if axis.ndim != 1 or axis.shape[0] < 2:
        raise ValueError(
            f"wavelengths must give a 1D axis of at least 2 points; got shape {axis.shape} "
            "(a tuple of three numbers is read as (start, stop, step))"
        )
    if not np.isfinite(axis).all():
        raise ValueError("wavelengths must be finite")
    steps = np.diff(axis)
    if not ((steps > 0).all() or (steps < 0).all()):
        raise ValueError("wavelengths must be strictly increasing or strictly decreasing")
    low, high = AXIS_LIMITS_NM
    if axis.min() < low or axis.max() > high:
        raise ValueError(
            f"wavelengths must lie within {low:g}-{high:g} nm; got {axis.min():g}-{axis.max():g} nm"
        )
    return axis


def _mixture_absorbance(
    weights: np.ndarray, names: tuple[str, ...], axis: np.ndarray, shifts: np.ndarray
) -> np.ndarray:
    """Return ``sum_k weights[i, k] * eps_k(axis - shifts[i])`` for every sample ``i``.

    The component spectra are analytic, so instead of resampling each spectrum they are
    evaluated at ``axis - h``, ``axis`` and ``axis + h`` and the shift is a quadratic Lagrange
    interpolation between the three: three matrix products, exact up to ``O(shift**3)``
    (about 1e-5 absorbance for the narrowest band and a 1 nm shift).
    """
    t = -shifts / SHIFT_NODE_NM
    node_weights = (0.5 * t * (t - 1.0), 1.0 - t**2, 0.5 * t * (t + 1.0))
    absorbance = np.zeros((weights.shape[0], axis.shape[0]), dtype=np.float64)
    for offset, node_weight in zip((-1.0, 0.0, 1.0), node_weights, strict=True):
        pure = component_spectra(names, axis + offset * SHIFT_NODE_NM)
        absorbance += (weights * node_weight[:, None]) @ pure
    return absorbance
