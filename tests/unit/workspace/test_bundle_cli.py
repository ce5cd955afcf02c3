"""``nirs4all verify`` and ``nirs4all predict`` on bundles, through a subprocess: exit codes
0 (verified), 2 (bad input) and 3 (integrity or trust failure), and ``--key-file``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bundle_forge import (
    Entry,
    build_zip,
    deflate,
    model_digest,
    read_members,
    relisted,
    replace_artifact,
    small_bundle,
    small_dataset,
    with_skops_protocol,
    write,
)
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.cli import main

KEY = "cli-secret"


class Halver(TransformerMixin, BaseEstimator):
    """A transformer nirs4all does not know (outside the allow-list)."""

    def fit(self, X, y=None):
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X):
        return np.asarray(X) / 2.0


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nirs4all.cli", *map(str, args)],
                          capture_output=True, text=True, check=False, env=env)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    signed = small_bundle(folder / "signed.n4a", key=KEY)
    (folder / "key").write_text(KEY + "\n")
    (folder / "wrong").write_text("not the key\n")
    (folder / "empty").write_text("")
    data = folder / "data"
    nirs4all.generate(20, random_state=9, path=data)
    return {"signed": signed, "key": folder / "key", "wrong": folder / "wrong",
            "empty": folder / "empty", "data": data, "folder": folder}


def test_verify_with_the_right_key_file_exits_0(files) -> None:
    result = _run("verify", files["signed"], "--key-file", files["key"], "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["signature_checked"] is True
    assert info["untrusted_types"] == []


def test_verify_with_a_wrong_key_file_exits_3(files) -> None:
    result = _run("verify", files["signed"], "--key-file", files["wrong"])
    assert result.returncode == 3
    assert "signature does not match" in result.stderr


def test_an_unreadable_or_empty_key_file_is_bad_input(files, capsys) -> None:
    result = _run("verify", files["signed"], "--key-file", files["folder"] / "absent")
    assert result.returncode == 2
    assert "cannot read the key file" in result.stderr
    assert "Traceback" not in result.stderr
    assert main(["verify", str(files["signed"]), "--key-file", str(files["empty"])]) == 2
    assert "is empty" in capsys.readouterr().err


def test_predict_checks_the_key_file(files, capsys) -> None:
    out = files["folder"] / "out.csv"
    ok = _run("predict", files["signed"], files["data"], "-o", out, "--key-file", files["key"])
    assert ok.returncode == 0, ok.stderr
    assert len(out.read_text().splitlines()) == 21
    wrong = ["predict", files["signed"], files["data"], "-o", out, "--key-file", files["wrong"]]
    assert main([str(a) for a in wrong]) == 3
    assert "signature does not match" in capsys.readouterr().err


def test_the_key_file_wins_over_the_environment(files, monkeypatch) -> None:
    import os

    env = {**os.environ, "NIRS4ALL_BUNDLE_KEY": "not the key"}
    assert _run("verify", files["signed"], "--key-file", files["key"], env=env).returncode == 0
    monkeypatch.setenv("NIRS4ALL_BUNDLE_KEY", "not the key")
    assert main(["verify", str(files["signed"])]) == 3


def test_a_missing_bundle_exits_2(files, capsys) -> None:
    absent = files["folder"] / "absent.n4a"
    result = _run("verify", absent)
    assert result.returncode == 2, result.stderr
    assert "no bundle file" in result.stderr
    assert "Traceback" not in result.stderr
    assert main(["predict", str(absent), str(files["data"]), "-o", "x.csv"]) == 2
    assert "no bundle file" in capsys.readouterr().err


def test_verify_exits_3_when_artifacts_need_types_outside_the_allow_list(
        tmp_path: Path) -> None:
    dataset = small_dataset()
    result = nirs4all.run([Halver(), KFold(3), PLSRegression(2)], dataset, random_state=0,
                          verbose=0, workspace=None)
    path = result.export(tmp_path / "custom.n4a")
    verified = _run("verify", path, "--json")
    assert verified.returncode == 3
    assert any(t.endswith("Halver") for t in json.loads(verified.stdout)["untrusted_types"])
    assert "Halver" in verified.stderr


def _corrupt(kind: str, members: dict[str, bytes], path: Path) -> Path:
    digest = model_digest(members)
    name = f"artifacts/{digest}.skops"
    if kind == "pickle in place of an artifact":
        return write(path, replace_artifact(members, digest, b"\x80\x04\x95cos\nsystem\n."))
    if kind == "malformed manifest":
        manifest = b'{"format": "nirs4all-bundle", "bundle_version": 1}'
        return write(path, relisted({**members, "manifest.json": manifest}))
    if kind == "old skops protocol":
        return write(path, replace_artifact(members, digest,
                                            with_skops_protocol(members[name], 0)))
    entries = []
    for n, data in members.items():
        if n != name:
            entries.append(Entry(n, data))
        elif kind == "corrupt deflate stream":
            entries.append(Entry(n, data, payload=b"\xff" * 64 + deflate(data)[64:]))
        elif kind == "compression method 99":
            entries.append(Entry(n, data, method=99, payload=data))
        else:  # stored in the central directory, deflated in the local header
            entries.append(Entry(n, data, method=0, local_method=8))
    path.write_bytes(build_zip(entries))
    return path


@pytest.mark.parametrize("kind", [
    "pickle in place of an artifact", "malformed manifest", "old skops protocol",
    "corrupt deflate stream", "compression method 99", "method mismatch"])
def test_every_corrupt_bundle_exits_3_without_a_traceback(files, tmp_path: Path, capsys,
                                                          kind: str) -> None:
    # In process (main returns, nothing escapes it); one kind also through a subprocess.
    members = read_members(small_bundle(tmp_path / "plain.n4a"))
    path = _corrupt(kind, members, tmp_path / "corrupt.n4a")
    for command in (["verify", path], ["predict", path, files["data"], "-o",
                                       tmp_path / "out.csv"]):
        assert main([str(a) for a in command]) == 3, (kind, command[0])
        assert "integrity error" in capsys.readouterr().err


def test_a_corrupt_bundle_exits_3_from_the_shell(files, tmp_path: Path) -> None:
    members = read_members(small_bundle(tmp_path / "plain.n4a"))
    path = _corrupt("pickle in place of an artifact", members, tmp_path / "corrupt.n4a")
    result = _run("predict", path, files["data"], "-o", tmp_path / "out.csv")
    assert result.returncode == 3
    assert "not a skops file" in result.stderr
    assert "Traceback" not in result.stderr
