"""Content-addressed artifact files: layout, atomic writes, verified reuse, repair."""

from __future__ import annotations

import pytest

from nirs4all.workspace import ArtifactIntegrityError
from nirs4all.workspace.artifacts import ArtifactFiles, sha256_hex


@pytest.fixture
def files(tmp_path):
    return ArtifactFiles(tmp_path / "artifacts")


def test_file_lives_under_its_two_hex_shard_named_by_its_full_hash(files):
    data = b"fitted bytes"
    artifact_id = sha256_hex(data)
    assert files.write(artifact_id, data, "skops") == "written"
    path = files.path(artifact_id, "skops")
    assert path.parent.name == artifact_id[:2]
    assert path.name == f"{artifact_id}.skops"
    assert path.read_bytes() == data
    assert [p.name for p in files.files()] == [path.name]


def test_reuse_verifies_the_existing_file(files):
    data = b"abc"
    artifact_id = sha256_hex(data)
    files.write(artifact_id, data, "skops")
    assert files.write(artifact_id, data, "skops") == "verified"


def test_corrupt_file_is_detected_then_repaired_on_reuse(files):
    data = b"model bytes" * 100
    artifact_id = sha256_hex(data)
    files.write(artifact_id, data, "skops")
    path = files.path(artifact_id, "skops")
    damaged = bytearray(data)
    damaged[10] ^= 0xFF
    path.write_bytes(bytes(damaged))
    assert not files.verify(artifact_id, "skops")
    with pytest.raises(ArtifactIntegrityError, match="modified or damaged"):
        files.read(artifact_id, "skops")
    assert files.write(artifact_id, data, "skops") == "repaired"
    assert files.read(artifact_id, "skops") == data


def test_missing_file_is_an_integrity_error(files):
    with pytest.raises(ArtifactIntegrityError, match="missing"):
        files.read("ab" * 32, "skops")


def test_bytes_that_do_not_hash_to_the_id_are_refused(files):
    with pytest.raises(ValueError, match="hash otherwise"):
        files.write("ab" * 32, b"other", "skops")


def test_a_failed_write_leaves_no_temporary_file(files, monkeypatch):
    data = b"x"
    artifact_id = sha256_hex(data)

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr("nirs4all.workspace.artifacts.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        files.write(artifact_id, data, "skops")
    assert list(files.files()) == []
