"""Release gate: line coverage of the critical modules never falls below its floor.

Floors live in ``tools/coverage-floors.json`` (module path prefix -> percent). A floor only
goes up: when a module is more than three points above its floor, this script says so, and
the floor should be raised in the same change.

Usage: ``python tools/check_coverage.py COVERAGE_JSON`` (``coverage json`` output); exit 1
when a group of modules is below its floor or a floor names no file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FLOORS = Path(__file__).with_name("coverage-floors.json")


def grouped_coverage(report: dict, prefix: str) -> tuple[int, int]:
    """Covered and total statements of every file whose path starts with ``prefix``."""
    covered = total = 0
    for name, data in report["files"].items():
        if Path(name).as_posix().endswith(".py") and prefix in Path(name).as_posix():
            summary = data["summary"]
            covered += summary["covered_lines"]
            total += summary["num_statements"]
    return covered, total


def check(report: dict, floors: dict[str, float]) -> list[str]:
    """Lines describing each group; failures start with ``FAIL``."""
    lines = []
    for prefix, floor in sorted(floors.items()):
        covered, total = grouped_coverage(report, prefix)
        if total == 0:
            lines.append(f"FAIL {prefix}: no file matches this floor")
            continue
        percent = 100.0 * covered / total
        status = "FAIL" if percent < floor else "ok  "
        note = "  (raise the floor)" if percent > floor + 3 else ""
        lines.append(f"{status} {prefix}: {percent:.1f}% (floor {floor:.0f}%){note}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    report = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    lines = check(report, floors)
    print("\n".join(lines))
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
