"""Every Python code block of the README and docs/ runs (blocks of a page share a namespace)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("page", [p for p in PAGES if BLOCK.search(p.read_text())],
                         ids=lambda p: p.name)
def test_code_blocks_run(page: Path, tmp_path: Path) -> None:
    namespace: dict = {"__name__": "__docs__"}
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for block in BLOCK.findall(page.read_text()):
            exec(compile(block, str(page), "exec"), namespace)  # noqa: S102 - our own docs
    finally:
        os.chdir(cwd)
