"""Typed errors of the workspace store (defined in :mod:`nirs4all.errors`, re-exported here).

Each message names the thing at fault and what to do about it. Errors that are also a
standard Python error derive from that built-in too (a missing workspace is a
``FileNotFoundError``, an unknown chain a ``LookupError``).
"""

from __future__ import annotations

from nirs4all.errors import (
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

__all__ = [
    "AmbiguousSelectorError",
    "ArtifactIntegrityError",
    "ArtifactSerializationError",
    "ChainNotFoundError",
    "DuplicateKeyError",
    "IdentityConflictError",
    "LegacyImportError",
    "PredictionConflictError",
    "ReadOnlyQueryError",
    "UntrustedArtifactError",
    "WorkspaceCorruptError",
    "WorkspaceError",
    "WorkspaceLockedError",
    "WorkspaceNotFoundError",
    "WorkspaceStorageError",
    "WorkspaceVersionError",
]
