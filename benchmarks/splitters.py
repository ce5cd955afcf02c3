"""Time the splitters on spectra-sized data (5,000 x 500 unless said otherwise).

Run with ``python benchmarks/splitters.py``. Each case runs ``--repeats`` times; the best
and the median wall-clock times are printed (the best is the least disturbed by other
processes on a shared machine). "random" data are i.i.d. normal values, "spectra" are
smooth overlapping bands, as in NIR data. The "rows on demand" case forces the path used
when the distance matrix exceeds the memory limit (more than about 5,800 samples).

The second table times the other splitters against the nearest scikit-learn splitter on
the same data (ratio = ours / reference). ``--kmeans-raw`` adds KMeansSplitter on the raw
500 wavelengths (3,750 clusters: about two minutes on two shared cores).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedShuffleSplit,
)

from nirs4all.operators.splitters import (
    SPXY,
    BinnedStratifiedGroupKFold,
    GroupedSplitter,
    KBinsStratifiedSplitter,
    KennardStone,
    KMeansSplitter,
    SPlitSplitter,
    SPXYGFold,
    SystematicCircularSplitter,
    _maxmin,
)
from nirs4all.operators.splitters._binned import bin_targets


def random_data(n_samples: int, n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_samples, n_features)), rng.normal(size=n_samples)


def spectra_data(n_samples: int, n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Eight Gaussian bands with random log-normal heights, a little noise, and a target."""
    rng = np.random.default_rng(seed)
    axis = np.linspace(0.0, 1.0, n_features)
    centres = rng.uniform(0.1, 0.9, size=8)
    bands = np.exp(-(((axis[None, :] - centres[:, None]) / 0.05) ** 2))
    heights = rng.lognormal(size=(n_samples, 8))
    X = heights @ bands + rng.normal(scale=1e-3, size=(n_samples, n_features))
    return X, heights[:, 0] + 0.1 * rng.normal(size=n_samples)


def best_and_median(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings), statistics.median(timings)


def _all_folds(cv: object, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None) -> None:
    for _ in cv.split(X, y, groups):
        pass


def _kmeans_reference(X: np.ndarray) -> None:
    scores = PCA(20, svd_solver="full").fit_transform(X)
    KMeans(n_clusters=3750, n_init=1, random_state=0).fit(scores)


def comparisons(kmeans_raw: bool) -> list[tuple[str, Callable, Callable | None, int | None]]:
    """(label, ours(X, y, groups), reference or None, largest number of runs) per splitter."""
    cases = [
        ("KMeansSplitter pca=20 / KMeans(3750) on PCA",
         lambda X, y, g: _all_folds(KMeansSplitter(random_state=0, pca_components=20), X, y, None),
         lambda X, y, g: _kmeans_reference(X), 1),  # ~10-40 s a run
        ("SystematicCircularSplitter / ShuffleSplit",
         lambda X, y, g: _all_folds(SystematicCircularSplitter(random_state=0), X, y, None),
         lambda X, y, g: _all_folds(ShuffleSplit(1, test_size=0.25, random_state=0), X, y, None),
         None),
        ("KBinsStratifiedSplitter / StratifiedShuffleSplit",
         lambda X, y, g: _all_folds(
             KBinsStratifiedSplitter(random_state=0, strategy="quantile"), X, y, None),
         lambda X, y, g: _all_folds(
             StratifiedShuffleSplit(1, test_size=1250, random_state=0), X,
             bin_targets(y, 10, "quantile", "bench"), None), None),
        ("BinnedStratifiedGroupKFold / StratifiedGroupKFold",
         lambda X, y, g: _all_folds(BinnedStratifiedGroupKFold(5), X, y, g),
         lambda X, y, g: _all_folds(
             StratifiedGroupKFold(5), X, bin_targets(y, 10, "quantile", "bench"), g), None),
        ("SPXYGFold 1,000 groups / GroupKFold",
         lambda X, y, g: _all_folds(SPXYGFold(5), X, y, g),
         lambda X, y, g: _all_folds(GroupKFold(5), X, y, g), None),
        ("SPXYGFold 5,000 rows (no groups) / KFold",
         lambda X, y, g: _all_folds(SPXYGFold(5), X, y, None),
         lambda X, y, g: _all_folds(KFold(5), X, y, None), None),
        ("SPlitSplitter / ShuffleSplit",
         lambda X, y, g: _all_folds(SPlitSplitter(0.25, random_state=0), X, y, None),
         lambda X, y, g: _all_folds(ShuffleSplit(1, test_size=0.25, random_state=0), X, y, None),
         None),
        ("GroupedSplitterWrapper(KFold) / GroupKFold",
         lambda X, y, g: _all_folds(GroupedSplitter(KFold(5)), X, y, g),
         lambda X, y, g: _all_folds(GroupKFold(5), X, y, g), None),
    ]
    if kmeans_raw:
        cases.append(("KMeansSplitter raw 500 wavelengths (one run)",
                      lambda X, y, g: _all_folds(KMeansSplitter(random_state=0), X, y, None),
                      None, 1))
    return cases


def compare(repeats: int, kmeans_raw: bool) -> None:
    X, y = spectra_data(5000, 500, seed=0)
    groups = np.repeat(np.arange(1000), 5)
    print(f"\n{'case (5,000 x 500 spectra), ours / reference':<54}{'ours (s)':>10}"
          f"{'ref (s)':>10}{'ratio':>10}")
    for label, ours, reference, most_runs in comparisons(kmeans_raw):
        runs = repeats if most_runs is None else min(repeats, most_runs)
        best, _ = best_and_median(lambda ours=ours: ours(X, y, groups), runs)
        if reference is None:
            print(f"{label:<54}{best:>10.3f}{'-':>10}{'-':>10}")
            continue
        ref, _ = best_and_median(lambda reference=reference: reference(X, y, groups), runs)
        print(f"{label:<54}{best:>10.3f}{ref:>10.4f}{best / ref:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the splitters.")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--kmeans-raw", action="store_true")
    parser.add_argument("--only-new", action="store_true", help="skip KennardStone / SPXY")
    arguments = parser.parse_args()
    repeats = arguments.repeats
    if arguments.only_new:
        compare(repeats, arguments.kmeans_raw)
        return
    dense_limit = _maxmin._DENSE_BYTES
    cases = [
        ("KennardStone", 5000, dense_limit, lambda X, y: next(KennardStone(0.25).split(X))),
        ("KennardStone", 5000, 0, lambda X, y: next(KennardStone(0.25).split(X))),
        ("SPXY", 2000, dense_limit, lambda X, y: next(SPXY(0.25).split(X, y))),
    ]
    print(f"{'case (500 wavelengths)':<46}{'best (s)':>10}{'median (s)':>12}")
    for name, n_samples, limit, split in cases:
        for kind, make_data in (("random", random_data), ("spectra", spectra_data)):
            X, y = make_data(n_samples, 500, seed=0)
            _maxmin._DENSE_BYTES = limit
            try:
                best, median = best_and_median(lambda X=X, y=y, split=split: split(X, y), repeats)
            finally:
                _maxmin._DENSE_BYTES = dense_limit
            path = "dense matrix" if limit else "rows on demand"
            label = f"{name} n={n_samples} {kind}, {path}"
            print(f"{label:<46}{best:>10.3f}{median:>12.3f}")
    compare(repeats, arguments.kmeans_raw)


if __name__ == "__main__":
    main()
