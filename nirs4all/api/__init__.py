"""Thin entry points and the result objects."""

from nirs4all.api._result_07 import LazyModelRefitResult, ModelRefitResult
from nirs4all.api.predict import PredictResult, predict
from nirs4all.api.result import ChainSummary, RunResult
from nirs4all.api.run import run

__all__ = ["ChainSummary", "LazyModelRefitResult", "ModelRefitResult", "PredictResult",
           "RunResult", "predict", "run"]
