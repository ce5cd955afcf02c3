"""`Predictor`: a trained chain with its fitted objects, and the wavelength check (contract 11).

`RunResult.predictor` and :func:`nirs4all.predict` both build one; it sits in its own module so
that neither of them imports the other.
"""

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
from nirs4all.pipeline._rep_reshape import reshaped_rows
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord, TrainingInfo, training_info
from nirs4all.pipeline.replay import ReplayTarget, replay_chain
from nirs4all.utils.interp import linear_weights
from nirs4all.workspace.bundle import Bundle

__all__ = ["PredictResult", "Predictor", "align_spectra"]

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
    index, weight = linear_weights(x_from, x_to)
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
        training = training_info(
            dataset_hash=manifest["dataset_hash"], task=manifest["task"],
            n_targets=manifest["n_targets"], target_names=manifest["target_names"],
            classes=manifest["classes"], seed=manifest["seed"],
            sources=[(s["name"], s["wavelengths"], s["unit"]) for s in manifest["sources"]])
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
                                       target=target, chains=self.chains, fold=FINAL,
                                       metadata=dataset.metadata)
        heads = reshaped_rows(self.chain, self.load, dataset.metadata, dataset.n_samples)
        ids = dataset.sample_ids if heads is None else dataset.sample_ids[heads]  # per sample
        return PredictResult(y_pred, y_proba, ids, self.chain.chain_id,
                             self.chain.model_name, self.training.target_names,
                             self.training.classes)
