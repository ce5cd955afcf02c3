"""0.7 pipeline files, YAML and JSON, run through ``nirs4all.run`` and the ``nirs4all run``
command: every 0.7 step form gives the same predictions as the Python pipeline it spells."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
import yaml
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import nirs4all
from nirs4all.cli import EXIT_BAD_INPUT, EXIT_OK, main
from nirs4all.errors import SpecError
from nirs4all.operators.transforms import FirstDerivative, StandardNormalVariate

FILE_07 = {
    "name": "demo",
    "description": "every step form of a 0.7 pipeline file",
    "pipeline": [
        {"class": "sklearn.preprocessing.MinMaxScaler"},
        {"y_processing": {"class": "sklearn.preprocessing.StandardScaler"}},
        "chart_2d",
        {"split": {"class": "sklearn.model_selection.GroupKFold", "params": {"n_splits": 3}},
         "group": "lot"},
        {"feature_augmentation": [{"class": "nirs4all.operators.transforms.StandardNormalVariate"},
                                  "nirs4all.operators.transforms.FirstDerivative"],
         "action": "add"},
        {"model": {"class": "sklearn.cross_decomposition.PLSRegression",
                   "params": {"n_components": {"_range_": [2, 6, 2]}}},
         "name": "PLS"},
    ],
}

PYTHON_07 = [
    MinMaxScaler(), {"y_processing": StandardScaler()},
    {"split": GroupKFold(n_splits=3), "group": "lot"},
    {"feature_augmentation": [None, StandardNormalVariate(), FirstDerivative()]},
    {"model": PLSRegression(n_components={"_range_": [2, 6, 2]}), "name": "PLS"},
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A 0.7 dataset folder: Xcal/Ycal/Mcal and Xval/Yval/Mval, with a 'lot' column."""
    path = tmp_path_factory.mktemp("data07")
    ds = nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)
    X, y, axis = ds.x(), ds.y.ravel(), ds.sources[0].wavelengths
    lots = np.arange(60) % 9

    def write(name, rows, header):
        lines = [";".join(header)] + [";".join(repr(float(v)) for v in np.atleast_1d(r))
                                      for r in rows]
        (path / name).write_text("\n".join(lines) + "\n")

    write("Xcal.csv", X[:45], [str(v) for v in axis])
    write("Xval.csv", X[45:], [str(v) for v in axis])
    write("Ycal.csv", y[:45], ["y"])
    write("Yval.csv", y[45:], ["y"])
    write("Mcal.csv", lots[:45], ["lot"])
    write("Mval.csv", lots[45:], ["lot"])
    return path


def _predictions(result):
    """Predictions by (variant position, phase, fold, partition): two spellings of one
    pipeline have different identities, so chain ids cannot be compared."""
    return {(i, o.phase, p.fold_id, p.partition): p.y_pred
            for i, o in enumerate(result.outcomes) for p in o.predictions}


def _same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


@pytest.fixture(scope="module")
def reference(folder):
    return nirs4all.run(PYTHON_07, str(folder), verbose=0, workspace=None, random_state=0)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_a_07_file_runs_as_its_python_pipeline(folder, reference, tmp_path, suffix):
    path = tmp_path / f"pipeline{suffix}"
    path.write_text(json.dumps(FILE_07) if suffix == ".json" else yaml.safe_dump(FILE_07))
    result = nirs4all.run(str(path), str(folder), verbose=0, workspace=None, random_state=0)
    assert result.num_variants == 3
    assert {s.model_name for s in result.top(3)} == {"PLS"}
    _same(_predictions(result), _predictions(reference))


def test_the_nirs4all_run_command_reads_a_07_file(folder, reference, tmp_path):
    path = tmp_path / "pipeline.yaml"
    path.write_text(yaml.safe_dump(FILE_07))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", str(path), str(folder), "--seed", "0", "--workspace", "none",
                     "--json", "--top", "3"])
    assert code == EXIT_OK
    report = json.loads(out.getvalue())
    assert report["variants"] == 3
    best = reference.top(1)[0]
    assert report["top"][0]["cv_score"] == pytest.approx(best.cv_score, rel=1e-12)


def test_a_bare_list_file_and_the_model_string_form(folder, tmp_path):
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([
        {"preprocessing": {"class": "nirs4all.operators.transforms.StandardNormalVariate"}},
        {"class": "sklearn.model_selection.KFold", "params": {"n_splits": 3}},
        {"model": "sklearn.cross_decomposition.PLSRegression", "params": {"n_components": 3},
         "name": "PLS-3"},
    ]))
    from_file = nirs4all.run(str(path), str(folder), verbose=0, workspace=None,
                             random_state=0)
    from sklearn.model_selection import KFold

    direct = nirs4all.run([StandardNormalVariate(), KFold(3),
                           {"model": PLSRegression(3), "name": "PLS-3"}], str(folder),
                          verbose=0, workspace=None, random_state=0)
    assert from_file.top(1)[0].model_name == "PLS-3"
    _same(_predictions(from_file), _predictions(direct))


def test_a_wrapped_pipeline_dict_runs_directly(folder, reference):
    from_python = {"pipeline": PYTHON_07, "name": "demo", "description": "in Python"}
    result = nirs4all.run(from_python, str(folder), verbose=0, workspace=None,
                          random_state=0)
    _same(_predictions(result), _predictions(reference))


def test_a_wrapper_with_another_key_is_refused_naming_the_file(folder, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"pipeline": [], "steps": []}))
    with pytest.raises(SpecError, match=r"bad\.yaml: a wrapped pipeline takes the keys"):
        nirs4all.run(str(path), str(folder), verbose=0, workspace=None)
    with pytest.raises(SpecError, match=r"pipeline\.name must be a string"):
        nirs4all.run({"pipeline": PYTHON_07, "name": 3}, str(folder), verbose=0,
                     workspace=None)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["run", str(path), str(folder), "--workspace", "none"]) == EXIT_BAD_INPUT
    assert "a wrapped pipeline takes the keys" in err.getvalue()
