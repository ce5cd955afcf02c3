"""0.7 extension point (register_controller / OperatorController / CONTROLLER_REGISTRY) and
CacheConfig: a registered controller's custom keyword runs, is stored and replays like the
steps it builds; CacheConfig is accepted, validated and changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.config.cache_config import CacheConfig
from nirs4all.controllers import (
    CONTROLLER_REGISTRY,
    OperatorController,
    register_controller,
    unregister_controller,
)
from nirs4all.errors import SpecError
from nirs4all.operators.transforms import SavitzkyGolay, StandardNormalVariate
from nirs4all.pipeline.spec import parse_pipeline


class SmoothSNV(OperatorController):
    priority = 10

    @classmethod
    def matches(cls, step, operator, keyword):
        return keyword == "smooth_snv"

    def build(self, step, operator, keyword):
        return [SavitzkyGolay(window_length=step["smooth_snv"], polyorder=2),
                StandardNormalVariate()]


class Marker:
    """Not a transformer: only a registered controller knows what it means."""


class MarkerController(OperatorController):
    @classmethod
    def matches(cls, step, operator, keyword):
        return isinstance(operator, Marker)

    def build(self, step, operator, keyword):
        return StandardNormalVariate()


@pytest.fixture
def registered():
    for cls in (SmoothSNV, MarkerController):
        register_controller(cls)
    yield
    for cls in (SmoothSNV, MarkerController):
        unregister_controller(cls)


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


def _preds(result):
    return [p.y_pred for o in result.outcomes for p in o.predictions]


def test_a_custom_keyword_runs_as_the_steps_it_builds(registered, data, tmp_path):
    custom = nirs4all.run([{"smooth_snv": 11}, KFold(3), {"model": PLSRegression(3)}], data,
                          verbose=0, workspace=tmp_path, random_state=0)
    plain = nirs4all.run([SavitzkyGolay(window_length=11, polyorder=2),
                          StandardNormalVariate(), KFold(3), {"model": PLSRegression(3)}],
                         data, verbose=0, workspace=None, random_state=0)
    for a, b in zip(_preds(custom), _preds(plain), strict=True):
        np.testing.assert_array_equal(a, b)
    X = data.x()[:5]
    bundle = custom.export(tmp_path / "custom.n4a")
    unregister_controller(SmoothSNV)  # replay needs no controller: the chain is ordinary
    np.testing.assert_allclose(nirs4all.predict(bundle, (X,)).to_numpy(),
                               plain.predict((X,)).to_numpy())


def test_an_object_step_can_be_translated_too(registered):
    steps = parse_pipeline([Marker(), {"model": PLSRegression(2)}])
    assert steps[0].kind == "transform"
    assert type(steps[0].operator).__name__ == "SNV"


def test_without_a_controller_the_unknown_step_is_still_an_error():
    with pytest.raises(SpecError, match="no keyword among"):
        parse_pipeline([{"smooth_snv": 11}, {"model": PLSRegression(2)}])
    with pytest.raises(SpecError, match="is neither a transformer"):
        parse_pipeline([Marker(), {"model": PLSRegression(2)}])


def test_the_registry_is_sorted_by_priority_and_deduplicated(registered):
    register_controller(SmoothSNV)
    names = [c.__name__ for c in CONTROLLER_REGISTRY]
    assert names.count("SmoothSNV") == 1
    assert names.index("SmoothSNV") < names.index("MarkerController")


def test_a_07_execute_controller_is_refused_with_the_reason():
    class Old(OperatorController):
        def execute(self, *args):
            return args

    with pytest.raises(TypeError, match=r"implements the 0\.x execute"):
        register_controller(Old)
    with pytest.raises(TypeError, match="OperatorController subclass"):
        register_controller(object)


def test_a_controller_that_fails_or_loops_names_the_step():
    class Broken(OperatorController):
        @classmethod
        def matches(cls, step, operator, keyword):
            return keyword in ("broken", "loop", "empty")

        def build(self, step, operator, keyword):
            if keyword == "loop":
                return {"loop": 1}
            if keyword == "empty":
                return None
            raise RuntimeError("cannot")

    register_controller(Broken)
    try:
        with pytest.raises(SpecError, match=r"steps\[0\]: controller Broken failed"):
            parse_pipeline([{"broken": 1}, {"model": PLSRegression(2)}])
        with pytest.raises(SpecError, match="10 times over"):
            parse_pipeline([{"loop": 1}, {"model": PLSRegression(2)}])
        with pytest.raises(SpecError, match="built nothing"):
            parse_pipeline([{"empty": 1}, {"model": PLSRegression(2)}])
    finally:
        unregister_controller(Broken)


def test_the_top_level_07_names_are_the_same_objects():
    from nirs4all.utils import backend

    assert nirs4all.register_controller is register_controller
    assert nirs4all.CONTROLLER_REGISTRY is CONTROLLER_REGISTRY
    assert nirs4all.framework is backend.framework
    assert nirs4all.is_tensorflow_available() == backend.TF_AVAILABLE
    assert isinstance(nirs4all.is_gpu_available(), bool)


def test_cache_config_is_accepted_and_changes_nothing(data):
    pipeline = [StandardNormalVariate(), KFold(3), {"model": PLSRegression(3)}]
    with_cache = nirs4all.run(pipeline, data, verbose=0, workspace=None, random_state=0,
                              cache=CacheConfig(step_cache_max_mb=64,
                                                use_cow_snapshots=False))
    without = nirs4all.run(pipeline, data, verbose=0, workspace=None, random_state=0)
    for a, b in zip(_preds(with_cache), _preds(without), strict=True):
        np.testing.assert_array_equal(a, b)


def test_cache_config_validates_its_fields():
    assert CacheConfig().step_cache_max_mb == 2048
    with pytest.raises(ValueError, match="step_cache_max_mb must be a positive integer"):
        CacheConfig(step_cache_max_mb=0)
    with pytest.raises(TypeError, match="use_cow_snapshots must be True or False"):
        CacheConfig(use_cow_snapshots="yes")


def test_lazy_model_refit_results_are_resolved(data):
    from nirs4all.api import LazyModelRefitResult, ModelRefitResult

    result = nirs4all.run([KFold(3), {"model": PLSRegression(3)}], data, verbose=0,
                          workspace=None, random_state=0)
    model = next(iter(result.models.values()))
    assert isinstance(model, ModelRefitResult)
    assert isinstance(model, LazyModelRefitResult)
    assert model.is_resolved
