"""The installed version of nirs4all, readable from any layer without importing the package face."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nirs4all")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
