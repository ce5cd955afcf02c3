"""0.7 style: the import paths 0.x scripts use resolve to the hardened implementations."""

from __future__ import annotations

import pytest


def test_top_level_names_of_07():
    import nirs4all
    from nirs4all.api.result import RunResult

    for name in ("run", "predict", "retrain", "session", "load_session", "Session",
                 "RunResult", "PredictResult", "generate", "PipelineRunner",
                 "PipelineConfigs"):
        assert hasattr(nirs4all, name), name
    assert nirs4all.RunResult is RunResult


def test_lower_level_07_paths_resolve_to_the_api_adapters():
    from nirs4all.api import runner_compat
    from nirs4all.api.predictions import Predictions as Facade
    from nirs4all.data import DatasetConfigs
    from nirs4all.data.predictions import Predictions
    from nirs4all.pipeline import PipelineConfigs, PipelineRunner

    assert PipelineRunner is runner_compat.PipelineRunner
    assert PipelineConfigs is runner_compat.PipelineConfigs
    assert DatasetConfigs is runner_compat.DatasetConfigs
    assert Predictions is Facade


def test_unknown_names_on_the_faces_are_attribute_errors():
    import nirs4all.data
    import nirs4all.data.predictions
    import nirs4all.pipeline

    for module in (nirs4all.data, nirs4all.pipeline, nirs4all.data.predictions):
        with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
            module.Nope  # noqa: B018


def test_long_transform_names_of_07():
    from nirs4all.operators.transforms import (
        SNV,
        Derivate,
        ExtendedMultiplicativeScatterCorrection,
        FirstDerivative,
        Haar,
        MultiplicativeScatterCorrection,
        SavitzkyGolay,
        SecondDerivative,
        StandardNormalVariate,
    )

    assert StandardNormalVariate is SNV
    assert MultiplicativeScatterCorrection.__name__ == "MSC"
    assert ExtendedMultiplicativeScatterCorrection.__name__ == "EMSC"
    assert all(callable(c) for c in (Derivate, FirstDerivative, Haar, SavitzkyGolay,
                                     SecondDerivative))


def test_augmenters_import_from_both_07_paths():
    from nirs4all.operators import augmentation, transforms

    for name in ("GaussianAdditiveNoise", "MultiplicativeNoise", "LinearBaselineDrift",
                 "PolynomialBaselineDrift", "WavelengthShift", "WavelengthStretch",
                 "SmoothMagnitudeWarp", "MixupAugmenter", "ScatterSimulationMSC",
                 "Rotate_Translate", "Spline_X_Simplification", "Spline_Y_Perturbations"):
        assert getattr(transforms, name) is getattr(augmentation, name), name
    for name in ("TemperatureAugmenter", "EMSCDistortionAugmenter", "MoistureAugmenter",
                 "ParticleSizeAugmenter", "Spline_Curve_Simplification"):
        assert hasattr(augmentation, name)
