"""Typed errors of the workspace store.

Each message names the thing at fault and what to do about it. Errors that are also a
standard Python error derive from that built-in too (a missing workspace is a
``FileNotFoundError``, an unknown chain a ``LookupError``).
"""

from __future__ import annotations

from collections.abc import Sequence

from nirs4all.errors import Nirs4allError

__all__ = [
    "AmbiguousSelectorError",
    "ArtifactIntegrityError",
    "ArtifactSerializationError",
    "ChainNotFoundError",
    "DuplicateKeyError",
    "IdentityConflictError",
    "LegacyImportError",
    "PredictionConflictError",
    "UntrustedArtifactError",
    "WorkspaceError",
    "WorkspaceLockedError",
    "WorkspaceNotFoundError",
    "WorkspaceVersionError",
]


class WorkspaceError(Nirs4allError):
    """Base class of the errors raised by the workspace store."""


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


class ChainNotFoundError(WorkspaceError, LookupError):
    """No stored chain matches a selector."""


class AmbiguousSelectorError(WorkspaceError, LookupError):
    """A selector matches more than one chain.

    Parameters
    ----------
    selector : object
        What the caller asked for.
    candidates : sequence of str
        One line per matching chain, in the order the resolver sorts them.
    """

    def __init__(self, selector: object, candidates: Sequence[str]) -> None:
        self.selector = selector
        self.candidates = tuple(candidates)
        lines = "\n  ".join(self.candidates)
        super().__init__(
            f"selector {selector!r} matches {len(self.candidates)} chains; add a field "
            f"(chain_id, dataset_hash, branch_path, model_name) to pick one:\n  {lines}"
        )


class LegacyImportError(WorkspaceError):
    """A 0.x workspace cannot be imported (missing store, unknown schema, target not empty)."""
