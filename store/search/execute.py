"""Query execution: a parsed :class:`Query` against one searcher of the index, with the user's state.

Words, phrases, prefixes and dates run inside tantivy; tags, bookmarks and read marks are
not indexed, so they become sets of story ids, pushed into tantivy when small
(:data:`PUSH_DOWN`) and filtered in Python otherwise. The index's life cycle (opening,
repairing, writing) is :mod:`broadsheet.store.search.engine`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import compress, filterfalse, islice
from operator import attrgetter
from typing import Any

import tantivy

from broadsheet.store.search.analysis import FIELD_GROUPS, day_number
from broadsheet.store.search.query import NOTHING_TO_SEARCH, Query, QueryError, SearchResult, Term
from broadsheet.store.search.schema import BOOSTS, FOLDED, STEMMED
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.userstate import StoryState

#: State filters with at most this many stories are run inside tantivy (a term set on
#: ``key``); larger ones filter the full hit list in Python.
PUSH_DOWN = 4096
#: How far past a limited page we fetch to order hits tied across its end (bounds the cost).
TIE_WINDOW = 512
#: At most this many index terms per field stand for one prefix* (only 1-2 letter prefixes get near it).
MAX_EXPANSION = 20_000

Hit = tuple[Any, tantivy.DocAddress]


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


class Executor:
    """Runs queries for one index; keeps the key -> id cache and the newest-first list between them."""

    def __init__(self) -> None:
        self._id_cache: dict[int, str] = {}
        self._newest_cache: tuple[tuple[int, int], list[str], dict[str, int]] | None = None

    def run(self, view: IndexView, query: Query, states: Mapping[str, StoryState], limit: int | None) -> SearchResult:
        """Ids in relevance order (newest first with sort:date or no words), at most ``limit``."""
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
                scoring = True
            else:
                options = [(tantivy.Occur.Should, _negate(q) if t.negated else q) for t, q in built]
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(options)))
                scoring = scoring or any(not t.negated for t, _ in built)
        if query.text_groups and not clauses:  # only punctuation or over-long words: never "everything"
            raise QueryError(NOTHING_TO_SEARCH)  # said before any tag is looked at, as the fallback does
        allow, deny = _state_sets(query, states)
        if allow is not None:
            allow -= deny
            deny = set()
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
            return self._newest_with_state(view, query, allow, deny, limit)
        if allow is None and len(deny) > PUSH_DOWN and searcher.num_docs - len(deny) <= PUSH_DOWN:
            # e.g. is:unread when most stories are read: the few allowed ones go to tantivy.
            allow = self._newest(view)[1].keys() - deny
            deny = set()
            if not allow:
                return empty
        python_filter: Callable[[str], bool] | None = None
        if allow is not None:
            if len(allow) <= PUSH_DOWN:
                keys = [story_key(sid) for sid in allow]
                clauses.append((tantivy.Occur.Must, tantivy.Query.term_set_query(view.schema, "key", keys)))
            else:
                python_filter = allow.__contains__
        elif deny:
            if len(deny) <= PUSH_DOWN:
                keys = [story_key(sid) for sid in deny]
                clauses.append((tantivy.Occur.MustNot, tantivy.Query.term_set_query(view.schema, "key", keys)))
            else:
                python_filter = lambda sid: sid not in deny  # noqa: E731
        if not any(occur == tantivy.Occur.Must for occur, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        tq = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        by_date = query.sort == "date" or not scoring
        n = searcher.num_docs
        if n == 0:
            return empty
        wanted = n if limit is None or python_filter else max(0, min(limit, n))
        fetch = wanted if by_date else min(n, wanted + 1)  # one more, to see a tie at the cut
        while True:
            result = searcher.search(tq, limit=max(fetch, 1), count=python_filter is None,
                                     order_by_field="when" if by_date else None, order=tantivy.Order.Desc)
            hits = result.hits
            if (by_date or wanted == 0 or len(hits) <= wanted or fetch >= min(n, wanted + TIE_WINDOW)
                    or hits[wanted - 1][0] != hits[wanted][0]):
                break
            fetch = min(n, wanted + TIE_WINDOW, fetch * 2)  # hits tied across the cut: fetch them, then order
        if not by_date:
            hits = self._break_ties(searcher, hits)
        hits = hits[:wanted]
        ids = self._ids(view, hits)
        if python_filter is None:
            return SearchResult(ids, int(result.count or 0), terms, query)  # type: ignore[attr-defined]  # not in tantivy's stub
        ids = [sid for sid in ids if python_filter(sid)]
        return SearchResult(ids if limit is None else ids[: max(0, limit)], len(ids), terms, query)

    @staticmethod
    def _break_ties(searcher: tantivy.Searcher, hits: list[Hit]) -> list[Hit]:
        """Equal scores in a fixed order, newest first then by story key.

        tantivy returns tied hits in segment order, which depends on how indexing threads
        split the work: the same query on the same stories could list them differently.
        """
        scores = [score for score, _ in hits]
        if len(set(scores)) == len(scores):
            return hits
        addresses = [addr for _, addr in hits]
        whens = searcher.fast_field_values("when", addresses)
        keys = searcher.fast_field_values("key", addresses)
        rank = list(zip([-x for x in scores], [-(w or 0) for w in whens], [k or 0 for k in keys], strict=True))
        return [hits[i] for i in sorted(range(len(hits)), key=rank.__getitem__)]

    def _ids(self, view: IndexView, hits: list[Hit]) -> list[str]:
        """Story ids of hits, through a key -> id cache (the mapping never changes)."""
        keys = [int(k) for k in view.searcher.fast_field_values("key", [addr for _, addr in hits]) if k is not None]
        cache = self._id_cache
        try:
            return list(map(cache.__getitem__, keys))
        except KeyError:
            for key in keys:
                if key not in cache:
                    cache[key] = view.exotic.get(key) or f"{key:016x}"
            return list(map(cache.__getitem__, keys))

    def _newest(self, view: IndexView) -> tuple[list[str], dict[str, int]]:
        """Every story id newest first, and each id's position; cached until the index changes."""
        searcher, n = view.searcher, view.searcher.num_docs
        cached = self._newest_cache
        if cached is not None and cached[0] == (view.generation, n):
            return cached[1], cached[2]
        ids: list[str] = []
        if n:
            hits = searcher.search(tantivy.Query.all_query(), limit=n, count=False, order_by_field="when",
                                   order=tantivy.Order.Desc).hits
            ids = self._ids(view, hits)
        rank = {sid: i for i, sid in enumerate(ids)}
        self._newest_cache = ((view.generation, n), ids, rank)
        return ids, rank

    def _newest_with_state(self, view: IndexView, query: Query, allow: set[str] | None,
                           deny: set[str], limit: int | None) -> SearchResult:
        """No words and no dates: every story newest first, narrowed by user state in Python."""
        newest, rank = self._newest(view)
        terms = list(query.terms)
        if allow is not None:
            ids = sorted(rank.keys() & allow, key=rank.__getitem__)
            return SearchResult(ids if limit is None else ids[: max(0, limit)], len(ids), terms, query)
        if not deny:
            return SearchResult(newest if limit is None else newest[: max(0, limit)], len(newest), terms, query)
        if limit is None:
            ids = list(filterfalse(deny.__contains__, newest))
            return SearchResult(ids, len(ids), terms, query)
        total = len(newest) - len(rank.keys() & deny)
        return SearchResult(list(islice(filterfalse(deny.__contains__, newest), max(0, limit))), total, terms, query)

    def _term_query(self, term: Term, view: IndexView) -> tantivy.Query | None:
        """The tantivy query for one text term over its fields; None if it has no searchable token."""
        fields = FIELD_GROUPS[term.field]
        per_field: list[tantivy.Query]
        if term.kind == "prefix":
            tokens = FOLDED.analyze(term.text)
            if not tokens:
                return None
            last = tokens[-1]
            if len(tokens) == 1:
                # The index holds stems, so look for terms starting with the word or with its stem
                # ("ferries*" -> "ferri"). Expanding through the term dictionary is much cheaper
                # than compiling a regex per field.
                options = list(dict.fromkeys([last, *STEMMED.analyze(last)]))
                per_field = []
                for f in fields:
                    found = {t for o in options for t, _ in view.searcher.terms_with_prefix(f, o, limit=MAX_EXPANSION)}
                    if found:
                        per_field.append(tantivy.Query.term_set_query(view.schema, f, sorted(found)))
                if not per_field:
                    return tantivy.Query.empty_query()
                if len(per_field) == 1:
                    return per_field[0]
                return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in per_field])
            else:
                head = STEMMED.analyze(" ".join(tokens[:-1]))
                if not head:
                    return None
                per_field = [tantivy.Query.phrase_prefix_query(view.schema, f, [*head, last]) for f in fields]
        else:
            placed = [(t.position, t.text) for t in STEMMED.pre_tokenize(term.text).tokens]
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
        boosted = [tantivy.Query.boost_query(q, BOOSTS[f]) if f in BOOSTS else q for f, q in zip(fields, per_field,
                                                                                                   strict=True)]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in boosted])


def _negate(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                        (tantivy.Occur.MustNot, query)])


def _tag_matches(term: Term, state: StoryState) -> bool:
    has = term.text in state.tags
    return has != term.negated


_READ = attrgetter("read")
_BOOKMARKED = attrgetter("bookmarked")


def _state_sets(query: Query, states: Mapping[str, StoryState]) -> tuple[set[str] | None, set[str]]:
    """Ids a result must be among (None: any) and ids it must not be, from the user's state."""
    allow: set[str] | None = None
    deny: set[str] = set()

    def narrow(ids: set[str]) -> None:
        nonlocal allow
        allow = ids if allow is None else allow & ids

    for group in query.tag_groups:
        if len(group) == 1:  # the usual case, kept cheap for 50,000 states
            tag = group[0].text
            tagged = {sid for sid, st in states.items() if tag in st.tags}
            if group[0].negated:
                deny |= tagged
            else:
                narrow(tagged)
        elif any(t.negated for t in group):
            # Stories without state have no tags, so they match; only stateful ones can fail.
            deny |= {sid for sid, st in states.items() if not any(_tag_matches(t, st) for t in group)}
        else:
            narrow({sid for sid, st in states.items() if any(_tag_matches(t, st) for t in group)})
    if query.bookmarked is not None:
        marked = set(compress(states.keys(), map(_BOOKMARKED, states.values())))
        if query.bookmarked:
            narrow(marked)
        else:
            deny |= marked
    if query.read is not None:
        seen = set(compress(states.keys(), map(_READ, states.values())))
        if query.read:
            narrow(seen)
        else:
            deny |= seen
    return allow, deny
