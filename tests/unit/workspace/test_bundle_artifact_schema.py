"""An artifact inside a bundle must be a skops file as nirs4all writes it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from nirs4all.errors import BundleIntegrityError
from nirs4all.workspace import _strictzip
from nirs4all.workspace.bundle import _artifact_schema, _skops_protocol


def _stored_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            info = _strictzip.canonical_info(name)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
    return buffer.getvalue()


def test_the_current_skops_protocol_is_read_back():
    data = _stored_zip({"schema.json": json.dumps({"protocol": _skops_protocol()}).encode()})
    assert _artifact_schema(data, "artifacts/x.skops")[0] == _skops_protocol()


@pytest.mark.parametrize(("members", "message"), [
    ({"other.json": b"{}"}, "has no schema.json"),
    ({"schema.json": b"not json"}, "is not a skops schema"),
    ({"schema.json": b'{"version": 1}'}, "is not a skops schema"),
    ({"schema.json": b'{"protocol": "2"}'}, "is not a number"),
    ({"schema.json": b'{"protocol": true}'}, "is not a number"),
])
def test_an_artifact_without_a_valid_skops_schema_is_refused(members, message):
    with pytest.raises(BundleIntegrityError, match=message):
        _artifact_schema(_stored_zip(members), "artifacts/x.skops")
