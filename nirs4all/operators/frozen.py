"""A fitted transformer that fitting leaves unchanged, for transfer learning."""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["FrozenStep"]


class FrozenStep(TransformerMixin, BaseEstimator):
    """A fitted transformer that ``fit`` leaves as it is (for transfer learning).

    ``digest`` is the SHA-256 of the fitted object's bytes, so two frozen steps with
    different fitted states have different identities.
    """

    def __init__(self, fitted: Any = None, digest: str = "") -> None:
        self.fitted = fitted
        self.digest = digest

    @property
    def nirs4all_label(self) -> str:
        """How pipeline summaries name the step."""
        return f"frozen {type(self.fitted).__name__}"

    def __sklearn_clone__(self) -> FrozenStep:
        # A clone shares the fitted object: cloning it would forget what it learned.
        return FrozenStep(self.fitted, self.digest)

    def fit(self, X: Any, y: Any = None, **fit_params: Any) -> FrozenStep:
        """Do nothing: the step was fitted on the source data."""
        self.n_features_in_ = getattr(self.fitted, "n_features_in_", None)
        return self

    def transform(self, X: Any, **params: Any) -> Any:
        """Apply the fitted step."""
        return self.fitted.transform(X, **params) if params else self.fitted.transform(X)

    def inverse_transform(self, X: Any) -> Any:
        """Invert the fitted step (for frozen target processing)."""
        return self.fitted.inverse_transform(X)
