"""Sample-selection splitters with the scikit-learn cross-validator interface.

- :class:`KennardStone` and :class:`SPXY`: deterministic calibration / test splits.
- :class:`GroupedSplitter`: wraps any splitter so that rows of one group (repeated scans
  of a sample) never fall on both sides.

``KennardStoneSplitter``, ``SPXYSplitter`` and ``GroupedSplitterWrapper`` are the names
used by nirs4all 0.7 and remain as aliases of the same classes.
"""

from nirs4all.operators.splitters._grouped import GroupedSplitter
from nirs4all.operators.splitters._kennard_stone import SPXY, KennardStone

KennardStoneSplitter = KennardStone
SPXYSplitter = SPXY
GroupedSplitterWrapper = GroupedSplitter

__all__ = [
    "SPXY",
    "GroupedSplitter",
    "GroupedSplitterWrapper",
    "KennardStone",
    "KennardStoneSplitter",
    "SPXYSplitter",
]
