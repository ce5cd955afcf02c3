"""Parsing one expanded pipeline variant into typed steps.

A step may be:

- an estimator instance, a class (instantiated with defaults), a dotted class path inside
  the allow-list (``"sklearn.preprocessing.StandardScaler"``), or
  ``{"class": path, "params": {...}}`` as written in YAML/JSON pipeline files;
- a list: a sub-pipeline, run in place;
- ``None``: nothing (useful inside ``{"_or_": [None, SNV()]}``);
- a keyword dict:

  ============================================  =============================================
  ``{"model": M, "name": "PLS-10"}``            a model; ``params``/``model_params`` are set
  ``{"y_processing": T}`` or ``[T1, T2]``       fit on the training targets, inverted on
                                                predictions
  ``S`` or ``{"split": S, "group": "lot"}``     the cross-validation splitter; ``group``
                                                keeps rows sharing a metadata value together
  ``{"preprocessing": T}``                      the same as ``T``
  ``{"branch": [[...], [...]]}``                parallel branches (a dict gives them names)
  ``{"merge": "features"}``                     concatenate the branches' features
  ``{"merge": "predictions"}``                  stack the branches' models: their
                                                out-of-fold predictions become features
  ``{"feature_augmentation": [T1, T2]}``        several preprocessings side by side
  ``{"sample_augmentation": {"transformers":    augmented copies of training rows only
  [A], "count": 2}}``
  ``"chart_2d"``, ``{"fold_chart": {...}}``     a chart of the data at that point (drawn only
                                                when the run asks; see ``_charts``)
  ``{"exclude": F}``, ``{"tag": [F1, F2]}``     rows a sample filter flags leave later fits
                                                (exclude) or are only recorded (tag)
  ============================================  =============================================

``{"concat_transform": [T1, T2]}`` (0.x) is ``{"feature_augmentation": [T1, T2]}``.
``feature_augmentation`` takes the 0.x ``action``: ``"replace"`` (the listed preprocessings
only; the default), ``"add"`` (the input kept first, then each preprocessing of it) or
``"extend"`` (as ``add``, each distinct preprocessing once).

Anything else is an error that names the step's position: nothing is skipped silently.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from inspect import signature
from typing import Any

from sklearn.base import clone

from nirs4all.errors import DisallowedClassError, SpecError
from nirs4all.pipeline import _charts, _controllers, _merge_spec, _separation_spec
from nirs4all.pipeline import _rep_reshape_spec as _rep_reshape
from nirs4all.pipeline import _spec_samples as samples
from nirs4all.pipeline._building import (
    _build,
    _fresh,
    _is_model,
    _is_splitter,
    _is_transformer,
)
from nirs4all.pipeline._fold_file import read_fold_file
from nirs4all.pipeline._step import Step, describe
from nirs4all.pipeline.canonical import canonical_json
from nirs4all.pipeline.finetune import parse_finetune
from nirs4all.pipeline.training import OPTION_KEYS, TrainingOptions, identity_view, training_options

__all__ = ["KEYWORDS", "SpecError", "Step", "describe", "iter_steps", "parse_pipeline"]

KEYWORDS = (
    "model",
    "y_processing",
    "split",
    "preprocessing",
    "branch",
    "merge",
    "feature_augmentation",
    "sample_augmentation",
    "source_branch",
    "merge_predictions",
    "merge_sources",
    "exclude", "tag",
    "concat_transform",
    "rep_to_sources", "rep_to_pp",
)
_MODEL_KEYS = {"model", "name", "params", "model_params", *OPTION_KEYS, "finetune_params"}
_SPLIT_KEYS = {"split", "group"}
_FA_ACTIONS = ("replace", "add", "extend")


def _with_action(ops: list[Any], action: str) -> tuple[Any, ...]:
    """The preprocessings a ``feature_augmentation`` applies (None: the input itself)."""
    if action == "replace":
        return tuple(ops)
    if action == "add":
        return (None, *ops)
    kept, seen = [None], {canonical_json(None)}
    for op in ops:
        identity = canonical_json(op)
        if identity not in seen:
            seen.add(identity)
            kept.append(op)
    return tuple(kept)


class _Parser(_merge_spec.MergeKeywords):
    _describe = staticmethod(describe)
    def __init__(self) -> None:
        self._counter = itertools.count()
        self._built = 0  # depth of steps built by registered controllers

    def _custom(self, item: Any, path: str) -> list[Step] | None:
        """The steps a registered controller builds from an unknown step, or None."""
        if self._built >= 10:
            raise SpecError(f"{path}: registered controllers built steps from their own "
                            "output 10 times over; a controller must build ordinary steps")
        built = _controllers.find_controller(item, path)
        if built is None:
            return None
        self._built += 1
        try:
            return self.parse_item(built, f"{path}<built>")
        finally:
            self._built -= 1

    def _step(self, kind: str, path: str, raw: Any, **fields: Any) -> Step:
        return Step(kind=kind, index=next(self._counter), path=path,
                    spec_json=canonical_json(raw), **fields)

    def parse_list(self, items: Sequence[Any], path: str) -> list[Step]:
        steps: list[Step] = []
        for i, item in enumerate(items):
            steps.extend(self.parse_item(item, f"{path}[{i}]"))
        return steps

    def parse_item(self, item: Any, path: str) -> list[Step]:
        if item is None:
            return []
        if isinstance(item, (list, tuple)):
            return self.parse_list(item, path)
        if _charts.chart_of(item) is not None:
            # A chart takes no step index, so chain ids do not depend on charts.
            kind, options = _charts.chart_options(item, path)
            return [Step(kind="chart", index=-1, path=path, spec_json=canonical_json(item),
                         name=kind, options=options)]
        if isinstance(item, str) and "." not in item:
            try:  # a short name from the operator registry (pipeline/imports.py)
                return self.classify(_build(item, path), path, item)
            except DisallowedClassError as exc:
                raise SpecError(f"{exc}; a string step is a step name, a dotted class path "
                                "('sklearn.preprocessing.StandardScaler') or a chart keyword "
                                f"{_charts.CHART_KINDS}") from None
        if isinstance(item, Mapping) and "class" not in item:
            return self.parse_keyword(item, path)
        obj = _build(item, path)
        if _merge_spec.meta_model_of(obj) is not None:
            return self._meta_steps(obj, path, item, None)
        return self.classify(obj, path, item)

    def classify(self, obj: Any, path: str, raw: Any) -> list[Step]:
        if _is_splitter(obj):
            return [self._step("split", path, raw, operator=obj)]
        if _is_model(obj):
            return [self._step("model", path, raw, operator=_fresh(obj))]
        if _is_transformer(obj):
            return [self._step("transform", path, raw, operator=_fresh(obj))]
        custom = self._custom(obj, path)
        if custom is not None:
            return custom
        raise SpecError(
            f"{path}: {type(obj).__name__} is neither a transformer (fit/transform), a "
            "splitter (split/get_n_splits) nor a model (fit/predict); wrap it in a keyword "
            f"dict or remove it. Keywords are {KEYWORDS}"
        )

    def parse_keyword(self, item: Mapping, path: str) -> list[Step]:
        keys = set(item)
        found = [k for k in KEYWORDS if k in keys]
        if not found:
            custom = self._custom(item, path)
            if custom is not None:
                return custom
        if len(found) != 1:
            what = f"several keywords {found}" if found else f"no keyword among {sorted(keys)}"
            raise SpecError(f"{path}: a step dict needs exactly one keyword; found {what}. "
                            f"Keywords are {KEYWORDS}")
        keyword = found[0]
        return getattr(self, f"_kw_{keyword}")(item, path)

    def _only(self, item: Mapping, allowed: set[str], path: str) -> None:
        extra = set(item) - allowed
        if extra:
            raise SpecError(f"{path}: unknown key(s) {sorted(extra)}; this step takes "
                            f"{sorted(allowed)}")

    def _kw_model(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, _MODEL_KEYS, path)
        model = _build(item["model"], f"{path}.model")
        params = {**dict(item.get("params") or {}), **dict(item.get("model_params") or {})}
        if params:
            if not hasattr(model, "set_params"):
                raise SpecError(f"{path}: params given but {type(model).__name__} has no "
                                "set_params")
            model = clone(model).set_params(**params)
        if not _is_model(model):
            raise SpecError(f"{path}.model: {type(model).__name__} has no predict method")
        name = item.get("name")
        if _merge_spec.meta_model_of(model) is not None:
            return self._meta_steps(model, path, item, name)
        training = training_options(model, item.get("train_params"),
                                    item.get("refit_params"), path)
        if training.set_train:
            model = clone(model).set_params(**training.set_train)
        finetune = item.get("finetune_params")
        return [self._step("model", path, identity_view(item), operator=_fresh(model),
                           name=None if name is None else str(name),
                           training=training if training != TrainingOptions() else None,
                           finetune=None if finetune is None else
                           parse_finetune(model, finetune, path))]

    def _kw_y_processing(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"y_processing"}, path)
        value = item["y_processing"]
        values = value if isinstance(value, (list, tuple)) else [value]
        steps = []
        for i, entry in enumerate(values):
            where = f"{path}.y_processing[{i}]"
            op = _build(entry, where)
            if not _is_transformer(op) or not callable(getattr(op, "inverse_transform", None)):
                raise SpecError(f"{where}: y_processing needs a transformer with "
                                f"inverse_transform; got {type(op).__name__}")
            steps.append(self._step("y_processing", where, entry, operator=_fresh(op)))
        return steps

    def _kw_preprocessing(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"preprocessing"}, path)
        return self.parse_item(item["preprocessing"], f"{path}.preprocessing")

    def _kw_split(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, _SPLIT_KEYS, path)
        value = item["split"]
        splitter = read_fold_file(value, f"{path}.split") if isinstance(value, str) and \
            value.lower().endswith((".csv", ".json")) else _build(value, f"{path}.split")
        if not _is_splitter(splitter):
            raise SpecError(f"{path}.split: {type(splitter).__name__} has no split method")
        group = item.get("group")
        return [self._step("split", path, item, operator=splitter,
                           group=None if group is None else str(group))]

    def _kw_branch(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"branch"}, path)
        value = item["branch"]
        if isinstance(value, Mapping) and any(k in value for k in _separation_spec.BY_KEYS):
            return [_separation_spec.parse_separation(self, item, value, path, _build)]
        if isinstance(value, Mapping):
            names, bodies = [str(k) for k in value], list(value.values())
        elif isinstance(value, (list, tuple)):
            bodies = list(value)
            names = [str(i) for i in range(len(bodies))]
        else:
            raise SpecError(f"{path}.branch: expected a list of branches or a dict of named "
                            f"branches; got {type(value).__name__}")
        if not bodies:
            raise SpecError(f"{path}.branch: no branches")
        step = self._step("branch", path, item)
        branches = []
        for name, body in zip(names, bodies, strict=True):
            where = f"{path}.branch[{name!r}]" if isinstance(value, Mapping) else \
                f"{path}.branch[{name}]"
            branches.append(tuple(self.parse_item(body, where)))
        return [Step(kind="branch", index=step.index, path=path, spec_json=step.spec_json,
                     branches=tuple(branches), branch_names=tuple(names))]

    def _kw_source_branch(self, item: Mapping, path: str) -> list[Step]:
        return [_separation_spec.parse_source_branch(self, item, path, _build)]

    def _kw_feature_augmentation(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"feature_augmentation", "action"}, path)
        action = item.get("action", "replace")
        if action not in _FA_ACTIONS:
            raise SpecError(f"{path}.action: expected one of {_FA_ACTIONS}; got {action!r}")
        value = item["feature_augmentation"]
        entries = value if isinstance(value, (list, tuple)) else [value]
        ops = []
        for i, entry in enumerate(entries):
            where = f"{path}.feature_augmentation[{i}]"
            op = _build(entry, where)
            if op is not None and not _is_transformer(op):
                raise SpecError(f"{where}: {type(op).__name__} is not a transformer")
            ops.append(None if op is None else _fresh(op))
        if not ops:
            raise SpecError(f"{path}.feature_augmentation: no preprocessing given")
        return [self._step("feature_augmentation", path, item,
                           operators=_with_action(ops, action))]

    def _kw_concat_transform(self, item: Mapping, path: str) -> list[Step]:
        # 0.x: several transforms of the same input, their outputs side by side - what a
        # feature_augmentation in "replace" mode computes here.
        self._only(item, {"concat_transform"}, path)
        return self._kw_feature_augmentation(
            {"feature_augmentation": item["concat_transform"]}, path)

    def _kw_sample_augmentation(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"sample_augmentation"}, path)
        value = item["sample_augmentation"]
        from nirs4all.pipeline._augment_options import AugmentOptions, parse_augment_options

        options = AugmentOptions()
        if isinstance(value, Mapping):
            options = parse_augment_options(value, path)
            value = value.get("transformers", [])
        entries = value if isinstance(value, (list, tuple)) else [value]
        ops = []
        for i, entry in enumerate(entries):
            where = f"{path}.sample_augmentation[{i}]"
            op = _build(entry, where)
            if not callable(getattr(op, "augment", None)):
                raise SpecError(f"{where}: {type(op).__name__} has no augment(X, y, n) method "
                                "(use an augmenter from nirs4all.operators.augmentation)")
            if options.variation_scope == "batch" and "variation_scope" not in signature(
                    op.augment).parameters:
                raise SpecError(f"{where}: {type(op).__name__}.augment takes no "
                                "variation_scope; use variation_scope: sample")
            ops.append(_fresh(op))
        if not ops:
            raise SpecError(f"{path}.sample_augmentation: no augmenter given")
        return [self._step("sample_augmentation", path, item, operators=tuple(ops),
                           count=options.count, options=options)]

    def _kw_exclude(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"exclude", "mode"}, path)
        return [self._step("exclude", path, item,
                           operators=tuple(samples.exclude_filters(item, path, _build)))]

    def _kw_rep_to_sources(self, item: Mapping, path: str) -> list[Step]:
        return [self._step("rep_reshape", path, item, name="rep_to_sources",
                           options=_rep_reshape.parse_reshape("rep_to_sources", item, path))]

    def _kw_rep_to_pp(self, item: Mapping, path: str) -> list[Step]:
        return [self._step("rep_reshape", path, item, name="rep_to_pp",
                           options=_rep_reshape.parse_reshape("rep_to_pp", item, path))]

    def _kw_tag(self, item: Mapping, path: str) -> list[Step]:
        self._only(item, {"tag"}, path)
        return [self._step("tag", path, item, operators=tuple(
            samples.sample_filters(item["tag"], f"{path}.tag", _build)))]


def iter_steps(steps: Sequence[Step]) -> Iterator[Step]:
    """Every step depth first, branch contents included."""
    for step in steps:
        yield step
        for body in step.branches:
            yield from iter_steps(body)


def _check_structure(steps: Sequence[Step]) -> None:
    splits = samples.check_splitters(steps, list(iter_steps(steps)))
    _rep_reshape.check_reshape_position(steps, list(iter_steps(steps)))
    if splits:
        first_split = steps.index(splits[0])
        early = [s for s in iter_steps(steps[:first_split]) if s.kind == "model"]
        if early:
            raise SpecError(f"{early[0].path}: a model before the splitter would be fitted on "
                            "rows that cross-validation later holds out; move it after the "
                            "splitter")
    open_branches: list[Step] = []
    for step in steps:
        if step.kind == "branch":
            open_branches.append(step)
        elif _merge_spec.closes_branch(step):
            if not open_branches:
                raise SpecError(f"{step.path}: merge without an open branch")
            open_branches.pop()
        elif step.kind == "split" and any(b.separation for b in open_branches):
            raise SpecError(f"{step.path}: a splitter after a separation branch would split "
                            "each branch apart; put the splitter before the branch")
    if not any(s.kind == "model" for s in iter_steps(steps)):
        raise SpecError("the pipeline has no model step: add an estimator with a predict "
                        "method, e.g. {'model': PLSRegression(10)}")


def parse_pipeline(spec: Any) -> tuple[Step, ...]:
    """Parse one expanded variant (no generator keywords left) into steps.

    Parameters
    ----------
    spec : list or dict
        The list of steps, or ``{"pipeline": [...]}``.
    """
    if isinstance(spec, Mapping):
        if set(spec) != {"pipeline"}:
            raise SpecError("a pipeline given as a dict must be {'pipeline': [...]}; got keys "
                            f"{sorted(spec)}")
        spec = spec["pipeline"]
    if not isinstance(spec, (list, tuple)):
        spec = [spec]
    steps = tuple(_Parser().parse_list(spec, "steps"))
    _check_structure(steps)
    return steps
