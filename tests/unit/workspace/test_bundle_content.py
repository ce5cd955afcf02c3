"""What a bundle's members hold: signature coverage, artifact names, artifact format,
manifest shape, skops protocol; and the file itself (its mode, its absence)."""

from __future__ import annotations

import io
import json
import os
import pickle
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from bundle_forge import (
    model_digest,
    old_signature,
    read_members,
    relisted,
    replace_artifact,
    small_bundle,
    small_dataset,
    with_skops_protocol,
    write,
)
from sklearn.cross_decomposition import PLSRegression

import nirs4all
from nirs4all.errors import BundleIntegrityError, BundleNotFoundError, UntrustedBundleError
from nirs4all.workspace._strictzip import canonical_info
from nirs4all.workspace.bundle import read_bundle

KEY = "team-secret"


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> dict[str, bytes]:
    return read_members(small_bundle(tmp_path_factory.mktemp("s") / "signed.n4a", key=KEY))


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory) -> dict[str, bytes]:
    return read_members(small_bundle(tmp_path_factory.mktemp("u") / "plain.n4a"))


def _other_model() -> bytes:
    from nirs4all.workspace.serialization import serialize

    dataset = small_dataset()
    return serialize(PLSRegression(1).fit(dataset.train.x(), dataset.train.y))


def test_a_signed_bundle_with_a_swapped_model_and_rewritten_record_is_refused(
        signed, tmp_path: Path) -> None:
    # The attack of issue 10: new model bytes under the old name, RECORD rewritten to
    # match, manifest and SIGNATURE untouched.
    digest = model_digest(signed)
    name = f"artifacts/{digest}.skops"
    path = write(tmp_path / "swapped.n4a", relisted({**signed, name: _other_model()}))
    with pytest.raises(BundleIntegrityError):
        read_bundle(path, key=KEY)
    with pytest.raises(BundleIntegrityError):
        nirs4all.predict(path, small_dataset().test, key=KEY)


def test_the_signature_covers_record_even_when_names_stay_consistent(
        signed, tmp_path: Path) -> None:
    # RECORD changed (a line reordered), manifest and every member's bytes unchanged.
    lines = signed["RECORD"].splitlines(keepends=True)
    changed = {**signed, "RECORD": b"".join([lines[0], *reversed(lines[1:])])}
    path = write(tmp_path / "reordered.n4a", changed)
    with pytest.raises(BundleIntegrityError, match="signature does not match"):
        read_bundle(path, key=KEY)
    assert read_bundle(write(tmp_path / "same.n4a", signed), key=KEY).signature_checked


def test_a_signature_over_the_manifest_only_is_refused(unsigned, tmp_path: Path) -> None:
    members = {**unsigned, "SIGNATURE": old_signature(KEY.encode(), unsigned["manifest.json"])}
    path = write(tmp_path / "old.n4a", members)
    with pytest.raises(BundleIntegrityError, match=r"old signature that covers manifest\.json"):
        read_bundle(path, key=KEY)


def test_an_artifact_must_hash_to_the_digest_in_its_name(unsigned, tmp_path: Path) -> None:
    name = f"artifacts/{model_digest(unsigned)}.skops"
    path = write(tmp_path / "renamed.n4a", relisted({**unsigned, name: _other_model()}))
    with pytest.raises(BundleIntegrityError, match="does not hash to the digest in its name"):
        read_bundle(path)


def test_a_pickle_in_place_of_a_skops_artifact_is_an_integrity_error(
        unsigned, tmp_path: Path) -> None:
    dataset = small_dataset()
    payload = pickle.dumps(PLSRegression(2).fit(dataset.train.x(), dataset.train.y))
    path = write(tmp_path / "pickle.n4a",
                 replace_artifact(unsigned, model_digest(unsigned), payload))
    bundle = read_bundle(path)  # the bytes are what RECORD says; what they are is wrong
    with pytest.raises(BundleIntegrityError, match="not a skops file"):
        bundle.untrusted_types()
    with pytest.raises(BundleIntegrityError, match="not a skops file"):
        nirs4all.predict(path, dataset.test, trusted=True)


@pytest.mark.parametrize(("manifest", "message"), [
    (b'{"format": "nirs4all-bundle", "bundle_version": 1}', "no field"),
    (b"[1, 2]", "must be a JSON object"),
    (b"\xff\xfe not utf-8", "not JSON"),
    ("chains", "field 'chains' must be list"),
    ("steps", "field 'steps' must be list"),
    ("wavelengths", "wavelengths must be numbers"),
])
def test_a_malformed_manifest_with_a_valid_record_is_an_integrity_error(
        unsigned, tmp_path: Path, manifest, message: str) -> None:
    if isinstance(manifest, str):
        parsed = json.loads(unsigned["manifest.json"])
        if manifest == "chains":
            parsed["chains"] = "all of them"
        elif manifest == "steps":
            parsed["chains"][0]["steps"] = {"0": "SNV"}
        else:
            parsed["sources"][0]["wavelengths"][3] = "nine hundred"
        manifest = json.dumps(parsed).encode()
    path = write(tmp_path / "manifest.n4a", relisted({**unsigned, "manifest.json": manifest}))
    with pytest.raises(BundleIntegrityError, match=message):
        read_bundle(path)


def test_an_old_skops_protocol_needs_trust(unsigned, tmp_path: Path) -> None:
    digest = model_digest(unsigned)
    old = with_skops_protocol(unsigned[f"artifacts/{digest}.skops"], 1)
    path = write(tmp_path / "protocol.n4a", replace_artifact(unsigned, digest, old))
    assert read_bundle(path).untrusted_types() == ["skops protocol 1"]
    test = small_dataset().test
    with pytest.raises(UntrustedBundleError, match="skops protocol 1"):
        nirs4all.predict(path, test)
    expected = nirs4all.predict(write(tmp_path / "plain.n4a", unsigned), test).y_pred
    np.testing.assert_array_equal(nirs4all.predict(path, test, trusted=True).y_pred, expected)


def test_a_corrupt_artifact_schema_is_an_integrity_error(unsigned, tmp_path: Path) -> None:
    digest = model_digest(unsigned)
    artifact = unsigned[f"artifacts/{digest}.skops"]
    with zipfile.ZipFile(io.BytesIO(artifact)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files["schema.json"] = b'{"protocol": 2, "__loader__": "NoSuchNode"}'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in sorted(files):
            target.writestr(canonical_info(name), files[name])
    path = write(tmp_path / "schema.n4a",
                 replace_artifact(unsigned, digest, buffer.getvalue()))
    with pytest.raises(BundleIntegrityError, match="cannot audit"):
        read_bundle(path).untrusted_types()


def test_a_changed_file_is_refused_when_its_artifacts_are_read_again(
        unsigned, tmp_path: Path) -> None:
    path = write(tmp_path / "model.n4a", unsigned)
    bundle = read_bundle(path)
    name = f"artifacts/{model_digest(unsigned)}.skops"
    write(path, relisted({**unsigned, name: _other_model()}))
    with pytest.raises(BundleIntegrityError):
        bundle.load_objects()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_bundle_is_written_with_the_mode_the_umask_gives(tmp_path: Path, umask: int,
                                                          mode: int) -> None:
    previous = os.umask(umask)
    try:
        path = small_bundle(tmp_path / "model.n4a")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["model.n4a"]


def test_a_missing_bundle_is_bad_input_not_an_integrity_failure(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.n4a", tmp_path):
        with pytest.raises(BundleNotFoundError, match="no bundle file") as info:
            read_bundle(path)
        assert isinstance(info.value, FileNotFoundError)
        assert not isinstance(info.value, BundleIntegrityError)
    with pytest.raises(BundleNotFoundError):
        nirs4all.predict(tmp_path / "absent.n4a", small_dataset().test)
