"""Training options of a model step: ``train_params`` and ``refit_params``.

``{"model": M, "train_params": {...}, "refit_params": {...}}`` (the 0.x forms). Each key is
either a constructor parameter of the model (in ``get_params()``: set with ``set_params``
on the step's copy of the model) or a keyword argument of its ``fit`` (``epochs`` of a
network, passed to every fit). ``train_params`` apply to every fit of the step, the CV folds
and the ``"final"`` refit; ``refit_params`` are merged over them for the ``"final"`` fit
only (e.g. more iterations once the model is chosen).

Identity: options that change the fitted model are part of the step's spec, so of the
``pipeline_id`` and every chain id. The keys of :data:`RUNTIME_KEYS` (``verbose``,
``n_jobs``) change how a fit runs, not what it produces: :func:`identity_view` drops them
from the spec before it is hashed, and a model that takes neither silently ignores them
(0.x pipelines pass ``{"verbose": 0}`` to every model). Any other key the model does not
take is a :class:`~nirs4all.errors.SpecError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nirs4all.errors import SpecError

__all__ = ["OPTION_KEYS", "RUNTIME_KEYS", "TrainingOptions", "identity_view",
           "training_options"]

RUNTIME_KEYS = frozenset({"verbose", "n_jobs"})
"""Training options that do not change the fitted model (not part of any identity)."""

OPTION_KEYS = ("train_params", "refit_params")


@dataclass(frozen=True)
class TrainingOptions:
    """The training options of one model step, sorted by how they are applied.

    ``set_train``/``set_refit``: constructor parameters for every fit / over them for the
    ``"final"`` fit; ``fit_train``/``fit_refit``: ``fit`` keyword arguments, likewise.
    """

    set_train: Mapping[str, Any] = field(default_factory=dict)
    set_refit: Mapping[str, Any] = field(default_factory=dict)
    fit_train: Mapping[str, Any] = field(default_factory=dict)
    fit_refit: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_fit_kwargs(self) -> bool:
        """Whether any fit gets keyword arguments."""
        return bool(self.fit_train or self.fit_refit)

    def for_fit(self, final: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(set_params, fit kwargs)`` of a CV fit, or of the ``"final"`` fit."""
        if not final:
            return {}, dict(self.fit_train)  # set_train is already on the step's model
        return dict(self.set_refit), {**self.fit_train, **self.fit_refit}


def _fit_arguments(model: Any) -> tuple[set[str], bool]:
    try:
        signature = inspect.signature(model.fit)
    except (TypeError, ValueError):
        return set(), True
    names = {p.name for p in signature.parameters.values()
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return names - {"X", "y"}, any(p.kind is p.VAR_KEYWORD
                                   for p in signature.parameters.values())


def _sort(model: Any, options: Any, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if options is None:
        return {}, {}
    if not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options):
        raise SpecError(f"{where}: expected a dict of option names to values; got "
                        f"{type(options).__name__}")
    params = set(model.get_params(deep=False)) if hasattr(model, "get_params") else set()
    fit_names, fit_any = _fit_arguments(model)
    set_params, fit_kwargs = {}, {}
    for key, value in options.items():
        if key in params:
            set_params[key] = value
        elif key in fit_names or (fit_any and key not in RUNTIME_KEYS):
            fit_kwargs[key] = value
        elif key not in RUNTIME_KEYS:
            raise SpecError(
                f"{where}.{key}: {type(model).__name__} has no parameter {key!r} and its fit "
                f"takes no such argument; parameters are {sorted(params)}, fit arguments "
                f"{sorted(fit_names)}")
    return set_params, fit_kwargs


def training_options(model: Any, train: Any, refit: Any, where: str) -> TrainingOptions:
    """Sort a model step's ``train_params`` and ``refit_params`` (see the module docstring).

    Raises
    ------
    SpecError
        For an option that is neither a parameter nor a ``fit`` argument of the model,
        naming it (``steps[2].train_params.epochs``).
    """
    set_train, fit_train = _sort(model, train, f"{where}.train_params")
    set_refit, fit_refit = _sort(model, refit, f"{where}.refit_params")
    return TrainingOptions(set_train, set_refit, fit_train, fit_refit)


def identity_view(spec: Any) -> Any:
    """The spec without the :data:`RUNTIME_KEYS` of any model step's training options
    (those of its ``finetune_params`` included, and their ``verbose``).

    A copy (containers only; operators are shared): the spec hashed into the
    ``pipeline_id`` and the step identities.
    """
    if isinstance(spec, (list, tuple)):
        return type(spec)(identity_view(item) for item in spec)
    if not isinstance(spec, Mapping) or isinstance(spec, type):
        return spec
    if "model" not in spec:
        return {key: identity_view(value) for key, value in spec.items()}
    return _without_runtime_keys(spec)


def _without_runtime_keys(step: Mapping) -> dict[str, Any]:
    out = {}
    for key, value in step.items():
        if key in OPTION_KEYS and isinstance(value, Mapping):
            kept = {k: v for k, v in value.items() if k not in RUNTIME_KEYS}
            if kept:
                out[key] = kept
        elif key == "finetune_params" and isinstance(value, Mapping):
            out[key] = _without_runtime_keys({k: v for k, v in value.items()
                                              if k != "verbose"})
        else:
            out[key] = identity_view(value)
    return out
