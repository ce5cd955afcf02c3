"""Pipeline files are checked without running: the first problem names its YAML path and line."""

from __future__ import annotations

import json
from pathlib import Path

from nirs4all.api.pipeline_files import line_map, pipeline_schema, validate_pipeline_file


def _write(tmp_path: Path, text: str, name: str = "pipeline.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_line_map_gives_every_yaml_path_its_line() -> None:
    lines = line_map("pipeline:\n  - SNV\n  - model:\n      class: PLSRegression\n"
                     "      params: {n_components: 3}\n")
    assert lines["pipeline[0]"] == 2
    assert lines["pipeline[1].model.class"] == 4
    assert lines["pipeline[1].model.params.n_components"] == 5


def test_a_bare_list_document_is_read_as_pipeline() -> None:
    assert line_map("- SNV\n- KFold\n")["pipeline[1]"] == 2


def test_a_valid_file_reports_its_variant_count(tmp_path: Path) -> None:
    path = _write(tmp_path, "- SNV\n- KFold\n- model: PLSRegression\n  _range_: [2, 6, 2]\n"
                            "  param: n_components\n")
    assert validate_pipeline_file(path) == (None, 3)


def test_an_unknown_parameter_names_its_path_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "pipeline:\n  - SNV\n  - KFold\n  - MinMaxScaler\n"
                            "  - model:\n      class: PLSRegression\n"
                            "      params:\n        n_component: 5\n")
    problem, count = validate_pipeline_file(path)
    assert count == 0
    assert problem.where == "pipeline[3].model.params.n_component"
    assert problem.line == 8
    assert "did you mean n_components" in problem.message
    assert str(problem).startswith(f"{path}:8: pipeline[3].model.params.n_component: ")


def test_an_unknown_name_names_its_step_and_line(tmp_path: Path) -> None:
    problem, _ = validate_pipeline_file(_write(tmp_path, "- SNV\n- SVN\n- model: Ridge\n"))
    assert (problem.where, problem.line) == ("pipeline[1]", 2)
    assert "close names: " in problem.message


def test_a_json_file_has_lines_too(tmp_path: Path) -> None:
    text = json.dumps({"pipeline": ["SNV", "KFold", {"model": "Nope"}]}, indent=1)
    problem, _ = validate_pipeline_file(_write(tmp_path, text, "p.json"))
    assert problem.where == "pipeline[2].model"
    lines = text.splitlines()
    assert problem.line == next(i for i, ln in enumerate(lines, 1) if '"model"' in ln)


def test_a_syntax_error_gives_the_parser_line(tmp_path: Path) -> None:
    problem, _ = validate_pipeline_file(_write(tmp_path, "- SNV\n- model: [a, b\n"))
    assert problem.where == "pipeline"
    assert problem.line is not None
    assert "cannot parse" in problem.message


def test_a_pipeline_without_model_is_refused(tmp_path: Path) -> None:
    problem, _ = validate_pipeline_file(_write(tmp_path, "- SNV\n- KFold\n"))
    assert "no model step" in problem.message
    assert problem.as_dict()["file"] == str(tmp_path / "pipeline.yaml")


def test_the_schema_lists_every_keyword_and_generator() -> None:
    schema = pipeline_schema()
    text = json.dumps(schema, allow_nan=False)
    for word in ("model", "branch", "merge", "sample_augmentation", "_or_", "_range_"):
        assert f'"{word}"' in text
    assert "SNV" in schema["$defs"]["registered_names"]["enum"]

