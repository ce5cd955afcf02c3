"""Chart steps: the 0.x display keywords (``"chart_2d"``, ``"fold_chart"``, ...).

A chart step draws the data as it is at that point of the pipeline when the run asks for
charts (``save_charts=True`` or ``plots_visible=True``, which give the executor a
*renderer*), and otherwise does nothing, with a DEBUG line on the ``nirs4all`` logger that
says so. Either way it changes nothing: the lanes go on unchanged, nothing is fitted, no
random state is drawn, and the step enters no chain, so replay and bundles never see it.

A chart is not part of the pipeline's identity: :func:`without_charts` removes chart steps
before the variant is hashed, so ``[SNV(), "chart_2d", PLS]`` and ``[SNV(), PLS]`` have
the same ``pipeline_id`` and a rerun with a chart added writes no new rows. Chart steps do
not take a step index either, so chain ids are unchanged.

The drawing itself lives in :mod:`nirs4all.viz._charts` (the optional ``viz`` extra),
above this layer: the executor receives it as a callable and hands it a :class:`ChartData`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from nirs4all.errors import SpecError
from nirs4all.pipeline.canonical import short_id

__all__ = ["CHART_KINDS", "ChartData", "ChartSteps", "chart_kind", "chart_of", "chart_options",
           "without_charts"]

logger = logging.getLogger("nirs4all")

CHART_KINDS = ("chart_2d", "chart_3d", "fold_chart", "y_chart", "augment_chart",
               "exclusion_chart", "spectra_dist")
"""The chart kinds, by their canonical 0.x names."""

_ALIASES = {
    "2d_chart": "chart_2d", "3d_chart": "chart_3d", "chart_fold": "fold_chart",
    "chart_y": "y_chart", "augmentation_chart": "augment_chart",
    "augment_details_chart": "augment_chart", "augmentation_details_chart": "augment_chart",
    "chart_exclusion": "exclusion_chart", "spectral_distribution": "spectra_dist",
    "spectra_envelope": "spectra_dist",
}  # fmt: skip
_OPTIONS = ("max_samples",)


def chart_kind(name: Any) -> str | None:
    """The canonical chart kind a step name stands for (an alias included), or None."""
    if not isinstance(name, str):
        return None
    if name in CHART_KINDS:
        return name
    return _ALIASES.get(name)


def chart_of(item: Any) -> str | None:
    """The chart kind of a raw step (a string, or a one-key dict), or None."""
    if isinstance(item, Mapping) and len(item) == 1:
        return chart_kind(next(iter(item)))
    return chart_kind(item)


def chart_options(item: Any, path: str) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """Kind and options of a chart step: ``"chart_2d"`` or ``{"chart_2d": {...}}``.

    The only option is ``max_samples`` (an integer >= 1: how many spectra to draw, evenly
    spaced in target order); anything else is a :class:`~nirs4all.errors.SpecError`.
    """
    kind = chart_of(item)
    if kind is None:
        raise SpecError(f"{path}: not a chart step; chart steps are {CHART_KINDS}")
    if not isinstance(item, Mapping):
        return kind, ()
    value = next(iter(item.values()))
    if value is None:
        return kind, ()
    if not isinstance(value, Mapping):
        raise SpecError(f"{path}: the options of {kind} must be a mapping such as "
                        f"{{'max_samples': 50}}; got {type(value).__name__}")
    unknown = sorted(set(value) - set(_OPTIONS))
    if unknown:
        raise SpecError(f"{path}: unknown option(s) {unknown} of {kind}; options are "
                        f"{list(_OPTIONS)}")
    limit = value.get("max_samples")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        raise SpecError(f"{path}.{kind}.max_samples must be an integer >= 1; got {limit!r}")
    return kind, tuple(sorted(value.items()))


def without_charts(spec: Any) -> Any:
    """``spec`` without its chart steps (in sub-pipelines and branches too).

    This is what the pipeline identity is computed from (see the module docstring).
    """
    if isinstance(spec, (list, tuple)):
        return [without_charts(item) for item in spec if chart_of(item) is None]
    if isinstance(spec, Mapping) and chart_of(spec) is None:
        out = {}
        for key, value in spec.items():
            if key == "branch" and isinstance(value, Mapping):
                out[key] = {k: without_charts(v) for k, v in value.items()}
            elif key in ("branch", "preprocessing", "pipeline"):
                out[key] = without_charts(value)
            else:
                out[key] = value
        return out
    return spec


@dataclass(frozen=True, eq=False)
class ChartData:
    """What one chart step shows: one fold key of one lane, at that point of a variant.

    ``X``/``axes`` hold every row (dataset rows, then augmented copies); ``roles`` says
    what each row is (``"train"``, ``"test"``, ``"excluded"`` - a training row its fold
    does not fit on - or ``"augmented"``). ``folds`` are the (fit, validation) row
    positions of the CV folds, empty before the splitter.
    """

    kind: str
    title: str
    stem: str
    X: tuple[np.ndarray, ...]
    axes: tuple[tuple[np.ndarray, str], ...]
    y: np.ndarray | None
    roles: np.ndarray
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    options: Mapping[str, Any]


Renderer = Callable[[ChartData], Any]
"""Draws (and saves or shows) one chart; see :mod:`nirs4all.viz._charts`."""


def _stem(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", "_".join(p for p in parts if p)).strip("-")


class ChartSteps:
    """The ``chart`` handler of :class:`~nirs4all.pipeline.execute.VariantExecutor`."""

    # Steps, lanes and blocks are typed Any: spec.py imports this module, so importing
    # spec or state here (even for typing) would close an import cycle.
    rows: Any
    pipeline_id: str
    charts: Renderer | None

    def _do_chart(self, step: Any, lanes: list[Any]) -> list[Any]:
        if self.charts is None:
            logger.debug("chart step %s (%s) not drawn: the run asks for no charts (pass "
                         "save_charts=True or plots_visible=True)", step.path, step.name,
                         extra={"step": step.path, "chart": step.name})
            return lanes
        for lane in lanes:
            key = next((k for k in ("*", "0", "final") if k in lane.blocks),
                       next(iter(lane.blocks), None))
            if key is not None:
                self.charts(self._chart_data(step, lane, key, lane.blocks[key]))
        return lanes

    def _chart_data(self, step: Any, lane: Any, key: str, block: Any) -> ChartData:
        n_rows = block.origin.shape[0]
        roles = np.full(n_rows, "augmented", dtype=object)
        roles[self.rows.test] = "test"
        roles[self.rows.train] = "excluded"
        roles[self.rows.fit_rows(key)] = "train"
        branch = ".".join(map(str, lane.path))
        fold = "before the splitter" if key == "*" else f"fold {key}"
        title = (f"{step.name} - {short_id(self.pipeline_id)} {step.path}"
                 f"{' branch ' + branch if branch else ''} ({fold})")
        folds = tuple((self.rows.fit[k], self.rows.val[k]) for k in sorted(self.rows.fit,
                                                                           key=int))
        return ChartData(
            kind=str(step.name), title=title,
            stem=_stem(short_id(self.pipeline_id), step.path, str(step.name),
                       f"b{branch}" if branch else "", "shared" if key == "*" else key),
            X=block.X, axes=block.axes, y=block.y, roles=roles.astype(str), folds=folds,
            options=dict(step.options))
