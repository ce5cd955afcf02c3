"""PLS regression by NIPALS, a drop-in for scikit-learn's ``PLSRegression``.

Same parameters (``n_components``, ``scale``, ``max_iter``, ``tol``, ``copy``) and
attribute names; adds the diagnostics (VIP, selectivity ratio, T², Q) and the nested
component sweep (``predict_nested``, see :mod:`nirs4all.operators.models._latent`).
:class:`NipalsModel` holds the parameters and the factor step that PLS-DA shares.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning

from nirs4all.operators.models._latent import (
    LatentVariableModel,
    LatentVariableRegressor,
    check_tolerance,
)
from nirs4all.operators.models._nipals import PLSFactors, nipals_pls
from nirs4all.operators.transforms._transformer import check_int, warn_caller

__all__ = ["PLS", "NipalsModel"]


class NipalsModel(LatentVariableModel):
    """NIPALS parameters and factor step shared by :class:`PLS` and PLS-DA (private)."""

    def __init__(
        self,
        n_components: int = 2,
        *,
        scale: bool = True,
        max_iter: int = 500,
        tol: float = 1e-06,
        copy: bool = True,
    ) -> None:
        self.n_components = n_components
        self.scale = scale
        self.max_iter = max_iter
        self.tol = tol
        self.copy = copy

    def _check_method_params(self) -> None:
        check_int(self, "max_iter", 1)
        check_tolerance(self)

    def _factors(
        self, X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int
    ) -> PLSFactors:
        """Run :func:`nipals_pls`, set ``n_iter_``, warn when a component hit ``max_iter``."""
        factors = nipals_pls(X, Y, n_components, tol=self.tol, max_iter=self.max_iter)
        if Y.shape[1] > 1 and np.any(factors.n_iter >= self.max_iter):
            warn_caller(
                f"{type(self).__name__}: the NIPALS iteration reached max_iter="
                f"{self.max_iter} before tol={self.tol}; raise max_iter or tol",
                ConvergenceWarning,
            )
        self.n_iter_ = [int(count) for count in factors.n_iter]
        return factors


class PLS(LatentVariableRegressor, NipalsModel):
    """Partial least squares regression (PLS2) by NIPALS with orthogonal scores.

    Each component takes the dominant left singular vector ``w`` of ``X' Y`` of the deflated
    blocks (by the NIPALS power iteration), the score ``t = X w``, and deflates ``X`` and
    ``Y`` by their regressions on ``t`` (Wold, Martens & Wold 1983, "The multivariate
    calibration problem in chemistry solved by the PLS method", Lecture Notes in
    Mathematics 973, 286-293; Geladi & Kowalski 1986, Anal. Chim. Acta 185, 1-17). The
    coefficients are ``W (P' W)^-1 Q'``. This is R ``pls``'s ``oscorespls`` and
    scikit-learn's ``PLSRegression`` (same start vector, stopping rule and signs).

    Parameters
    ----------
    n_components : int, default=2
        Number of components, at most ``min(n_samples, n_features)``.
    scale : bool, default=True
        Divide X and Y by their standard deviation (ddof=1) after centring, as
        ``PLSRegression`` does (R ``pls`` does not scale by default).
    max_iter : int, default=500
        Maximum power iterations per component (multi-target only).
    tol : float, default=1e-06
        The power iteration stops when the squared norm of the change of the weight
        vector is below ``tol`` (multi-target only; a single target needs no iteration).
    copy : bool, default=True
        Work on a copy of X; with False, ``fit`` may centre and scale X in place.

    Attributes
    ----------
    x_weights_, x_loadings_, y_weights_, y_loadings_, x_scores_, y_scores_, x_rotations_
        The factors, as in ``PLSRegression`` (see :class:`~._latent.LatentVariableModel`).
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients on raw X: ``y = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
        Intercept on raw X (not the mean of y as in ``PLSRegression``).
    n_iter_ : list of int
        Power iterations of each component.
    vip_, selectivity_ratio_
        Variable importance and selectivity ratio (see :class:`PLSDiagnosticsMixin`).

    Examples
    --------
    >>> import numpy as np
    >>> from nirs4all.operators.models._pls import PLS
    >>> X = np.random.default_rng(0).normal(size=(20, 8)); y = X[:, 0] - X[:, 3]
    >>> model = PLS(n_components=3, scale=False).fit(X, y)
    >>> sorted(model.predict_nested(X[:2], [1, 2, 3]))
    [1, 2, 3]
    """
