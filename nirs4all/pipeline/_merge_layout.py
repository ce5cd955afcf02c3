"""How a merge lays out its parts: which sources each part gives and how they are grouped.

A merge dict's parts are, in order, the features the branch started from
(``include_original``), the features of each branch it keeps, and the meta-features of a
predictions merge. ``sources`` keeps some of the dataset's sources of each feature part;
``output_as`` groups the result: ``None`` keeps every source of every part a source of its
own (the merge's behaviour without the key), ``"features"`` makes one block, ``"sources"``
one source per part. A row-wise merge (``concat`` of a separation branch) whose branches
give features of different widths or on different axes follows ``on_shape_mismatch``
(:func:`fit_widths`). Training and replay call the same functions, so a replayed chain sees
the columns its model was fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nirs4all.errors import ReplayError

__all__ = ["arrange_parts", "fit_widths", "pick_sources", "same_layout"]

Axis = tuple[np.ndarray, str]
Part = tuple[tuple[np.ndarray, ...], tuple[Axis, ...]]


def pick_sources(part: Part, sources: Sequence[int] | None, what: str) -> Part:
    """The sources ``sources`` (indices into the dataset's sources) of one part."""
    if sources is None:
        return part
    X, axes = part
    if max(sources) >= len(X):
        raise ReplayError(f"{what} has {len(X)} source(s); the merge takes sources "
                          f"{list(sources)}")
    return tuple(X[i] for i in sources), tuple(axes[i] for i in sources)


def _index(x: np.ndarray) -> Axis:
    return np.arange(x.shape[1], dtype=np.float64), "index"


def arrange_parts(parts: Sequence[Part], output_as: str | None) -> Part:
    """The parts side by side as ``output_as`` groups them."""
    if output_as is None:
        return (tuple(x for X, _ in parts for x in X), tuple(a for _, ax in parts for a in ax))
    if output_as == "features":
        groups = [[x for X, _ in parts for x in X]]
    else:
        groups = [list(X) for X, _ in parts]
    joined = []
    for group in groups:
        if len(group) == 1:
            joined.append(group[0])
            continue
        x = np.hstack(group)
        x.flags.writeable = False
        joined.append(x)
    return tuple(joined), tuple(_index(x) for x in joined)


def same_layout(parts: Sequence[Part]) -> bool:
    """Whether every part has the same sources, widths and axes (a row-wise merge can then
    keep each source as it is)."""
    first_x, first_axes = parts[0]
    return all(len(X) == len(first_x)
               and all(x.shape[1] == f.shape[1] for x, f in zip(X, first_x, strict=True))
               and all(np.array_equal(a[0], b[0]) for a, b in zip(axes, first_axes,
                                                                  strict=True))
               for X, axes in parts[1:])


def fit_widths(matrices: Sequence[np.ndarray], policy: str, where: str) -> list[np.ndarray]:
    """Each branch's features (its sources side by side) brought to one width.

    ``allow`` takes the columns by position when the widths agree (the axes may differ);
    ``pad`` appends zero columns up to the widest branch; ``truncate`` keeps the first
    columns of every branch, as many as the narrowest has.
    """
    widths = [m.shape[1] for m in matrices]
    if policy == "allow":
        if len(set(widths)) != 1:
            raise ValueError(f"{where}: on_shape_mismatch 'allow' takes columns by position, "
                             f"but the branches give {widths} columns; use 'pad' or "
                             "'truncate'")
        return list(matrices)
    if policy == "pad":
        width = max(widths)
        return [m if m.shape[1] == width else
                np.hstack([m, np.zeros((m.shape[0], width - m.shape[1]), dtype=m.dtype)])
                for m in matrices]
    if policy == "truncate":
        width = min(widths)
        return [m[:, :width] for m in matrices]
    raise ValueError(f"{where}: on_shape_mismatch must be 'allow', 'pad' or 'truncate'; "
                     f"got {policy!r}")
