"""Parsing ``merge`` in full, ``merge_predictions``, ``merge_sources`` and ``MetaModel``.

=====================================================  ========================================
``{"merge": "features"}``                              the branches' features side by side
``{"merge": "predictions"}``                           their models' out-of-fold predictions
``{"merge": "all"}``                                   both
``{"merge": "concat"}``                                reassemble a separation branch
``{"merge": {"features": [0], "predictions": [...],    per branch; a prediction entry is a
"include_original": True, "coverage": "strict"}}``     branch (index or name) or ``{"branch",
                                                       "select", "metric", "aggregate"}``;
                                                       also ``on_missing``, ``output_as``,
                                                       ``sources``
``{"merge": {"concat": True,                           reassemble, padding or cutting branch
"on_shape_mismatch": "pad"}}``                         features of different widths
``{"merge_predictions": "all"}`` or ``{...}``          stack the models so far, no branch
``{"merge_sources": "concat"}``                        the sources as one feature block
=====================================================  ========================================
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nirs4all.errors import SpecError

__all__ = ["AGGREGATES", "COVERAGE", "MergeKeywords", "MergeSpec", "PredictionSource",
           "closes_branch", "meta_model_of", "parse_merge", "parse_merge_predictions",
           "parse_merge_sources", "parse_meta_model"]

# the values of nirs4all.operators.models.meta's enums (not imported here: spec parsing
# stays free of the model package until a pipeline uses a MetaModel)
AGGREGATES = ("separate", "mean", "weighted_mean", "proba_mean")
COVERAGE = ("strict", "drop_incomplete", "impute_zero", "impute_mean", "impute_fold_mean")
SCOPES = ("current_only", "all_branches", "specified")
ON_MISSING = ("error", "warn", "skip")
ON_SHAPE_MISMATCH = ("error", "allow", "pad", "truncate")
OUTPUT_AS = ("features", "sources")
_ENTRY_KEYS = {"branch", "select", "metric", "aggregate"}
_MERGE_KEYS = {"features", "predictions", "include_original", "coverage", "on_missing",
               "output_as", "source_names", "sources"}  # source_names: refused with a reason
_CONCAT_KEYS = {"concat", "on_shape_mismatch"}


@dataclass(frozen=True)
class PredictionSource:
    """Which models of a branch (``branch=None``: of every branch) feed the meta-model.

    ``select`` is ``"all"``, ``"best"``, an int (top k) or a tuple of model names, ranked by
    ``metric`` (the task's default when None) on pooled out-of-fold predictions.
    """

    branch: int | str | None = None
    select: str | int | tuple[str, ...] = "all"
    metric: str | None = None
    aggregate: str = "separate"


@dataclass(frozen=True)
class MergeSpec:
    """A parsed merge.

    ``features``: ``"all"``, a tuple of branches (indices or names) or None;
    ``predictions``: the prediction entries (empty: no predictions); ``late``: stack the
    models so far without closing a branch, taking them from ``scope`` (a
    :class:`BranchScope` value) and, for ``"specified"``, the models called ``names``.
    """

    features: str | tuple[int | str, ...] | None = None
    predictions: tuple[PredictionSource, ...] = (PredictionSource(),)
    include_original: bool = False
    coverage: str = "strict"
    late: bool = False
    scope: str = "current_only"
    names: tuple[str, ...] = ()
    #: a prediction entry whose branch lacks the models asked for: refuse, or leave it out
    #: (with a warning, or silently)
    on_missing: str = "error"
    #: None: each source of each branch stays a source; "features": one block; "sources":
    #: one source per part (the original, each branch, the predictions)
    output_as: str | None = None
    #: which sources of the dataset each branch's features give (None: every source)
    sources: tuple[int | str, ...] | None = None
    #: ``concat`` of branches whose features differ in width (see _separation_merge.py)
    on_shape_mismatch: str = "error"


def closes_branch(step: Any) -> bool:
    """Whether a step closes the innermost open branch."""
    if step.kind == "merge_sources":
        return False
    return step.kind.startswith("merge_") and not (step.merge is not None and step.merge.late)


def _coverage(value: Any, path: str) -> str:
    value = getattr(value, "value", value)  # a CoverageStrategy member
    if value not in COVERAGE:
        raise SpecError(f"{path}: coverage must be one of {COVERAGE}; got {value!r}")
    return value


def _select(value: Any, path: str) -> str | int | tuple[str, ...]:
    if value in ("all", "best"):
        return value
    if isinstance(value, Mapping) and set(value) == {"top_k"}:
        k = value["top_k"]
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise SpecError(f"{path}.top_k must be an integer >= 1; got {k!r}")
        return k
    if isinstance(value, Sequence) and not isinstance(value, str) and value and all(
            isinstance(v, str) for v in value):
        return tuple(value)
    raise SpecError(f"{path}: select must be 'all', 'best', {{'top_k': k}} or a list of model "
                    f"names; got {value!r}")


def _checked_dict(value: Any, allowed: set[str], path: str, what: str) -> None:
    if not isinstance(value, Mapping):
        raise SpecError(f"{path}: {what} with keys {sorted(allowed)}; got {value!r}")
    extra = set(value) - allowed
    if extra:
        raise SpecError(f"{path}: unknown key(s) {sorted(extra)}; it takes {sorted(allowed)}")


def _entry(value: Any, path: str) -> PredictionSource:
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return PredictionSource(branch=value)
    _checked_dict(value, _ENTRY_KEYS, path, "a prediction entry is a branch (index or "
                  "name) or a dict")
    aggregate = value.get("aggregate", "separate")
    if aggregate not in AGGREGATES:
        raise SpecError(f"{path}.aggregate must be one of {AGGREGATES}; got {aggregate!r}")
    metric = value.get("metric")
    if metric is not None:
        from nirs4all.pipeline.metrics import available_metrics

        if metric not in available_metrics():
            raise SpecError(f"{path}.metric: unknown metric {metric!r}; available: "
                            f"{available_metrics()}")
    return PredictionSource(value.get("branch"), _select(value.get("select", "all"),
                                                         f"{path}.select"),
                            metric, aggregate)


def _branches(value: Any, path: str) -> str | tuple[int | str, ...] | None:
    if value is None or value == "all":
        return value
    items = value if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in items):
        raise SpecError(f"{path}: expected 'all' or a list of branch indices or names; got "
                        f"{value!r}")
    return tuple(items)


def parse_merge(value: Any, path: str) -> tuple[str, MergeSpec | None]:
    """The step kind and spec of ``{"merge": value}``."""
    if value in ("features", "predictions", "concat"):
        return f"merge_{value}", None
    if value == "all":
        return "merge_predictions", MergeSpec(features="all")
    if isinstance(value, Mapping) and "concat" in value:
        return "merge_concat", _concat_spec(value, f"{path}.merge")
    if isinstance(value, Mapping) and "on_shape_mismatch" in value:
        raise SpecError(f"{path}.merge.on_shape_mismatch: it is for a row-wise merge "
                        "({'concat': True, 'on_shape_mismatch': ...}); a features merge puts "
                        "the branches side by side whatever their widths")
    _checked_dict(value, _MERGE_KEYS, f"{path}.merge", "expected one of 'features', "
                  "'predictions', 'all', 'concat' or a dict")
    predictions = value.get("predictions")
    if predictions is None:
        entries: tuple[PredictionSource, ...] = ()
    elif predictions == "all":
        entries = (PredictionSource(),)
    else:
        items = predictions if isinstance(predictions, (list, tuple)) else [predictions]
        entries = tuple(_entry(v, f"{path}.merge.predictions[{i}]")
                        for i, v in enumerate(items))
    spec = MergeSpec(features=_branches(value.get("features"), f"{path}.merge.features"),
                     predictions=entries,
                     include_original=bool(value.get("include_original", False)),
                     coverage=_coverage(value.get("coverage", "strict"),
                                        f"{path}.merge.coverage"),
                     on_missing=_choice(value, "on_missing", ON_MISSING, "error", path),
                     **_output(value, f"{path}.merge"))
    if not entries and spec.features is None and not spec.include_original:
        raise SpecError(f"{path}.merge: nothing to merge; give 'features', 'predictions' or "
                        "'include_original'")
    return ("merge_predictions" if entries else "merge_features"), spec


def _choice(value: Mapping, key: str, allowed: tuple[str, ...], default: str,
            path: str) -> str:
    chosen = value.get(key, default)
    if chosen not in allowed:
        raise SpecError(f"{path}.merge.{key} must be one of {allowed}; got {chosen!r}")
    return chosen


def _concat_spec(value: Mapping, path: str) -> MergeSpec:
    _checked_dict(value, _CONCAT_KEYS, path, "a row-wise merge takes")
    if value["concat"] is not True:
        raise SpecError(f"{path}.concat: expected True; got {value['concat']!r}")
    return MergeSpec(predictions=(), on_shape_mismatch=_choice(
        value, "on_shape_mismatch", ON_SHAPE_MISMATCH, "error", path[:-len(".merge")]))


def _output(value: Mapping, path: str) -> dict[str, Any]:
    """``output_as``, ``source_names`` and ``sources`` of a merge dict."""
    output_as = value.get("output_as")
    if output_as == "dict":
        raise SpecError(f"{path}.output_as: 'dict' gives a keyed input for multi-input "
                        "models, which the models here do not take; use 'sources' (one "
                        "source per branch) or 'features' (one block)")
    if output_as is not None and output_as not in OUTPUT_AS:
        raise SpecError(f"{path}.output_as must be one of {OUTPUT_AS}; got {output_as!r}")
    if "source_names" in value:
        raise SpecError(f"{path}.source_names: the sources a merge makes are not read by "
                        "name by any later step (a by_source branch names the dataset's "
                        "sources), so names would change nothing; remove source_names")
    sources = value.get("sources", "all")
    if sources != "all":
        items = sources if isinstance(sources, (list, tuple)) else [sources]
        if not items or not all(isinstance(v, (int, str)) and not isinstance(v, bool)
                                for v in items):
            raise SpecError(f"{path}.sources: expected 'all' or a list of source names or "
                            f"indices; got {sources!r}")
        sources = tuple(items)
    return {"output_as": output_as, "sources": None if sources == "all" else sources}


def parse_merge_predictions(value: Any, path: str) -> MergeSpec:
    """``{"merge_predictions": "all" | {"select", "metric", "aggregate", "coverage",
    "source_models"}}``: late fusion of the models so far, without branches."""
    if value == "all":
        return MergeSpec(late=True)
    if not isinstance(value, Mapping):
        raise SpecError(f"{path}.merge_predictions: expected 'all' or a dict; got {value!r}")
    options = dict(value)
    coverage = _coverage(options.pop("coverage", "strict"), f"{path}.merge_predictions")
    names = options.pop("source_models", "all")
    scope = options.pop("scope", "current_only" if names == "all" else "specified")
    if scope not in SCOPES:
        raise SpecError(f"{path}.merge_predictions.scope must be one of {SCOPES}; got "
                        f"{scope!r}")
    entry = _entry(options, f"{path}.merge_predictions")
    if entry.branch is not None:
        raise SpecError(f"{path}.merge_predictions: 'branch' is for merge; use source_models")
    return MergeSpec(predictions=(entry,), coverage=coverage, late=True, scope=scope,
                     names=() if names == "all" else tuple(names))


def parse_merge_sources(value: Any, path: str) -> None:
    """``{"merge_sources": "concat"}``: the only layout a 2-D model input has."""
    if value != "concat":
        raise SpecError(f"{path}.merge_sources: only 'concat' is supported (the sources side "
                        f"by side, as one block); got {value!r}. 'stack' and 'dict' give "
                        "3-D or keyed inputs that the models here do not take")


def meta_model_of(obj: Any) -> Any:
    """``obj`` if it is a :class:`~nirs4all.operators.models.meta.MetaModel`, else None."""
    meta = sys.modules.get("nirs4all.operators.models.meta")  # not imported: not a MetaModel
    return obj if meta is not None and isinstance(obj, meta.MetaModel) else None


def parse_meta_model(model: Any, path: str,
                     describe: Callable[[Any], str]) -> tuple[MergeSpec, Any, str]:
    """The late merge a :class:`MetaModel` implies, its inner model and display name
    (``describe`` labels the inner model)."""
    if model.model is None:
        raise SpecError(f"{path}: MetaModel needs a model, e.g. MetaModel(Ridge())")
    try:
        coverage, scope, aggregate = model.config()
    except ValueError as exc:
        raise SpecError(f"{path}: MetaModel stacking_config: {exc}") from None
    names = () if model.source_models == "all" else tuple(model.source_models)
    spec = MergeSpec(predictions=(PredictionSource(aggregate=aggregate),),
                     coverage=coverage.value, late=True, scope=scope.value, names=names)
    if spec.scope == "specified" and not names:
        raise SpecError(f"{path}: BranchScope.SPECIFIED needs source_models=[names]")
    return spec, model.model, model.name or f"MetaModel({describe(model.model)})"


class MergeKeywords:
    """The merge keywords of the spec parser (a mixin of ``spec._Parser``)."""

    _step: Any
    _only: Any
    _describe: Callable[[Any], str]  # spec.describe, given by the parser

    def _meta_steps(self, model: Any, path: str, raw: Any, name: Any) -> list:
        """A MetaModel: the late merge of the models before it, then its inner model."""
        from sklearn.base import clone

        spec, inner, label = parse_meta_model(model, path, self._describe)
        merge = self._step("merge_predictions", path, {"meta_model_inputs": raw}, merge=spec)
        return [merge, self._step("model", path, raw, operator=clone(inner),
                                  name=label if name is None else str(name))]

    def _kw_merge(self, item: Mapping, path: str) -> list:
        self._only(item, {"merge"}, path)
        kind, spec = parse_merge(item["merge"], path)
        return [self._step(kind, path, item, merge=spec)]

    def _kw_merge_predictions(self, item: Mapping, path: str) -> list:
        self._only(item, {"merge_predictions"}, path)
        spec = parse_merge_predictions(item["merge_predictions"], path)
        return [self._step("merge_predictions", path, item, merge=spec)]

    def _kw_merge_sources(self, item: Mapping, path: str) -> list:
        self._only(item, {"merge_sources"}, path)
        parse_merge_sources(item["merge_sources"], path)
        return [self._step("merge_sources", path, item)]
