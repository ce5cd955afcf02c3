"""0.x import path ``nirs4all.pipeline.bundle.BundleLoader``.

The loader is an adapter in the api layer (:mod:`nirs4all.api._bundle_07`) over the
verified bundle reader of the workspace layer, imported only when the name is read (a
documented face of the layer gate); nothing inside the library uses this path.
"""

_NAMES = ("BundleLoader", "BundleMetadata")


def __getattr__(name: str) -> object:
    if name in _NAMES:
        from nirs4all.api import _bundle_07

        return getattr(_bundle_07, name)
    raise AttributeError(f"module 'nirs4all.pipeline.bundle' has no attribute {name!r}")
