"""0.x path ``nirs4all.operators.models.sklearn.ipls``: interval PLS."""

from nirs4all.operators.models import IntervalPLS

__all__ = ["IntervalPLS"]
