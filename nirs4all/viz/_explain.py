"""Plots of an :class:`~nirs4all.explanation.ExplainResult`: where along the spectrum the
model looks, and how each feature moves the predictions.

- :func:`plot_spectral_importance`: mean absolute SHAP value per wavelength (or a model's
  own importance: ``"vip"``, ``"coefficients"``, ``"selectivity_ratio"``) as a filled
  band, over the mean spectrum of the explained data on a second y axis.
- :func:`plot_beeswarm`: the ``max_display`` most important features, one row each, every
  sample a dot at its SHAP value, coloured by the feature's value (low to high).
- :func:`plot_waterfall`: one sample, from the base value to its prediction, one bar per
  feature for the ``max_display`` largest attributions and one for the rest.

Drawn with matplotlib's object API (no pyplot, no global state), like every nirs4all plot.
"""

from __future__ import annotations

from os import PathLike
from typing import Any

import numpy as np

from nirs4all.viz._figure import DEFAULT_DPI, Figure, finish, new_figure
from nirs4all.viz._spectra import AXIS_LABELS

__all__ = ["plot_beeswarm", "plot_spectral_importance", "plot_waterfall"]


def _first_output(values: np.ndarray, output: int) -> np.ndarray:
    return values if values.ndim == 2 else values[..., output]


def plot_spectral_importance(result: Any, *, importance: str = "shap", output: int = 0,
                             path: str | PathLike[str] | None = None,
                             dpi: int = DEFAULT_DPI) -> Figure:
    """Importance per wavelength over the mean spectrum of the explained data.

    ``importance``: ``"shap"`` (mean absolute SHAP value) or a key of
    ``result.importances`` (absolute values are drawn for ``"coefficients"``).
    """
    if importance == "shap":
        values = np.abs(_first_output(result.shap_values, output)).mean(axis=0)
        label = "mean |SHAP value|"
    elif importance in result.importances:
        values = np.asarray(result.importances[importance], dtype=np.float64)
        values = np.abs(values if values.ndim == 1 else values[:, output])
        label = importance.replace("_", " ")
    else:
        raise ValueError(f"importance must be 'shap' or one of {sorted(result.importances)}; "
                         f"got {importance!r}")
    axis = np.asarray(result.wavelengths, dtype=np.float64)
    fig, ax = new_figure((8.0, 4.0))
    ax.fill_between(axis, 0.0, values, color="tab:red", alpha=0.35, linewidth=0)
    ax.plot(axis, values, color="tab:red", linewidth=1.0, label=label)
    ax.set_ylabel(label)
    ax.set_xlabel(AXIS_LABELS.get(result.axis_unit, result.axis_unit))
    spectrum = ax.twinx()
    spectrum.plot(axis, np.asarray(result.data).mean(axis=0), color="0.3", linewidth=1.2,
                  label="mean spectrum")
    spectrum.set_ylabel("mean spectrum (model input)")
    if result.axis_unit == "cm-1":
        ax.invert_xaxis()
    ax.set_title(f"{result.model_name}: importance per feature")
    return finish(fig, path, dpi)


def _top(values: np.ndarray, n: int) -> np.ndarray:
    return np.argsort(-np.abs(values).mean(axis=0), kind="stable")[:n]


def plot_beeswarm(result: Any, *, max_display: int = 15, output: int = 0,
                  path: str | PathLike[str] | None = None, dpi: int = DEFAULT_DPI) -> Figure:
    """SHAP value of every sample for the most important features, coloured by value."""
    values = _first_output(result.shap_values, output)
    top = _top(values, max_display)[::-1]  # the most important at the top
    fig, ax = new_figure((7.0, 0.35 * len(top) + 1.5))
    rng = np.random.default_rng(0)  # vertical jitter only: the same picture every time
    data = np.asarray(result.data)
    for row, feature in enumerate(top):
        x = data[:, feature]
        span = np.ptp(x)
        colour = (x - x.min()) / span if span > 0 else np.full_like(x, 0.5)
        jitter = rng.uniform(-0.3, 0.3, size=values.shape[0])
        dots = ax.scatter(values[:, feature], row + jitter, c=colour, cmap="coolwarm",
                          vmin=0.0, vmax=1.0, s=12, linewidths=0)
    ax.axvline(0.0, color="0.5", linewidth=0.8)
    ax.set_yticks(range(len(top)), [result.feature_names[i] for i in top])
    ax.set_xlabel("SHAP value (effect on the prediction)")
    fig.colorbar(dots, ax=ax, ticks=[0.0, 1.0], label="feature value").ax.set_yticklabels(
        ["low", "high"])
    return finish(fig, path, dpi)


def plot_waterfall(result: Any, sample: int = 0, *, max_display: int = 10, output: int = 0,
                   path: str | PathLike[str] | None = None,
                   dpi: int = DEFAULT_DPI) -> Figure:
    """One sample's prediction built from the base value, feature by feature."""
    values = _first_output(result.shap_values, output)[sample]
    base = float(np.ravel(result.base_value)[output])
    order = np.argsort(-np.abs(values), kind="stable")
    shown, rest = order[:max_display], order[max_display:]
    labels = [result.feature_names[i] for i in shown]
    steps = list(values[shown])
    if rest.size:
        labels.append(f"{rest.size} other features")
        steps.append(float(values[rest].sum()))
    fig, ax = new_figure((7.0, 0.4 * len(steps) + 1.5))
    start = base
    for row, step in enumerate(steps):
        ax.barh(len(steps) - 1 - row, step, left=start,
                color="tab:red" if step > 0 else "tab:blue")
        start += step
    ax.axvline(base, color="0.5", linestyle="--", linewidth=0.8)
    ax.axvline(start, color="0.2", linewidth=0.8)
    ax.set_yticks(range(len(steps)), labels[::-1])
    ax.set_xlabel(f"model output (base {base:.4g} -> prediction {start:.4g})")
    return finish(fig, path, dpi)
