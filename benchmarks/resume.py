"""Resuming an interrupted run: work done by the rerun against an uninterrupted run.

A child process runs a sweep into a fresh workspace and is killed (SIGKILL) when variant
``--kill-at`` starts; the run is then run again in this process. Prints the fits made and the
wall time of an uninterrupted run and of the resumed run, and their ratios. Both runs write to
a workspace, so both pay for persisting what they compute.

Usage: ``python benchmarks/resume.py [--variants 32] [--kill-at 17]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nirs4all

CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[1])
    import resume as bench
    import nirs4all
    from nirs4all.pipeline import runner

    real, calls = runner.execute_variant, []
    kill_at = int(sys.argv[4])

    def killed(*args, **kwargs):
        calls.append(1)
        if len(calls) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    runner.execute_variant = killed
    nirs4all.run(bench.pipeline(int(sys.argv[3])), bench.dataset(), random_state=0,
                 verbose=0, workspace=sys.argv[2])
""")


def pipeline(n_variants: int) -> list:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import KFold

    from nirs4all.operators.transforms import SNV

    return [SNV(), KFold(5), {"model": PLSRegression, "_range_": [1, n_variants],
                              "param": "n_components"}]


def dataset() -> nirs4all.data.SpectroDataset:
    return nirs4all.generate(300, random_state=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", type=int, default=32)
    parser.add_argument("--kill-at", type=int, default=17)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        full = nirs4all.run(pipeline(args.variants), dataset(), random_state=0, verbose=0,
                            workspace=folder)
        full_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        child = [sys.executable, "-c", CHILD, str(Path(__file__).parent), folder,
                 str(args.variants), str(args.kill_at)]
        subprocess.run(child, env=env, check=False)  # noqa: S603 - our own script
        start = time.perf_counter()
        resumed = nirs4all.run(pipeline(args.variants), dataset(), random_state=0,
                               verbose=0, workspace=folder)
        resumed_s = time.perf_counter() - start
    print(f"variants {args.variants}, child killed when variant {args.kill_at} started")
    print(f"uninterrupted: {full.stats['fits']} fits, {full_s:.2f} s")
    print(f"resumed:       {resumed.stats['fits']} fits, {resumed_s:.2f} s, "
          f"{resumed.stats['restored']} passes read back")
    print(f"ratio resumed / uninterrupted: fits {resumed.stats['fits'] / full.stats['fits']:.2f}"
          f", time {resumed_s / full_s:.2f}")


if __name__ == "__main__":
    main()
