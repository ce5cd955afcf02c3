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
from typing import TYPE_CHECKING

from nirs4all._lazy import attach

if TYPE_CHECKING:
    from nirs4all.workspace.store import Workspace

# Public name -> the module defining it ("module:name" for an alias); imported on first use.
_EXPORTS = {
    "AmbiguousSelectorError": "nirs4all.workspace.errors",
    "ArtifactIntegrityError": "nirs4all.workspace.errors",
    "ArtifactSerializationError": "nirs4all.workspace.errors",
    "ChainNotFoundError": "nirs4all.workspace.errors",
    "DeleteReport": "nirs4all.workspace._delete",
    "DuplicateKeyError": "nirs4all.workspace.errors",
    "GcReport": "nirs4all.workspace.store",
    "IdentityConflictError": "nirs4all.workspace.errors",
    "LegacyImportError": "nirs4all.workspace.errors",
    "migrate_legacy": "nirs4all.workspace.legacy",
    "MigrationReport": "nirs4all.workspace.legacy",
    "PersistResult": "nirs4all.workspace._persist",
    "PredictionConflictError": "nirs4all.workspace.errors",
    "ReadOnlyQueryError": "nirs4all.workspace.errors",
    "run_identity": "nirs4all.workspace.runs",
    "RunNotFoundError": "nirs4all.workspace._delete",
    "RunSession": "nirs4all.workspace.session",
    "serialize_artifact": "nirs4all.workspace.serialization",
    "SerializedArtifact": "nirs4all.workspace.serialization",
    "trusted_types": "nirs4all.workspace.serialization",
    "UntrustedArtifactError": "nirs4all.workspace.errors",
    "Workspace": "nirs4all.workspace.store",
    "WorkspaceCorruptError": "nirs4all.workspace.errors",
    "WorkspaceError": "nirs4all.workspace.errors",
    "WorkspaceLockedError": "nirs4all.workspace.errors",
    "WorkspaceNotFoundError": "nirs4all.workspace.errors",
    "WorkspaceStorageError": "nirs4all.workspace.errors",
    "WorkspaceVersionError": "nirs4all.workspace.errors",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = [*_EXPORTS, "open"]

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
    from nirs4all.workspace.store import Workspace

    return Workspace(path, read_only=read_only, lock_timeout=lock_timeout,
                     artifact_format=artifact_format)
