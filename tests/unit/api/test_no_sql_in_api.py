"""SQL lives only in ``nirs4all/workspace/``: the api package calls the workspace's methods.

The rule, checked on the syntax tree of every module of ``nirs4all/api/``:

- no ``import duckdb`` (at module level or inside a function);
- no string that reads as SQL (an upper-case statement such as ``SELECT ... FROM``,
  ``INSERT INTO``, ``UPDATE ... SET``, ``DELETE FROM``, ``CREATE TABLE``), f-strings
  included;
- no call of a raw query method (``.sql()``, ``.execute()``, ``.executemany()``) and no use
  of the store's raw connection (``.connection``, ``._writable()``, ``._reader()``).

The fix for a finding: add a method to :class:`nirs4all.workspace.Workspace` (or to the
run's write session, :mod:`nirs4all.workspace.session`) and call that.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[3] / "nirs4all" / "api"

_SQL = re.compile(r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET"
                  r"|DELETE\s+FROM|(CREATE|ALTER|DROP)\s+(TABLE|VIEW|INDEX)|ANTI\s+JOIN)\b")
_RAW_METHODS = {"sql", "execute", "executemany", "_writable", "_reader"}
_RAW_ATTRIBUTES = {"connection"}


def sql_findings(source: str, where: str) -> list[str]:
    """Every SQL use in ``source``, as ``where:line: what`` (empty when clean)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import) and any(
                a.name.split(".")[0] == "duckdb" for a in node.names):
            found.append(f"{where}:{line}: imports duckdb")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "duckdb":
            found.append(f"{where}:{line}: imports from duckdb")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and _SQL.search(node.value):
            found.append(f"{where}:{line}: SQL text {node.value[:40]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _RAW_METHODS:
            found.append(f"{where}:{line}: calls .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr in _RAW_ATTRIBUTES:
            found.append(f"{where}:{line}: uses .{node.attr}")
    return found


def test_no_module_of_the_api_package_holds_sql():
    findings = [f for path in sorted(API.rglob("*.py"))
                for f in sql_findings(path.read_text(encoding="utf-8"),
                                      str(path.relative_to(API.parents[1])))]
    assert not findings, (
        "SQL belongs in nirs4all/workspace/: add a Workspace (or RunSession) method and call "
        "it from the api.\n" + "\n".join(findings))


@pytest.mark.parametrize("snippet", [
    "import duckdb\n",
    "def f():\n    import duckdb.typing as t\n",
    "from duckdb import connect\n",
    "def f(ws):\n    return ws.sql('SELECT 1 AS one FROM runs')\n",
    "Q = 'SELECT coalesce(sum(size_bytes), 0) AS b FROM artifacts'\n",
    "def f(t):\n    return f'INSERT INTO {t} VALUES (1)'\n",
    "Q = '''UPDATE runs\n  SET status = 1'''\n",
    "Q = 'DELETE FROM chains'\n",
    "Q = 'CREATE TABLE x (a INT)'\n",
    "def f(ws):\n    ws.connection\n",
    "def f(ws):\n    return ws._writable()\n",
    "def f(con):\n    con.execute('x')\n",
])
def test_each_spelling_of_sql_is_found(snippet):
    assert sql_findings(snippet, "snippet.py")


@pytest.mark.parametrize("snippet", [
    '"""Select the best chain from the store and update its scores."""\n',
    "def f(ws, run_id):\n    ws.record_lineage(run_id, retrain_mode='full')\n",
    "MESSAGE = 'create a table of results'\n",
])
def test_prose_and_workspace_methods_are_not_findings(snippet):
    assert sql_findings(snippet, "snippet.py") == []
