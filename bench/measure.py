"""Measurements on one built store: load, open, toggles, search, and the reader in child processes."""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import orjson

from bench.corpus import lexicon, zipf_word
from bench.stats import Sample, repeat
from broadsheet.store.storage.db import Store

K = TypeVar("K")

#: Single words from common to rare (fractions of the frequency list), searched by us and by rg.
WORD_DEPTHS = (0.007, 0.02, 0.05, 0.1, 0.3, 0.6, 0.95)


def search_words() -> list[str]:
    lex = lexicon()
    return [zipf_word(depth) for depth in WORD_DEPTHS] + [lex.family[5].lower(), lex.places[3].lower()]


def search_queries() -> list[str]:
    """The words above, plus what only an index can answer in one go: AND, a phrase, filters."""
    words = search_words()
    return [*words, f"{words[1]} {words[3]}", f'"{zipf_word(0.0)} {words[0]}"', f"{words[2]} tag:topic-03",
            "is:bookmarked", f"{words[4]}*"]


def parse_rate(pages: list[Path], count: int) -> float:
    """Stories per CPU-second for decode + sanitise + parse alone (``read_article``), one core."""
    from broadsheet.store.ingest.importer import read_article

    files = sorted(p for folder in pages[:1] for p in folder.glob("*.txt"))[:count]
    start = time.process_time()
    for path in files:
        with contextlib.suppress(ValueError):  # a page that does not parse still cost its time
            read_article(path)
    return len(files) / (time.process_time() - start)


def load(folder: Path, runs: int) -> Sample:
    """Seconds for the reader's data to load in a new process's view: open the store, its
    catalogue of every story and the counts of the marks (``ReaderState.load``)."""
    from broadsheet.store.reader.state import ReaderState

    return repeat(lambda: ReaderState(Store(folder)).load(), runs)


def open_story(store: Store, count: int, seed: int = 3) -> Sample:
    """Seconds for ``Store.article`` of random stories (mostly cold body shards)."""
    ids = [m.id for m in store.stories()]
    rng = random.Random(seed)
    picks = rng.sample(ids, min(count, len(ids)))
    times = []
    for sid in picks:
        start = time.perf_counter()
        store.article(sid)
        times.append(time.perf_counter() - start)
    return Sample.of(times)


#: The marks timed by :func:`marks`, each a durable change undone by the next on the same story.
MARKS = ("bookmark", "tag", "read")


def marks(folders: Mapping[K, Path], runs: int, turn: int = 10, seed: int = 9) -> dict[K, dict[str, Sample]]:
    """Durable seconds of each of :data:`MARKS` on random stories of each store: ``runs`` of each,
    taken ``turn`` at a time from each store in turn.

    A mark costs an fsync or two, which the disk's other work moves by a millisecond or more
    (the page cache an import left to write back, another process). Stores timed one after the
    other each met another disk, and the growth of a mark's cost with the store's size was the
    disk's drift; taken in turns, every store meets the same disk. Each story gets its mark twice
    (set, then undone): both are timed, and the store is left as it was.
    """
    os.sync()  # what earlier steps left to write back is written before any mark is timed
    rng = random.Random(seed)
    pairs, half = -(-runs // 2), max(1, turn // 2)
    stores = {key: Store(folder) for key, folder in folders.items()}
    picks: dict[K, dict[str, list[str]]] = {}
    for key, store in stores.items():
        sample = rng.sample([m.id for m in store.stories()], pairs * len(MARKS))
        picks[key] = {mark: sample[i * pairs:(i + 1) * pairs] for i, mark in enumerate(MARKS)}
    times: dict[K, dict[str, list[float]]] = {key: {mark: [] for mark in MARKS} for key in folders}
    for first in range(0, pairs, half):
        for key, store in stores.items():
            for mark, sids in picks[key].items():
                for sid in sids[first:first + half]:
                    for undo in (False, True):
                        start = time.perf_counter()
                        _mark(store, mark, sid, undo)
                        times[key][mark].append(time.perf_counter() - start)
    return {key: {mark: Sample.of(t[:runs]) for mark, t in found.items()} for key, found in times.items()}


def _mark(store: Store, mark: str, sid: str, undo: bool) -> None:
    if mark == "bookmark":
        store.user.toggle_bookmark(sid)
    elif mark == "read":
        store.user.toggle_read(sid)
    elif undo:
        store.user.edit_tags([sid], remove=["bench"])
    else:
        store.user.edit_tags([sid], add=["bench"])


def marks_held(folder: Path) -> float:
    """MB the reader's marks hold once every story's were asked, in list order (the whole list
    scrolled, as ``HeadlineList`` asks for a row's marks): Python's allocations made meanwhile
    (``tracemalloc``), the listing's few decoded blocks included, its mapped pages not."""
    import tracemalloc

    from broadsheet.store.storage.userstate import LazyStates

    store = Store(folder)
    catalogue = store.catalogue()
    tracemalloc.start()
    try:
        states = LazyStates(store.user)
        for position in range(len(catalogue)):
            states.get(catalogue.row(position).sid)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return held / 1e6


def typed(query: str) -> list[str]:
    """What the search bar holds after each key while ``query`` is typed (blanks are not searched)."""
    return [query[:n] for n in range(1, len(query) + 1) if query[:n].strip() and not query[:n].endswith(" ")]


def search_as_typed(store: Store, queries: list[str], runs: int, limit: int | None) -> Sample:
    """Seconds for each search the reader runs while the queries are typed a key at a time.

    The reader searches the bar's text on every change (``Input.Changed``) with its own
    limit; half-typed queries that do not parse (an open quote) still cost their time.
    One untimed pass first (the index's first reads), then ``runs`` timed passes.
    """
    return Sample.of([t for times in typed_times(store, queries, runs, limit, time.perf_counter).values()
                      for t in times])


def typed_times(store: Store, queries: list[str], runs: int, limit: int | None,
                clock: Callable[[], float] = time.process_time) -> dict[str, list[float]]:
    """Each text the search bar holds while the queries are typed, and the seconds (of
    ``clock``) its search took in each of ``runs`` timed passes after an untimed one."""
    from broadsheet.store.search.engine import SearchIndex
    from broadsheet.store.search.query import QueryError, parse_query
    from broadsheet.store.storage.userstate import LazyStates

    index = SearchIndex.open(store)
    states = LazyStates(store.user)  # the marks as the reader holds them
    texts = [text for query in queries for text in typed(query)]
    times: dict[str, list[float]] = {text: [] for text in texts}
    for timed_pass in range(runs + 1):
        for text in texts:
            start = clock()
            with contextlib.suppress(QueryError):  # the reader's first page: it may count later
                index.run(parse_query(text), states=states, limit=limit, count_later=True)
            if timed_pass:
                times[text].append(clock() - start)
    return times


def word_with_mark(store: Store, runs: int, limit: int | None) -> tuple[Sample, Sample]:
    """(seconds the reader waits for the list, seconds its count then takes) for each bench word
    with ``is:unread``, ``runs`` times after one untimed pass: the list comes with an estimated
    total when the marks are filtered in Python, and the count follows (``count_later``)."""
    from broadsheet.store.search.engine import SearchIndex
    from broadsheet.store.search.query import parse_query
    from broadsheet.store.storage.userstate import LazyStates

    index = SearchIndex.open(store)
    states = LazyStates(store.user)
    listed: list[float] = []
    counted: list[float] = []
    for timed_pass in range(runs + 1):
        for word in search_words():
            query = parse_query(f"{word} is:unread")
            start = time.perf_counter()
            found = index.run(query, states=states, limit=limit, count_later=True)
            middle = time.perf_counter()
            if not found.counted:
                index.run(query, states=states, limit=0)
            if timed_pass:
                listed.append(middle - start)
                counted.append(time.perf_counter() - middle)
    return Sample.of(listed), Sample.of(counted)


def slowest_typed(folder: Path, runs: int = 3, share: float = 0.1) -> list[tuple[str, float]]:
    """The keys that make search as you type's p95: the texts whose searches took the most
    CPU (median of ``runs``), slowest first, ``share`` of them. For a look by hand::

        python -c "from bench.measure import *; print(slowest_typed(Path('STORE')))"
    """
    times = typed_times(Store(folder), search_queries(), runs, reader_limit())
    ranked = sorted(((text, statistics.median(t)) for text, t in times.items()), key=lambda item: -item[1])
    return ranked[:max(1, round(len(ranked) * share))]


def first_mark_search(folder: Path, runs: int = 3) -> float:
    """Median seconds for the first search that asks about marks (``is:bookmarked``) in a reader
    just started: the marks' keys and the newest-first list are made then, once per load.

    Each run is a new child process, as a reader is (whose collector is frozen after start): in
    the bench's own process the objects other measurements left made the collector's passes
    long, and this search with them (at 1M: 717 ms there, 176 ms in a child; 3.4 s with a
    million story records held, 158 ms with the same frozen).
    """
    code = ("import sys; from pathlib import Path; from bench.measure import first_mark_here; "
            "print(first_mark_here(Path(sys.argv[1])))")
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, check=True, text=True,
                             cwd=Path(__file__).resolve().parents[1]).stdout)
        for _ in range(runs))


def first_mark_here(folder: Path) -> float:
    """``first_mark_search`` in this process (a new one)."""
    from broadsheet.store.search.engine import SearchIndex
    from broadsheet.store.storage.userstate import LazyStates

    store = Store(folder)
    index = SearchIndex.open(store)
    limit = reader_limit()  # imports the reader's searcher module: not part of the search
    start = time.perf_counter()
    index.search("is:bookmarked", states=LazyStates(store.user), limit=limit)
    return time.perf_counter() - start


def search_available() -> bool:
    try:
        from broadsheet.store.search.engine import SearchIndex  # noqa: F401
    except ImportError:
        return False
    return True


def reader_limit() -> int | None:
    """How many hits the reader asks for (``store.reader.searcher.SEARCH_LIMIT``), None if it asks for all."""
    try:
        from broadsheet.store.reader.searcher import SEARCH_LIMIT
    except ImportError:
        return None
    return int(SEARCH_LIMIT)


def search(store: Store, queries: list[str], runs: int, limit: int | None) -> dict[str, Any]:
    """Index open time, then each query ``runs`` times after one warm-up, asking for ``limit`` hits."""
    from broadsheet.store.search.engine import SearchIndex

    start = time.perf_counter()
    index = SearchIndex.open(store)
    opened = time.perf_counter() - start
    states = store.user.all()
    times: list[float] = []
    word_times: list[float] = []
    per_query: dict[str, dict[str, float]] = {}
    singles = set(search_words())
    for query in queries:
        result = index.search(query, states=states, limit=limit)
        mine = []
        for _ in range(runs):
            start = time.perf_counter()
            index.search(query, states=states, limit=limit)
            mine.append(time.perf_counter() - start)
        times += mine
        if query in singles:
            word_times += mine
        sample = Sample.of(mine)
        per_query[query] = {"hits": result.total, "median_ms": sample.median * 1000, "p95_ms": sample.p95 * 1000}
    return {"open": opened, "all": Sample.of(times), "words": Sample.of(word_times), "queries": per_query}


def reindex(store: Store) -> float:
    """Seconds to rebuild the search index of the whole store from TinyDB."""
    from broadsheet.store.search.engine import SearchIndex

    start = time.perf_counter()
    SearchIndex.reindex(store)
    return time.perf_counter() - start


def reader_in_process(folder: Path, runs: int) -> Sample:
    """Cold starts of a headless app (``run_test``), in a fresh child process."""
    command = [sys.executable, "-m", "bench.inproc", str(folder), "--runs", str(runs)]
    out = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    return Sample.of(orjson.loads(out.strip().splitlines()[-1])["cold_start"])
