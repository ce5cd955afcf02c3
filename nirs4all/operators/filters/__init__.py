"""Sample filters: rules learned on training rows that flag unusual samples.

Used by the ``{"exclude": ...}`` and ``{"tag": ...}`` pipeline steps (and by separation
branches). Every filter follows one protocol (:mod:`nirs4all.operators.filters._base`):
``fit(X, y=None, *, metadata=None)``, then ``get_mask(X, y=None, *, metadata=None)`` whose
``True`` entries are the samples KEPT; ``reason`` says why a sample was flagged and
``tag_name`` names the tag the flags are stored under.

- :class:`YOutlierFilter`: outlying targets (IQR, z-score, percentiles, MAD);
- :class:`XOutlierFilter`: outlying spectra (Mahalanobis, robust MCD Mahalanobis, PCA
  residual Q, PCA leverage T², isolation forest, LOF);
- :class:`SpectralQualityFilter`: broken spectra (NaN, zeros, flat, out of range);
- :class:`HighLeverageFilter`: high hat-matrix leverage;
- :class:`MetadataFilter`: by the value of a metadata column;
- :class:`CompositeFilter`: several filters combined with ``any`` or ``all``.
"""

from nirs4all.operators.filters._base import SampleFilter
from nirs4all.operators.filters._metadata import CompositeFilter, MetadataFilter
from nirs4all.operators.filters._quality import HighLeverageFilter, SpectralQualityFilter
from nirs4all.operators.filters._x_outlier import XOutlierFilter
from nirs4all.operators.filters._y_outlier import YOutlierFilter

__all__ = [
    "CompositeFilter",
    "HighLeverageFilter",
    "MetadataFilter",
    "SampleFilter",
    "SpectralQualityFilter",
    "XOutlierFilter",
    "YOutlierFilter",
]
