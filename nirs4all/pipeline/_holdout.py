"""A hold-out splitter before the CV splitter: the test partition made by the pipeline.

``[SNV(), KennardStone(test_size=0.25), KFold(5), PLS]`` on a dataset without a test
partition: the hold-out splitter selects the test rows on the features the steps before it
produce, then the run starts again with those rows as the test partition, so the steps
before the hold-out are fitted on the remaining training rows only (a test row never fits
anything), and ``KFold(5)`` cross-validates on them. The hold-out is deterministic (seeded
from the run's seed and the step), so the refit pass and a rerun select the same rows; the
selection is the ``sample_ids`` of the chains' test predictions, stored with them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.pipeline._repetition import split_groups
from nirs4all.pipeline.spec import SpecError, Step
from nirs4all.pipeline.state import SHARED, Lane, Rows

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.state import Block

__all__ = ["HoldoutSteps"]

logger = logging.getLogger("nirs4all.pipeline.execute")


class HoldoutSteps:
    """Find the hold-out splitter of a variant and turn its split into ``rows``."""

    dataset: SpectroDataset
    steps: tuple[Step, ...]
    rows: Rows
    tags: dict
    flags: list
    _run_steps: Callable[..., list[Lane]]
    _splitter: Callable[[Step], Any]

    def _holdout_position(self) -> int | None:
        """Position of the hold-out splitter: the first of two top-level splitters."""
        splits = [i for i, s in enumerate(self.steps) if s.kind == "split"]
        return splits[0] if len(splits) == 2 else None

    def _apply_holdout(self, position: int, base: Block) -> tuple[Step, ...]:
        """Select the test rows; return the steps to run on the new partition."""
        step = self.steps[position]
        if self.rows.test.size:
            raise SpecError(
                f"{step.path}: dataset {self.dataset.name!r} has a test partition already "
                f"({self.rows.test.size} rows); a hold-out splitter before the CV splitter "
                "makes one only for a dataset without: remove the hold-out, or mark every row "
                "'train'")
        lanes = self._run_steps(self.steps[:position], [Lane((), {SHARED: base})])
        rows = self.rows.train
        splitter, groups = split_groups(self.dataset, self._splitter(step), step.group,
                                        step.path, rows)
        y = self.dataset.y
        if y is not None and y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        fit, test = next(iter(splitter.split(lanes[0].blocks[SHARED].features(rows), y,
                                             groups)))
        self.rows = Rows(rows[np.sort(np.asarray(fit))], rows[np.sort(np.asarray(test))],
                         {}, {})
        self.tags.clear()  # flags found on every row are found again on the training rows
        self.flags.clear()
        logger.info("%s: %s holds out %d of %d rows as the test partition", step.path,
                    step.label, self.rows.test.size, rows.size,
                    extra={"step": step.path, "n_test": int(self.rows.test.size)})
        return (*self.steps[:position], *self.steps[position + 1:])
