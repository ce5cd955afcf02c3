"""From a declarative list of steps to scored variants."""


def __getattr__(name: str) -> object:
    # 0.x import paths: ``from nirs4all.pipeline import PipelineRunner, PipelineConfigs``.
    # Both are thin adapters over nirs4all.run in the api layer, imported only when asked
    # for; nothing inside the library uses these paths (documented layer-gate exceptions).
    if name in ("PipelineRunner", "PipelineConfigs"):
        from nirs4all.api import runner_compat

        return getattr(runner_compat, name)
    raise AttributeError(f"module 'nirs4all.pipeline' has no attribute {name!r}")
