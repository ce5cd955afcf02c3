"""Durable state of nirs4all: the workspace store.

A workspace is a folder holding a DuckDB store (runs, datasets, pipeline passes, chains,
predictions, artifacts) and content-addressed artifact files. One process writes it, through
one idempotent write path (:meth:`Workspace.persist`); any number read it when nobody
writes. ::

    import nirs4all.workspace

    with nirs4all.workspace.open("workspace", read_only=True) as ws:
        ws.top(5).to_pylist()
        ws.sql("SELECT * FROM best_chain_per_dataset")
"""

from __future__ import annotations

from os import PathLike

from nirs4all.workspace._persist import PersistResult
from nirs4all.workspace.errors import (
    AmbiguousSelectorError,
    ArtifactIntegrityError,
    ArtifactSerializationError,
    ChainNotFoundError,
    DuplicateKeyError,
    IdentityConflictError,
    LegacyImportError,
    PredictionConflictError,
    ReadOnlyQueryError,
    UntrustedArtifactError,
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceLockedError,
    WorkspaceNotFoundError,
    WorkspaceStorageError,
    WorkspaceVersionError,
)
from nirs4all.workspace.legacy import MigrationReport, migrate_legacy
from nirs4all.workspace.runs import run_identity
from nirs4all.workspace.serialization import (
    SerializedArtifact,
    serialize_artifact,
    trusted_types,
)
from nirs4all.workspace.session import RunSession
from nirs4all.workspace.store import GcReport, Workspace

__all__ = [
    "AmbiguousSelectorError",
    "ArtifactIntegrityError",
    "ArtifactSerializationError",
    "ChainNotFoundError",
    "DuplicateKeyError",
    "GcReport",
    "IdentityConflictError",
    "LegacyImportError",
    "MigrationReport",
    "PersistResult",
    "PredictionConflictError",
    "ReadOnlyQueryError",
    "RunSession",
    "SerializedArtifact",
    "UntrustedArtifactError",
    "Workspace",
    "WorkspaceCorruptError",
    "WorkspaceError",
    "WorkspaceLockedError",
    "WorkspaceNotFoundError",
    "WorkspaceStorageError",
    "WorkspaceVersionError",
    "migrate_legacy",
    "open",
    "run_identity",
    "serialize_artifact",
    "trusted_types",
]


def open(
    path: str | PathLike[str],
    *,
    read_only: bool = False,
    lock_timeout: float = 0.0,
    artifact_format: str = "skops",
) -> Workspace:
    """Open (or create) a workspace.

    Parameters
    ----------
    path : str or PathLike
        The workspace folder. Opening for writing creates it and migrates an older store.
    read_only : bool
        Open for queries only (the store must exist and be current).
    lock_timeout : float
        Seconds to wait while another process holds the workspace.
    artifact_format : {"skops", "joblib", "pickle"}
        Format of the artifacts written through this object.

    Returns
    -------
    Workspace

    Raises
    ------
    WorkspaceLockedError
        If another process holds the workspace after ``lock_timeout`` seconds.
    WorkspaceVersionError
        If the store was written by a newer nirs4all (or a read-only store needs migrating).
    WorkspaceNotFoundError
        If ``read_only`` and there is no store at ``path``.
    WorkspaceCorruptError
        If the store file is damaged.
    WorkspaceStorageError
        If the file system refuses the folder or a file (read-only, permission denied, full
        disk); nothing is left behind.
    """
    return Workspace(path, read_only=read_only, lock_timeout=lock_timeout,
                     artifact_format=artifact_format)
