"""Lean persistence: what the workspace costs in time and bytes, and what compression buys.

1. W2 (``benchmarks/engine.py``) in memory and into a new default workspace: wall times and
   their ratio (target <= 1.2x), the workspace's bytes (store and artifact files); the same
   with ``save_artifacts="all"``, with and without a flush per artifact file.
2. The 150-variant sweep (``benchmarks/parallel.py``) into a new workspace: bytes, artifact
   files and the bytes of each fitted class (target <= 60 MB).
3. Compression of the artifact files of both (PLS models, scalers, Ridge), per fitted
   class: deflate (stdlib zlib) levels 1, 6, 9 and zstd levels 3, 10, 19 (if
   ``zstandard`` is installed), as the size ratio and the compression / decompression
   time per MB.

Rows per second of bulk prediction writes: ``benchmarks/store.py``.

Run alone: ``nice python benchmarks/persistence.py``; ``--w2-only [--repeat N]`` measures only
the W2 ratio: in memory and into a new default workspace alternately, best of N each, with
the time the run spent in ``Workspace.persist`` and in opening (creating) the store.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import engine
import parallel

import nirs4all
import nirs4all.workspace


def folder_bytes(path: Path) -> tuple[int, int, int]:
    """(store bytes, artifact bytes, artifact files) of a workspace folder."""
    files = [p for p in (path / "artifacts").rglob("*") if p.is_file()]
    store = sum(p.stat().st_size for p in path.glob("store.duckdb*"))
    return store, sum(p.stat().st_size for p in files), len(files)


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def w2_overhead(tmp: Path) -> Path:
    dataset = engine.w2_dataset()
    pipeline = engine.w2_pipeline
    nirs4all.run(pipeline(), dataset, random_state=0, verbose=0, workspace=None)  # warm-up
    memory = min(timed(lambda: nirs4all.run(pipeline(), dataset, random_state=0, verbose=0,
                                            workspace=None)) for _ in range(2))
    stored = min(timed(lambda i=i: nirs4all.run(pipeline(), dataset, random_state=0,
                                                 verbose=0, workspace=tmp / f"w2_{i}"))
                 for i in range(2))
    keep_all = timed(lambda: nirs4all.run(pipeline(), dataset, random_state=0, verbose=0,
                                          workspace=tmp / "w2_all", save_artifacts="all"))
    store, artifacts, n_files = folder_bytes(tmp / "w2_all")
    print(f"W2 with save_artifacts='all': {keep_all:6.2f} s ({keep_all / memory:.2f}x), "
          f"store {store / 1e6:.1f} MB, {n_files} artifact files {artifacts / 1e6:.1f} MB")
    # Diagnostic: the same without flushing each artifact file (what the fsyncs cost).
    real_fsync = os.fsync
    os.fsync = lambda fd: None
    try:
        unsynced = timed(lambda: nirs4all.run(pipeline(), dataset, random_state=0, verbose=0,
                                              workspace=tmp / "w2_nosync",
                                              save_artifacts="all"))
    finally:
        os.fsync = real_fsync
    print(f"W2 with 'all' without per-file fsync: {unsynced:6.2f} s "
          f"({unsynced / memory:.2f}x)")
    store, artifacts, n_files = folder_bytes(tmp / "w2_0")
    print(f"W2 in memory {memory:6.2f} s, into a new default workspace {stored:6.2f} s: "
          f"{stored / memory:.2f}x (target <= 1.2x)")
    print(f"W2 workspace: store {store / 1e6:.1f} MB, {n_files} artifact files "
          f"{artifacts / 1e6:.1f} MB")
    return tmp / "w2_0"


def w2_ratio(tmp: Path, repeat: int) -> None:
    """W2 in memory against W2 into a new default workspace, runs alternating."""
    dataset = engine.w2_dataset()
    pipeline = engine.w2_pipeline
    nirs4all.run(pipeline(), dataset, random_state=0, verbose=0, workspace=None)  # warm-up
    nirs4all.run(pipeline(), dataset, random_state=0, verbose=0, workspace=tmp / "warm")
    memory, stored, persist, opening = [], [], [], []
    for i in range(repeat):
        memory.append(timed(lambda: nirs4all.run(pipeline(), dataset, random_state=0,
                                                 verbose=0, workspace=None)))
        start = time.perf_counter()
        result = nirs4all.run(pipeline(), dataset, random_state=0, verbose=0,
                              workspace=tmp / f"ratio_{i}")
        stored.append(time.perf_counter() - start)
        persist.append(result.stats["persist_s"])
        opening.append(timed(lambda i=i: nirs4all.workspace.open(tmp / f"open_{i}").close()))
    best_memory, best_stored = min(memory), min(stored)
    print(f"W2 in memory {best_memory:.2f} s, into a new default workspace {best_stored:.2f} s:"
          f" {best_stored / best_memory:.2f}x (target <= 1.2x); best of {repeat}")
    print(f"  of which Workspace.persist {min(persist):.2f} s; creating an empty store "
          f"{min(opening):.2f} s; every pair: " + ", ".join(
              f"{s / m:.2f}x" for m, s in zip(memory, stored, strict=True)))


def sweep_bytes(tmp: Path) -> Path:
    folder = tmp / "sweep"
    seconds = timed(lambda: nirs4all.run(parallel.sweep_pipeline(), parallel.sweep_dataset(),
                                         random_state=0, verbose=0, workspace=folder))
    store, artifacts, n_files = folder_bytes(folder)
    print(f"150-variant sweep: {seconds:.1f} s, store {store / 1e6:.1f} MB, {n_files} "
          f"artifact files {artifacts / 1e6:.1f} MB, total {(store + artifacts) / 1e6:.1f} MB "
          "(target <= 60 MB)")
    return folder


def _codecs() -> dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]]:
    codecs = {f"deflate-{level}": (lambda d, lv=level: zlib.compress(d, lv), zlib.decompress)
              for level in (1, 6, 9)}
    try:
        import zstandard
    except ImportError:
        return codecs
    for level in (3, 10, 19):
        compressor = zstandard.ZstdCompressor(level=level)
        codecs[f"zstd-{level}"] = (compressor.compress,
                                   zstandard.ZstdDecompressor().decompress)
    return codecs


def compression(folder: Path) -> None:
    with nirs4all.workspace.open(folder, read_only=True) as ws:
        rows = ws.sql("SELECT artifact_id, extension, class_name FROM artifacts").to_pylist()
    by_class: dict[str, list[bytes]] = defaultdict(list)
    for row in rows:
        path = folder / "artifacts" / row["artifact_id"][:2] / (
            f"{row['artifact_id']}.{row['extension']}")
        by_class[row["class_name"].rsplit(".", 1)[-1]].append(path.read_bytes())
    codecs = _codecs()
    print(f"{'class':<16} {'files':>5} {'MB':>7}  " + "  ".join(f"{c:>18}" for c in codecs))
    for name, blobs in sorted(by_class.items(), key=lambda kv: -sum(map(len, kv[1]))):
        raw = sum(map(len, blobs))
        cells = []
        for pack, unpack in codecs.values():
            start = time.perf_counter()
            packed = [pack(b) for b in blobs]
            pack_s = time.perf_counter() - start
            start = time.perf_counter()
            for p in packed:
                unpack(p)
            unpack_s = time.perf_counter() - start
            ratio = sum(map(len, packed)) / raw
            cells.append(f"{ratio:5.2f} {pack_s / raw * 1e6:5.3f}/{unpack_s / raw * 1e6:5.3f}")
        print(f"{name:<16} {len(blobs):>5} {raw / 1e6:7.2f}  " + "  ".join(
            f"{c:>18}" for c in cells))
    print("cells: compressed / raw size, then seconds per MB to compress / decompress")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--w2-only", action="store_true", help="only the W2 ratio")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.w2_only:
        with tempfile.TemporaryDirectory() as tmp:
            w2_ratio(Path(tmp), args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        w2 = w2_overhead(Path(tmp))
        sweep = sweep_bytes(Path(tmp))
        for name, folder in (("W2 (PLS, scalers), 'all'", w2.parent / "w2_all"),
                             ("150-variant sweep", sweep)):
            print(f"compression of the artifact files of {name}:")
            compression(folder)


if __name__ == "__main__":
    main()
