"""The options of a ``sample_augmentation`` step, parsed and checked.

Apart from the executor's mixin (:mod:`nirs4all.pipeline._augmenting`) so that the spec
parser can read them without importing the executor's modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

from nirs4all.errors import SpecError

__all__ = ["AugmentOptions", "parse_augment_options"]

_KEYS = ("transformers", "count", "selection", "random_state", "variation_scope", "balance",
         "bins", "binning_strategy", "target_size", "max_factor")
_REFUSED = {"bin_balancing": "bins are always balanced by their row counts",
            "ref_percentage": "give target_size (rows per group) instead"}


@dataclass(frozen=True)
class AugmentOptions:
    """Parsed options of a ``sample_augmentation`` step (see the module docstring)."""

    count: int = 1
    selection: str = "all"
    random_state: int | None = None
    variation_scope: str = "sample"
    balance: str | None = None
    bins: int = 10
    binning_strategy: str = "uniform"
    target_size: int | None = None
    max_factor: float | None = None


def _int(value: Any, lowest: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < lowest:
        raise SpecError(f"{where} must be an integer >= {lowest}; got {value!r}")
    return int(value)


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise SpecError(f"{where} must be one of {list(allowed)}; got {value!r}")
    return str(value)


def parse_augment_options(value: Mapping, path: str) -> AugmentOptions:
    """Check and parse the options of a ``{"sample_augmentation": {...}}`` mapping."""
    where = f"{path}.sample_augmentation"
    for key in set(value) - set(_KEYS):
        reason = _REFUSED.get(key, f"the keys are {list(_KEYS)}")
        raise SpecError(f"{where}: key {key!r} is not supported ({reason})")
    balance = value.get("balance")
    if balance is True:
        balance = "y"
    elif balance is False:
        balance = None
    if balance is not None and not isinstance(balance, str):
        raise SpecError(f"{where}.balance must be true, 'y' or a metadata column name; "
                        f"got {balance!r}")
    if balance is not None and "count" in value:
        raise SpecError(f"{where}: count and balance exclude each other (balance decides how "
                        "many copies each group gets); remove one")
    seed = value.get("random_state")
    if seed is not None:
        seed = _int(seed, 0, f"{where}.random_state")
    target = value.get("target_size")
    factor = value.get("max_factor")
    if factor is not None and (isinstance(factor, bool) or not isinstance(factor, Real)
                               or not 1 <= factor < np.inf):
        raise SpecError(f"{where}.max_factor must be a number >= 1; got {factor!r}")
    return AugmentOptions(
        count=_int(value.get("count", 1), 1, f"{where}.count"),
        selection=_choice(value.get("selection", "all"), ("all", "random"),
                          f"{where}.selection"),
        random_state=seed,
        variation_scope=_choice(value.get("variation_scope", "sample"), ("sample", "batch"),
                                f"{where}.variation_scope"),
        balance=balance,
        bins=_int(value.get("bins", 10), 1, f"{where}.bins"),
        binning_strategy=_choice(value.get("binning_strategy", "uniform"),
                                 ("uniform", "quantile"), f"{where}.binning_strategy"),
        target_size=None if target is None else _int(target, 1, f"{where}.target_size"),
        max_factor=None if factor is None else float(factor),
    )
