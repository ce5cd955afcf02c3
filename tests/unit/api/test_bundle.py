"""Bundles: tamper detection, signatures, the trust model and wavelength checks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.errors import BundleIntegrityError, UntrustedBundleError, WavelengthMismatchError
from nirs4all.operators.transforms import SNV
from nirs4all.workspace._strictzip import canonical_info
from nirs4all.workspace.bundle import KEY_VARIABLE, read_bundle


class Doubler(TransformerMixin, BaseEstimator):
    """A transformer from outside nirs4all and scikit-learn (not on the allow-list)."""

    def fit(self, X, y=None):
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X):
        return np.asarray(X) * 2.0


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(80, random_state=2)


@pytest.fixture(scope="module")
def result(dataset):
    return nirs4all.run([SNV(), KFold(3), PLSRegression(4)], dataset, random_state=0,
                        verbose=0)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(canonical_info(name), data)


def test_bundle_lists_every_member_with_its_hash(result, tmp_path: Path) -> None:
    path = result.export(tmp_path / "model.n4a")
    members = _members(path)
    record = members["RECORD"].decode().splitlines()
    assert {line.split(",")[0] for line in record} == set(members) - {"RECORD"}
    bundle = read_bundle(path)
    manifest = bundle.manifest
    assert manifest["chain_id"] == result.best.chain_id
    assert manifest["dataset_hash"] == result.outcomes[0].dataset_hash
    assert manifest["sources"][0]["unit"] == "nm"
    assert len(manifest["sources"][0]["wavelengths"]) == 801
    assert not bundle.signed


def test_one_flipped_byte_in_any_member_is_detected(result, tmp_path: Path) -> None:
    original = result.export(tmp_path / "model.n4a")
    members = _members(original)
    for name in members:
        for position in (0, len(members[name]) // 2, len(members[name]) - 1):
            changed = dict(members)
            data = bytearray(members[name])
            data[position] ^= 0x01
            changed[name] = bytes(data)
            path = tmp_path / "tampered.n4a"
            _rewrite(path, changed)
            with pytest.raises(BundleIntegrityError):
                read_bundle(path)


def test_missing_and_extra_members_are_detected(result, tmp_path: Path) -> None:
    members = _members(result.export(tmp_path / "model.n4a"))
    artifact = next(n for n in members if n.startswith("artifacts/"))
    path = tmp_path / "changed.n4a"
    _rewrite(path, {k: v for k, v in members.items() if k != artifact})
    with pytest.raises(BundleIntegrityError, match="missing"):
        read_bundle(path)
    _rewrite(path, {**members, "artifacts/extra.skops": b"payload"})
    with pytest.raises(BundleIntegrityError, match="extra"):
        read_bundle(path)
    _rewrite(path, {k: v for k, v in members.items() if k != "RECORD"})
    with pytest.raises(BundleIntegrityError, match="RECORD"):
        read_bundle(path)


def test_not_a_zip_is_an_integrity_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.n4a"
    path.write_bytes(b"not a zip")
    with pytest.raises(BundleIntegrityError, match="not a readable bundle"):
        read_bundle(path)


def test_signature_with_a_key(result, dataset, tmp_path: Path, monkeypatch) -> None:
    path = result.export(tmp_path / "signed.n4a", key="s3cret")
    assert read_bundle(path, key="s3cret").signature_checked
    with pytest.raises(BundleIntegrityError, match="signature does not match"):
        read_bundle(path, key="other")
    unsigned = result.export(tmp_path / "unsigned.n4a")
    with pytest.raises(BundleIntegrityError, match="not signed"):
        read_bundle(unsigned, key="s3cret")
    monkeypatch.setenv(KEY_VARIABLE, "s3cret")
    from_env = result.export(tmp_path / "env.n4a")
    assert read_bundle(from_env).signature_checked
    assert len(nirs4all.predict(from_env, dataset.test)) == dataset.test.n_samples


def test_a_type_outside_the_allow_list_needs_trust(dataset, tmp_path: Path) -> None:
    result = nirs4all.run([Doubler(), KFold(3), PLSRegression(3)], dataset, random_state=0,
                          verbose=0)
    path = result.export(tmp_path / "custom.n4a")
    with pytest.raises(UntrustedBundleError, match="Doubler") as info:
        nirs4all.predict(path, dataset.test)
    assert any(t.endswith("Doubler") for t in info.value.types)
    assert read_bundle(path).untrusted_types() == info.value.types
    trusted = nirs4all.predict(path, dataset.test, trusted=True)
    expected = result.predictions(fold_id="final", partition="test")[0].y_pred
    np.testing.assert_array_equal(trusted.y_pred, expected)


def test_other_wavelengths_are_an_error_unless_resampled(result, dataset,
                                                         tmp_path: Path) -> None:
    path = result.export(tmp_path / "model.n4a")
    test = dataset.test
    axis = test.wavelengths()
    shifted = SpectroDataset(FeatureSource("X", test.x(), axis + 0.5, "nm"))
    with pytest.raises(WavelengthMismatchError, match=r"801 points 900\.\.2500 nm.*"
                       r"801 points 900\.5\.\.2500\.5 nm.*resample=True"):
        nirs4all.predict(path, shifted)
    narrower = SpectroDataset(FeatureSource("X", test.x()[:, 10:-10], axis[10:-10], "nm"))
    with pytest.raises(WavelengthMismatchError, match="781 points"):
        nirs4all.predict(path, narrower)
    wider = SpectroDataset(FeatureSource("X", test.x(), axis, "nm"))
    exact = nirs4all.predict(path, wider).y_pred
    shifted_back = SpectroDataset(FeatureSource("X", test.x()[:, :-1],
                                                (axis - 0.25)[:-1], "nm"))
    with pytest.raises(WavelengthMismatchError, match="extrapolating"):
        nirs4all.predict(path, shifted_back, resample=True)
    wavenumbers = SpectroDataset(FeatureSource("X", test.x()[:, ::-1], 1e7 / axis[::-1],
                                               "cm-1"))
    with pytest.raises(WavelengthMismatchError, match="cm-1"):
        nirs4all.predict(path, wavenumbers)
    converted = nirs4all.predict(path, wavenumbers, resample=True).y_pred
    np.testing.assert_allclose(converted, exact, rtol=0, atol=1e-9)


def test_bare_arrays_of_the_right_width_are_taken_column_by_column(result, dataset,
                                                                   tmp_path: Path) -> None:
    path = result.export(tmp_path / "model.n4a")
    from_arrays = nirs4all.predict(path, np.array(dataset.test.x()))
    from_dataset = nirs4all.predict(path, dataset.test)
    np.testing.assert_array_equal(from_arrays.y_pred, from_dataset.y_pred)
    with pytest.raises(WavelengthMismatchError, match="give the spectra's wavelengths"):
        nirs4all.predict(path, np.ones((2, 5)))


def test_chain_without_final_refit_cannot_be_exported(dataset, tmp_path: Path) -> None:
    result = nirs4all.run([KFold(3), {"model": PLSRegression, "_range_": [2, 4, 2],
                                      "param": "n_components"}], dataset, random_state=0,
                          verbose=0)
    second = result.top(2)[1]
    with pytest.raises(ValueError, match="was not refitted"):
        result.export(tmp_path / "x.n4a", second.chain_id)


def test_predict_result_writes_csv(result, dataset, tmp_path: Path) -> None:
    prediction = result.predict(dataset.test)
    text = prediction.to_csv(tmp_path / "out.csv").read_text().splitlines()
    assert text[0] == "sample_id,water"
    assert len(text) == dataset.test.n_samples + 1
    assert prediction.to_numpy().shape == (dataset.test.n_samples,)
