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

Inside a branch (duplication or separation), a filter is fitted on that branch's training
rows of each fold key and its flags hold for that branch only: they are kept by branch path
(``_branch_tags``, ``_branch_excluded``), the executor narrows the rows of the lanes under
that path (``SeparationSteps._dispatch``), and the merge that closes the branch drops them.
A separation branch flags only its own rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.pipeline.records import SampleFlag
from nirs4all.pipeline.spec import Step, describe, iter_steps
from nirs4all.pipeline.state import SHARED, Lane, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.state import Block, Rows, StepCache

__all__ = ["FilterSteps", "with_exclusions"]

logger = logging.getLogger("nirs4all.pipeline.execute")


class FilterSteps:
    """``exclude`` and ``tag`` handlers; flags by tag name and fold key in ``tags``."""

    dataset: SpectroDataset
    rows: Rows
    steps: tuple[Step, ...]
    cache: StepCache
    tags: dict[str, dict[str, np.ndarray]]
    flags: list[SampleFlag]
    _fold: str | None

    _seeded: Callable[..., Any]  # the executor's seeded clone of an operator
    # the rows of the separation branch a path is in (pipeline/_separation.py)
    _member_mask: Callable[[tuple[int, ...], str], np.ndarray | None]
    _artifact: Callable[..., str]  # the executor's store of a fitted object

    def _branch_tags(self) -> dict[tuple[int, ...], dict[str, dict[str, np.ndarray]]]:
        """Flags of the filters inside branches: branch path -> tag name -> fold key."""
        return self.__dict__.setdefault("_tags_by_path", {})

    def _branch_excluded(self) -> dict[tuple[int, ...], dict[str, np.ndarray]]:
        """Rows an ``exclude`` inside a branch removed: branch path -> fold key -> mask."""
        return self.__dict__.setdefault("_excluded_by_path", {})

    def tags_in_scope(self, name: str, path: tuple[int, ...] = ()) -> dict | None:
        """Flags of tag ``name`` by fold key as seen from branch ``path`` (the innermost
        branch that tagged it, else the flags found outside every branch), or None."""
        scoped = self._branch_tags()
        for cut in range(len(path), 0, -1):
            found = scoped.get(path[:cut], {}).get(name)
            if found is not None:
                return found
        return self.tags.get(name)

    def close_branches(self, paths: list[tuple[int, ...]]) -> None:
        """Forget the flags of the branches at ``paths`` (and inside them): merged."""
        for store in (self._branch_tags(), self._branch_excluded()):
            for at in [p for p in store if any(p[:len(q)] == q for q in paths)]:
                del store[at]

    def _do_exclude(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        return self._filter_step(step, lanes, exclude=True)

    def _do_tag(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        return self._filter_step(step, lanes, exclude=False)

    def tag_mask(self, name: str, key: str, path: tuple[int, ...] = ()) -> np.ndarray | None:
        """Flags of tag ``name`` for fold key ``key`` seen from branch ``path`` (those of
        ``"*"`` hold for every key)."""
        by_key = self.tags_in_scope(name, path) or {}
        return by_key.get(key, by_key.get(SHARED))

    def _filter_step(self, step: Step, lanes: list[Lane], *, exclude: bool) -> list[Lane]:
        # a by_tag branch routes new rows by these flags: keep the fitted filters for replay
        routed = any(s.separation is not None and s.separation.by == "tag"
                     for s in iter_steps(self.steps))
        out = []
        for lane in lanes:
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
                self._record(step, key, hit, exclude=exclude, path=lane.path)
                blocks[key] = block.evolve(key=ck)
                if routed:
                    refs[key] = self._artifact(step, lane.path, key, [f for f, _ in hit])
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
                exclude: bool, path: tuple[int, ...] = ()) -> None:
        """Store the flags in ``tags``, ``flags`` and (exclude) ``rows.excluded``; inside a
        branch, in the branch's own ``_branch_tags`` and ``_branch_excluded``."""
        fit_before = self.rows.fit_rows(key)
        member = self._member_mask(path, key)
        tags = self._branch_tags().setdefault(path, {}) if path else self.tags
        union = np.zeros(self.dataset.n_samples, dtype=bool)
        for fitted, flagged in results:
            if member is not None:  # a separation branch flags its own rows only
                flagged = flagged & member
                flagged.flags.writeable = False
            tags.setdefault(fitted.tag_name, {})[key] = flagged
            union |= flagged
            recorded = fit_before[flagged[fit_before]] if exclude else np.flatnonzero(flagged)
            self._flag_records(step, key, fitted, recorded, "exclude" if exclude else "tag",
                               path)
        if exclude:
            store = self._branch_excluded().setdefault(path, {}) if path \
                else self.rows.excluded
            previous = store.get(key)
            store[key] = union if previous is None else previous | union
            removed = int(np.count_nonzero(union[fit_before]))
            where = f" in branch {'.'.join(map(str, path))}" if path else ""
            logger.info("%s: %d of %d training rows excluded for fold key %s%s", step.path,
                        removed, fit_before.size, key, where,
                        extra={"step": step.path, "fold": key, "excluded": removed,
                               "branch_path": list(path)})

    def _flag_records(self, step: Step, key: str, fitted: Any, rows: np.ndarray,
                      action: str, path: tuple[int, ...]) -> None:
        ids = self.dataset.sample_ids
        label, reason = describe(fitted), str(fitted.reason)
        self.flags.extend(SampleFlag(step.index, action, key, int(r), str(ids[r]), label,
                                     str(fitted.tag_name), reason, path)
                          for r in rows.tolist())

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
        out.sort(key=lambda f: (f.step_index, f.branch_path, order[f.fold_id], f.tag_name,
                                f.sample_index))
        return tuple(out)

    def _spread_tags(self, keys: list[str]) -> None:
        """Give the flags found before the splitter to every fold key it made."""
        scoped = [t for tags in self._branch_tags().values() for t in tags.values()]
        for by_key in [*self.tags.values(), *scoped]:
            if SHARED in by_key:
                for key in keys:
                    by_key.setdefault(key, by_key[SHARED])


def with_exclusions(rows: Rows, scoped: list[dict[str, np.ndarray]]) -> Rows:
    """``rows`` with the exclusions of the branches a lane is in added to its own."""
    excluded = dict(rows.excluded)
    for by_key in scoped:
        for key, mask in by_key.items():
            excluded[key] = mask if key not in excluded else excluded[key] | mask
    return replace(rows, excluded=excluded)
