"""``ExplainResult``: SHAP values of a chain's model per input feature (wavelength)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["ExplainResult"]


@dataclass
class ExplainResult:
    """What :func:`nirs4all.explain` computed.

    Attributes
    ----------
    shap_values : ndarray of shape (n_samples, n_features) or (n_samples, n_features, k)
        Attribution of every feature of the model input to each prediction (``k`` targets
        or classes when there are several). Rows add up to ``prediction - base_value``.
    base_value : ndarray
        The expected model output over the background (one per output).
    feature_names : list of str
        One per feature: the wavelength (``"1450.0"``) or an index for derived features.
    wavelengths : ndarray of shape (n_features,)
        The model input's axis (``axis_unit`` says in what unit; ``"index"`` when the
        preprocessing produced features that are not wavelengths).
    data : ndarray of shape (n_samples, n_features)
        The explained model input (the spectra after the chain's preprocessing).
    importances : dict of str to ndarray
        Model-intrinsic importances per feature (``coefficients``, ``vip``,
        ``selectivity_ratio``, ``feature_importances``; see ``nirs4all.explain``).
    explainer_type : str
        ``"linear"``, ``"tree"``, ``"permutation"`` or ``"kernel"``.
    """

    shap_values: NDArray[np.float64]
    base_value: NDArray[np.float64]
    feature_names: list[str]
    wavelengths: NDArray[np.float64]
    axis_unit: str
    data: NDArray[np.float64]
    explainer_type: str
    model_name: str
    chain_id: str
    sample_ids: NDArray[Any] | None = None
    importances: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    visualizations: dict[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> NDArray[np.float64]:
        """The SHAP values (0.x name)."""
        return self.shap_values

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of :attr:`shap_values`."""
        return tuple(self.shap_values.shape)

    @property
    def n_samples(self) -> int:
        """Number of explained samples."""
        return int(self.shap_values.shape[0])

    @property
    def mean_abs_shap(self) -> NDArray[np.float64]:
        """Mean absolute SHAP value per feature (summed over outputs): global importance."""
        values = np.abs(self.shap_values)
        mean = values.mean(axis=0)
        return mean.sum(axis=1) if mean.ndim == 2 else mean

    def get_feature_importance(self) -> dict[str, float]:
        """Feature name -> mean absolute SHAP value, most important first."""
        order = np.argsort(-self.mean_abs_shap, kind="stable")
        return {self.feature_names[i]: float(self.mean_abs_shap[i]) for i in order}

    def top_features(self, n: int = 10) -> list[str]:
        """Names of the ``n`` features with the largest mean absolute SHAP value."""
        return list(self.get_feature_importance())[:n]

    def get_sample_explanation(self, idx: int) -> dict[str, Any]:
        """One sample's values, base value, and its features' values and attributions."""
        return {"base_value": self.base_value, "shap_values": self.shap_values[idx],
                "data": self.data[idx], "feature_names": list(self.feature_names),
                "sample_id": None if self.sample_ids is None else self.sample_ids[idx]}

    def to_dataframe(self) -> Any:
        """The SHAP values as a pandas DataFrame, one column per feature (first output)."""
        import pandas as pd

        values = self.shap_values if self.shap_values.ndim == 2 else self.shap_values[..., 0]
        index = None if self.sample_ids is None else pd.Index(self.sample_ids, name="sample")
        return pd.DataFrame(values, columns=self.feature_names, index=index)

    # -- plots (optional extra: pip install "nirs4all[viz]") -------------------------------

    def plot_spectral_importance(self, **kwargs: Any) -> Any:
        """See :func:`nirs4all.viz.plot_spectral_importance`."""
        from nirs4all.viz import plot_spectral_importance

        return plot_spectral_importance(self, **kwargs)

    def plot_beeswarm(self, **kwargs: Any) -> Any:
        """See :func:`nirs4all.viz.plot_beeswarm`."""
        from nirs4all.viz import plot_beeswarm

        return plot_beeswarm(self, **kwargs)

    def plot_waterfall(self, sample: int = 0, **kwargs: Any) -> Any:
        """See :func:`nirs4all.viz.plot_waterfall`."""
        from nirs4all.viz import plot_waterfall

        return plot_waterfall(self, sample, **kwargs)
