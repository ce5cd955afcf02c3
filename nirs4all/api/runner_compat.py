"""The 0.x lower-level API: ``PipelineRunner``, ``PipelineConfigs``, ``DatasetConfigs``.

Each is a thin, deprecated adapter over :func:`nirs4all.run` (one engine, one store):
constructing one emits one :class:`DeprecationWarning` naming the replacement.
``PipelineRunner.run`` returns the 0.7 pair ``(predictions, per_dataset)``, the
predictions being the 0.7 facade (:class:`nirs4all.api.predictions.Predictions`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.api._legacy_kwargs import check_moot, deprecated
from nirs4all.api._result_07 import export_choice
from nirs4all.api.result import RunResult
from nirs4all.data import SpectroDataset, load_dataset

__all__ = ["DatasetConfigs", "PipelineConfigs", "PipelineRunner"]

_MOOT = ("enable_tab_reports", "show_spinner", "log_format", "use_unicode", "use_colors",
         "json_output")


def _deprecated(old: str, new: str) -> None:
    deprecated(old, new, stacklevel=4)


class PipelineConfigs:
    """A pipeline definition (0.x); pass the list of steps to :func:`nirs4all.run`.

    Parameters
    ----------
    definition : list, dict, str or Path
        Steps, ``{"pipeline": [...]}``, or a ``.yaml``/``.json`` pipeline file.
    name : str
        Name given to the runs of this pipeline.
    max_generation_count : int
        Refuse to expand into more variants than this (``run(max_variants=)``).
    """

    def __init__(self, definition: Any, name: str = "", description: str = "",
                 max_generation_count: int = 10_000) -> None:
        _deprecated("PipelineConfigs", "nirs4all.run(steps, ...) with the list of steps")
        if isinstance(definition, dict):
            if set(definition) - {"pipeline", "name", "description"} or (
                    "pipeline" not in definition):
                raise ValueError("a pipeline dict holds 'pipeline' (and optionally 'name', "
                                 f"'description'); got keys {sorted(definition)}")
            name = name or definition.get("name", "")
            definition = definition["pipeline"]
        self.steps = definition
        self.name = name
        self.description = description
        self.max_generation_count = max_generation_count

    def as_pipeline(self) -> Any:
        """What :func:`nirs4all.run` runs."""
        return self.steps


class DatasetConfigs:
    """One or more dataset sources (0.x); pass them to :func:`nirs4all.run` directly.

    Parameters
    ----------
    configurations : Any or list
        Anything :func:`nirs4all.load_dataset` accepts, or a list of those.
    repetition : str or list of str, optional
        The repetition column of every dataset, or one per dataset (``load_dataset``'s).
    """

    def __init__(self, configurations: Any, repetition: str | list | None = None) -> None:
        _deprecated("DatasetConfigs", "nirs4all.load_dataset(...) or the source itself")
        many = isinstance(configurations, list) and not all(
            isinstance(c, np.ndarray) for c in configurations)
        self.configs = list(configurations) if many else [configurations]
        self._loaded: list[SpectroDataset | None] = [None] * len(self.configs)
        self.repetition = (list(repetition) if isinstance(repetition, list)
                           else [repetition] * len(self.configs))
        if len(self.repetition) != len(self.configs):
            raise ValueError(f"repetition gives {len(self.repetition)} columns for "
                             f"{len(self.configs)} datasets; give one, or one per dataset")

    def get_dataset_at(self, index: int) -> SpectroDataset:
        """The ``index``-th dataset, loaded once."""
        if self._loaded[index] is None:
            self._loaded[index] = load_dataset(self.configs[index],
                                               repetition=self.repetition[index])
        return self._loaded[index]

    def as_datasets(self) -> list[SpectroDataset]:
        """Every dataset, loaded (what :func:`nirs4all.run` runs on)."""
        return [self.get_dataset_at(i) for i in range(len(self.configs))]

    def __len__(self) -> int:
        return len(self.configs)


class PipelineRunner:
    """The 0.x runner: its options are :func:`nirs4all.run`'s (see that function).

    ``verbose``, ``random_state``, ``continue_on_error``, ``show_progress_bar``,
    ``log_file``, ``plots_visible`` and ``save_charts`` keep their meaning (``save_charts``
    saves chart steps in the workspace; ``workspace_path=None`` saves none);
    ``workspace_path`` is the workspace (``./workspace`` by default). The display options
    of 0.x (``enable_tab_reports``, ``show_spinner``, ``log_format``, ``use_unicode``,
    ``use_colors``, ``json_output``) and ``cache``/``keep_datasets`` have no effect.
    """

    def __init__(self, workspace_path: str | Path | None = "./workspace", verbose: int = 0,
                 mode: str = "train", save_artifacts: bool = True, save_charts: bool = True,
                 continue_on_error: bool = False, keep_datasets: bool = True,
                 plots_visible: bool = False, random_state: int | None = None,
                 log_file: bool | str | Path | None = None,
                 show_progress_bar: bool = True, **display: Any) -> None:
        _deprecated("PipelineRunner", "nirs4all.run(pipeline, dataset, ...)")
        unknown = sorted(set(display) - set(_MOOT))
        if unknown:
            raise TypeError(f"PipelineRunner got unexpected keyword(s) {unknown}")
        if mode not in ("train", "predict"):
            raise ValueError(f"mode must be 'train' or 'predict'; got {mode!r}")
        check_moot(cache=None, keep_datasets=keep_datasets, save_artifacts=save_artifacts)
        self.workspace_path = workspace_path
        self.mode = mode
        self.options = {"verbose": verbose, "random_state": random_state,
                        "continue_on_error": continue_on_error, "log_file": log_file,
                        "show_progress_bar": show_progress_bar,
                        "plots_visible": plots_visible,
                        # 0.7's default save_charts=True: with no workspace there is no
                        # charts folder, and a runner without one saves none
                        "save_charts": bool(save_charts) and workspace_path is not None}
        self.last_result: RunResult | None = None

    def run(self, pipeline: Any, dataset: Any, pipeline_name: str = "",
            dataset_name: str = "dataset", max_generation_count: int = 10_000,
            refit: Any = True) -> tuple[Any, dict[str, RunResult]]:
        """Run and return ``(predictions, per_dataset)`` as 0.7 did.

        ``dataset_name`` names array sources (a loaded dataset keeps its own name).
        """
        from nirs4all.api.run import run

        if isinstance(pipeline, PipelineConfigs):
            pipeline_name = pipeline_name or pipeline.name
            max_generation_count = min(max_generation_count, pipeline.max_generation_count)
        if isinstance(dataset, np.ndarray | tuple):
            dataset = load_dataset(dataset, name=dataset_name)
        result = run(pipeline, dataset, name=pipeline_name, refit=refit,
                     max_variants=max_generation_count, workspace=self.workspace_path,
                     **self.options)
        self.last_result = result
        return result.predictions, result.per_dataset

    def _result(self) -> RunResult:
        if self.last_result is None:
            raise ValueError("this runner has not run: call run() first")
        return self.last_result

    def predict(self, prediction_obj: Any, dataset: Any, dataset_name: str = "dataset",
                all_predictions: bool = False, verbose: int = 0) -> np.ndarray:
        """Predictions of a chain (an entry, a chain id, or a ``.n4a`` path) on ``dataset``."""
        from nirs4all.api._result_07 import _chain_id
        from nirs4all.api.predict import predict

        if all_predictions:
            raise ValueError("all_predictions=True (every fold model's output) is not "
                             "supported: a chain predicts with its refitted model")
        if isinstance(prediction_obj, (str, Path)) and Path(prediction_obj).suffix == ".n4a":
            return predict(prediction_obj, dataset).to_numpy()
        return self._result().predict(dataset, chain=_chain_id(prediction_obj)).to_numpy()

    def export(self, source: Any, output_path: str | Path, format: str = "n4a") -> Path:
        """Export a chain of the last run as a ``.n4a`` bundle."""
        return self._result().export(output_path, export_choice(format, None, None, source))

    def export_model(self, source: Any, output_path: str | Path, format: str | None = None,
                     fold: Any = None) -> Path:
        """Write one fitted model of the last run (see ``RunResult.export_model``)."""
        return self._result().export_model(output_path, source=source, format=format,
                                           fold=fold)

    def retrain(self, source: Any, dataset: Any, mode: str = "full",
                **options: Any) -> RunResult:
        """Train a chain of the last run (or a bundle) again (see :func:`nirs4all.retrain`)."""
        from nirs4all.api._result_07 import _chain_id
        from nirs4all.api.retrain import retrain

        if isinstance(source, (str, Path)) and Path(source).suffix == ".n4a":
            return retrain(source, dataset, mode=mode, **options)
        return retrain(self._result(), dataset, mode=mode, chain=_chain_id(source),
                       workspace=self.workspace_path, **options)
