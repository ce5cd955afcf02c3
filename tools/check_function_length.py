"""Release gate: no function of the library is longer than 60 lines without a stated reason.

The rule
--------
A function's length is the number of source lines from its ``def`` line to its last line,
decorators and its docstring not counted (numpydoc docstrings are long on purpose). A
function (or method, or nested function; each is measured on its own, a nested function
counting in its parent too) longer than :data:`LIMIT` lines must carry a reason in a
comment that starts with ``# long:``, either at the end of its ``def`` line or on the line
just above the function (above its decorators, if it has any)::

    # long: one transaction read top to bottom; its steps share a dozen tables of state
    def migrate_legacy(...):

The fix for a finding is to split the function by what its parts do; where it reads better
as one piece, say why in the ``# long:`` comment. An empty reason does not count.

Usage: ``python tools/check_function_length.py [PATH ...]`` (files or folders; default
``nirs4all/``); prints one line per finding and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 60
_REASON = re.compile(r"#\s*long:\s*\S")


class Finding(NamedTuple):
    """A function above the limit without a ``# long:`` reason."""

    path: str
    line: int
    name: str
    length: int

    def __str__(self) -> str:
        return (f"{self.path}:{self.line}: {self.name} is {self.length} lines (limit "
                f"{LIMIT}, docstring not counted): split it, or put a '# long: <why>' "
                "comment on its def line or the line above it")


def function_length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` to the end, without decorators and the docstring."""
    length = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        length -= first.end_lineno - first.lineno + 1
    return length


def _has_reason(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> bool:
    top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    candidates = [lines[node.lineno - 1]]
    if top >= 2:
        candidates.append(lines[top - 2])
    return any(_REASON.search(line) for line in candidates)


def long_functions(source: str, where: str) -> Iterator[Finding]:
    """Every function of ``source`` above the limit that gives no reason."""
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = function_length(node)
            if length > LIMIT and not _has_reason(node, lines):
                yield Finding(where, node.lineno, node.name, length)


def check(paths: list[Path]) -> list[Finding]:
    """The findings of every ``.py`` file under ``paths``, sorted by file and line."""
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py")))
    found = []
    for path in files:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        found.extend(long_functions(path.read_text(encoding="utf-8"), shown.as_posix()))
    return found


def main(argv: list[str]) -> int:
    """Print the findings; 1 when there is any."""
    findings = check([Path(a).resolve() for a in argv] or [ROOT / "nirs4all"])
    for finding in findings:
        print(finding)
    print(f"function length: {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
