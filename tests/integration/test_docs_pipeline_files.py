"""Every YAML and JSON block of docs/pipeline-files.md (and the README) is a pipeline file
that validates and runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import nirs4all
from nirs4all.api.pipeline_files import validate_pipeline_file
from nirs4all.data import SpectroDataset

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "pipeline-files.md"
BLOCK = re.compile(r"```(yaml|json)\n(.*?)```", re.DOTALL)
BLOCKS = BLOCK.findall(PAGE.read_text())
EVERY_BLOCK = BLOCKS + BLOCK.findall((ROOT / "README.md").read_text())


@pytest.fixture(scope="module")
def dataset() -> SpectroDataset:
    data = nirs4all.generate(60, random_state=2)
    lots = np.repeat(np.arange(6), 10).astype(str)  # a metadata column for `group: lot`
    pairs = np.repeat(np.arange(30), 2)  # `rep_to_sources: sample`: two scans per sample
    return SpectroDataset(data.sources, data.y[2 * pairs], partition=data.partition,
                          sample_ids=data.sample_ids, metadata={"lot": lots, "sample": pairs},
                          name=data.name)


def test_the_page_shows_every_step_keyword_and_generator() -> None:
    from nirs4all.pipeline.generators import GENERATOR_KEYWORDS
    from nirs4all.pipeline.spec import KEYWORDS

    text = "\n".join(body for _, body in BLOCKS)
    deprecated = {"source_branch"}  # shown in the table only: a block of it would warn
    assert all(f"`{word}" in PAGE.read_text() for word in deprecated)
    for word in (*(set(KEYWORDS) - deprecated), *GENERATOR_KEYWORDS, "group", "params", "name",
                 "pick", "count"):
        assert re.search(rf'(^|[\s{{"\[]){re.escape(word)}"?:', text, re.MULTILINE), word
    assert {kind for kind, _ in BLOCKS} == {"yaml", "json"}


@pytest.mark.parametrize(("kind", "body"), EVERY_BLOCK,
                         ids=[f"block{i}-{k}" for i, (k, _) in enumerate(EVERY_BLOCK)])
def test_the_block_validates_and_runs(kind: str, body: str, dataset, tmp_path: Path) -> None:
    path = tmp_path / f"pipeline.{kind}"
    path.write_text(body)
    problem, count = validate_pipeline_file(path)
    assert problem is None, str(problem)
    result = nirs4all.run(path, dataset, random_state=0, verbose=0, workspace=None)
    assert result.num_variants == count
    assert np.isfinite(result.best.cv_score)
