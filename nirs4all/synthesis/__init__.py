"""The 0.x import path of synthetic data: a thin face over :mod:`nirs4all.data.synthetic`.

``from nirs4all.synthesis import SyntheticDatasetBuilder`` keeps working. Only what this
release really implements is here: the fluent builder, a read-only :class:`ComponentLibrary`
view of the band library and the complexity presets. 0.7's ``SyntheticNIRSGenerator``,
``RealDataFitter``, instruments, aggregates and products are not provided.
"""

from types import MappingProxyType

from nirs4all.data._bands import ComponentLibrary
from nirs4all.data._synthetic_builder import SyntheticDatasetBuilder
from nirs4all.data._synthetic_effects import COMPLEXITY_PRESETS

__all__ = ["COMPLEXITY_PARAMS", "ComponentLibrary", "SyntheticDatasetBuilder"]

COMPLEXITY_PARAMS = MappingProxyType(
    {name: MappingProxyType(vars(preset).copy()) for name, preset in COMPLEXITY_PRESETS.items()}
)
"""Effect magnitudes of each complexity level, by name (read-only; 0.7 spelling)."""
