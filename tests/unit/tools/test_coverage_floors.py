"""The coverage gate (tools/check_coverage.py): per-file branch floors that only go up."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from gate_tools import ROOT, load_tool

check_coverage = load_tool("check_coverage")


def _report(files: dict[str, tuple[int, int, int, int]]) -> dict:
    """A ``coverage json`` report: file -> (covered branches, branches, covered lines, lines)."""
    return {"files": {name: {"summary": {"covered_branches": cb, "num_branches": b,
                                         "covered_lines": cl, "num_statements": s}}
                      for name, (cb, b, cl, s) in files.items()}}


def test_the_figure_is_branch_coverage_and_statements_without_branches() -> None:
    figures = check_coverage.measured(_report({
        "nirs4all/a.py": (30, 40, 99, 100),   # branches: 75%, whatever the lines say
        "nirs4all/b.py": (0, 0, 9, 10),       # no branch: statements
        "nirs4all/__init__.py": (0, 0, 0, 0),  # nothing to run
        str(ROOT / "nirs4all" / "c.py"): (1, 2, 1, 1),
    }))
    assert figures == {"nirs4all/a.py": 75.0, "nirs4all/b.py": 90.0,
                       "nirs4all/__init__.py": 100.0, "nirs4all/c.py": 50.0}


def test_a_module_below_its_floor_fails_and_one_far_above_is_told_to_raise_it() -> None:
    lines = check_coverage.check({"nirs4all/a.py": 80.0, "nirs4all/b.py": 99.0},
                                 {"nirs4all/a.py": 85, "nirs4all/b.py": 90},
                                 {"nirs4all/a.py", "nirs4all/b.py"})
    assert lines == ["FAIL nirs4all/a.py: 80.0% (floor 85%)",
                     "ok   nirs4all/b.py: 99.0% (floor 90%)  (raise the floor)"]


def test_a_module_without_a_floor_fails_with_how_to_add_one() -> None:
    [line] = check_coverage.check({"nirs4all/new.py": 100.0}, {}, {"nirs4all/new.py"})
    assert line.startswith("FAIL nirs4all/new.py: no coverage floor; add one to "
                           "coverage-floors.json")
    assert "--update" in line


def test_a_floor_without_its_module_and_an_unmeasured_module_fail() -> None:
    lines = check_coverage.check({}, {"nirs4all/gone.py": 50, "nirs4all/here.py": 50},
                                 {"nirs4all/here.py"})
    assert lines == [
        "FAIL nirs4all/gone.py: a floor for a module that does not exist; remove it",
        "FAIL nirs4all/here.py: not in the coverage report (is it under [tool.coverage.run] "
        "source?)"]


def test_update_adds_new_modules_and_only_ever_raises() -> None:
    floors = {"nirs4all/a.py": 90, "nirs4all/b.py": 50, "nirs4all/gone.py": 70}
    figures = {"nirs4all/a.py": 80.0, "nirs4all/b.py": 66.9, "nirs4all/new.py": 42.5}
    assert check_coverage.updated(figures, floors, {"nirs4all/a.py", "nirs4all/b.py",
                                                    "nirs4all/new.py"}) == {
        "nirs4all/a.py": 90, "nirs4all/b.py": 66, "nirs4all/new.py": 42}


def test_a_floors_file_of_another_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="must measure 'branch' coverage"):
        check_coverage.read_floors(json.dumps({"nirs4all/api/": 93}))


def _floors_text(floors: dict[str, int]) -> str:
    return json.dumps({"metric": "branch", "floors": floors})


def test_a_lowered_or_removed_floor_is_reported() -> None:
    base = _floors_text({"nirs4all/a.py": 80, "nirs4all/b.py": 70, "nirs4all/c.py": 60,
                         "nirs4all/gone.py": 90})
    dropped, note = check_coverage.floors_dropped(
        base, {"nirs4all/a.py": 79, "nirs4all/b.py": 75},
        {"nirs4all/a.py", "nirs4all/b.py", "nirs4all/c.py"})
    assert dropped == ["nirs4all/a.py: floor 80% at the merge base, 79% now",
                       "nirs4all/c.py: floor 60% at the merge base, removed while the module "
                       "exists"]
    assert note == "compared 4 floor(s) with the merge base"


def test_nothing_to_compare_when_the_base_has_no_per_file_floors() -> None:
    assert check_coverage.floors_dropped(None, {}, set())[0] == []
    dropped, note = check_coverage.floors_dropped(json.dumps({"nirs4all/api/": 93}), {}, set())
    assert dropped == []
    assert "another kind" in note


def test_main_checks_and_updates(tmp_path: Path, monkeypatch, capsys) -> None:
    package = tmp_path / "nirs4all"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    floors = tmp_path / "floors.json"
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps(_report({"nirs4all/a.py": (3, 4, 10, 10)})))
    monkeypatch.setattr(check_coverage, "ROOT", tmp_path)
    monkeypatch.setattr(check_coverage, "FLOORS", floors)
    floors.write_text(_floors_text({}))
    assert check_coverage.main(["check_coverage.py", str(report)]) == 1
    assert check_coverage.main(["check_coverage.py", "--update", str(report)]) == 0
    assert check_coverage.read_floors(floors.read_text()) == {"nirs4all/a.py": 75}
    assert check_coverage.main(["check_coverage.py", str(report)]) == 0
    assert "ok   nirs4all/a.py: 75.0% (floor 75%)" in capsys.readouterr().out


def test_every_module_of_the_library_has_a_floor() -> None:
    floors = check_coverage.read_floors(check_coverage.FLOORS.read_text(encoding="utf-8"))
    assert sorted(check_coverage.modules()) == sorted(floors)
    assert all(isinstance(floor, int) and 0 <= floor <= 100 for floor in floors.values())


def test_no_floor_went_down_since_the_merge_base() -> None:
    found = check_coverage.merge_base_floors()
    if found is None:
        print("git is not available here: the floors cannot be compared with the merge base")
        pytest.skip("git is not available: cannot read the floors at the merge base")
    base_text, base = found
    current = check_coverage.read_floors(check_coverage.FLOORS.read_text(encoding="utf-8"))
    dropped, note = check_coverage.floors_dropped(base_text, current, check_coverage.modules())
    print(f"merge base {base[:10]}: {note}")
    assert dropped == []


GIT = shutil.which("git")


@pytest.fixture
def repository(tmp_path: Path):
    """A git repository whose main branch holds a floor of 80% for nirs4all/a.py."""
    if GIT is None:
        pytest.skip("git is not available")

    def git(*arguments: str) -> str:
        return subprocess.run([GIT, "-c", "user.name=t", "-c", "user.email=t@example.org",
                               *arguments], cwd=tmp_path, check=True, capture_output=True,
                              text=True).stdout

    git("init", "-q", "-b", "main")
    floors = tmp_path / "tools" / "coverage-floors.json"
    floors.parent.mkdir()
    floors.write_text(_floors_text({"nirs4all/a.py": 80}))
    git("add", ".")
    git("commit", "-q", "-m", "floors")
    return tmp_path, floors, git


def test_on_a_branch_a_lowered_floor_is_caught_against_main(repository) -> None:
    root, floors, git = repository
    git("checkout", "-q", "-b", "feature")
    floors.write_text(_floors_text({"nirs4all/a.py": 79}))
    git("commit", "-q", "-am", "lower the floor")
    git("checkout", "-q", "main")
    floors.write_text(_floors_text({"nirs4all/a.py": 85}))
    git("commit", "-q", "-am", "main raises it meanwhile")
    git("checkout", "-q", "feature")
    text, base = check_coverage.merge_base_floors(root)
    assert base != git("rev-parse", "HEAD").strip()
    assert check_coverage.floors_dropped(text, {"nirs4all/a.py": 79}, {"nirs4all/a.py"})[0] == [
        "nirs4all/a.py: floor 80% at the merge base, 79% now"]


def test_on_main_the_working_copy_is_compared_with_head(repository) -> None:
    root, _, git = repository
    text, base = check_coverage.merge_base_floors(root)
    assert base == git("rev-parse", "HEAD").strip()
    dropped, _ = check_coverage.floors_dropped(text, {"nirs4all/a.py": 70}, {"nirs4all/a.py"})
    assert dropped == ["nirs4all/a.py: floor 80% at the merge base, 70% now"]


def test_without_a_repository_there_is_no_base(tmp_path: Path) -> None:
    assert check_coverage.merge_base_floors(tmp_path) is None
