"""Deciding a skops artifact's audit without importing skops or scikit-learn, when it can be.

``skops.io.get_untrusted_types`` imports scikit-learn (its default allow-list is every
scikit-learn estimator), and :func:`~nirs4all.workspace.serialization.trusted_types`
imports every operator: 5-15 s for ``nirs4all verify``, which builds no object. Most
artifacts are plain: dicts, lists, tuples, JSON scalars, numpy arrays stored as ``.npy``
members, and estimator objects of known classes. For those the answer is known without
skops: :func:`quick_audit` walks ``schema.json`` and returns ``[]`` when every node is one
of these loaders and its type is on the loader's list below; for anything else (another
loader, an unknown type, a missing member, another protocol) it returns None and the
caller asks skops, which gives the exact answer as before.

Why ``[]`` is then exact: skops reports a node's own type when it is not on that loader's
default list, and the types of its children; for the loaders accepted here every child is
a nested node of ``schema.json`` (walked too) or an ``.npy`` member (which skops trusts), and
each list here is a subset of skops' default list for that loader or of nirs4all's
allow-list (:data:`~nirs4all.workspace._trusted_snapshot.OBJECT_TYPES`;
``tests/unit/workspace/test_skops_audit.py`` checks both against the installed skops and
scikit-learn). Nodes skops would not visit (a repeated ``__id__``) are checked too, which can
only send an artifact to skops, never pass one skops would refuse.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from nirs4all.workspace._trusted_snapshot import OBJECT_TYPES

__all__ = ["NUMPY_TYPES", "PLAIN_TYPES", "installed_protocol", "quick_audit"]

PLAIN_TYPES = {
    "DictNode": frozenset({"builtins.dict", "collections.OrderedDict"}),
    "ListNode": frozenset({"builtins.list"}),
    "TupleNode": frozenset({"builtins.tuple"}),
    "SetNode": frozenset({"builtins.set"}),
    "TypeNode": frozenset({"builtins.int", "builtins.float", "builtins.str", "builtins.bool",
                           "builtins.list", "builtins.tuple", "builtins.set"}),
}
"""Types each container loader may have on the quick path (skops' defaults, or fewer)."""

NUMPY_TYPES = frozenset({"numpy.ndarray", "numpy.float64", "numpy.float32", "numpy.int64",
                         "numpy.int32", "numpy.bool"})
"""Types of ``NdArrayNode`` on the quick path (arrays and the scalars fitted models hold)."""



def _is_node(value: Any) -> bool:
    return isinstance(value, dict) and "__loader__" in value


def _nodes(state: Any) -> Iterator[dict]:
    """Every mapping with a ``__loader__`` anywhere in ``state`` (each one, repeated ids too)."""
    stack = [state]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__loader__" in item:
                yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _plain(node: dict, members: Collection[str]) -> bool:
    """Whether skops would find nothing to report on this node itself (see the module)."""
    loader, module, name = node["__loader__"], node.get("__module__"), node.get("__class__")
    if not isinstance(module, str) or not isinstance(name, str):
        return False
    dotted = f"{module}.{name}"
    if loader == "JsonNode":  # skops trusts every JSON value
        return "content" in node
    if loader == "NdArrayNode":
        return (dotted in NUMPY_TYPES and node.get("type") == "numpy"
                and node.get("file") in members)
    if loader == "ObjectNode":
        return dotted in OBJECT_TYPES and ("content" not in node or _is_node(node["content"]))
    if dotted not in PLAIN_TYPES.get(loader, ()):
        return False
    content = node.get("content")
    if loader == "DictNode":  # skops reads every value and the key types as nodes
        return (isinstance(content, dict) and all(map(_is_node, content.values()))
                and _is_node(node.get("key_types")))
    return loader == "TypeNode" or (isinstance(content, list) and all(map(_is_node, content)))


def quick_audit(schema: Any, members: Collection[str], protocol: int) -> list[str] | None:
    """``[]`` when the artifact certainly builds only allowed types, else None (ask skops).

    Parameters
    ----------
    schema : object
        The artifact's parsed ``schema.json``.
    members : collection of str
        The names of the artifact's zip members (an array's ``.npy`` file must be there).
    protocol : int
        The artifact's skops protocol; only the installed skops' own is decided here.
    """
    if protocol != installed_protocol() or not isinstance(schema, dict):
        return None
    if "__loader__" not in schema:
        return None
    return [] if all(_plain(node, members) for node in _nodes(schema)) else None


@cache
def installed_protocol() -> int | None:
    """The skops protocol the installed skops writes, read from its source without importing
    it (``skops.io`` imports scikit-learn); None when it cannot be read that way."""
    spec = importlib.util.find_spec("skops")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(next(iter(spec.submodule_search_locations))) / "io" / "_protocol.py"
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for statement in tree.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == "PROTOCOL"
                and isinstance(statement.value, ast.Constant)
                and type(statement.value.value) is int):
            return statement.value.value
    return None
