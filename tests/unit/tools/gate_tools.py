"""Loads the release-gate scripts of ``tools/`` (plain scripts, not a package) for the tests.

pytest puts this folder on ``sys.path`` (rootdir-relative "prepend" imports), so the test
modules beside it import it as ``gate_tools``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def load_tool(name: str) -> ModuleType:
    """The module ``tools/<name>.py``, loaded once per session."""
    if f"tools.{name}" in sys.modules:
        return sys.modules[f"tools.{name}"]
    spec = importlib.util.spec_from_file_location(f"tools.{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and NamedTuples look their module up
    spec.loader.exec_module(module)
    return module
