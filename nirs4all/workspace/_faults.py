"""File-system and store faults turned into typed errors naming the path and the fix.

DuckDB reports a damaged file, a full disk or a refused write as an ``IOException`` (or a
bare ``duckdb.Error``) whose message holds the operating system's reason; Python code gets
an ``OSError``. Both become :class:`~nirs4all.workspace.errors.WorkspaceCorruptError` or
:class:`~nirs4all.workspace.errors.WorkspaceStorageError`; every other error passes as it is.
"""

from __future__ import annotations

import errno
import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from nirs4all.errors import Nirs4allError
from nirs4all.workspace.errors import WorkspaceCorruptError, WorkspaceStorageError

__all__ = ["STORAGE_ERRNOS", "remove_created", "typed_fault", "typed_faults", "typed_method"]

_Method = TypeVar("_Method", bound=Callable[..., Any])

STORAGE_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC,
                            errno.EDQUOT, errno.ENOTDIR, errno.EEXIST})
"""Errors of the file system (not of the caller's code) that the workspace reports typed."""

_DUCKDB_REASONS = (("No space left on device", errno.ENOSPC),
                   ("Disk quota exceeded", errno.EDQUOT),
                   ("Read-only file system", errno.EROFS),
                   ("Permission denied", errno.EACCES),
                   ("Operation not permitted", errno.EPERM))
_CORRUPT = ("Corrupt database file", "Corrupt WAL file", "not a valid DuckDB database file",
            "Could not read enough bytes")
_QUOTED_PATH = re.compile(r'"(/[^"]+|[A-Za-z]:\\[^"]+)"')


def typed_fault(exc: BaseException, store_file: Path, action: str) -> Nirs4allError | None:
    """The typed error for ``exc``, or None when it is not a storage fault."""
    if isinstance(exc, Nirs4allError):
        return None
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        return WorkspaceStorageError(str(exc.filename or store_file), exc.errno, action)
    if not isinstance(exc, duckdb.Error):
        return None
    message = str(exc)
    quoted = _QUOTED_PATH.search(message)
    for reason, code in _DUCKDB_REASONS:
        if reason in message:
            return WorkspaceStorageError(quoted.group(1) if quoted else str(store_file), code,
                                         action)
    if any(text in message for text in _CORRUPT):
        damaged = quoted.group(1) if quoted else str(store_file)  # the store or its WAL
        return WorkspaceCorruptError(damaged, message.splitlines()[0])
    return None


@contextmanager
def typed_faults(store_file: Path, action: str) -> Iterator[None]:
    """Re-raise storage faults of the block as typed errors (the original as the cause)."""
    try:
        yield
    except Exception as exc:
        typed = typed_fault(exc, store_file, action)
        if typed is None:
            raise
        raise typed from exc


def typed_method(store_file: Callable[[Any], Path],
                 ) -> Callable[[str], Callable[[_Method], _Method]]:
    """A decorator factory: ``@typed(action)`` runs a method under :func:`typed_faults`.

    ``store_file(self)`` names the store the faults are reported against.
    """
    def typed(action: str) -> Callable[[_Method], _Method]:
        def decorate(method: _Method) -> _Method:
            @functools.wraps(method)
            def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
                with typed_faults(store_file(self), action):
                    return method(self, *args, **kwargs)
            return guarded  # type: ignore[return-value]
        return decorate
    return typed


def remove_created(files: list[Path], folders: list[Path]) -> None:
    """Remove files, then folders (deepest first), that a failed operation created."""
    # The fault that brought us here may forbid the removal too; the error raised says so.
    for path in files:
        with suppress(OSError):
            path.unlink(missing_ok=True)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with suppress(OSError):
            folder.rmdir()
