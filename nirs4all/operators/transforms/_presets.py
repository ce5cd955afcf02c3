"""Named lists of preprocessings, for ``{"_or_": preset}`` and ``feature_augmentation``.

Each preset is a function returning a new list of new, unfitted estimators (or ``None``,
"keep the input") on every call, so two pipelines never share an instance. Every entry is
a single transformer, which both ``_or_`` and ``feature_augmentation`` accept. The names
are those of 0.x whose operators exist here; their contents are this release's choice
(0.x's sets held operator combinations tuned for its own models).
"""

from __future__ import annotations

from collections.abc import Callable

from nirs4all.operators.transforms._baseline import Detrend
from nirs4all.operators.transforms._derivatives import (
    FirstDerivative,
    Gaussian,
    SavitzkyGolay,
    SecondDerivative,
)
from nirs4all.operators.transforms._scatter import EMSC, MSC, SNV, RobustSNV

__all__ = ["PRESETS", "id_preprocessing", "preset", "savgol_only", "small_set", "transf_set"]


def id_preprocessing() -> list:
    """``[None]``: the spectra unchanged."""
    return [None]


def savgol_only() -> list:
    """``[SavitzkyGolay()]``: smoothing with an 11-point window, degree 2."""
    return [SavitzkyGolay()]


def small_set() -> list:
    """The input, SNV, MSC, and Savitzky-Golay first and second derivatives."""
    return [
        None,
        SNV(),
        MSC(),
        SavitzkyGolay(window_length=11, polyorder=2, deriv=1),
        SavitzkyGolay(window_length=11, polyorder=2, deriv=2),
    ]


def transf_set() -> list:
    """A broad screen: scatter corrections, detrending, smoothing and derivatives."""
    return [
        None,
        SNV(),
        RobustSNV(),
        MSC(),
        EMSC(),
        Detrend(),
        Gaussian(sigma=2.0),
        SavitzkyGolay(),
        SavitzkyGolay(window_length=15, polyorder=2, deriv=1),
        FirstDerivative(),
        SecondDerivative(),
    ]


#: Preset name -> function building a new list.
PRESETS: dict[str, Callable[[], list]] = {
    "id_preprocessing": id_preprocessing,
    "savgol_only": savgol_only,
    "small_set": small_set,
    "transf_set": transf_set,
}


def preset(name: str) -> list:
    """Return a new list of the preset ``name`` (one of :data:`PRESETS`)."""
    try:
        return PRESETS[name]()
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ValueError(f"unknown preset {name!r}; the presets are {known}") from None
