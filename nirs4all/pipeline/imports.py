"""Imports by dotted path, only from trusted module prefixes.

YAML/JSON pipelines and stored specifications name classes by dotted path. Importing an
arbitrary path runs arbitrary code, so a path resolves only under ``sklearn.``,
``nirs4all.`` and the prefixes added with :func:`register_module_prefix`; the module that
defines the object must be trusted too, and no part of the path may be a dunder name.

A bare name (``"SNV"``, ``"PLSRegression"``, ``"KFold"``) resolves through the registry of
:func:`step_registry`: the public step classes of ``nirs4all.operators.*`` and scikit-learn's
estimators and splitters. A name outside it is refused with the closest registered names.

A path that is to be *constructed* (a pipeline file's ``class:``, a stored estimator) must
also name a pipeline step: :func:`resolve_step_class` refuses any other class before
anything is called, and :func:`build_step` turns a constructor's refusal into a
:class:`~nirs4all.errors.SpecError` naming the step's position.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from nirs4all.errors import (
    CanonicalDecodingError,
    DisallowedClassError,
    SpecError,
    UnsafeImportError,
)

__all__ = [
    "DEFAULT_ALLOWED",
    "build_step",
    "close_names",
    "is_step_class",
    "register_module_prefix",
    "registered_prefixes",
    "resolve",
    "resolve_class",
    "resolve_step_class",
    "step_registry",
    "unregister_module_prefix",
]

DEFAULT_ALLOWED: tuple[str, ...] = ("sklearn.", "nirs4all.")
"""Module prefixes from which :func:`resolve_class` imports without registration."""

_REGISTERED: list[str] = []
_OPERATOR_PACKAGES = ("transforms", "models", "splitters", "augmentation", "filters")
_SHORT_NAMES: dict[str, type | tuple[str, ...]] = {}


def _type_name(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _as_prefix(prefix: str) -> str:
    name = prefix.removesuffix(".") if isinstance(prefix, str) else ""
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise ValueError(f"{prefix!r} is not a module prefix such as 'mypackage.'")
    return name + "."


def register_module_prefix(prefix: str) -> None:
    """Trust classes and functions under ``prefix`` (``"mypackage."``) for this process.

    The registry is module-level state shared by every caller of :func:`resolve_class` and
    :func:`from_canonical`; register only packages whose constructors you trust.
    """
    normalized = _as_prefix(prefix)
    if normalized not in _REGISTERED:
        _REGISTERED.append(normalized)


def unregister_module_prefix(prefix: str) -> None:
    """Remove a prefix added by :func:`register_module_prefix` (no error if absent)."""
    normalized = _as_prefix(prefix)
    if normalized in _REGISTERED:
        _REGISTERED.remove(normalized)


def registered_prefixes() -> tuple[str, ...]:
    """Return the prefixes added by :func:`register_module_prefix`, in registration order."""
    return tuple(_REGISTERED)


def resolve(path: str, allowed_prefixes: Sequence[str] = DEFAULT_ALLOWED) -> Any:
    """Import the object at dotted ``path`` under the trusted prefixes (see the module)."""
    allowed = (*(_as_prefix(p) for p in allowed_prefixes), *_REGISTERED)
    parts = path.split(".") if isinstance(path, str) else []
    if (
        len(parts) < 2
        or not path.startswith(allowed)
        or any(not part.isidentifier() or part.startswith("__") for part in parts)
    ):
        raise UnsafeImportError(
            f"refusing to import {path!r}: only paths under {', '.join(allowed)} (without "
            "dunder parts) are allowed; register_module_prefix trusts another package"
        )
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            target = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and (module_name + ".").startswith(exc.name + "."):
                continue
            raise
        break
    else:
        raise CanonicalDecodingError(f"cannot import {path!r}: no module {parts[0]!r}")
    for part in parts[cut:]:
        if not hasattr(target, part):
            raise CanonicalDecodingError(
                f"cannot import {path!r}: {getattr(target, '__name__', target)!r} has no "
                f"attribute {part!r} (renamed or removed in the installed version?)"
            )
        target = getattr(target, part)
    owner = getattr(target, "__module__", None) or ""
    if not (owner + ".").startswith(allowed):
        raise UnsafeImportError(
            f"refusing to import {path!r}: it is defined in module {owner!r}, outside "
            f"{', '.join(allowed)}"
        )
    return target


def resolve_class(path: str, allowed_prefixes: Sequence[str] = DEFAULT_ALLOWED) -> type:
    """Import the class at dotted ``path`` if it lies under a trusted module prefix.

    Trusted prefixes are ``allowed_prefixes`` plus :func:`registered_prefixes`. Both the path
    and the module that defines the class must be trusted, and no part may be a dunder name,
    so a re-exported ``os`` or ``builtins`` cannot be reached through a trusted package.

    Raises
    ------
    UnsafeImportError
        If the path or the class's defining module is not trusted.
    CanonicalDecodingError
        If the module or attribute does not exist, or the object is not a class.
    """
    target = resolve(path, allowed_prefixes)
    if not isinstance(target, type):
        raise CanonicalDecodingError(f"{path!r} is a {_type_name(target)}, not a class")
    return target


def _public_step_classes(module: Any) -> list[tuple[str, type]]:
    found = []
    for name in getattr(module, "__all__", ()):
        try:
            obj = getattr(module, name)
        except ImportError:  # an experimental scikit-learn class needing an opt-in import
            continue
        if isinstance(obj, type) and is_step_class(obj):
            found.append((name, obj))
    return found


def _build_registry() -> dict[str, type | tuple[str, ...]]:
    from sklearn import model_selection
    from sklearn.utils.discovery import all_estimators

    candidates: list[tuple[str, type]] = []
    for package in _OPERATOR_PACKAGES:
        module = importlib.import_module(f"nirs4all.operators.{package}")
        candidates += _public_step_classes(module)
    candidates += [(name, cls) for name, cls in all_estimators()]
    candidates += _public_step_classes(model_selection)
    classes: dict[str, list[type]] = {}
    for name, cls in candidates:
        same = classes.setdefault(name, [])
        if cls not in same:
            same.append(cls)
    # a name two different classes answer to is kept as the list of their paths, so that
    # the message can ask for the dotted path instead of picking one silently
    return {name: found[0] if len(found) == 1 else
            tuple(f"{c.__module__}.{c.__qualname__}" for c in found)
            for name, found in classes.items()}


def step_registry() -> dict[str, type]:
    """The step classes a bare name resolves to, by name (built on first use).

    It holds the public estimators, transforms, splitters and augmenters exported by
    ``nirs4all.operators.transforms|models|splitters|augmentation|filters`` and scikit-learn's
    estimators (``sklearn.utils.discovery.all_estimators``) and ``sklearn.model_selection``
    splitters. Names that two different classes share are left out: write their path.
    """
    if not _SHORT_NAMES:
        _SHORT_NAMES.update(_build_registry())
    return {name: cls for name, cls in _SHORT_NAMES.items() if isinstance(cls, type)}


def close_names(name: str, n: int = 5) -> list[str]:
    """The registered step names closest to ``name`` (difflib ratio), best first."""
    step_registry()
    last = name.rsplit(".", 1)[-1]
    by_lower = {k.lower(): k for k in _SHORT_NAMES}
    found = difflib.get_close_matches(last.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[k] for k in found]


def _resolve_short_name(name: str, where: str) -> type:
    at = f"{where}: " if where else ""
    step_registry()
    entry = _SHORT_NAMES.get(name)
    if isinstance(entry, type):
        return entry
    if isinstance(entry, tuple):
        raise DisallowedClassError(f"{at}the name {name!r} is ambiguous: write one of the "
                                   f"paths {', '.join(entry)}")
    close = close_names(name)
    hint = f"; close names: {', '.join(close)}" if close else ""
    raise DisallowedClassError(
        f"{at}unknown step name {name!r}: a bare name must be a public class of "
        f"nirs4all.operators or a scikit-learn estimator or splitter{hint} (or write a "
        "dotted path under a trusted prefix)")


def is_step_class(cls: type) -> bool:
    """Whether ``cls`` builds a pipeline step: an estimator (``get_params``: transformers,
    models, nirs4all's operators) or a splitter (``split`` and ``get_n_splits``)."""
    if callable(getattr(cls, "get_params", None)):
        return True
    return callable(getattr(cls, "split", None)) and callable(getattr(cls, "get_n_splits", None))


def resolve_step_class(path: str, allowed_prefixes: Sequence[str] = DEFAULT_ALLOWED,
                       where: str = "") -> type:
    """Import the class at ``path`` (see :func:`resolve_class`) if it is a pipeline step.

    Parameters
    ----------
    path : str
        Dotted path of the class.
    allowed_prefixes : sequence of str
        Trusted module prefixes (plus :func:`registered_prefixes`).
    where : str
        The position of the step, for the message (``"pipeline.yaml: steps[2]"``).

    Raises
    ------
    DisallowedClassError
        If the class is neither an estimator nor a splitter; nothing was constructed.
    UnsafeImportError, CanonicalDecodingError
        As :func:`resolve_class`.
    """
    if isinstance(path, str) and path.isidentifier():
        return _resolve_short_name(path, where)
    try:
        cls = resolve_class(path, allowed_prefixes)
    except (UnsafeImportError, CanonicalDecodingError) as exc:
        close = close_names(path) if isinstance(path, str) else []
        if not close:
            raise
        raise type(exc)(f"{where + ': ' if where else ''}{exc}; close names: "
                        f"{', '.join(close)}") from None
    if not is_step_class(cls):
        at = f"{where}: " if where else ""
        raise DisallowedClassError(
            f"{at}refusing to build {path!r}: a pipeline constructs only estimators (classes "
            "with get_params: transformers, models, nirs4all's operators) and splitters "
            "(split and get_n_splits); name one of those"
        )
    return cls


def build_step(cls: type, params: Mapping[str, Any], where: str, name: str = "") -> Any:
    """Construct a step class checked by :func:`resolve_step_class` with ``params``.

    ``name`` is the class as the caller wrote it (its import path by default).

    Raises
    ------
    SpecError
        If the constructor refuses the parameters (a ``TypeError`` or ``ValueError``); the
        message names ``where``, the class and the parameters.
    """
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        shown = ", ".join(f"{k}={v!r}" for k, v in sorted(params.items()))
        name = name or f"{cls.__module__}.{cls.__qualname__}"
        raise SpecError(f"{where}: cannot build {name}({shown}): {exc}") from None
