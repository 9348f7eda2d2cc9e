"""``python -m bench.typed STORE... [--limit N] [--runs N] [--slowest N]``: search as you type,
the bench's queries a key at a time, each text the bar holds searched as the reader searches it.

The figure is issue 17's "search as you type" row (``bench.measure.typed_times``, wall clock),
for stores already built, with the texts that cost most: what to look at when that row moves.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench import measure
from broadsheet.store.storage.db import Store


def report(folder: Path, limit: int | None, runs: int, slowest: int) -> list[str]:
    """p50 and p95 over every text and pass, then the ``slowest`` texts by their median."""
    times = measure.typed_times(Store(folder), measure.search_queries(), runs, limit, time.perf_counter)
    every = sorted(t for samples in times.values() for t in samples)
    lines = [f"{folder}: {len(every)} searches ({len(times)} texts, {runs} passes), limit {limit}: "
             f"p50 {every[len(every) // 2] * 1e3:.2f} ms, p95 {every[int(len(every) * 0.95)] * 1e3:.2f} ms"]
    ranked = sorted(times.items(), key=lambda item: -statistics.median(item[1]))[:slowest]
    lines += [f"  {text!r:32} {statistics.median(samples) * 1e3:7.2f} ms" for text, samples in ranked]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.typed", description=__doc__.split("\n")[0])
    parser.add_argument("stores", nargs="+", type=Path, help="store folders (bench-large's, or copies)")
    parser.add_argument("--limit", type=int, default=measure.reader_limit(), help="rows a search lists (the reader's)")
    parser.add_argument("--runs", type=int, default=5, help="timed passes after an untimed one")
    parser.add_argument("--slowest", type=int, default=10, help="texts to list by their median time")
    args = parser.parse_args()
    for folder in args.stores:
        print("\n".join(report(folder, args.limit, args.runs, args.slowest)))


if __name__ == "__main__":
    main()
