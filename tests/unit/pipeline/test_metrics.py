"""Metrics against hand computations (atol 1e-12) and pooled cross-validation scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.metrics import f1_score
from sklearn.metrics import log_loss as sklearn_log_loss
from sklearn.model_selection import LeaveOneOut

from nirs4all.pipeline import metrics

Y_TRUE = np.array([1.0, 2.0, 3.0, 4.0, 5.5])
Y_PRED = np.array([1.1, 1.8, 3.4, 3.9, 5.0])
# residuals y_pred - y_true = [0.1, -0.2, 0.4, -0.1, -0.5]: sum -0.3, sum of squares 0.47
# y_true: mean 3.1, sum of squared deviations 12.2
HAND = {
    "bias": -0.3 / 5,
    "mse": 0.47 / 5,
    "rmse": math.sqrt(0.47 / 5),
    "mae": 1.3 / 5,
    "sep": math.sqrt((0.47 - 5 * 0.06**2) / 4),
    "r2": 1 - 0.47 / 12.2,
    "rpd": math.sqrt(12.2 / 4) / math.sqrt((0.47 - 5 * 0.06**2) / 4),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_regression_metric_matches_hand_computation(name: str) -> None:
    assert getattr(metrics, name)(Y_TRUE, Y_PRED) == pytest.approx(HAND[name], abs=1e-12)
    assert metrics.score(name, Y_TRUE, Y_PRED) == pytest.approx(HAND[name], abs=1e-12)


@pytest.mark.parametrize("name", sorted(HAND))
def test_two_targets_average_the_per_target_values(name: str) -> None:
    other_true = np.array([0.5, 0.7, 0.2, 0.9, 0.4])
    other_pred = np.array([0.6, 0.5, 0.3, 1.0, 0.1])
    function = getattr(metrics, name)
    expected = (function(Y_TRUE, Y_PRED) + function(other_true, other_pred)) / 2
    both = function(np.column_stack([Y_TRUE, other_true]), np.column_stack([Y_PRED, other_pred]))
    assert both == pytest.approx(expected, abs=1e-12)


def test_one_column_and_one_dimension_are_the_same_target() -> None:
    assert metrics.rmse(Y_TRUE[:, None], Y_PRED) == metrics.rmse(Y_TRUE, Y_PRED)


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(5,\).*\(4,\)"):
        metrics.rmse(Y_TRUE, Y_PRED[:4])
    with pytest.raises(ValueError, match=r"\(5, 2\).*\(5, 3\)"):
        metrics.r2(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        metrics.accuracy([0, 1, 1], [0, 1])


def test_undefined_regression_scores_are_nan_or_inf() -> None:
    assert math.isnan(metrics.r2([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]))
    assert math.isnan(metrics.sep([1.0], [2.0]))
    assert metrics.rpd([1.0, 2.0, 3.0], [1.5, 2.5, 3.5]) == math.inf


def test_unknown_metric_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown metric 'rmsecv'.*balanced_accuracy.*rmse"):
        metrics.score("rmsecv", Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match="available"):
        metrics.sort_key("auc", 0.5)


LABELS_TRUE = np.array([0, 0, 0, 1, 1, 2])
LABELS_PRED = np.array([0, 1, 0, 1, 2, 2])


def test_multiclass_metrics_match_hand_computation() -> None:
    assert metrics.accuracy(LABELS_TRUE, LABELS_PRED) == pytest.approx(4 / 6, abs=1e-12)
    recalls = [2 / 3, 1 / 2, 1 / 1]
    assert metrics.balanced_accuracy(LABELS_TRUE, LABELS_PRED) == pytest.approx(
        sum(recalls) / 3, abs=1e-12
    )
    per_class_f1 = [2 * 2 / (2 * 2 + 0 + 1), 2 * 1 / (2 * 1 + 1 + 1), 2 * 1 / (2 * 1 + 1 + 0)]
    macro = sum(per_class_f1) / 3
    assert metrics.f1(LABELS_TRUE, LABELS_PRED) == pytest.approx(macro, abs=1e-12)
    assert macro == pytest.approx(f1_score(LABELS_TRUE, LABELS_PRED, average="macro"), abs=1e-12)


def test_binary_f1_scores_the_sorted_last_class() -> None:
    y_true = np.array(["neg", "neg", "pos", "pos", "pos"])
    y_pred = np.array(["neg", "pos", "pos", "pos", "neg"])
    expected = 2 * 2 / (2 * 2 + 1 + 1)
    assert metrics.f1(y_true, y_pred) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(f1_score(y_true, y_pred, pos_label="pos"), abs=1e-12)
    flipped = metrics.f1(np.where(y_true == "pos", "a", "z"), np.where(y_pred == "pos", "a", "z"))
    assert flipped == pytest.approx(2 * 1 / (2 * 1 + 1 + 1), abs=1e-12)


def test_f1_with_the_task_labels_keeps_binary_meaning_on_one_class_samples() -> None:
    assert metrics.f1([0, 0], [0, 0], labels=[0, 1]) == 0.0
    assert metrics.f1([1, 1], [1, 1], labels=[0, 1]) == 1.0


def test_log_loss_matches_hand_computation() -> None:
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    expected = -(math.log(0.7) + math.log(0.8) + math.log(0.4)) / 3
    assert metrics.log_loss([0, 1, 2], proba) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(sklearn_log_loss([0, 1, 2], proba), abs=1e-12)
    binary = -(math.log(0.8) + math.log(0.9) + math.log(0.6)) / 3
    assert metrics.log_loss([0, 1, 1], [0.2, 0.9, 0.6]) == pytest.approx(binary, abs=1e-12)
    proba_abc = [[0.1, 0.1, 0.8]] * 3
    labels_as_text = metrics.log_loss(["b", "c", "c"], proba_abc, labels=["c", "a", "b"])
    assert labels_as_text == pytest.approx(-(math.log(0.1) + 2 * math.log(0.8)) / 3, abs=1e-12)


def test_log_loss_rejects_probabilities_that_do_not_fit_the_classes() -> None:
    with pytest.raises(ValueError, match=r"\(3, 2\).*labels="):
        metrics.log_loss([0, 1, 1], [[0.5, 0.5]] * 3, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="sum to 1"):
        metrics.log_loss([0, 1], [[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(ValueError, match="outside the class list"):
        metrics.log_loss([0, 5], [[0.5, 0.5], [0.5, 0.5]], labels=[0, 1])


def test_score_all_computes_every_metric_of_the_task() -> None:
    regression = metrics.score_all("regression", Y_TRUE, Y_PRED)
    assert set(regression) == set(HAND) | {"rpiq", "mape"}
    for name, value in HAND.items():
        assert regression[name] == pytest.approx(value, abs=1e-12)
    labels = metrics.score_all("multiclass", LABELS_TRUE, LABELS_PRED)
    assert set(labels) == {"accuracy", "balanced_accuracy", "precision", "recall",
                           "specificity", "f1", "f1_macro", "f1_weighted"}
    proba = np.full((6, 3), 1 / 3)
    with_proba = metrics.score_all("multiclass", LABELS_TRUE, LABELS_PRED, proba)
    assert with_proba["log_loss"] == pytest.approx(math.log(3), abs=1e-12)
    with pytest.raises(ValueError, match="unknown task 'ranking'"):
        metrics.score_all("ranking", Y_TRUE, Y_PRED)


def test_default_metrics_and_directions() -> None:
    assert metrics.DEFAULT_METRIC == {
        "regression": "rmse",
        "binary": "balanced_accuracy",
        "multiclass": "balanced_accuracy",
    }
    assert {"r2", "rpd", "rpiq", "accuracy", "balanced_accuracy", "precision", "recall",
            "specificity", "f1", "f1_macro", "f1_weighted", "roc_auc"} == metrics.HIGHER_IS_BETTER
    assert set(metrics.available_metrics()) == set(HAND) | {
        "rpiq", "mape", "accuracy", "balanced_accuracy", "precision", "recall", "specificity",
        "f1", "f1_macro", "f1_weighted", "roc_auc", "log_loss",
    }


def test_sort_key_ranks_best_first_and_nan_last() -> None:
    values = [0.3, math.nan, 0.1, 0.2]
    assert sorted(values, key=lambda v: metrics.sort_key("rmse", v))[:3] == [0.1, 0.2, 0.3]
    assert sorted(values, key=lambda v: metrics.sort_key("r2", v))[:3] == [0.3, 0.2, 0.1]
    assert math.isnan(sorted(values, key=lambda v: metrics.sort_key("r2", v))[-1])


def test_is_better_follows_the_metric_direction() -> None:
    assert metrics.is_better("rmse", 0.1, 0.2)
    assert not metrics.is_better("rmse", 0.2, 0.1)
    assert metrics.is_better("r2", 0.9, 0.8)
    assert not metrics.is_better("r2", 0.8, 0.8)
    assert metrics.is_better("rmse", 5.0, math.nan)
    assert not metrics.is_better("rmse", math.nan, 5.0)
    assert not metrics.is_better("r2", math.nan, math.nan)


def test_pooled_loo_rmsecv_is_sqrt_press_over_n_not_the_mean_of_fold_rmses() -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(15, 6))
    y = X @ rng.normal(size=6) + 0.3 * rng.normal(size=15)
    truths, predictions = [], []
    for train, val in LeaveOneOut().split(X):
        model = PLSRegression(n_components=3, scale=False).fit(X[train], y[train])
        truths.append(y[val])
        predictions.append(np.ravel(model.predict(X[val])))
    press = sum((float(p[0]) - float(t[0])) ** 2 for t, p in zip(truths, predictions, strict=True))
    rmsecv = metrics.pooled_score("rmse", truths, predictions)
    assert rmsecv == pytest.approx(math.sqrt(press / len(y)), abs=1e-12)
    mean_of_folds = np.mean([metrics.rmse(t, p) for t, p in zip(truths, predictions, strict=True)])
    pooled_mae = metrics.pooled_score("mae", truths, predictions)
    assert mean_of_folds == pytest.approx(pooled_mae, abs=1e-12)
    assert abs(rmsecv - mean_of_folds) > 1e-3


def test_pooled_score_needs_matching_folds() -> None:
    with pytest.raises(ValueError, match="2 folds of y_true and 1 of y_pred"):
        metrics.pooled_score("rmse", [Y_TRUE, Y_TRUE], [Y_PRED])
    with pytest.raises(ValueError, match="non-zero"):
        metrics.pooled_score("rmse", [], [])
