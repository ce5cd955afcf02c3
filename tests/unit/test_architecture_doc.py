"""docs/architecture.md stays true to the code: its module map and the names of run()'s path.

A module added later fails here until the map gives it a line (operators' subpackages are
mapped as packages; their modules are listed in their own docstrings).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "nirs4all"
_PREFIXES = ("nirs4all.", "nirs4all.workspace.", "nirs4all.workspace.store.",
             "nirs4all.workspace.session.", "nirs4all.api.result.", "")
_INSTANCE_ATTRIBUTES = {"result.workspace", "result.run_id"}


def _section(title: str) -> str:
    start = PAGE.index(f"## {title}")
    end = PAGE.find("\n## ", start + 1)
    return PAGE[start:end]


def _mapped_name(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE)
    if rel.parts[0] == "operators" and len(rel.parts) > 2:
        return None
    if rel.name == "__init__.py":
        return f"{rel.parent.name}/" if rel.parent.name else "__init__.py"
    return rel.name


def test_the_module_map_names_every_module():
    section = _section("Module map")
    missing = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                     if (name := _mapped_name(p)) is not None and name not in section)
    assert not missing, f"give these a line in the module map of docs/architecture.md: {missing}"


def _resolves(dotted: str) -> bool:
    for prefix in _PREFIXES:
        parts = (prefix + dotted).split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attribute in parts[cut:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                break
            return True
    return False


FLOW_NAMES = sorted(set(re.findall(r"`([A-Za-z_]\w*(?:\.\w+)+)(?:\(\))?`",
                                   _section("Data flow of `run()`"))) - _INSTANCE_ATTRIBUTES)


def test_the_data_flow_names_enough_functions():
    assert len(FLOW_NAMES) > 40


@pytest.mark.parametrize("dotted", FLOW_NAMES)
def test_every_function_on_the_run_path_exists(dotted):
    assert _resolves(dotted), f"docs/architecture.md names {dotted}, which does not exist"
