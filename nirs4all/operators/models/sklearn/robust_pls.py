"""0.x path ``nirs4all.operators.models.sklearn.robust_pls``: robust PLS."""

from nirs4all.operators.models import RobustPLS

__all__ = ["RobustPLS"]
