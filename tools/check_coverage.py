"""Release gate: every module keeps its branch coverage at or above its floor.

``tools/coverage-floors.json`` holds one floor per file of ``nirs4all/`` (no module without
one), in percent of branch coverage: ``covered_branches / num_branches`` of ``coverage
json``; a file without any branch is measured by its statements instead. Floors only go up:

- a module below its floor fails; a module more than three points above it is reported, and
  the floor should be raised in the same change;
- a new module without a floor fails, and so does a floor whose module is gone;
- ``tests/unit/tools/test_coverage_floors.py`` fails when a floor is lower than at the merge
  base with ``main`` (``floors_dropped`` below).

Usage:
``python tools/check_coverage.py COVERAGE_JSON``: check (exit 1 on a failure);
``python tools/check_coverage.py --update COVERAGE_JSON``: add floors for new modules and
raise floors to the measured figures rounded down; never lowers one.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = Path(__file__).with_name("coverage-floors.json")
PACKAGE = "nirs4all"
METRIC = "branch"
SLACK = 3.0
ABOUT = ("Per-file floors of branch coverage (percent of branches taken; statements for a file "
         "without branches), checked by tools/check_coverage.py. A floor never goes down.")


def modules() -> set[str]:
    """Every module file of the package, as ``nirs4all/sub/module.py``."""
    return {path.relative_to(ROOT).as_posix() for path in (ROOT / PACKAGE).rglob("*.py")}


def measured(report: dict) -> dict[str, float]:
    """Branch coverage (percent) of every file of a ``coverage json`` report."""
    root = ROOT
    figures = {}
    for name, data in report["files"].items():
        path = Path(name)
        if path.is_absolute() and path.is_relative_to(root):
            path = path.relative_to(root)
        summary = data["summary"]
        if summary["num_branches"]:
            covered, total = summary["covered_branches"], summary["num_branches"]
        else:
            covered, total = summary["covered_lines"], summary["num_statements"]
        figures[path.as_posix()] = 100.0 * covered / total if total else 100.0
    return figures


def read_floors(text: str) -> dict[str, int]:
    """The floors of a floors file; an error for a file of another metric."""
    data = json.loads(text)
    if data.get("metric") != METRIC:
        raise ValueError(f"coverage floors must measure {METRIC!r} coverage, this file "
                         f"measures {data.get('metric', 'lines (the old format)')!r}")
    return data["floors"]


def write_floors(floors: dict[str, int]) -> None:
    data = {"about": ABOUT, "metric": METRIC, "floors": dict(sorted(floors.items()))}
    FLOORS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def check(figures: dict[str, float], floors: dict[str, int], files: set[str]) -> list[str]:
    """One line per module (and per stray floor); failures start with ``FAIL``."""
    lines = []
    for name in sorted(files | set(floors)):
        floor, figure = floors.get(name), figures.get(name)
        if name not in files:
            lines.append(f"FAIL {name}: a floor for a module that does not exist; remove it")
        elif floor is None:
            lines.append(f"FAIL {name}: no coverage floor; add one to {FLOORS.name} "
                         "(python tools/check_coverage.py --update COVERAGE_JSON)")
        elif figure is None:
            lines.append(f"FAIL {name}: not in the coverage report (is it under "
                         "[tool.coverage.run] source?)")
        else:
            status = "FAIL" if figure < floor else "ok  "
            note = "  (raise the floor)" if figure > floor + SLACK else ""
            lines.append(f"{status} {name}: {figure:.1f}% (floor {floor}%){note}")
    return lines


def updated(figures: dict[str, float], floors: dict[str, int], files: set[str]) -> dict[str, int]:
    """Floors for every module: new ones at the measured figure, others only raised."""
    result = {}
    for name in sorted(files):
        reached = math.floor(figures.get(name, 0.0))
        result[name] = max(floors.get(name, 0), reached)
    return result


def floors_dropped(base_text: str | None, current: dict[str, int],
                   files: set[str]) -> tuple[list[str], str]:
    """Floors lower than (or missing from) the base version, and a note on what was compared.

    ``base_text`` is the floors file at the merge base (None when it did not exist there).
    A floor may disappear only with its module.
    """
    if base_text is None:
        return [], "no floors file at the merge base: nothing to compare"
    try:
        base = read_floors(base_text)
    except ValueError as exc:
        return [], f"the merge base holds floors of another kind ({exc}): nothing to compare"
    dropped = [f"{name}: floor {floor}% at the merge base, "
               f"{current[name]}% now" if name in current else
               f"{name}: floor {floor}% at the merge base, removed while the module exists"
               for name, floor in sorted(base.items())
               if name in files and current.get(name, -1) < floor]
    return dropped, f"compared {len(base)} floor(s) with the merge base"


def merge_base_floors(root: Path | None = None) -> tuple[str | None, str] | None:
    """The floors file at the merge base of HEAD with main (None if absent there) and that
    commit; None when git or the repository is not available.

    On main itself the merge base is HEAD, so the working copy is compared with the last
    commit. A clone without a ``main`` or ``origin/main`` ref is compared with HEAD too.
    """
    git = shutil.which("git")
    if git is None:
        return None
    root = root or ROOT

    def run(*arguments: str) -> subprocess.CompletedProcess:
        # git found on PATH, with our own fixed arguments
        return subprocess.run([git, *arguments], capture_output=True, text=True,  # noqa: S603
                              cwd=root, check=False)

    head = run("rev-parse", "HEAD")
    if head.returncode != 0:
        return None
    base = head.stdout.strip()
    for ref in ("main", "origin/main"):
        found = run("merge-base", "HEAD", ref)
        if found.returncode == 0:
            base = found.stdout.strip()
            break
    shown = run("show", f"{base}:{FLOORS.relative_to(ROOT).as_posix()}")
    return (shown.stdout if shown.returncode == 0 else None), base


def main(argv: list[str]) -> int:
    arguments = argv[1:]
    update = arguments[:1] == ["--update"]
    if update:
        arguments = arguments[1:]
    if len(arguments) != 1:
        print(__doc__)
        return 2
    figures = measured(json.loads(Path(arguments[0]).read_text(encoding="utf-8")))
    if update:
        try:
            floors = read_floors(FLOORS.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            floors = {}
        new = updated(figures, floors, modules())
        for name in sorted(new):
            if new[name] != floors.get(name):
                print(f"{name}: {floors.get(name, '-')} -> {new[name]}")
        write_floors(new)
        return 0
    lines = check(figures, read_floors(FLOORS.read_text(encoding="utf-8")), modules())
    print("\n".join(lines))
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
