"""The two errors generator expansion raises on purpose (defined in :mod:`nirs4all.errors`)."""

from __future__ import annotations

from nirs4all.errors import GeneratorSpecError, TooManyVariantsError

__all__ = ["GeneratorSpecError", "TooManyVariantsError"]
