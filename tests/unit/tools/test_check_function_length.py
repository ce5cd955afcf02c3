"""The function-length gate (tools/check_function_length.py): its rule, and the library."""

from __future__ import annotations

import subprocess
import sys

import pytest
from gate_tools import ROOT, load_tool

gate = load_tool("check_function_length")


def _function(n_lines: int, *, above: str = "", on_def: str = "", decorator: bool = False,
              docstring: int = 0) -> str:
    head = [above] if above else []
    if decorator:
        head.append("@staticmethod")
    head.append(f"def f():{on_def}")
    if docstring:
        head += ['    """Doc.'] + ["    more"] * (docstring - 2) + ['    """']
    body = [f"    x{i} = {i}" for i in range(n_lines - 1)]
    return "\n".join([*head, *body]) + "\n"


def _findings(source: str) -> list:
    return list(gate.long_functions(source, "m.py"))


def test_the_library_has_no_long_function_without_a_reason():
    findings = gate.check([ROOT / "nirs4all"])
    assert not findings, "\n".join(map(str, findings))


def test_a_function_of_61_lines_is_a_finding_that_names_the_fix():
    assert _findings(_function(60)) == []
    (finding,) = _findings(_function(61))
    assert (finding.name, finding.line, finding.length) == ("f", 1, 61)
    assert "split it, or put a '# long: <why>' comment" in str(finding)


@pytest.mark.parametrize("where", ["above", "on_def", "above_decorators"])
def test_a_reason_on_the_def_line_or_just_above_counts(where):
    reason = "# long: one table per branch, read top to bottom"
    source = {"above": _function(70, above=reason),
              "on_def": _function(70, on_def="  " + reason),
              "above_decorators": _function(70, above=reason, decorator=True)}[where]
    assert _findings(source) == []


@pytest.mark.parametrize("comment", ["# long:", "# long:   ", "# too long, sorry",
                                     "# noqa: long"])
def test_an_empty_or_other_comment_is_no_reason(comment):
    assert len(_findings(_function(70, above=comment))) == 1


def test_a_reason_two_lines_above_does_not_count():
    source = "# long: far away\n\n" + _function(70)
    assert len(_findings(source)) == 1


def test_the_docstring_is_not_counted_but_nested_functions_are():
    assert _findings(_function(55, docstring=30)) == []
    nested = "def outer():\n" + "".join(
        "    " + line + "\n" for line in _function(61).splitlines())
    names = sorted(f.name for f in _findings(nested))
    assert names == ["f", "outer"]


def test_the_script_exits_1_on_a_finding(tmp_path):
    (tmp_path / "bad.py").write_text(_function(61), encoding="utf-8")
    (tmp_path / "good.py").write_text(_function(10), encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "check_function_length.py"),
                          str(tmp_path)], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "bad.py:1: f is 61 lines" in run.stdout
    assert "good.py" not in run.stdout
    assert gate.main([str(tmp_path / "good.py")]) == 0
