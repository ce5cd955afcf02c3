"""Fold keys: the one spelling of "which model of a cross-validation" (contract 2).

A fold key is a string. Cross-validation folds are ``"0"``, ``"1"``, ``"2"`` ... (decimal, no
sign, no leading zero) and the model refitted on all training data is :data:`FINAL`
(``"final"``). Nothing else is a fold key: not the integer ``0``, not ``"fold_0"``, not
``"00"``.

The 0.x line of nirs4all wrote several other spellings (integers in execution traces,
``"fold_<k>"`` and ``"fold_final"`` in chains). :func:`normalize_legacy_fold_id` is the one
function that maps them to fold keys. It is called only at ingestion boundaries (store
migrations, legacy import), never inside the pipeline, so that every layer downstream of
ingestion sees a single dialect.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

import numpy as np

from nirs4all.errors import FoldKeyError

__all__ = [
    "FINAL",
    "FoldKeyError",
    "LegacyFoldIdWarning",
    "fold_index",
    "fold_key",
    "fold_order",
    "is_fold_key",
    "normalize_legacy_fold_id",
    "sort_fold_keys",
]

FINAL = "final"
"""Fold key of the model refitted on all training data."""

_FOLD_PATTERN = re.compile(r"0|[1-9][0-9]*")
_LEGACY_FOLD_PATTERN = re.compile(r"fold_(0|[1-9][0-9]*)")
_AGGREGATES = frozenset({"avg", "w_avg"})


class LegacyFoldIdWarning(DeprecationWarning):
    """A fold id in a legacy spelling was converted to a canonical fold key."""


def fold_key(index: int) -> str:
    """Return the fold key of cross-validation fold ``index``.

    Parameters
    ----------
    index : int
        0-based fold number (a Python or numpy integer, not a bool).

    Returns
    -------
    str
        ``str(index)``: ``"0"``, ``"1"`` ...

    Raises
    ------
    TypeError
        If ``index`` is not an integer.
    FoldKeyError
        If ``index`` is negative.
    """
    if isinstance(index, bool | np.bool_) or not isinstance(index, int | np.integer):
        raise TypeError(f"a fold index must be an int, got {type(index).__name__} {index!r}")
    if index < 0:
        raise FoldKeyError(f"a fold index must be >= 0, got {int(index)}")
    return str(int(index))


def is_fold_key(value: object) -> bool:
    """Return whether ``value`` is a canonical fold key (``"0"``, ``"1"`` ... or ``"final"``)."""
    if not isinstance(value, str):
        return False
    return value == FINAL or _FOLD_PATTERN.fullmatch(value) is not None


def _require_fold_key(key: object) -> str:
    if not is_fold_key(key):
        raise FoldKeyError(
            f"{key!r} is not a fold key; fold keys are '0', '1', ... and {FINAL!r} "
            "(legacy spellings are converted once, at ingestion, by normalize_legacy_fold_id)"
        )
    return str(key)


def fold_index(key: str) -> int | None:
    """Return the fold number of a fold key, or None for :data:`FINAL`.

    Raises
    ------
    FoldKeyError
        If ``key`` is not a canonical fold key.
    """
    key = _require_fold_key(key)
    return None if key == FINAL else int(key)


def sort_fold_keys(keys: Iterable[str]) -> list[str]:
    """Return the fold keys in numeric order (``"2"`` before ``"10"``), :data:`FINAL` last.

    Raises
    ------
    FoldKeyError
        If any key is not a canonical fold key.
    """
    return sorted((_require_fold_key(key) for key in keys), key=fold_order)


def fold_order(key: str) -> tuple[bool, int]:
    """Sort key of a canonical fold key: CV folds by number, :data:`FINAL` after them.

    The key is not checked (see :func:`sort_fold_keys` for keys from outside).
    """
    return (key == FINAL, 0 if key == FINAL else int(key))


def normalize_legacy_fold_id(value: object) -> str:
    """Convert a fold id written by nirs4all 0.x to a canonical fold key.

    Accepted spellings: canonical keys (returned unchanged, no warning), non-negative
    integers (Python or numpy, as in 0.x execution traces), ``"fold_<k>"`` and
    ``"fold_final"`` (0.x chains). Every conversion emits a :class:`LegacyFoldIdWarning`.

    Call this only at ingestion boundaries (store migrations, import of legacy files); code
    downstream of ingestion uses canonical keys and never calls it.

    Parameters
    ----------
    value : object
        The legacy fold id.

    Returns
    -------
    str
        The canonical fold key.

    Raises
    ------
    FoldKeyError
        For ``""`` and ``None`` (a 0.x row without cross-validation: whether it is the refit
        or something to drop is the caller's decision), for the aggregate rows ``"avg"`` and
        ``"w_avg"`` (not models of one fold), and for any other value.
    """
    if is_fold_key(value):
        return str(value)
    if value is None or (isinstance(value, str) and not value):
        raise FoldKeyError(
            f"fold id {value!r} marks a legacy row without cross-validation; it has no fold "
            f"key, so the caller must decide what it is (for example the {FINAL!r} refit)"
        )
    if isinstance(value, str) and value in _AGGREGATES:
        raise FoldKeyError(
            f"fold id {value!r} marks a legacy aggregate of fold predictions, not one fold; "
            "the caller must recompute or drop it"
        )
    key = _convert(value)
    warnings.warn(
        f"legacy fold id {value!r} converted to fold key {key!r}",
        LegacyFoldIdWarning,
        stacklevel=2,
    )
    return key


def _convert(value: object) -> str:
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        if value >= 0:
            return str(int(value))
    elif isinstance(value, str):
        if value == f"fold_{FINAL}":
            return FINAL
        match = _LEGACY_FOLD_PATTERN.fullmatch(value)
        if match is not None:
            return match.group(1)
    raise FoldKeyError(
        f"{value!r} ({type(value).__name__}) is not a known fold id spelling; accepted: "
        "'0', '1', ..., 'final', non-negative integers, 'fold_<k>', 'fold_final'"
    )
