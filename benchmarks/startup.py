"""Start-up time: ``import nirs4all``, ``nirs4all --help`` and ``nirs4all verify``.

Each command runs in N fresh interpreters (``python -c`` / ``python -m nirs4all.cli``); the
median wall time is printed next to the bare interpreter's and numpy's, with the heavy
modules each command left in ``sys.modules``. Targets (issue 17): import and ``--help``
<= 0.3 s each.

Run: ``nice python benchmarks/startup.py [-n 15]`` from the repository root (with
``PYTHONPATH`` set to it). ``python -X importtime -c "import nirs4all"`` shows where the
remaining time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("sklearn", "scipy", "duckdb", "pyarrow", "skops", "pandas", "numba", "joblib")
PROBE = ("import sys, json, runpy\nsys.argv = {argv!r}\ntry:\n    {body}\nexcept SystemExit:\n"
         "    pass\nprint(json.dumps([m for m in {heavy!r} if m in sys.modules]), "
         "file=sys.stderr)\n")


def _make_bundle(folder: Path) -> Path:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import KFold

    import nirs4all
    from nirs4all.operators.transforms import SNV

    dataset = nirs4all.generate(60, random_state=0)
    result = nirs4all.run([SNV(), KFold(3), {"model": PLSRegression(3)}], dataset,
                          random_state=0, verbose=0, workspace=None)
    return Path(result.export(folder / "startup.n4a"))


def _time(body: str, argv: list[str], n: int) -> tuple[float, list[str]]:
    code = PROBE.format(argv=argv, body=body, heavy=HEAVY)
    times, heavy = [], []
    for _ in range(n):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603 - our own probe
                              check=True, env=os.environ)
        times.append(time.perf_counter() - start)
        heavy = json.loads(done.stderr.strip().splitlines()[-1])
    return statistics.median(times), heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="fresh interpreters per command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = _make_bundle(Path(tmp))
        cli = "runpy.run_module('nirs4all.cli', run_name='__main__')"
        cases = {
            "python (bare)": ("pass", ["x"]),
            "import numpy": ("import numpy", ["x"]),
            "import nirs4all": ("import nirs4all", ["x"]),
            "nirs4all --help": (cli, ["nirs4all", "--help"]),
            "nirs4all verify": (cli, ["nirs4all", "verify", str(bundle)]),
        }
        results = {name: _time(body, argv, args.n) for name, (body, argv) in cases.items()}
    base = results["python (bare)"][0]
    print(f"{'command':<18} {'median s':>9} {'- bare s':>9}  heavy modules loaded")
    for name, (median, heavy) in results.items():
        print(f"{name:<18} {median:9.3f} {median - base:9.3f}  {', '.join(heavy) or '-'}")
    for name in ("import nirs4all", "nirs4all --help"):
        print(f"{name}: {results[name][0]:.3f} s, target 0.3 s -> "
              f"{results[name][0] / 0.3:.2f}x the target")


if __name__ == "__main__":
    main()
