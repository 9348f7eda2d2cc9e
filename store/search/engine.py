"""The search index of one store: open (repairing if needed), add (an import), rebuild, search.

The index lives in ``<store>/index``; TinyDB stays the record. Beside tantivy's files
``broadsheet-stamp.json`` records the schema version and the identity (inode, mtime,
size) of ``articles.json`` when the index last matched the store. Opening compares that
identity with one ``stat``: equal means fresh. When it differs (an import by a process
that did not update the index, or a crash between the two writes) the index's story keys
are compared with the store's, and missing stories are added or the index is rebuilt.
A missing or unreadable index, stamp or schema is rebuilt; each repair is reported
through ``on_message``. Index writes happen only under ``store.lock``.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import compress, filterfalse, islice
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson
import tantivy
from filelock import Timeout

from broadsheet.store.model import Article
from broadsheet.store.search.query import Query, QueryError, Term, parse_query
from broadsheet.store.search.schema import (
    BOOSTS,
    FIELD_GROUPS,
    FOLDED,
    SCHEMA_VERSION,
    STEMMED,
    build_schema,
    day_number,
    is_plain_id,
    register,
    story_document,
    story_key,
)
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.userstate import StoryState

STAMP = "broadsheet-stamp.json"
#: State filters with at most this many stories are run inside tantivy (a term set on
#: ``key``); larger ones filter the full hit list in Python.
PUSH_DOWN = 4096
WRITER_HEAP = 128_000_000
#: How far past a limited page we fetch to order hits tied across its end (bounds the cost).
TIE_WINDOW = 512
#: At most this many index terms per field stand for one prefix* (only 1-2 letter prefixes get near it).
MAX_EXPANSION = 20_000
_FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


class IndexBusy(Exception):
    """Another writer (an import in another process) holds the index's tantivy writer lock."""


def _new_writer(index: tantivy.Index) -> tantivy.IndexWriter:
    try:
        return index.writer(heap_size=WRITER_HEAP)
    except ValueError as exc:
        if "LockBusy" in str(exc):
            raise IndexBusy("another process is writing the search index") from None
        raise

Message = Callable[[str], None]
Hit = tuple[Any, tantivy.DocAddress]
Progress = Callable[[int, int], None]


class SearchUnavailable(QueryError):
    """The index failed while searching and could not be repaired (a QueryError, so the
    search bar shows the message and keeps its previous results)."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    ids: list[str]  # story ids in result order
    total: int  # matches in all, before ``limit``
    terms: list[str]  # positive words, phrases and prefixes as typed, for highlighting
    query: Query = field(default_factory=Query)


def _articles_identity(store: Store) -> list[int] | None:
    try:
        st = (store.folder / "articles.json").stat()
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def _read_stamp(folder: Path) -> dict[str, Any] | None:
    try:
        data = orjson.loads((folder / STAMP).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class SearchIndex:
    """A tantivy index over one store's stories. Build one with :meth:`open`."""

    def __init__(self, folder: Path | None, index: tantivy.Index, exotic: dict[int, str] | None = None) -> None:
        self.folder = folder  # None for a temporary in-memory index
        self._index = index
        self._schema = index.schema
        self._exotic = dict(exotic or {})  # keys of ids that are not 16 hex digits
        self._meta_key = self._current_meta_key()
        self._id_cache: dict[int, str] = {}
        self._newest_cache: tuple[tuple[int, int], list[str], dict[str, int]] | None = None
        self._generation = 0  # bumped on every reload: keys the newest-first cache

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, store: Store, on_message: Message | None = None) -> SearchIndex:
        """Open ``<store>/index``, rebuilding or catching it up when missing, stale or damaged."""
        folder = store.folder / "index"
        say = on_message or (lambda _m: None)
        stamp = _read_stamp(folder)
        problem = cls._problem(folder, stamp)
        opened: SearchIndex | None = None
        if problem is None:
            try:
                opened = cls._open_existing(folder, stamp or {})
            except BaseException as exc:
                if isinstance(exc, _FATAL):
                    raise
                problem = "damaged"
        if opened is not None and stamp and stamp.get("articles") == _articles_identity(store):
            return opened
        try:
            with store.lock:
                if opened is None and cls._problem(folder, _read_stamp(folder)) is None:
                    # Another process repaired it while we waited for the lock.
                    with contextlib.suppress(Exception):
                        opened = cls._open_existing(folder, _read_stamp(folder) or {})
                if opened is not None:
                    return opened._catch_up(store, say)
                index = cls._build_fresh(store, folder, None)
                count = len(index)
        except (Timeout, IndexBusy, OSError) as exc:
            # Another process holds the store past the lock timeout or is importing, or the
            # folder is read-only or full: serve this session from memory rather than fail.
            why = "the store is busy" if isinstance(exc, (Timeout, IndexBusy)) else "it cannot be written"
            if opened is not None:
                say(f"Search index is out of date and {why}; results may miss new stories")
                return opened
            index = cls(None, cls._new_tantivy(None))
            count = index._fill(store, None)
            say(f"Search index was {problem} and {why}; using a temporary index of {_stories(count)}")
            return index
        say(f"Search index was {problem}; rebuilt {_stories(count)}")
        return index

    @classmethod
    def reindex(cls, store: Store, on_progress: Progress | None = None) -> SearchIndex:
        """``broadsheet reindex``: rebuild ``<store>/index`` from TinyDB, whatever state it is in."""
        folder = store.folder / "index"
        with store.lock:
            index: SearchIndex | None = None
            stamp = _read_stamp(folder)
            if cls._problem(folder, stamp) is None:
                try:
                    index = cls._open_existing(folder, stamp or {})
                except BaseException as exc:
                    if isinstance(exc, _FATAL):
                        raise
            if index is None:
                return cls._build_fresh(store, folder, on_progress)
            index.rebuild(store, on_progress)
            return index

    @staticmethod
    def _problem(folder: Path, stamp: dict[str, Any] | None) -> str | None:
        if not folder.is_dir() or not (folder / "meta.json").exists():
            return "missing"
        if stamp is None:
            return "damaged (no readable stamp)"
        if stamp.get("schema") != SCHEMA_VERSION:
            return "from another version"
        return None

    @classmethod
    def _open_existing(cls, folder: Path, stamp: dict[str, Any]) -> SearchIndex:
        index = tantivy.Index.open(str(folder))
        register(index)
        exotic = {int(k): str(v) for k, v in (stamp.get("exotic") or {}).items()}
        opened = cls(folder, index, exotic)
        searcher = index.searcher()
        if searcher.num_docs:  # touch the postings, so a damaged segment fails here
            hits = searcher.search(tantivy.Query.all_query(), limit=1).hits
            searcher.fast_field_values("key", [addr for _, addr in hits])
        return opened

    @staticmethod
    def _new_tantivy(folder: Path | None) -> tantivy.Index:
        index = tantivy.Index(build_schema(), path=str(folder) if folder else None, reuse=False)
        register(index)
        return index

    @classmethod
    def _build_fresh(cls, store: Store, folder: Path, on_progress: Progress | None) -> SearchIndex:
        """Build a new index beside ``folder``, then swap it in (caller holds the lock).

        Readers in other processes never see a half-built index: until the swap they keep the
        old one (their open files stay readable), and afterwards they reload the new one.
        """
        building = folder.with_name(f".{folder.name}-building")
        retired = folder.with_name(f".{folder.name}-retired")
        _remove(building)
        building.mkdir(parents=True)
        fresh = cls(building, cls._new_tantivy(building))
        fresh._fill(store, on_progress)
        del fresh  # drop its handles on the folder before it moves
        _remove(retired)
        if folder.is_dir() and not folder.is_symlink():
            folder.rename(retired)
        else:
            _remove(folder)
        building.rename(folder)
        _remove(retired)
        return cls._open_existing(folder, _read_stamp(folder) or {})

    def _catch_up(self, store: Store, say: Message) -> SearchIndex:
        """The store changed since the stamp: add what is missing, or rebuild. Caller holds the lock."""
        metas = {m.id: m for m in store.stories()}
        wanted = {story_key(sid): sid for sid in metas}
        indexed = set(self._all_keys())
        if indexed == wanted.keys():
            self._write_stamp(store)
            return self
        missing = [metas[wanted[k]] for k in wanted.keys() - indexed]
        extra = indexed - wanted.keys()  # stories deleted by another process
        if extra and len(extra) + len(missing) > len(wanted) // 2:  # mostly other stories: start again
            count = self.rebuild(store)
            say(f"Search index was out of date; rebuilt {_stories(count)}")
            return self
        self._write(store, missing, None, drop=extra)
        if missing:
            say(f"Search index was behind the store; added {_stories(len(missing))}")
        return self

    def remove(self, store: Store, story_ids: Iterable[str]) -> None:
        """Drop deleted stories from the index (under the store's lock, like every index write)."""
        with store.lock:
            self._write(store, [], None, drop={story_key(sid) for sid in story_ids})

    # -- writing ----------------------------------------------------------------------------

    def rebuild(self, store: Store, on_progress: Progress | None = None) -> int:
        """Re-index every story of ``store`` from TinyDB. Returns the number of stories."""
        with store.lock:
            metas = store.stories()
            if self.folder is not None and not self._healthy():
                fresh = self._build_fresh(store, self.folder, on_progress)
                self._index, self._schema, self._exotic = fresh._index, fresh._schema, fresh._exotic
                self._meta_key, self._generation = fresh._meta_key, self._generation + 1
                return len(metas)
            self._exotic = {}
            return self._write(store, metas, on_progress, clear=True)

    def _fill(self, store: Store, on_progress: Progress | None) -> int:
        return self._write(store, store.stories(), on_progress)

    def _healthy(self) -> bool:
        try:
            self._index.searcher()
            return self._index.schema is not None
        except BaseException as exc:
            if isinstance(exc, _FATAL):
                raise
            return False

    def _write(self, store: Store, metas: list[StoryMeta], on_progress: Progress | None, *,
               clear: bool = False, drop: Iterable[int] = ()) -> int:
        writer = _new_writer(self._index)
        try:
            if clear:
                writer.delete_all_documents()
            for key in drop:
                writer.delete_documents_by_query(tantivy.Query.term_query(self._schema, "key", key))
            total = len(metas)
            metas = sorted(metas, key=lambda m: (m.shard, m.id))  # read each body shard once
            for done, meta in enumerate(metas, 1):
                writer.add_document(self._document(meta.id, store.article_of(meta)))
                if on_progress and (done % 500 == 0 or done == total):
                    on_progress(done, total)
            if on_progress and not total:
                on_progress(0, 0)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
            raise
        self._committed(store)
        return len(metas)

    def _document(self, story_id: str, article: Article) -> tantivy.Document:
        """The story's document; an id that is not 16 hex digits is remembered by its key."""
        if not is_plain_id(story_id):
            self._exotic[story_key(story_id)] = story_id
        return story_document(story_id, article)

    def _committed(self, store: Store) -> None:
        """After a commit: searches see it, and the stamp says how far the index has got."""
        self._index.reload()
        self._generation += 1
        self._write_stamp(store)

    def adder(self, store: Store) -> IndexAdder:
        """A writer kept open for many batches (an import); see :class:`IndexAdder`."""
        return IndexAdder(self, store, _new_writer(self._index))

    def _write_stamp(self, store: Store) -> None:
        """Record that the index matches ``articles.json`` as it is now (if it does)."""
        if self.folder is None:
            return
        identity: list[int] | str | None = _articles_identity(store)
        if self._index.searcher().num_docs != len(store):
            identity = "incomplete"  # someone else's stories are not in yet: check again on the next open
        stamp = {"schema": SCHEMA_VERSION, "articles": identity,
                 "exotic": {str(k): v for k, v in self._exotic.items()}}
        atomic_write_bytes(self.folder / STAMP, orjson.dumps(stamp))
        self._meta_key = self._current_meta_key()

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._searcher().num_docs

    def _current_meta_key(self) -> tuple[int, int, int] | None:
        return _stat_key(self.folder / "meta.json") if self.folder else None

    def _searcher(self) -> tantivy.Searcher:
        """The current searcher, reloaded when another process has committed since."""
        if self.folder is not None:
            key = self._current_meta_key()
            if key != self._meta_key:
                try:
                    self._index.reload()
                except BaseException as exc:
                    if isinstance(exc, _FATAL):
                        raise
                    # Mid-rewrite by another process: keep serving the last good generation
                    # (its files stay readable) and try again on the next search.
                    return self._index.searcher()
                self._meta_key = key
                self._generation += 1
                stamp = _read_stamp(self.folder) or {}
                self._exotic = {int(k): str(v) for k, v in (stamp.get("exotic") or {}).items()}
        return self._index.searcher()

    def _all_keys(self) -> list[int]:
        searcher = self._searcher()
        if not searcher.num_docs:
            return []
        hits = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs, count=False).hits
        return [int(k) for k in searcher.fast_field_values("key", [addr for _, addr in hits]) if k is not None]

    def search(self, text: str, *, states: Mapping[str, StoryState], limit: int | None = None,
               offset: int = 0) -> SearchResult:
        """Run the search bar's ``text``. Raises :class:`QueryError` (only) for a bad query.

        ``limit`` caps the ids returned (``total`` still counts every match); ``offset`` skips
        that many first, for paging. At 50,000 stories a word in every story costs ~15 ms
        with ``limit=None`` (tantivy-py makes one Python object per hit) and ~1 ms with a
        limit of a screenful or two.
        """
        return self.run(parse_query(text), states=states, limit=limit, offset=offset)

    def run(self, query: Query, *, states: Mapping[str, StoryState], limit: int | None = None,
            offset: int = 0) -> SearchResult:
        """Run a parsed query: ids in relevance order (newest first with sort:date or no words)."""
        offset = max(0, offset)
        stop = None if limit is None else offset + max(0, limit)
        result = self._run_retrying(query, states, stop)
        return replace(result, ids=result.ids[offset:]) if offset else result

    def _run_retrying(self, query: Query, states: Mapping[str, StoryState], limit: int | None) -> SearchResult:
        for _attempt in range(2):
            try:
                return self._run(query, states, limit)
            except QueryError:
                raise
            except BaseException as exc:
                if isinstance(exc, _FATAL):
                    raise
            # Another process may have replaced the files under us: reload once and retry.
            self._meta_key = None
        raise SearchUnavailable("The search index is damaged; run broadsheet reindex")

    def _run(self, query: Query, states: Mapping[str, StoryState], limit: int | None) -> SearchResult:
        terms = list(query.terms)
        empty = SearchResult([], 0, terms, query)
        allow, deny = _state_sets(query, states)
        if allow is not None:
            allow -= deny
            deny = set()
            if not allow:
                return empty
        searcher = self._searcher()
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        scoring = False
        for group in query.text_groups:
            built = [(t, q) for t in group if (q := self._term_query(t, searcher)) is not None]
            if not built:
                continue
            if len(built) == 1 and built[0][0].negated:
                clauses.append((tantivy.Occur.MustNot, built[0][1]))
            elif len(built) == 1:
                clauses.append((tantivy.Occur.Must, built[0][1]))
                scoring = True
            else:
                options = [(tantivy.Occur.Should, _negate(q) if t.negated else q) for t, q in built]
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(options)))
                scoring = scoring or any(not t.negated for t, _ in built)
        if query.after or query.before:
            lower = day_number(query.after) if query.after else 1
            upper = day_number(query.before) if query.before else 99991232
            if upper <= lower:
                return empty
            clauses.append((tantivy.Occur.Must, tantivy.Query.range_query(
                self._schema, "day", tantivy.FieldType.Integer, lower, upper, include_lower=True,
                include_upper=False)))
        if not clauses:
            return self._newest_with_state(searcher, query, allow, deny, limit)
        if allow is None and len(deny) > PUSH_DOWN and searcher.num_docs - len(deny) <= PUSH_DOWN:
            # e.g. is:unread when most stories are read: the few allowed ones go to tantivy.
            allow = self._newest(searcher)[1].keys() - deny
            deny = set()
            if not allow:
                return empty
        python_filter: Callable[[str], bool] | None = None
        if allow is not None:
            if len(allow) <= PUSH_DOWN:
                keys = [story_key(sid) for sid in allow]
                clauses.append((tantivy.Occur.Must, tantivy.Query.term_set_query(self._schema, "key", keys)))
            else:
                python_filter = allow.__contains__
        elif deny:
            if len(deny) <= PUSH_DOWN:
                keys = [story_key(sid) for sid in deny]
                clauses.append((tantivy.Occur.MustNot, tantivy.Query.term_set_query(self._schema, "key", keys)))
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
        ids = self._ids(searcher, hits)
        if python_filter is None:
            return SearchResult(ids, int(result.count or 0), terms, query)
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

    def _ids(self, searcher: tantivy.Searcher, hits: list[tuple[Any, tantivy.DocAddress]]) -> list[str]:
        """Story ids of hits, through a key -> id cache (the mapping never changes)."""
        keys = [k for k in searcher.fast_field_values("key", [addr for _, addr in hits]) if k is not None]
        cache = self._id_cache
        try:
            return list(map(cache.__getitem__, keys))
        except KeyError:
            for key in keys:
                if key not in cache:
                    cache[key] = self._exotic.get(key) or f"{key:016x}"
            return list(map(cache.__getitem__, keys))

    def _newest(self, searcher: tantivy.Searcher) -> tuple[list[str], dict[str, int]]:
        """Every story id newest first, and each id's position; cached until the index changes."""
        n = searcher.num_docs
        cached = self._newest_cache
        if cached is not None and cached[0] == (self._generation, n):
            return cached[1], cached[2]
        ids: list[str] = []
        if n:
            hits = searcher.search(tantivy.Query.all_query(), limit=n, count=False, order_by_field="when",
                                   order=tantivy.Order.Desc).hits
            ids = self._ids(searcher, hits)
        rank = {sid: i for i, sid in enumerate(ids)}
        self._newest_cache = ((self._generation, n), ids, rank)
        return ids, rank

    def _newest_with_state(self, searcher: tantivy.Searcher, query: Query, allow: set[str] | None,
                           deny: set[str], limit: int | None) -> SearchResult:
        """No words and no dates: every story newest first, narrowed by user state in Python."""
        newest, rank = self._newest(searcher)
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

    def _term_query(self, term: Term, searcher: tantivy.Searcher) -> tantivy.Query | None:
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
                    found = {t for o in options for t, _ in searcher.terms_with_prefix(f, o, limit=MAX_EXPANSION)}
                    if found:
                        per_field.append(tantivy.Query.term_set_query(self._schema, f, sorted(found)))
                if not per_field:
                    return tantivy.Query.empty_query()
                if len(per_field) == 1:
                    return per_field[0]
                return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in per_field])
            else:
                head = STEMMED.analyze(" ".join(tokens[:-1]))
                if not head:
                    return None
                per_field = [tantivy.Query.phrase_prefix_query(self._schema, f, [*head, last]) for f in fields]
        else:
            tokens = [(t.position, t.text) for t in STEMMED.pre_tokenize(term.text).tokens]
            if not tokens:
                return None
            if len(tokens) == 1:
                per_field = [tantivy.Query.term_query(self._schema, f, tokens[0][1]) for f in fields]
            else:
                base = tokens[0][0]
                words = [(pos - base, word) for pos, word in tokens]
                per_field = [tantivy.Query.phrase_query(self._schema, f, words) for f in fields]
        if len(per_field) == 1:
            return per_field[0]
        boosted = [tantivy.Query.boost_query(q, BOOSTS[f]) if f in BOOSTS else q for f, q in zip(fields, per_field,
                                                                                                   strict=True)]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in boosted])


class IndexAdder:
    """Adds batch after batch of stored stories through one tantivy writer (an import).

    tantivy indexes what it is given in its own threads, so each batch is indexed while the
    import parses the next, and :meth:`commit` has little left to do. Opening a writer,
    committing and waiting for merges once per batch cost 0.4 s each; indexing everything
    in one go at the end left the parse workers idle for seconds. Each batch and commit
    runs under ``store.lock``, like every index write; between them the writer's own lock
    keeps other processes' writers out (they report the index as busy and catch up later).
    """

    def __init__(self, index: SearchIndex, store: Store, writer: tantivy.IndexWriter) -> None:
        self.index, self.store = index, store
        self._writer: tantivy.IndexWriter | None = writer
        self.pending = 0  # added since the last commit

    def add(self, stored: Iterable[tuple[str, Article]], replaced: Iterable[tuple[str, Article]] = ()) -> int:
        """Queue newly stored stories, given as (story id, article), skipping any the index has,
        and the new content of stories whose content was replaced (``replaced``).

        The importer hands over the articles it has just stored, so nothing is read back.
        """
        index, writer, added = self.index, self._live(), 0
        with self.store.lock:
            searcher = index._searcher()
            for sid, article in dict(stored).items():
                if not searcher.doc_freq("key", story_key(sid)):
                    writer.add_document(index._document(sid, article))
                    added += 1
            for sid, article in dict(replaced).items():
                writer.delete_documents_by_query(tantivy.Query.term_query(index._schema, "key", story_key(sid)))
                writer.add_document(index._document(sid, article))
                added += 1
        self.pending += added
        return added

    def _live(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise RuntimeError("this IndexAdder was closed")
        return self._writer

    def commit(self) -> None:
        writer = self._live()
        with self.store.lock:
            writer.commit()
            self.index._committed(self.store)
        self.pending = 0

    def close(self) -> None:
        """Commit what is left and let the writer go (its merges finished)."""
        try:
            self.commit()
            self._live().wait_merging_threads()  # consumes the writer, releasing its lock
        except BaseException:
            self.abandon()
            raise
        self._writer = None

    def abandon(self) -> None:
        """Drop what was not committed; the next :meth:`SearchIndex.open` catches up from the store."""
        writer, self._writer = self._writer, None  # dropping it releases the writer lock
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.rollback()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _stories(count: int) -> str:
    return f"{count:,} {'story' if count == 1 else 'stories'}"


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

