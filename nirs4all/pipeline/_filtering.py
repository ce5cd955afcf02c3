"""``exclude`` and ``tag`` steps of :class:`~nirs4all.pipeline.execute.VariantExecutor`.

A sample filter (:mod:`nirs4all.operators.filters`) is fitted per fold key on that key's
training rows, like any step, so a validation or test sample never decides what is flagged.
Its mask is then computed on every dataset row:

- ``tag`` records the flags only;
- ``exclude`` also removes the flagged rows from the fits of every later step of that key
  (``Rows.excluded``): they stay in the folds, so they are still predicted.

Flags live on the executor as ``tags``: tag name -> fold key -> bool array over all dataset
rows (``True`` = flagged). A step before the splitter fits on all training rows under key
``"*"``; the splitter copies such flags to every fold key (:meth:`FilterSteps._spread_tags`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.pipeline.records import SampleFlag
from nirs4all.pipeline.spec import Step, describe
from nirs4all.pipeline.state import SHARED, Lane, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.state import Block, Rows, StepCache

__all__ = ["FilterSteps"]

logger = logging.getLogger("nirs4all.pipeline.execute")


class FilterSteps:
    """``exclude`` and ``tag`` handlers; flags by tag name and fold key in ``tags``."""

    dataset: SpectroDataset
    rows: Rows
    cache: StepCache
    tags: dict[str, dict[str, np.ndarray]]
    flags: list[SampleFlag]
    _fold: str | None

    _seeded: Callable[..., Any]  # the executor's seeded clone of an operator
    _artifact: Callable[..., str]  # the executor's store of a fitted object

    def _do_exclude(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        return self._filter_step(step, lanes, exclude=True)

    def _do_tag(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        return self._filter_step(step, lanes, exclude=False)

    def tag_mask(self, name: str, key: str) -> np.ndarray | None:
        """Flags of tag ``name`` for fold key ``key`` (those of ``"*"`` hold for every key)."""
        by_key = self.tags.get(name, {})
        return by_key.get(key, by_key.get(SHARED))

    def _filter_step(self, step: Step, lanes: list[Lane], *, exclude: bool) -> list[Lane]:
        out = []
        for lane in lanes:  # a single lane: the parser refuses these steps inside branches
            blocks, refs = {}, {}
            for key, block in lane.blocks.items():
                self._fold = "all training rows (before the splitter)" if key == SHARED \
                    else key
                fit_id = "train" if key in (SHARED, "final") else f"fold{key}"
                ck = chain_key(block.key, step.spec_json, fit_id)
                hit = self.cache.get(ck)
                if hit is None:
                    fit = self.rows.fit_rows(key)
                    hit = self._flag(step, block, fit, key)
                    self.cache.put(ck, hit, sum(m.nbytes for _, m in hit))
                self._record(step, key, hit, exclude=exclude)
                if not exclude:  # replay tags new rows with these filters (by_tag branches)
                    refs[key] = self._artifact(step, lane.path, key, [f for f, _ in hit])
                blocks[key] = block.evolve(key=ck)
            out.append(Lane(lane.path, blocks, (*lane.chain, (step, lane.path, refs)),
                            lane.models, lane.sources))
        return out

    def _flag(self, step: Step, block: Block, fit: np.ndarray, key: str,
              ) -> list[tuple[Any, np.ndarray]]:
        """Fit each filter on the ``fit`` rows; return (filter, flags over dataset rows)."""
        ds = self.dataset
        everything = np.arange(ds.n_samples)
        X = block.features(everything)
        y = ds.y
        metadata: Mapping[str, np.ndarray] = ds.metadata
        results = []
        for operator in step.operators:
            fitted = self._seeded(operator, step, key)
            fitted.fit(X[fit], None if y is None else y[fit],
                       metadata={k: v[fit] for k, v in metadata.items()})
            kept = fitted.get_mask(X, y, metadata=metadata)
            flags = ~np.asarray(kept, dtype=bool)
            flags.flags.writeable = False
            results.append((fitted, flags))
        return results

    def _record(self, step: Step, key: str, results: list[tuple[Any, np.ndarray]], *,
                exclude: bool) -> None:
        """Store the flags in ``tags``, ``flags`` and (exclude) ``rows.excluded``."""
        fit_before = self.rows.fit_rows(key)
        union = np.zeros(self.dataset.n_samples, dtype=bool)
        for fitted, flagged in results:
            self.tags.setdefault(fitted.tag_name, {})[key] = flagged
            union |= flagged
            recorded = fit_before[flagged[fit_before]] if exclude else np.flatnonzero(flagged)
            self._flag_records(step, key, fitted, recorded, "exclude" if exclude else "tag")
        if exclude:
            previous = self.rows.excluded.get(key)
            self.rows.excluded[key] = union if previous is None else previous | union
            removed = int(np.count_nonzero(union[fit_before]))
            logger.info("%s: %d of %d training rows excluded for fold key %s", step.path,
                        removed, fit_before.size, key,
                        extra={"step": step.path, "fold": key, "excluded": removed})

    def _flag_records(self, step: Step, key: str, fitted: Any, rows: np.ndarray,
                      action: str) -> None:
        ids = self.dataset.sample_ids
        label, reason = describe(fitted), str(fitted.reason)
        self.flags.extend(SampleFlag(step.index, action, key, int(r), str(ids[r]), label,
                                     str(fitted.tag_name), reason) for r in rows.tolist())

    def sample_flags(self, *, emit_cv: bool, emit_final: bool) -> tuple[SampleFlag, ...]:
        """The flag records of the fold keys emitted, those of ``"*"`` given to each key.

        An exclusion found before the splitter is recorded for a fold only where the row
        was one of the fold's training rows (the rows it actually left).
        """
        keys = [*(sorted(self.rows.fit, key=int) if emit_cv else []),
                *(["final"] if emit_final else [])]
        fit_sets = {k: set(self.rows.fit.get(k, self.rows.train).tolist()) for k in keys}
        out = []
        for flag in self.flags:
            if flag.fold_id != SHARED:
                if flag.fold_id in fit_sets:
                    out.append(flag)
                continue
            out.extend(replace(flag, fold_id=k) for k in keys
                       if flag.action == "tag" or flag.sample_index in fit_sets[k])
        order = {k: i for i, k in enumerate(keys)}
        out.sort(key=lambda f: (f.step_index, order[f.fold_id], f.tag_name, f.sample_index))
        return tuple(out)

    def _spread_tags(self, keys: list[str]) -> None:
        """Give the flags found before the splitter to every fold key it made."""
        for by_key in self.tags.values():
            if SHARED in by_key:
                for key in keys:
                    by_key.setdefault(key, by_key[SHARED])
