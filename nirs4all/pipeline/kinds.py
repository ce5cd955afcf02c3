"""The step kinds: one table that training and replay both dispatch through.

Each kind names its training handler (a ``VariantExecutor`` method) and its replay handler
(a function of :mod:`nirs4all.pipeline._replay_steps`), and says what both sides must agree
on: whether chains record it, whether its handler is told that nothing runs after it,
whether it closes branches, whether replay passes the state on unchanged and whether replay
may end the chain at it. The handlers are named, not imported, so that this module stays a
leaf that :mod:`nirs4all.pipeline.records` can read; each side binds the names once, at its
import, and refuses a kind without a handler as well as a handler without a kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nirs4all.errors import SpecError

__all__ = ["CARRY", "KINDS", "RECORDED_KINDS", "REPLAY_PREFIX", "TRAIN_PREFIX", "KindTable",
           "StepKind"]

TRAIN_PREFIX = "_do_"
"""Every training handler of the executor is a method named with this prefix."""
REPLAY_PREFIX = "replay_"
"""Every replay handler is a function named with this prefix."""
CARRY = f"{REPLAY_PREFIX}carry"
"""The replay handler of the kinds that act on training rows only."""


@dataclass(frozen=True)
class StepKind:
    """One step kind and its two handlers.

    Parameters
    ----------
    name : str
        The kind, as ``Step.kind`` and ``ChainStep.kind`` spell it.
    train : str
        Name of the ``VariantExecutor`` method that runs the step on lanes.
    replay : str
        Name of the :mod:`~nirs4all.pipeline._replay_steps` function that replays it.
    recorded : bool
        Chains record the step (charts are not recorded: they change no identity).
    tail : bool
        The training handler takes ``tail=``: whether nothing runs after the step.
    merges : bool
        The step closes branches: its lanes are grouped by their parent's path.
    replay_noop : bool
        Replay passes the state on unchanged (the step acted on training rows only).
    ends_chain : bool
        Replay may return the chain's prediction at this step.
    """

    name: str
    train: str
    replay: str
    recorded: bool = True
    tail: bool = False
    merges: bool = False
    replay_noop: bool = False
    ends_chain: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise SpecError(f"step kind name must be an identifier; got {self.name!r}")
        for side, prefix in (("train", TRAIN_PREFIX), ("replay", REPLAY_PREFIX)):
            handler = getattr(self, side)
            if not isinstance(handler, str) or not handler.startswith(prefix):
                raise SpecError(f"step kind {self.name!r} needs a {side} handler named "
                                f"{prefix}<name>; got {handler!r}")
        if self.replay_noop != (self.replay == CARRY):
            raise SpecError(f"step kind {self.name!r}: a kind that replay passes on unchanged "
                            f"(replay_noop) has the handler {CARRY}, and only such a kind")
        if self.replay_noop and self.ends_chain:
            raise SpecError(f"step kind {self.name!r} cannot both pass the state on and end "
                            "the chain at replay")


class KindTable(Mapping[str, StepKind]):
    """The step kinds by name; refuses a duplicate name at construction."""

    def __init__(self, kinds: Iterable[StepKind]) -> None:
        table: dict[str, StepKind] = {}
        for kind in kinds:
            if kind.name in table:
                raise SpecError(f"step kind {kind.name!r} is listed twice")
            table[kind.name] = kind
        self._kinds = table

    def __getitem__(self, name: str) -> StepKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    @property
    def recorded(self) -> tuple[str, ...]:
        """The kinds a chain record may hold, in table order."""
        return tuple(name for name, kind in self._kinds.items() if kind.recorded)

    def bind_training(self, executor: type) -> dict[str, str]:
        """Kind -> method name on ``executor``, after checking both directions."""
        methods = {name for name in dir(executor) if name.startswith(TRAIN_PREFIX)
                   and callable(getattr(executor, name))}
        return self._bind("training", {n: getattr(executor, n) for n in methods},
                          {name: kind.train for name, kind in self._kinds.items()},
                          executor.__name__)

    def bind_replay(self, namespace: Mapping[str, Any], owner: str) -> dict[str, Any]:
        """Kind -> replay function of ``namespace`` (a module's ``vars()``), checked both
        ways."""
        functions = {name: value for name, value in namespace.items()
                     if name.startswith(REPLAY_PREFIX) and callable(value)}
        return self._bind("replay", functions,
                          {name: kind.replay for name, kind in self._kinds.items()}, owner)

    def _bind(self, side: str, found: Mapping[str, Any], wanted: Mapping[str, str],
              owner: str) -> dict[str, Any]:
        missing = sorted(f"{kind} ({handler})" for kind, handler in wanted.items()
                         if handler not in found)
        if missing:
            raise SpecError(f"{owner} has no {side} handler for step kind(s) {missing}; "
                            "every kind of pipeline/kinds.py needs both handlers")
        extra = sorted(set(found) - set(wanted.values()))
        if extra:
            raise SpecError(f"{owner} has {side} handler(s) {extra} of no step kind; add the "
                            "kind to pipeline/kinds.py with both its handlers")
        if side == "training":
            return dict(wanted)
        return {kind: found[handler] for kind, handler in wanted.items()}


def _kind(name: str, replay: str | None = None, **flags: Any) -> StepKind:
    return StepKind(name, f"{TRAIN_PREFIX}{name}", f"{REPLAY_PREFIX}{replay or name}",
                    **flags)


KINDS = KindTable((
    _kind("transform"),
    _kind("y_processing"),
    _kind("split", "carry", replay_noop=True),
    _kind("model", ends_chain=True),
    _kind("feature_augmentation"),
    _kind("sample_augmentation", "carry", replay_noop=True),
    _kind("branch", tail=True),
    _kind("merge_features", merges=True),
    _kind("merge_predictions", merges=True),
    _kind("merge_concat", tail=True, merges=True, ends_chain=True),
    _kind("merge_sources", merges=True),
    _kind("exclude"),
    _kind("tag"),
    _kind("chart", "carry", recorded=False, replay_noop=True),
    # rep_to_sources / rep_to_pp: replay reshapes the chain's input once, on entry
    # (replay.replay_chain -> _rep_reshape.replay_reshape), so the step itself carries
    _kind("rep_reshape", "carry", replay_noop=True),
))
"""Every step kind the spec parser emits, with its handlers."""

RECORDED_KINDS = KINDS.recorded
"""The kinds a chain record may hold (``records.STEP_KINDS``)."""
