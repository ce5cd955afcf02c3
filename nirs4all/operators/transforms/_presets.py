"""Named lists of preprocessings, for ``{"_or_": preset}`` and ``feature_augmentation``.

Each preset is a function returning a new list of new, unfitted estimators (or ``None``,
"keep the input") on every call, so two pipelines never share an instance. Every entry is
a single transformer, which both ``_or_`` and ``feature_augmentation`` accept; an entry
that chains preprocessings (SNV, then a derivative) is a :func:`chain`, a scikit-learn
:class:`~sklearn.pipeline.Pipeline`. The ``*_2D`` presets and :func:`list_of_2D_sets` are
lists of such lists, one ``feature_augmentation`` set each:
``{"feature_augmentation": {"_or_": dumb_set_2D()}}`` sweeps the sets. The names are those
of 0.x; their contents are this release's choice (0.x's sets held operator combinations
tuned for its own models).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations

from sklearn.pipeline import Pipeline, make_pipeline

from nirs4all.operators.transforms._baseline import Detrend
from nirs4all.operators.transforms._derivatives import (
    FirstDerivative,
    Gaussian,
    SavitzkyGolay,
    SecondDerivative,
)
from nirs4all.operators.transforms._scatter import EMSC, MSC, SNV, RobustSNV
from nirs4all.operators.transforms._wavelets import Haar

__all__ = [
    "PRESETS",
    "chain",
    "decon_set",
    "dumb_and_dumber_set",
    "dumb_set",
    "dumb_set_2D",
    "fat_set",
    "haar_only",
    "id_preprocessing",
    "list_of_2D_sets",
    "nicon_set",
    "optimal_set_2D",
    "preprocessing_list",
    "preset",
    "savgol_only",
    "senseen_set",
    "small_set",
    "special_set",
    "transf_set",
]


def chain(*steps: object) -> Pipeline:
    """Preprocessings applied one after the other, as one transformer (a ``Pipeline``)."""
    return make_pipeline(*steps)


def _d1() -> SavitzkyGolay:
    return SavitzkyGolay(window_length=11, polyorder=2, deriv=1)


def _d2() -> SavitzkyGolay:
    return SavitzkyGolay(window_length=11, polyorder=2, deriv=2)


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


def haar_only() -> list:
    """``[Haar()]``: the detail coefficients of a one-level Haar transform."""
    return [Haar()]


def nicon_set() -> list:
    """Inputs for a 1D convolutional network: raw, smoothed, SNV + d1, Haar, MSC + d1."""
    return [None, SavitzkyGolay(), chain(SNV(), _d1()), Haar(), chain(MSC(), FirstDerivative())]


def decon_set() -> list:
    """Baseline-focused screen: raw, detrended, SNV + detrend, d1, MSC + d2."""
    return [None, Detrend(), chain(SNV(), Detrend()), _d1(), chain(MSC(), _d2())]


def senseen_set() -> list:
    """SNV alone and followed by smoothing, first and second derivatives."""
    return [SNV(), chain(SNV(), SavitzkyGolay()), chain(SNV(), FirstDerivative()),
            chain(SNV(), SecondDerivative())]


def special_set() -> list:
    """Chained corrections: SNV + Haar, MSC + Gaussian, EMSC + d1, detrend + SNV."""
    return [chain(SNV(), Haar()), chain(MSC(), Gaussian(sigma=2.0)), chain(EMSC(), _d1()),
            chain(Detrend(), SNV())]


def _dumb_singles() -> list:
    return [SNV(), MSC(), FirstDerivative(), SavitzkyGolay(), Detrend(), Haar()]


def dumb_set() -> list:
    """The input and every single preprocessing of the basic set, one at a time."""
    return [None, *_dumb_singles(), SecondDerivative(), Gaussian(sigma=2.0)]


def dumb_and_dumber_set() -> list:
    """Every ordered pair of two different basic preprocessings (30 chains)."""
    count = len(_dumb_singles())
    return [chain(_dumb_singles()[i], _dumb_singles()[j])
            for i, j in permutations(range(count), 2)]


def preprocessing_list() -> list:
    """Every single preprocessing used by the presets, once (no chains, no ``None``)."""
    return [SNV(), RobustSNV(), MSC(), EMSC(), Detrend(), Gaussian(sigma=2.0),
            SavitzkyGolay(), _d1(), _d2(), FirstDerivative(), SecondDerivative(), Haar()]


def fat_set() -> list:
    """The broad screen of :func:`transf_set` plus the chains of :func:`special_set`."""
    return [*transf_set(), *special_set(), *senseen_set()[1:]]


def dumb_set_2D() -> list:
    """Feature-augmentation sets: raw + SNV, raw + d1, SNV + MSC + Haar."""
    return [[None, SNV()], [None, FirstDerivative()], [SNV(), MSC(), Haar()]]


def optimal_set_2D() -> list:
    """Feature-augmentation sets that pair a scatter correction with derivatives."""
    return [[None, SNV(), chain(SNV(), _d1())], [MSC(), chain(MSC(), _d1()), _d2()],
            [SNV(), Detrend(), Haar()]]


def list_of_2D_sets() -> list:
    """The sets of :func:`dumb_set_2D`, then those of :func:`optimal_set_2D`."""
    return [*dumb_set_2D(), *optimal_set_2D()]


#: Preset name -> function building a new list.
PRESETS: dict[str, Callable[[], list]] = {
    "decon_set": decon_set,
    "dumb_and_dumber_set": dumb_and_dumber_set,
    "dumb_set": dumb_set,
    "dumb_set_2D": dumb_set_2D,
    "fat_set": fat_set,
    "haar_only": haar_only,
    "id_preprocessing": id_preprocessing,
    "list_of_2D_sets": list_of_2D_sets,
    "nicon_set": nicon_set,
    "optimal_set_2D": optimal_set_2D,
    "preprocessing_list": preprocessing_list,
    "savgol_only": savgol_only,
    "senseen_set": senseen_set,
    "small_set": small_set,
    "special_set": special_set,
    "transf_set": transf_set,
}


def preset(name: str) -> list:
    """Return a new list of the preset ``name`` (one of :data:`PRESETS`)."""
    try:
        return PRESETS[name]()
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ValueError(f"unknown preset {name!r}; the presets are {known}") from None
