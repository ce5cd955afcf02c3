"""0.7 style: nirs4all.predict(model=..., data=...) with every 0.7 source kind."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    root = tmp_path_factory.mktemp("predict07")
    data = nirs4all.generate(50, wavelengths=(1000, 1400, 10), random_state=9, name="grain")
    result = nirs4all.run([KFold(3), {"model": PLSRegression(3)}], data, random_state=0,
                          verbose=0, workspace=root / "ws")
    bundle = result.export(root / "best.n4a")
    expected = result.predict(data.test).to_numpy()
    return {"result": result, "data": data, "bundle": bundle, "ws": root / "ws",
            "expected": expected}


def test_model_is_a_bundle_path(stored):
    got = nirs4all.predict(model=str(stored["bundle"]), data=stored["data"].test)
    np.testing.assert_array_equal(got.to_numpy(), stored["expected"])


def test_model_is_a_ranked_entry_read_from_the_workspace(stored):
    entry = stored["result"].best
    got = nirs4all.predict(model=entry, data=stored["data"].test, workspace=stored["ws"])
    np.testing.assert_array_equal(got.to_numpy(), stored["expected"])
    top = stored["result"].top(1, rank_metric="rmse")[0]
    again = nirs4all.predict(model=top, data=stored["data"].test, workspace=stored["ws"])
    np.testing.assert_array_equal(again.to_numpy(), stored["expected"])


def test_chain_id_keyword_reads_the_workspace(stored):
    got = nirs4all.predict(chain_id=stored["result"].best.chain_id, data=stored["data"].test,
                           workspace=stored["ws"])
    np.testing.assert_array_equal(got.to_numpy(), stored["expected"])


def test_exactly_one_source_is_required(stored):
    with pytest.raises(TypeError, match="exactly one of source, model= or chain_id="):
        nirs4all.predict(stored["bundle"], model=stored["bundle"], data=stored["data"].test)
    with pytest.raises(TypeError, match="exactly one"):
        nirs4all.predict(data=stored["data"].test)
    with pytest.raises(TypeError, match="needs data"):
        nirs4all.predict(model=stored["bundle"])
