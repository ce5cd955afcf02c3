"""Write ``nirs4all/workspace/_trusted_snapshot.py``: the estimator classes an artifact's
``ObjectNode`` may name on the quick audit path (:mod:`nirs4all.workspace._skops_audit`).

The snapshot is nirs4all's allow-list (``serialization.trusted_types()``) plus the classes
skops trusts by default for an ``ObjectNode`` (scikit-learn's estimators and the internal
types it lists), as the installed libraries give them. A class missing from the snapshot
only sends an artifact to skops' own audit; a class in it that the installed libraries no
longer trust is caught by ``tests/unit/workspace/test_skops_audit.py``. Run it again after
adding an operator: ``python tools/make_trusted_snapshot.py``.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "nirs4all" / "workspace" / "_trusted_snapshot.py"
HEADER = '''"""Estimator classes an ``ObjectNode`` may name on the quick audit path (generated).

Written by ``python tools/make_trusted_snapshot.py`` from the installed nirs4all, skops
and scikit-learn: nirs4all's allow-list plus skops' default ``ObjectNode`` list. A class
missing here only makes :func:`~nirs4all.workspace._skops_audit.quick_audit` ask skops;
``tests/unit/workspace/test_skops_audit.py`` checks that every class here is still trusted.
"""

from __future__ import annotations

__all__ = ["OBJECT_TYPES"]

_BY_MODULE = (
'''
FOOTER = ''')  # fmt: skip

OBJECT_TYPES = frozenset(f"{module}.{name}" for module, names in _BY_MODULE
                         for name in names.split())
"""Dotted class names."""
'''


def snapshot_names() -> set[str]:
    """The names the snapshot should hold with the libraries installed now."""
    from skops.io import _trusted_types as skops_defaults

    from nirs4all.workspace.serialization import trusted_types

    return (set(trusted_types()) | set(skops_defaults.SKLEARN_ESTIMATOR_TYPE_NAMES)
            | set(skops_defaults.SKLEARN_INTERNAL_TYPE_NAMES))


def render(names: set[str]) -> str:
    """The module's text for ``names``."""
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in names:
        module, _, cls = name.rpartition(".")
        by_module[module].append(cls)
    lines = []
    for module in sorted(by_module):
        classes = " ".join(sorted(by_module[module]))
        one = f'    ("{module}", "{classes}"),'
        if len(one) <= 99:
            lines.append(one)
            continue
        lines.append(f'    ("{module}",')
        wrapped = textwrap.wrap(classes, 99 - 10)
        for i, part in enumerate(wrapped):
            tail = "\")," if i == len(wrapped) - 1 else " \""
            lines.append(f'     "{part}{tail}')
    return HEADER + "\n".join(lines) + "\n" + FOOTER


def main() -> None:
    TARGET.write_text(render(snapshot_names()), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
