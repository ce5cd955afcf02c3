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

0.x presets: ``complexity="simple" | "realistic" | "complex"`` keeps this model and changes
the path-length and baseline magnitudes, then adds instrumental broadening, heteroscedastic
noise and spikes (see :mod:`nirs4all.data._synthetic_effects` for the values; they are the
0.7 ones). ``complexity=None`` (the default) is exactly the model above.

Reproducibility: every random number comes from one ``numpy.random.Generator`` seeded by
``numpy.random.SeedSequence(random_state)``, drawn in a fixed order:

1. the train/test permutation (of the biological samples when the builder makes repetitions);
2. the per-sample effects (six standard normals per sample);
3. the concentrations (one call of the chosen law);
4. the noise, then, with a preset, the spikes (a uniform, a channel and a height per sample);
5. with batch effects, the session labels and each source's session offsets and gains.

So changing ``noise`` alone changes nothing but the noise. A dataset of several sources draws
steps 2 and 4 of source ``k`` from the ``k``-th child of the seed's ``SeedSequence`` instead
(``SeedSequence.spawn``). With ``random_state=None`` a fresh seed is drawn from OS entropy and
logged at INFO on the ``nirs4all.data.synthetic`` logger (the record has a ``seed``
attribute); pass it back as ``random_state`` to get the same dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nirs4all.data._synthetic_builder import SyntheticDatasetBuilder
from nirs4all.data._synthetic_model import Recipe, SourceSpec, simulate
from nirs4all.data._synthetic_model import mixture_absorbance as _mixture_absorbance  # noqa: F401
from nirs4all.data._synthetic_recipe import (
    as_arrays,
    batch_count,
    check_distribution,
    check_int,
    check_real,
    check_target_range,
    check_weights,
    component_names,
    range_axis,
    resolve_preset,
    resolve_seed,
    target_columns,
    to_dataset,
    wavelength_axis,
)
from nirs4all.data._synthetic_recipe import (
    test_fraction as _test_fraction,
)
from nirs4all.data.dataset import SpectroDataset
from nirs4all.data.saving import save_dataset

__all__ = ["SyntheticDatasetBuilder", "generate"]

TASK_CHOICES = ("regression", "classification")
FOLDER_FORMATS = ("standard",)


def generate(
    n_samples: int = 200,
    *,
    wavelengths: ArrayLike | tuple[float, float, float] | None = None,
    task: str = "regression",
    n_targets: int | None = None,
    n_classes: int = 2,
    n_components: int | None = None,
    noise: float | None = None,
    test_fraction: float | None = None,
    random_state: int | None = None,
    name: str = "synthetic",
    path: str | Path | None = None,
    complexity: str | None = None,
    wavelength_range: Sequence[float] | None = None,
    components: Sequence[str] | None = None,
    target_component: str | int | Sequence[str | int] | None = None,
    target_range: tuple[float, float] | None = None,
    distribution: str | None = None,
    class_separation: float = 1.0,
    class_weights: Sequence[float] | None = None,
    batch_effects: bool | int | None = None,
    train_ratio: float | None = None,
    as_dataset: bool = True,
) -> SpectroDataset | tuple[np.ndarray, np.ndarray]:
    """Generate a dataset of synthetic NIR absorbance spectra of known mixtures.

    See the module docstring for the physical model and the draw order. The keywords after
    ``path`` are the nirs4all 0.7 ones; the defaults stay this library's (200 samples,
    900-2500 nm, one target), not 0.7's (1000 samples, 350-2500 nm, five targets), because
    changing them would change every existing user's data.

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
        to within one sample (or sized by ``class_weights``). The target is named ``"class"``.
    n_components : int, default=5
        Number of absorbing components, taken in library order (water, protein, lipid,
        starch, cellulose, sugar, ethanol, urea); at least ``n_targets``, at most 8.
    noise : float, default=0.002
        Standard deviation of the additive detector noise, in absorbance units. With a
        ``complexity`` preset it replaces the preset's ``noise_base``.
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
    complexity : {"simple", "realistic", "complex"}, optional
        0.7 effect presets (see the module docstring); None is the model above, unchanged.
    wavelength_range : (start, stop) or (start, stop, step), optional
        0.7 spelling of ``wavelengths=(start, stop, step)``, step 2 nm by default.
    components : list of str, optional
        Absorbing components by name (keys of ``nirs4all.data._bands.COMPONENTS``), instead
        of ``n_components``; the first one drives the classes.
    target_component : str, int or list, optional
        Regression targets by component name or index, instead of ``n_targets``.
    target_range : (low, high), optional
        Rescale each target column linearly so that its minimum is ``low`` and its
        maximum ``high``.
    distribution : {"dirichlet", "uniform", "lognormal", "correlated"}, optional
        Law of the concentrations (see ``draw_concentrations``); None is the Dirichlet.
    class_separation : float, default=1.0
        Classification: each class's water fractions are pulled towards the class mean by
        this factor (1 changes nothing; 2 halves the within-class spread).
    class_weights : list of float, optional
        Classification: relative class sizes (the bins become weighted quantiles).
    batch_effects : bool or int, optional
        Measurement sessions with their own offset and gain: True for 3, or a count >= 2.
        The session of each sample goes into ``metadata["batch"]``.
    train_ratio : float, optional
        0.7 spelling of ``1 - test_fraction``, in (0, 1].
    as_dataset : bool, default=True
        False returns ``(X, y)`` arrays, training rows first.

    Returns
    -------
    SpectroDataset or tuple of ndarray
        One float64 feature source ``"X"`` in nm, the targets, the partition and sample ids
        ``0 .. n_samples - 1``. Training rows come first, then test rows, as in the files.

    Raises
    ------
    ValueError
        When a parameter is out of range or two spellings of it are given; the message
        names it.
    TypeError
        When an integer parameter is not an integer.
    """
    n_samples = check_int("n_samples", n_samples, minimum=2)
    names = component_names(components, n_components)
    axis = _axis(wavelengths, wavelength_range)
    recipe = Recipe(
        n_samples=n_samples,
        names=names,
        sources=(SourceSpec("X", axis, resolve_preset(complexity)),),
        task=_check_task(task),
        targets=target_columns(names, n_targets, target_component),
        n_classes=check_int("n_classes", n_classes, minimum=2, maximum=n_samples),
        class_weights=check_weights(class_weights, n_classes),
        class_separation=check_real("class_separation", class_separation, low=1e-3),
        noise=None if noise is None else check_real("noise", noise, low=0.0),
        test_fraction=_test_fraction(test_fraction, train_ratio),
        distribution=check_distribution(distribution),
        target_range=check_target_range(target_range),
        n_batches=batch_count(batch_effects),
    )
    dataset = to_dataset(recipe, simulate(recipe, resolve_seed(random_state, name)), name)
    if path is not None:
        save_dataset(dataset, path)
    return dataset if as_dataset else as_arrays(dataset)


def _axis(wavelengths: object, wavelength_range: object) -> np.ndarray:
    if wavelength_range is None:
        return wavelength_axis(wavelengths)
    if wavelengths is not None:
        raise ValueError("give wavelengths or wavelength_range, not both")
    return range_axis(wavelength_range)


def _check_task(task: object) -> str:
    if task not in TASK_CHOICES:
        raise ValueError(f"task must be one of {TASK_CHOICES}; got {task!r}")
    return str(task)


def regression(
    n_samples: int = 200,
    *,
    target_component: str | int | Sequence[str | int] | None = None,
    **kwargs: Any,
) -> SpectroDataset | tuple[np.ndarray, np.ndarray]:
    """0.7 ``generate.regression``: every component is a target unless ``target_component``.

    Takes the keywords of :func:`generate` (``random_state``, ``complexity``,
    ``target_range``, ``distribution``, ``train_ratio``, ``as_dataset``, ``name``...).
    """
    if target_component is None and "n_targets" not in kwargs:
        names = component_names(kwargs.get("components"), kwargs.get("n_components"))
        target_component = list(range(len(names)))
    return generate(n_samples, task="regression", target_component=target_component, **kwargs)


def classification(
    n_samples: int = 200, *, n_classes: int = 2, **kwargs: Any
) -> SpectroDataset | tuple[np.ndarray, np.ndarray]:
    """0.7 ``generate.classification``: :func:`generate` with ``task="classification"``.

    Takes ``class_separation`` and ``class_weights`` and the other keywords of generate.
    """
    return generate(n_samples, task="classification", n_classes=n_classes, **kwargs)


def builder(
    n_samples: int = 200, random_state: int | None = None, name: str = "synthetic"
) -> SyntheticDatasetBuilder:
    """0.7 ``generate.builder``: a fresh :class:`SyntheticDatasetBuilder`."""
    return SyntheticDatasetBuilder(n_samples=n_samples, random_state=random_state, name=name)


def multi_source(
    n_samples: int = 200,
    *,
    sources: Sequence[dict[str, Any]],
    random_state: int | None = None,
    target_range: tuple[float, float] | None = None,
    train_ratio: float = 0.8,
    as_dataset: bool = True,
    name: str = "synthetic",
) -> SpectroDataset | tuple[np.ndarray, np.ndarray]:
    """0.7 ``generate.multi_source``: one dataset of several sources measuring the same samples.

    ``sources`` are dicts as in :meth:`SyntheticDatasetBuilder.with_sources`.
    """
    built = (
        SyntheticDatasetBuilder(n_samples=n_samples, random_state=random_state, name=name)
        .with_sources(sources)
        .with_targets(range=target_range)
        .with_partitions(train_ratio=train_ratio)
        .with_output(as_dataset=as_dataset)
    )
    return built.build()


def to_folder(
    path: str | Path, n_samples: int = 200, *, format: str = "standard", **kwargs: Any
) -> Path:
    """0.7 ``generate.to_folder``: generate and write an ``Xcal/Ycal/Xval/Yval`` folder.

    Takes the keywords of :func:`generate`; :func:`nirs4all.load_dataset` reads the folder
    back with the dataset's content hash. Only ``format="standard"`` is written (0.7's
    ``"single"`` and ``"fragmented"`` layouts are not).
    """
    if format not in FOLDER_FORMATS:
        raise ValueError(f"format must be one of {FOLDER_FORMATS}; got {format!r}")
    kwargs["as_dataset"] = True
    dataset = generate(n_samples, **kwargs)
    return save_dataset(dataset, path)


generate.regression = regression  # type: ignore[attr-defined]
generate.classification = classification  # type: ignore[attr-defined]
generate.builder = builder  # type: ignore[attr-defined]
generate.multi_source = multi_source  # type: ignore[attr-defined]
generate.to_folder = to_folder  # type: ignore[attr-defined]
