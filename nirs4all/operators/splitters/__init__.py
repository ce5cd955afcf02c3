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

from nirs4all.operators.splitters._binned import BinnedStratifiedGroupKFold, KBinsStratifiedSplitter
from nirs4all.operators.splitters._grouped import GroupedSplitter
from nirs4all.operators.splitters._kennard_stone import SPXY, KennardStone
from nirs4all.operators.splitters._kmeans import KMeansSplitter
from nirs4all.operators.splitters._split import SPlitSplitter
from nirs4all.operators.splitters._spxy_fold import SPXYGFold
from nirs4all.operators.splitters._systematic import SystematicCircularSplitter

KennardStoneSplitter = KennardStone
SPXYSplitter = SPXY
GroupedSplitterWrapper = GroupedSplitter

__all__ = [
    "SPXY",
    "BinnedStratifiedGroupKFold",
    "GroupedSplitter",
    "GroupedSplitterWrapper",
    "KBinsStratifiedSplitter",
    "KMeansSplitter",
    "KennardStone",
    "KennardStoneSplitter",
    "SPXYGFold",
    "SPXYSplitter",
    "SPlitSplitter",
    "SystematicCircularSplitter",
]
