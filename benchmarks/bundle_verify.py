"""Peak memory of ``nirs4all verify`` on honest bundles and on zip bombs.

Each case runs in its own child process, which imports everything first and then does what
``nirs4all verify`` does (:func:`read_bundle`, then :meth:`Bundle.untrusted_types`). Two
numbers per case: the peak of Python's allocations during the call (tracemalloc, which
numpy reports to) and the growth of the process's peak resident set over the resident set
after the imports, from a second child without tracemalloc (``VmHWM`` and ``VmRSS`` of
Linux's ``/proc/self/status``: ``ru_maxrss`` would count the parent's size at the fork).
Printed next to the largest member of the bundle, with their ratio (target: below 2x plus
a constant).

Cases: a small PLS bundle; a k-nearest-neighbours bundle whose model holds the training
spectra (one large artifact); a bomb whose zip headers declare ``--bomb-mib`` MiB of zeros
(about 1 KB per MiB deflated) while ``RECORD`` says 100 bytes; and a bomb whose headers and
``RECORD`` all say 4 MiB while the stream inflates to ``--bomb-mib`` MiB.

Run: ``python benchmarks/bundle_verify.py [--bomb-mib 1024] [--knn-samples 4000]``. Put
another checkout first on ``PYTHONPATH`` to measure it instead (the children inherit it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit" / "workspace"))

from bundle_forge import Entry, build_zip, read_members, zeros_deflated

CHILD = r"""
import json, sys, tracemalloc
import sklearn.neighbors, skops.io
import nirs4all
from nirs4all.errors import Nirs4allError
from nirs4all.workspace.bundle import read_bundle


def status(field):  # kB lines of /proc/self/status, in bytes
    with open("/proc/self/status") as lines:
        return next(int(l.split()[1]) * 1024 for l in lines if l.startswith(field + ":"))


path, traced = sys.argv[1], sys.argv[2] == "1"
before = status("VmRSS")
if traced:
    tracemalloc.start()
try:
    read_bundle(path).untrusted_types()
    outcome = "verified"
except Nirs4allError as exc:
    outcome = type(exc).__name__
except BaseException as exc:
    outcome = "UNTYPED " + type(exc).__name__
peak = tracemalloc.get_traced_memory()[1] if traced else None
after = status("VmHWM")
print(json.dumps({"outcome": outcome, "traced_peak": peak, "rss_growth": after - before,
                  "rss_peak": after}))
"""


def _measure(path: Path, traced: bool) -> dict:
    # The child runs this file's own CHILD code on a bundle this script wrote.
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), "1" if traced else "0"],  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"outcome": f"crashed (exit {done.returncode})", "traced_peak": None,
                "rss_growth": None, "rss_peak": None}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _honest(folder: Path, knn_samples: int) -> dict[str, tuple[Path, int]]:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import KFold
    from sklearn.neighbors import KNeighborsRegressor

    import nirs4all
    from nirs4all.operators.transforms import SNV

    small = nirs4all.generate(200, random_state=0)
    pls = nirs4all.run([SNV(), KFold(3), PLSRegression(8)], small, random_state=0, verbose=0,
                       workspace=None).export(folder / "pls.n4a")
    large = nirs4all.generate(knn_samples, random_state=1)
    knn = nirs4all.run([KFold(2), KNeighborsRegressor(5, algorithm="brute")], large,
                       random_state=0, verbose=0, workspace=None).export(folder / "knn.n4a")
    return {f"honest PLS ({pls.stat().st_size / 1e6:.2f} MB file)": (pls, _largest(pls)),
            f"honest kNN ({knn.stat().st_size / 1e6:.1f} MB file)": (knn, _largest(knn))}


def _largest(path: Path) -> int:
    """The largest member size ``RECORD`` gives (what a bundle may legitimately hold)."""
    with zipfile.ZipFile(path) as archive:
        lines = archive.read("RECORD").decode().splitlines()
    return max(int(line.rsplit(",", 1)[1]) for line in lines)


def _bombs(folder: Path, honest: Path, mebibytes: int) -> dict[str, tuple[Path, int]]:
    members = read_members(honest)
    entries = [Entry(n, d) for n, d in members.items() if n != "RECORD"]
    stream = zeros_deflated(mebibytes)
    digest = hashlib.sha256(b"bomb").hexdigest()
    name = f"artifacts/{digest}.skops"
    declared = folder / "bomb_declared.n4a"
    listed = members["RECORD"] + f"{name},{digest},100\n".encode()
    declared.write_bytes(build_zip([*entries, Entry(name, payload=stream,
                                                    size=mebibytes << 20, crc=0),
                                    Entry("RECORD", listed)]))
    first = bytes(4 << 20)
    digest = hashlib.sha256(first).hexdigest()
    name = f"artifacts/{digest}.skops"
    liar = folder / "bomb_lying.n4a"
    listed = members["RECORD"] + f"{name},{digest},{len(first)}\n".encode()
    liar.write_bytes(build_zip([*entries, Entry(name, first, payload=stream),
                                Entry("RECORD", listed)]))
    size = declared.stat().st_size / 1e6
    return {f"bomb, {mebibytes} MiB declared in the zip, 100 B in RECORD ({size:.2f} MB file)":
            (declared, _largest(declared)),
            f"bomb, 4 MiB declared everywhere, inflates to {mebibytes} MiB":
            (liar, _largest(liar))}


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 1e6:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mib", type=int, default=1024)
    parser.add_argument("--knn-samples", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        cases = _honest(folder, args.knn_samples)
        cases.update(_bombs(folder, next(iter(cases.values()))[0], args.bomb_mib))
        print("| case | outcome | largest member in RECORD (MB) | tracemalloc peak (MB) | "
              "peak RSS growth (MB) | peak RSS (MB) | tracemalloc peak / largest member |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for label, (path, largest) in cases.items():
            traced = _measure(path, traced=True)
            rss = _measure(path, traced=False)
            peak = traced["traced_peak"]
            ratio = f"{peak / largest:.2f}" if peak is not None else "-"
            print(f"| {label} | {traced['outcome']} | {largest / 1e6:.2f} | "
                  f"{_mb(peak)} | {_mb(rss['rss_growth'])} | {_mb(rss['rss_peak'])} | "
                  f"{ratio} |")


if __name__ == "__main__":
    main()
