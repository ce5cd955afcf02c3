"""Sample metadata and source descriptions of :class:`SyntheticDatasetBuilder`.

Metadata is drawn from its own stream, ``SeedSequence(random_state,
spawn_key=(METADATA_STREAM,))``, in this order: the repetition count of each biological sample
(when a range is asked for), then the group of each biological sample (a permutation of
balanced group labels). It never touches the spectra's stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nirs4all.data._synthetic_recipe import check_int, range_axis, resolve_preset
from nirs4all.utils.seeding import child_rng

__all__ = ["AUX_TYPES", "check_source", "sample_metadata"]

METADATA_STREAM = 2**31
SPECTRAL_TYPES = ("nir",)
AUX_TYPES = ("aux", "markers")
SOURCE_KEYS = {"name", "type", "wavelength_range", "wavelength_step", "complexity", "n_features"}


def sample_metadata(
    spec: Mapping[str, Any] | None, n_samples: int, seed: int
) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """Biological sample of each row and the metadata columns (own random stream)."""
    if spec is None:
        return None, {}
    rng = child_rng(seed, METADATA_STREAM)
    low, high = spec["repetitions"]
    n_draw = -(-n_samples // low)
    counts = rng.integers(low, high + 1, size=n_draw) if high > low else np.full(n_draw, low)
    counts = counts[: int(np.searchsorted(np.cumsum(counts), n_samples)) + 1]
    bio = np.repeat(np.arange(counts.shape[0]), counts)[:n_samples]
    repetition = np.concatenate([np.arange(c) for c in counts])[:n_samples]
    columns: dict[str, np.ndarray] = {}
    if spec["sample_ids"]:
        columns["sample_id"] = np.array(
            [f"{spec['prefix']}_{b:05d}_{r}" for b, r in zip(bio, repetition, strict=True)]
        )
    if spec["n_groups"] is not None:
        n_bio = int(bio[-1]) + 1
        group_of_bio = rng.permutation(np.arange(n_bio) % spec["n_groups"])
        names = spec["group_names"] or [f"group_{g}" for g in range(spec["n_groups"])]
        columns["group"] = np.asarray(names)[group_of_bio[bio]]
    if high > 1:
        columns["bio_sample"] = bio.astype(np.int64)
        columns["repetition"] = repetition.astype(np.int64)
    return (bio if high > 1 else None), columns


def check_source(position: int, source: object) -> dict[str, Any]:
    """Check ``sources[position]`` of ``with_sources`` and return its normalised form."""
    where = f"sources[{position}]"
    if not isinstance(source, Mapping) or "name" not in source:
        raise ValueError(f"{where} must be a dict with a 'name'; got {source!r}")
    unknown = sorted(set(source) - SOURCE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown}; known: {sorted(SOURCE_KEYS)}")
    kind = source.get("type", "nir")
    if kind not in SPECTRAL_TYPES + AUX_TYPES:
        raise ValueError(f"{where}: type must be one of {SPECTRAL_TYPES + AUX_TYPES}; "
                         f"got {kind!r} (visible-range spectra are not modelled)")
    checked: dict[str, Any] = {"name": str(source["name"]), "type": kind}
    if kind in AUX_TYPES:
        checked["n_features"] = check_int(f"{where}.n_features", source.get("n_features", 10),
                                          minimum=1)
        return checked
    window = source.get("wavelength_range")
    checked["axis"] = None if window is None else range_axis(window, source.get("wavelength_step"))
    checked["complexity"] = source.get("complexity")
    resolve_preset(checked["complexity"])
    return checked

