"""Thin entry points and the result objects."""

# Imported eagerly, unlike the other faces: ``run`` and ``predict`` are both submodules and
# functions of this package, and importing a submodule binds its name on the package, which
# would hide a lazily loaded function of the same name. ``import nirs4all`` stays light
# because the top-level face loads this package only on first use of a name.
from nirs4all.api._result_07 import LazyModelRefitResult, ModelRefitResult
from nirs4all.api.predict import PredictResult, predict
from nirs4all.api.result import ChainSummary, RunResult
from nirs4all.api.run import run

__all__ = ["ChainSummary", "LazyModelRefitResult", "ModelRefitResult", "PredictResult",
           "RunResult", "predict", "run"]
