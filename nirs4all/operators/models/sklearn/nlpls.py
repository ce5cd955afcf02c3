"""0.x path ``nirs4all.operators.models.sklearn.nlpls``: nonlinear (kernel) PLS."""

from nirs4all.operators.models import KernelPLS

KPLS = KernelPLS
NLPLS = KernelPLS

__all__ = ["KPLS", "NLPLS", "KernelPLS"]
