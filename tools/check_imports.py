"""Release gate: the import graph of the package has no cycle and no upward edge.

Every import of the package's own modules counts, wherever it is written: at module level,
inside a function (a late import hides a cycle, it does not remove it), under
``if TYPE_CHECKING:``, and ``importlib.import_module("nirs4all.x")`` with a literal name.
The layers, lowest first (a module may import its own layer and the layers below it):

    errors, utils, _version, config  <  data, operators  <  pipeline, controllers
                   <  workspace  <  api, sklearn
                   <  viz, visualization, cli, cli_workspace  <  the package's ``__init__``

An edge is offending when it points to a higher layer, or when both of its ends lie on one
cycle (the same strongly connected component). Known offending edges are listed, each with
its reason, in ``tools/import-exceptions.json``. The gate fails on an offending edge that
is not listed, and on a listed edge that no longer offends (remove it: the list only
shrinks).

Usage: ``python tools/check_imports.py [PACKAGE_DIR] [--exceptions FILE]``; prints the
offending edges and the cycles they close, exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS = Path(__file__).with_name("import-exceptions.json")
LAYERS = {
    "errors": 0, "utils": 0, "_version": 0, "config": 0,
    "data": 1, "operators": 1, "synthesis": 1,
    "pipeline": 2, "controllers": 2,
    "workspace": 3,
    "api": 4, "sklearn": 4, "explanation": 4,
    "viz": 5, "visualization": 5, "cli": 5, "cli_workspace": 5,
    "": 6,
}


@dataclass(frozen=True, order=True)
class Import:
    """One import statement of a package module naming another package module."""

    source: str
    target: str
    path: str
    line: int
    kind: str  # "module-level", "function-level", "type-checking", "dynamic" or "face"


def module_names(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under ``package``."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    """The rank of a module's layer (its first component below the package)."""
    relative = module.partition(".")[2]
    return layers.get(relative.split(".")[0])


class _Collector(ast.NodeVisitor):
    """The imports of one module, with the context each one is written in."""

    def __init__(self, module: str, is_package: bool, modules: set[str]) -> None:
        self.module, self.modules = module, modules
        self.package = module if is_package else module.rpartition(".")[0]
        self.context = ["module-level"]
        self.classes = 0  # depth of class bodies: a method named __getattr__ is no face
        self.found: list[tuple[str, int, str]] = []

    def _add(self, name: str, line: int, kind: str | None = None) -> None:
        while name and name not in self.modules:  # `a.b.func` is an import of module `a.b`
            name = name.rpartition(".")[0]
        if name and name != self.module:
            self.found.append((name, line, kind or self.context[-1]))

    def _scoped(self, node: ast.AST, kind: str) -> None:
        self.context.append(kind)
        self.generic_visit(node)
        self.context.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # A module's PEP 562 ``__getattr__`` resolves a 0.x import path on attribute access
        # only: its imports are "face" edges, checked against the faces list, not the graph.
        face = (getattr(node, "name", "") == "__getattr__" and self.context == ["module-level"]
                and not self.classes)
        self._scoped(node, "face" if face else "function-level")

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes += 1
        self.generic_visit(node)
        self.classes -= 1
    visit_Lambda = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name != "TYPE_CHECKING":
            self.generic_visit(node)
            return
        self.context.append("type-checking")
        for child in node.body:
            self.visit(child)
        self.context.pop()
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            anchor = self.package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            full = f"{base}.{alias.name}"
            self._add(full if full in self.modules else base, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        argument = node.args[0] if node.args else None
        literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
        if name in ("import_module", "__import__") and literal:
            self._add(argument.value, node.lineno, "dynamic")
        self.generic_visit(node)


def collect(package: Path) -> list[Import]:
    """Every import between the modules of ``package``."""
    modules = module_names(package)
    found = []
    for module, path in modules.items():
        collector = _Collector(module, path.name == "__init__.py", set(modules))
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        shown = path.relative_to(package.parent).as_posix()
        found += [Import(module, target, shown, line, kind)
                  for target, line, kind in collector.found]
    return sorted(set(found))  # `from a import b, c` is one statement


def _path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The shortest chain of imports from ``start`` to ``goal`` (breadth first)."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path: list[str] = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for following in graph.get(node, []):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


@dataclass(frozen=True)
class Offending:
    """An edge against the layer order or on a cycle, with the statements that make it."""

    source: str
    target: str
    why: str
    imports: tuple[Import, ...]

    def describe(self) -> str:
        where = "\n".join(f"    {i.path}:{i.line} ({i.kind})" for i in self.imports)
        return f"{self.source} -> {self.target}: {self.why}\n{where}"


def _layer_name(module: str) -> str:
    relative = module.partition(".")[2]
    return relative.split(".")[0] or "the package root"


def offending_edges(imports: list[Import],
                    layers: dict[str, int]) -> dict[tuple[str, str], Offending]:
    """Every edge that points up the layers or whose target imports its source back."""
    by_edge: dict[tuple[str, str], list[Import]] = {}
    for statement in (i for i in imports if i.kind != "face"):
        by_edge.setdefault((statement.source, statement.target), []).append(statement)
    graph: dict[str, list[str]] = {}
    for source, target in sorted(by_edge):
        graph.setdefault(source, []).append(target)
    found = {}
    for (source, target), statements in sorted(by_edge.items()):
        reasons = []
        low, high = layer_of(source, layers), layer_of(target, layers)
        if low is not None and high is not None and high > low:
            reasons.append(f"upward: {_layer_name(source)} (layer {low}) imports "
                           f"{_layer_name(target)} (layer {high})")
        back = _path(graph, target, source)
        if back:
            reasons.append("cycle: " + " -> ".join([source, *back]))
        if reasons:
            found[source, target] = Offending(source, target, "; ".join(reasons),
                                              tuple(statements))
    return found


def load_exceptions(path: Path, section: str = "exceptions"
                    ) -> tuple[dict[tuple[str, str], str], list[str]]:
    """The allowed edges of one section of the exceptions file, and what is wrong with it."""
    entries = json.loads(path.read_text(encoding="utf-8")).get(section, [])
    allowed: dict[tuple[str, str], str] = {}
    problems = []
    for number, entry in enumerate(entries):
        key = (entry.get("from", ""), entry.get("to", ""))
        if not all(key) or not str(entry.get("reason", "")).strip():
            problems.append(f"BAD EXCEPTION #{number} in {path.name}: needs from, to and reason")
        elif key in allowed:
            problems.append(f"BAD EXCEPTION #{number} in {path.name}: {key[0]} -> {key[1]} "
                            "is listed twice")
        else:
            allowed[key] = entry["reason"]
    return allowed, problems


def check(package: Path, exceptions: Path | None = EXCEPTIONS,
          layers: dict[str, int] = LAYERS) -> list[str]:
    """Failure lines of the gate (empty when the import graph is in order)."""
    failures = [f"NO LAYER {module}: add {_layer_name(module)!r} to LAYERS in "
                "tools/check_imports.py" for module in module_names(package)
                if layer_of(module, layers) is None]
    allowed, problems = load_exceptions(exceptions) if exceptions else ({}, [])
    failures += problems
    imports = collect(package)
    found = offending_edges(imports, layers)
    failures += [f"NEW {edge.describe()}" for key, edge in found.items() if key not in allowed]
    failures += [f"STALE {source} -> {target} ({reason}): this edge no longer offends; "
                 f"remove it from {exceptions.name}"
                 for (source, target), reason in allowed.items() if (source, target) not in found]
    return failures + _face_failures(imports, exceptions)


def _face_failures(imports: list[Import], exceptions: Path | None) -> list[str]:
    """Every ``__getattr__`` face edge must be listed under "faces", and every listed one used."""
    faces, problems = load_exceptions(exceptions, "faces") if exceptions else ({}, [])
    used = {(i.source, i.target): i for i in imports if i.kind == "face"}
    problems += [f"NEW FACE {source} -> {target}: {i.path}:{i.line} resolves a name lazily in "
                 "__getattr__; list it under 'faces' with the 0.x path it keeps"
                 for (source, target), i in sorted(used.items()) if (source, target) not in faces]
    problems += [f"STALE FACE {source} -> {target} ({reason}): no __getattr__ imports it; "
                 "remove it" for (source, target), reason in faces.items()
                 if (source, target) not in used]
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=ROOT / "nirs4all")
    parser.add_argument("--exceptions", type=Path, default=EXCEPTIONS,
                        help="allow-list of known offending edges (default: %(default)s)")
    arguments = parser.parse_args(argv[1:])
    failures = check(arguments.package, arguments.exceptions)
    for failure in failures:
        print(failure)
    listed = len(load_exceptions(arguments.exceptions)[0]) if arguments.exceptions else 0
    print(f"import graph of {arguments.package}: {len(module_names(arguments.package))} "
          f"modules, {listed} known exception(s), {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
