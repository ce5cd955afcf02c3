"""Filters on the metadata of a sample, and the combination of several filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from nirs4all.operators.filters._base import SampleFilter, column_of

__all__ = ["CompositeFilter", "MetadataFilter"]


def _missing(values: np.ndarray) -> np.ndarray:
    """NaN, None and empty strings count as missing."""
    out = np.zeros(values.shape[0], dtype=bool)
    for i, value in enumerate(values.tolist()):
        out[i] = value is None or value == "" or (isinstance(value, float) and value != value)
    return out


class MetadataFilter(SampleFilter):
    """Flag samples by the value of one metadata column.

    A sample is flagged when its value is in ``values_to_exclude``, when ``values_to_keep``
    is given and its value is not in it, when ``condition(value)`` is true, or (with
    ``exclude_missing``) when the value is missing (NaN, None, ``""``). The rule is fixed by
    the parameters: fitting only checks the column.

    Parameters
    ----------
    column : str
        Metadata column to read.
    condition : callable, optional
        A module-level function ``value -> bool`` that returns True for a sample to flag
        (module-level, so that the pipeline can record it by its import path).
    values_to_exclude, values_to_keep : sequence, optional
    exclude_missing : bool, default=True
    tag_name : str, default="metadata"
    """

    def __init__(self, column: str, condition: Callable[[Any], bool] | None = None,
                 values_to_exclude: Sequence[Any] | None = None,
                 values_to_keep: Sequence[Any] | None = None, exclude_missing: bool = True,
                 tag_name: str = "metadata") -> None:
        self.column = column
        self.condition = condition
        self.values_to_exclude = values_to_exclude
        self.values_to_keep = values_to_keep
        self.exclude_missing = exclude_missing
        self.tag_name = tag_name

    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        if not isinstance(self.column, str) or not self.column:
            raise ValueError("MetadataFilter: give the metadata column to read, e.g. "
                             "MetadataFilter(column='instrument', values_to_exclude=['B'])")
        if self.condition is not None and not callable(self.condition):
            raise ValueError(f"MetadataFilter: condition must be callable; got "
                             f"{type(self.condition).__name__}")
        column_of(metadata, self.column, X.shape[0], "MetadataFilter")

    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        values = column_of(metadata, self.column, X.shape[0], "MetadataFilter")
        flagged = _missing(values) if self.exclude_missing else np.zeros(len(values), bool)
        if self.values_to_exclude is not None:
            flagged |= np.isin(values, list(self.values_to_exclude))
        if self.values_to_keep is not None:
            flagged |= ~np.isin(values, list(self.values_to_keep))
        if self.condition is not None:
            flagged |= np.array([bool(self.condition(v)) for v in values.tolist()],
                                dtype=bool)
        return ~flagged

    @property
    def reason(self) -> str:
        """The rules in force, in words."""
        rules = []
        if self.values_to_exclude is not None:
            rules.append(f"in {list(self.values_to_exclude)}")
        if self.values_to_keep is not None:
            rules.append(f"not in {list(self.values_to_keep)}")
        if self.condition is not None:
            rules.append(f"{getattr(self.condition, '__name__', 'condition')}(value) is true")
        if self.exclude_missing:
            rules.append("missing")
        return f"metadata {self.column!r} " + (" or ".join(rules) or "(no rule)")


class CompositeFilter(SampleFilter):
    """Combine filters: flag a sample that ``any`` (default) or ``all`` of them flag.

    Parameters
    ----------
    filters : sequence of SampleFilter
        Fitted on clones; the given filters are never changed.
    mode : {"any", "all"}, default="any"
    tag_name : str, default="composite"

    Attributes
    ----------
    filters_ : list of SampleFilter
        The fitted clones.
    """

    def __init__(self, filters: Sequence[SampleFilter] = (), mode: str = "any",
                 tag_name: str = "composite") -> None:
        self.filters = filters
        self.mode = mode
        self.tag_name = tag_name

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        members = [f.__sklearn_tags__() for f in self.filters or ()]
        tags.target_tags.required = any(t.target_tags.required for t in members)
        tags.input_tags.allow_nan = bool(members) and all(t.input_tags.allow_nan
                                                          for t in members)
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike | None = None, *,
            metadata: Mapping[str, Any] | None = None) -> CompositeFilter:
        """Fit a clone of every filter on the same rows."""
        if self.mode not in ("any", "all"):
            raise ValueError(f"CompositeFilter: mode must be 'any' or 'all'; got "
                             f"{self.mode!r}")
        if not self.filters:
            raise ValueError("CompositeFilter: give at least one filter, e.g. "
                             "CompositeFilter([YOutlierFilter(), XOutlierFilter()])")
        self.filters_ = [clone(f).fit(X, y, metadata=metadata) for f in self.filters]
        super().fit(X, y, metadata=metadata)
        return self

    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        """The members are fitted in :meth:`fit`, on the caller's X (before validation)."""

    def get_mask(self, X: ArrayLike, y: ArrayLike | None = None, *,
                 metadata: Mapping[str, Any] | None = None) -> np.ndarray:
        """Kept by every member (``any``) or by at least one (``all``)."""
        check_is_fitted(self, "filters_")
        masks = np.vstack([f.get_mask(X, y, metadata=metadata) for f in self.filters_])
        return masks.all(axis=0) if self.mode == "any" else masks.any(axis=0)

    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        return self.get_mask(X, y, metadata=metadata)

    @property
    def reason(self) -> str:
        """The members' reasons, joined by the mode."""
        joiner = " or " if self.mode == "any" else " and "
        return joiner.join(f"({f.reason})" for f in self.filters)
