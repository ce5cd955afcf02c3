"""Time OPLS and MBPLS against their reference implementations (pyopls, mbpls).

Rows (best of ``--repeat`` runs each, ours and the reference alternately, ratio = ours /
reference):

- ``OPLS`` (one predictive, ``--orthogonal`` orthogonal components, centred) against the
  pyopls pipeline that gives the same predictions: ``pyopls.OPLS`` then scikit-learn's
  ``PLSRegression(1, scale=False)`` on the filtered spectra;
- ``MBPLS`` (two blocks, autoscaled, no block scaling) against ``mbpls.MBPLS`` with
  ``standardize=True`` and its default NIPALS, and with its UNIPALS;
- ``KernelPLS`` and ``KOPLS`` (rbf) alone: no reference is installed; linear ``KernelPLS``
  against ``PLSRegression`` for scale.

``fit`` is timed on the training rows, ``predict`` on the test rows.

    python benchmarks/models_opls_mbpls.py             # 1,000 spectra x 2,000 wavelengths
    python benchmarks/models_opls_mbpls.py --quick     # 200 x 500
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
from sklearn.utils import check_array

import nirs4all
from nirs4all.operators.models._kernel_pls import KernelPLS
from nirs4all.operators.models._kopls import KOPLS
from nirs4all.operators.models._mbpls import MBPLS
from nirs4all.operators.models._opls import OPLS


def best_time(action: Callable[[], Any], repeat: int) -> float:
    """Best wall-clock time of ``repeat`` calls of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


class PyoplsPipeline:
    """pyopls filtering followed by one-component PLS: the reference OPLS predictor."""

    def __init__(self, n_orthogonal: int) -> None:
        import pyopls

        self.filter = pyopls.OPLS(n_orthogonal, scale=False)
        self.pls = PLSRegression(1, scale=False)

    def fit(self, X: np.ndarray, y: np.ndarray) -> PyoplsPipeline:
        self.pls.fit(self.filter.fit_transform(X, y), y - y.mean())
        self.y_mean = y.mean()
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.pls.predict(self.filter.transform(X)).ravel() + self.y_mean


def reference_mbpls(**params: Any) -> Any:
    """``mbpls.MBPLS``, its ``force_all_finite`` keyword translated for scikit-learn >= 1.8."""
    import mbpls.mbpls as module

    def translated(*args: Any, force_all_finite: bool = True, **kwargs: Any) -> Any:
        return check_array(*args, ensure_all_finite=force_all_finite, **kwargs)

    module.check_array = translated
    return module.MBPLS(**params)


def split_blocks(X: np.ndarray) -> list[np.ndarray]:
    half = X.shape[1] // 2
    return [X[:, :half].copy(), X[:, half:].copy()]


def time_pair(name: str, ours: Any, reference: Any, data: dict[str, Any], repeat: int) -> None:
    """Print the best fit and predict times of ours and of the reference, run alternately."""
    blocks = name.startswith("MBPLS")
    models = {"ours": ours, "reference": reference}
    best = {label: [np.inf, np.inf] for label, model in models.items() if model is not None}
    for _ in range(repeat):
        for label in best:
            model = models[label]
            # mbpls standardises its input lists in place: each call gets fresh blocks.
            fit_X = split_blocks(data["Xtr"]) if blocks else data["Xtr"]
            best[label][0] = min(
                best[label][0], best_time(lambda m=model, X=fit_X: m.fit(X, data["ytr"]), 1)
            )
            test_X = split_blocks(data["Xte"]) if blocks else data["Xte"]
            best[label][1] = min(
                best[label][1], best_time(lambda m=model, X=test_X: m.predict(X), 1)
            )
    ours_fit, ours_predict = best["ours"]
    if reference is None:
        print(f"| {name} | {ours_fit:.3f} | - | - | {ours_predict:.4f} | - | - |")
        return
    ref_fit, ref_predict = best["reference"]
    print(
        f"| {name} | {ours_fit:.3f} | {ref_fit:.3f} | {ours_fit / ref_fit:.2f} | "
        f"{ours_predict:.4f} | {ref_predict:.4f} | {ours_predict / ref_predict:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--orthogonal", type=int, default=3)
    parser.add_argument("--components", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_samples, n_features = (200, 500) if args.quick else (1000, 2000)
    axis = np.linspace(900.0, 2500.0, n_features)
    dataset = nirs4all.generate(n_samples, wavelengths=axis, random_state=0, test_fraction=0.2)
    X, y = np.array(dataset.x()), np.array(dataset.y)[:, 0]
    n_train = round(0.8 * n_samples)
    data = {"Xtr": X[:n_train], "ytr": y[:n_train], "Xte": X[n_train:]}
    print(
        f"{n_train} training x {n_features} wavelengths, {n_samples - n_train} predicted; "
        f"best of {args.repeat}; {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, load {os.getloadavg()[0]:.1f}"
    )
    print("| model | fit (s) | ref fit (s) | ratio | predict (s) | ref predict (s) | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    a, k = args.components, args.orthogonal
    time_pair(
        f"OPLS(1 + {k} orth.) / pyopls+PLS",
        OPLS(1, k, scale=False),
        PyoplsPipeline(k),
        data,
        args.repeat,
    )
    for method in ("NIPALS", "UNIPALS"):
        reference = reference_mbpls(n_components=a, method=method, standardize=True)
        ours = MBPLS(a, scale=True, block_scaling=False)
        time_pair(f"MBPLS({a}, 2 blocks) / mbpls {method}", ours, reference, data, args.repeat)
    linear = KernelPLS(a, kernel="linear")
    time_pair(
        f"KernelPLS({a}, linear) / PLSRegression",
        linear,
        PLSRegression(a, scale=False),
        data,
        args.repeat,
    )
    time_pair(f"KernelPLS({a}, rbf)", KernelPLS(a, gamma=1e-2), None, data, args.repeat)
    time_pair(f"KOPLS(1 + {k} orth., rbf)", KOPLS(1, k, gamma=1e-2), None, data, args.repeat)


if __name__ == "__main__":
    main()
