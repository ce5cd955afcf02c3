"""0.7 analysis names: BranchAnalyzer, TransferPreprocessingSelector, PreprocPCAEvaluator,
each checked on data where the right answer is known."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.operators.analysis import PreprocPCAEvaluator
from nirs4all.operators.transfer import TransferPreprocessingSelector
from nirs4all.operators.transforms import SNV, FirstDerivative
from nirs4all.visualization.analysis.branch import BranchAnalyzer


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


@pytest.fixture(scope="module")
def branched(data):
    pipeline = [KFold(4), {"branch": [[SNV()], [StandardScaler()]]},
                {"model": {"_or_": [PLSRegression(2), PLSRegression(5)]}}]
    return nirs4all.run(pipeline, data, verbose=0, workspace=None, random_state=0,
                        refit=False)


def test_branch_analyzer_summarises_and_ranks_the_branches(branched):
    analyzer = BranchAnalyzer(branched.predictions)
    assert analyzer.get_branch_names() == ["branch 0", "branch 1"]
    rows = analyzer.rank_branches()
    assert [r["rank"] for r in rows] == [1, 2]
    assert rows[0]["score"] <= rows[1]["score"]  # rmse: lower first
    best = branched.top(1)[0]
    assert rows[0]["best_chain"] == best.chain_id
    assert rows[0]["n_chains"] == 2
    assert rows[0]["n_folds"] == 4
    assert analyzer.to_dataframe().shape[0] == 2


def test_branch_analyzer_compares_two_branches_fold_by_fold(branched):
    analyzer = BranchAnalyzer(branched)
    outcome = analyzer.compare("branch 0", "branch 1", test="ttest")
    assert outcome["n_folds"] == 4
    assert 0.0 <= outcome["p_value"] <= 1.0
    wilcoxon = analyzer.compare("branch 0", "branch 1")
    assert wilcoxon["mean_difference"] == pytest.approx(outcome["mean_difference"])
    with pytest.raises(ValueError, match="unknown branch"):
        analyzer.compare("branch 0", "branch 7")
    with pytest.raises(ValueError, match="test must be one of"):
        analyzer.compare("branch 0", "branch 1", test="anova")


def test_branch_analyzer_keeps_the_branch_plots(branched):
    assert BranchAnalyzer(branched).plot_branch_comparison().axes


def test_transfer_selector_prefers_the_preprocessing_that_removes_the_shift(data):
    X = data.x()
    rng = np.random.default_rng(1)
    source = X[:30]
    # the target instrument adds an offset and a gain per spectrum: SNV removes both
    target = X[30:] * rng.uniform(1.2, 1.4, (30, 1)) + rng.uniform(0.2, 0.3, (30, 1))
    selector = TransferPreprocessingSelector(n_components=3).fit(source, target)
    names = [r["name"] for r in selector.results_]
    assert names.index("snv") < names.index("raw")
    assert selector.results_[0]["rank"] == 1
    assert all(0.0 <= r["subspace_similarity"] <= 1.0 + 1e-12 for r in selector.results_)
    best = selector.get_best(2)
    assert len(best) == 2
    assert selector.to_dataframe().shape == (6, 4)


def test_transfer_selector_takes_named_candidates_and_checks_shapes(data):
    X = data.x()
    selector = TransferPreprocessingSelector({"raw": None, "d1": FirstDerivative()})
    assert selector.fit(X[:30], X[30:]).best_ in ("raw", "d1")
    assert selector.get_best(2)[selector.results_[0]["name"] == "d1"] is None
    with pytest.raises(ValueError, match="same number of columns"):
        selector.fit(X[:30], X[30:, :10])
    with pytest.raises(ValueError, match="call fit"):
        TransferPreprocessingSelector().get_best()


def test_pca_evaluator_scores_an_identical_copy_perfectly_and_noise_badly(data):
    X = data.x()
    noise = np.random.default_rng(2).normal(size=X.shape)
    evaluator = PreprocPCAEvaluator(n_components=3, k_neighbors=5).fit(
        X, {"same": X * 2.0 + 1.0, "noise": noise, "snv": SNV().fit_transform(X)})
    rows = {r["name"]: r for r in evaluator.results_}
    assert rows["same"]["cka"] == pytest.approx(1.0)
    assert rows["same"]["neighbour_preservation"] == pytest.approx(1.0)
    assert rows["noise"]["cka"] < 0.2
    assert rows["noise"]["neighbour_preservation"] < 0.5
    assert 0.0 < evaluator.raw_explained_variance_ <= 1.0
    assert evaluator.to_dataframe().shape == (3, 4)
    with pytest.raises(ValueError, match="expected 60 rows"):
        evaluator.fit(X, {"short": X[:10]})
