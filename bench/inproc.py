"""In-process reader timings, run in a child process: ``python -m bench.inproc STORE --runs N``.

Cold start: from before ``Store(folder)`` and ``BroadsheetApp(store)`` are constructed to the
moment the headless app's headline list holds its rows (``run_test``, 120x40). Imports of
Textual and the app happen before the clock starts; the whole-process figure in
:mod:`bench.terminal` includes them.
Prints one JSON object. Opening a story is timed on a real terminal (:mod:`bench.terminal`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import orjson

from broadsheet.store.collector import freeze_loaded_data
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList

SIZE = (120, 40)


async def _pause_until(pilot, done, limit: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the reader did not get there in time")
        await pilot.pause()


async def cold_start(folder: Path) -> float:
    """Seconds from constructing the store and app to a headline list holding its rows."""
    freeze_loaded_data()  # as `broadsheet run` does: this child process is a reader
    start = time.perf_counter()
    app = BroadsheetApp(Store(folder))
    async with app.run_test(size=SIZE) as pilot:
        await _pause_until(pilot, lambda: bool(app.screen.query_one(HeadlineList).count))
        elapsed = time.perf_counter() - start
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    starts = [asyncio.run(cold_start(args.store)) for _ in range(args.runs)]
    sys.stdout.write(orjson.dumps({"cold_start": starts}).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
