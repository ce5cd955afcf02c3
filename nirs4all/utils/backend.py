"""Which optional back-ends are installed, without importing them.

0.x scripts test ``TF_AVAILABLE``, ``TORCH_AVAILABLE``, ``JAX_AVAILABLE`` and
``IKPLS_AVAILABLE`` before building a model, and tag model-building functions with
:func:`framework`. The flags are computed from the import system's metadata
(:func:`importlib.util.find_spec`), so reading them never imports TensorFlow, PyTorch or
JAX, and importing this module has no side effect. This release ships no deep-learning
models; the flags only say what is installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "IKPLS_AVAILABLE",
    "JAX_AVAILABLE",
    "TF_AVAILABLE",
    "TORCH_AVAILABLE",
    "framework",
    "is_available",
    "is_gpu_available",
    "is_tensorflow_available",
]

F = TypeVar("F", bound=Callable[..., Any])

_FRAMEWORKS = ("tensorflow", "torch", "jax", "sklearn")


def is_available(module: str) -> bool:
    """Whether ``module`` can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken parent package or an odd __spec__
        return False


TF_AVAILABLE = is_available("tensorflow")
TORCH_AVAILABLE = is_available("torch")
JAX_AVAILABLE = is_available("jax")
IKPLS_AVAILABLE = is_available("ikpls")


def is_tensorflow_available() -> bool:
    """Whether TensorFlow is installed."""
    return TF_AVAILABLE


def is_gpu_available() -> bool:
    """Whether a GPU is visible to an installed framework.

    Only frameworks that are already imported by the caller are asked, so this function
    never imports a deep-learning framework itself; with none imported it answers False.
    """
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and bool(torch.cuda.is_available()):
        return True
    tf = sys.modules.get("tensorflow")
    return tf is not None and bool(tf.config.list_physical_devices("GPU"))


def framework(name: str) -> Callable[[F], F]:
    """Tag a model-building function with the framework it needs (0.x decorator).

    ``@framework("tensorflow")`` sets ``function.framework = "tensorflow"`` and returns
    the function unchanged.
    """
    if name not in _FRAMEWORKS:
        raise ValueError(f"framework must be one of {_FRAMEWORKS}; got {name!r}")

    def tag(function: F) -> F:
        function.framework = name  # type: ignore[attr-defined]
        return function

    return tag
