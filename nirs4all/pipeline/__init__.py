"""From a declarative list of steps to scored variants."""

from nirs4all._lazy import attach

# 0.x import paths: ``from nirs4all.pipeline import PipelineRunner, PipelineConfigs``. Both
# are thin adapters over nirs4all.run in the api layer, imported only when asked for;
# nothing inside the library uses these paths (documented layer-gate exceptions).
_LEGACY = {
    "PipelineConfigs": "nirs4all.api.runner_compat",
    "PipelineRunner": "nirs4all.api.runner_compat",
}

__getattr__, __dir__ = attach(__name__, _LEGACY)
