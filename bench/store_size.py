"""``python -m bench.store_size``: one store built by the real importer, its size against its pages.

    python -m bench.store_size --size 10000 [--cache DIR]

Prints the import rate, the bytes on disk of each part of the store (body shards, the
search index, the other TinyDB files) as a share of the pages it was imported from, and the
time to open a story from a cold body shard (the shard not yet read by this process), which
is what compressing the body shards trades against their size (issue 17).
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


def cold_open(folder: Path, count: int, seed: int = 3) -> Sample:
    """Seconds for ``Store.article`` of random stories, each from a shard this process has not read."""
    ids = [meta.id for meta in Store(folder).stories()]
    times = []
    for sid in random.Random(seed).sample(ids, min(count, len(ids))):
        store = Store(folder, check=False)  # a new store: no shard parsed yet
        meta = store.meta(sid)  # reads articles.json, which the reader has read at start
        assert meta is not None
        start = time.perf_counter()
        store.article_of(meta)
        times.append(time.perf_counter() - start)
    return Sample.of(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="stories (a multiple of 1000)")
    parser.add_argument("--cache", type=Path, help="data folder (default: $BROADSHEET_BENCH_CACHE or ~/.cache)")
    parser.add_argument("--opens", type=int, default=200, help="stories opened for the cold-open time")
    args = parser.parse_args(argv)
    cache = args.cache or build.cache_root()
    print(f"load before: {os.getloadavg()[0]:.2f}")
    [built] = build.import_stages(cache, [args.size], lambda text: None)
    folder = built.folder
    pages = sum(build.disk_bytes(p) for p in built.pages)
    parts = {"bodies": build.disk_bytes(folder / "bodies"), "index": build.disk_bytes(folder / "index")}
    total = build.disk_bytes(folder)
    parts["other TinyDB files"] = total - sum(parts.values())
    print(f"imported {built.imported:,} stories in {built.import_seconds:.1f} s: "
          f"{built.imported / built.import_seconds:,.0f}/s")
    print(f"pages {pages / 1e6:.1f} MB; store {total / 1e6:.1f} MB = {total / pages:.3f}x the pages")
    for name, size in parts.items():
        print(f"  {name:<20} {size / 1e6:8.1f} MB  {size / pages:.3f}x")
    sample = cold_open(folder, args.opens)
    print(f"open a story, cold shard ({len(sample.values)} stories): median {sample.median * 1e3:.2f} ms, "
          f"p95 {sample.p95 * 1e3:.2f} ms")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
