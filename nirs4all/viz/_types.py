"""What the plots read of a run's result, as protocols.

The plots take a :class:`nirs4all.api.result.RunResult`, and ``RunResult.plot_*`` call the
plots: typing the plots against these protocols instead of the class keeps the viz layer
from importing the api layer back, which would close an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from nirs4all.pipeline.records import ChainRecord, PredictionRecord, VariantOutcome

__all__ = ["ResultView", "SummaryView"]


class SummaryView(Protocol):
    """The fields of a ranked chain (:class:`nirs4all.api.result.ChainSummary`) a plot reads."""

    chain_id: str
    pipeline_id: str
    dataset: str
    model_name: str
    model_class: str
    preprocessing: str
    branch_path: tuple[int, ...]
    cv_scores: Mapping[str, float]
    test_scores: Mapping[str, float]
    choices: tuple[tuple[str, Any], ...]


class ResultView(Protocol):
    """What a plot reads of a run's result (:class:`nirs4all.api.result.RunResult`)."""

    @property
    def outcomes(self) -> tuple[VariantOutcome, ...]:
        """What the run produced, in deterministic order."""

    @property
    def chains(self) -> tuple[ChainRecord, ...]:
        """Every chain, best first."""

    @property
    def best(self) -> SummaryView | None:
        """The best chain (None for an empty run)."""

    def top(self, n: int = 5) -> Sequence[SummaryView]:
        """The ``n`` best chains."""

    def filter(self, **fields: Any) -> list[PredictionRecord]:
        """Prediction records whose attributes equal every given value."""
