"""The one rule for a list of lists given to run(): several pipelines, or one."""

from __future__ import annotations

import logging

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

from nirs4all.pipeline.reading import split_pipelines


def test_two_or_more_lists_only_are_that_many_pipelines(caplog: pytest.LogCaptureFixture,
                                                        ) -> None:
    first, second = [StandardScaler(), PLSRegression(2)], [PLSRegression(3)]
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        assert split_pipelines([first, second]) == [first, second]
    assert "read as 2 separate pipelines" in caplog.text


def test_lists_mixed_with_steps_are_one_pipeline_with_sub_pipelines(
        caplog: pytest.LogCaptureFixture) -> None:
    pipeline = [[StandardScaler()], KFold(3), PLSRegression(2)]
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        assert split_pipelines(pipeline) == [pipeline]
    assert "one pipeline of 3 step(s), 1 of them sub-pipelines" in caplog.text


def test_a_single_list_inside_a_list_is_one_pipeline() -> None:
    pipeline = [[StandardScaler(), PLSRegression(2)]]
    assert split_pipelines(pipeline) == [pipeline]


def test_a_flat_pipeline_or_a_single_step_logs_nothing(caplog: pytest.LogCaptureFixture,
                                                       ) -> None:
    model = PLSRegression(2)
    flat = [StandardScaler(), model]
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        assert split_pipelines(flat) == [flat]
        assert split_pipelines(model) == [model]
    assert caplog.records == []


def test_run_reads_a_list_of_lists_as_several_pipelines_and_says_so(
        caplog: pytest.LogCaptureFixture) -> None:
    import nirs4all

    dataset = nirs4all.generate(40, random_state=1)
    pipelines = [[KFold(2), PLSRegression(2)], [KFold(2), PLSRegression(3)]]
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        result = nirs4all.run(pipelines, dataset, random_state=0, verbose=0)
    assert result.num_variants == 2
    assert "read as 2 separate pipelines" in caplog.text
