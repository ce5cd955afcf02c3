"""Stacking at the model step: :class:`MetaModel` and its configuration.

In a pipeline, ``{"model": MetaModel(Ridge())}`` (or the bare ``MetaModel(Ridge())``) fits
``Ridge`` on the out-of-fold predictions of the models before it (stacked generalization,
Wolpert 1992, *Neural Networks* 5(2):241-259): the value a training row gets from a base
model comes from the fold in which that row was held out. It is the same as
``{"merge_predictions": ...}`` followed by the model, without closing any branch.

Outside a pipeline a MetaModel is its inner model fitted on the features it is given.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["AGGREGATES", "BranchScope", "CoverageStrategy", "MetaModel",
           "PredictionCombiner", "StackingConfig"]

AGGREGATES = ("separate", "mean", "weighted_mean", "proba_mean")


class CoverageStrategy(StrEnum):
    """What to do with training rows that no fold held out (no out-of-fold prediction).

    ``STRICT`` refuses them (the default); ``DROP_INCOMPLETE`` fits the meta-model without
    them; ``IMPUTE_ZERO`` gives them 0 for every meta-feature (no value from any row; zero
    means "no evidence" for class probabilities but is a real value for most regression
    targets); ``IMPUTE_MEAN`` gives them the mean out-of-fold prediction over every covered
    training row; ``IMPUTE_FOLD_MEAN`` gives them, for each fold, the mean over the covered
    rows that fold's meta-model is fitted on (no value from the fold's held-out rows).
    """

    STRICT = "strict"
    DROP_INCOMPLETE = "drop_incomplete"
    IMPUTE_ZERO = "impute_zero"
    IMPUTE_MEAN = "impute_mean"
    IMPUTE_FOLD_MEAN = "impute_fold_mean"


class BranchScope(StrEnum):
    """Which earlier models a :class:`MetaModel` stacks.

    ``CURRENT_ONLY``: the models of its own branch (every earlier model outside branches);
    ``ALL_BRANCHES``: every earlier model of the variant; ``SPECIFIED``: the models named in
    ``source_models``.
    """

    CURRENT_ONLY = "current_only"
    ALL_BRANCHES = "all_branches"
    SPECIFIED = "specified"


class StackingConfig(BaseEstimator):
    """How a :class:`MetaModel` builds its features.

    Parameters
    ----------
    coverage_strategy : CoverageStrategy or str, default="strict"
        Training rows without an out-of-fold prediction (see :class:`CoverageStrategy`).
    branch_scope : BranchScope or str, default="current_only"
        Which earlier models to stack.
    aggregate : {"separate", "mean", "weighted_mean", "proba_mean"}, default="separate"
        One set of columns per base model, or their (score-weighted) mean.
    """

    def __init__(self, coverage_strategy: CoverageStrategy | str = "strict",
                 branch_scope: BranchScope | str = "current_only",
                 aggregate: str = "separate") -> None:
        # enum members are kept as their plain string values, so configs encode as JSON
        self.coverage_strategy = getattr(coverage_strategy, "value", coverage_strategy)
        self.branch_scope = getattr(branch_scope, "value", branch_scope)
        self.aggregate = aggregate

    def resolved(self) -> tuple[CoverageStrategy, BranchScope, str]:
        """The three settings, checked (a ValueError names a wrong one)."""
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"aggregate must be one of {AGGREGATES}; got {self.aggregate!r}")
        return (CoverageStrategy(self.coverage_strategy), BranchScope(self.branch_scope),
                self.aggregate)


class MetaModel(BaseEstimator):
    """A model stacked on the out-of-fold predictions of the models before it.

    Parameters
    ----------
    model : estimator
        The meta-learner (for example ``Ridge()``).
    source_models : "all" or list of str, default="all"
        The base models by name (their ``name`` or label); ``"all"`` takes every model in
        the scope. A list implies ``BranchScope.SPECIFIED`` unless the config says otherwise.
    use_proba : bool, default=False
        Accepted for 0.x pipelines: a classifier's probabilities are always its features
        when it has ``predict_proba`` (class codes otherwise).
    stacking_config : StackingConfig, optional
        Coverage policy, branch scope and aggregation.
    name : str, optional
        Display name of the meta-model's chain.
    """

    def __init__(self, model: Any = None, source_models: Any = "all", use_proba: bool = False,
                 stacking_config: StackingConfig | None = None,
                 name: str | None = None) -> None:
        self.model = model
        self.source_models = source_models
        self.use_proba = use_proba
        self.stacking_config = stacking_config
        self.name = name

    def __sklearn_tags__(self):  # sklearn's Tags type is not public API
        tags = super().__sklearn_tags__()
        inner = self.model
        if inner is not None:
            inner_tags = inner.__sklearn_tags__()
            tags.estimator_type = inner_tags.estimator_type
            tags.target_tags = inner_tags.target_tags
            tags.classifier_tags = inner_tags.classifier_tags
            tags.regressor_tags = inner_tags.regressor_tags
        return tags

    def config(self) -> tuple[CoverageStrategy, BranchScope, str]:
        """Coverage, scope and aggregation; a list of ``source_models`` without a config
        means ``BranchScope.SPECIFIED``."""
        if self.stacking_config is None:
            scope = BranchScope.CURRENT_ONLY if self.source_models == "all" else \
                BranchScope.SPECIFIED
            return CoverageStrategy.STRICT, scope, "separate"
        return self.stacking_config.resolved()

    def fit(self, X: Any, y: Any) -> MetaModel:
        """Fit the inner model on ``X`` (the base models' predictions in a pipeline)."""
        if self.model is None:
            raise ValueError("MetaModel needs a model, e.g. MetaModel(Ridge())")
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=not is_classifier(self))
        self.model_ = clone(self.model).fit(X, y)
        if hasattr(self.model_, "classes_"):
            self.classes_ = self.model_.classes_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predictions of the inner model."""
        check_is_fitted(self, "model_")
        return self.model_.predict(validate_data(self, X, reset=False))

    @available_if(lambda self: hasattr(self.model, "predict_proba"))
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of an inner classifier."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(validate_data(self, X, reset=False))

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The inner model's score (R² for a regressor, accuracy for a classifier)."""
        check_is_fitted(self, "model_")
        return self.model_.score(validate_data(self, X, reset=False), y,
                                 sample_weight=sample_weight)


class PredictionCombiner(BaseEstimator):
    """Turns base models' predictions into meta-features; a pipeline fits one per fold.

    Parameters
    ----------
    groups : list of list of int
        Indices (into the base models) of each group of columns: a group of one model keeps
        its columns, a larger group is averaged.
    weights : list of list of float
        The averaging weight of each model of each group (equal weights for ``mean``).
    """

    def __init__(self, groups: Any = None, weights: Any = None) -> None:
        self.groups = groups
        self.weights = weights

    def combine(self, features: list[np.ndarray]) -> np.ndarray:
        """The meta-features: each group's columns (or weighted mean) side by side."""
        columns = []
        for group, weights in zip(self.groups, self.weights, strict=True):
            if len(group) == 1:
                columns.append(features[group[0]])
                continue
            w = np.asarray(weights, dtype=np.float64)
            stacked = np.stack([features[i] for i in group])
            columns.append(np.tensordot(w / w.sum(), stacked, axes=1))
        return np.hstack(columns)
