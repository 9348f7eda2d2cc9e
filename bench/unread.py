"""``python -m bench.unread STORE... [--runs N]``: n (next unread story) at its slowest, one
unread story at the far end of the list (issue 17: every key independent of the store's size).

Marks every story but the list's last read in each STORE (so give it copies: the marks are
changed for good), then, in a fresh reader each run, times the data layer's search for the
next unread story from the top of the list (:meth:`ReaderState.next_unread`, what n asks on
the UI thread), which reads every state file. With every story read, n answers from the
counts at once.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from broadsheet.store.reader.ordering import listed_ids
from broadsheet.store.reader.state import ReaderState
from broadsheet.store.storage.db import Store


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.unread", description=__doc__.split("\n")[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="fresh readers a store (default 3)")
    args = parser.parse_args()
    for folder in args.stores:
        reader = ReaderState(Store(folder))
        reader.load()
        ids = listed_ids(reader.stories)
        started = time.perf_counter()
        reader.store.user.read_all(ids[:-1])
        reader.store.user.set_read(ids[-1], False)
        print(f"{folder}: {len(ids):,} stories, all but the last marked read in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        for run in range(1, args.runs + 1):
            reader = ReaderState(Store(folder))
            reader.load()
            started = time.perf_counter()
            found = reader.next_unread(reader.stories, 0, 1)
            took = time.perf_counter() - started
            assert found == len(ids) - 1, found
            print(f"{folder}: run {run}: n from the top to the last row {took * 1e3:,.0f} ms", flush=True)


if __name__ == "__main__":
    main()
