"""A trained chain as a scikit-learn estimator, for SHAP, ``cross_val_predict`` and friends.

``NIRSPipeline.from_bundle(path)`` predicts on plain arrays whose columns are the training
wavelengths, in order; ``NIRSPipeline.from_result(result)`` does the same with a chain of a
run's result (the best by default), without writing a bundle. ``fit(X, y)`` trains the
chain again on new arrays (a full retrain), so the estimator also works inside
``cross_val_predict`` and ``clone``. ``fit`` keeps everything in memory unless the
estimator is given a ``workspace``: scikit-learn's tools fit many copies, in parallel
processes too, and those must not all write to (and lock) one folder.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

__all__ = ["NIRSPipeline"]


class NIRSPipeline(BaseEstimator):
    """Predict with (and retrain) the chain of a ``.n4a`` bundle.

    Parameters
    ----------
    bundle : str or Path
        The bundle, verified before anything is loaded.
    trusted : bool
        Allow types outside nirs4all's allow-list (you vouch for the bundle).
    key : str, optional
        HMAC key of a signed bundle (``NIRS4ALL_BUNDLE_KEY`` by default).
    workspace : str or Path, optional
        Workspace in which ``fit`` stores its retrain (with its lineage); by default
        ``fit`` writes nothing to disk.
    """

    def __init__(self, bundle: str | Path | None = None, trusted: bool = False,
                 key: str | None = None, workspace: str | Path | None = None) -> None:
        self.bundle = bundle
        self.trusted = trusted
        self.key = key
        self.workspace = workspace

    @classmethod
    def from_bundle(cls, path: str | Path, fold: int | str | None = None, *,
                    trusted: bool = False, key: str | None = None) -> NIRSPipeline:
        """Load a bundle; the estimator is ready to predict.

        ``fold`` is the 0.7 choice of a CV fold model; a bundle holds only the model
        refitted on all training rows, so any fold but ``"final"`` warns and is ignored.
        """
        if fold is not None and str(fold) != "final":
            warnings.warn(f"NIRSPipeline.from_bundle(fold={fold!r}): a bundle holds only the "
                          "model refitted on all training rows, which is used; drop fold=",
                          UserWarning, stacklevel=2)
        estimator = cls(bundle=path, trusted=trusted, key=key)
        estimator._load()
        return estimator

    @classmethod
    def from_result(cls, result: Any, source: Any = None, *, chain_id: str | None = None,
                    workspace: str | Path | None = None) -> NIRSPipeline:
        """An estimator over a refitted chain of a :class:`~nirs4all.api.result.RunResult`.

        ``source`` is a ranked entry (``result.best``, an element of ``result.top()``) or a
        chain id; ``chain_id`` is the 0.7 keyword for the latter; neither: the best chain.
        ``fit`` trains that chain again on new arrays (a full retrain), also on clones.
        """
        from nirs4all.api._result_07 import export_choice

        chain = export_choice("n4a", None, chain_id, source)
        estimator = cls(workspace=workspace)
        estimator._origin = (result, chain)
        estimator.predictor_ = result.predictor(chain)
        estimator._set_fitted_attributes()
        return estimator

    def __sklearn_clone__(self) -> NIRSPipeline:
        # A clone of a from_result estimator keeps its origin (the result is shared, not
        # copied), so cross_val_predict and friends can retrain it.
        twin = type(self)(**self.get_params(deep=False))
        if hasattr(self, "_origin"):
            twin._origin = self._origin
        return twin

    def _load(self) -> None:
        from nirs4all.api.predictor import Predictor
        from nirs4all.workspace.bundle import read_bundle

        self.predictor_ = Predictor.from_bundle(read_bundle(self.bundle, key=self.key),
                                                trusted=self.trusted)
        self._set_fitted_attributes()

    def _set_fitted_attributes(self) -> None:
        training = self.predictor_.training
        self.n_features_in_ = int(sum(axis.size for _, axis, _ in training.sources))
        if training.classes is not None:
            self.classes_ = training.classes

    def fit(self, X: Any, y: Any) -> NIRSPipeline:
        """Train the chain again on ``X``, ``y`` (all rows are training rows)."""
        from nirs4all.api.retrain import retrain

        origin, chain = getattr(self, "_origin", (self.bundle, None))
        if origin is None:
            raise ValueError("NIRSPipeline needs a bundle (NIRSPipeline(bundle=path)) or a run "
                             "result (NIRSPipeline.from_result(result)) to train")
        result = retrain(origin, (np.asarray(X), np.asarray(y)), mode="full", chain=chain,
                         trusted=self.trusted, key=self.key, refit="best",
                         workspace=self.workspace)
        self.predictor_ = result.predictor()
        self._set_fitted_attributes()
        return self

    def _split(self, X: Any) -> list[np.ndarray]:
        check_is_fitted(self, "predictor_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have shape (n_samples, {self.n_features_in_}); "
                             f"got {X.shape}")
        widths = np.cumsum([axis.size for _, axis, _ in self.predictor_.training.sources])
        return np.split(X, widths[:-1], axis=1)

    def _replay(self, X: Any) -> tuple[np.ndarray, np.ndarray | None]:
        from nirs4all.data import FeatureSource, SpectroDataset

        parts = self._split(X)
        sources = [FeatureSource(name, part, axis, unit) for part, (name, axis, unit)
                   in zip(parts, self.predictor_.training.sources, strict=True)]
        result = self.predictor_.predict(SpectroDataset(sources))
        return result.y_pred, result.y_proba

    def predict(self, X: Any) -> np.ndarray:
        """Predictions in original units (1D for one target or class labels)."""
        y_pred, _ = self._replay(X)
        return y_pred[:, 0] if y_pred.ndim == 2 and y_pred.shape[1] == 1 else y_pred

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        _, proba = self._replay(X)
        if proba is None:
            raise AttributeError("this chain's model gives no probabilities")
        return proba
