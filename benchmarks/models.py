"""Time the PLS family (fit and predict) against its reference implementation.

Each row fits one model of :mod:`nirs4all.operators.models` with 10 components on synthetic
spectra and predicts the same spectra, and does the same with the reference: scikit-learn's
``PLSRegression`` for PLS, SIMPLS and PLS-DA (on the one-hot classes), the ``ikpls`` package
(numpy backend) for IKPLS, and ``make_pipeline(PCA, LinearRegression)`` for PCR. Best of
``--repeat`` runs each, ours and the reference alternately; ratio = ours / reference.

Our ``fit`` also computes the diagnostics summaries (column sums of squares and the Q of
each training row, O(n p A)), which the references do not; the ``PLS (no diagnostics)`` row
shows that share.
The last row is the component sweep: ``predict_nested`` for 1..10 components from one fit,
against ten separate fits of ``PLSRegression``.

    python benchmarks/models.py            # 1,000 spectra x 2,000 wavelengths
    python benchmarks/models.py --quick    # 300 x 500
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
import sklearn
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline

from nirs4all.operators.models._ikpls import IKPLS
from nirs4all.operators.models._pcr import PCR
from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._plsda import PLSDA
from nirs4all.operators.models._simpls import SIMPLS

A = 10


def make_spectra(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Smooth absorbance-like spectra from eight bands plus noise, and one target."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.0, 1.0, p)
    bands = np.exp(-0.5 * ((grid[None, :] - rng.uniform(0, 1, size=(8, 1))) / 0.03) ** 2)
    amounts = rng.uniform(0.1, 1.0, size=(n, 8))
    X = 0.2 + amounts @ bands + rng.normal(0, 1e-3, size=(n, p))
    return X, amounts[:, 0] + rng.normal(0, 0.01, size=n)


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


class _NoDiagnostics(PLS):
    """PLS without the residual summaries, to show what they cost (benchmark only)."""

    def _fit_diagnostics(self, X_processed: np.ndarray) -> None:
        pass


def _ikpls(algorithm: int) -> tuple[Callable, Callable]:
    from ikpls.numpy import PLS as Reference  # test-and-benchmark-only dependency

    def fit(X, y):
        model = Reference(algorithm=algorithm, scale_X=False, scale_Y=False)
        model.fit(X, y, A)
        return model

    return fit, lambda model, X: model.predict(X, n_components=A)


def cases(labels: np.ndarray) -> list[tuple[str, Callable, Callable, Callable, Callable]]:
    """(name, our fit, our predict, reference fit, reference predict) per row."""
    predict = lambda model, X: model.predict(X)  # noqa: E731
    onehot = (labels[:, None] == np.unique(labels)).astype(float)
    sk_pls = lambda X, y: PLSRegression(A, scale=False).fit(X, y)  # noqa: E731
    rows = [
        ("PLS", lambda X, y: PLS(A, scale=False).fit(X, y), predict, sk_pls, predict),
        ("PLS (no diagnostics)", lambda X, y: _NoDiagnostics(A, scale=False).fit(X, y),
         predict, sk_pls, predict),
        ("SIMPLS", lambda X, y: SIMPLS(A, scale=False).fit(X, y), predict, sk_pls, predict),
    ]  # fmt: skip
    for algorithm in (1, 2):
        ref_fit, ref_predict = _ikpls(algorithm)
        ours = lambda X, y, a=algorithm: IKPLS(A, algorithm=a, scale=False).fit(X, y)  # noqa: E731
        rows.append((f"IKPLS(algorithm={algorithm})", ours, predict, ref_fit, ref_predict))
    pcr_ref = lambda X, y: make_pipeline(PCA(A), LinearRegression()).fit(X, y)  # noqa: E731
    rows.append(("PCR", lambda X, y: PCR(A, scale=False).fit(X, y), predict, pcr_ref, predict))
    rows.append((
        "PLSDA (3 classes)",
        lambda X, y: PLSDA(A, scale=False).fit(X, labels),
        predict,
        lambda X, y: PLSRegression(A, scale=False).fit(X, onehot),
        lambda model, X: model.predict(X).argmax(axis=1),
    ))  # fmt: skip
    return rows


def row(name, X, y, fit, predict, ref_fit, ref_predict, repeat: int) -> str:
    """One table row: best fit and predict times of ours and the reference, run alternately."""
    ours_fit = ref_fit_time = float("inf")
    for _ in range(repeat):
        ours_fit = min(ours_fit, best_of(1, lambda: fit(X, y)))
        ref_fit_time = min(ref_fit_time, best_of(1, lambda: ref_fit(X, y)))
    model, reference = fit(X, y), ref_fit(X, y)
    ours_predict = best_of(repeat * 3, lambda: predict(model, X))
    ref_predict_time = best_of(repeat * 3, lambda: ref_predict(reference, X))
    return (
        f"| {name} | {ours_fit:.3f} | {ref_fit_time:.3f} | {ours_fit / ref_fit_time:.2f} | "
        f"{1e3 * ours_predict:.1f} | {1e3 * ref_predict_time:.1f} | "
        f"{ours_predict / ref_predict_time:.2f} |"
    )


def sweep(X: np.ndarray, y: np.ndarray, repeat: int) -> tuple[float, float]:
    """predict_nested over 1..A from one fit, against A separate PLSRegression fits."""

    def ours():
        PLS(A, scale=False).fit(X, y).predict_nested(X, range(1, A + 1))

    def reference():
        for a in range(1, A + 1):
            PLSRegression(a, scale=False).fit(X, y).predict(X)

    return best_of(repeat, ours), best_of(max(1, repeat // 2), reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 x 500 instead of 1,000 x 2,000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, p = (300, 500) if args.quick else (1000, 2000)
    X, y = make_spectra(n, p)
    labels = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    print(f"{n} x {p} float64, {A} components, best of {args.repeat}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
        f", scikit-learn {sklearn.__version__}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print("| model | fit ours (s) | fit ref (s) | fit ratio | predict ours (ms) | ", end="")
    print("predict ref (ms) | predict ratio |\n|---|---:|---:|---:|---:|---:|---:|")
    for name, fit, predict, ref_fit, ref_predict in cases(labels):
        print(row(name, X, y, fit, predict, ref_fit, ref_predict, args.repeat))
    ours, reference = sweep(X, y, args.repeat)
    print(
        f"\nsweep 1..{A} components: predict_nested from one PLS fit {ours:.3f} s, "
        f"{A} separate PLSRegression fits {reference:.3f} s, ratio {ours / reference:.2f}"
    )


if __name__ == "__main__":
    main()
