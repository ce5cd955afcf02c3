"""Fixtures of the workspace store tests (outcome factories live in store_factories.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_factories import make_dataset, spec_json

import nirs4all.workspace


@pytest.fixture
def dataset():
    return make_dataset()


@pytest.fixture
def ws(tmp_path: Path):
    with nirs4all.workspace.open(tmp_path / "ws") as workspace:
        yield workspace


@pytest.fixture
def run_id(ws, dataset):
    return ws.begin_run("test run", spec_json=spec_json(3), datasets=[dataset], seed=0)
