"""The one chain selector: how a string names a chain, everywhere a user gives one.

A chain is named by its full id (64 hex digits) or by a prefix of it of at least
:data:`MIN_PREFIX` lowercase hex digits, such as the 10-digit ``short_id`` that summaries
print. The policy, in order:

1. a chain whose full id equals the selector is the answer;
2. otherwise the chains whose id starts with the selector are the candidates: exactly one is
   the answer, several raise :class:`~nirs4all.errors.AmbiguousSelectorError` listing them,
   none raises :class:`~nirs4all.errors.ChainNotFoundError`;
3. a selector that is not 4 to 64 lowercase hex digits names no chain and is refused with a
   ``ValueError`` that says so.

There is no "first match" fallback. ``RunResult.chain``/``predict``/``export``, the plots
(through ``nirs4all.viz``), the workspace resolver (which applies the same rule in SQL) and
the CLI all follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nirs4all.errors import AmbiguousSelectorError, ChainNotFoundError
from nirs4all.pipeline.records import ChainRecord

__all__ = ["MIN_PREFIX", "check_selector", "describe_chain", "select_chain"]

MIN_PREFIX = 4
"""Fewest hex digits of a chain id prefix a selector may give."""

_SELECTOR = re.compile(rf"[0-9a-f]{{{MIN_PREFIX},64}}")


def check_selector(value: object, name: str = "chain_id") -> str:
    """``value`` if it is a valid id or id prefix (see the module docstring), else raise.

    Raises
    ------
    ValueError
        If ``value`` is not a string of 4 to 64 lowercase hex digits.
    """
    if not isinstance(value, str) or _SELECTOR.fullmatch(value) is None:
        raise ValueError(f"{name} must be {MIN_PREFIX} to 64 lowercase hex digits (a full id "
                         f"or a prefix such as the short_id a summary prints); got {value!r}")
    return value


def describe_chain(chain: ChainRecord) -> str:
    """One line naming a chain, for the candidates of an ambiguous selector."""
    branch = list(chain.branch_path)
    return (f"chain {chain.chain_id[:10]}  pipeline {chain.pipeline_id[:10]}  step "
            f"{chain.model_step}  branch {branch}  model {chain.model_name}")


def select_chain(chains: Iterable[ChainRecord], selector: str) -> ChainRecord:
    """The one chain of ``chains`` that ``selector`` names.

    Parameters
    ----------
    chains : iterable of ChainRecord
        The chains to choose from (a run's, a plot's).
    selector : str
        A full chain id, or a prefix of at least :data:`MIN_PREFIX` hex digits.

    Raises
    ------
    ValueError
        If the selector is not 4 to 64 lowercase hex digits.
    ChainNotFoundError
        If no chain's id is or starts with the selector.
    AmbiguousSelectorError
        If several chains' ids start with it; the error lists them sorted by chain id.
    """
    check_selector(selector)
    chains = tuple(chains)
    exact = [c for c in chains if c.chain_id == selector]
    if exact:
        return exact[0]
    matches = sorted((c for c in chains if c.chain_id.startswith(selector)),
                     key=lambda c: c.chain_id)
    if len(matches) > 1:
        raise AmbiguousSelectorError(selector, [describe_chain(c) for c in matches])
    if not matches:
        raise ChainNotFoundError(
            f"no chain {selector!r} in this result ({len(chains)} chain(s)); list them with "
            f"result.top(n) and pass a chain_id or a short_id of at least {MIN_PREFIX} hex "
            "digits")
    return matches[0]
