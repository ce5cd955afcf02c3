"""0.x configuration objects (``nirs4all.config.cache_config.CacheConfig``)."""

from nirs4all.config.cache_config import CacheConfig

__all__ = ["CacheConfig"]
