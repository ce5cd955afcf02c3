"""`nirs4all.explain`: SHAP values of a trained chain's model, per wavelength."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.api.predictor import align_spectra
from nirs4all.data.loading import load_dataset
from nirs4all.explanation._importance import model_importances
from nirs4all.explanation._result import ExplainResult
from nirs4all.explanation._shap import choose_explainer, shap_values
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.replay import ReplayTarget, model_inputs

__all__ = ["explain"]


def _names(axes: tuple, widths: list[int]) -> tuple[list[str], np.ndarray, str]:
    values = np.concatenate([np.asarray(axis, dtype=np.float64) for axis, _ in axes])
    units = {unit for _, unit in axes}
    unit = units.pop() if len(units) == 1 else "mixed"
    if len(axes) == 1:
        names = [f"{v:g}" for v in values]
    else:
        names = [f"{i}:{v:g}" for i, (axis, _) in enumerate(axes) for v in axis]
    if len(names) != sum(widths):  # an operator without an axis of its own
        names, values, unit = [str(i) for i in range(sum(widths))], np.arange(
            sum(widths), dtype=np.float64), "index"
    return names, values, unit


def _rows(n_total: int, n: int | None, rng: np.random.Generator) -> np.ndarray:
    if n is None or n >= n_total:
        return np.arange(n_total)
    return np.sort(rng.choice(n_total, size=n, replace=False))


def explain(source: Any, data: Any, *, chain: str | None = None,
            explainer_type: str = "auto", n_samples: int | None = None,
            background_samples: int = 50, max_evals: int | None = None,
            random_state: int = 0, workspace: str | Path | None = None,
            trusted: bool | list[str] = False, key: str | bytes | None = None,
            resample: bool = False) -> ExplainResult:
    """Explain a trained chain's predictions on ``data`` with SHAP.

    The chain's fitted preprocessing is replayed on ``data`` and its model explained on
    the result, so every value belongs to one feature of the model input: a wavelength
    (the axis the preprocessing leaves, carried from the training data) or, after an
    operator that makes new features, an index.

    Parameters
    ----------
    source : RunResult, str or Path
        A run's result (its best chain, or ``chain``), a ``.n4a`` bundle, or a stored
        chain id with ``workspace=``.
    data : Any
        Spectra to explain: anything :func:`nirs4all.load_dataset` accepts.
    explainer_type : {"auto", "linear", "tree", "permutation", "kernel"}
        ``"auto"`` picks linear for affine regressors (PLS, linear models), tree for tree
        ensembles, permutation otherwise (see :mod:`nirs4all.explanation._shap`).
    n_samples : int, optional
        Explain this many rows of ``data`` (a seeded random subset); all by default.
    background_samples : int
        Rows of ``data`` (seeded subset) used as the background distribution.
    max_evals : int, optional
        Model evaluations per sample for the permutation and kernel explainers.
    random_state : int
        Seed of the subsets and of the explainers.
    trusted, key, resample
        As for :func:`nirs4all.predict`.

    Returns
    -------
    ExplainResult
        SHAP values per feature, the base value, the wavelength axis and the model's own
        importances (:func:`nirs4all.explanation.model_importances`).
    """
    from nirs4all.api.predict import _predictor

    predictor = _predictor(source, chain=chain, trusted=trusted, key=key,
                           workspace=workspace)
    dataset = load_dataset(data)
    spectra = align_spectra(dataset, predictor.training.sources, resample=resample)
    axes = [(axis, unit) for _, axis, unit in predictor.training.sources]
    training = predictor.training
    model, X, model_axes, _ = model_inputs(
        predictor.chain, spectra, axes, load=predictor.load, chains=predictor.chains,
        target=ReplayTarget(training.task, training.n_targets, training.classes), fold=FINAL)
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    explained = _rows(X.shape[0], n_samples, rng)
    background = X[_rows(X.shape[0], background_samples, rng)]
    kind = choose_explainer(model, explainer_type)
    values, base = shap_values(model, X[explained], background, kind, seed=random_state,
                               max_evals=max_evals)
    names, wavelengths, unit = _names(tuple(model_axes), [X.shape[1]])
    return ExplainResult(
        shap_values=values, base_value=base, feature_names=names, wavelengths=wavelengths,
        axis_unit=unit, data=X[explained], explainer_type=kind,
        model_name=predictor.chain.model_name, chain_id=predictor.chain.chain_id,
        sample_ids=np.asarray(dataset.sample_ids)[explained],
        importances=model_importances(model, X))
