"""Content-addressed artifact files: ``artifacts/<id[:2]>/<id>.<extension>``.

The id of an artifact is the full SHA-256 of its bytes (contract 8). A file is written to a
temporary name in its shard folder, flushed to disk and renamed over the final name, so a
reader never sees half a file and a crash leaves at most a stray temporary file (removed by
``Workspace.gc``). Files are created with mode ``0o666`` less the process's umask, like
any other file the user writes, so a colleague who may read the folder may load its
artifacts. Reusing a file that already exists reads it and checks its full hash
first; a file whose bytes do not match is rewritten from the bytes in hand.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from nirs4all.workspace._faults import STORAGE_ERRNOS
from nirs4all.workspace.errors import ArtifactIntegrityError, WorkspaceStorageError

__all__ = ["TEMP_PREFIX", "ArtifactFiles", "file_sha256", "sha256_hex"]

TEMP_PREFIX = ".tmp-"
_CHUNK = 1 << 20


def sha256_hex(data: bytes) -> str:
    """Return the full SHA-256 of ``data`` as 64 lowercase hex characters."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """Return the full SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


class ArtifactFiles:
    """The artifact folder of one workspace.

    Parameters
    ----------
    root : Path
        The ``artifacts`` folder (created on first write).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, artifact_id: str, extension: str) -> Path:
        """Return where the artifact lives: ``<root>/<id[:2]>/<id>.<extension>``."""
        return self.root / artifact_id[:2] / f"{artifact_id}.{extension}"

    def write(self, artifact_id: str, data: bytes, extension: str) -> str:
        """Make sure the file of ``artifact_id`` exists and holds exactly ``data``.

        Parameters
        ----------
        artifact_id : str
            The SHA-256 of ``data`` (checked).
        data : bytes
            The artifact's bytes.
        extension : str
            File extension of its format.

        Returns
        -------
        str
            ``"written"`` (new file), ``"verified"`` (an existing file had the right bytes)
            or ``"repaired"`` (an existing file had other bytes and was rewritten).

        Raises
        ------
        ValueError
            If ``data`` does not hash to ``artifact_id``.
        """
        if sha256_hex(data) != artifact_id:
            raise ValueError(f"bytes given for artifact {artifact_id[:10]}... hash otherwise")
        path = self.path(artifact_id, extension)
        outcome = "written"
        if path.exists():
            if file_sha256(path) == artifact_id:
                return "verified"
            outcome = "repaired"
        try:
            self._write_atomic(path, data)
        except OSError as exc:
            if exc.errno not in STORAGE_ERRNOS or isinstance(exc, WorkspaceStorageError):
                raise
            raise WorkspaceStorageError(str(path), exc.errno, "writing an artifact file"
                                        ) from exc
        return outcome

    @staticmethod
    def _write_atomic(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        # os.open applies the umask to 0o666; tempfile.mkstemp would force 0o600.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def read(self, artifact_id: str, extension: str) -> bytes:
        """Return the bytes of an artifact after checking their hash.

        Raises
        ------
        ArtifactIntegrityError
            If the file is missing or its bytes do not hash to ``artifact_id``.
        """
        path = self.path(artifact_id, extension)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ArtifactIntegrityError(
                f"artifact file {path} is missing; the workspace lost it (restore it from a "
                "backup or rerun the run that produced it)"
            ) from None
        except PermissionError as exc:
            raise WorkspaceStorageError(str(path), exc.errno, "reading an artifact file"
                                        ) from exc
        actual = sha256_hex(data)
        if actual != artifact_id:
            raise ArtifactIntegrityError(
                f"artifact file {path} hashes to {actual[:12]}..., not to its id "
                f"{artifact_id[:12]}...: the file was modified or damaged; rerunning the run "
                "that produced it rewrites it"
            )
        return data

    def verify(self, artifact_id: str, extension: str) -> bool:
        """Return whether the file exists and hashes to ``artifact_id``."""
        path = self.path(artifact_id, extension)
        return path.is_file() and file_sha256(path) == artifact_id

    def files(self) -> Iterator[Path]:
        """Yield every file under the folder (artifacts and stray temporary files)."""
        if not self.root.is_dir():
            return
        for shard in sorted(p for p in self.root.iterdir() if p.is_dir()):
            yield from sorted(p for p in shard.iterdir() if p.is_file())
