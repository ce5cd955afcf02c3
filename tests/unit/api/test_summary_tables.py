"""The text of ``RunResult.summary()``: swept parameters, test scores, reasons, one table per
dataset, aligned headers."""

from __future__ import annotations

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold

import nirs4all
from nirs4all.api._tables import chain_rows, format_table
from nirs4all.operators.transforms import SNV

SWEEP = [SNV(), KFold(3), {"model": PLSRegression, "_range_": [2, 4, 2],
                           "param": "n_components"}]


@pytest.fixture(scope="module")
def regression():
    return nirs4all.generate(48, random_state=0)


def _header(text: str) -> list[str]:
    return next(ln for ln in text.splitlines() if ln.startswith("#")).split()


def test_the_swept_parameter_is_shown_at_its_default(regression) -> None:
    """Newcomer wall: summary tables hid the swept parameter (n_components=2 is a default)."""
    result = nirs4all.run(SWEEP, regression, random_state=0, verbose=0, workspace=None)
    text = result.summary()
    assert "n_components" in _header(text)
    values = {row["params"]["n_components"] for row in chain_rows(result, 5)["synthetic"]}
    assert values == {2, 4}
    default_row = next(ln for ln in text.splitlines() if ln.rstrip().endswith("SNV")
                       and " PLSRegression " in ln)
    assert " 2 " in default_row


def test_a_missing_test_score_says_why(regression) -> None:
    """Newcomer wall: summary tables showed ``nan`` test scores."""
    result = nirs4all.run(SWEEP, regression, random_state=0, verbose=0, workspace=None)
    text = result.summary()
    assert "nan" not in text
    assert "- (not refitted)" in text
    assert "run(..., refit='all') refits every chain" in text


def test_every_refitted_chain_shows_its_test_score(regression) -> None:
    result = nirs4all.run(SWEEP, regression, random_state=0, verbose=0, workspace=None,
                          refit="all")
    rows = chain_rows(result, 5)["synthetic"]
    assert all(r["test_missing"] is None for r in rows)
    assert "not refitted" not in result.summary()


def test_without_a_test_partition_the_reason_is_given() -> None:
    data = nirs4all.generate(40, random_state=0, test_fraction=0.0)
    result = nirs4all.run(SWEEP, data, random_state=0, verbose=0, workspace=None)
    assert chain_rows(result, 1)["synthetic"][0]["test_missing"] == "no test rows"
    assert "the dataset has no test partition" in result.summary()


def test_a_multi_dataset_result_prints_one_table_per_dataset(regression) -> None:
    other = nirs4all.generate(40, random_state=1, name="other")
    result = nirs4all.run(SWEEP, [regression, other], random_state=0, verbose=0,
                          workspace=None)
    text = result.summary()
    assert "dataset other:" in text
    assert "dataset synthetic:" in text
    assert "ChainSummary(" not in text
    assert sum(ln.startswith("#") for ln in text.splitlines()) == 2


def test_classification_headers_sit_over_their_columns() -> None:
    data = nirs4all.generate(60, task="classification", random_state=0)
    pipeline = [SNV(), StratifiedKFold(3), {"model": LogisticRegression(max_iter=300)}]
    text = nirs4all.run(pipeline, data, random_state=0, verbose=0,
                        workspace=None).summary()
    lines = text.splitlines()
    header = next(ln for ln in lines if ln.startswith("#"))
    row = lines[lines.index(header) + 1]
    for name in ("cv balanced_accuracy", "test balanced_accuracy"):
        end = header.index(name) + len(name)
        assert row[end - 1] != " "  # right-aligned: the number ends under the header's end
        assert row[end:end + 2] == "  "


def test_format_table_widens_columns_to_the_widest_cell() -> None:
    lines = format_table(["a", "long header"], [[1.5, "x"], [22, "yy"]], [True, False])
    assert lines == ["  a  long header", "1.5  x", " 22  yy"]
