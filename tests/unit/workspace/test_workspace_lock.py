"""One writer per workspace: typed lock errors naming the holder, waiting, read-only opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from store_factories import make_outcome, spec_json

import nirs4all.workspace
from nirs4all.workspace import WorkspaceError, WorkspaceLockedError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

HOLD_DUCKDB = ("import duckdb, sys, time\n"
               "con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')\n"
               "print('ready', flush=True)\n"
               "time.sleep(60)\n")


def _fork(body) -> tuple[int, int]:
    """Run ``body(write_fd)`` in a forked child; return (pid, read_fd)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        os.close(read_fd)
        try:
            body(write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    return pid, read_fd


def _read_line(fd: int) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 1024)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


def test_second_writer_gets_a_typed_error_naming_the_holder_pid(tmp_path):
    folder = tmp_path / "ws"
    with nirs4all.workspace.open(folder):
        def body(fd: int) -> None:
            try:
                nirs4all.workspace.open(folder).close()
                message = {"error": None}
            except WorkspaceLockedError as exc:
                message = {"error": type(exc).__name__, "pid": exc.pid, "text": str(exc)}
            os.write(fd, (json.dumps(message) + "\n").encode())

        pid, fd = _fork(body)
        report = json.loads(_read_line(fd))
        os.waitpid(pid, 0)
    assert report["error"] == "WorkspaceLockedError"
    assert report["pid"] == os.getpid()
    assert f"process {os.getpid()}" in report["text"]


def test_writer_waits_up_to_lock_timeout_for_the_holder(tmp_path):
    folder = tmp_path / "ws"
    nirs4all.workspace.open(folder).close()

    def body(fd: int) -> None:
        with nirs4all.workspace.open(folder):
            os.write(fd, b"ready\n")
            time.sleep(1.0)

    pid, fd = _fork(body)
    assert _read_line(fd) == "ready"
    with pytest.raises(WorkspaceLockedError) as info:
        nirs4all.workspace.open(folder, lock_timeout=0.2)
    assert info.value.pid == pid
    assert info.value.waited_s >= 0.2
    start = time.monotonic()
    with nirs4all.workspace.open(folder, lock_timeout=20) as ws:
        assert ws.runs().num_rows == 0
    assert time.monotonic() - start > 0.1
    os.waitpid(pid, 0)


@pytest.mark.parametrize(("holder_mode", "read_only"), [("rw", False), ("rw", True),
                                                       ("ro", False)])
def test_a_process_holding_the_duckdb_file_is_named_in_a_typed_error(tmp_path, holder_mode,
                                                                     read_only):
    folder = tmp_path / "ws"
    nirs4all.workspace.open(folder).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_DUCKDB,
                               str(folder / "store.duckdb"), holder_mode],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceLockedError) as info:
            nirs4all.workspace.open(folder, read_only=read_only)
        assert info.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_read_only_opens_share_the_workspace_when_nobody_writes(tmp_path, dataset):
    folder = tmp_path / "ws"
    with nirs4all.workspace.open(folder) as ws:
        run_id = ws.begin_run("r", spec_json=spec_json(1), datasets=[dataset], seed=0)
        ws.persist(run_id, make_outcome(dataset))
    with nirs4all.workspace.open(folder, read_only=True) as reader:
        other = subprocess.run([sys.executable, "-c",
                                "import duckdb, sys\n"
                                "con = duckdb.connect(sys.argv[1], read_only=True)\n"
                                "print(con.execute('SELECT count(*) FROM predictions')"
                                ".fetchone()[0])", str(folder / "store.duckdb")],
                               capture_output=True, text=True, check=True)
        assert int(other.stdout) == reader.predictions().num_rows == 6
        with pytest.raises(WorkspaceError, match="read-only"):
            reader.persist(run_id, make_outcome(dataset))


def test_run_left_running_is_marked_interrupted_and_resumed_by_the_same_identity(
        tmp_path, dataset):
    folder = tmp_path / "ws"
    with nirs4all.workspace.open(folder) as ws:
        run_id = ws.begin_run("r", spec_json=spec_json(2), datasets=[dataset], seed=3)
    with nirs4all.workspace.open(folder, read_only=True) as reader:
        assert reader.runs().to_pylist()[0]["status"] == "interrupted"
    with nirs4all.workspace.open(folder) as ws:
        assert ws.runs().to_pylist()[0]["status"] == "interrupted"
        again = ws.begin_run("renamed", spec_json=spec_json(2), datasets=[dataset], seed=3)
        row = ws.runs().to_pylist()[0]
    assert again == run_id
    assert (row["status"], row["attempts"], row["name"]) == ("running", 2, "r")
    assert nirs4all.workspace.run_identity(spec_json(2), [dataset.content_hash()], 4) != run_id


def test_lock_file_without_a_pid_names_no_holder(tmp_path):
    from nirs4all.workspace.lock import WriterLock, read_holder_pid

    path = tmp_path / "store.lock"
    assert read_holder_pid(path) is None
    path.write_text("not a pid\n")
    assert read_holder_pid(path) is None
    lock = WriterLock(path, str(tmp_path))
    lock.acquire(0.0)
    lock.acquire(0.0)
    assert lock.held
    assert read_holder_pid(path) == os.getpid()
    lock.release()
    lock.release()
    assert read_holder_pid(path) is None
