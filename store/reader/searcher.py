"""Which search answers the reader: the tantivy index once it is open, the word filter before.

The index opens (or is rebuilt) in a thread after the reader's first paint; until then the word
filter (:mod:`.filter`) answers the same query from the story list, saying what it cannot do.
A large store waits a moment for the index instead: the filter would read every story's
details. The reader's widgets only say what happens; the choices are made here, so the command
line and tests can make them without an app.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from broadsheet.store.reader.filter import WordFilter
from broadsheet.store.search.query import Query, QueryError, SearchResult, go_on, never
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.userstate import StoryState

if TYPE_CHECKING:
    from broadsheet.store.search import SearchIndex

#: The reader lists this many results of a search at a time, best (or newest) first, and
#: the next as the cursor nears their end; the count shows how many matched in all.
#: Fetching every id of a word found in 50,000 stories costs ~15 ms in tantivy-py; the
#: first 2,000 cost ~1 ms.
SEARCH_LIMIT = 2000
#: Until the index is open, the word filter searches a store of at most this many stories.
#: A larger one waits for the index (``INDEX_WAIT``): the filter reads every story's details,
#: 6.8 s and 480 MB at 100,000 stories the first time, about ten times that at a million.
FALLBACK_MAX = 20_000
INDEX_WAIT = 2.0
#: Said while a large store's index is still being opened or built.
INDEX_NOT_READY = "the search index is not ready yet (it is being built); the search runs by itself when it is"


class Searcher:
    """The reader's search index, as it opens, and the word filter that serves until it has."""

    def __init__(self) -> None:
        self.index: SearchIndex | None = None
        self._filter = WordFilter()
        self._known = threading.Event()  # set once the index opened, or failed to (the filter then serves)
        self._opening = threading.Lock()
        self._built: tuple[int, int] | None = None  # (stories, of how many) while the index is rebuilt

    def open(self, store: Store, say: Callable[[str], None], on_added: Callable[[str], None]) -> None:
        """Open (or rebuild) ``store``'s index, in the calling thread. Opens run one at a time, so
        the one that ends last read the newest store. Raises StoreFileError or OSError when there
        is no index to be had (the filter then serves for good)."""
        from broadsheet.store.search import SearchIndex  # tantivy loads here, after the first paint

        try:
            with self._opening:
                self.index = SearchIndex.open(store, on_message=say, on_added=on_added, on_progress=self._indexing)
        finally:
            self._known.set()
            self._built = None
        self._filter = WordFilter()  # its analysed fields are not needed now (at 1,000,000 stories: GBs)

    def _indexing(self, done: int, total: int) -> None:
        """A rebuild's progress (in the index's thread), for the search bar's word while it waits."""
        self._built = (done, total)

    def forget(self) -> None:
        """The index lacks stories the list holds (an undo brought back 10,000): until it is caught
        up, searches go to the filter, or wait for the index past ``FALLBACK_MAX`` stories, rather
        than list "0 of 10,000" for the seconds it takes."""
        self.index = None
        self._known.clear()

    @contextlib.contextmanager
    def still(self, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """While a large change of the stories is written (a delete, its undo): the index is not
        opened or caught up meanwhile. Its catch-up after a delete of 7,493 stories held the
        store's lock for a minute at a million stories, and the undo asked for right after
        failed as if another broadsheet were writing. ``waiting`` is called when the index is
        busy (a rebuild takes minutes at a million stories), so the wait is said."""
        if not self._opening.acquire(timeout=0.5):
            if waiting is not None:
                waiting()
            self._opening.acquire()
        try:
            yield
        finally:
            self._opening.release()

    def search(self, query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
               offset: int = 0, stop: Callable[[], bool] = never, every: bool = False,
               count_later: bool = False, page: int | None = None) -> SearchResult:
        """A parsed query's best ``page`` stories (by default ``SEARCH_LIMIT``; ``every``: all it
        matches) after the first ``offset`` (those listed already), from a worker thread. Raises
        SearchCancelled once ``stop()`` is true (its worker was replaced), QueryError when the
        query cannot be run. ``count_later``: the results may come with an estimated total
        (``counted`` False), to be counted by :meth:`count` once they are shown."""
        index = self._ready(stories, stop)
        limit = None if every else SEARCH_LIMIT if page is None else page
        if index is None:
            found = self._filter.run(query, stories, states, limit=None if limit is None else offset + limit, stop=stop)
            return replace(found, ids=found.ids[offset:])
        return index.run(query, states=states, limit=limit, offset=offset, stop=stop, count_later=count_later)

    def count(self, query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
              stop: Callable[[], bool] = never) -> int:
        """How many stories a query matches (after a :meth:`search` whose total was an estimate);
        raises as :meth:`search` does."""
        index = self._ready(stories, stop)
        if index is None:
            return self._filter.run(query, stories, states, limit=0, stop=stop).total
        return index.run(query, states=states, limit=0, stop=stop).total

    def _ready(self, stories: Sequence[StoryMeta], stop: Callable[[], bool]) -> SearchIndex | None:
        """The index to search (None: the filter serves): past ``FALLBACK_MAX`` stories, the index
        once open, waiting up to ``INDEX_WAIT`` s for it, then QueryError (it is being built)."""
        index = self.index
        if index is not None or len(stories) <= FALLBACK_MAX:
            return index
        deadline = time.monotonic() + INDEX_WAIT
        while not self._known.wait(0.05):
            go_on(stop)
            if time.monotonic() > deadline:
                built = self._built
                if built is not None and built[1]:
                    raise QueryError(f"the search index is being built ({built[0] * 100 // built[1]}% of "
                                     f"{built[1]:,} stories); the search runs by itself when it is ready")
                raise QueryError(INDEX_NOT_READY)
        return self.index
