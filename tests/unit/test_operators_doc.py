"""docs/operators.md has an entry for every public operator, and its parameters are real.

An entry is a ``#### `Name``` heading followed by a line ``- Parameters: ...`` naming each
parameter as ``` `name` (default ...)`` or ``(required)``, and a line ``- Reference: ...``.
Another public name of a documented class (a 0.x alias, or an augmenter reached from the
transforms package) is listed on an ``Other names`` line of its section.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator

DOC = Path(__file__).resolve().parents[2] / "docs" / "operators.md"
PACKAGES = ("transforms", "splitters", "augmentation", "filters")
_ENTRY = re.compile(r"^#### `(\w+)`\n(.*?)(?=^#{2,4} |\Z)", re.MULTILINE | re.DOTALL)
_PARAMETER = re.compile(r"`(\w+)` \((?:default `[^`]*`|required)\):|`\*\*(\w+)`:")


def _entries() -> dict[str, str]:
    return dict(_ENTRY.findall(DOC.read_text(encoding="utf-8")))


def _public_classes() -> list[tuple[str, str, type]]:
    found = []
    for package in PACKAGES:
        module = importlib.import_module(f"nirs4all.operators.{package}")
        names = list(getattr(module, "_EXPORTS", {})) or list(module.__all__)
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj) and (issubclass(obj, BaseEstimator) or hasattr(obj, "split")):
                found.append((package, name, obj))
    return found


def _line(body: str, label: str) -> str:
    lines = [line for line in body.splitlines() if line.startswith(f"- {label}:")]
    assert len(lines) == 1, f"expected one '- {label}:' line, found {len(lines)}"
    return lines[0][len(label) + 3:].strip()


def test_the_public_operators_are_found():
    names = {name for _, name, _ in _public_classes()}
    assert {"SNV", "CARS", "MCUVE", "SPXYGFold", "GaussianNoise", "XOutlierFilter"} <= names
    assert len(names) > 100


@pytest.mark.parametrize(("package", "name", "cls"), _public_classes(),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_every_public_operator_has_an_entry_or_is_listed_as_another_name(package, name, cls):
    entries = _entries()
    if name in entries:
        assert name == cls.__name__, f"{name}: the entry must be under the class's own name"
        return
    assert cls.__name__ in entries, f"docs/operators.md has no entry for {cls.__name__}"
    others = [line for line in DOC.read_text(encoding="utf-8").splitlines()
              if line.startswith("Other names") and f"`{name}`" in line]
    assert others, f"{package}.{name}: list it on an 'Other names' line of docs/operators.md"


@pytest.mark.parametrize(("name", "body"), sorted(_entries().items()))
def test_each_entry_says_what_it_computes_its_parameters_and_its_reference(name, body):
    cls = next((c for _, n, c in _public_classes() if n == name), None)
    assert cls is not None, f"docs/operators.md has an entry for {name}, which is not public"
    summary = body.strip().split("\n\n")[0]
    assert not summary.startswith("- "), f"{name}: say what it computes before its parameters"
    assert len(summary) > 15, f"{name}: say what it computes"
    reference = _line(body, "Reference")
    assert len(reference) > 10, f"{name}: give its reference (or 'none: why')"
    assert "TODO" not in body
    parameters = _line(body, "Parameters")
    signature = inspect.signature(cls).parameters
    named = [(plain or stars, bool(stars)) for plain, stars in _PARAMETER.findall(parameters)]
    listed = {parameter for parameter, _ in named}
    for parameter, starred in named:
        assert parameter in signature, f"{name}: {parameter!r} is not a parameter of __init__"
        kind = signature[parameter].kind
        assert starred == (kind is inspect.Parameter.VAR_KEYWORD), parameter
    expected = {p for p, v in signature.items() if v.kind is not inspect.Parameter.VAR_POSITIONAL}
    assert listed == expected, f"{name}: parameters missing from its entry: {expected - listed}"
    if not expected:
        assert parameters == "none."
    for parameter, value in signature.items():
        if value.default is not inspect.Parameter.empty:
            assert f"`{parameter}` (default `{value.default!r}`)" in parameters, parameter
