"""A workspace holding a regression run, a classification run and a failed run."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

import nirs4all
from nirs4all.cli import main

REGRESSION = "- SNV\n- {class: KFold, params: {n_splits: 3}}\n" \
             "- model: PLSRegression\n  _range_: [2, 4, 2]\n  param: n_components\n"
CLASSIFICATION = "- SNV\n- {class: StratifiedKFold, params: {n_splits: 3}}\n" \
                 "- model: LogisticRegression\n  params: {max_iter: 500}\n"
FAILING = "- KFold\n- model: PLSRegression\n  params: {n_components: 500}\n"


def call(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("cli_shared")
    paths = {"reg": folder / "reg", "cls": folder / "cls", "ws": folder / "ws",
             "reg_yaml": folder / "reg.yaml", "cls_yaml": folder / "cls.yaml",
             "bad_yaml": folder / "bad.yaml", "bundle": folder / "best.n4a"}
    nirs4all.generate(48, random_state=1, path=paths["reg"], name="wheat")
    nirs4all.generate(60, task="classification", random_state=2, path=paths["cls"],
                      name="grapes")
    paths["reg_yaml"].write_text(REGRESSION)
    paths["cls_yaml"].write_text(CLASSIFICATION)
    paths["bad_yaml"].write_text(FAILING)
    code, out, err = call(["run", paths["reg_yaml"], paths["reg"], "--seed", "0",
                           "--workspace", paths["ws"], "--export", paths["bundle"], "--json"])
    assert code == 0, err
    paths["reg_report"] = json.loads(out)
    code, _, err = call(["run", paths["cls_yaml"], paths["cls"], "--seed", "0",
                         "--workspace", paths["ws"], "--json"])
    assert code == 0, err
    paths["fail_code"] = call(["run", paths["bad_yaml"], paths["reg"], "--seed", "0",
                               "--workspace", paths["ws"], "--json"])
    return paths


def as_json(text: str) -> object:
    """Parse strictly: NaN or Infinity in the text is an error."""
    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON constant {token}")
    return json.loads(text, parse_constant=refuse)
