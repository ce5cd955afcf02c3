"""``nirs4all report``: one self-contained HTML report of a stored run."""

from __future__ import annotations

from typing import Any

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    """Add ``report`` (not built yet)."""
