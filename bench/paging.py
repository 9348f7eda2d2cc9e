"""``python -m bench.paging STORE...``: the reader's later pages of a search, and keys typed
while a slow search still runs (issue 17).

*Pages*: the reader lists a search's best ``SEARCH_LIMIT`` and asks for the next as the cursor
nears their end (``offset`` = how many are listed). Each page is timed and compared with
the whole list up to its end, sliced: same ids, same total, or the run fails.

*Typing*: a key every 80 ms, as the reader does it: each key's search in a thread of its
own, the previous one told to stop (Textual cancels the exclusive worker it replaces). The
time is from the last key to the last key's results. Queries with a large mark set
(``is:unread``, ``-is:read``) look every hit's key up in Python, about 0.3 s at 1,000,000
stories; a search that cannot stop holds up the one typed after it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

from broadsheet.store.reader.searcher import SEARCH_LIMIT
from broadsheet.store.search.engine import SearchIndex
from broadsheet.store.search.query import QueryError, SearchCancelled
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import LazyStates

PAGED = ("gel", "dry", "is", "sea", "dix lith", "gel -tag:topic-03", "zea*", "gel sort:date", "tag:topic-03")
OFFSETS = (SEARCH_LIMIT, 5 * SEARCH_LIMIT, 10 * SEARCH_LIMIT)
TYPED = (("is:unread ", "dry"), ("is:unread ", "seal"), ("-is:read ", "dryr"), ("", "dryrchous"))
KEY_GAP = 0.08


def pages(index: SearchIndex, states: LazyStates, runs: int = 3) -> list[str]:
    """A line per query and offset: the page's median time against the whole list's."""
    lines = []
    for text in PAGED:
        for offset in OFFSETS:
            page_times, whole_times = [], []
            for _ in range(runs):
                start = time.perf_counter()
                page = index.search(text, states=states, limit=SEARCH_LIMIT, offset=offset)
                page_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                whole = index.search(text, states=states, limit=offset + SEARCH_LIMIT)
                whole_times.append(time.perf_counter() - start)
                if page.ids != whole.ids[offset:] or page.total != whole.total:
                    raise SystemExit(f"{text!r} at {offset}: the page is not the whole list's slice")
            lines.append(f"{text!r:22} after {offset:6,}: page {1000 * statistics.median(page_times):6.1f} ms,"
                         f" the whole list to its end {1000 * statistics.median(whole_times):6.1f} ms"
                         f" ({len(page.ids):,} of {page.total:,})")
    return lines


def typing(index: SearchIndex, states: LazyStates, stop: bool) -> list[str]:
    """A line per typed query: ms from its last key to its results, each key's search told to
    stop when the next key comes (``stop``) or left to finish."""
    lines = []
    for prefix, word in TYPED:
        done: dict[str, float] = {}
        flags: list[threading.Event] = []
        threads = []
        last = 0.0
        for n in range(1, len(word) + 1):
            for flag in flags:
                flag.set()
            flag = threading.Event()
            flags.append(flag)

            def run(text: str = prefix + word[:n], told: threading.Event = flag, done: dict[str, float] = done) -> None:
                try:
                    index.search(text, states=states, limit=SEARCH_LIMIT, stop=told.is_set if stop else lambda: False)
                except (SearchCancelled, QueryError):
                    return
                if not told.is_set():
                    done[text] = time.perf_counter()

            thread = threading.Thread(target=run)
            thread.start()
            threads.append(thread)
            last = time.perf_counter()
            time.sleep(KEY_GAP)
        for thread in threads:
            thread.join()
        lines.append(f"{prefix + word!r:24} {'stopped' if stop else 'left to finish':14}"
                     f" {1000 * (done[prefix + word] - last):6.0f} ms after the last key")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.paging", description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", nargs="+", type=Path, help="store folders (bench-large's, e.g.)")
    args = parser.parse_args(argv)
    for folder in args.stores:
        store = Store(folder)
        index = SearchIndex.open(store)
        states = LazyStates(store.user)
        index.search("is:unread gel", states=states, limit=SEARCH_LIMIT)  # the marks index, loaded once
        print(f"{folder} ({len(store):,} stories)")
        for line in [*pages(index, states), *typing(index, states, False), *typing(index, states, True)]:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
