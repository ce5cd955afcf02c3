"""0.7 ``feature_augmentation`` ``action`` modes, each against the explicit pipeline it
stands for (see the semantics in docs/pipeline.md)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import SpecError
from nirs4all.operators.transforms import (
    FirstDerivative,
    MultiplicativeScatterCorrection,
    StandardNormalVariate,
)
from nirs4all.pipeline.spec import parse_pipeline


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


def _predictions(data, augmentation):
    result = nirs4all.run([StandardNormalVariate(), augmentation, KFold(3),
                           {"model": PLSRegression(4)}], data, verbose=0, workspace=None,
                          random_state=0)
    return [p.y_pred for o in result.outcomes for p in o.predictions]


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_add_keeps_the_input_then_each_preprocessing(data):
    ops = [FirstDerivative(), MultiplicativeScatterCorrection()]
    _same(_predictions(data, {"feature_augmentation": ops, "action": "add"}),
          _predictions(data, {"feature_augmentation": [None, *ops]}))


def test_replace_is_the_listed_preprocessings_only(data):
    ops = [FirstDerivative(), MultiplicativeScatterCorrection()]
    replaced = _predictions(data, {"feature_augmentation": ops, "action": "replace"})
    _same(replaced, _predictions(data, {"feature_augmentation": ops}))
    added = _predictions(data, {"feature_augmentation": ops, "action": "add"})
    assert not np.array_equal(replaced[0], added[0])


def test_extend_keeps_the_input_and_each_distinct_preprocessing_once(data):
    msc = MultiplicativeScatterCorrection()
    listed = [FirstDerivative(), None, FirstDerivative(), msc]
    _same(_predictions(data, {"feature_augmentation": listed, "action": "extend"}),
          _predictions(data, {"feature_augmentation": [None, FirstDerivative(), msc]}))


def test_the_action_widths_follow_the_semantics():
    ops = [FirstDerivative(), FirstDerivative()]
    widths = {action: len(parse_pipeline([{"feature_augmentation": ops, "action": action},
                                          {"model": PLSRegression(2)}])[0].operators)
              for action in ("replace", "add", "extend")}
    assert widths == {"replace": 2, "add": 3, "extend": 2}


def test_an_unknown_action_is_an_error_naming_the_step():
    with pytest.raises(SpecError, match=r"steps\[0\]\.action: expected one of"):
        parse_pipeline([{"feature_augmentation": [FirstDerivative()], "action": "merge"},
                        {"model": PLSRegression(2)}])


def test_the_kept_input_is_labelled_input():
    step = parse_pipeline([{"feature_augmentation": [FirstDerivative()], "action": "add"},
                           {"model": PLSRegression(2)}])[0]
    assert step.label == "feature_augmentation[input, FirstDerivative]"


def test_concat_transform_is_the_listed_preprocessings_side_by_side(data):
    ops = [FirstDerivative(), MultiplicativeScatterCorrection()]
    _same(_predictions(data, {"concat_transform": ops}),
          _predictions(data, {"feature_augmentation": ops}))
    with pytest.raises(SpecError, match=r"unknown key\(s\) \['source_processing'\]"):
        parse_pipeline([{"concat_transform": ops, "source_processing": "raw"},
                        {"model": PLSRegression(2)}])
