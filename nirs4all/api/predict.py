"""`nirs4all.predict`: replay a trained chain on new spectra, checking their wavelengths."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.data import SpectroDataset, load_dataset
from nirs4all.errors import WavelengthMismatchError
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord
from nirs4all.pipeline.replay import ReplayTarget, replay_chain
from nirs4all.workspace.bundle import Bundle, TrainingInfo, read_bundle

__all__ = ["PredictResult", "Predictor", "predict"]

logger = logging.getLogger("nirs4all")


@dataclass(frozen=True)
class PredictResult:
    """Predictions of one chain on new spectra.

    ``y_pred`` is in original target units: float ``(n, n_targets)`` for regression, labels
    for classification; ``y_proba`` holds class probabilities when the model gives them.
    """

    y_pred: np.ndarray
    y_proba: np.ndarray | None
    sample_ids: np.ndarray
    chain_id: str
    model_name: str
    target_names: tuple[str, ...]
    classes: np.ndarray | None

    def to_numpy(self) -> np.ndarray:
        """The predictions as an array (1D for a single target or class labels)."""
        y = self.y_pred
        return y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y

    def to_csv(self, path: str | Path) -> Path:
        """Write ``sample_id``, the predictions and any probabilities to a CSV file."""
        path = Path(path)
        y = self.y_pred.reshape(len(self.y_pred), -1)
        names = list(self.target_names) if y.shape[1] == len(self.target_names) else [
            f"y{i}" for i in range(y.shape[1])]
        header = ["sample_id", *names]
        if self.y_proba is not None and self.classes is not None:
            header += [f"proba_{c}" for c in self.classes]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for i, sample in enumerate(self.sample_ids.tolist()):
                row = [sample, *(_cell(v) for v in y[i])]
                if self.y_proba is not None and self.classes is not None:
                    row += [repr(float(p)) for p in self.y_proba[i]]
                writer.writerow(row)
        return path

    def __len__(self) -> int:
        return len(self.y_pred)


def _cell(value: Any) -> Any:
    return repr(float(value)) if isinstance(value, (float, np.floating)) else value


def _to_nm(values: np.ndarray, unit: str) -> np.ndarray:
    return 1e7 / values if unit == "cm-1" else values


def _describe(axis: np.ndarray, unit: str) -> str:
    if axis.size == 0:
        return "an empty axis"
    return f"{axis.size} points {axis[0]:g}..{axis[-1]:g} {unit}"


def align_spectra(dataset: SpectroDataset, sources: tuple[tuple[str, np.ndarray, str], ...],
                  *, resample: bool) -> list[np.ndarray]:
    """The new spectra of every source on its training axis (contract 11).

    A source whose axis differs from the training axis (length, values or unit) is an
    error that says how, unless ``resample`` asks for linear interpolation onto the
    training axis. Spectra without a known axis (unit ``"index"``) are taken column by
    column when their width matches.
    """
    if dataset.n_sources != len(sources):
        raise WavelengthMismatchError(
            f"the model was trained on {len(sources)} source(s) "
            f"{[s[0] for s in sources]}; the new data has {dataset.n_sources}")
    out = []
    for position, (name, train_axis, train_unit) in enumerate(sources):
        new = dataset.source(position)
        axis, unit = new.wavelengths, new.unit
        same_width = new.n_features == train_axis.size
        if unit == "index" and same_width:
            out.append(new.X)
            continue
        if unit == train_unit and same_width and np.allclose(axis, train_axis, rtol=1e-9,
                                                             atol=0):
            out.append(new.X)
            continue
        how = (f"source {name!r}: the model was trained on {_describe(train_axis, train_unit)}"
               f", the new spectra are on {_describe(axis, unit)}")
        if not resample or unit == "index":
            raise WavelengthMismatchError(
                f"{how}; pass resample=True to interpolate them onto the training axis"
                if unit != "index" else f"{how}; give the spectra's wavelengths")
        out.append(_resample(new.X, axis, unit, train_axis, train_unit, how))
        logger.warning("%s: resampled onto the training axis (linear interpolation)", how,
                       extra={"source": name})
    return out


def _resample(X: np.ndarray, axis: np.ndarray, unit: str, train_axis: np.ndarray,
              train_unit: str, how: str) -> np.ndarray:
    x_from = _to_nm(np.asarray(axis, dtype=float), unit)
    x_to = _to_nm(np.asarray(train_axis, dtype=float), train_unit)
    order = np.argsort(x_from)
    x_from, values = x_from[order], np.asarray(X, dtype=float)[:, order]
    if x_to.min() < x_from[0] - 1e-9 or x_to.max() > x_from[-1] + 1e-9:
        raise WavelengthMismatchError(f"{how}; the training axis reaches outside the new "
                                      "spectra, so they cannot be resampled without "
                                      "extrapolating")
    index = np.clip(np.searchsorted(x_from, x_to, side="right") - 1, 0, x_from.size - 2)
    left, right = x_from[index], x_from[index + 1]
    weight = (x_to - left) / (right - left)
    return values[:, index] * (1 - weight) + values[:, index + 1] * weight


@dataclass(frozen=True, eq=False)
class Predictor:
    """A chain with its fitted objects and what it knows of its training data."""

    chain: ChainRecord
    chains: Mapping[str, ChainRecord]
    load: Callable[[str], Any]
    training: TrainingInfo

    @classmethod
    def from_bundle(cls, bundle: Bundle, *, trusted: bool | list[str] = False) -> Predictor:
        """Audit and load a verified bundle."""
        objects = bundle.load_objects(trusted=trusted)
        manifest = bundle.manifest
        classes = None if manifest["classes"] is None else np.asarray(manifest["classes"])
        training = TrainingInfo(
            dataset_hash=manifest["dataset_hash"], task=manifest["task"],
            n_targets=manifest["n_targets"], target_names=tuple(manifest["target_names"]),
            classes=classes, seed=manifest["seed"],
            sources=tuple((s["name"], np.asarray(s["wavelengths"], dtype=np.float64),
                           s["unit"]) for s in manifest["sources"]))
        chains = bundle.chains()
        return cls(chains[bundle.chain_id], chains, objects.__getitem__, training)

    def predict(self, data: Any, *, resample: bool = False) -> PredictResult:
        """Predict on anything :func:`nirs4all.load_dataset` accepts."""
        dataset = load_dataset(data)
        spectra = align_spectra(dataset, self.training.sources, resample=resample)
        axes = [(axis, unit) for _, axis, unit in self.training.sources]
        target = ReplayTarget(self.training.task, self.training.n_targets,
                              self.training.classes)
        y_pred, y_proba = replay_chain(self.chain, spectra, axes, load=self.load,
                                       target=target, chains=self.chains, fold=FINAL)
        return PredictResult(y_pred, y_proba, dataset.sample_ids, self.chain.chain_id,
                             self.chain.model_name, self.training.target_names,
                             self.training.classes)


def _predictor(source: Any, *, chain: str | None, trusted: bool | list[str],
               key: str | bytes | None, workspace: str | Path | None = None) -> Predictor:
    from nirs4all.api.result import RunResult

    if isinstance(source, RunResult):
        return source.predictor(chain)
    if isinstance(source, (str, Path)) and str(source).endswith(".n4a"):
        return Predictor.from_bundle(read_bundle(source, key=key), trusted=trusted)
    if isinstance(source, str) and workspace is not None:
        from nirs4all import workspace as workspaces
        from nirs4all.workspace.export import stored_chain

        with workspaces.open(workspace, read_only=True) as ws:
            found, chains, load, training = stored_chain(ws, source, trusted=trusted)
            objects = {ref: load(ref) for c in chains.values() for s in c.steps
                       for ref in s.artifacts.values()}
        return Predictor(found, chains, objects.__getitem__, training)
    raise TypeError("predict takes a RunResult, the path of a .n4a bundle, or a chain id "
                    f"with workspace=; got {type(source).__name__}")


def predict(source: Any = None, data: Any = None, *, chain: str | None = None,
            resample: bool = False, trusted: bool | list[str] = False,
            key: str | bytes | None = None, workspace: str | Path | None = None,
            model: Any = None, chain_id: str | None = None) -> PredictResult:
    """Predict new spectra with a trained chain.

    Parameters
    ----------
    source : RunResult or str or Path
        A run's result (its best chain by default, or ``chain``), a ``.n4a`` bundle
        (verified before anything in it is deserialized), or a chain id stored in
        ``workspace``.
    data : Any
        New spectra: anything :func:`nirs4all.load_dataset` accepts.
    chain : str, optional
        With a RunResult: the chain id to use (it must have been refitted).
    resample : bool
        Interpolate spectra measured on another axis onto the training axis (and say so)
        instead of raising :class:`~nirs4all.errors.WavelengthMismatchError`.
    trusted : bool or list of str
        Types to allow beyond the allow-list when loading a bundle; ``True`` allows all.
    key : str or bytes, optional
        HMAC key to check a signed bundle (``NIRS4ALL_BUNDLE_KEY`` by default).
    workspace : str or Path, optional
        The workspace holding the chain id given as ``source``.
    model : optional
        The 0.x spelling of ``source``: a bundle path, a stored chain id, a RunResult, or a
        ranked entry of ``result.top()`` / ``result.best`` (a mapping with a ``chain_id``,
        read from ``workspace``, ``./workspace`` by default).
    chain_id : str, optional
        The 0.x spelling of a stored chain id as ``source``.
    """
    source = _legacy_source(source, model, chain_id)
    if _is_entry(source):
        source = source["chain_id"]
        workspace = workspace if workspace is not None else _default_workspace()
    if data is None:
        raise TypeError("predict() needs data: the spectra to predict")
    return _predictor(source, chain=chain, trusted=trusted, key=key,
                      workspace=workspace).predict(data, resample=resample)


def _is_entry(source: Any) -> bool:
    """A 0.x ranked entry or prediction row: a mapping (or mapping-like) with a chain id."""
    keys = source.keys() if isinstance(source, Mapping) or hasattr(source, "keys") else ()
    return "chain_id" in keys


def _legacy_source(source: Any, model: Any, chain_id: str | None) -> Any:
    """One source from ``source``, or the 0.x keywords ``model=`` / ``chain_id=``."""
    given = [name for name, value in (("source", source), ("model", model),
                                      ("chain_id", chain_id)) if value is not None]
    if len(given) != 1:
        raise TypeError("predict() takes exactly one of source, model= or chain_id= (got "
                        f"{', '.join(given) or 'none'})")
    return source if source is not None else model if model is not None else chain_id


def _default_workspace() -> Path | None:
    import os

    value = os.environ.get("NIRS4ALL_WORKSPACE", "./workspace")
    return None if value.strip().lower() in ("", "none") else Path(value)
