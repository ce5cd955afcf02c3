"""One parsed step of a variant (:class:`Step`) and its readable label.

Parsed by :mod:`nirs4all.pipeline.spec`; kept apart so that the parser's keyword helpers and
the executor's mixins can name the type without importing the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nirs4all.errors import SpecError
from nirs4all.pipeline.finetune import Finetune
from nirs4all.pipeline.kinds import KINDS
from nirs4all.pipeline.training import TrainingOptions

__all__ = ["Step", "describe"]


@dataclass(frozen=True, eq=False)
class Step:
    """One parsed step of a variant.

    ``index`` numbers every step depth first (branch contents included); ``path`` locates it
    in the user's spec for messages (``"steps[2].branch[1][0]"``).
    """

    kind: str
    index: int
    path: str
    spec_json: str
    operator: Any = None
    name: str | None = None
    group: str | None = None
    branches: tuple[tuple[Step, ...], ...] = ()
    branch_names: tuple[str, ...] = ()
    operators: tuple[Any, ...] = ()
    count: int = 1
    # chart steps: their (key, value) options; sample_augmentation: an AugmentOptions
    options: Any = ()
    training: TrainingOptions | None = None
    finetune: Finetune | None = None
    separation: Any = None  # a _separation_spec.Separation for a separation branch
    merge: Any = None  # a _merge_spec.MergeSpec for a merge given in full

    def __post_init__(self) -> None:
        if self.kind not in KINDS:  # a kind the executor and replay could not dispatch
            raise SpecError(f"{self.path}: unknown step kind {self.kind!r}; the kinds are "
                            f"{tuple(KINDS)} (pipeline/kinds.py)")

    @property
    def label(self) -> str:
        """Short readable label (``"SNV"``, ``"PLSRegression(n_components=10)"``)."""
        if self.name:
            return self.name
        if self.operator is not None:
            return describe(self.operator)
        if self.operators:
            inner = ", ".join("input" if op is None else describe(op)
                              for op in self.operators)
            return f"{self.kind}[{inner}]"
        return self.kind


def describe(obj: Any) -> str:
    """``ClassName(param=value, ...)`` with only the parameters that differ from defaults."""
    from nirs4all.pipeline.canonical import canonical

    label = getattr(obj, "nirs4all_label", None)
    if isinstance(label, str):
        return label
    encoded = canonical(obj)
    if isinstance(encoded, dict) and "__estimator__" in encoded:
        name = encoded["__estimator__"].rsplit(".", 1)[-1]
        params = encoded.get("params", {})
        inner = ", ".join(f"{k}={_short(v)}" for k, v in sorted(params.items()))
        return f"{name}({inner})" if inner else name
    return type(obj).__name__


def _short(value: Any) -> str:
    if isinstance(value, dict) and "__estimator__" in value:
        return value["__estimator__"].rsplit(".", 1)[-1]
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."
