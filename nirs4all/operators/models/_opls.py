"""Orthogonal projections to latent structures: OPLS regression and OPLS-DA.

Trygg & Wold (2002) split the systematic variation of X in two: a predictive part, related
to Y, and a Y-orthogonal part (scores exactly uncorrelated with every column of Y). The
orthogonal part is removed first (:mod:`~nirs4all.operators.models._orthogonal`) and a PLS
model is fitted on what remains (:func:`~nirs4all.operators.models._nipals.nipals_pls`).
With one response and one predictive component the predictions equal those of PLS with
``1 + n_orthogonal`` components; what OPLS adds is the interpretation (one predictive
direction, the rest labelled as structured noise) and a filtered X.

References
----------
Trygg, J. & Wold, S. (2002). Orthogonal projections to latent structures (O-PLS). Journal
of Chemometrics 16, 119-128.
Bylesjo, M., Rantalainen, M., Cloarec, O., Nicholson, J. K., Holmes, E. & Trygg, J.
(2006). OPLS discriminant analysis: combining the strengths of PLS-DA and SIMCA
classification. Journal of Chemometrics 20, 341-351.
Guo, C., Pleiss, G., Sun, Y. & Weinberger, K. Q. (2017). On calibration of modern neural
networks. Proceedings of ICML, 1321-1330 (temperature scaling).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import log_softmax, softmax
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    OneToOneFeatureMixin,
    RegressorMixin,
    TransformerMixin,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.errors import DataWarning
from nirs4all.operators.models._diagnostics import (
    PLSDiagnosticsMixin,
    _check_alpha,
    jackson_mudholkar_limit,
    residual_theta,
)
from nirs4all.operators.models._latent import LatentVariableModel
from nirs4all.operators.models._nipals import nipals_pls, rotations
from nirs4all.operators.models._orthogonal import orthogonal_components
from nirs4all.operators.models._plsda import _TEMPERATURE_BOUNDS, _fit_temperature
from nirs4all.operators.models._preprocessing import (
    center_scale,
    check_components,
    fitted_coefficients,
    shaped_prediction,
    validate_regression_data,
)
from nirs4all.operators.transforms._transformer import check_choice, check_int, warn_caller

__all__ = ["OPLS", "OPLSDA"]


class _OPLSModel(PLSDiagnosticsMixin, BaseEstimator):
    """Fit and prediction shared by :class:`OPLS` and :class:`OPLSDA` (private)."""

    n_orthogonal: int
    scale: bool
    # The predictive components are NIPALS components of the filtered X: nested.
    _nested_param_: ClassVar[str] = "n_components"

    def _fit_opls(self, X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int) -> None:
        n_orthogonal = check_int(self, "n_orthogonal", 0)
        check_choice(self, "scale", (True, False))
        check_components(self, X.shape, n_components, "n_components")
        Xp, Yp = center_scale(self, X, Y, bool(self.scale))
        W_o, P_o, T_o, filtered = orthogonal_components(Xp, Yp, n_orthogonal)
        found = int(np.count_nonzero(np.any(W_o, axis=0)))
        if found < n_orthogonal:
            warn_caller(
                f"{type(self).__name__}(n_orthogonal={n_orthogonal}): X has only {found} "
                f"component(s) of variation orthogonal to y; the other "
                f"{n_orthogonal - found} are zero (lower n_orthogonal)",
                DataWarning,
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            factors = nipals_pls(filtered, Yp, n_components)
        if not np.all(np.isfinite(factors.x_rotations)):
            raise ValueError(
                f"{type(self).__name__}(n_components={n_components}, "
                f"n_orthogonal={n_orthogonal}): the filtered X has rank below n_components; "
                "lower n_components or n_orthogonal"
            )
        R_o = rotations(W_o, P_o)
        self.orthogonal_weights_, self.orthogonal_loadings_ = W_o, P_o
        self.orthogonal_scores_, self.orthogonal_rotations_ = T_o, R_o
        self.x_weights_ = np.array(factors.x_weights)
        self.x_loadings_ = np.array(factors.x_loadings)
        self.y_loadings_ = np.array(factors.y_loadings)
        self.x_scores_ = np.array(factors.x_scores)
        self.y_scores_ = np.array(factors.y_scores)
        # Scores of new rows: filter them, then rotate; folded into one matrix.
        self.x_rotations_ = factors.x_rotations - R_o @ (P_o.T @ factors.x_rotations)
        self.coef_, self.intercept_ = fitted_coefficients(self, self.x_rotations_)
        self.x_sum_squares_ = np.einsum("ij,ij->j", Xp, Xp)
        residual = self._residual(filtered)
        self.training_q_ = np.einsum("ij,ij->i", residual, residual)

    def _responses(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_.T + self.intercept_

    def _nested_responses(self, X: ArrayLike, values: Iterable[int]) -> dict[int, NDArray]:
        """Responses of the models with the first ``a`` predictive components, for each ``a``."""
        # The check reads only x_rotations_, whose columns are the predictive components.
        values = LatentVariableModel._nested_values(self, values)
        scores = self._processed(X) @ self.x_rotations_
        return {
            a: (scores[:, :a] @ self.y_loadings_[:, :a].T) * self.y_scale_ + self.y_mean_
            for a in values
        }

    def _residual(self, filtered: NDArray[np.float64]) -> NDArray[np.float64]:
        """What the predictive part leaves of processed rows already filtered."""
        return filtered - (filtered @ self.x_rotations_) @ self.x_loadings_.T

    def _filtered_processed(self, X: ArrayLike) -> NDArray[np.float64]:
        processed = self._processed(X)
        return processed - (processed @ self.orthogonal_rotations_) @ self.orthogonal_loadings_.T

    def q_limit(
        self, alpha: float = 0.05, method: str = "box", X: ArrayLike | None = None
    ) -> float:
        """Upper control limit of :meth:`q_residuals` at false-alarm rate ``alpha``.

        As :meth:`PLSDiagnosticsMixin.q_limit`, with the OPLS residual (after the orthogonal
        and the predictive parts) for ``method="jackson-mudholkar"``.
        """
        if method != "jackson-mudholkar" or X is None:
            return super().q_limit(alpha, method, X)
        alpha = _check_alpha(alpha)
        residual = self._residual(self._filtered_processed(X))
        return jackson_mudholkar_limit(residual_theta(residual), alpha)

    def q_residuals(self, X: ArrayLike) -> NDArray[np.float64]:
        """Q statistic of each row of ``X`` after both parts of the model, shape (n_samples,).

        ``Q = ||x - t_o P_o' - t P'||²`` on the processed row ``x``: unlike a PLS model, the
        Y-orthogonal variation is part of the OPLS model and not of its residual ``E``
        (Trygg & Wold 2002; Jackson & Mudholkar 1979 for the statistic).
        """
        residual = self._residual(self._filtered_processed(X))
        return np.einsum("ij,ij->i", residual, residual)


_PARAMETERS_DOC = """n_orthogonal : int, default=1
        Number of Y-orthogonal components removed before the predictive PLS (``orthoI`` in
        R ``ropls``, "orthogonal components" in SIMCA). 0 gives plain PLS. When X has fewer
        Y-orthogonal directions than asked, the extra components are zero columns and a
        :class:`~nirs4all.errors.DataWarning` says so.
    scale : bool, default=True
        Divide the centred columns of X and Y by their standard deviations (ddof=1) before
        the fit (unit variance, "UV"), as :class:`~nirs4all.operators.models._pls.PLS`,
        pyopls and SIMCA do by default. On spectra, centring alone (False) keeps flat,
        noisy regions from being inflated.
"""

_ATTRIBUTES_DOC = """x_weights_, x_loadings_ : ndarray of shape (n_features, n_components)
        Predictive weights ``W`` and loadings ``P`` of the PLS on the filtered X.
    y_loadings_ : ndarray of shape (n_targets, n_components)
        Predictive Y loadings ``C``.
    x_scores_, y_scores_ : ndarray of shape (n_samples, n_components)
        Predictive scores ``T_p`` and Y scores of the training rows.
    x_rotations_ : ndarray of shape (n_features, n_components)
        ``(I - R_o P_o') W (P'W)^-1``: the predictive scores of new processed rows.
    orthogonal_weights_, orthogonal_loadings_ : ndarray of shape (n_features, n_orthogonal)
        ``W_o`` and ``P_o`` of the Y-orthogonal components.
    orthogonal_scores_ : ndarray of shape (n_samples, n_orthogonal)
        ``T_o`` of the training rows.
    orthogonal_rotations_ : ndarray of shape (n_features, n_orthogonal)
        ``R_o = W_o (P_o' W_o)^-1``: orthogonal scores of new processed rows.
    coef_ : ndarray of shape (n_targets, n_features)
        Regression coefficients per wavelength in the units of X and y:
        ``predict(X) = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
    x_mean_, x_scale_ : ndarray of shape (n_features,)
        Column means and scales (ones unless ``scale``) of the training X.
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
    x_sum_squares_ : ndarray of shape (n_features,)
        Column sums of squares of the processed training X (selectivity ratio).
    training_q_ : ndarray of shape (n_samples,)
        :meth:`q_residuals` of the training rows (Box Q limit).
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when X has feature names

    Diagnostics (from :class:`~nirs4all.operators.models._diagnostics.PLSDiagnosticsMixin`):
    ``vip_`` is the predictive VIP (Galindo-Prieto, Eriksson & Trygg 2014, J. Chemometrics
    28, 623-632, "VIP_pred"), ``selectivity_ratio_`` the target projection on ``coef_``
    against the whole processed X, ``hotelling_t2(X)`` uses the predictive scores, and
    ``q_residuals(X)`` and ``q_limit`` the residual after the predictive and the orthogonal
    parts.
"""


class OPLS(OneToOneFeatureMixin, TransformerMixin, RegressorMixin, MultiOutputMixin, _OPLSModel):
    __doc__ = f"""Orthogonal projections to latent structures regression (Trygg & Wold 2002).

    X and Y are centred (and scaled when ``scale``); ``n_orthogonal`` Y-orthogonal
    components are removed from X (``_orthogonal.orthogonal_components``), then
    ``n_components`` predictive PLS components are fitted on the filtered X by NIPALS.
    ``predict`` filters new rows with the same components and applies the predictive
    model, folded into one coefficient vector per target. ``transform`` returns X without
    its Y-orthogonal variation, in the units of X, for use before another model. With
    several responses the orthogonal weights are made orthogonal to the whole column space
    of ``X'Y`` (the general algorithm of the paper, with every principal component of ``W``
    kept).

    ``score`` is the coefficient of determination R² of ``predict`` (``RegressorMixin``).
    Matches ``pyopls.OPLS`` (which filters only) up to its output convention: its
    ``transform`` returns ``(OPLS.transform(X) - x_mean_) / x_scale_``.

    Parameters
    ----------
    n_components : int, default=1
        Number of predictive components, at most ``min(n_samples - 1, n_features)``. One
        response needs one: the later ones would only refit what the orthogonal part
        leaves.
    {_PARAMETERS_DOC}
    Attributes
    ----------
    {_ATTRIBUTES_DOC}
    References
    ----------
    Trygg, J. & Wold, S. (2002). Orthogonal projections to latent structures (O-PLS).
    Journal of Chemometrics 16, 119-128.
    """

    def __init__(self, n_components: int = 1, n_orthogonal: int = 1, scale: bool = True) -> None:
        self.n_components = n_components
        self.n_orthogonal = n_orthogonal
        self.scale = scale

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the orthogonal filter and the predictive PLS on ``X`` and ``y``."""
        X, Y = validate_regression_data(self, X, y)
        self._fit_opls(X, Y, check_int(self, "n_components", 1))
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predicted responses, shape (n_samples,) for a 1-D y, else (n_samples, n_targets)."""
        return shaped_prediction(self, self._responses(X))

    def predict_nested(self, X: ArrayLike, values: Iterable[int]) -> dict[int, NDArray]:
        """Predictions with fewer predictive components (same ``n_orthogonal``), one fit.

        The protocol of :mod:`~nirs4all.operators.models._latent`: for each value ``a`` in
        ``[1, n_components]``, what ``predict`` of this estimator fitted with
        ``n_components=a`` returns.
        """
        nested = self._nested_responses(X, values)
        return {a: shaped_prediction(self, predicted) for a, predicted in nested.items()}

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Return ``X`` without its Y-orthogonal variation ``T_o P_o'``, in the units of X."""
        processed = self._processed(X)
        orthogonal = (processed @ self.orthogonal_rotations_) @ self.orthogonal_loadings_.T
        return processed * self.x_scale_ + self.x_mean_ - orthogonal * self.x_scale_


class OPLSDA(ClassifierMixin, _OPLSModel):
    __doc__ = f"""OPLS discriminant analysis (Bylesjo et al. 2006): OPLS on class indicators.

    The labels are coded as a 0/1 indicator matrix with one column per class (in the order
    of ``classes_``) and an :class:`OPLS` model is fitted to it. ``predict`` returns the
    class whose predicted indicator is largest. ``decision_function`` returns the
    predicted indicators (for two classes, indicator of ``classes_[1]`` minus that of
    ``classes_[0]``, positive for ``classes_[1]``). ``predict_proba`` is the softmax of the
    predicted indicators times a factor fitted by maximum likelihood on the training rows
    (temperature scaling, Guo et al. 2017; the same as PLSDA of this package, searched in
    ``{_TEMPERATURE_BOUNDS}``): it ranks classes as ``predict`` does, and it is
    calibrated on the training data only, so expect it to be overconfident on new data.

    ``score`` is the mean accuracy (``ClassifierMixin``); the nirs4all engine ranks
    classifiers by balanced accuracy instead.

    Parameters
    ----------
    n_components : int, optional
        Number of predictive components; by default one less than the number of classes
        (the rank of the centred indicator matrix).
    {_PARAMETERS_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    temperature_ : float
        Factor applied to the predicted indicators before the softmax of ``predict_proba``.
    {_ATTRIBUTES_DOC}
    References
    ----------
    Bylesjo, M., Rantalainen, M., Cloarec, O., Nicholson, J. K., Holmes, E. & Trygg, J.
    (2006). OPLS discriminant analysis: combining the strengths of PLS-DA and SIMCA
    classification. Journal of Chemometrics 20, 341-351.
    Guo, C., Pleiss, G., Sun, Y. & Weinberger, K. Q. (2017). On calibration of modern
    neural networks. Proceedings of ICML, 1321-1330.
    """

    def __init__(
        self, n_components: int | None = None, n_orthogonal: int = 1, scale: bool = True
    ) -> None:
        self.n_components = n_components
        self.n_orthogonal = n_orthogonal
        self.scale = scale

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit OPLS on the class indicators of ``y``, then the softmax temperature."""
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(
                f"OPLSDA needs at least 2 classes in y; got 1 class ({self.classes_[0]!r})"
            )
        n_components = n_classes - 1
        if self.n_components is not None:
            n_components = check_int(self, "n_components", 1)
        indicators = np.eye(n_classes)[codes]
        self._fit_opls(X, indicators, n_components)
        fitted = X @ self.coef_.T + self.intercept_
        self.temperature_ = _fit_temperature(fitted, codes)
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predicted class indicators: shape (n_samples,) for two classes, else (n, n_classes)."""
        indicators = self._responses(X)
        return indicators[:, 1] - indicators[:, 0] if len(self.classes_) == 2 else indicators

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class with the largest predicted indicator, for each row of ``X``."""
        indicators = self._responses(X)
        return self.classes_[np.argmax(indicators, axis=1)]

    def predict_nested(self, X: ArrayLike, values: Iterable[int]) -> dict[int, NDArray]:
        """Predicted labels with fewer predictive components (same ``n_orthogonal``).

        For each value ``a`` in ``[1, n_components]``, what ``predict`` of this classifier
        fitted with ``n_components=a`` returns, from this one fit.
        """
        nested = self._nested_responses(X, values)
        return {a: self.classes_[np.argmax(pred, axis=1)] for a, pred in nested.items()}

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Softmax of the scaled predicted indicators, shape (n_samples, n_classes)."""
        indicators = self._responses(X)
        return softmax(self.temperature_ * indicators, axis=1)

    def predict_log_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Logarithm of :meth:`predict_proba`, computed without underflow."""
        indicators = self._responses(X)
        return log_softmax(self.temperature_ * indicators, axis=1)
