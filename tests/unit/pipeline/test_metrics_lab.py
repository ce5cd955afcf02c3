"""The metrics a lab reports, against scikit-learn or their formula; per-target keys; ranking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from nirs4all.pipeline import metrics

RNG = np.random.default_rng(42)
Y2_TRUE = np.column_stack([RNG.normal(10, 3, 40), RNG.gamma(2.0, 1.5, 40)])
Y2_PRED = Y2_TRUE + RNG.normal(0, [0.8, 0.4], (40, 2)) + [0.2, -0.1]

SKLEARN_REGRESSION = {
    "rmse": lambda t, p: skm.root_mean_squared_error(t, p, multioutput="raw_values"),
    "mse": lambda t, p: skm.mean_squared_error(t, p, multioutput="raw_values"),
    "mae": lambda t, p: skm.mean_absolute_error(t, p, multioutput="raw_values"),
    "r2": lambda t, p: skm.r2_score(t, p, multioutput="raw_values"),
    "mape": lambda t, p: skm.mean_absolute_percentage_error(t, p, multioutput="raw_values"),
}


def _formula(name, t, p):
    """Per-target values written from the definitions (ISO 12099, Williams 1987, Bellon-Maurel
    2010)."""
    e = p - t
    sep = np.sqrt(np.sum((e - e.mean(axis=0)) ** 2, axis=0) / (len(t) - 1))
    if name == "bias":
        return e.mean(axis=0)
    if name == "sep":
        return sep
    if name == "rpd":
        return t.std(axis=0, ddof=1) / sep
    q1, q3 = np.percentile(t, 25, axis=0), np.percentile(t, 75, axis=0)
    return (q3 - q1) / sep


@pytest.mark.parametrize("name", sorted(SKLEARN_REGRESSION))
def test_regression_metric_matches_sklearn_per_target_and_mean(name):
    expected = SKLEARN_REGRESSION[name](Y2_TRUE, Y2_PRED)
    scores = metrics.score_all("regression", Y2_TRUE, Y2_PRED, target_names=["water", "fat"])
    assert scores[f"{name}[water]"] == pytest.approx(expected[0], rel=1e-12)
    assert scores[f"{name}[fat]"] == pytest.approx(expected[1], rel=1e-12)
    assert scores[name] == pytest.approx(expected.mean(), rel=1e-12)
    assert getattr(metrics, name)(Y2_TRUE[:, 1], Y2_PRED[:, 1]) == pytest.approx(expected[1])


@pytest.mark.parametrize("name", ["bias", "sep", "rpd", "rpiq"])
def test_regression_metric_matches_its_formula(name):
    expected = _formula(name, Y2_TRUE, Y2_PRED)
    scores = metrics.score_all("regression", Y2_TRUE, Y2_PRED)
    np.testing.assert_allclose([scores[f"{name}[y0]"], scores[f"{name}[y1]"]], expected,
                               rtol=1e-12)
    assert scores[name] == pytest.approx(expected.mean(), rel=1e-12)


def test_rpiq_by_hand():
    y_true = np.array([1.0, 2.0, 3.0, 4.0, 5.5])  # quartiles 2 and 4
    y_pred = np.array([1.1, 1.8, 3.4, 3.9, 5.0])
    sep = math.sqrt((0.47 - 5 * 0.06**2) / 4)
    assert metrics.rpiq(y_true, y_pred) == pytest.approx(2.0 / sep, abs=1e-12)


def test_one_target_has_no_per_target_keys():
    scores = metrics.score_all("regression", Y2_TRUE[:, 0], Y2_PRED[:, 0])
    assert not [key for key in scores if "[" in key]
    with pytest.raises(ValueError, match="1 target names for 2 targets"):
        metrics.score_all("regression", Y2_TRUE, Y2_PRED, target_names=["only"])


LABELS = ["a", "b", "c"]
C_TRUE = RNG.choice(LABELS, 60)
C_PROBA = RNG.dirichlet([1, 1, 1], 60)
C_PROBA[np.arange(60), np.searchsorted(LABELS, C_TRUE)] += 0.7
C_PROBA /= C_PROBA.sum(axis=1, keepdims=True)
C_PRED = np.array(LABELS)[C_PROBA.argmax(axis=1)]
B_TRUE = (C_TRUE == "a").astype(int)
B_PROBA = np.column_stack([1 - C_PROBA[:, 0], C_PROBA[:, 0]])
B_PRED = (B_PROBA[:, 1] > 0.5).astype(int)


def _specificity(t, p, labels, positive_only):
    cm = skm.confusion_matrix(t, p, labels=labels)
    tn = cm.sum() - cm.sum(axis=0) - cm.sum(axis=1) + np.diag(cm)
    fp = cm.sum(axis=0) - np.diag(cm)
    values = tn / (tn + fp)
    return values[-1] if positive_only else values.mean()


CLASSIFICATION = [
    ("accuracy", skm.accuracy_score, skm.accuracy_score),
    ("balanced_accuracy", skm.balanced_accuracy_score, skm.balanced_accuracy_score),
    ("precision", skm.precision_score,
     lambda t, p: skm.precision_score(t, p, average="macro")),
    ("recall", skm.recall_score, lambda t, p: skm.recall_score(t, p, average="macro")),
    ("f1", skm.f1_score, lambda t, p: skm.f1_score(t, p, average="macro")),
    ("f1_macro", lambda t, p: skm.f1_score(t, p, average="macro"),
     lambda t, p: skm.f1_score(t, p, average="macro")),
    ("f1_weighted", lambda t, p: skm.f1_score(t, p, average="weighted"),
     lambda t, p: skm.f1_score(t, p, average="weighted")),
    ("specificity", lambda t, p: _specificity(t, p, [0, 1], True),
     lambda t, p: _specificity(t, p, LABELS, False)),
]


@pytest.mark.parametrize(("name", "binary", "multiclass"), CLASSIFICATION,
                         ids=[c[0] for c in CLASSIFICATION])
def test_classification_metric_matches_sklearn(name, binary, multiclass):
    two = metrics.score_all("binary", B_TRUE, B_PRED, B_PROBA, labels=[0, 1])
    many = metrics.score_all("multiclass", C_TRUE, C_PRED, C_PROBA, labels=LABELS)
    assert two[name] == pytest.approx(binary(B_TRUE, B_PRED), abs=1e-12)
    assert many[name] == pytest.approx(multiclass(C_TRUE, C_PRED), abs=1e-12)


def test_roc_auc_and_log_loss_match_sklearn():
    two = metrics.score_all("binary", B_TRUE, B_PRED, B_PROBA, labels=[0, 1])
    many = metrics.score_all("multiclass", C_TRUE, C_PRED, C_PROBA, labels=LABELS)
    assert two["roc_auc"] == pytest.approx(skm.roc_auc_score(B_TRUE, B_PROBA[:, 1]), abs=1e-12)
    assert many["roc_auc"] == pytest.approx(
        skm.roc_auc_score(C_TRUE, C_PROBA, multi_class="ovr", labels=LABELS), abs=1e-12)
    assert many["log_loss"] == pytest.approx(skm.log_loss(C_TRUE, C_PROBA, labels=LABELS))
    assert metrics.roc_auc(B_TRUE, B_PROBA[:, 1]) == two["roc_auc"]


def test_roc_auc_counts_ties_one_half_and_is_nan_for_one_class():
    assert metrics.roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == pytest.approx(
        skm.roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]))
    assert math.isnan(metrics.roc_auc([1, 1], [0.3, 0.6], labels=[0, 1]))


def test_confusion_matrix_matches_sklearn_and_names_unknown_labels():
    np.testing.assert_array_equal(metrics.confusion_matrix(C_TRUE, C_PRED, labels=LABELS),
                                  skm.confusion_matrix(C_TRUE, C_PRED, labels=LABELS))
    np.testing.assert_array_equal(metrics.confusion_matrix(["a", "a"], ["a", "a"],
                                                           labels=LABELS),
                                  [[2, 0, 0], [0, 0, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="y_pred holds labels outside"):
        metrics.confusion_matrix(["a"], ["z"], labels=LABELS)


def test_zero_division_counts_as_zero_like_sklearn():
    t, p = np.array([0, 0, 0]), np.array([0, 0, 0])
    assert metrics.precision(t, p, labels=[0, 1]) == skm.precision_score(
        t, p, labels=[0, 1], zero_division=0)


def test_per_target_keys_rank_and_know_their_direction():
    assert "r2[water]" in metrics.HIGHER_IS_BETTER
    assert "rmse[water]" not in metrics.HIGHER_IS_BETTER
    assert metrics.sort_key("r2[fat]", 0.9) < metrics.sort_key("r2[fat]", 0.5)
    assert metrics.is_better("rmse[y1]", 0.1, 0.2)
    with pytest.raises(ValueError, match="per-target score key"):
        metrics.score("rmse[y1]", Y2_TRUE, Y2_PRED)
    with pytest.raises(ValueError, match="unknown metric 'rmsd"):
        metrics.sort_key("rmsd[y1]", 0.1)


def test_bias_ranks_by_its_distance_to_zero():
    # before: the signed value ranked, so a bias of -0.5 beat one of 0.1
    assert metrics.sort_key("bias", 0.1) < metrics.sort_key("bias", -0.5)
    assert metrics.is_better("bias[y0]", -0.05, 0.1)
