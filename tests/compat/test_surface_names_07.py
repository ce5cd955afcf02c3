"""Every name of the 0.x user surface (../shared/reference/0.x-user-surface.md, transcribed
below) imports from its 0.7 path, except the explicit lists at the end: names another
engineer delivers this iteration (emptied by the lead at merge) and names this release
does not support (each with its reason, also in docs/migration-from-0.x.md)."""

from __future__ import annotations

import importlib

import pytest

SURFACE = {
    "nirs4all": ["run", "predict", "explain", "retrain", "session", "load_session", "Session",
                 "RunResult", "PredictResult", "ExplainResult", "generate", "PipelineRunner",
                 "PipelineConfigs", "register_controller", "CONTROLLER_REGISTRY",
                 "is_tensorflow_available", "is_gpu_available", "framework"],
    "nirs4all.api": ["ModelRefitResult", "LazyModelRefitResult"],
    "nirs4all.data": ["DatasetConfigs", "SpectroDataset"],
    "nirs4all.data.predictions": ["Predictions"],
    "nirs4all.data.signal_type": ["SignalType", "detect_signal_type", "normalize_signal_type"],
    "nirs4all.pipeline": ["PipelineConfigs", "PipelineRunner"],
    "nirs4all.pipeline.bundle": ["BundleLoader"],
    "nirs4all.pipeline.config.generator": [
        "expand_spec", "expand_spec_iter", "count_combinations", "is_generator_node",
        "batch_iter", "sample_with_seed", "diff_configs", "summarize_configs",
        "print_expansion_tree", "to_dataframe", "register_preset", "list_presets",
        "clear_presets", "resolve_presets_recursive", "PICK_KEYWORD", "ARRANGE_KEYWORD",
        "THEN_PICK_KEYWORD", "THEN_ARRANGE_KEYWORD"],
    "nirs4all.operators.transforms": [
        "StandardNormalVariate", "FirstDerivative", "MultiplicativeScatterCorrection",
        "SavitzkyGolay", "Detrend", "Gaussian", "SecondDerivative", "Haar",
        "ExtendedMultiplicativeScatterCorrection", "Resampler", "CARS", "MCUVE",
        "GaussianAdditiveNoise", "MultiplicativeNoise", "LinearBaselineDrift",
        "PolynomialBaselineDrift", "WavelengthShift", "WavelengthStretch",
        "SmoothMagnitudeWarp", "MixupAugmenter", "ScatterSimulationMSC", "Rotate_Translate",
        "Spline_X_Simplification", "Spline_Y_Perturbations"],
    "nirs4all.operators.transforms.signal_conversion": [
        "ToAbsorbance", "FromAbsorbance", "PercentToFraction", "FractionToPercent",
        "KubelkaMunk", "SignalTypeConverter"],
    "nirs4all.operators.augmentation": ["TemperatureAugmenter", "MoistureAugmenter",
                                        "ParticleSizeAugmenter", "EMSCDistortionAugmenter"],
    "nirs4all.operators.filters": ["YOutlierFilter", "XOutlierFilter"],
    "nirs4all.operators.filters.base": ["CompositeFilter"],
    "nirs4all.operators.models": ["MetaModel", "StackingConfig", "StackingLevel",
                                  "BranchScope", "CoverageStrategy"],
    "nirs4all.operators.models.sklearn": ["PLSDA", "OPLS", "OPLSDA", "IKPLS", "SIMPLS",
                                          "SparsePLS"],
    "nirs4all.operators.models.sklearn.ipls": ["IntervalPLS"],
    "nirs4all.operators.models.sklearn.nlpls": ["KernelPLS"],
    "nirs4all.operators.models.sklearn.robust_pls": ["RobustPLS"],
    "nirs4all.operators.models.tensorflow.nicon": ["nicon", "decon", "customizable_nicon"],
    "nirs4all.operators.models.pytorch.nicon": ["nicon", "decon", "customizable_nicon"],
    "nirs4all.operators.models.jax.nicon": ["nicon", "decon", "customizable_nicon"],
    "nirs4all.operators.models.jax": ["JaxMLPRegressor"],
    "nirs4all.operators.transfer": ["TransferPreprocessingSelector"],
    "nirs4all.operators.analysis": ["PreprocPCAEvaluator"],
    "nirs4all.sklearn": ["NIRSPipeline"],
    "nirs4all.synthesis": ["SyntheticDatasetBuilder", "SyntheticNIRSGenerator",
                           "ComponentLibrary", "RealDataFitter"],
    "nirs4all.utils.backend": ["TF_AVAILABLE", "TORCH_AVAILABLE", "JAX_AVAILABLE",
                               "IKPLS_AVAILABLE", "framework"],
    "nirs4all.visualization.predictions": ["PredictionAnalyzer"],
    "nirs4all.visualization.analysis.branch": ["BranchAnalyzer"],
    "nirs4all.controllers": ["OperatorController", "register_controller",
                             "CONTROLLER_REGISTRY"],
    "nirs4all.config.cache_config": ["CacheConfig"],
}

EXPECTED_FROM_ANOTHER_BRANCH: set[tuple[str, str]] = set()
"""Delivered by another engineer this iteration; the lead empties this set at merge."""

NOT_SUPPORTED = {
    **{(f"nirs4all.operators.models.{fw}.nicon", name): "deep-learning model zoos need "
       "TensorFlow/PyTorch/JAX, which this release does not integrate"
       for fw in ("tensorflow", "pytorch", "jax")
       for name in ("nicon", "decon", "customizable_nicon")},
    ("nirs4all.operators.models.jax", "JaxMLPRegressor"): "no JAX integration",
    ("nirs4all.synthesis", "SyntheticNIRSGenerator"): "the generator is reached through "
                                                      "nirs4all.generate and its builder",
    ("nirs4all.synthesis", "RealDataFitter"): "fitting a generator to real spectra is not "
                                              "ported",
    ("nirs4all.operators.models", "StackingLevel"): "multi-level stacking (max_level) is not "
                                                    "provided; stack by writing a second "
                                                    "MetaModel",
}
"""Names this release does not provide, with the reason (see the migration table)."""

PAIRS = [(module, name) for module, names in SURFACE.items() for name in names]


def _resolve(module: str, name: str) -> object:
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(("module", "name"), PAIRS, ids=[f"{m}.{n}" for m, n in PAIRS])
def test_every_07_name_imports_from_its_07_path(module, name):
    if (module, name) in EXPECTED_FROM_ANOTHER_BRANCH or (module, name) in NOT_SUPPORTED:
        with pytest.raises((ImportError, AttributeError)):
            _resolve(module, name)
        return
    assert _resolve(module, name) is not None


def test_the_exception_lists_only_name_surface_entries():
    listed = set(EXPECTED_FROM_ANOTHER_BRANCH) | set(NOT_SUPPORTED)
    assert listed <= set(PAIRS)
    assert not set(EXPECTED_FROM_ANOTHER_BRANCH) & set(NOT_SUPPORTED)
