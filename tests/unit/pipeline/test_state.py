"""The step cache's release plan and the blocks' row views (nirs4all/pipeline/state.py)."""

from __future__ import annotations

import tracemalloc

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, ShuffleSplit

import nirs4all
from nirs4all.operators.transforms import MSC, SNV, SavitzkyGolay
from nirs4all.pipeline.runner import execute_variant, prepare_variants
from nirs4all.pipeline.state import Block, StepCache, release_points

SWEEP = [{"_or_": [SNV(), MSC()]}, SavitzkyGolay(), ShuffleSplit(3, test_size=0.25,
                                                                  random_state=0),
         {"model": Ridge, "param": "alpha", "_or_": [0.1, 1.0, 10.0]}]


def _cv_pass(variants, dataset, releases):
    cache = StepCache()
    outcomes = [execute_variant(v, dataset, seed=0, phase="cv", with_final=False,
                                cache=cache, release=release)
                for v, release in zip(variants, releases, strict=True)]
    prints = [(p.chain_id, p.fold_id, np.asarray(p.y_pred).tobytes())
              for o in outcomes for p in o.predictions]
    return prints, cache.stats()


def test_a_step_is_released_by_the_last_variant_that_starts_with_it() -> None:
    variants = prepare_variants(SWEEP, seed=0, max_variants=100)
    releases = release_points([v.steps for v in variants])
    first, model = variants[0].steps[0].index, variants[0].steps[-1].index
    # six variants: SNV x 3 alphas, then MSC x 3 alphas
    assert [first in r for r in releases] == [False, False, True, False, False, True]
    assert all(model in r for r in releases)  # no two variants share their model step


def test_out_of_order_only_the_steps_no_other_variant_starts_with_are_released() -> None:
    variants = prepare_variants(SWEEP, seed=0, max_variants=100)
    releases = release_points([v.steps for v in variants], in_order=False)
    first, model = variants[0].steps[0].index, variants[0].steps[-1].index
    assert not any(first in r for r in releases)  # each preprocessing has three users
    assert all(model in r for r in releases)


def test_releasing_changes_no_bit_and_no_hit_and_empties_the_cache() -> None:
    dataset = nirs4all.generate(60, random_state=3)
    variants = prepare_variants(SWEEP, seed=0, max_variants=100)
    kept, kept_stats = _cv_pass(variants, dataset, [frozenset()] * len(variants))
    released, stats = _cv_pass(variants, dataset, release_points([v.steps for v in variants]))
    assert released == kept
    assert stats["cache_hits"] == kept_stats["cache_hits"] > 0
    assert kept_stats["cache_bytes_held"] > 0
    assert stats["cache_bytes_held"] == 0


def test_a_released_result_asked_again_is_computed_again_with_the_same_bits() -> None:
    dataset = nirs4all.generate(60, random_state=3)
    variants = prepare_variants(SWEEP, seed=0, max_variants=100)
    everything = frozenset(s.index for v in variants for s in v.steps)
    wrong, _ = _cv_pass(variants, dataset, [everything] * len(variants))
    kept, _ = _cv_pass(variants, dataset, [frozenset()] * len(variants))
    assert wrong == kept


def test_contiguous_rows_are_a_view_and_scattered_rows_a_copy() -> None:
    X = np.arange(40.0).reshape(10, 4)
    X.flags.writeable = False
    block = Block((X,), ((np.arange(4.0), "nm"),), np.arange(10), None, (), "k")
    view = block.features(np.arange(2, 7))
    assert np.shares_memory(view, X)
    assert np.array_equal(view, X[2:7])
    scattered = block.features(np.array([0, 3, 4]))
    assert not np.shares_memory(scattered, X)
    assert np.array_equal(scattered, X[[0, 3, 4]])


def test_a_one_chain_run_peaks_below_four_times_its_spectra() -> None:
    # SNV > SavitzkyGolay > KFold > PLS (benchmarks/scaling.py's W1): the preprocessed
    # copies used to stay in the step cache and every fit took a copy of its rows, 6.6x.
    dataset = nirs4all.generate(1500, wavelengths=(1000, 2497, 3), test_fraction=0.2,
                                random_state=0)
    pipeline = [SNV(), SavitzkyGolay(), KFold(5), {"model": PLSRegression(10)}]
    nirs4all.run(pipeline, nirs4all.generate(30, wavelengths=(1000, 2497, 3)),
                 random_state=0, verbose=0, workspace=None)  # imports, caches
    tracemalloc.start()
    try:
        nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * dataset.x().nbytes
