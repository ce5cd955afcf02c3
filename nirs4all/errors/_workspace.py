"""Errors of the workspace store, its artifacts, chain selectors and bundles.

Each message names the thing at fault and what to do about it. Errors that are also a
standard Python error derive from that built-in too (a missing workspace is a
``FileNotFoundError``, an unknown chain a ``LookupError``).
"""

from __future__ import annotations

import errno as _errno
import os
from collections.abc import Sequence

from nirs4all.errors._base import Nirs4allError

__all__ = [
    "AmbiguousRunError",
    "AmbiguousSelectorError",
    "ArtifactIntegrityError",
    "ArtifactSerializationError",
    "BundleIntegrityError",
    "BundleNotFoundError",
    "ChainNotFoundError",
    "DuplicateKeyError",
    "IdentityConflictError",
    "LegacyImportError",
    "PredictionConflictError",
    "ReadOnlyQueryError",
    "RunNotFoundError",
    "UntrustedArtifactError",
    "UntrustedBundleError",
    "WorkspaceCorruptError",
    "WorkspaceError",
    "WorkspaceLockedError",
    "WorkspaceNotFoundError",
    "WorkspaceStorageError",
    "WorkspaceVersionError",
]


class BundleIntegrityError(Nirs4allError):
    """A ``.n4a`` bundle was changed, is incomplete, has extra members or a bad signature."""


class BundleNotFoundError(Nirs4allError, FileNotFoundError):
    """No file at the path given for a ``.n4a`` bundle: bad input, not a changed bundle."""


class UntrustedBundleError(Nirs4allError):
    """A bundle needs object types outside nirs4all's allow-list.

    Attributes
    ----------
    types : list of str
        The dotted names of the types nobody vouched for.
    """

    def __init__(self, message: str, types: list[str]) -> None:
        self.types = list(types)
        super().__init__(f"{message}: {', '.join(self.types)}")


class WorkspaceError(Nirs4allError):
    """Base class of the errors raised by the workspace store (and of the chain selector's)."""


class ChainNotFoundError(WorkspaceError, LookupError, ValueError):
    """No chain matches a selector (a workspace's, a run result's or a plot's).

    A ``LookupError`` as the workspace resolver always raised, and a ``ValueError`` as the
    plots raised before they shared the selector.
    """


class AmbiguousSelectorError(WorkspaceError, LookupError, ValueError):
    """A selector matches more than one chain.

    Parameters
    ----------
    selector : object
        What the caller asked for.
    candidates : sequence of str
        One line per matching chain, in the order the selector sorts them.
    """

    def __init__(self, selector: object, candidates: Sequence[str]) -> None:
        self.selector = selector
        self.candidates = tuple(candidates)
        lines = "\n  ".join(self.candidates)
        super().__init__(
            f"selector {selector!r} matches {len(self.candidates)} chains; give more hex "
            "digits of the chain id, or (in a workspace) add a field (chain_id, dataset_hash, "
            f"branch_path, model_name) to pick one:\n  {lines}"
        )


class WorkspaceNotFoundError(WorkspaceError, FileNotFoundError):
    """A workspace opened read-only (or imported) does not exist."""


class WorkspaceLockedError(WorkspaceError):
    """Another process holds the workspace.

    Parameters
    ----------
    path : str
        The workspace folder.
    pid : int or None
        Process id of the holder, when it could be read.
    waited_s : float
        How long the caller waited before giving up.
    """

    def __init__(self, path: str, pid: int | None, waited_s: float) -> None:
        self.path = path
        self.pid = pid
        self.waited_s = waited_s
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"workspace {path} is locked by {holder} (waited {waited_s:.1f} s); only one "
            "process may write a workspace: wait for it to finish, pass a larger "
            "lock_timeout, or open the workspace with read_only=True once it is released"
        )


class WorkspaceVersionError(WorkspaceError):
    """The store was written by a newer library, or its migrations do not match this one."""


class DuplicateKeyError(WorkspaceError, ValueError):
    """A batch holds the same natural key twice; nothing was written."""

    def __init__(self, table: str, key: tuple) -> None:
        self.table = table
        self.key = key
        super().__init__(
            f"the batch holds two {table} rows with the natural key {key}; nothing was "
            "written (every key must appear once per batch)"
        )


class PredictionConflictError(WorkspaceError, ValueError):
    """A prediction already stored under a natural key differs from the one being written."""


class IdentityConflictError(WorkspaceError, ValueError):
    """An identity already stored describes something else (another dataset, another chain)."""


class ArtifactIntegrityError(WorkspaceError):
    """An artifact's bytes do not hash to its id, or its file is missing."""


class ArtifactSerializationError(WorkspaceError, TypeError):
    """A fitted object cannot be written in the workspace's artifact format."""


class UntrustedArtifactError(WorkspaceError):
    """Loading an artifact would construct types nobody vouched for.

    Parameters
    ----------
    artifact_id : str
        The artifact.
    types : sequence of str
        The types (dotted paths) outside the allow-list, or the unsafe format.
    reason : str
        What to do about it.
    """

    def __init__(self, artifact_id: str, types: Sequence[str], reason: str) -> None:
        self.artifact_id = artifact_id
        self.types = tuple(types)
        listed = ", ".join(self.types)
        super().__init__(f"artifact {artifact_id[:10]}... needs {listed}: {reason}")


class LegacyImportError(WorkspaceError):
    """A 0.x workspace cannot be imported (missing store, unknown schema, target not empty)."""


class WorkspaceCorruptError(WorkspaceError):
    """The store file is damaged (truncated, overwritten, failed block checksums).

    Parameters
    ----------
    path : str
        The damaged file.
    detail : str
        What DuckDB found.
    """

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"{path} is damaged ({detail}); nothing was written. Restore it from a backup, or "
            "move it aside and run your pipelines again into the same folder: the artifact "
            "files are content-addressed, verified and reused"
        )


_ADVICE = {
    _errno.EROFS: "the file system is read-only: open the workspace with read_only=True, or "
                  "copy it to a writable folder",
    _errno.EACCES: "permission denied: ask the workspace's owner for write access (group "
                   "write on the folder and its files), or open it with read_only=True",
    _errno.ENOSPC: "the disk is full: free some space and run again; the batch being written "
                   "was rolled back",
}
_ADVICE[_errno.EPERM] = _ADVICE[_errno.EACCES]
_ADVICE[_errno.ENOTDIR] = _ADVICE[_errno.EEXIST] = (
    "a file is in the way: a workspace is a folder; choose another path")
_ADVICE[_errno.EDQUOT] = _ADVICE[_errno.ENOSPC]


class WorkspaceStorageError(WorkspaceError, OSError):
    """The file system refused a read or a write of the workspace.

    A read-only file system (``EROFS``), a permission denied (``EACCES``, ``EPERM``), a
    full disk (``ENOSPC``, ``EDQUOT``) or a file where a folder should be (``ENOTDIR``,
    ``EEXIST``); ``errno`` and ``filename`` are set as on any
    ``OSError``. The operation that failed left nothing behind: its transaction was rolled
    back and the files it had created were removed.

    Parameters
    ----------
    path : str
        The file or folder at fault.
    code : int
        The ``errno`` value.
    action : str
        What the workspace was doing (``"writing artifact ..."``).
    """

    def __init__(self, path: str, code: int, action: str) -> None:
        advice = _ADVICE.get(code, "check the disk and the folder's permissions")
        reason = os.strerror(code)
        super().__init__(code, f"{action}: {reason}; {advice}", path)
        self.path = path
        self.action = action

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


class ReadOnlyQueryError(WorkspaceError, ValueError):
    """A query given to :meth:`Workspace.sql` (or ``Workspace.connection``) would write.

    Parameters
    ----------
    statement : str
        The kind of statement refused (``"DELETE"``, ``"2 statements"`` ...).
    query : str
        The query text (shortened in the message).
    """

    def __init__(self, statement: str, query: str) -> None:
        self.statement = statement
        self.query = query
        shown = " ".join(query.split())
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        super().__init__(
            f"refused {statement} in {shown!r}: Workspace.sql and Workspace.connection run "
            "one SELECT (or WITH ... SELECT) query in a read-only transaction; the store "
            "changes only through nirs4all.run, retrain, Workspace.persist and Workspace.gc"
        )


class RunNotFoundError(WorkspaceError, LookupError):
    """No run of the workspace has the id given (``nirs4all workspace runs`` lists them)."""


class AmbiguousRunError(WorkspaceError, LookupError, ValueError):
    """A run id prefix matches more than one run of the workspace.

    Parameters
    ----------
    selector : str
        The prefix given.
    candidates : sequence of str
        One line per matching run.
    """

    def __init__(self, selector: str, candidates: Sequence[str]) -> None:
        self.selector = selector
        self.candidates = tuple(candidates)
        lines = "\n  ".join(self.candidates)
        super().__init__(f"run id prefix {selector!r} matches {len(self.candidates)} runs; "
                         f"give more hex digits (`nirs4all workspace runs` lists them):\n  "
                         f"{lines}")
