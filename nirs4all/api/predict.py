"""`nirs4all.predict`: replay a trained chain on new spectra, checking their wavelengths."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nirs4all.api._legacy_kwargs import deprecated
from nirs4all.api.predictor import Predictor, PredictResult, align_spectra
from nirs4all.api.result import RunResult
from nirs4all.workspace.bundle import read_bundle

__all__ = ["PredictResult", "Predictor", "align_spectra", "predict"]


def _predictor(source: Any, *, chain: str | None, trusted: bool | list[str],
               key: str | bytes | None, workspace: str | Path | None = None) -> Predictor:
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
    if model is not None or chain_id is not None:
        deprecated("predict(model=...)" if model is not None else "predict(chain_id=...)",
                   "predict(source, data)" if model is not None
                   else "predict(chain_id, data, workspace=...)")
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
