"""The 0.7 path ``nirs4all.operators.filters.base``: the filter base class and the composite.

Kept so that 0.7 scripts (``from nirs4all.operators.filters.base import CompositeFilter``)
import unchanged; the classes are those of :mod:`nirs4all.operators.filters`.
"""

from nirs4all.operators.filters._base import SampleFilter
from nirs4all.operators.filters._metadata import CompositeFilter

__all__ = ["CompositeFilter", "SampleFilter"]
