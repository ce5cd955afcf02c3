"""Replaying separation branches: new rows go to their branch as in training.

The branch step of a separation stores a router per fold key: the metadata values of each
branch, the fitted filter, or the source order. Replay runs each branch's steps on the rows
given, and ``merge: concat`` keeps, for each row, its own branch's features and predictions.
A ``by_tag`` separation routes by the flags of the ``tag``/``exclude`` steps before it: in
a variant that has one, those steps store their fitted filters, which replay applies to the
new rows (:func:`flag_rows`) as training did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nirs4all.errors import ReplayError
from nirs4all.pipeline import apply

__all__ = ["assign_rows", "flag_rows", "join_rows", "narrow_to_source", "tag_owner"]


def assign_rows(router: Mapping[str, Any], state: tuple, metadata: Mapping[str, Any] | None,
                n: int) -> np.ndarray:
    """The branch index of every row (``-1``: no branch)."""
    by = router["by"]
    if by == "metadata":
        column = router["column"]
        if metadata is None or column not in metadata:
            raise ReplayError(f"this chain sends each sample to a branch by its metadata "
                              f"column {column!r}; predict on a dataset that has it")
        values = np.asarray(metadata[column])
        owner = np.full(n, -1)
        for i, members in enumerate(router["values"]):
            owner[np.isin(values, np.asarray(members, dtype=values.dtype))] = i
        return owner
    if by == "filter":
        kept = np.asarray(router["filter"].get_mask(apply.model_input(state[0]), None,
                                                    metadata=metadata or {}), dtype=bool)
        return np.where(kept, 0, 1)
    raise ReplayError(f"this chain separates samples by the tag {router.get('tag')!r}, which "
                      "new data does not carry; predict with the chain of a branch instead")


def flag_rows(filters: list[Any], state: tuple,
              metadata: Mapping[str, Any] | None) -> dict[str, np.ndarray | str]:
    """The flags (True: flagged) of each fitted filter on the rows of ``state``, by tag
    name; a filter that cannot judge new rows (one that needs targets) gives its reason."""
    X = apply.model_input(state[0])
    out: dict[str, np.ndarray | str] = {}
    for fitted in filters:
        try:
            kept = fitted.get_mask(X, None, metadata=metadata or {})
        except ValueError as exc:
            out[str(fitted.tag_name)] = str(exc)
            continue
        out[str(fitted.tag_name)] = ~np.asarray(kept, dtype=bool)
    return out


def tag_owner(router: Mapping[str, Any], tagged: Mapping[str, Any]) -> np.ndarray | None:
    """The branch of every row of a ``by_tag`` separation (0 untagged, 1 tagged), from the
    flags replayed so far; None for another router, or a tag replay did not compute."""
    if router["by"] != "tag" or router["tag"] not in tagged:
        return None
    flags = tagged[router["tag"]]
    if isinstance(flags, str):
        raise ReplayError(f"this chain separates samples by the tag {router['tag']!r}, whose "
                          f"filter cannot judge new rows ({flags}); predict with the chain "
                          "of a branch instead")
    return np.where(flags, 1, 0)


def narrow_to_source(router: Mapping[str, Any], parent: tuple, index: int) -> tuple:
    """The state a ``by_source`` branch starts from: its one source."""
    source = router["sources"][index]
    return (parent[0][source],), (parent[1][source],), parent[2]


def join_rows(owner: np.ndarray, parts: dict[int, Any], what: str, *,
              compact: bool = False) -> Any:
    """Each row's value from its own branch: ``parts[i]`` holds every row (or, ``compact``,
    only the rows of branch ``i``, in order); a prediction pair is joined element-wise."""
    missing = sorted(set(owner.tolist()) - set(parts))
    if missing:
        rows = np.flatnonzero(np.isin(owner, missing))[:5]
        raise ReplayError(f"rows {rows.tolist()} belong to no branch that has {what} (a "
                          "metadata value unseen in training, or a branch that had no "
                          "training samples)")
    first = next(iter(parts.values()))
    if isinstance(first, tuple):
        pred = join_rows(owner, {i: p[0] for i, p in parts.items()}, what, compact=compact)
        proba = None if any(p[1] is None for p in parts.values()) else join_rows(
            owner, {i: p[1] for i, p in parts.items()}, what, compact=compact)
        return pred, proba
    out = np.empty((owner.size, *first.shape[1:]), dtype=first.dtype)
    for i, values in parts.items():
        take = owner == i
        out[take] = values if compact else values[take]
    return out
