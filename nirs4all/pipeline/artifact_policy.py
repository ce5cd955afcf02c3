"""Which fitted objects of an outcome a workspace keeps: ``save_artifacts=``.

- ``"refit"`` (and ``True``, the default): the objects of the ``"final"`` fold only, i.e.
  of every chain refitted on all training rows. Every refitted chain stays replayable and
  exportable; the per-fold models of the cross-validation are not kept (their predictions
  are: scores, plots and the ranking need nothing else).
- ``"all"``: every fold's objects too (to replay a CV fold's model later).
- ``False``: no fitted object; chains and predictions are stored, nothing is replayable.

The policy filters the chain steps' fold -> object maps and the outcome's objects before
the store sees them, so a chain row never names an object the store does not hold.
"""

from __future__ import annotations

from dataclasses import replace

from nirs4all.pipeline.records import ChainRecord, VariantOutcome

__all__ = ["ARTIFACT_POLICIES", "artifact_policy", "keep_artifacts"]

ARTIFACT_POLICIES = ("refit", "all", "none")


def artifact_policy(save_artifacts: object) -> str:
    """``"refit"``, ``"all"`` or ``"none"`` for a ``save_artifacts=`` value."""
    if save_artifacts is True:
        return "refit"
    if save_artifacts is False:
        return "none"
    if isinstance(save_artifacts, str) and save_artifacts in ("refit", "all"):
        return save_artifacts
    raise ValueError("save_artifacts must be True (the default: 'refit'), 'refit', 'all' or "
                     f"False; got {save_artifacts!r}")


def _lean_chain(chain: ChainRecord, folds: frozenset[str]) -> ChainRecord:
    steps = tuple(replace(s, artifacts={k: v for k, v in s.artifacts.items() if k in folds})
                  for s in chain.steps)
    return replace(chain, steps=steps)


def keep_artifacts(outcome: VariantOutcome, policy: str) -> VariantOutcome:
    """The outcome with only the fitted objects ``policy`` keeps (itself for ``"all"``)."""
    if policy == "all":
        return outcome
    if policy not in ARTIFACT_POLICIES:
        raise ValueError(f"policy must be one of {ARTIFACT_POLICIES}; got {policy!r}")
    folds = frozenset({"final"} if policy == "refit" else ())
    chains = tuple(_lean_chain(c, folds) for c in outcome.chains)
    used = {key for c in chains for s in c.steps for key in s.artifacts.values()}
    return replace(outcome, chains=chains,
                   artifacts={k: v for k, v in outcome.artifacts.items() if k in used})
