"""Release gate: the banned patterns that ruff's banned-api (TID251) cannot express.

ruff resolves every banned API of ``pyproject.toml`` through aliases (``import pickle as p;
p.load``, ``from copy import deepcopy``, ``from numpy import random; random.seed``). This
check resolves names the same way (imports and their aliases, per file) and covers the rest:

- ``N4A001`` the root logger: ``getLogger()``, ``getLogger("")``, ``getLogger(None)``,
  ``getLogger(name="root")``, ``<logger>.root.addHandler(...)``, in any spelling;
- ``N4A002`` global state changed at import time: warnings filters, logging switches, numpy
  error and print settings, ``sklearn.set_config``, environment and ``sys.path`` edits, a
  handler other than ``NullHandler``, attribute assignments into an imported module. Counted
  are the statements Python runs on import: the module body, class bodies, decorators,
  default values, and the bodies of module functions called from there;
- ``N4A003`` a banned API hidden from ruff: ``__import__("pickle")``,
  ``importlib.import_module("pickle")``, ``getattr(pickle, "loads")``;
- ``N4A004`` any private scikit-learn module or name (``sklearn.<...>._x``): the wildcard that
  ruff's list of ``sklearn.utils._*`` names cannot spell;
- ``N4A005`` unpickling through ``numpy.load(..., allow_pickle=...)``.

Usage: ``python tools/check_sources.py [PATH ...]`` (files or folders; default
``nirs4all/``); prints one line per offence and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]

DYNAMIC_IMPORTS = {"builtins.__import__", "importlib.__import__", "importlib.import_module"}
IMPORT_TIME_CALLS = {
    "warnings.simplefilter", "warnings.filterwarnings", "warnings.resetwarnings",
    "logging.disable", "logging.captureWarnings", "logging.setLoggerClass",
    "logging.setLogRecordFactory", "numpy.seterr", "numpy.seterrcall",
    "numpy.set_printoptions", "sklearn.set_config", "matplotlib.use",
    "matplotlib.pyplot.switch_backend", "matplotlib.rcParams.update", "os.chdir", "os.putenv",
    "os.unsetenv", "os.environ.update", "os.environ.setdefault", "os.environ.pop",
    "os.environ.clear", "sys.path.append", "sys.path.insert", "sys.path.extend",
    "sys.setrecursionlimit", "sys.settrace", "sys.setprofile", "locale.setlocale",
    "socket.setdefaulttimeout", "threadpoolctl.threadpool_limits", "faulthandler.enable",
}
LOGGER_METHODS = {"addHandler", "removeHandler", "setLevel", "addFilter", "handlers"}
ROOT_NAMES = (None, "", "root")


class Offence(NamedTuple):
    path: str
    line: int
    col: int
    code: str
    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


def banned_api(pyproject: Path = ROOT / "pyproject.toml") -> frozenset[str]:
    """The banned-api names of ruff's configuration (one list for both gates)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    return frozenset(lint["flake8-tidy-imports"]["banned-api"])


def is_private_sklearn(name: str) -> bool:
    """Whether a dotted name reaches a private part of scikit-learn."""
    parts = name.split(".")
    return parts[0] == "sklearn" and any(
        part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
        for part in parts[1:]
    )


def _literal(node: ast.expr | None) -> object:
    """The value of a literal string or ``None``; ``...`` for anything else."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return node.value
    return ...


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


class Names:
    """Dotted names of the expressions of one file, resolved through its imports.

    Bindings are collected from the whole file (every scope), so a name imported anywhere
    resolves everywhere: a gate may over-report, it must not miss a spelling.
    """

    def __init__(self, tree: ast.Module) -> None:
        self.aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        self.aliases[head] = head
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):  # second pass: `p = importlib.import_module("pickle")`
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                target = self.dynamic_module(node.value)
                for name in node.targets:
                    if target and isinstance(name, ast.Name):
                        self.aliases[name.id] = target

    def resolve(self, node: ast.expr) -> str | None:
        """``pickle.loads`` for ``p.loads`` after ``import pickle as p``; None if unknown."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id) or (
                f"builtins.{node.id}" if node.id in ("__import__", "getattr") else None)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            return self.dynamic_module(node) or self.getattr_target(node)
        return None

    def dynamic_module(self, call: ast.Call) -> str | None:
        """The module a literal ``__import__`` / ``import_module`` call returns."""
        function = self.resolve(call.func)
        if function not in DYNAMIC_IMPORTS:
            return None
        name = _literal(_argument(call, 0, "name"))
        if not isinstance(name, str) or not name:
            return None
        # __import__("a.b") returns the top package `a` unless a fromlist is given.
        fromlist = _argument(call, 3, "fromlist")
        returns_top = function != "importlib.import_module" and (
            fromlist is None or (isinstance(fromlist, ast.List | ast.Tuple) and not fromlist.elts))
        return name.split(".")[0] if returns_top else name

    def getattr_target(self, call: ast.Call) -> str | None:
        """``pickle.loads`` for ``getattr(pickle, "loads")``."""
        if self.resolve(call.func) != "builtins.getattr" or len(call.args) < 2:
            return None
        owner, attribute = self.resolve(call.args[0]), _literal(call.args[1])
        return f"{owner}.{attribute}" if owner and isinstance(attribute, str) else None


def _import_time_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node Python evaluates when it runs ``body`` as a module or class body."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            children = [*node.decorator_list, *arguments.defaults,
                        *(d for d in arguments.kw_defaults if d is not None)]
        elif isinstance(node, ast.Lambda):
            children = [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        else:
            children = list(ast.iter_child_nodes(node))
        stack.extend(reversed(children))


class FileCheck:
    """All offences of one source file."""

    def __init__(self, source: str, path: str, banned: frozenset[str]) -> None:
        self.path, self.banned = path, banned
        self.tree = ast.parse(source, filename=path)
        self.names = Names(self.tree)
        self.found: dict[tuple[int, int, str], Offence] = {}

    def report(self, node: ast.AST, code: str, name: str, message: str) -> None:
        key = (node.lineno, node.col_offset, code)
        self.found.setdefault(key, Offence(self.path, node.lineno, node.col_offset + 1, code,
                                           name, message))

    def is_banned(self, name: str) -> bool:
        return any(name == entry or name.startswith(f"{entry}.") for entry in self.banned)

    def hides_banned(self, module: str) -> bool:
        return self.is_banned(module) or any(e.startswith(f"{module}.") for e in self.banned)

    def run(self) -> list[Offence]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self.check_call(node)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                self.check_import(node)
            elif isinstance(node, ast.Attribute):
                self.check_attribute(node)
        self.check_import_time()
        return sorted(self.found.values())

    def check_call(self, call: ast.Call) -> None:
        target = self.names.resolve(call.func)
        if target == "logging.getLogger" and (
                (not call.args and not call.keywords)
                or _literal(_argument(call, 0, "name")) in ROOT_NAMES):
            self.report(call, "N4A001", "logging.getLogger",
                        "root logger: log to logging.getLogger(__name__) instead")
        module = self.names.dynamic_module(call)
        if module and (self.hides_banned(module) or is_private_sklearn(module)):
            self.report(call, "N4A003", module, f"dynamic import of {module!r} hides its "
                        "banned API from ruff: import it statically")
        hidden = self.names.getattr_target(call)
        if hidden and (self.is_banned(hidden) or is_private_sklearn(hidden)):
            self.report(call, "N4A003", hidden, f"getattr reaches banned {hidden}")
        if target == "numpy.load":
            flag = _argument(call, 2, "allow_pickle")
            if flag is not None and not (isinstance(flag, ast.Constant) and flag.value is False):
                self.report(call, "N4A005", "numpy.load",
                            "numpy.load with allow_pickle unpickles: store arrays, not objects")

    def check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:  # a relative import stays inside our own package
            names = []
        for name in names:
            if is_private_sklearn(name):
                self.report(node, "N4A004", name, f"private scikit-learn API {name}: use "
                            "the public helpers (sklearn.utils.validation)")

    def check_attribute(self, node: ast.Attribute) -> None:
        name = self.names.resolve(node)
        if name and is_private_sklearn(name) and not is_private_sklearn(name.rpartition(".")[0]):
            self.report(node, "N4A004", name, f"private scikit-learn API {name}")
        through_root = isinstance(node.value, ast.Attribute) and node.value.attr == "root"
        if node.attr in LOGGER_METHODS and through_root:
            self.report(node, "N4A001", "logging.root", f"root logger: .root.{node.attr}")

    def check_import_time(self) -> None:
        functions = {node.name: node for node in self.tree.body
                     if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        pending, seen = [(self.tree.body, "")], set()
        while pending:
            body, via = pending.pop()
            for node in _import_time_nodes(body):
                if isinstance(node, ast.Call):
                    called = node.func.id if isinstance(node.func, ast.Name) else None
                    if called in functions and called not in seen:
                        seen.add(called)
                        where = f" (in {called}(), called at import on line {node.lineno})"
                        pending.append((functions[called].body, where))
                    self.check_import_time_call(node, via)
                elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                    self.check_import_time_assignment(node, via)

    def check_import_time_call(self, call: ast.Call, via: str) -> None:
        target = self.names.resolve(call.func)
        if target in IMPORT_TIME_CALLS:
            self.report(call, "N4A002", target, f"{target} at import time{via} changes global "
                        "state: do it inside the function that needs it")
        elif isinstance(call.func, ast.Attribute) and call.func.attr in ("addHandler", "setLevel"):
            handler = call.args[0] if call.args else None
            null = (isinstance(handler, ast.Call)
                    and self.names.resolve(handler.func) == "logging.NullHandler")
            if call.func.attr == "setLevel" or not null:
                self.report(call, "N4A002", call.func.attr, f"logger {call.func.attr} at import "
                            f"time{via}: only a NullHandler may be added on import")

    def check_import_time_assignment(self, node: ast.stmt, via: str) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute | ast.Subscript):
                owner = self.names.resolve(target.value)
                if owner:
                    self.report(node, "N4A002", owner, f"assignment into {owner} at import "
                                f"time{via} changes global state")


def check_source(source: str, path: str, banned: frozenset[str] | None = None) -> list[Offence]:
    """Offences of one file's text (``banned`` defaults to ruff's banned-api list)."""
    return FileCheck(source, path, banned_api() if banned is None else banned).run()


def offences(*paths: Path) -> list[Offence]:
    """Offences of every ``.py`` file under ``paths``, named relative to the checkout."""
    banned = banned_api()
    found = []
    for top in paths:
        for path in sorted(top.rglob("*.py")) if top.is_dir() else [top]:
            resolved = path.resolve()
            shown = resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved
            found += check_source(path.read_text(encoding="utf-8"), shown.as_posix(), banned)
    return found


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv[1:]] or [ROOT / "nirs4all"]
    found = offences(*paths)
    for offence in found:
        print(offence)
    print(f"source check: {len(found)} offence(s) in {', '.join(map(str, paths))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
