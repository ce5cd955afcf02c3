"""Imports by dotted path, only from trusted module prefixes.

YAML/JSON pipelines and stored specifications name classes by dotted path. Importing an
arbitrary path runs arbitrary code, so a path resolves only under ``sklearn.``,
``nirs4all.`` and the prefixes added with :func:`register_module_prefix`; the module that
defines the object must be trusted too, and no part of the path may be a dunder name.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from nirs4all.errors import CanonicalDecodingError, UnsafeImportError

__all__ = [
    "DEFAULT_ALLOWED",
    "register_module_prefix",
    "registered_prefixes",
    "resolve",
    "resolve_class",
    "unregister_module_prefix",
]

DEFAULT_ALLOWED: tuple[str, ...] = ("sklearn.", "nirs4all.")
"""Module prefixes from which :func:`resolve_class` imports without registration."""

_REGISTERED: list[str] = []


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
