"""``nirs4all.run``'s less travelled paths: broken pipeline files, class names under a
keyword, the 0.x configuration objects, a task read from the models, option checks, the
0.7 ``session=`` keyword and the log line of a resumed run."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold

import nirs4all
from nirs4all.api.runner_compat import DatasetConfigs, PipelineConfigs
from nirs4all.api.session import Session
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.errors import SpecError
from nirs4all.operators.transforms import SNV


@pytest.fixture(scope="module")
def data() -> SpectroDataset:
    return nirs4all.generate(36, random_state=5)


def _quiet(**options):
    return {"random_state": 0, "verbose": 0, "workspace": None, **options}


def test_an_unparsable_pipeline_file_names_the_file(tmp_path: Path, data) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- SNV\n- model: [unclosed\n")
    with pytest.raises(SpecError, match=r"broken\.yaml: cannot parse the pipeline file"):
        nirs4all.run(path, data, **_quiet())


def test_a_pipeline_file_holding_a_mapping_of_steps_is_refused(tmp_path, data) -> None:
    path = tmp_path / "mapping.json"
    path.write_text('{"model": "PLSRegression"}')
    with pytest.raises(SpecError, match=r"mapping\.json: a pipeline file holds a list"):
        nirs4all.run(path, data, **_quiet())


def test_class_names_under_a_keyword_resolve_from_the_registry(tmp_path, data) -> None:
    path = tmp_path / "named.yaml"
    path.write_text("- preprocessing: SNV\n- split: KFold\n- y_processing: MinMaxScaler\n"
                    "- model: PLSRegression\n")
    from sklearn.preprocessing import MinMaxScaler

    by_name = nirs4all.run(path, data, **_quiet())
    by_object = nirs4all.run([{"preprocessing": SNV()}, {"split": KFold()},
                              {"y_processing": MinMaxScaler()}, {"model": PLSRegression()}],
                             data, **_quiet())
    assert [c.chain_id for c in by_name.chains] == [c.chain_id for c in by_object.chains]


def test_the_0x_configuration_objects_are_read(data) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pipeline = PipelineConfigs([SNV(), KFold(3), PLSRegression(2)])
        datasets = DatasetConfigs(data)
    result = nirs4all.run(pipeline, datasets, **_quiet())
    direct = nirs4all.run([SNV(), KFold(3), PLSRegression(2)], data, **_quiet())
    assert [c.chain_id for c in result.chains] == [c.chain_id for c in direct.chains]


def test_integer_targets_are_read_as_classes_when_every_model_classifies() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(12), 3).astype(float)  # whole numbers, inferred as regression
    data = SpectroDataset(FeatureSource("X", rng.random((36, 8)) + y[:, None] * 0.1), y,
                          name="grades")
    result = nirs4all.run([StratifiedKFold(3), LogisticRegression(max_iter=300)], data,
                          **_quiet())
    (note,) = result.notes.values()
    assert note.startswith("dataset 'grades': its integer-valued targets are read as 12 "
                           "classes (multiclass) because every model is a classifier")
    assert data.task == "regression"


def test_continue_on_error_must_be_none_or_a_bool(data) -> None:
    with pytest.raises(TypeError, match="continue_on_error must be None"):
        nirs4all.run([KFold(3), PLSRegression(2)], data, continue_on_error="yes", **_quiet())


def test_the_07_session_keyword_records_the_run_in_its_history(data) -> None:
    session = Session(workspace=None)
    result = nirs4all.run([KFold(3), PLSRegression(2)], data, session=session,
                          random_state=0, verbose=0)
    assert session.history == [result]


def test_a_resumed_run_says_how_many_passes_it_reads_back(tmp_path, data, caplog) -> None:
    pipeline = [KFold(3), PLSRegression(2)]
    first = nirs4all.run(pipeline, data, **_quiet(workspace=tmp_path / "ws"))
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        again = nirs4all.run(pipeline, data, **_quiet(workspace=tmp_path / "ws"))
    assert again.run_id == first.run_id
    assert any(r.getMessage() == f"run {first.run_id[:10]} resumes: 2 pass(es) are stored "
               "already and are not computed again" for r in caplog.records)
