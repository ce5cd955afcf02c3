"""Typed exceptions of nirs4all.

Every error the library raises on purpose derives from :class:`Nirs4allError`. Errors about
input data carry the file, the 1-based line and column where they apply, and the message says
what to do about it. Errors that are also a standard Python error (a missing file, a bad
value) derive from that built-in too, so ``except FileNotFoundError`` and
``except ValueError`` keep working.

The classes live in one module per area (``_data``, ``_pipeline``, ``_workspace``) and are
all imported from here; ``nirs4all.workspace.errors`` re-exports the workspace's.
"""

from __future__ import annotations

from nirs4all.errors._base import Nirs4allError
from nirs4all.errors._data import (
    AxisMismatchError,
    CorruptFileError,
    DataError,
    DataFileNotFoundError,
    DatasetConfigError,
    DataWarning,
    DialectError,
    EmptyFileError,
    NonFiniteValueError,
    NonNumericCellError,
    RaggedRowError,
    RepeatedHeaderError,
    RowCountMismatchError,
    WavelengthAxisError,
    WavelengthMismatchError,
)
from nirs4all.errors._pipeline import (
    CanonicalDecodingError,
    CanonicalEncodingError,
    DisallowedClassError,
    ExecutionError,
    FoldKeyError,
    GeneratorSpecError,
    ReplayError,
    SpecError,
    TooManyVariantsError,
    UnsafeImportError,
)
from nirs4all.errors._workspace import (
    AmbiguousRunError,
    AmbiguousSelectorError,
    ArtifactIntegrityError,
    ArtifactSerializationError,
    BundleIntegrityError,
    BundleNotFoundError,
    ChainNotFoundError,
    DuplicateKeyError,
    IdentityConflictError,
    LegacyImportError,
    PredictionConflictError,
    ReadOnlyQueryError,
    RunNotFoundError,
    UntrustedArtifactError,
    UntrustedBundleError,
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceLockedError,
    WorkspaceNotFoundError,
    WorkspaceStorageError,
    WorkspaceVersionError,
)

__all__ = [
    "AmbiguousRunError",
    "AmbiguousSelectorError",
    "ArtifactIntegrityError",
    "ArtifactSerializationError",
    "AxisMismatchError",
    "BundleIntegrityError",
    "BundleNotFoundError",
    "CanonicalDecodingError",
    "CanonicalEncodingError",
    "ChainNotFoundError",
    "CorruptFileError",
    "DataError",
    "DataFileNotFoundError",
    "DataWarning",
    "DatasetConfigError",
    "DialectError",
    "DisallowedClassError",
    "DuplicateKeyError",
    "EmptyFileError",
    "ExecutionError",
    "FoldKeyError",
    "GeneratorSpecError",
    "IdentityConflictError",
    "LegacyImportError",
    "Nirs4allError",
    "NonFiniteValueError",
    "NonNumericCellError",
    "PredictionConflictError",
    "RaggedRowError",
    "ReadOnlyQueryError",
    "RepeatedHeaderError",
    "ReplayError",
    "RowCountMismatchError",
    "RunNotFoundError",
    "SpecError",
    "TooManyVariantsError",
    "UnsafeImportError",
    "UntrustedArtifactError",
    "UntrustedBundleError",
    "WavelengthAxisError",
    "WavelengthMismatchError",
    "WorkspaceCorruptError",
    "WorkspaceError",
    "WorkspaceLockedError",
    "WorkspaceNotFoundError",
    "WorkspaceStorageError",
    "WorkspaceVersionError",
]

# Shown (and pickled) under the public module, where users import them from.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
