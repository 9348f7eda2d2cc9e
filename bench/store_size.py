"""``python -m bench.store_size``: a store's size against the pages it came from, bodies plain and compressed.

    python -m bench.store_size --size 10000 [--cache DIR] [--rounds 2]

Imports the same pages with the real importer into two stores, one writing its shards
as plain JSON (as stores did before issue 17) and one compressed (bodies and metadata), alternating the two
``--rounds`` times so a busy machine slows both alike. Prints for each: the import rate,
the bytes on disk of each part (body and metadata shards, search index, listing...) as a
share of the pages, and the time to open a story whose shard this process has not read
yet (decompress and parse one shard), measured on both stores in turn, story by story.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from bench import build
from bench.stats import Sample
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.tinydb import CompressedJSONStorage

KINDS = ("plain", "compressed")


def import_once(cache: Path, size: int, kind: str) -> build.BuiltStore:
    """Import ``size`` stories into a new store under ``cache/kind`` (the pages are shared)."""
    root = cache / kind
    root.mkdir(parents=True, exist_ok=True)
    pages = root / build.pages_root(cache, size).name
    if not pages.exists():
        pages.symlink_to(build.pages_root(cache, size))
    CompressedJSONStorage.compress = kind == "compressed"
    try:
        [built] = build.import_stages(root, [size], lambda text: None)
    finally:
        CompressedJSONStorage.compress = True
    return built


def cold_opens(folders: dict[str, Path], count: int, seed: int = 3) -> dict[str, Sample]:
    """Seconds to open each of ``count`` random stories from a shard not yet read, in each store in turn."""
    ids = [meta.id for meta in Store(next(iter(folders.values()))).stories()]
    times: dict[str, list[float]] = {kind: [] for kind in folders}
    for sid in random.Random(seed).sample(ids, min(count, len(ids))):
        for kind, folder in folders.items():
            store = Store(folder, check=False)  # a new store: no shard parsed yet
            meta = store.meta(sid)  # reads the metadata, which the reader has in memory
            assert meta is not None
            start = time.perf_counter()
            store.article_of(meta)
            times[kind].append(time.perf_counter() - start)
    return {kind: Sample.of(values) for kind, values in times.items()}


def store_parts(folder: Path) -> dict[str, int]:
    """Bytes of each part of a store: shards, the index (its positions apart), the listing, the rest."""
    index = folder / "index"
    positions = sum(p.stat().st_size for p in index.glob("*.pos"))
    parts = {"bodies": build.disk_bytes(folder / "bodies"), "meta": build.disk_bytes(folder / "meta"),
             "index positions": positions, "index, the rest": build.disk_bytes(index) - positions,
             "listing.bin": build.disk_bytes(folder / "listing.bin"),
             "directory.bin": build.disk_bytes(folder / "directory.bin")}
    parts["other files"] = build.disk_bytes(folder) - sum(parts.values())
    return parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="stories (a multiple of 1000)")
    parser.add_argument("--cache", type=Path, help="data folder (default: $BROADSHEET_BENCH_CACHE or ~/.cache)")
    parser.add_argument("--rounds", type=int, default=1, help="imports of each kind, alternating")
    parser.add_argument("--opens", type=int, default=200, help="stories opened for the cold-open time")
    parser.add_argument("--kinds", default=",".join(KINDS), help="which stores to build: plain, compressed or both")
    args = parser.parse_args(argv)
    kinds = [kind for kind in KINDS if kind in args.kinds.split(",")]
    cache = args.cache or build.cache_root()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    built: dict[str, build.BuiltStore] = {}
    for _ in range(args.rounds):
        for kind in kinds:
            built[kind] = import_once(cache, args.size, kind)
            rates[kind].append(built[kind].imported / built[kind].import_seconds)
    pages = sum(build.disk_bytes(p) for p in built[kinds[0]].pages)
    print(f"pages: {args.size:,} stories, {pages / 1e6:.1f} MB")
    for kind in kinds:
        folder = built[kind].folder
        total, parts = build.disk_bytes(folder), store_parts(folder)
        shown = ", ".join(f"{rate:,.0f}" for rate in rates[kind])
        print(f"{kind}: import {shown} stories/s; store {total / 1e6:.1f} MB = {total / pages:.3f}x the pages")
        for name, size in parts.items():
            print(f"  {name:<20} {size / 1e6:8.1f} MB  {size / pages:.3f}x")
    samples = cold_opens({kind: built[kind].folder for kind in kinds}, args.opens)
    for kind, sample in samples.items():
        print(f"{kind}: open a story from an unread shard ({len(sample.values)} stories): "
              f"median {sample.median * 1e3:.2f} ms, p95 {sample.p95 * 1e3:.2f} ms")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
