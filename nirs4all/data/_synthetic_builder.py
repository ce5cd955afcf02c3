"""`SyntheticDatasetBuilder`: the fluent 0.x way to configure a synthetic dataset.

Every ``with_*`` method checks its arguments (the error names the parameter) and returns the
builder; :meth:`SyntheticDatasetBuilder.build` simulates with the model and the draw order
of :mod:`nirs4all.data.synthetic`. Building twice gives the same dataset.

Sample metadata (ids, groups, repetitions) is drawn from its own stream (see
:mod:`nirs4all.data._synthetic_samples`), so asking for it does not change the spectra of
samples measured once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.data._bands import ComponentLibrary
from nirs4all.data._synthetic_model import Recipe, SourceSpec, simulate
from nirs4all.data._synthetic_recipe import (
    as_arrays,
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
from nirs4all.data._synthetic_samples import AUX_TYPES, check_source, sample_metadata
from nirs4all.data.dataset import SpectroDataset
from nirs4all.data.saving import save_dataset

__all__ = ["SyntheticDatasetBuilder"]

TRANSFORMS = ("log", "sqrt")


class SyntheticDatasetBuilder:
    """Fluent builder of synthetic NIR datasets (the 0.7 ``nirs4all.synthesis`` API).

    Parameters
    ----------
    n_samples : int, default=200
        Number of spectra (measurements, repetitions included), at least 2.
    random_state : int, optional
        Nonnegative seed; None draws one at build time and logs it.
    name : str, default="synthetic"
        Name of the dataset.

    Examples
    --------
    >>> dataset = (SyntheticDatasetBuilder(n_samples=60, random_state=0)
    ...            .with_features(complexity="realistic", components=["water", "protein"])
    ...            .with_targets(component="protein", range=(5, 20))
    ...            .build())
    """

    def __init__(
        self, n_samples: int = 200, random_state: int | None = None, name: str = "synthetic"
    ) -> None:
        self._n_samples = check_int("n_samples", n_samples, minimum=2)
        if random_state is not None:
            check_int("random_state", random_state, minimum=0)
        self._random_state = random_state
        self._name = str(name)
        self._axis: np.ndarray | None = None
        self._complexity: str | None = None
        self._overrides: dict[str, float] = {}
        self._names = component_names(None, None)
        self._targets: dict[str, Any] = {"distribution": "dirichlet"}
        self._classes: dict[str, Any] | None = None
        self._metadata: dict[str, Any] | None = None
        self._sources: tuple[dict[str, Any], ...] | None = None
        self._test_fraction = 0.2
        self._batches = (0, 1.0)
        self._as_dataset = True
        self._include_metadata = False

    # -- configuration ------------------------------------------------------------------------

    def with_features(
        self,
        *,
        wavelength_range: Sequence[float] | None = None,
        wavelength_step: float | None = None,
        complexity: str | None = None,
        components: Sequence[str] | None = None,
        component_library: ComponentLibrary | None = None,
        path_length_std: float | None = None,
        baseline_amplitude: float | None = None,
        instrumental_fwhm: float | None = None,
        noise_base: float | None = None,
        noise_signal_dep: float | None = None,
        artifact_prob: float | None = None,
    ) -> SyntheticDatasetBuilder:
        """Set the axis, the complexity preset, the components and effect magnitudes.

        The magnitudes override the preset's (``"simple"`` when none is named); see
        :class:`nirs4all.data._synthetic_effects.Preset` for their meaning.
        """
        if components is not None and component_library is not None:
            raise ValueError("give components or component_library, not both")
        if wavelength_range is not None:
            self._axis = range_axis(wavelength_range, wavelength_step)
        elif wavelength_step is not None:
            raise ValueError("wavelength_step needs wavelength_range")
        overrides = {
            "path_length_std": path_length_std,
            "baseline_amplitude": baseline_amplitude,
            "instrumental_fwhm": instrumental_fwhm,
            "noise_base": noise_base,
            "noise_signal_dep": noise_signal_dep,
            "artifact_prob": artifact_prob,
        }
        overrides = {**self._overrides, **{k: v for k, v in overrides.items() if v is not None}}
        resolve_preset(complexity if complexity is not None else self._complexity, overrides)
        self._overrides = overrides
        if complexity is not None:
            self._complexity = complexity
        if component_library is not None:
            if not isinstance(component_library, ComponentLibrary):
                raise TypeError("component_library must be a ComponentLibrary")
            components = list(component_library.component_names)
        if components is not None:
            self._names = component_names(components, None)
        return self

    def with_wavelengths(self, wavelengths: Any = None) -> SyntheticDatasetBuilder:
        """Use an explicit axis (nm), or a ``(start, stop, step)`` tuple."""
        if wavelengths is None:
            raise ValueError("wavelengths must be an axis in nm or (start, stop, step)")
        self._axis = wavelength_axis(wavelengths)
        return self

    def with_targets(
        self,
        *,
        distribution: str | None = None,
        range: tuple[float, float] | None = None,
        component: str | int | Sequence[str | int] | None = None,
        transform: str | None = None,
    ) -> SyntheticDatasetBuilder:
        """Regression targets: concentration law, rescaling range, target component(s).

        Without ``component`` every component is a target. ``transform`` (``"log"`` =
        ``log1p``, ``"sqrt"``) applies before the rescaling. Switches classification off.
        """
        if transform is not None and transform not in TRANSFORMS:
            raise ValueError(f"transform must be None or one of {TRANSFORMS}; got {transform!r}")
        updates = {
            "distribution": None if distribution is None else check_distribution(distribution),
            "range": check_target_range(range),
            "component": component,
            "transform": transform,
        }
        self._targets.update({k: v for k, v in updates.items() if v is not None})
        self._classes = None
        return self

    def with_classification(
        self,
        *,
        n_classes: int = 2,
        separation: float = 1.0,
        class_weights: Sequence[float] | None = None,
        separation_method: str = "threshold",
    ) -> SyntheticDatasetBuilder:
        """Class labels: quantile bins of the first component's fraction.

        ``separation`` pulls each class's fractions towards its mean (1 = as drawn);
        ``class_weights`` are relative class sizes. Only the ``"threshold"`` method (bins of
        a concentration) is modelled; 0.7's ``"component"`` and ``"cluster"`` are not.
        """
        n_classes = check_int("n_classes", n_classes, minimum=2, maximum=self._n_samples)
        if separation_method != "threshold":
            raise ValueError(
                f"separation_method must be 'threshold' (classes are bins of the first "
                f"component's fraction); got {separation_method!r}"
            )
        self._classes = {
            "n_classes": n_classes,
            "separation": check_real("separation", separation, low=1e-3),
            "weights": check_weights(class_weights, n_classes),
        }
        return self

    def with_metadata(
        self,
        *,
        sample_ids: bool = True,
        sample_id_prefix: str = "sample",
        n_groups: int | None = None,
        n_repetitions: int | tuple[int, int] = 1,
        group_names: Sequence[str] | None = None,
    ) -> SyntheticDatasetBuilder:
        """Per-sample metadata columns, and repeated measurements of each biological sample.

        Columns: ``sample_id`` (``"<prefix>_<bio sample>_<repetition>"``) when
        ``sample_ids``; ``group`` when ``n_groups`` (whole biological samples per group);
        ``bio_sample`` and ``repetition`` when samples are measured more than once. A fixed
        ``n_repetitions`` gives every biological sample that many spectra; ``(low, high)``
        draws each count uniformly from ``low .. high``. Repetitions share a composition
        and a partition and differ in their measurement effects and noise.
        """
        if isinstance(n_repetitions, tuple):
            if len(n_repetitions) != 2:
                raise ValueError(
                    f"n_repetitions must be an int or (low, high); got {n_repetitions}"
                )
            low = check_int("n_repetitions", n_repetitions[0], minimum=1)
            high = check_int("n_repetitions", n_repetitions[1], minimum=low)
            repetitions: tuple[int, int] = (low, high)
        else:
            count = check_int("n_repetitions", n_repetitions, minimum=1)
            repetitions = (count, count)
        if n_groups is not None:
            n_groups = check_int("n_groups", n_groups, minimum=1)
            if group_names is not None and len(group_names) != n_groups:
                raise ValueError(f"group_names must hold n_groups={n_groups} names")
        elif group_names is not None:
            n_groups = len(group_names)
        self._metadata = {
            "sample_ids": bool(sample_ids),
            "prefix": str(sample_id_prefix),
            "n_groups": n_groups,
            "group_names": None if group_names is None else [str(g) for g in group_names],
            "repetitions": repetitions,
        }
        return self

    def with_sources(self, sources: Sequence[Mapping[str, Any]]) -> SyntheticDatasetBuilder:
        """Several feature sources measuring the same samples.

        Each source is a dict with ``name`` and ``type``: ``"nir"`` (spectra on
        ``wavelength_range`` with an optional ``wavelength_step`` and ``complexity``) or
        ``"aux"``/``"markers"`` (``n_features`` noisy linear mixtures of the composition).
        """
        if isinstance(sources, Mapping) or not sources:
            raise ValueError("sources must be a non-empty list of dicts")
        checked = []
        for position, source in enumerate(sources):
            checked.append(check_source(position, source))
        names = [s["name"] for s in checked]
        if len(set(names)) != len(names):
            raise ValueError(f"sources: names must be unique; got {names}")
        self._sources = tuple(checked)
        return self

    def with_partitions(
        self, *, train_ratio: float | None = None, stratify: bool = False, shuffle: bool = True
    ) -> SyntheticDatasetBuilder:
        """Share of training samples, in (0, 1]; the test ones are a seeded random draw."""
        if stratify or not shuffle:
            raise ValueError("stratify=True and shuffle=False are not modelled; the test "
                             "partition is always a seeded random draw")
        if train_ratio is not None:
            ratio = check_real("train_ratio", train_ratio, low=0.0, high=1.0)
            if ratio == 0.0:
                raise ValueError("train_ratio must be in (0, 1]; got 0")
            self._test_fraction = 1.0 - ratio
        return self

    def with_batch_effects(
        self, *, enabled: bool = True, n_batches: int = 3, strength: float = 1.0
    ) -> SyntheticDatasetBuilder:
        """Measurement sessions with their own offset and gain; ``metadata["batch"]``.

        ``strength`` scales the session offset (sd 0.02) and log-gain (sd 0.03).
        """
        n_batches = check_int("n_batches", n_batches, minimum=2, maximum=self._n_samples)
        strength = check_real("strength", strength, low=0.0)
        self._batches = (n_batches if enabled else 0, strength)
        return self

    def with_output(
        self, *, as_dataset: bool | None = None, include_metadata: bool | None = None
    ) -> SyntheticDatasetBuilder:
        """Return a dataset or ``(X, y)``; ``include_metadata`` adds ``c_<component>`` columns."""
        if as_dataset is not None:
            self._as_dataset = bool(as_dataset)
        if include_metadata is not None:
            self._include_metadata = bool(include_metadata)
        return self

    # -- building -------------------------------------------------------------------------

    def build(self) -> SpectroDataset | tuple[np.ndarray, np.ndarray]:
        """Simulate: a :class:`SpectroDataset`, or ``(X, y)`` if ``with_output(as_dataset=False)``.

        Building twice gives the same result (the seed is fixed, nothing is consumed).
        """
        dataset = self.build_dataset()
        return dataset if self._as_dataset else as_arrays(dataset)

    def build_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)``, training rows first; several sources side by side."""
        return as_arrays(self.build_dataset())

    def build_dataset(self) -> SpectroDataset:
        """Simulate and return the :class:`SpectroDataset`."""
        seed = resolve_seed(self._random_state, self._name)
        bio_index, metadata = sample_metadata(self._metadata, self._n_samples, seed)
        recipe = self._recipe(bio_index)
        simulation = simulate(recipe, seed)
        if self._include_metadata:
            for k, name in enumerate(recipe.names):
                metadata[f"c_{name}"] = simulation.concentrations[:, k]
        return to_dataset(recipe, simulation, self._name, metadata)

    def export(self, path: str | Path, format: str = "standard") -> Path:
        """Build and write an ``Xcal/Ycal/Mcal/Xval/Yval/Mval`` folder (``format="standard"``)."""
        if format != "standard":
            raise ValueError(f"format must be 'standard'; got {format!r}")
        return save_dataset(self.build_dataset(), path)

    def _recipe(self, bio_index: np.ndarray | None) -> Recipe:
        classes = self._classes
        targets = self._targets
        component = targets.get("component")
        if component is None:
            component = list(range(len(self._names)))
        return Recipe(
            n_samples=self._n_samples,
            names=self._names,
            sources=self._source_specs(),
            task="regression" if classes is None else "classification",
            targets=target_columns(self._names, None, component),
            n_classes=2 if classes is None else classes["n_classes"],
            class_weights=None if classes is None else classes["weights"],
            class_separation=1.0 if classes is None else classes["separation"],
            test_fraction=self._test_fraction,
            distribution=targets["distribution"],
            target_range=targets.get("range"),
            target_transform=targets.get("transform"),
            n_batches=self._batches[0],
            batch_strength=self._batches[1],
            bio_index=bio_index,
        )

    def _source_specs(self) -> tuple[SourceSpec, ...]:
        preset = resolve_preset(self._complexity, self._overrides)
        if self._sources is None:
            return (SourceSpec("X", wavelength_axis(self._axis), preset),)
        specs = []
        for source in self._sources:
            if source["type"] in AUX_TYPES:
                specs.append(SourceSpec(source["name"], n_features=source["n_features"]))
                continue
            axis = self._axis if source["axis"] is None else source["axis"]
            own = source["complexity"]
            specs.append(SourceSpec(source["name"], wavelength_axis(axis),
                                    preset if own is None else resolve_preset(own)))
        return tuple(specs)

    def __repr__(self) -> str:
        return (f"SyntheticDatasetBuilder(n_samples={self._n_samples}, "
                f"complexity={self._complexity!r}, random_state={self._random_state})")

