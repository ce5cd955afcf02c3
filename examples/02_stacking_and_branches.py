"""Branches and stacking: two preprocessing/model branches, a meta-model on their
out-of-fold predictions, and the exact replay of the stacked chain from its bundle.

Run: ``python examples/02_stacking_and_branches.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler

import nirs4all
from nirs4all.operators.transforms import SNV, SavitzkyGolay


def main() -> None:
    dataset = nirs4all.generate(150, random_state=1)
    pipeline = [
        SNV(),
        KFold(5, shuffle=True),
        {"branch": {"derivative": [SavitzkyGolay(deriv=1), PLSRegression(6)],
                    "scaled": [MinMaxScaler(), Ridge(alpha=1e-3)]}},
        {"merge": "predictions"},
        LinearRegression(),
    ]
    result = nirs4all.run(pipeline, dataset, random_state=0, verbose=0, refit="all",
                          workspace=None)
    for chain in result.top(3):
        print(f"{chain.model_name:<32} branch {list(chain.branch_path)}  "
              f"RMSECV {chain.cv_score:.4f}  test RMSE {chain.test_score:.4f}")
    meta = next(c for c in result.chains if c.source_chains)
    with tempfile.TemporaryDirectory() as scratch:
        bundle = result.export(Path(scratch) / "stack.n4a", meta.chain_id)
        replayed = nirs4all.predict(bundle, dataset.test)
    stored = result.predictions(chain_id=meta.chain_id, fold_id="final", partition="test")[0]
    print(f"stacked chain replayed from its bundle: max |diff| = "
          f"{np.max(np.abs(replayed.y_pred - stored.y_pred)):.1e}")


if __name__ == "__main__":
    main()
