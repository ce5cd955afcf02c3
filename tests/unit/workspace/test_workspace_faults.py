"""Store and file-system faults raise typed errors naming the path, and leave no partial state.

Tests run as root here, where permission bits do not stop anything, so read-only,
permission-denied and full-disk faults are raised by replacing the write call; real faults
are produced where the system allows it (a path under a file, ``/sys``, tmpfs mounts).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from store_factories import make_dataset, make_outcome, spec_json

import nirs4all.workspace
from nirs4all.workspace.artifacts import TEMP_PREFIX, ArtifactFiles
from nirs4all.workspace.errors import (
    WorkspaceCorruptError,
    WorkspaceLockedError,
    WorkspaceStorageError,
)
from nirs4all.workspace.schema import STORE_FILE

FAULTS = [errno.EROFS, errno.EACCES, errno.ENOSPC]
MOUNT, UMOUNT = shutil.which("mount"), shutil.which("umount")


def _filled(folder: Path, n_variants: int = 3) -> Path:
    dataset = make_dataset(n=60, p=20)
    with nirs4all.workspace.open(folder) as ws:
        run_id = ws.begin_run("r", spec_json=spec_json(n_variants), datasets=[dataset], seed=0)
        ws.persist(run_id, [make_outcome(dataset, variant=v, with_final=True)
                            for v in range(n_variants)])
        ws.complete_run(run_id)
    return folder / STORE_FILE


def _damaged(data: bytes, how: str) -> bytes:
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "header":
        return data[:100]
    if how == "empty":
        return b""
    if how == "garbage":
        return bytes((i * 131 + 7) % 256 for i in range(len(data)))
    flipped = bytearray(data)
    for i in range(8192, len(flipped)):  # every block after the file headers
        flipped[i] ^= 0x5A
    return bytes(flipped)


@pytest.mark.parametrize("how", ["truncated", "header", "empty", "garbage", "flipped"])
@pytest.mark.parametrize("read_only", [True, False])
def test_a_damaged_store_raises_workspace_corrupt_error_naming_the_file(tmp_path, how,
                                                                         read_only):
    db = _filled(tmp_path / "ws")
    damaged = _damaged(db.read_bytes(), how)
    db.write_bytes(damaged)
    with pytest.raises(WorkspaceCorruptError) as caught:
        _open_and_scan(tmp_path / "ws", read_only)
    assert caught.value.path == str(db)
    assert str(db) in str(caught.value)
    assert "backup" in str(caught.value)
    assert db.read_bytes() == damaged  # nothing tried to "repair" it
    with pytest.raises(WorkspaceCorruptError):  # the lock was released: same error again
        _open_and_scan(tmp_path / "ws", False)


def _open_and_scan(folder: Path, read_only: bool) -> None:
    with nirs4all.workspace.open(folder, read_only=read_only) as ws:
        ws.sql("SELECT sum(list_sum(y_pred)) FROM predictions").to_pylist()
        ws.chains().to_pylist()
        ws.runs().to_pylist()


def test_a_damaged_write_ahead_log_is_a_workspace_corrupt_error_naming_it(tmp_path):
    dataset = make_dataset()
    writer = nirs4all.workspace.open(tmp_path / "ws")
    run_id = writer.begin_run("r", spec_json=spec_json(1), datasets=[dataset], seed=0)
    writer.persist(run_id, make_outcome(dataset))
    shutil.copytree(tmp_path / "ws", tmp_path / "crashed")  # as if the writer died here
    writer.close()
    wal = tmp_path / "crashed" / f"{STORE_FILE}.wal"
    damaged = bytearray(wal.read_bytes())
    for i in range(100, min(len(damaged), 4000)):
        damaged[i] ^= 0x5A
    wal.write_bytes(bytes(damaged))
    for read_only in (True, False):
        with pytest.raises(WorkspaceCorruptError) as caught:
            nirs4all.workspace.open(tmp_path / "crashed", read_only=read_only)
        assert caught.value.path == str(wal)


def test_damage_found_by_a_query_is_a_workspace_corrupt_error(tmp_path):
    db = _filled(tmp_path / "ws", n_variants=5)
    original = db.read_bytes()
    block = 262144
    stages = []
    for start in range(block, len(original) - block, block):
        flipped = bytearray(original)
        for i in range(start + 4196, start + 4260):
            flipped[i] ^= 0xFF
        db.write_bytes(bytes(flipped))
        stage = "open"
        try:
            with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
                stage = "query"
                ws.sql("SELECT sum(list_sum(y_pred)) FROM predictions").to_pylist()
                ws.chains().to_pylist()
                ws.connection.execute("SELECT * FROM pipelines").fetchall()
        except WorkspaceCorruptError as exc:
            stages.append((stage, exc.path))
    db.write_bytes(original)
    assert ("query", str(db)) in stages, stages
    assert {path for _, path in stages} == {str(db)}


@pytest.mark.parametrize("code", FAULTS)
def test_a_refused_artifact_write_is_typed_and_the_batch_leaves_nothing(tmp_path, monkeypatch,
                                                                        code):
    dataset = make_dataset()
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        run_id = ws.begin_run("r", spec_json=spec_json(2), datasets=[dataset], seed=0)
        ws.persist(run_id, make_outcome(dataset, variant=0))
        files_before = sorted(ws.files.files())
        rows_before = ws.sql("SELECT (SELECT count(*) FROM predictions) AS p, "
                             "(SELECT count(*) FROM artifacts) AS a, "
                             "(SELECT count(*) FROM chains) AS c").to_pylist()
        real_write = ArtifactFiles._write_atomic
        calls = []

        def failing(path: Path, data: bytes) -> None:
            calls.append(path)
            if len(calls) > 1:  # the batch has written a file before the fault
                raise OSError(code, os.strerror(code))
            real_write(path, data)

        monkeypatch.setattr(ArtifactFiles, "_write_atomic", staticmethod(failing))
        with pytest.raises(WorkspaceStorageError) as caught:
            ws.persist(run_id, make_outcome(dataset, variant=1, with_final=True))
        assert isinstance(caught.value, OSError)
        assert caught.value.errno == code
        assert caught.value.filename.startswith(str(ws.files.root))
        assert caught.value.filename in str(caught.value)
        assert sorted(ws.files.files()) == files_before
        assert not any(p.name.startswith(TEMP_PREFIX) for p in ws.files.files())
        assert ws.sql("SELECT (SELECT count(*) FROM predictions) AS p, "
                      "(SELECT count(*) FROM artifacts) AS a, "
                      "(SELECT count(*) FROM chains) AS c").to_pylist() == rows_before
        monkeypatch.undo()
        outcome = make_outcome(dataset, variant=1, with_final=True)
        assert ws.persist(run_id, outcome).predictions_written == len(outcome.predictions)


@pytest.mark.parametrize("code", FAULTS)
def test_a_refused_new_workspace_is_typed_and_leaves_no_folder(tmp_path, monkeypatch, code):
    from nirs4all.workspace import lock

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(tmp_path / "new" / "store.duckdb"))

    monkeypatch.setattr(lock, "migrate", refuse)
    with pytest.raises(WorkspaceStorageError) as caught:
        nirs4all.workspace.open(tmp_path / "new" / "deeper")
    assert caught.value.errno == code
    assert "store.duckdb" in str(caught.value)
    assert not (tmp_path / "new").exists()


def test_a_refused_lock_file_is_typed(tmp_path, monkeypatch):
    def refuse(self, timeout: float) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self.path))

    monkeypatch.setattr(nirs4all.workspace.lock.WriterLock, "acquire", refuse)
    with pytest.raises(WorkspaceStorageError, match="read-only") as caught:
        nirs4all.workspace.open(tmp_path / "ws")
    assert caught.value.filename == str(tmp_path / "ws" / "store.lock")
    assert "read_only=True" in str(caught.value)


def test_a_refused_artifact_read_is_typed(tmp_path, monkeypatch):
    _filled(tmp_path / "ws", n_variants=1)
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        artifact_id = ws.sql("SELECT artifact_id FROM artifacts LIMIT 1").to_pylist()[0][
            "artifact_id"]

        def refuse(self: Path) -> bytes:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

        monkeypatch.setattr(Path, "read_bytes", refuse)
        with pytest.raises(WorkspaceStorageError, match="permission") as caught:
            ws.load_artifact(artifact_id)
    assert caught.value.filename.endswith(".skops")


def test_a_workspace_path_under_a_file_is_typed(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(WorkspaceStorageError, match="a file is in the way") as caught:
        nirs4all.workspace.open(blocker / "ws")
    assert caught.value.errno == errno.ENOTDIR
    with pytest.raises(WorkspaceStorageError, match="a file is in the way"):
        nirs4all.workspace.open(blocker)
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sysfs refuses folders")
def test_a_folder_the_system_refuses_is_typed():
    target = Path("/sys/nirs4all-test-workspace")
    with pytest.raises(WorkspaceStorageError) as caught:
        nirs4all.workspace.open(target)
    assert caught.value.errno in (errno.EPERM, errno.EACCES, errno.EROFS)
    assert str(target) in str(caught.value)
    assert not target.exists()


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_artifact_files_honour_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        _filled(tmp_path / "ws", n_variants=1)
    finally:
        os.umask(previous)
    files = list(ArtifactFiles(tmp_path / "ws" / "artifacts").files())
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


def _mount(target: Path, options: str) -> bool:
    target.mkdir(exist_ok=True)
    if os.geteuid() != 0 or MOUNT is None or UMOUNT is None:
        return False
    done = subprocess.run([MOUNT, "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    target = tmp_path / "mnt"
    if not _mount(target, "size=3m"):
        pytest.skip("mounting a tmpfs needs root and CAP_SYS_ADMIN")
    yield target
    subprocess.run([UMOUNT, str(target)], check=True)


def test_a_real_read_only_file_system_is_typed_for_writers_and_open_for_readers(tmpfs):
    _filled(tmpfs / "ws", n_variants=1)
    subprocess.run([MOUNT, "-o", "remount,ro", str(tmpfs)], check=True)
    with pytest.raises(WorkspaceStorageError, match="read-only") as caught:
        nirs4all.workspace.open(tmpfs / "ws")
    assert caught.value.errno == errno.EROFS
    with pytest.raises(WorkspaceStorageError):
        nirs4all.workspace.open(tmpfs / "other")
    with nirs4all.workspace.open(tmpfs / "ws", read_only=True) as ws:
        assert ws.sql("SELECT count(*) AS n FROM predictions").to_pylist()[0]["n"] == 8


def test_a_real_full_disk_is_typed_and_rolls_the_batch_back(tmpfs):
    dataset = make_dataset(n=400, p=300)
    committed = 0
    with nirs4all.workspace.open(tmpfs / "ws") as ws:
        run_id = ws.begin_run("r", spec_json=spec_json(100), datasets=[dataset], seed=0)
        with pytest.raises(WorkspaceStorageError) as caught:  # noqa: PT012 -- fill it up
            for variant in range(100):
                ws.persist(run_id, make_outcome(dataset, variant=variant, with_final=True))
                committed += 1
        assert caught.value.errno == errno.ENOSPC
        assert str(tmpfs) in caught.value.filename
    subprocess.run([MOUNT, "-o", "remount,size=64m", str(tmpfs)], check=True)
    with nirs4all.workspace.open(tmpfs / "ws") as ws:
        pipelines = ws.sql("SELECT count(*) AS n FROM pipelines").to_pylist()[0]["n"]
        assert pipelines == committed
        assert ws.verify_artifacts() == []
        assert not any(p.name.startswith(TEMP_PREFIX) for p in ws.files.files())
        referenced = {a for (a,) in ws.connection.execute(
            "SELECT DISTINCT unnest(artifact_ids) FROM chains").fetchall()}
        assert {p.name.split(".")[0] for p in ws.files.files()} == referenced
        ws.begin_run("r", spec_json=spec_json(100), datasets=[dataset], seed=0)  # resume
        outcome = make_outcome(dataset, variant=committed, with_final=True)
        assert ws.persist(run_id, outcome).predictions_written == len(outcome.predictions)


def test_the_lock_is_still_exclusive_after_a_failed_open(tmp_path, monkeypatch):
    from nirs4all.workspace import lock

    with nirs4all.workspace.open(tmp_path / "ws"):
        monkeypatch.setattr(lock, "migrate", lambda *a: None)
        with pytest.raises(WorkspaceLockedError):
            nirs4all.workspace.open(tmp_path / "ws")
        assert (tmp_path / "ws" / "store.lock").exists()
