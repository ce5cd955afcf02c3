"""The 0.x ``CacheConfig``: accepted by ``nirs4all.run(cache=...)``, validated, and moot.

0.7 needed it to turn on its step cache and copy-on-write branch snapshots (without one a
run deep-copied every branch's features). In this release every run has one bounded step
cache keyed by content, and branches always share immutable arrays, so no field changes
what a run computes; the object is validated so that a misspelt 0.7 script still fails
loudly. See ``docs/migration-from-0.x.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["CacheConfig"]


@dataclass(frozen=True)
class CacheConfig:
    """0.7 cache settings (see the module docstring: none of them has an effect).

    Parameters
    ----------
    step_cache_enabled : bool
    step_cache_max_mb : int
        Must be > 0.
    step_cache_max_entries : int
        Must be > 0.
    use_cow_snapshots : bool
    log_cache_stats : bool
    log_step_memory : bool
    memory_warning_threshold_mb : int
        Must be > 0.
    """

    step_cache_enabled: bool = True
    step_cache_max_mb: int = 2048
    step_cache_max_entries: int = 200
    use_cow_snapshots: bool = True
    log_cache_stats: bool = False
    log_step_memory: bool = False
    memory_warning_threshold_mb: int = 3072

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.type == "bool" and not isinstance(value, bool):
                raise TypeError(f"CacheConfig.{spec.name} must be True or False; got "
                                f"{value!r}")
            if spec.type == "int" and (isinstance(value, bool) or not isinstance(value, int)
                                       or value <= 0):
                raise ValueError(f"CacheConfig.{spec.name} must be a positive integer; got "
                                 f"{value!r}")
