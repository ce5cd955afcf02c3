"""The 0.7 ``BundleLoader`` (``nirs4all.pipeline.bundle.BundleLoader``) over verified bundles.

0.7's loader unpickled the bundle's artifacts from the zip without checking anything. This
one verifies the whole file when it is constructed (hashes, layout, signature with a key)
and loads the fitted objects under the allow-list at the first prediction, through the
same :class:`~nirs4all.api.predictor.Predictor` that ``nirs4all.predict`` uses.

Kept: ``BundleLoader(path)``, ``predict(X, branch_path=None)``, ``predict_proba``,
``metadata``, ``manifest``, ``pipeline_config``, ``fold_weights``, ``get_step_info()``.
Not supported: ``predict_with_metadata`` (a bundle holds one chain, so there is nothing to
route by metadata) and ``import_artifacts_to_registry`` (there is no artifact registry:
``nirs4all.retrain(path, data)`` trains a bundle's chain again). See
``docs/migration-from-0.x.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.pipeline.canonical import from_canonical
from nirs4all.pipeline.folds import FINAL
from nirs4all.workspace.bundle import read_bundle

__all__ = ["BundleLoader", "BundleMetadata"]


@dataclass(frozen=True)
class BundleMetadata:
    """The 0.7 metadata fields of a bundle, read from its verified manifest."""

    bundle_format_version: str
    nirs4all_version: str
    created_at: str
    pipeline_uid: str
    chain_id: str
    model_class: str
    model_step_index: int
    fold_strategy: str
    preprocessing_chain: str
    task: str


class BundleLoader:
    """Load a ``.n4a`` bundle and predict with its chain (the 0.7 constructor).

    Parameters
    ----------
    bundle_path : str or Path
        The bundle, verified here, before anything in it is deserialized.
    trusted : bool or list of str
        Types to allow beyond the allow-list when the objects are loaded.
    key : str or bytes, optional
        HMAC key of a signed bundle (``NIRS4ALL_BUNDLE_KEY`` by default).
    """

    def __init__(self, bundle_path: str | Path, *, trusted: bool | list[str] = False,
                 key: str | bytes | None = None) -> None:
        self.bundle_path = Path(bundle_path)
        self.trusted = trusted
        self._key = key
        self._bundle = read_bundle(self.bundle_path, key=key)
        self._estimator: Any = None

    @property
    def manifest(self) -> dict:
        """The verified manifest (a copy)."""
        return json.loads(json.dumps(self._bundle.manifest))

    def _chain(self) -> Any:
        return self._bundle.chains()[self._bundle.chain_id]

    @property
    def metadata(self) -> BundleMetadata:
        """Format and library versions, creation time, identities and the model step."""
        manifest, chain = self._bundle.manifest, self._chain()
        return BundleMetadata(
            bundle_format_version=str(manifest["bundle_version"]),
            nirs4all_version=manifest["library_version"], created_at=manifest["created_at"],
            pipeline_uid=manifest["pipeline_id"], chain_id=chain.chain_id,
            model_class=chain.model_class, model_step_index=chain.model_step,
            fold_strategy="single_refit", preprocessing_chain=chain.preprocessing,
            task=manifest["task"])

    @property
    def fold_weights(self) -> dict[str, float]:
        """One refitted model carries all the weight (0.7 bundles could average folds)."""
        return {FINAL: 1.0}

    @property
    def pipeline_config(self) -> dict[str, Any]:
        """``{"steps": [...], "model_step_index": i}``: the chain's steps as objects,
        ready for ``nirs4all.run`` (chains without branches only)."""
        chain = self._chain()
        if chain.source_chains or any(s.branch_path for s in chain.steps):
            raise ValueError(f"{self.bundle_path.name}: the chain has branches, which a flat "
                             "step list cannot express; use nirs4all.retrain(path, data) to "
                             "train it again")
        steps = []
        for step in chain.steps:
            if step.kind == "model" and step.index != chain.model_step:
                continue
            value = from_canonical(json.loads(step.spec))
            steps.append({"y_processing": value} if step.kind == "y_processing" else value)
        return {"steps": steps, "model_step_index": chain.model_step}

    def get_step_info(self) -> list[dict[str, Any]]:
        """One entry per step of the chain: index, kind, class, branch path, fitted or not."""
        info, chain = [], self._chain()
        for step in chain.steps:
            spec = json.loads(step.spec)
            name = spec.get("__estimator__", "") if isinstance(spec, dict) else ""
            if step.index == chain.model_step:
                name = chain.model_class  # also when the step is a {"model": ...} dict
            info.append({"index": step.index, "kind": step.kind,
                         "class": name.rsplit(".", 1)[-1], "branch_path": list(step.branch_path),
                         "has_artifact": bool(step.artifacts)})
        return info

    def _model(self) -> Any:
        if self._estimator is None:
            from nirs4all.sklearn import NIRSPipeline

            self._estimator = NIRSPipeline.from_bundle(self.bundle_path, trusted=self.trusted,
                                                       key=self._key)
        return self._estimator

    def _check_branch(self, branch_path: Any) -> None:
        if branch_path is None:
            return
        chain = self._chain()
        wanted = [int(i) for i in np.atleast_1d(branch_path)]
        if wanted != list(chain.branch_path):
            raise ValueError(f"{self.bundle_path.name} holds the chain of branch "
                             f"{list(chain.branch_path)}; got branch_path={wanted}")

    def predict(self, X: Any, branch_path: Any = None) -> np.ndarray:
        """Predictions in original units for spectra on the training wavelengths (columns
        in training order); 1D for one target."""
        self._check_branch(branch_path)
        return self._model().predict(X)

    def predict_proba(self, X: Any, branch_path: Any = None) -> np.ndarray:
        """Class probabilities of a classifier chain, columns in class order."""
        self._check_branch(branch_path)
        return self._model().predict_proba(X)

    def __repr__(self) -> str:
        meta = self.metadata
        return (f"BundleLoader({self.bundle_path.name!r}, model={meta.model_class}, "
                f"chain={meta.chain_id[:10]}, task={meta.task})")
