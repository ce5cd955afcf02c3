"""Contract 7: importing nirs4all changes no global state."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent("""
    import logging, random, warnings, json
    import numpy as np
    # Dependencies install their own warnings filters when imported (numpy, scipy and
    # scikit-learn do); import them first so that only what nirs4all adds is measured.
    import scipy.interpolate, scipy.linalg, scipy.ndimage, scipy.signal, scipy.sparse
    import scipy.special, scipy.spatial, scipy.stats
    import sklearn.base, sklearn.cross_decomposition, sklearn.linear_model
    import sklearn.model_selection, sklearn.preprocessing, sklearn.utils.validation
    import joblib, threadpoolctl, yaml
    root = logging.getLogger()
    before = {
        "handlers": list(root.handlers),
        "level": root.level,
        "filters": list(warnings.filters),
        "np_state": np.random.get_state()[1].tobytes(),
        "py_state": random.getstate(),
    }
    import nirs4all
    import nirs4all.data, nirs4all.cli, nirs4all.errors
    nirs4all.generate(20, random_state=1)
    after_np = np.random.get_state()[1].tobytes()
    print(json.dumps({
        "handlers_same": root.handlers == before["handlers"],
        "level_same": root.level == before["level"],
        "filters_same": warnings.filters == before["filters"],
        "np_rng_same": after_np == before["np_state"],
        "py_rng_same": random.getstate() == before["py_state"],
        "nirs4all_handlers": [type(h).__name__ for h in logging.getLogger("nirs4all").handlers],
    }))
""")


def test_import_touches_no_logger_warning_filter_or_rng() -> None:
    import json

    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True).stdout
    report = json.loads(out)
    assert report == {
        "handlers_same": True,
        "level_same": True,
        "filters_same": True,
        "np_rng_same": True,
        "py_rng_same": True,
        "nirs4all_handlers": ["NullHandler"],
    }


def test_no_global_seeding_in_the_source_tree() -> None:
    package = Path(__file__).resolve().parents[2] / "nirs4all"
    banned = ("np.random.seed(", "numpy.random.seed(", "random.seed(", "logging.basicConfig",
              "copy.deepcopy(", "warnings.filterwarnings(", "warnings.simplefilter(")
    offenders = [
        f"{path.relative_to(package.parent)}: {pattern}"
        for path in sorted(package.rglob("*.py"))
        for pattern in banned
        if pattern in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
