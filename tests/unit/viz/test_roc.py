"""plot_roc and roc_curves: binary and one-vs-rest ROC from stored class probabilities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.models import OPLSDA, PLS, PLSDA
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.folds import FINAL

pytest.importorskip("matplotlib")
viz = pytest.importorskip("nirs4all.viz")
from nirs4all.viz._roc import roc_curves  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(n_classes: int, model) -> nirs4all.RunResult:
    data = nirs4all.generate(90, task="classification", n_classes=n_classes, random_state=2)
    return nirs4all.run([SNV(), KFold(3), model], data, random_state=0, verbose=0,
                        workspace=None)


def test_perfect_and_inverted_scores_give_auc_one_and_zero() -> None:
    y = np.array(["a", "a", "b", "b"])
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])
    (label, fpr, tpr, area), = roc_curves(y, proba, np.array(["a", "b"]))
    assert label == "b"
    assert area == pytest.approx(1.0)
    assert fpr[0] == 0.0
    assert tpr[-1] == 1.0
    (_, _, _, inverted), = roc_curves(y, proba[:, ::-1], np.array(["a", "b"]))
    assert inverted == pytest.approx(0.0)


def test_one_vs_rest_skips_a_class_without_samples() -> None:
    y = np.array([0, 0, 1, 1, 1])
    proba = np.tile([0.5, 0.3, 0.2], (5, 1))
    curves = roc_curves(y, proba, np.array([0, 1, 2]))
    assert [c[0] for c in curves] == ["0", "1"]
    assert [c[3] for c in curves] == [pytest.approx(0.5), pytest.approx(0.5)]


def test_roc_curves_check_the_probability_shape() -> None:
    with pytest.raises(ValueError, match="n_classes"):
        roc_curves(np.array([0, 1]), np.ones((2, 3)), np.array([0, 1]))


@pytest.mark.parametrize("model", [PLSDA(3), OPLSDA(1)], ids=["PLSDA", "OPLSDA"])
def test_pls_da_ranks_by_balanced_accuracy_and_stores_probabilities(model) -> None:
    result = _run(3, model)
    chain = result.chains[0]
    assert chain.metric == "balanced_accuracy"
    for record in result.predictions():
        assert record.y_proba is not None
        assert record.y_proba.shape == (len(record.y_pred), 3)
        np.testing.assert_allclose(record.y_proba.sum(axis=1), 1.0, atol=1e-12)


def test_binary_roc_plot_has_one_curve_with_the_stored_auc(tmp_path: Path) -> None:
    result = _run(2, PLSDA(3))
    path = tmp_path / "roc.png"
    fig = viz.plot_roc(result, path=path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    record = next(r for r in result.predictions() if r.fold_id == FINAL
                  and r.partition == "test")
    (_, _, _, area), = roc_curves(record.y_true, record.y_proba, record.classes)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels[0] == "chance"
    assert labels[1:] == [f"positive class {record.classes[1]} (AUC {area:.3f})"]


def test_multiclass_roc_plot_has_one_curve_per_class() -> None:
    result = _run(3, PLSDA(3))
    fig = viz.plot_roc(result, partition="val")
    labels = [line.get_label() for line in fig.axes[0].get_lines()][1:]
    assert len(labels) == 3
    assert all(" vs rest (AUC " in label for label in labels)


def test_roc_plot_refuses_a_regression_chain() -> None:
    data = nirs4all.generate(40, random_state=0)
    result = nirs4all.run([KFold(3), PLS(2)], data, random_state=0, verbose=0, workspace=None)
    with pytest.raises(ValueError, match="needs a classifier chain"):
        viz.plot_roc(result)
