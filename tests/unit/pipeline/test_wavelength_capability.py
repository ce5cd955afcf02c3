"""Every operator that takes the wavelength axis receives it, inside a pipeline and at replay."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.augmentation import BaselineShift, WavelengthShift
from nirs4all.operators.transforms import SNV, is_wavelength_aware

COLUMN = 40


class ColumnRegressor(RegressorMixin, BaseEstimator):
    """Predicts one column of its input, so predictions show what the model was given."""

    def __init__(self, column: int = COLUMN) -> None:
        self.column = column

    def fit(self, X, y):
        self.X_fit_ = np.array(X)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        return np.asarray(X)[:, self.column]


class AxisRecorder(TransformerMixin, BaseEstimator):
    """A third-party transform following the protocol without nirs4all's mixin."""

    def fit(self, X, y=None, wavelengths=None):
        self.wavelengths_ = None if wavelengths is None else np.asarray(wavelengths)
        return self

    def transform(self, X, wavelengths=None):
        self.seen_ = None if wavelengths is None else np.asarray(wavelengths)
        return np.asarray(X)


class KeywordsOnly(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None, **params):
        return self

    def transform(self, X, **params):
        return np.asarray(X)


@pytest.fixture(scope="module")
def dataset() -> SpectroDataset:
    return nirs4all.generate(40, random_state=3)  # 900-2500 nm, 2 nm steps


def test_capability_is_the_signature_not_a_base_class() -> None:
    assert is_wavelength_aware(SNV())
    assert is_wavelength_aware(WavelengthShift())
    assert is_wavelength_aware(BaselineShift())
    assert is_wavelength_aware(AxisRecorder())
    assert not is_wavelength_aware(StandardScaler())
    assert not is_wavelength_aware(KeywordsOnly())


def test_a_shift_in_nanometres_moves_the_spectra_by_that_many_nanometres(dataset) -> None:
    # 2 nm on a 2 nm grid is one column; read on the index axis it was two (4 nm).
    result = nirs4all.run([WavelengthShift(shift_range=(2.0, 2.0)), ColumnRegressor()],
                          dataset, random_state=0, verbose=0, workspace=None)
    stored = result.predictions(fold_id="final", partition="test")[0]
    expected = dataset.test.x()[:, COLUMN - 1]
    np.testing.assert_allclose(stored.y_pred[:, 0], expected, rtol=0, atol=1e-12)
    replayed = result.predict(dataset.test)
    np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)


def test_sample_augmentation_shifts_copies_in_nanometres(dataset) -> None:
    pipeline = [{"sample_augmentation": {"transformers": [WavelengthShift(shift_range=(2, 2))],
                                         "count": 1}}, ColumnRegressor()]
    result = nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=None)
    predictor = result.predictor()
    model = predictor.load(predictor.chain.steps[-1].artifacts["final"])
    train = dataset.train.x()
    copies = model.X_fit_[train.shape[0]:]
    np.testing.assert_allclose(copies[:, COLUMN], train[:, COLUMN - 1], rtol=0, atol=1e-12)


def test_baseline_shift_follows_an_uneven_axis() -> None:
    axis = np.cumsum(np.linspace(1.0, 3.0, 60)) + 1000.0
    X = np.zeros((12, axis.size))
    data = SpectroDataset(FeatureSource("X", X, axis, "nm"), np.arange(12.0))
    shift = BaselineShift(offset_range=(0.0, 0.0), slope_range=(1.0, 1.0))
    result = nirs4all.run([shift, ColumnRegressor()], data, random_state=0, verbose=0,
                          workspace=None)
    fitted = result.predictions(fold_id="final", partition="train")[0].y_pred[:, 0]
    position = (axis[COLUMN] - axis[0]) / (axis[-1] - axis[0])
    np.testing.assert_allclose(fitted, position, rtol=0, atol=1e-12)


def test_a_third_party_transform_receives_the_axis_at_fit_and_at_replay(dataset) -> None:
    result = nirs4all.run([AxisRecorder(), LinearRegression()], dataset, random_state=0,
                          verbose=0, workspace=None)
    predictor = result.predictor()
    (recorder,) = predictor.load(predictor.chain.steps[0].artifacts["final"])
    np.testing.assert_array_equal(recorder.wavelengths_, dataset.wavelengths())
    result.predict(dataset.test)
    np.testing.assert_array_equal(recorder.seen_, dataset.wavelengths())


def test_the_sklearn_wrapper_of_a_bundle_shifts_in_nanometres(dataset, tmp_path) -> None:
    from nirs4all.sklearn import NIRSPipeline

    result = nirs4all.run([WavelengthShift(shift_range=(2.0, 2.0)), ColumnRegressor()],
                          dataset, random_state=0, verbose=0, workspace=None)
    wrapper = NIRSPipeline.from_bundle(result.export(tmp_path / "shift.n4a"), trusted=True)
    np.testing.assert_allclose(wrapper.predict(dataset.test.x()),
                               dataset.test.x()[:, COLUMN - 1], rtol=0, atol=1e-12)
