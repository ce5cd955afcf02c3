"""Spline augmenters of nirs4all 0.7: smoothing, axis and intensity perturbations, resampling."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from scipy.interpolate import UnivariateSpline, make_interp_spline

from nirs4all.operators.augmentation._base import Augmenter, check_nonnegative, check_range
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._noise_models import check_int
from nirs4all.operators.augmentation._warps import resample

__all__ = [
    "Spline_Curve_Simplification",
    "Spline_Smoothing",
    "Spline_X_Perturbations",
    "Spline_X_Simplification",
    "Spline_Y_Perturbations",
]


def _interpolant(knots: np.ndarray, values: np.ndarray, degree: int, at: np.ndarray) -> np.ndarray:
    """Interpolating B-spline of degree ``min(degree, len(knots) - 1)`` evaluated at ``at``.

    ``values`` is one row of knot values, or one row per spline (``(n_rows, n_knots)``):
    the splines that share their knots are then fitted in one call, row by row the same.
    """
    spline = make_interp_spline(knots, values, k=min(degree, len(knots) - 1), axis=-1)
    return spline(at)


def smallest_per_row(values: np.ndarray, size: int) -> np.ndarray:
    """Columns of the ``size`` smallest values of each row, ties to the lower column: the
    set of ``np.argsort(row, kind="stable")[:size]`` (in no particular order), found by a
    partition, with the stable sort kept for a row whose tie crosses the cut."""
    smallest = np.argpartition(values, size - 1, axis=1)[:, :size]
    largest_kept = np.take_along_axis(values, smallest, 1).max(axis=1)
    tied = np.count_nonzero(values <= largest_kept[:, None], axis=1) > size
    for row in np.flatnonzero(tied):
        smallest[row] = np.argsort(values[row], kind="stable")[:size]
    return smallest


def _knots(n_columns: int, n_knots: int) -> np.ndarray:
    return np.linspace(0.0, n_columns - 1.0, n_knots)


class Spline_Smoothing(Augmenter):  # the 0.x name (with its underscore), kept for user code
    """Replace each spectrum by a cubic smoothing spline with a random residual level.

    ``f ~ U(residual_range)`` is drawn per spectrum and ``x'`` is the smoothing spline of
    degree ``min(3, n_features - 1)`` over the column index (``scipy.interpolate.
    UnivariateSpline``) with the fewest knots whose residual sum of squares is at most
    ``s = n_features * (f * std(x))^2`` (FITPACK's smoothing condition; for a budget too
    small to meet, its closest approximation): the residual has a root mean square of
    about ``f`` standard deviations, so larger ``f`` removes more detail. ``f = 0`` is the
    identity.

    Parameters
    ----------
    residual_range : (float, float), default=(0.0, 0.05)
        Bounds of the uniform residual level ``f`` (>= 0).
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self, residual_range: tuple[float, float] = (0.0, 0.05), random_state: int | None = 0
    ) -> None:
        self.residual_range = residual_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "residual_range", self.residual_range, lowest=0.0)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        n = X.shape[1]
        columns = np.arange(n, dtype=np.float64)
        out = X.astype(np.float64, copy=True)
        for row, level in zip(out, generators.uniform(*self.residual_range), strict=True):
            if n > 1 and level > 0:
                budget = n * (level * row.std()) ** 2
                # FITPACK warns when a tiny budget cannot be met in its 20 iterations; the
                # spline it then returns is its closest approximation, which is what we want.
                with warnings.catch_warnings(action="ignore", category=UserWarning):
                    spline = UnivariateSpline(columns, row, k=min(3, n - 1), s=budget)
                row[:] = spline(columns)
        return out


class Spline_X_Perturbations(Augmenter):  # the 0.x name, kept for user code
    """Warp each spectrum's column axis by a random interpolating spline.

    ``m = max(2, round(perturbation_density * n_features))`` knots ``c_k`` are spaced evenly
    over the columns; each moves by ``d_k ~ U(perturbation_range)`` columns. The
    interpolating spline ``p`` of degree ``min(spline_degree, m - 1)`` through
    ``(c_k, c_k + d_k)`` is the warp, and ``x'(j) = x(p(j))`` (linear interpolation, end
    values held). Shifts are in columns, as in nirs4all 0.7; zero shifts are the identity.

    Parameters
    ----------
    spline_degree : int, default=3
        Degree of the warp spline (>= 1).
    perturbation_density : float, default=0.05
        Knots per column (> 0).
    perturbation_range : (float, float), default=(-10, 10)
        Bounds of the uniform knot displacement, in columns.
    random_state : int or None, default=0
        Seed (see :class:`Spline_Smoothing`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self,
        spline_degree: int = 3,
        perturbation_density: float = 0.05,
        perturbation_range: tuple[float, float] = (-10, 10),
        random_state: int | None = 0,
    ) -> None:
        self.spline_degree = spline_degree
        self.perturbation_density = perturbation_density
        self.perturbation_range = perturbation_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_int(self, "spline_degree", self.spline_degree, 1)
        density = self.perturbation_density
        if isinstance(density, bool) or not isinstance(density, Real) or not 0 < density < 1e6:
            raise ValueError(
                f"Spline_X_Perturbations: perturbation_density must be a number > 0, got "
                f"{density!r}"
            )
        check_range(self, "perturbation_range", self.perturbation_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        n = X.shape[1]
        columns = np.arange(n, dtype=np.float64)
        if n == 1:
            return X.astype(np.float64, copy=True)
        knots = _knots(n, max(2, round(self.perturbation_density * n)))
        shifts = generators.uniform(*self.perturbation_range, len(knots))
        warps = _interpolant(knots, knots[None, :] + shifts, self.spline_degree, columns)
        return resample(X, columns, warps)


class Spline_Y_Perturbations(Augmenter):  # the 0.x name, kept for user code
    """Add a smooth random curve: an interpolating cubic spline through random knot values.

    ``m = spline_points`` (``max(2, n_features // 20)`` when None) knots ``c_k`` are spaced
    evenly over the columns with values ``v_k ~ U(-perturbation_intensity,
    perturbation_intensity)``; ``x' = x + s`` with ``s`` the interpolating spline of degree
    ``min(3, m - 1)`` through ``(c_k, v_k)``. An intensity of 0 is the identity.

    Parameters
    ----------
    spline_points : int or None, default=None
        Number of knots (>= 2).
    perturbation_intensity : float, default=0.005
        Largest knot value, in the units of the spectra (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`Spline_Smoothing`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self,
        spline_points: int | None = None,
        perturbation_intensity: float = 0.005,
        random_state: int | None = 0,
    ) -> None:
        self.spline_points = spline_points
        self.perturbation_intensity = perturbation_intensity
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.spline_points is not None:
            check_int(self, "spline_points", self.spline_points, 2)
        check_nonnegative(self, "perturbation_intensity", self.perturbation_intensity)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        n = X.shape[1]
        m = max(2, n // 20) if self.spline_points is None else int(self.spline_points)
        knots, columns = _knots(n, m), np.arange(n, dtype=np.float64)
        bound = float(self.perturbation_intensity)
        if n == 1:  # a single column has one knot position: add the first knot's value
            return X + generators.uniform(-bound, bound, m)[:, :1]
        curves = _interpolant(knots, generators.uniform(-bound, bound, m), 3, columns)
        curves += X  # X + curves, in place
        return curves


class _Simplification(Augmenter):
    """Interpolating spline through kept columns of each row; subclasses choose the columns."""

    def __init__(
        self, spline_points: int = 20, spline_degree: int = 3, random_state: int | None = 0
    ) -> None:
        self.spline_points = spline_points
        self.spline_degree = spline_degree
        self.random_state = random_state

    def _check_params(self) -> None:
        check_int(self, "spline_points", self.spline_points, 2)
        check_int(self, "spline_degree", self.spline_degree, 1)

    def _kept_columns(self, X: np.ndarray, generators: RowDraws) -> list[np.ndarray]:
        raise NotImplementedError  # abstract hook: each row's sorted kept columns, ends included

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        n = X.shape[1]
        columns = np.arange(n, dtype=np.float64)
        out = X.astype(np.float64, copy=True)
        if int(self.spline_points) >= n:
            return out
        for row, kept in zip(out, self._kept_columns(out, generators), strict=True):
            row[:] = _interpolant(columns[kept], row[kept], int(self.spline_degree), columns)
        return out


class Spline_X_Simplification(_Simplification):  # the 0.x name, kept for user code
    """Resample each spectrum from a random subset of its columns through a spline.

    Both end columns and ``min(spline_points, n_features) - 2`` interior columns drawn
    without replacement are kept; ``x'`` is the interpolating spline of degree
    ``min(spline_degree, m - 1)`` through the kept values, evaluated at every column. This
    simplifies the spectrum to ``m`` points, as a coarser instrument would see it;
    ``spline_points >= n_features`` is the identity.

    Parameters
    ----------
    spline_points : int, default=20
        Number of kept columns, ends included (>= 2).
    spline_degree : int, default=3
        Degree of the interpolating spline (>= 1).
    random_state : int or None, default=0
        Seed (see :class:`Spline_Smoothing`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def _kept_columns(self, X: np.ndarray, generators: RowDraws) -> list[np.ndarray]:
        # RowDraw.choice(interior, size) for every row in one call: its uniforms, of which
        # the `size` smallest (lower column first on a tie) are the kept interior columns
        n, size = X.shape[1], int(self.spline_points) - 2
        ends = np.array([0, n - 1])
        if size <= 0:
            return [ends] * X.shape[0]
        smallest = smallest_per_row(generators.random(n - 2), size)
        return list(np.sort(np.concatenate((np.broadcast_to(ends, (X.shape[0], 2)),
                                            smallest + 1), axis=1), axis=1))


class Spline_Curve_Simplification(_Simplification):  # the 0.x name, kept for user code
    """Resample each spectrum from points spread at random along its curve length.

    The spectrum is read as a plane curve ``(t_j, v_j)`` with ``t_j = j / (n - 1)`` and
    ``v_j = (x_j - min x) / (max x - min x)`` (both in [0, 1], so neither axis dominates)
    and ``L_j`` its cumulative arc length. ``m - 2`` positions ``s ~ U(0, L_{n-1})`` are
    drawn, each is mapped to the first column with ``L_j >= s``, and these columns plus
    both ends (duplicates once) are kept; ``x'`` is the interpolating spline of degree
    ``min(spline_degree, k - 1)`` through the ``k`` kept values, evaluated at every column.
    Unlike :class:`Spline_X_Simplification`, which keeps columns evenly at random, this
    keeps more points where the curve is long, at steep flanks and peaks, as a
    curve-simplification (polyline decimation) would. ``spline_points >= n_features`` is
    the identity.

    Parameters
    ----------
    spline_points : int, default=20
        Number of drawn points, ends included (>= 2).
    spline_degree : int, default=3
        Degree of the interpolating spline (>= 1).
    random_state : int or None, default=0
        Seed (see :class:`Spline_Smoothing`).

    Attributes
    ----------
    n_features_in_ : int

    References
    ----------
    Ramer, U. (1972). An iterative procedure for the polygonal approximation of plane
    curves. Computer Graphics and Image Processing 1(3), 244-256 (the curve-simplification
    idea, here randomised along the arc length).
    """

    def _kept_columns(self, X: np.ndarray, generators: RowDraws) -> list[np.ndarray]:
        # one call of every row's stream at once: the numbers of a call made row by row
        lengths = arc_lengths(X)
        drawn = generators.uniform(0.0, 1.0, size=int(self.spline_points) - 2)
        drawn *= lengths[:, -1:]  # U(0, L): u * (L - 0) + 0, as RowDraw.uniform computes it
        ends = [0, X.shape[1] - 1]
        return [
            np.unique(np.concatenate((ends, np.minimum(
                np.searchsorted(length, row_draws, side="left"), X.shape[1] - 1))))
            for length, row_draws in zip(lengths, drawn, strict=True)
        ]


def arc_lengths(X: np.ndarray) -> np.ndarray:
    """Cumulative length of each row's curve ``(j / (n - 1), scaled x_j)``: ``(n, d)``.

    Both axes are scaled to [0, 1] (a constant row is all zeros), and the rows are computed
    at once.
    """
    low = X.min(axis=1, keepdims=True)
    span = X.max(axis=1, keepdims=True) - low
    values = (X - low) / np.where(span > 0, span, 1.0)
    values[span[:, 0] <= 0] = 0.0
    lengths = np.zeros(X.shape)
    np.cumsum(np.hypot(1.0 / (X.shape[1] - 1), np.diff(values, axis=1)), axis=1,
              out=lengths[:, 1:])
    return lengths
