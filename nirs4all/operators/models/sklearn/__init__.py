"""0.x path of the scikit-learn-compatible models: the same classes as
:mod:`nirs4all.operators.models`, kept so that ``from nirs4all.operators.models.sklearn
import PLSDA`` still works."""

from nirs4all.operators.models import (
    IKPLS,
    KOPLS,
    LWPLS,
    MBPLS,
    OPLS,
    OPLSDA,
    PCR,
    PLS,
    PLSDA,
    SIMPLS,
    IntervalPLS,
    KernelPLS,
    RecursivePLS,
    RobustPLS,
    SparsePLS,
)

__all__ = ["IKPLS", "KOPLS", "LWPLS", "MBPLS", "OPLS", "OPLSDA", "PCR", "PLS", "PLSDA",
           "SIMPLS", "IntervalPLS", "KernelPLS", "RecursivePLS", "RobustPLS", "SparsePLS"]
