"""Argument checks shared by :func:`nirs4all.data.synthetic.generate` and the 0.x builder,
and the step that turns a :class:`~nirs4all.data._synthetic_model.Simulation` into a dataset.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from numbers import Integral, Real

import numpy as np

from nirs4all.data._bands import COMPONENTS
from nirs4all.data._synthetic_effects import COMPLEXITY_PRESETS, DISTRIBUTIONS, Preset
from nirs4all.data._synthetic_model import Recipe, Simulation
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.utils.arrays import seal
from nirs4all.utils.seeding import fresh_seed

__all__ = [
    "as_arrays",
    "batch_count",
    "check_int",
    "check_real",
    "check_weights",
    "component_names",
    "range_axis",
    "resolve_preset",
    "resolve_seed",
    "target_columns",
    "test_fraction",
    "to_dataset",
    "wavelength_axis",
]

logger = logging.getLogger("nirs4all.data.synthetic")

AXIS_LIMITS_NM = (350.0, 2600.0)
DEFAULT_AXIS_NM = (900.0, 2500.0, 2.0)
DEFAULT_STEP_NM = 2.0


def check_int(parameter: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``parameter`` (TypeError / ValueError)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{parameter} must be an integer; got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{parameter} must be {allowed}; got {value}")
    return int(value)


def check_real(
    parameter: str, value: object, *, low: float, high: float = np.inf, open_high: bool = False
) -> float:
    """Return ``value`` as a float in ``[low, high]`` (``[low, high)``), or raise naming it."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    if ok and low <= value and (value < high if open_high else value <= high):
        return float(value)
    bracket = ")" if open_high else "]"
    raise ValueError(f"{parameter} must be a finite number in [{low:g}, {high:g}{bracket}; "
                     f"got {value!r}")


def resolve_seed(random_state: object, name: str) -> int:
    """Check a seed, or draw one from OS entropy and log it (INFO, with a ``seed`` attribute)."""
    if random_state is not None:
        return check_int("random_state", random_state, minimum=0)
    seed = fresh_seed()
    logger.info(
        "synthetic dataset %r drawn with random_state=%d; pass it to reproduce the data",
        name,
        seed,
        extra={"seed": seed},
    )
    return seed


def wavelength_axis(wavelengths: object, parameter: str = "wavelengths") -> np.ndarray:
    """Build and check the axis from an explicit array or a ``(start, stop, step)`` tuple."""
    if wavelengths is None:
        wavelengths = DEFAULT_AXIS_NM
    if isinstance(wavelengths, tuple) and len(wavelengths) == 3:
        start, stop, step = (float(v) for v in wavelengths)
        if not np.isfinite([start, stop, step]).all() or step == 0:
            raise ValueError(
                f"{parameter}=(start, stop, step) needs finite values and a nonzero step; "
                f"got {wavelengths}"
            )
        # The tolerance keeps ``stop`` when float rounding puts it a hair beyond the grid.
        count = int(np.floor((stop - start) / step + 1e-9)) + 1
        axis = start + step * np.arange(max(count, 0), dtype=np.float64)
    else:
        axis = np.asarray(wavelengths, dtype=np.float64)
    if axis.ndim != 1 or axis.shape[0] < 2:
        raise ValueError(
            f"{parameter} must give a 1D axis of at least 2 points; got shape {axis.shape} "
            "(a tuple of three numbers is read as (start, stop, step))"
        )
    if not np.isfinite(axis).all():
        raise ValueError(f"{parameter} must be finite")
    steps = np.diff(axis)
    if not ((steps > 0).all() or (steps < 0).all()):
        raise ValueError(f"{parameter} must be strictly increasing or strictly decreasing")
    low, high = AXIS_LIMITS_NM
    if axis.min() < low or axis.max() > high:
        raise ValueError(
            f"{parameter} must lie within {low:g}-{high:g} nm; "
            f"got {axis.min():g}-{axis.max():g} nm"
        )
    return axis


def range_axis(wavelength_range: object, step: object = None) -> np.ndarray:
    """The 0.7 ``wavelength_range=(start, stop)`` or ``(start, stop, step)``; step 2 nm."""
    if not isinstance(wavelength_range, Sequence) or len(wavelength_range) not in (2, 3):
        raise ValueError(
            f"wavelength_range must be (start, stop) or (start, stop, step) in nm; "
            f"got {wavelength_range!r}"
        )
    values = tuple(wavelength_range)
    if len(values) == 2:
        values = (*values, DEFAULT_STEP_NM if step is None else step)
    elif step is not None:
        raise ValueError("give the step in wavelength_range or as wavelength_step, not both")
    return wavelength_axis(values, "wavelength_range")


def component_names(components: object, n_components: object) -> tuple[str, ...]:
    """Names from ``components`` (library keys) or the first ``n_components`` (default 5)."""
    if components is None:
        count = 5 if n_components is None else n_components
        count = check_int("n_components", count, minimum=1, maximum=len(COMPONENTS))
        return tuple(COMPONENTS)[:count]
    if n_components is not None:
        raise ValueError("give components (names) or n_components (a count), not both")
    if isinstance(components, str) or not isinstance(components, Sequence) or not components:
        raise ValueError(f"components must be a non-empty list of names; got {components!r}")
    names = tuple(components)
    unknown = [n for n in names if n not in COMPONENTS]
    if unknown:
        raise ValueError(f"components: unknown names {unknown}; known: {sorted(COMPONENTS)}")
    if len(set(names)) != len(names):
        raise ValueError(f"components must not repeat a name; got {list(names)}")
    return names


def resolve_preset(
    complexity: object, overrides: Mapping[str, float] | None = None
) -> Preset | None:
    """The preset named by ``complexity`` (None = the documented default model)."""
    if complexity is None:
        if overrides:
            complexity = "simple"
        else:
            return None
    if complexity not in COMPLEXITY_PRESETS:
        raise ValueError(
            f"complexity must be None or one of {tuple(COMPLEXITY_PRESETS)}; got {complexity!r}"
        )
    return COMPLEXITY_PRESETS[str(complexity)].overridden(**(overrides or {}))


def check_distribution(distribution: object) -> str:
    """Return the concentration law, ``"dirichlet"`` when None."""
    if distribution is None:
        return "dirichlet"
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}; got {distribution!r}")
    return str(distribution)


def check_target_range(target_range: object) -> tuple[float, float] | None:
    """Return ``(low, high)`` with finite ``low < high``, or None."""
    if target_range is None:
        return None
    if not isinstance(target_range, Sequence) or len(target_range) != 2:
        raise ValueError(f"target_range must be (low, high); got {target_range!r}")
    low, high = (float(v) for v in target_range)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"target_range must hold finite low < high; got {target_range!r}")
    return low, high


def target_columns(
    names: tuple[str, ...], n_targets: object, target_component: object
) -> tuple[int, ...]:
    """Column indices of the regression targets, from ``n_targets`` or ``target_component``."""
    if target_component is None:
        count = 1 if n_targets is None else n_targets
        return tuple(range(check_int("n_targets", count, minimum=1, maximum=len(names))))
    if n_targets is not None:
        raise ValueError("give n_targets or target_component, not both")
    wanted = target_component
    if isinstance(wanted, (str, int, np.integer)):
        wanted = [wanted]
    columns = []
    for item in wanted:
        if isinstance(item, str):
            if item not in names:
                raise ValueError(
                    f"target_component {item!r} is not one of the components {names}"
                )
            columns.append(names.index(item))
        else:
            columns.append(check_int("target_component", item, minimum=0,
                                     maximum=len(names) - 1))
    if not columns or len(set(columns)) != len(columns):
        raise ValueError(
            f"target_component must name distinct components; got {target_component!r}"
        )
    return tuple(columns)


def check_weights(class_weights: object, n_classes: object) -> tuple[float, ...] | None:
    if class_weights is None:
        return None
    weights = np.asarray(class_weights, dtype=np.float64)
    if weights.shape != (n_classes,) or not np.isfinite(weights).all() or (weights <= 0).any():
        raise ValueError(
            f"class_weights must hold n_classes={n_classes} positive numbers; got {class_weights!r}"
        )
    return tuple(weights.tolist())


def test_fraction(test_fraction: object, train_ratio: object) -> float:
    if train_ratio is None:
        fraction = 0.2 if test_fraction is None else test_fraction
        return check_real("test_fraction", fraction, low=0.0, high=1.0, open_high=True)
    if test_fraction is not None:
        raise ValueError("give test_fraction or train_ratio (= 1 - test_fraction), not both")
    ratio = check_real("train_ratio", train_ratio, low=0.0, high=1.0)
    if ratio == 0.0:
        raise ValueError("train_ratio must be in (0, 1]; got 0")
    return 1.0 - ratio


def batch_count(batch_effects: object) -> int:
    if batch_effects is None or batch_effects is False:
        return 0
    if batch_effects is True:
        return 3
    return check_int("batch_effects", batch_effects, minimum=2)


def as_arrays(dataset: SpectroDataset) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of a dataset; the sources side by side when there are several."""
    X = dataset.x() if dataset.n_sources == 1 else np.hstack([s.X for s in dataset.sources])
    return X, dataset.y


def to_dataset(
    recipe: Recipe,
    simulation: Simulation,
    name: str,
    metadata: Mapping[str, np.ndarray] | None = None,
) -> SpectroDataset:
    """Assemble the dataset, training rows first (as its Xcal/Xval files load back)."""
    order = np.argsort(simulation.partition == "test", kind="stable")
    sources = []
    for spec, block in zip(recipe.sources, simulation.spectra, strict=True):
        unit = "index" if spec.axis is None else "nm"
        sources.append(FeatureSource(spec.name, seal(block[order]), spec.axis, unit))
    columns = dict(metadata or {})
    if simulation.batch is not None:
        columns["batch"] = simulation.batch
    return SpectroDataset(
        sources,
        seal(simulation.y[order]),
        partition=simulation.partition[order],
        metadata={key: np.asarray(values)[order] for key, values in columns.items()},
        task=recipe.task,
        target_names=simulation.target_names,
        name=name,
    )
