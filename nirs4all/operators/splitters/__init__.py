"""Sample-selection splitters with the scikit-learn cross-validator interface.

- :class:`KennardStone` and :class:`SPXY`: deterministic calibration / test splits.
- :class:`KMeansSplitter`, :class:`SystematicCircularSplitter`,
  :class:`KBinsStratifiedSplitter`, :class:`SPlitSplitter`: one seeded calibration / test
  split (by clusters, along the sorted target, stratified on target bins, by twinning).
- :class:`BinnedStratifiedGroupKFold` and :class:`SPXYGFold`: group-aware k-folds.
- :class:`GroupedSplitter`: wraps any splitter so that rows of one group (repeated scans
  of a sample) never fall on both sides.

``KennardStoneSplitter``, ``SPXYSplitter`` and ``GroupedSplitterWrapper`` are the names
used by nirs4all 0.7 and remain as aliases of the same classes.
"""

from nirs4all._lazy import attach

# Public name -> the module defining it ("module:name" for an alias); imported on first use.
_EXPORTS = {
    "SPXY": "nirs4all.operators.splitters._kennard_stone",
    "BinnedStratifiedGroupKFold": "nirs4all.operators.splitters._binned",
    "GroupedSplitter": "nirs4all.operators.splitters._grouped",
    "GroupedSplitterWrapper": "nirs4all.operators.splitters._grouped:GroupedSplitter",
    "KBinsStratifiedSplitter": "nirs4all.operators.splitters._binned",
    "KMeansSplitter": "nirs4all.operators.splitters._kmeans",
    "KennardStone": "nirs4all.operators.splitters._kennard_stone",
    "KennardStoneSplitter": "nirs4all.operators.splitters._kennard_stone:KennardStone",
    "SPXYGFold": "nirs4all.operators.splitters._spxy_fold",
    "SPXYSplitter": "nirs4all.operators.splitters._kennard_stone:SPXY",
    "SPlitSplitter": "nirs4all.operators.splitters._split",
    "SystematicCircularSplitter": "nirs4all.operators.splitters._systematic",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = [*_EXPORTS]
