"""Query execution: a parsed :class:`Query` against one searcher of the index, with the user's state.

Words, phrases, prefixes and dates run inside tantivy; tags, bookmarks and read marks are
not indexed, so they become sets of story keys (the index's ``key`` field), pushed into
tantivy when small (:data:`PUSH_DOWN`) and filtered in Python otherwise. The sets are made
once per load of the marks (:class:`Marked`), in keys, so a large one is never converted
per key typed. A bare word's page and count are looked for first without scoring every story
that holds it (:mod:`.wordtop`). Marks with no words or dates narrow every story newest first:
the store's list (its listing's keys) when it holds the index's stories, so the first such
search does not sort a million stories (:meth:`Executor._order`). The index's life cycle
(opening, repairing, writing) is :mod:`broadsheet.store.search.engine`'s business.

Why not a term set for every size: at 1,000,000 stories tantivy's term set on ``key`` cost
68 ms of CPU for 30,000 keys and 520-690 ms for 400,000 (it reads one posting list per key on
every search), while the Python filter over a word's 417,000 hits costs about 200 ms: the
hits neither scored nor ordered 70-110 ms, their keys 33 ms, looking them up among 400,000
marked 80 ms, and the page from a window of the best hits a few ms (see :data:`TERM_SET_COST`
and :meth:`Executor._filtered`). Either way a word with ``is:unread`` at a million stories
costs twenty times a word alone: tantivy-py hands every hit to Python as an object, and has
no query that takes a set of documents, so only marks inside the index could make it as
cheap (issue 17).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from functools import reduce
from itertools import accumulate, compress, islice
from operator import and_, attrgetter, itemgetter, ne, neg, not_
from typing import Any, TypeVar

import tantivy

from broadsheet.store.search.analysis import FEED_FIELD, FIELD_GROUPS, day_number, feed_key, spaced, stems_begun_by
from broadsheet.store.search.query import (
    NOTHING_TO_SEARCH,
    Query,
    QueryError,
    SearchResult,
    Term,
    begun,
    go_on,
    never,
    tag_key,
    tag_keys,
)
from broadsheet.store.search.schema import FOLDED, STEMMED, boosted
from broadsheet.store.search.wordtop import Bm25, best_hits_of_word, best_of_word, count_of_word, holds
from broadsheet.store.storage import markkeys
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.userstate import LazyStates, StoryState

#: State filters with at most this many stories are run inside tantivy (term queries on
#: ``key``) without counting the words' matches first; larger ones go to tantivy or to the
#: filter in Python, whichever costs less for that many matches (:data:`TERM_SET_COST`). At
#: 10,000 stories the read marks' 4,000 keys cost every search 6 ms in tantivy, and the 35
#: hits of a rare word 0.1 ms in Python.
PUSH_DOWN = 256
#: A key in a term set costs tantivy about as much as this many hits filtered in Python. At
#: 1,000,000 stories (CPU time, 2 busy cores) a term set cost about 9 ms + 1.7 us a key (7,600
#: keys 31 ms, 30,000 keys 68 ms, 400,000 keys 690 ms) and the filter 0.4 us a hit (a word's
#: 414,000 hits 164 ms). Sets larger than :data:`PUSH_DOWN` go to tantivy when the words match
#: at least this many times as many stories.
TERM_SET_COST = 4
#: Key sets of at most this many go to tantivy as term queries, larger ones as a term set (see :func:`_with_keys`).
TERM_QUERIES = 1024
#: How many mark sets' places in the newest-first list, and term sets, are kept (see :meth:`Executor._places`).
PLACES_KEPT = 4
#: Hits kept by a state filter in Python (:meth:`Executor._page`) when at most this many are
#: ordered by a search within their keys, and otherwise found in a window of the best hits.
FEW_KEPT = 4096
#: A kept story searched for by its key costs about as much as this many hits of a window: at
#: 1,000,000 stories "zeathtouckvun is:unread" kept 3,306 of 5,514 hits, 25 ms searched for
#: by their keys, 5 ms from a window of every hit (so the few kept are searched for only when
#: their hits are this many times as many).
KEPT_KEY_COST = 8
#: How far past a limited page we fetch, to order hits tied across its end (bounds the cost).
TIE_WINDOW = 512
#: Ties of more hits keep tantivy's order (by document), not newest first: a window of hits may
#: hold part of one, and only tantivy's part is the same whatever the window (see :func:`_break_ties`).
#: A tie at a page's cut running past :data:`TIE_WINDOW` is fetched this far past the cut.
LARGE_TIE = 4096
#: Hits whose keys a state filter in Python looks up at a time, asking between them whether
#: the search is still wanted (about 15 ms each at 1,000,000 stories).
CHUNK = 65_536
#: A first page comes before the count (``count_later``) only when the marks' share of the
#: words' matches is at least this many pages (see :meth:`Executor._page_first`).
ESTIMATED_PAGES = 2
#: At most this many index terms per field stand for one prefix* (only 1-2 letter prefixes get near it).
MAX_EXPANSION = 20_000
#: A phrase ending in a prefix stands for at most this many words per field, each a phrase of its own
#: (see :func:`_phrase_ending`); past it, tantivy's phrase prefix query, which takes the first 50 a segment.
PHRASE_WORDS = 256
#: A prefix standing for at most this many terms in a field is a query of each (see :func:`_any_term`).
FEW_TERMS = 32

Hit = tuple[Any, tantivy.DocAddress]
T = TypeVar("T")
#: A query that is one word over several fields: the fields and the indexed token (:func:`_bare_word`).
Word = tuple[tuple[str, ...], str]


class SearchUnavailable(QueryError):
    """The index failed while searching and could not be repaired (a QueryError, so the
    search bar shows the message and keeps its previous results)."""


@dataclass(frozen=True, slots=True)
class IndexView:
    """What a search needs of the open index at one moment (the index swaps them on reload)."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    generation: int  # changes whenever the index's contents may have
    exotic: Mapping[int, str]  # keys of story ids that are not 16 hex digits
    # the store's stories newest first, as the reader lists them, when they are the index's
    # stories (None: they are not, or cannot be told to be): see :meth:`Executor._order`
    listed: Callable[[], Newest | None] | None = None


#: Most story ids :meth:`Executor._ids` keeps (about 15 MB of a reader's memory at most).
ID_CACHE_MAX = 100_000


class Executor:
    """Runs queries for one index; keeps the key -> id cache and the newest-first list between them."""

    def __init__(self) -> None:
        self._marked: tuple[object, Marked] | None = None  # (what it was made from, kept alive; the index)
        self._id_cache: dict[int, str] = {}
        self._newest_cache: tuple[tuple[int, int], Newest] | None = None
        # ((what the newest-first list was made from, id of a key set), the set kept alive, :meth:`_places` of it),
        # latest first
        self._placed: list[tuple[tuple[object, int], Set[int], Sequence[int]]] = []
        # the same, for :meth:`_places_without`
        self._unplaced: list[tuple[tuple[object, int], Set[int], Sequence[int]]] = []
        self._term_sets: list[tuple[tuple[int, int], Set[int], tantivy.Query]] = []  # the same, for :meth:`_term_set`
        self._bm25: tuple[tuple[int, int], Bm25 | None] | None = None  # (generation, stories), what BM25 counts

    def _marked_view(self, states: Mapping[str, StoryState]) -> MarkedView:
        """The index of the marks ``states`` came from and the changes on top (made once per load
        of the marks, on the first search that asks about them)."""
        base: Mapping[str, StoryState] = states
        changes: Mapping[str, StoryState] = {}
        origin: object = states
        if isinstance(states, LazyStates):
            base, changes, origin = states.base(), states.changes, states.origin
        if self._marked is None or self._marked[0] is not origin:
            keys = markkeys.load(states.user) if isinstance(states, LazyStates) else None
            self._marked = (origin, Marked(keys.marks) if keys else Marked.of(base))
        return self._marked[1], changes

    def run(self, view: IndexView, query: Query, states: Mapping[str, StoryState], limit: int | None,
            offset: int = 0, stop: Callable[[], bool] = never, count_later: bool = False) -> SearchResult:
        """Ids in relevance order (newest first with sort:date or no words), ties newest first then
        by id (see :func:`_break_ties`): those at places ``offset`` (a page listed already) up to
        ``limit``. Ties are put in order only from the
        tie at ``offset`` on: a deep page at 1,000,000 stories ordered 92,000 hits to keep 2,000.
        Raises SearchCancelled between steps once ``stop()`` is true.

        ``count_later``: a first page whose marks are filtered in Python may come with an
        estimated total (``counted`` False) rather than wait for the pass that counts (see
        :meth:`_filtered`); the same search with ``limit`` 0 counts."""
        word = query.last_word
        held = self._held(view, word, _among_others(query, word)) if word is not None else True
        if held is False:
            query = begun(query)  # a word still being typed: "ferr" finds "ferry"
        found = self._matched_query(view, query, states, limit, offset, stop, count_later)
        if held is None and not found.total and not found.ids:  # no story holds "covid-1" as a phrase
            found = self._matched_query(view, begun(query), states, limit, offset, stop, count_later)
        return found

    def _matched_query(self, view: IndexView, query: Query, states: Mapping[str, StoryState], limit: int | None,
                       offset: int, stop: Callable[[], bool], count_later: bool) -> SearchResult:
        """:meth:`run` once the query's last word is taken as typed or as begun."""
        terms = list(query.terms)
        empty = SearchResult([], 0, terms, query)
        searcher = view.searcher
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        scoring = False
        for group in query.text_groups:
            built = [(t, q) for t in group if (q := self._term_query(t, view)) is not None]
            if not built:
                continue  # e.g. "!!!" beside searchable words: the words left are searched
            if len(built) == 1 and built[0][0].negated:
                clauses.append((tantivy.Occur.MustNot, built[0][1]))
            elif len(built) == 1:
                clauses.append((tantivy.Occur.Must, built[0][1]))
                scoring = scoring or built[0][0] != query.begun  # a word still typed ranks nothing: see begun
            else:
                options = [(tantivy.Occur.Should, _negate(q) if t.negated else q) for t, q in built]
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(options)))
                scoring = scoring or any(not t.negated and t != query.begun for t, _ in built)
        if query.text_groups and not clauses:  # only punctuation or over-long words: never "everything"
            raise QueryError(NOTHING_TO_SEARCH)  # said before any tag is looked at, as the fallback does
        allow: Set[int] | None = None
        deny: Set[int] = _NO_KEYS
        if query.tag_groups or query.bookmarked is not None or query.read is not None:
            # Only then the marks: going through a million of them is for the first search that asks.
            allow, deny = _state_sets(query, self._marked_view(states))
        if query.new is not None:  # the latest fetch's few stories (see store.feeds.latest)
            allow, deny = _with_new(query, allow, deny)
        within = allow  # what ``allow`` is narrowed from (see :meth:`_places`)
        if allow is not None:
            if deny:
                allow = allow - deny  # a new set (iterates ``allow``): the cached sets stay as they are
            deny = _NO_KEYS
            if not allow:
                return empty
        if query.after or query.before:
            lower = day_number(query.after) if query.after else 1
            upper = day_number(query.before) if query.before else 99991232
            if upper <= lower:
                return empty
            clauses.append((tantivy.Occur.Must, tantivy.Query.range_query(
                view.schema, "day", tantivy.FieldType.Integer, lower, upper, include_lower=True,
                include_upper=False)))
        if not clauses:
            listed = self._newest_with_state(view, query, allow, deny, limit, within)
            return replace(listed, ids=listed.ids[offset:]) if offset else listed
        if allow is None and len(deny) > PUSH_DOWN and searcher.num_docs - len(deny) <= PUSH_DOWN:
            # e.g. is:unread when most stories are read: the few allowed ones go to tantivy.
            newest = self._order(view)
            if self._owned(deny):
                allow = {newest.keys[i] for i in self._places_without(newest, deny)}
            else:
                allow = set(newest.keys).difference(deny)
            deny = _NO_KEYS
            if not allow:
                return empty
        marks, occur = (allow, tantivy.Occur.Must) if allow is not None else (deny, tantivy.Occur.MustNot)
        if not any(o == tantivy.Occur.Must for o, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        keep: Set[int] | None = None  # filter the hits in Python: keep those in (with ``drop``: not in) it
        drop = False
        matched = 0  # how many stories the clauses match, when counted
        estimate: int | None = None  # how many the marks keep, when a first page may come before its count
        word = _bare_word(query) if len(clauses) == 1 else None  # the query is one word: see wordtop
        if marks:
            if len(marks) > PUSH_DOWN:
                matched = self._matched(view, word, clauses)
                go_on(stop)
            drops = occur == tantivy.Occur.MustNot
            if count_later and not offset and limit:
                estimate = self._estimated(view, marks, drops, matched, limit)
            # A first page that may come before its count is found in Python even where tantivy
            # would count sooner: at 1,000,000 stories "zen -is:bookmarked" 71 ms as a term set, 9 ms so.
            if estimate is None and (len(marks) <= PUSH_DOWN or len(marks) * TERM_SET_COST <= matched):
                clauses.append((occur, self._term_set(view, marks)))
            else:
                keep, drop = marks, drops
        tq = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        if len(clauses) > 1:
            word = None  # the marks joined it as a term set
        by_date = query.sort == "date" or not scoring
        n = searcher.num_docs
        if n == 0:
            return empty
        if keep is not None:
            if estimate is not None and limit:
                return self._page_first(view, tq, by_date, keep, drop, matched, estimate, limit, terms, query, stop,
                                        word=word)
            return self._filtered(view, tq, by_date, keep, drop, matched, limit, offset, terms, query, stop, word=word)
        wanted = n if limit is None else max(0, min(limit, n))
        # The hits up to the tie window past the cut at once, to order any tied across it: ties
        # at the cut are common (by score, or newest first stories of one day, dated without a
        # time), and a second search cost more than the extra hits (5 ms against 0.5 ms for a
        # common word at 1M stories).
        fetch = min(n, wanted + TIE_WINDOW)
        hits, total = self._best(view, tq, by_date, word, fetch)
        if fetch < total and len(hits) >= fetch and wanted and fetch < wanted + LARGE_TIE and (
                hits[-1][0] == hits[min(wanted, len(hits)) - 1][0]):
            fetch = min(total, wanted + LARGE_TIE)  # the tie at the cut ran past the window: whole, or a large one
            hits, total = self._best(view, tq, by_date, word, fetch)
        hits, keys = _break_ties(searcher, _tied_cut(hits, wanted), offset, by_date)
        ids = self._ids(view, keys[offset:wanted] if keys is not None else self._keys(view, hits[offset:wanted]))
        return SearchResult(ids, total, terms, query)

    def _best(self, view: IndexView, tq: tantivy.Query, by_date: bool, word: Word | None,
              fetch: int) -> tuple[list[Hit], int]:
        """The ``fetch`` best hits (newest, ``by_date``) and how many stories match."""
        if not by_date and word is not None and (bm25 := self._bm25_of(view)):
            found = best_of_word(view.searcher, view.schema, bm25, *word, max(fetch, 1))  # see wordtop
            if found is not None:
                return found
        result = view.searcher.search(tq, limit=max(fetch, 1), count=True,
                                      order_by_field="when" if by_date else None, order=tantivy.Order.Desc)
        return result.hits, int(result.count or 0)  # type: ignore[attr-defined]  # not in tantivy's stub

    def _best_hits(self, view: IndexView, word: Word, fetch: int) -> list[Hit] | None:
        """The ``fetch`` best hits of the one-word query ``word`` from :mod:`.wordtop`; None
        when that way cannot tell (the caller searches the whole query)."""
        bm25 = self._bm25_of(view)
        return best_hits_of_word(view.searcher, view.schema, bm25, *word, fetch) if bm25 is not None else None

    def _bm25_of(self, view: IndexView) -> Bm25 | None:
        """What tantivy's BM25 counts for this searcher (read once per change of the index)."""
        marker = (view.generation, view.searcher.num_docs)
        if self._bm25 is None or self._bm25[0] != marker:
            self._bm25 = (marker, Bm25.of(view.searcher, view.schema))
        return self._bm25[1]

    def _matched(self, view: IndexView, word: Word | None, clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> int:
        """How many stories the clauses match: a bare word's (``word``: they are that word alone)
        from its fields' counts (:mod:`.wordtop`)."""
        if word is not None and (bm25 := self._bm25_of(view)):
            counted = count_of_word(view.searcher, view.schema, bm25, *word)
            if counted is not None:
                return counted
        return self._count(view.searcher, clauses)

    @staticmethod
    def _count(searcher: tantivy.Searcher, clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> int:
        """How many stories the clauses match (without scoring them: a few ms for 400,000)."""
        tq = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        found = searcher.search(tantivy.Query.const_score_query(tq, 1.0), limit=1, count=True)
        return int(found.count or 0)  # type: ignore[attr-defined]  # not in tantivy's stub

    def _filtered(self, view: IndexView, tq: tantivy.Query, by_date: bool, keep: Set[int], drop: bool, matched: int,
                  limit: int | None, offset: int, terms: list[str], query: Query,
                  stop: Callable[[], bool], word: Word | None = None) -> SearchResult:
        """The hits (``matched`` of them) whose key is in ``keep`` (not in it, with ``drop``),
        in the order of all hits.

        The total is exact: every hit's key is looked up, from a pass that neither scores nor
        orders the hits (at 1,000,000 stories a word's 417,000 hits cost 69 ms so, 156 ms
        scored and ordered). The page is then found among the best hits alone (see :meth:`_page`).
        The hits are looked up ``CHUNK`` at a time, asking ``stop`` after each: at 1,000,000
        stories this pass takes 0.2-0.3 s, which the next key typed should not wait for.
        """
        searcher = view.searcher
        every = searcher.search(tantivy.Query.const_score_query(tq, 1.0), limit=max(1, matched), count=False).hits
        keys: list[int] = []
        marked: set[int] = set()
        for start in range(0, len(every), CHUNK):
            go_on(stop)
            part = self._keys(view, every[start:start + CHUNK])
            keys += part
            marked.update(keep.intersection(part) if isinstance(keep, set | frozenset)
                          else filter(keep.__contains__, part))
        go_on(stop)
        total = len(keys) - len(marked) if drop else len(marked)
        wanted = total if limit is None else max(0, min(limit, total))
        if not wanted:
            return SearchResult([], total, terms, query)
        if total <= FEW_KEPT and drop:
            marked = {k for k in keys if k not in keep}
        kept = self._page(view, tq, by_date, keep, drop, marked, len(keys), total, wanted, offset, stop, word)
        return SearchResult(self._ids(view, self._keys(view, kept[offset:wanted])), total, terms, query)

    def _page_first(self, view: IndexView, tq: tantivy.Query, by_date: bool, keep: Set[int], drop: bool,
                    matched: int, estimate: int, limit: int, terms: list[str], query: Query,
                    stop: Callable[[], bool], word: Word | None = None) -> SearchResult:
        """The first ``limit`` kept hits of :meth:`_filtered` without its pass over every hit (at
        1,000,000 stories a word with ``is:unread`` took 250 ms so, 16 ms without), and the
        ``estimate`` of :meth:`_estimated` as their total."""
        kept = self._page(view, tq, by_date, keep, drop, _NO_KEYS, matched, estimate, limit, 0, stop, word)
        ids = self._ids(view, self._keys(view, kept[:limit]))
        return SearchResult(ids, max(estimate, len(ids)), terms, query, counted=False)

    @staticmethod
    def _estimated(view: IndexView, keep: Set[int], drop: bool, matched: int, limit: int) -> int | None:
        """How many of the ``matched`` stories the marks keep, estimated from their share of every
        story; None when that is under a few pages: then the estimate could be far off, and a
        window sized by it could grow to every hit anyway (:meth:`_filtered` counts them)."""
        share = len(keep) / max(1, view.searcher.num_docs)
        estimate = round(matched * (1 - share if drop else share))
        return estimate if estimate >= max(ESTIMATED_PAGES * limit, FEW_KEPT) else None

    def _page(self, view: IndexView, tq: tantivy.Query, by_date: bool, keep: Set[int], drop: bool,
              marked: Set[int], found: int, total: int, wanted: int, offset: int,
              stop: Callable[[], bool], word: Word | None = None) -> list[Hit]:
        """The first ``wanted`` of the ``total`` kept hits (of ``found``), in their final order
        from ``offset`` on.

        Few kept (``marked`` is then their keys): a search within their keys. Many: the best
        hits in a window sized for the share kept, made larger until it holds ``wanted`` kept
        hits and every hit tied with the last of them, so the page is the one a pass over all
        hits would give. A one-word query (``word``) takes its window from :mod:`.wordtop` where
        it can: at 1,000,000 stories the 4,000 best of "fex" in 4.5 ms against 7.0.
        """
        searcher = view.searcher
        field = "when" if by_date else None
        if total <= FEW_KEPT and total * KEPT_KEY_COST < found:  # else a window of every hit costs less
            # scored 0: each hit keeps its score to the bit, ties and all
            only = _with_keys(view.schema, marked, 0.0)
            both = tantivy.Query.boolean_query([(tantivy.Occur.Must, tq), (tantivy.Occur.Must, only)])
            kept = searcher.search(both, limit=total, count=False, order_by_field=field, order=tantivy.Order.Desc).hits
            return _break_ties(searcher, _tied_cut(kept, wanted), offset, by_date)[0]
        window = min(found, (wanted + TIE_WINDOW) * found // total + TIE_WINDOW)
        while True:
            go_on(stop)
            hits = self._best_hits(view, word, window) if word is not None and not by_date else None
            if hits is None:
                hits = searcher.search(tq, limit=window, count=False, order_by_field=field,
                                       order=tantivy.Order.Desc).hits
            flags: Iterable[bool] = map(keep.__contains__, self._keys(view, hits))
            kept = list(compress(hits, map(not_, flags) if drop else flags))
            if window >= found:
                break
            if len(kept) >= wanted and hits[-1][0] < kept[wanted - 1][0]:
                break  # no hit left out of the window ties the last one kept (by score or by date)
            window = min(found, window * 4)
        return _break_ties(searcher, _tied_cut(kept, wanted), offset, by_date)[0]

    @staticmethod
    def _keys(view: IndexView, hits: list[Hit]) -> list[int]:
        """The story keys of hits, in their order (every document has one)."""
        return view.searcher.fast_field_values("key", [addr for _, addr in hits])  # type: ignore[return-value]

    def _ids(self, view: IndexView, keys: list[int]) -> list[str]:
        """Story ids of keys, through a key -> id cache (the mapping never changes; a hit's id
        costs a dict look-up instead of a format). Emptied when it would pass :data:`ID_CACHE_MAX`:
        a long session's searches must not keep every story's id."""
        cache = self._id_cache
        try:
            return list(map(cache.__getitem__, keys))
        except KeyError:
            if len(keys) > ID_CACHE_MAX:
                return [view.exotic.get(key) or f"{key:016x}" for key in keys]
            if len(cache) + len(keys) > ID_CACHE_MAX:
                cache.clear()
            for key in keys:
                if key not in cache:
                    cache[key] = view.exotic.get(key) or f"{key:016x}"
            return list(map(cache.__getitem__, keys))

    def _order(self, view: IndexView) -> Newest:
        """Every story the index holds, newest first: the store's list as the reader shows it
        when it holds the same stories (no sort of the index, no Python int per story: the
        first search with a mark at a million stories, issue 17), else the index sorted on
        ``when`` (:meth:`_newest`). The store's list breaks ties of ``when`` as the reader's list
        does, and orders dates with other UTC offsets as their text, as that list does too."""
        listed = view.listed() if view.listed is not None else None
        if listed is not None:
            self._newest_cache = None  # not kept beside the store's list
            return listed
        return self._newest(view)

    def _newest(self, view: IndexView) -> Newest:
        """Every story in the index, newest first on ``when``; cached until the index changes."""
        searcher, n = view.searcher, view.searcher.num_docs
        cached = self._newest_cache
        if cached is not None and cached[0] == (view.generation, n):
            return cached[1]
        keys: list[int] = []
        if n:
            hits = searcher.search(tantivy.Query.all_query(), limit=n, count=False, order_by_field="when",
                                   order=tantivy.Order.Desc).hits
            keys = self._keys(view, hits)
        newest = Newest(keys, ("index", view.generation, n))
        self._newest_cache = ((view.generation, n), newest)
        return newest

    def _term_set(self, view: IndexView, keys: Set[int]) -> tantivy.Query:
        """A term set on ``key``, kept for the marks index's own sets: made from a Python list
        it cost 6 ms for 7,600 keys and 22 ms for 30,000, on every key typed."""
        marker = (view.generation, id(keys))
        query = _kept(self._term_sets, marker, keys)
        if query is not None:
            return query
        query = _with_keys(view.schema, keys, 1.0)
        if self._owned(keys):
            self._term_sets = [(marker, keys, query), *self._term_sets[:PLACES_KEPT - 1]]
        return query

    def _places(self, newest: Newest, keys: Set[int], within: Set[int] | None = None) -> Sequence[int]:
        """The places in the newest-first list of the stories of ``keys`` the index holds, in
        order (one pass over the list: 50-90 ms at a million stories). Kept for the marks
        index's own sets, which stay the same objects while a query is typed; a set made for
        one search is not kept alive, and its places are picked from those of a kept set that
        holds it (``within``, or one placed before): ``tag:x -is:read`` typed at a million
        stories went through the list at every key (50 ms), now through the tag's places."""
        marker = (newest.made, id(keys))
        for i, (made, kept, places) in enumerate(self._placed):
            if made == marker and kept is keys:
                if i:
                    self._placed.insert(0, self._placed.pop(i))
                return places
        owned = self._owned(keys)
        source = within if within is not None and within is not keys and not owned and self._owned(within) else None
        if source is None and not owned:
            source = next((kept for made, kept, _ in self._placed
                           if made[0] == newest.made and len(kept) >= len(keys) and keys <= kept), None)
        if source is not None:
            order = newest.keys
            places = array("I", [p for p in self._places(newest, source) if order[p] in keys])
        else:
            places = array("I", compress(range(len(newest.keys)), map(keys.__contains__, newest.keys)))
        if owned:
            self._placed = [(marker, keys, places), *self._placed[:PLACES_KEPT - 1]]
        return places

    def _places_without(self, newest: Newest, keys: Set[int]) -> Sequence[int]:
        """The places in the newest-first list of the stories not in ``keys``, a marks index's own
        set, kept as :meth:`_places` keeps theirs. ``is:unread`` with nearly every story read went
        through the whole list on every search, to find the few others: 300 ms at a million stories."""
        marker = (newest.made, id(keys))
        places = _kept(self._unplaced, marker, keys)
        if places is not None:
            return places
        places = array("I", compress(range(len(newest.keys)), map(not_, map(keys.__contains__, newest.keys))))
        self._unplaced = [(marker, keys, places), *self._unplaced[:PLACES_KEPT - 1]]
        return places

    def _owned(self, keys: Set[int]) -> bool:
        """Whether ``keys`` is one of the marks index's own sets (kept between searches)."""
        return self._marked is not None and self._marked[1].owns(keys)

    def _newest_with_state(self, view: IndexView, query: Query, allow: Set[int] | None,
                           deny: Set[int], limit: int | None, within: Set[int] | None = None) -> SearchResult:
        """No words and no dates: every story newest first, narrowed by user state in Python."""
        newest = self._order(view)
        terms = list(query.terms)
        stop = None if limit is None else max(0, limit)
        if allow is not None:
            places = self._places(newest, allow, within)
            return SearchResult(self._ids(view, [newest.keys[i] for i in places[:stop]]), len(places), terms, query)
        if not deny:
            return SearchResult(self._ids(view, list(newest.keys[:stop])), len(newest.keys), terms, query)
        if self._owned(deny):
            places = self._places_without(newest, deny)
            return SearchResult(self._ids(view, [newest.keys[i] for i in places[:stop]]), len(places), terms, query)
        kept = list(islice(compress(newest.keys, map(not_, map(deny.__contains__, newest.keys))), stop))
        total = len(kept) if limit is None else len(newest.keys) - len(self._places(newest, deny))
        return SearchResult(self._ids(view, kept), total, terms, query)

    def _held(self, view: IndexView, word: Term, among_others: bool = False) -> bool | None:
        """Whether some story holds ``word`` in a field it is searched in: a term look-up per field,
        a few microseconds (a word of no token is left as it is). None for a word of several pieces
        ("covid-1") whose last piece some story holds: it is held where the pieces follow each
        other, which its search tells (a story holding "1" alone kept "covid-1" from being searched
        as the start of "covid-19"; a search of the phrase first, to know, doubled the cost of a key),
        but for a word left out ("-covid-1") or ``among_others`` of an OR ("ferry OR covid-1"),
        whose search finds stories either way: the phrase's own search tells."""
        tokens = STEMMED.pre_tokenize(spaced(word.text)).tokens
        if not tokens:
            return True
        bm25 = self._bm25_of(view)
        deleted = bm25.docs - view.searcher.num_docs if bm25 is not None else None
        if not holds(view.searcher, view.schema, FIELD_GROUPS[word.field], tokens[-1].text, deleted):
            return False
        if len(tokens) == 1:
            return True
        if word.negated or among_others:  # the query finds stories either way: only the phrase's own search tells
            phrase = self._term_query(replace(word, negated=False), view)
            return phrase is None or bool(view.searcher.search(phrase, 1, count=False).hits)
        return None

    def _term_query(self, term: Term, view: IndexView) -> tantivy.Query | None:
        """The tantivy query for one text term over its fields; None if it has no searchable token."""
        if term.field == FEED_FIELD:  # feed:"Title": the source is that whole title
            key = feed_key(term.text)
            return tantivy.Query.term_query(view.schema, FEED_FIELD, key) if key else None
        fields = FIELD_GROUPS[term.field]
        per_field: list[tantivy.Query]
        if term.kind == "prefix":
            tokens = FOLDED.analyze(spaced(term.text))
            if not tokens:
                return None
            # Each word stemmed whole, as the index holds it: stemming the folded word again would
            # split it where folding put punctuation ("0⑴" folds to "0(1)", not the words 0 and 1).
            stems = STEMMED.analyze(spaced(term.text))
            last = tokens[-1]
            if len(tokens) == 1:
                # The index holds stems, so look for terms starting with the word or with its stem
                # ("ferries*" -> "ferri"). Expanding through the term dictionary is much cheaper
                # than compiling a regex per field.
                options = list(dict.fromkeys([last, *stems[-1:]]))
                whole = stems_begun_by(last)  # stems of words the prefix runs past ("crossin*": "cross")
                per_field = []
                for f in fields:
                    found = {t for o in options for t, _ in view.searcher.terms_with_prefix(f, o, limit=MAX_EXPANSION)}
                    found |= whole
                    if found:
                        per_field.append(_any_term(view, f, sorted(found)))
                if not per_field:
                    return tantivy.Query.empty_query()
                if len(per_field) == 1:
                    return per_field[0]
                return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in per_field])
            else:
                head = stems[:-1]
                if not head:
                    return None
                # The last word as a lone prefix takes it: begun by it or by its stem, or a stem it
                # runs past ('"town celebrat*"' found nothing: "celebrates" is held as "celebr").
                ends = dict.fromkeys([last, *stems[-1:]])
                past = sorted(stems_begun_by(last))
                per_field = [_phrase_ending(view, f, head, list(ends), past) for f in fields]
        else:
            placed = [(t.position, t.text) for t in STEMMED.pre_tokenize(spaced(term.text)).tokens]
            if not placed:
                return None
            if len(placed) == 1:
                per_field = [tantivy.Query.term_query(view.schema, f, placed[0][1]) for f in fields]
            else:
                base = placed[0][0]
                words: list[str | tuple[int, str]] = [(pos - base, word) for pos, word in placed]
                per_field = [tantivy.Query.phrase_query(view.schema, f, words) for f in fields]
        if len(per_field) == 1:
            return per_field[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, boosted(f, q))
                                            for f, q in zip(fields, per_field, strict=True)])


def _phrase_ending(view: IndexView, field_name: str, head: list[str], ends: list[str],
                   past: list[str]) -> tantivy.Query:
    """``head`` then a word begun by one of ``ends`` or one of the stems ``past``, in ``field_name``.

    tantivy's phrase prefix query stands for the first 50 words its prefix begins, per segment
    (tantivy-py gives no way to say more): '"number 12*"' found 50 of 111 stories. Up to
    :data:`PHRASE_WORDS` words, each is a phrase of its own, which finds them all and costs no
    more (at 100,000 stories '"the fe*"', 122 words: 62 ms, the phrase prefix query 68 ms and
    tantivy's regex phrase 143-222 ms; that one cost 0.6-1.9 s for a one-letter prefix, typed on
    the way to "the-state"). Past it, the phrase prefix query's first 50 a segment."""
    words = {w for end in ends for w, _ in view.searcher.terms_with_prefix(field_name, end, limit=PHRASE_WORDS + 1)}
    words.update(past)
    if len(words) <= PHRASE_WORDS:
        return _any_of([tantivy.Query.phrase_query(view.schema, field_name, [*head, w]) for w in sorted(words)]
                       or [tantivy.Query.empty_query()])
    return _any_of([tantivy.Query.phrase_prefix_query(view.schema, field_name, [*head, end]) for end in ends]
                   + [tantivy.Query.phrase_query(view.schema, field_name, [*head, w]) for w in past])


def _any_term(view: IndexView, field_name: str, terms: list[str]) -> tantivy.Query:
    """Stories holding any of ``terms`` in ``field_name``, each scored 1.0 as a term set is.

    Up to :data:`FEW_TERMS` terms, their postings joined: a term set marks its stories in a
    bitset of every document, which grew with the store (at 1,000,000 stories a prefix over
    ten fields took 2.1 ms so, 1.0 ms joined). Past it, the term set."""
    if len(terms) > FEW_TERMS:
        return tantivy.Query.term_set_query(view.schema, field_name, terms)
    held = [t for t in terms if view.searcher.doc_freq(field_name, t)]
    if not held:
        return tantivy.Query.empty_query()
    return tantivy.Query.const_score_query(_any_of([tantivy.Query.term_query(view.schema, field_name, t)
                                                    for t in held]), 1.0)


def _any_of(queries: list[tantivy.Query]) -> tantivy.Query:
    """A query matching what any of ``queries`` matches."""
    return queries[0] if len(queries) == 1 else tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, q) for q in queries])


def _bare_word(query: Query) -> Word | None:
    """The fields and the indexed token of a query that is one word over several fields and
    nothing else (see :mod:`.wordtop`), else None."""
    if len(query.text_groups) != 1 or len(query.text_groups[0]) != 1:
        return None
    term = query.text_groups[0][0]
    fields = FIELD_GROUPS[term.field]
    if term.kind != "word" or term.negated or len(fields) < 2:
        return None
    tokens = STEMMED.pre_tokenize(spaced(term.text)).tokens
    return (fields, tokens[0].text) if len(tokens) == 1 else None


def _with_keys(schema: tantivy.Schema, keys: Iterable[int], score: float) -> tantivy.Query:
    """The stories with these keys, each scored ``score`` (1.0 is what a term set scores).

    A few keys go as term queries, each a lookup in the key dictionary; more as a term set,
    which walks the dictionary: at 1,000,000 stories 100 keys cost 0.4 ms against 4.4 ms, 806
    keys 6 ms against 13 ms, but 7,600 keys 68 ms against 31 ms.
    """
    keys = list(keys)
    if len(keys) > TERM_QUERIES:
        found = tantivy.Query.term_set_query(schema, "key", keys)
    else:
        found = tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(schema, "key", k))
                                             for k in keys])
    return tantivy.Query.const_score_query(found, score)


def _break_ties(searcher: tantivy.Searcher, hits: list[Hit], start: int = 0,
                dated: bool = False) -> tuple[list[Hit], list[int] | None]:
    """Equal scores (or times, for hits newest first) in a fixed order, newest first then the
    highest story key first, from the tie at ``start`` on; a tie of more than :data:`LARGE_TIE`
    hits in tantivy's own order (by document). ``dated``: the hits are newest first, their scores their times.
    With them, their story keys when they were fetched to order them from the first hit (None
    otherwise): a page's ids are made from them, not fetched twice.

    tantivy returns tied hits in segment order, which depends on how indexing threads
    split the work: the same query on the same stories could list them differently. Hits newest
    first were left so: stories of one day that scored alike swapped places as "ferr" became
    "ferry" (its ties ordered, the half word's not). The highest key first is the main list's order
    of stories of one time imported together (a key is its id's number: see ``story_key``).
    The hits before ``start`` (a page listed already) are dropped by the caller, so only
    which of them come first matters: the ties before the one that ``start`` falls in are left
    as they are, and that one is ordered whole.

    A large tie is left as tantivy gives it because a window of hits may hold only part of it
    (a tie at the cut is fetched ``LARGE_TIE`` past it, so a smaller one is always whole in its
    window): tantivy's part is its first members by document whatever the window, while the newest
    of a part changed with the window's size, so the pages of a relevance search overlapped and
    matches were never listed (at 1,000,000 stories 489 of "tethzel"'s 29,678; most of "stos*"'s,
    whose prefix scores every match alike).
    """
    if start:
        if start >= len(hits):
            return hits, None
        first = bisect_left(hits, -hits[start][0], key=_minus_score)  # hits are best first
        tail, keys = _break_ties(searcher, hits[first:], dated=dated)
        return hits[:first] + tail, keys if not first else None
    scores = [score for score, _ in hits]
    changes = list(map(ne, scores, islice(scores, 1, None)))  # best first: a tie is two equal neighbours
    if all(changes):
        return hits, None
    # One sort of (tie, minus time, minus key, place) tuples made in C (a rank tuple made per hit
    # in Python cost a newest-first page of 2,000 at 100,000 stories 4.5 ms): ``dated``, the
    # scores are the times, and only the key is fetched.
    ties = list(accumulate(changes, initial=0))  # each hit's tie, best first
    addresses = [addr for _, addr in hits]
    keys = _known(searcher.fast_field_values("key", addresses))
    minus = [list(map(neg, keys))]
    if not dated:
        minus.insert(0, list(map(neg, _known(searcher.fast_field_values("when", addresses)))))
    if len(hits) > LARGE_TIE and max((sizes := Counter(ties)).values()) > LARGE_TIE:
        large = {tie for tie, size in sizes.items() if size > LARGE_TIE}  # in tantivy's order: ranked by place
        minus = [[0 if tie in large else r for tie, r in zip(ties, rank, strict=True)] for rank in minus]
    places = list(map(itemgetter(-1), sorted(zip(ties, *minus, range(len(hits)), strict=True))))
    pick = itemgetter(*places)  # (two hits at least: a tie)
    return list(pick(hits)), list(pick(keys))


def _known(values: list[Any]) -> list[int]:
    """Integer fast field values with 0 for a missing one (every story has one: a damaged index aside)."""
    return [value or 0 for value in values] if None in values else values


def _minus_score(hit: Hit) -> float:
    return -hit[0]


def _tied_cut(hits: list[Hit], wanted: int) -> list[Hit]:
    """The first ``wanted`` of hits in score order and those tied with the last of them (the
    ones that may move above the cut once ties are ordered)."""
    if wanted >= len(hits):
        return hits
    if wanted <= 0:
        return []
    cut, last = wanted, hits[wanted - 1][0]
    while cut < len(hits) and hits[cut][0] == last:
        cut += 1
    return hits[:cut]


def _kept(cache: Sequence[tuple[object, Set[int], T]], marker: object, keys: Set[int]) -> T | None:
    """What ``cache`` keeps for the set ``keys`` itself (kept alive beside it), made from ``marker``."""
    return next((value for made, kept, value in cache if made == marker and kept is keys), None)


def _negate(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                        (tantivy.Occur.MustNot, query)])


_NO_KEYS: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Newest:
    """Every story in the index newest first, by key (the ids of those shown are made as
    needed: a million took 1.4 s; so are the places of a set of keys, by one pass over the
    list, where a dict of each key's place took 0.85 s and 100 MB to make)."""

    keys: Sequence[int]  # an array("Q") when read from the store's listing
    made: object  # what it was made from (the store's token, or the index's generation), never reused


def _mark_test(mark: str) -> Callable[[StoryState], bool]:
    """Whether a state has ``mark``: "read", "bookmarked" or "tag:" and a tag (compared as ``tag:``
    compares them: see :func:`~broadsheet.store.search.query.tag_key`)."""
    if mark == "read":
        return attrgetter("read")
    if mark == "bookmarked":
        return attrgetter("bookmarked")
    key = tag_key(mark.removeprefix("tag:"))
    return lambda state: key in tag_keys(state.tags)


@dataclass(frozen=True, slots=True)
class Marked:
    """Story keys by mark ("read", "bookmarked", "tag:" and a tag), from one pass over the marks:
    kept while the marks are the same, so typing a search with ``tag:`` or ``is:`` does not go
    through a million marks per key. Loaded keys (``marks.bin``) become a mark's set when a search
    first asks for that mark: at a million stories the read marks' set is 400,000 keys, some 30 MB
    and 40 ms that ``is:bookmarked`` need not wait for.

    A tag searched is every tag of the same :func:`~broadsheet.store.search.query.tag_key`
    ("café" and "cafe"): the tags' names are folded, once, not every story's marks."""

    _keys: Mapping[str, Sequence[int]]  # mark -> its keys, as loaded (made into sets as asked for)
    _sets: dict[str, set[int]] = field(default_factory=dict)  # mark -> its set, those made so far
    # the sets with the changes since the load laid over, for the latest changes only:
    # ("changes", the changes) and mark -> its set
    _overlaid: dict[object, Any] = field(default_factory=dict)
    _spellings: dict[str, list[str]] = field(default_factory=dict)  # tag_key -> its tags' marks, once asked for

    @classmethod
    def of(cls, states: Mapping[str, StoryState]) -> Marked:
        sets: dict[str, set[int]] = {"read": set(), "bookmarked": set()}
        for sid, state in states.items():
            if not (state.bookmarked or state.read or state.tags):
                continue
            key = story_key(sid)
            if state.bookmarked:
                sets["bookmarked"].add(key)
            if state.read:
                sets["read"].add(key)
            for tag in state.tags:
                sets.setdefault("tag:" + tag, set()).add(key)
        return cls({}, sets)

    @property
    def read(self) -> Set[int]:
        return self.keys_of("read")

    @property
    def bookmarked(self) -> Set[int]:
        return self.keys_of("bookmarked")

    @property
    def tags(self) -> dict[str, Set[int]]:
        """Every tag's set (makes those not made yet)."""
        marks = {*self._keys, *self._sets}
        return {mark.removeprefix("tag:"): self.keys_of(mark) for mark in marks if mark.startswith("tag:")}

    def keys_of(self, mark: str) -> Set[int]:
        """This index's set of ``mark`` (made on the first call, then the same object); a mark
        no story has is the empty set, not kept (each tag typed a letter at a time is one)."""
        found = self._sets.get(mark)
        if found is None:
            loaded = self._keys.get(mark)
            if not loaded:
                return _NO_KEYS
            found = self._sets[mark] = set(loaded)
        return found

    def _tagged(self, tag: str) -> Set[int]:
        """Keys of the stories with a tag whose :func:`tag_key` is ``tag``'s: that one tag's set
        itself (the usual case), else the union of its spellings' sets, made once."""
        spellings = self._spellings
        if not spellings:  # the first tag asked for: every tag's name folded, once
            for mark in {*self._keys, *self._sets}:
                if mark.startswith("tag:"):
                    spellings.setdefault(tag_key(mark[4:]), []).append(mark)
            spellings[""] = []  # made (no tag's key is empty), even for a store of no tags
        key = tag_key(tag)
        marks = spellings.get(key, [])
        if len(marks) <= 1:
            return self.keys_of(marks[0]) if marks else _NO_KEYS
        found = self._sets.get("folded:" + key)
        if found is None:
            found = self._sets["folded:" + key] = set().union(*map(self.keys_of, marks))
        return found

    def owns(self, keys: Set[int]) -> bool:
        """Whether ``keys`` is one of this index's sets (or one laid over with the latest changes)."""
        return any(keys is s for s in self._sets.values()) or any(keys is s for s in self._overlaid.values())

    def having(self, mark: str, changes: Mapping[str, StoryState]) -> Set[int]:
        """Keys of the stories with ``mark`` ("read", "bookmarked", "tag:" and a tag, as ``tag:``
        compares them): this index's set with the ``changes`` made since taken in (made once per
        change, not per key typed)."""
        keys = self._tagged(mark[4:]) if mark.startswith("tag:") else self.keys_of(mark)
        if not changes:
            return keys
        overlaid = self._overlaid
        if overlaid.get("changes") is not changes:
            overlaid.clear()
            overlaid["changes"] = changes
        made = overlaid.get(mark)
        if made is None:
            has = _mark_test(mark)
            changed = {story_key(sid): has(state) for sid, state in changes.items()}
            made = overlaid[mark] = (keys - changed.keys()) | {key for key, yes in changed.items() if yes}
        return made


MarkedView = tuple[Marked, Mapping[str, StoryState]]


def _among_others(query: Query, word: Term) -> bool:
    """Whether ``word`` is one of the words of an OR ("ferry OR covid-1")."""
    return any(word in group and len(group) > 1 for group in query.text_groups)


def _with_new(query: Query, allow: Set[int] | None, deny: Set[int]) -> tuple[Set[int] | None, Set[int]]:
    """``allow`` and ``deny`` (as :func:`_state_sets` gives them) narrowed by ``is:new`` to the
    latest fetch's stories, or with ``-is:new`` those denied too: new sets, a few thousand keys."""
    fresh = {story_key(sid) for sid in query.fresh}
    if query.new:
        return (fresh if allow is None else {key for key in fresh if key in allow}), deny
    return allow, (fresh | deny if deny else fresh)


def _state_sets(query: Query, marked: MarkedView) -> tuple[Set[int] | None, Set[int]]:
    """Keys a result must be among (None: any) and keys it must not be, from the user's state:
    an index of the marks and the changes since. The sets returned may be the index's own: never
    change them."""
    allow: Set[int] | None = None
    denied: list[Set[int]] = []

    def narrow(keys: Set[int]) -> None:
        nonlocal allow
        allow = keys if allow is None else allow & keys

    def having(mark: str) -> Set[int]:
        return marked[0].having(mark, marked[1])

    for group in query.tag_groups:
        held = [having(f"tag:{tag_key(t.text)}") for t in group if not t.negated]
        lacked = [having(f"tag:{tag_key(t.text)}") for t in group if t.negated]
        if not lacked:
            narrow(held[0] if len(held) == 1 else set().union(*held))
        else:  # a story fails the group holding every tag left out and none of the others
            fails = reduce(and_, lacked)
            denied.append(fails - set().union(*held) if held else fails)
    for mark, wanted in (("bookmarked", query.bookmarked), ("read", query.read)):
        if wanted is not None:
            if wanted:
                narrow(having(mark))
            else:
                denied.append(having(mark))
    if not denied:
        return allow, _NO_KEYS
    if len(denied) == 1:
        return allow, denied[0]  # the cached set itself: no copy of a large set per key typed
    return allow, set().union(*denied)
