"""Test-session settings: runs keep their results in memory unless a test gives a workspace.

``nirs4all.run`` writes to ``./workspace`` by default; the suite must not litter the
checkout, so the default is switched off here. Tests of persistence pass ``workspace=``.
"""

from __future__ import annotations

import os

os.environ.setdefault("NIRS4ALL_WORKSPACE", "none")
