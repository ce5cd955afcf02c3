"""run() options as documented: refit=True (0.x spelling), verbose=2 step shapes."""

from __future__ import annotations

import logging

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.transforms import SNV

PIPELINE = [SNV(), KFold(3), {"model": PLSRegression, "_range_": [2, 4, 2],
                              "param": "n_components"}]


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(50, random_state=8)


@pytest.fixture
def clean_logger():
    logger = logging.getLogger("nirs4all")
    before = list(logger.handlers)
    yield logger
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)


def test_refit_true_means_best_and_false_means_none(dataset) -> None:
    best = nirs4all.run(PIPELINE, dataset, random_state=0, verbose=0, workspace=None,
                        refit="best")
    legacy = nirs4all.run(PIPELINE, dataset, random_state=0, verbose=0, workspace=None,
                          refit=True)
    assert [c.fold_ids for c in legacy.chains] == [c.fold_ids for c in best.chains]
    assert [s.refitted for s in legacy.top(2)] == [True, False]
    none = nirs4all.run(PIPELINE, dataset, random_state=0, verbose=0, workspace=None,
                        refit=False)
    assert not any(s.refitted for s in none.top(2))


def test_refit_rejects_other_values(dataset) -> None:
    with pytest.raises(ValueError, match=r"refit must be 'best' \(or True\), 'all' or False"):
        nirs4all.run(PIPELINE, dataset, verbose=0, workspace=None, refit="some")


def test_verbose_2_shows_step_shapes_through_one_nirs4all_handler(dataset, capsys,
                                                                  clean_logger) -> None:
    root_handlers = list(logging.getLogger().handlers)
    pipeline = [SNV(), KFold(3), PLSRegression(3)]
    counts = []
    for _ in range(2):
        nirs4all.run(pipeline, dataset, random_state=0, verbose=2, workspace=None)
        err = capsys.readouterr().err
        counts.append(sum("steps[0] SNV -> " in line for line in err.splitlines()))
        # Every row of the block (train and test) goes through the step: 50 x 801.
        assert f"steps[0] SNV -> root:*=[[{dataset.n_samples}, 801]]" in err
        assert "steps[2] PLSRegression(n_components=3) -> root:0=" in err
    assert counts == [2, 2]  # the CV pass and the refit pass, once each: one handler
    console = [h for h in clean_logger.handlers if not isinstance(h, logging.NullHandler)]
    assert len(console) == 1
    assert logging.getLogger().handlers == root_handlers


def test_verbose_0_shows_nothing(dataset, capsys, clean_logger) -> None:
    nirs4all.run([SNV(), PLSRegression(3)], dataset, random_state=0, verbose=0,
                 workspace=None)
    assert capsys.readouterr().err == ""
