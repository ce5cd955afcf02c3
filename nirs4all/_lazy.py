"""Lazy attribute access for the package faces (PEP 562).

A face (``nirs4all``, ``nirs4all.api``, ``nirs4all.workspace`` ...) lists its public names in
a plain table ``{name: module}``; the module is imported the first time the name is asked
for, so ``import nirs4all`` costs only what it uses. scikit-learn, SciPy, DuckDB, pyarrow
and skops are imported where they are used, never by importing a face.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def attach(
    package: str, table: Mapping[str, str], fallback: Callable[[str], object] | None = None,
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Build a face's ``__getattr__`` and ``__dir__``.

    Parameters
    ----------
    package : str
        The face's module name (``__name__``), used in the error message.
    table : Mapping[str, str]
        Public name -> the module that defines it (the name is an attribute of that module),
        or ``"module:attribute"`` for a name that is an alias of another attribute.
    fallback : callable, optional
        Called with a name the table does not hold (for 0.x paths that need more than a
        table); it raises ``AttributeError`` itself when it does not know the name either.

    Returns
    -------
    (__getattr__, __dir__)
        Assign both at the face's module level.
    """
    def __getattr__(name: str) -> object:
        target = table.get(name)
        if target is None:
            if fallback is not None:
                return fallback(name)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = target.partition(":")
        value = getattr(importlib.import_module(module), attribute or name)
        # Bind the name on the face so the next access is an ordinary attribute lookup.
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        namespace = vars(sys.modules[package])
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
