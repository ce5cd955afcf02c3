"""PLS discriminant analysis: PLS regression on the one-hot class indicator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from nirs4all.operators.models._pls import NipalsModel

__all__ = ["PLSDA"]

# Bounds of the softmax temperature search: a training set that the model separates
# perfectly drives the likelihood optimum to infinity, so the search is kept finite.
_TEMPERATURE_BOUNDS = (1e-3, 1e3)


def _fit_temperature(decision: NDArray[np.float64], codes: NDArray[np.intp]) -> float:
    """The κ > 0 maximising the likelihood of ``softmax(κ decision)`` on the training codes."""

    def loss(log_kappa: float) -> float:
        log_p = log_softmax(np.exp(log_kappa) * decision, axis=1)
        return -float(np.mean(log_p[np.arange(codes.size), codes]))

    low, high = np.log(_TEMPERATURE_BOUNDS)
    return float(np.exp(minimize_scalar(loss, bounds=(low, high), method="bounded").x))


class PLSDA(ClassifierMixin, NipalsModel):
    """Partial least squares discriminant analysis (PLS-DA).

    Fits NIPALS PLS (as :class:`~._pls.PLS`) on the one-hot indicator matrix of the classes
    (one column per class, also for two classes) and assigns each sample to the class of
    largest predicted indicator (Barker & Rayens 2003, "Partial least squares for
    discrimination", Journal of Chemometrics 17, 166-173; Ståhle & Wold 1987, "Partial
    least squares analysis with cross-validation for the two-class problem: a Monte Carlo
    study", Journal of Chemometrics 1, 185-196).

    Probabilities: ``predict_proba = softmax(κ ŷ)`` with ``ŷ`` the predicted indicators and
    one temperature ``κ > 0`` chosen by maximum likelihood on the training samples
    (temperature scaling, a one-parameter multinomial logistic calibration; Guo, Pleiss,
    Sun & Weinberger 2017, "On calibration of modern neural networks", ICML). A single κ
    keeps the class order of ``ŷ``, so ``predict`` is the argmax of both. κ is searched in
    [1e-3, 1e3]; when the model separates the training classes perfectly the likelihood
    grows with κ until it stops changing numerically, and the probabilities of the
    training samples are near 0 and 1. Clipping ``ŷ`` to [0, 1] and
    renormalising was not used because it ties every sample beyond the class targets.

    Parameters
    ----------
    n_components : int, default=2
        Number of components, at most ``min(n_samples, n_features)``.
    scale : bool, default=True
        Divide X (and the indicators) by their standard deviation (ddof=1) after centring.
    max_iter : int, default=500
        Maximum NIPALS power iterations per component.
    tol : float, default=1e-06
        NIPALS stopping threshold on the squared change of the weight vector.
    copy : bool, default=True
        Work on a copy of X; with False, ``fit`` may centre and scale X in place.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    temperature_ : float
        The softmax temperature κ of ``predict_proba``.
    coef_ : ndarray of shape (n_classes, n_features)
        Coefficients of the indicator regression on raw X (one row per class).
    intercept_ : ndarray of shape (n_classes,)
        Intercepts of the indicator regression on raw X.
    x_weights_, x_loadings_, y_loadings_, x_scores_, x_rotations_, n_iter_
        The PLS factors (see :class:`~._pls.PLS`).
    vip_, selectivity_ratio_
        Variable importance and selectivity ratio (see :class:`PLSDiagnosticsMixin`).
    """

    def _validate_fit_data(self, X: ArrayLike, y: ArrayLike) -> tuple[NDArray, NDArray]:
        self._check_params()
        X, y = validate_data(
            self, X, y, dtype=np.float64, copy=self.copy, force_writeable=True,
            ensure_min_samples=2,
        )  # fmt: skip
        check_classification_targets(y)
        self._check_rank(X)
        self.classes_, self._codes = np.unique(y, return_inverse=True)
        self._predict_1d = False
        return X, np.eye(self.classes_.size)[self._codes]

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit PLS on the class indicators, then the softmax temperature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self
            The fitted classifier.
        """
        self._fit_latent(X, y)
        fitted = self._responses(self.x_scores_, self.n_components)
        self.temperature_ = _fit_temperature(fitted, self._codes)
        del self._codes
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predicted class indicators ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
            For two classes, the indicator of ``classes_[1]`` minus that of ``classes_[0]``
            (positive means ``classes_[1]``), as scikit-learn's binary convention asks.
        """
        return self._binary_decision(self._predict_raw(X))

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Class probabilities ``softmax(temperature_ * decision)``, shape (n_samples, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        indicators = self._predict_raw(X)
        return softmax(self.temperature_ * indicators, axis=1)

    def predict(self, X: ArrayLike) -> NDArray:
        """Class of largest predicted indicator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        indicators = self._predict_raw(X)
        return self.classes_[np.argmax(indicators, axis=1)]

    def predict_nested(self, X: ArrayLike, values: Iterable[int]) -> dict[int, NDArray]:
        """Predicted labels of the models with fewer components, from this one fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        values : iterable of int
            Numbers of components, each in ``[1, n_components]``.

        Returns
        -------
        dict of int to ndarray
            For each value ``a``, what ``predict`` of the classifier fitted with
            ``n_components=a`` returns (see :mod:`~._latent` for the protocol).
        """
        responses = self._nested_responses(X, values)
        return {a: self.classes_[np.argmax(pred, axis=1)] for a, pred in responses.items()}

    def _binary_decision(self, indicators: NDArray[np.float64]) -> NDArray[np.float64]:
        if indicators.shape[1] == 2:
            return indicators[:, 1] - indicators[:, 0]
        return indicators
