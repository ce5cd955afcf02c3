"""Each 0.x spelling that the new API supersedes still works and emits one
DeprecationWarning naming its replacement, attributed to the caller's line, so a loop
over it warns once under Python's default filter."""

from __future__ import annotations

import warnings

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.runner_compat import DatasetConfigs, PipelineConfigs, PipelineRunner

PIPELINE = [KFold(3), {"model": PLSRegression(2)}]


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(45, wavelengths=(1000, 1400, 10), random_state=0)


@pytest.fixture(scope="module")
def stored(data, tmp_path_factory):
    workspace = tmp_path_factory.mktemp("ws")
    return nirs4all.run(PIPELINE, data, verbose=0, workspace=workspace, random_state=0)


def _spellings(data, stored, tmp_path):
    """(old spelling, its replacement in the message, a call of the old spelling)."""
    X = (data.x()[:3],)
    best = stored.best.chain_id
    return [
        ("run(workspace_path=...)", "run(workspace=...)",
         lambda: nirs4all.run(PIPELINE, data, verbose=0, workspace_path=tmp_path / "w",
                              random_state=0)),
        ("PipelineRunner", "nirs4all.run(pipeline, dataset, ...)",
         lambda: PipelineRunner(workspace_path=None)),
        ("PipelineConfigs", "nirs4all.run", lambda: PipelineConfigs(PIPELINE)),
        ("DatasetConfigs", "nirs4all.load_dataset", lambda: DatasetConfigs(data)),
        ("predict(model=...)", "predict(source, data)",
         lambda: nirs4all.predict(model=stored, data=X)),
        ("predict(chain_id=...)", "predict(chain_id, data, workspace=...)",
         lambda: nirs4all.predict(chain_id=best, data=X, workspace=stored.workspace)),
        ("export(source=...)", "export(path, chain=<chain id>)",
         lambda: stored.export(tmp_path / "a.n4a", source=stored.best)),
        ("export(chain_id=...)", "export(path, chain=<chain id>)",
         lambda: stored.export(tmp_path / "b.n4a", chain_id=best)),
    ]


def test_every_superseded_spelling_warns_once_naming_its_replacement(data, stored,
                                                                       tmp_path):
    for old, new, call in _spellings(data, stored, tmp_path):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            for _ in range(3):
                call()
        found = [w for w in caught if issubclass(w.category, DeprecationWarning)]
        assert len(found) == 1, (old, [str(w.message) for w in found])
        message = str(found[0].message)
        assert message.startswith(old), message
        assert new in message, message
        assert found[0].filename == __file__, (old, found[0].filename)


def test_pytest_warns_sees_each_spelling(data, stored, tmp_path):
    for old, _, call in _spellings(data, stored, tmp_path):
        with pytest.warns(DeprecationWarning, match=old.replace("(", r"\(")
                          .replace(")", r"\)").replace(".", r"\.")):
            call()


def test_the_new_spellings_do_not_warn(data, stored, tmp_path):
    X = (data.x()[:3],)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        nirs4all.predict(stored, X)
        nirs4all.predict(stored.best.chain_id, X, workspace=stored.workspace)
        stored.export(tmp_path / "c.n4a", chain=stored.best.chain_id)
