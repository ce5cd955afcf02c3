"""A dataset's own folds (``load_dataset(..., folds=)``, the ``folds`` key of a YAML
description): the split of a pipeline without a splitter, stored and rerun idempotently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.data import save_dataset
from nirs4all.errors import DatasetConfigError, SpecError
from nirs4all.operators.transforms import SNV


def _fold_file(path: Path, dataset, k: int = 3) -> Path:
    train = dataset.sample_ids[dataset.partition == "train"]
    path.write_text("sample_id,fold\n" + "".join(f"{i},{(7 * i) % k}\n" for i in train))
    return path


def test_a_yaml_folds_key_is_the_split_of_a_pipeline_without_one(tmp_path: Path) -> None:
    base = nirs4all.generate(60, random_state=2)
    save_dataset(base, tmp_path / "wheat")
    _fold_file(tmp_path / "folds.csv", base)
    (tmp_path / "wheat.yaml").write_text("folder: wheat\nfolds: folds.csv\n")
    dataset = nirs4all.load_dataset(tmp_path / "wheat.yaml")
    run = {"random_state": 0, "verbose": 0, "workspace": tmp_path / "ws"}
    result = nirs4all.run([SNV(), PLSRegression(3)], dataset, **run)
    chain = result.best
    assert chain.fold_ids == ("0", "1", "2", "final")
    # the same folds given to the pipeline, with the splitter first, score the same
    same = nirs4all.run([{"split": str(tmp_path / "folds.csv")}, SNV(), PLSRegression(3)],
                        base, random_state=0, verbose=0, workspace=None).best
    assert chain.cv_score == pytest.approx(same.cv_score, rel=1e-12)
    held = {p.fold_id: set(p.sample_ids.tolist()) for p in result.predictions(
        chain_id=chain.chain_id, partition="val")}
    assert held["1"] == {i for i in base.sample_ids[base.partition == "train"]
                         if (7 * i) % 3 == 1}
    again = nirs4all.run([SNV(), PLSRegression(3)], nirs4all.load_dataset(
        tmp_path / "wheat.yaml"), **run)
    assert again.stats["fits"] == 0
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.predictions().num_rows == len(result.predictions())


def test_folds_in_both_the_dataset_and_the_pipeline_are_refused(tmp_path: Path) -> None:
    base = nirs4all.generate(60, random_state=2)
    dataset = nirs4all.load_dataset(base, folds=_fold_file(tmp_path / "f.csv", base))
    with pytest.raises(SpecError, match=r"steps\[0\]: the pipeline's splitter and dataset "
                                        r"'synthetic''s folds \(its folds key\) both give"):
        nirs4all.run([KFold(3), PLSRegression(3)], dataset, random_state=0, verbose=0,
                     workspace=None)


def test_editing_the_fold_file_changes_the_dataset_identity(tmp_path: Path) -> None:
    base = nirs4all.generate(60, random_state=2)
    three = nirs4all.load_dataset(base, folds=_fold_file(tmp_path / "a.csv", base, 3))
    four = nirs4all.load_dataset(base, folds=_fold_file(tmp_path / "b.csv", base, 4))
    assert three.content_hash() != four.content_hash()
    assert three.content_hash(include_metadata=False) == base.content_hash()


@pytest.mark.parametrize(("lines", "match"), [
    (["sample_id,fold", "0,0"], "training sample_id '1' has no fold"),
    (["fold", "0", "1"], "2 lines without sample_id for 48 training rows"),
    (["sample_id,fold", *[f"{i},{2 * (i % 2)}" for i in range(48)]],
     "fold 1 holds out no sample"),
    (["sample_id,fold", *[f"{i},0" for i in range(49)]], "'48' is not a training sample"),
    (["sample_id,group", "0,0"], "the header needs a 'fold' column"),
])
def test_a_bad_fold_file_is_a_dataset_error_naming_it(tmp_path: Path, lines, match) -> None:
    base = nirs4all.generate(60, random_state=2)
    path = tmp_path / "folds.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetConfigError, match=match):
        nirs4all.load_dataset(base, folds=path)


def test_json_folds_and_a_missing_file(tmp_path: Path) -> None:
    base = nirs4all.generate(60, random_state=2)
    train = base.sample_ids[base.partition == "train"].tolist()
    path = tmp_path / "folds.json"
    path.write_text('{"folds": [' + ", ".join(str(train[k::2]) for k in range(2)) + "]}")
    dataset = nirs4all.load_dataset(base, folds=path)
    assert np.unique(dataset.metadata["_folds"]).tolist() == [-1, 0, 1]
    with pytest.raises(DatasetConfigError, match="does not exist"):
        nirs4all.load_dataset(base, folds=tmp_path / "none.csv")
