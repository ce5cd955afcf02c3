"""Bundle paths the honest round trip does not take: stacking sources that are missing or
shared, a chain without a refit, a temporary name taken, a bundle too large for a zip, a
file gone after verification, skops' own audit and load failures."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest
from bundle_forge import small_bundle

from nirs4all.errors import BundleIntegrityError, UntrustedBundleError
from nirs4all.workspace import _skops_audit, bundle, serialization
from nirs4all.workspace.bundle import _needed_chains, _write_zip, export_bundle, read_bundle
from nirs4all.workspace.errors import UntrustedArtifactError


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    return small_bundle(tmp_path_factory.mktemp("branches") / "plain.n4a")


def _chain(plain: Path):
    return next(iter(read_bundle(plain).chains().values()))


def test_a_source_chain_shared_twice_is_listed_once_and_an_unknown_one_is_refused(plain):
    model = _chain(plain)
    a = dataclasses.replace(model, chain_id="a" * 64, source_chains=())
    b = dataclasses.replace(model, chain_id="b" * 64, source_chains=(a.chain_id,))
    top = dataclasses.replace(model, chain_id="c" * 64, source_chains=(a.chain_id, b.chain_id))
    chains = {c.chain_id: c for c in (a, b, top)}
    assert [c.chain_id for c in _needed_chains(top, chains)] == [top.chain_id, a.chain_id,
                                                                 b.chain_id]
    with pytest.raises(KeyError, match="feeds a stacking model but is not known"):
        _needed_chains(top, {top.chain_id: top, b.chain_id: b})


def test_a_chain_without_a_final_refit_cannot_be_exported(plain, tmp_path):
    opened = read_bundle(plain)
    chain = dataclasses.replace(_chain(plain), fold_ids=("0", "1"))
    with pytest.raises(ValueError, match="has no final refit"):
        export_bundle(tmp_path / "x.n4a", chain, chains={chain.chain_id: chain},
                      load=lambda ref: None, training=None)
    assert opened.chain_id == chain.chain_id
    assert not (tmp_path / "x.n4a").exists()


def test_a_taken_temporary_name_is_skipped(tmp_path, monkeypatch):
    names = iter(["same", "same", "other"])
    monkeypatch.setattr(bundle.secrets, "token_hex", lambda n: next(names))
    (tmp_path / ".b.zip.same.tmp").write_bytes(b"someone else's")
    _write_zip(tmp_path / "b.zip", {"a.txt": b"A"})
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert archive.read("a.txt") == b"A"
    assert (tmp_path / ".b.zip.same.tmp").read_bytes() == b"someone else's"
    assert not (tmp_path / ".b.zip.other.tmp").exists()


def test_a_bundle_too_large_for_a_zip_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    def too_large(self, info, data):
        raise zipfile.LargeZipFile("Filesize would require ZIP64 extensions")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", too_large)
    with pytest.raises(ValueError, match="exceeds the 2 GiB"):
        _write_zip(tmp_path / "big.zip", {"a.txt": b"A"})
    assert list(tmp_path.iterdir()) == []


def test_without_a_readable_skops_source_the_protocol_comes_from_skops(monkeypatch):
    expected = bundle._skops_protocol()
    monkeypatch.setattr(_skops_audit, "installed_protocol", lambda: None)
    bundle._skops_protocol.cache_clear()
    try:
        assert bundle._skops_protocol() == expected
    finally:
        bundle._skops_protocol.cache_clear()


def test_a_bundle_removed_after_verification_cannot_be_read_again(plain, tmp_path):
    copy = tmp_path / "copy.n4a"
    copy.write_bytes(plain.read_bytes())
    opened = read_bundle(copy)
    copy.unlink()
    with pytest.raises(BundleIntegrityError, match="cannot be read again"):
        opened.artifact(opened.artifact_ids()[0])


def test_skops_own_audit_gives_the_quick_answer_on_a_plain_bundle(plain, monkeypatch):
    assert read_bundle(plain).untrusted_types() == []
    monkeypatch.setattr(_skops_audit, "quick_audit", lambda *args: None)
    assert read_bundle(plain).untrusted_types() == []


def test_a_typed_error_of_the_audit_passes_through(plain, monkeypatch):
    def refuse(data):
        raise BundleIntegrityError("refused by the audit")

    monkeypatch.setattr(_skops_audit, "quick_audit", lambda *args: None)
    monkeypatch.setattr(serialization, "audit", refuse)
    with pytest.raises(BundleIntegrityError, match="refused by the audit"):
        read_bundle(plain).untrusted_types()


def _failing_load(error: BaseException):
    def load(*args, **kwargs):
        raise error
    return load


@pytest.mark.parametrize(("error", "raised", "message"), [
    (UntrustedArtifactError("a" * 64, ["x.Evil"], "not allowed"), UntrustedBundleError,
     "not allowed"),
    (BundleIntegrityError("typed failure"), BundleIntegrityError, "typed failure"),
    (RuntimeError("skops broke"), BundleIntegrityError, "cannot be loaded"),
], ids=["untrusted", "typed", "other"])
def test_a_failing_load_is_reported_as_a_bundle_error(plain, monkeypatch, error, raised,
                                                      message):
    monkeypatch.setattr(serialization, "deserialize", _failing_load(error))
    with pytest.raises(raised, match=message):
        read_bundle(plain).load_objects()
