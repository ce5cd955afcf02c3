"""What every ``nirs4all`` command shares: the exit codes and the way output is printed."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

__all__ = ["EXIT_BAD_INPUT", "EXIT_BUSY", "EXIT_INTEGRITY", "EXIT_OK", "add_json", "emit",
           "fail", "plain", "to_json"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTEGRITY = 3
EXIT_BUSY = 4


def plain(value: Any) -> Any:
    """``value`` as JSON data: NaN and infinities become None, numpy scalars Python ones,
    tuples lists, paths strings and dates ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        # arrays and numpy scalars, without importing numpy (``--help`` stays fast)
        return plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def to_json(data: Any) -> str:
    """Strict JSON (``allow_nan=False``) of :func:`plain` ``(data)``."""
    return json.dumps(plain(data), indent=2, allow_nan=False)


def emit(data: Any, as_json: bool, lines: list[str] | str) -> None:
    """Print ``data`` as JSON, or the text ``lines``."""
    if as_json:
        print(to_json(data))
    else:
        print(lines if isinstance(lines, str) else "\n".join(lines))


def fail(message: str) -> int:
    """Print ``nirs4all: error: message`` on standard error and return exit code 2."""
    print(f"nirs4all: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def add_json(command: argparse.ArgumentParser) -> None:
    """Add the ``--json`` flag."""
    command.add_argument("--json", action="store_true",
                         help="print JSON for machines (the fields of the text output)")
