"""Spectra, raw and after a preprocessing step, on their wavelength axis."""

from __future__ import annotations

from os import PathLike
from typing import Any

import numpy as np

from nirs4all.data import SpectroDataset
from nirs4all.data._axis import infer_unit
from nirs4all.data.dataset import UNITS
from nirs4all.viz._figure import DEFAULT_DPI, Figure, finish, new_figure

__all__ = ["AXIS_LABELS", "plot_spectra"]

AXIS_LABELS = {"nm": "Wavelength (nm)", "cm-1": "Wavenumber (cm$^{-1}$)", "index": "Index"}
"""x-axis label of each wavelength unit."""


def _inputs(data: Any, wavelengths: Any, unit: str | None, source: int | str
            ) -> tuple[np.ndarray, np.ndarray, str, SpectroDataset | None]:
    """Spectra, their axis and unit, and the dataset they come from (if any)."""
    dataset = data if isinstance(data, SpectroDataset) else None
    if dataset is not None:
        X = dataset.x(source)
        axis = dataset.wavelengths(source) if wavelengths is None else wavelengths
        unit = unit or dataset.unit(source)
    else:
        X = np.asarray(data, dtype=np.float64)
        X = X.reshape(1, -1) if X.ndim == 1 else X
        if X.ndim != 2:
            raise ValueError(f"spectra must be a 2D array (samples x wavelengths) or a "
                             f"SpectroDataset; got an array of shape {X.shape}")
        axis = np.arange(X.shape[1], dtype=np.float64) if wavelengths is None else wavelengths
        if unit is None:
            unit = "index" if wavelengths is None else infer_unit(np.asarray(axis, float))
    axis = np.asarray(axis, dtype=np.float64).reshape(-1)
    if axis.shape[0] != X.shape[1]:
        raise ValueError(f"the spectra have {X.shape[1]} columns but the wavelength axis has "
                         f"{axis.shape[0]} values")
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}; got {unit!r}")
    return X, axis, unit, dataset


def _transform(transformed: Any, X: np.ndarray, axis: np.ndarray, unit: str,
               y: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, str, str]:
    """Transformed spectra, their axis and unit, and a panel title."""
    if hasattr(transformed, "fit_transform"):
        from sklearn.base import clone

        from nirs4all.operators.transforms import is_wavelength_aware

        operator = clone(transformed)
        if is_wavelength_aware(operator):
            T = operator.fit_transform(X, y, wavelengths=axis)
            out_axis = np.asarray(operator.wavelengths_out_, dtype=np.float64)
        else:
            T = operator.fit_transform(X, y)
            out_axis = axis
        title = f"After {transformed!r}"
    else:
        T, out_axis, title = transformed, axis, "Transformed spectra"
    T = np.asarray(T, dtype=np.float64)
    if T.ndim != 2 or T.shape[0] != X.shape[0]:
        raise ValueError(f"transformed spectra must have one row per spectrum ({X.shape[0]}); "
                         f"got shape {T.shape}")
    if out_axis.shape[0] != T.shape[1]:  # columns no longer match the axis: number them
        return T, np.arange(T.shape[1], dtype=np.float64), "index", title
    return T, out_axis, unit, title


def _colours(color_by: Any, dataset: SpectroDataset | None, n: int
             ) -> tuple[np.ndarray | None, str, bool]:
    """Per-spectrum values to colour by, their name, and whether they are categories."""
    if color_by is None:
        return None, "", True
    if isinstance(color_by, str):
        if dataset is None:
            raise ValueError(f"color_by={color_by!r} needs a SpectroDataset; pass an array of "
                             "one value per spectrum instead")
        if color_by == "partition":
            return dataset.partition, "partition", True
        if color_by == "y":
            if dataset.y is None:
                raise ValueError("color_by='y' needs a dataset with targets")
            y = dataset.y
            if y.ndim == 2:
                return y[:, 0], dataset.target_names[0], False
            return y, dataset.target_names[0], True
        raise ValueError(f"color_by must be None, 'partition', 'y' or an array; got {color_by!r}")
    values = np.asarray(color_by)
    if values.shape != (n,):
        raise ValueError(f"color_by must hold one value per spectrum ({n}); got shape "
                         f"{values.shape}")
    return values, "", values.dtype.kind not in "fc"


def _category_order(value: Any) -> tuple[int, str]:
    """Train before test, then labels in text order."""
    return ({"train": 0, "test": 1}.get(value, 2), str(value))


def _draw(ax: Any, axis: np.ndarray, X: np.ndarray, values: np.ndarray | None,
          categorical: bool, legend: bool) -> Any:
    """Draw the rows of ``X`` as one line collection; return a colour mappable or None."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    segments = np.stack([np.broadcast_to(axis, X.shape), X], axis=-1)
    lines = LineCollection(segments, linewidths=0.8, alpha=0.7)
    mappable = None
    if values is None:
        lines.set_color("C0")
    elif categorical:
        labels = values.tolist()
        categories = sorted(set(labels), key=_category_order)
        palette = {c: f"C{i % 10}" for i, c in enumerate(categories)}
        order = np.argsort([categories.index(v) for v in labels], kind="stable")
        lines.set_segments(segments[order])  # later categories drawn on top
        lines.set_color([palette[labels[i]] for i in order])
        if legend:
            handles = [Line2D([], [], color=colour, label=f"{c} ({labels.count(c)})")
                       for c, colour in palette.items()]
            ax.legend(handles=handles, fontsize=8, framealpha=0.9)
    else:
        lines.set_array(np.asarray(values, dtype=np.float64))
        lines.set_cmap("viridis")
        mappable = lines
    ax.add_collection(lines, autolim=True)
    ax.autoscale_view()
    return mappable


def _finish_axis(ax: Any, axis: np.ndarray, unit: str, ylabel: str, title: str) -> None:
    low, high = float(axis.min()), float(axis.max())
    ax.set_xlim((high, low) if unit == "cm-1" else (low, high))  # wavenumbers run high to low
    ax.set_xlabel(AXIS_LABELS[unit])
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, linewidth=0.4, alpha=0.5)


def plot_spectra(
    dataset_or_X: SpectroDataset | Any,
    wavelengths: Any = None,
    *,
    unit: str | None = None,
    source: int | str = 0,
    transformed: Any = None,
    color_by: Any = None,
    max_spectra: int = 300,
    ylabel: str = "Intensity",
    figsize: tuple[float, float] | None = None,
    path: str | PathLike[str] | None = None,
    dpi: int = DEFAULT_DPI,
) -> Figure:
    """Spectra on their wavelength axis, and optionally the same spectra after preprocessing.

    Parameters
    ----------
    dataset_or_X : SpectroDataset or array-like of shape (n_samples, n_wavelengths)
        The spectra (one source of a dataset).
    wavelengths : array-like, optional
        The axis; taken from the dataset, else ``0 .. n_wavelengths - 1``.
    unit : {"nm", "cm-1", "index"}, optional
        Unit of the axis; from the dataset, else inferred from ``wavelengths``. Wavenumber
        axes are drawn high to low, as spectroscopists read them.
    source : int or str
        Source of a multi-source dataset.
    transformed : estimator or array-like, optional
        Adds a second panel: a transformer (cloned, then fitted on these spectra, with the
        axis for nirs4all transforms and the targets of a dataset) or already transformed
        spectra with one row per spectrum.
    color_by : {"partition", "y"} or array-like, optional
        Colour each spectrum by its dataset partition, its target (a colour bar for
        regression, on the first target of several; a legend for classes), or one given
        value per spectrum (numbers get a colour bar, anything else a legend).
    max_spectra : int
        Draw at most this many spectra, evenly spaced through the rows.
    ylabel : str
        Label of the y axis of the raw spectra.
    figsize : tuple of float, optional
        Figure size in inches.
    path : str or PathLike, optional
        Save the figure there.
    dpi : int
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per panel, raw spectra first.
    """
    if max_spectra < 1:
        raise ValueError(f"max_spectra must be at least 1; got {max_spectra}")
    X, axis, unit, dataset = _inputs(dataset_or_X, wavelengths, unit, source)
    values, colour_name, categorical = _colours(color_by, dataset, X.shape[0])
    y = None if dataset is None else dataset.y
    if y is not None and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    panels = [(X, axis, unit, ylabel, "Raw spectra")]
    if transformed is not None:
        T, t_axis, t_unit, title = _transform(transformed, X, axis, unit, y)
        panels.append((T, t_axis, t_unit, "Transformed intensity", title))
    n = X.shape[0]
    rows = np.arange(n)
    if n > max_spectra:
        rows = np.unique(np.linspace(0, n - 1, max_spectra).round().astype(int))
    shown = f"{len(rows)} of {n} spectra" if len(rows) < n else f"{n} spectra"
    fig, axes = new_figure(figsize or (8.0, 3.8 * len(panels)), len(panels), 1)
    axes = np.atleast_1d(axes)
    mappable = None
    subset = None if values is None else values[rows]
    for k, (ax, (data, data_axis, data_unit, label, title)) in enumerate(
            zip(axes, panels, strict=True)):
        mappable = _draw(ax, data_axis, data[rows], subset, categorical, k == 0) or mappable
        heading = title if title != "Raw spectra" else f"Raw spectra ({shown})"
        if dataset is not None and title == "Raw spectra":
            heading = f"{dataset.name}: {heading}"
        _finish_axis(ax, data_axis, data_unit, label, heading)
    if mappable is not None:
        fig.colorbar(mappable, ax=list(axes), label=colour_name or "value", shrink=0.9)
    return finish(fig, path, dpi)
