"""Multi-block PLS regression: one block of X per feature source (Westerhuis et al. 1998).

MB-PLS with deflation by the super scores (Wangen & Kowalski 1989; Westerhuis, Kourti &
MacGregor 1998) gives the same super scores, loadings and predictions as PLS on the
concatenated blocks: the super weight of block ``b`` in component ``a`` is the norm of the
block's part of the concatenated weight vector ``w_a``, its block weight is that part
normalised, and its block score is the deflated block times the block weight. So
:class:`MBPLS` fits NIPALS on the concatenated (block-scaled) X and reads the block
quantities off the result, which is exact, not an approximation.

References
----------
Wangen, L. E. & Kowalski, B. R. (1989). A multiblock partial least squares algorithm for
investigating complex chemical systems. Journal of Chemometrics 3, 3-20.
Westerhuis, J. A., Kourti, T. & MacGregor, J. F. (1998). Analysis of multiblock and
hierarchical PCA and PLS models. Journal of Chemometrics 12, 301-321.
Westerhuis, J. A. & Coenegracht, P. M. J. (1997). Multivariate modelling of the
pharmaceutical two-step process of wet granulation and tableting with multiblock partial
least squares. Journal of Chemometrics 11, 379-392 (block scaling).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_is_fitted

from nirs4all.operators.models._latent import LatentVariableRegressor
from nirs4all.operators.models._nipals import PLSFactors, nipals_pls
from nirs4all.operators.transforms._transformer import check_choice

__all__ = ["MBPLS"]


def _stack_blocks(X: Any) -> tuple[Any, list[int] | None]:
    """Concatenate a list of 2-D blocks (arrays or data frames); other input is left as is."""
    blocks = isinstance(X, list | tuple) and X and all(hasattr(b, "shape") for b in X)
    if blocks and all(len(block.shape) == 2 for block in X):
        widths = [int(block.shape[1]) for block in X]
        return np.hstack([np.asarray(block, dtype=np.float64) for block in X]), widths
    return X, None


def _bounds_from_spec(blocks: Sequence[Any], n_features: int) -> list[tuple[int, int]]:
    """Turn column counts, slices or ``(start, stop)`` pairs into contiguous bounds."""
    if all(isinstance(b, numbers.Integral) and not isinstance(b, bool) for b in blocks):
        if any(b < 1 for b in blocks):
            raise ValueError(f"MBPLS: blocks must be positive column counts; got {blocks!r}")
        stops = np.cumsum(blocks).tolist()
        return list(zip([0, *stops[:-1]], stops, strict=True))
    bounds = []
    for block in blocks:
        if isinstance(block, slice) and block.step in (None, 1):
            bounds.append((block.start or 0, n_features if block.stop is None else block.stop))
        elif isinstance(block, Sequence) and len(block) == 2:
            bounds.append((int(block[0]), int(block[1])))
        else:
            raise ValueError(
                f"MBPLS: blocks[{len(bounds)}] = {block!r} is neither a column count, a "
                "slice with step 1 nor a (start, stop) pair"
            )
    return bounds


class MBPLS(LatentVariableRegressor):
    """Multi-block PLS regression (Westerhuis, Kourti & MacGregor 1998).

    X is made of blocks of columns, one per feature source (two instruments, two spectral
    ranges, process variables). X and Y are centred (and autoscaled when ``scale``); each
    block is then divided by its Frobenius norm when ``block_scaling``, so every block
    enters with the same total variance whatever its width. NIPALS PLS on the concatenated
    blocks gives the super scores ``t_a``, the concatenated weights ``w_a`` and the
    predictions; for block ``b`` the super weight is ``||w_a[b]||``, the block weight
    ``w_a[b] / ||w_a[b]||``, the block score ``X_b^(a) w_a[b] / ||w_a[b]||`` on the block
    deflated by the previous super scores, and ``t_a = sum_b ||w_a[b]|| t_ba``.

    ``score`` is the coefficient of determination R² of ``predict``. Built on the template
    of :class:`~nirs4all.operators.models._pls.PLS`, it has the same ``predict_nested`` (the
    predictions of every smaller number of components from one fit) and diagnostics.

    Compared with the ``mbpls`` package (Baum & Vermue 2019): predictions and block
    importances ``A_`` are the same; its super scores ``Ts_`` are ours divided by their
    norms, its block scores ``T_`` are ours, and signs of a component may differ. Its
    ``standardize=True`` autoscales with ddof=0 and does not scale blocks, which gives the
    same predictions as ``scale=True, block_scaling=False`` here.

    Parameters
    ----------
    n_components : int, default=2
        Number of latent variables (super scores), at most ``min(n_samples, n_features)``.
    blocks : sequence, optional
        How the columns of X split into blocks, in order and covering every column: column
        counts (``[700, 100]``), slices (``[slice(0, 700), slice(700, 800)]``) or
        ``(start, stop)`` pairs. Instead, X may be given to ``fit`` and ``predict`` as a
        list of 2-D arrays (one per block, same rows); ``blocks`` must then agree with it or
        be None. None with a single array is one block (ordinary PLS).
    scale : bool, default=True
        Autoscale the columns of X and Y (standard deviation, ddof=1) after centring, as
        :class:`~nirs4all.operators.models._pls.PLS` does by default.
    block_scaling : bool, default=True
        Divide each processed block by its Frobenius norm (with ``scale``, the usual
        ``1 / sqrt(n_columns)`` up to a common factor), so that a wide block does not
        dominate a narrow one.
    copy : bool, default=True
        Work on a copy of X (a list of blocks is always copied); with False, ``fit`` may
        centre and scale X in place.

    Attributes
    ----------
    block_bounds_ : ndarray of shape (n_blocks, 2)
        Start and stop column of each block.
    n_blocks_ : int
    block_scale_ : ndarray of shape (n_blocks,)
        Frobenius norm each block was divided by (ones without ``block_scaling``).
    super_scores_ : ndarray of shape (n_samples, n_components)
        Super scores ``t_a`` of the training rows (same as ``x_scores_``).
    super_weights_, block_importances_ : ndarray of shape (n_blocks, n_components)
        Super weights ``||w_a[b]||`` and their squares, the block importances (each column
        sums to 1; ``A_`` of ``mbpls``).
    block_weights_ : ndarray of shape (n_features, n_components)
        Block weights stacked in column order; each block's part has unit norm.
    block_scores_ : ndarray of shape (n_blocks, n_samples, n_components)
        Block scores of the training rows.
    x_weights_, x_loadings_, x_rotations_ : ndarray of shape (n_features, n_components)
        Concatenated PLS weights, loadings and rotations on the processed X.
    y_loadings_ : ndarray of shape (n_targets, n_components)
    x_scores_, y_scores_ : ndarray of shape (n_samples, n_components)
    coef_ : ndarray of shape (n_targets, n_features)
        Regression coefficients per column in the units of X and y.
    intercept_ : ndarray of shape (n_targets,)
    x_mean_, x_scale_ : ndarray of shape (n_features,)
        Column means, and column scales including the block scaling.
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
    x_sum_squares_, training_q_ : see
        :class:`~nirs4all.operators.models._diagnostics.PLSDiagnosticsMixin`, which adds
        ``vip_``, ``selectivity_ratio_``, ``hotelling_t2(X)`` and ``q_residuals(X)`` (X as
        one array or as the list of blocks) on the processed, block-scaled X.
    n_features_in_ : int

    References
    ----------
    Westerhuis, J. A., Kourti, T. & MacGregor, J. F. (1998). Analysis of multiblock and
    hierarchical PCA and PLS models. Journal of Chemometrics 12, 301-321.
    Wangen, L. E. & Kowalski, B. R. (1989). A multiblock partial least squares algorithm
    for investigating complex chemical systems. Journal of Chemometrics 3, 3-20.
    """

    def __init__(
        self,
        n_components: int = 2,
        blocks: Sequence[Any] | None = None,
        scale: bool = True,
        block_scaling: bool = True,
        copy: bool = True,
    ) -> None:
        self.n_components = n_components
        self.blocks = blocks
        self.scale = scale
        self.block_scaling = block_scaling
        self.copy = copy

    def fit(self, X: ArrayLike | Sequence[ArrayLike], y: ArrayLike) -> Self:
        """Fit MB-PLS; ``X`` is one array split by ``blocks`` or a list of block arrays."""
        X, self._fit_widths = _stack_blocks(X)
        self._fit_latent(X, y)
        del self._fit_widths
        return self

    def _check_method_params(self) -> None:
        check_choice(self, "scale", (True, False))
        check_choice(self, "block_scaling", (True, False))

    def _factors(
        self, X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int
    ) -> PLSFactors:
        """Scale the blocks of the processed ``X`` in place, run NIPALS, derive the blocks."""
        self.block_bounds_ = self._resolve_blocks(X.shape[1], self._fit_widths)
        self.n_blocks_ = len(self.block_bounds_)
        self.block_scale_ = np.ones(self.n_blocks_)
        if self.block_scaling:
            for b, (start, stop) in enumerate(self.block_bounds_):
                norm = np.linalg.norm(X[:, start:stop])
                self.block_scale_[b] = norm if norm > 0 else 1.0
                X[:, start:stop] /= self.block_scale_[b]
                self.x_scale_[start:stop] *= self.block_scale_[b]
        factors = nipals_pls(X, Y, n_components)
        self._fit_blocks(X, factors)
        return factors

    def _resolve_blocks(self, n_features: int, widths: list[int] | None) -> NDArray[np.intp]:
        if self.blocks is None:
            bounds = _bounds_from_spec(widths or [n_features], n_features)
        elif isinstance(self.blocks, str) or not isinstance(self.blocks, Sequence):
            raise ValueError(
                f"MBPLS: blocks must be a list of column counts, slices or (start, stop) "
                f"pairs; got {self.blocks!r}"
            )
        else:
            bounds = _bounds_from_spec(self.blocks, n_features)
        starts = [start for start, _ in bounds]
        stops = [stop for _, stop in bounds]
        if not bounds or starts != [0, *stops[:-1]] or stops[-1] != n_features:
            raise ValueError(
                f"MBPLS: blocks {self.blocks!r} give column ranges {bounds}, which must be "
                f"non-empty, in order and cover the {n_features} column(s) of X exactly"
            )
        if any(stop <= start for start, stop in bounds):
            raise ValueError(f"MBPLS: blocks {self.blocks!r} holds an empty block {bounds}")
        if widths is not None and [stop - start for start, stop in bounds] != widths:
            raise ValueError(
                f"MBPLS: blocks {self.blocks!r} disagrees with the widths {widths} of the "
                "list of arrays given to fit; pass blocks=None or matching counts"
            )
        return np.array(bounds, dtype=np.intp)

    def _fit_blocks(self, Xp: NDArray[np.float64], factors: PLSFactors) -> None:
        """Super weights, block weights and block scores from the concatenated factors."""
        n_components = factors.x_weights.shape[1]
        self.super_weights_ = np.zeros((self.n_blocks_, n_components))
        self.block_weights_ = np.zeros_like(factors.x_weights)
        self.block_scores_ = np.zeros((self.n_blocks_, Xp.shape[0], n_components))
        for b, (start, stop) in enumerate(self.block_bounds_):
            part = factors.x_weights[start:stop]
            norms = np.linalg.norm(part, axis=0)
            weights = np.divide(part, norms, out=np.zeros_like(part), where=norms > 0)
            # Component a sees the block deflated by the super scores 1 .. a-1.
            deflation = np.triu(factors.x_loadings[start:stop].T @ weights, k=1)
            self.block_scores_[b] = Xp[:, start:stop] @ weights - factors.x_scores @ deflation
            self.super_weights_[b] = norms
            self.block_weights_[start:stop] = weights
        self.block_importances_ = self.super_weights_**2
        self.super_scores_ = np.array(factors.x_scores)

    def _processed(self, X: ArrayLike | Sequence[ArrayLike]) -> NDArray[np.float64]:
        return super()._processed(self._check_blocks(X))

    def _check_blocks(self, X: Any) -> Any:
        check_is_fitted(self)
        X, widths = _stack_blocks(X)
        expected = (self.block_bounds_[:, 1] - self.block_bounds_[:, 0]).tolist()
        if widths is not None and widths != expected:
            raise ValueError(
                f"MBPLS: the blocks given have {widths} column(s); the model was fitted on "
                f"blocks of {expected}"
            )
        return X

    def predict(self, X: ArrayLike | Sequence[ArrayLike]) -> NDArray[np.float64]:
        """Predicted responses for ``X`` (one array, or the list of block arrays)."""
        return super().predict(self._check_blocks(X))
