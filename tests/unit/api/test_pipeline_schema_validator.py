"""The schema printed by ``nirs4all config schema`` checked by a JSON Schema validator.

``jsonschema`` is in the ``dev`` extra (CI installs it); without it these tests skip and
say so.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from nirs4all.cli import main

jsonschema = pytest.importorskip(
    "jsonschema", reason="jsonschema is not installed (pip install 'nirs4all[dev]')")

ROOT = Path(__file__).resolve().parents[3]
BLOCK = re.compile(r"```(yaml|json)\n(.*?)```", re.DOTALL)
DOC_BLOCKS = [body for page in ("docs/pipeline-files.md", "README.md")
              for _, body in BLOCK.findall((ROOT / page).read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["config", "schema"]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def test_the_printed_schema_is_a_valid_schema_of_the_draft_it_declares(schema) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator
    cls.check_schema(schema)  # raises SchemaError on a malformed schema


def test_the_docs_have_pipeline_blocks_to_check() -> None:
    assert len(DOC_BLOCKS) >= 20


@pytest.mark.parametrize("body", DOC_BLOCKS, ids=[f"block{i}" for i in range(len(DOC_BLOCKS))])
def test_every_documented_pipeline_file_validates_against_the_schema(body, validator) -> None:
    document = yaml.safe_load(body)  # YAML reads the JSON blocks too
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{e.json_path}: {e.message}" for e in errors]


def test_a_0x_wrapped_file_with_name_and_description_validates(validator) -> None:
    document = {"name": "pls", "description": "SNV then PLS",
                "pipeline": ["SNV", "KFold", {"model": "PLSRegression"}]}
    assert not list(validator.iter_errors(document))


def _best(validator: Any, document: Any) -> Any:
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    assert error is not None, f"{document!r} validated"
    return error


@pytest.mark.parametrize(("document", "path"), [
    ({"pipeline": "SNV"}, "$.pipeline"),
    ({"pipeline": ["SNV"], "steps": []}, "$"),
    ({"pipeline": ["SNV"], "name": 3}, "$.name"),
    ([["SNV", 42]], "$[0][1]"),
    (["SNV", {"class": "SNV", "params": [1, 2]}], "$[1].params"),
    (["SNV", {"class": 7}], "$[1].class"),
    ("SNV", "$"),
])
def test_a_broken_file_fails_at_the_path_at_fault(validator, document, path: str) -> None:
    assert _best(validator, document).json_path == path


def test_a_step_that_is_a_number_is_refused_by_the_schema(validator) -> None:
    error = _best(validator, ["SNV", 3.5])
    assert error.json_path == "$[1]"
    assert not validator.is_valid(["SNV", 3.5])
