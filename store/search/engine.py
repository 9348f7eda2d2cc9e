"""The search index's life cycle: open (repairing if needed), add (an import), rebuild, stamp.

The index lives in ``<store>/index``; TinyDB stays the record. Beside tantivy's files
``broadsheet-stamp.json`` records the schema version and the identity (inode, mtime,
size) of the store's ``meta/stamp.json`` when the index last matched the store. Opening compares that
identity with one ``stat``: equal means fresh. When it differs (an import by a process
that did not update the index, or a crash between the two writes) the index's story keys
are compared with the store's, and missing stories are added or the index is rebuilt.
A missing or unreadable index, stamp or schema is rebuilt; each repair is reported
through ``on_message``. Index writes happen only under ``store.lock``. Running a query is
:mod:`broadsheet.store.search.execute`'s business; :meth:`SearchIndex.run` hands it the
current searcher and retries once when another process replaced the files meanwhile.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import tantivy
from filelock import Timeout

from broadsheet.store.errors import NOT_WRITABLE
from broadsheet.store.model import Article
from broadsheet.store.search.execute import Executor, IndexView, Newest, SearchUnavailable
from broadsheet.store.search.ioerror import as_os_error
from broadsheet.store.search.pageout import PageOut
from broadsheet.store.search.query import Query, QueryError, SearchCancelled, SearchResult, never, parse_query
from broadsheet.store.search.schema import SCHEMA_VERSION, build_schema, register, story_document
from broadsheet.store.search.wordtop import holds
from broadsheet.store.storage import reindexing
from broadsheet.store.storage.atomic import atomic_write_bytes, rename_durably
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.directory import is_plain_id, story_key
from broadsheet.store.storage.userstate import StoryState
from broadsheet.store.wording import n_stories

STAMP = "broadsheet-stamp.json"
#: A rebuild of this many stories or more is said before it starts, not only once done: about
#: 2 s at 10,000 stories, minutes at a million (as after an upgrade that changed the schema).
ANNOUNCED_REBUILD = 10_000
WRITER_HEAP = 128_000_000
#: Ranges of keys the indexed keys are read in when the index is checked story by story (a
#: power of two; story keys are spread evenly, so some 16,000 a range at a million).
KEY_RANGES = 64
_FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


class IndexBusy(Exception):
    """Another writer (an import in another process) holds the index's tantivy writer lock."""


def _new_writer(index: tantivy.Index) -> tantivy.IndexWriter:
    """One indexing thread: each thread writes its own segment per commit, and every segment repeats
    its term dictionary. At 10k stories one thread made the index 8% smaller (15.6 against 17.0 MB
    after an import, 14.9 against 15.9 after a reindex) at the same import rate on 2 cores, where the
    parse workers keep both cores busy anyway (issue 17)."""
    try:
        return index.writer(heap_size=WRITER_HEAP, num_threads=1)
    except ValueError as exc:
        if "LockBusy" in str(exc):
            raise IndexBusy("another process is writing the search index") from None
        raise

Message = Callable[[str], None]
Progress = Callable[[int, int], None]


def _articles_identity(store: Store) -> list[int] | None:
    identity = store.articles_identity()
    return None if identity is None else list(identity)


def _matches(stamp: dict[str, Any], store: Store) -> bool:
    """Whether the index's stamp says it matches the store's stories as they are: the same
    identity of ``meta/stamp.json`` (one stat), or else the same content (a copied store: its
    files have other inodes, and a catch-up compares every story's key, 280 MB at a million)."""
    if stamp.get("articles") == _articles_identity(store):
        return True
    token = stamp.get("store")
    return isinstance(token, str) and token == store.articles_token()


def _cannot_write(exc: BaseException) -> bool:
    """Whether opening the index failed for want of writing its folder (its lock file)."""
    found = as_os_error(exc)
    return found is not None and found.errno in NOT_WRITABLE


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
        self._executor = Executor()
        self._generation = 0  # bumped on every reload: keys the newest-first cache
        self.write_error: OSError | None = None  # why open() could not write the index (a full disk)
        self._store: Store | None = None  # the store opened for: its list of stories stands for the index's
        self._behind = False  # the last reload failed: the searcher is older than meta.json says
        self._stamped: tuple[tuple[int, int, int] | None, str | None] = (None, None)  # (stamp's identity, its token)
        self._listed: tuple[str, Newest] | None = None  # (store token, its stories newest first), see _listed_order

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, store: Store, on_message: Message | None = None, on_added: Message | None = None,
             on_progress: Progress | None = None) -> SearchIndex:
        """Open ``<store>/index``, rebuilding or catching it up when missing, stale or damaged.

        ``on_message`` hears of problems and rebuilds (a long rebuild before it begins, too:
        minutes at a million stories); ``on_added`` (else ``on_message``) of stories the store had and the
        index lacked, added: routine after a delete is undone; ``on_progress`` of a rebuild's
        progress."""
        index = cls._opened(store, on_message, on_added, on_progress)
        index._store = store
        return index

    @classmethod
    def _opened(cls, store: Store, on_message: Message | None, on_added: Message | None,
                on_progress: Progress | None) -> SearchIndex:
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
                opened = cls._open_copy(folder, stamp or {}) if _cannot_write(exc) else None
                if opened is None:
                    problem = "damaged"
        if opened is not None and stamp and _matches(stamp, store) and not reindexing.pending(store.folder):
            return opened
        try:
            with store.lock:
                if opened is None and cls._problem(folder, _read_stamp(folder)) is None:
                    # Another process repaired it while we waited for the lock.
                    with contextlib.suppress(Exception):
                        opened = cls._open_existing(folder, _read_stamp(folder) or {})
                if opened is not None:
                    return opened._catch_up(store, say, on_added or say)
                if len(store) >= ANNOUNCED_REBUILD:
                    say(f"Search index was {problem}; rebuilding it from {n_stories(len(store))}")
                index = cls._build_fresh(store, folder, on_progress)
                count = len(index)
        except (Timeout, IndexBusy, OSError) as exc:
            # Another process holds the store past the lock timeout or is importing, or the
            # folder is read-only or full: serve this session from memory rather than fail.
            why = "the store is busy" if isinstance(exc, (Timeout, IndexBusy)) else "it cannot be written"
            if not isinstance(exc, (Timeout, IndexBusy)):
                why += f" ({exc.strerror or exc})"
            if opened is not None:
                say(f"Search index is out of date and {why}; results may miss new stories")
                opened.write_error = exc if isinstance(exc, OSError) else None
                return opened
            index = cls(None, cls._new_tantivy(None))
            index.write_error = exc if isinstance(exc, OSError) else None
            count = index._fill(store, None)
            say(f"Search index was {problem} and {why}; using a temporary index of {n_stories(count)}")
            return index
        if count:  # a brand-new store has no index, and nothing to say of building one of no story
            say(f"Search index was {problem}; rebuilt {n_stories(count)}")
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
                index = cls._build_fresh(store, folder, on_progress)
            else:
                index.rebuild(store, on_progress)
            index._store = store
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

    @classmethod
    def _open_copy(cls, folder: Path, stamp: dict[str, Any]) -> SearchIndex | None:
        """The index of a read-only store, opened from a stand-in in a temporary folder (removed
        with the index): tantivy takes a lock file to open one, and each start of a reader on such a
        store called the index damaged and built one in memory (minutes at a million stories). The
        stand-in copies the small JSON lists and links to the segment files, which tantivy only
        reads: a whole copy took the index's size (1.3 GB at a million stories) in the temporary
        folder, and seconds to make. None when it cannot be made or opened."""
        copy = Path(tempfile.mkdtemp(prefix="broadsheet-index-"))
        try:
            for entry in folder.iterdir():
                if entry.name.endswith(".lock") or not entry.is_file():
                    continue
                if entry.suffix == ".json":  # meta.json, .managed.json: a snapshot, never another writer's next one
                    shutil.copyfile(entry, copy / entry.name)
                else:
                    (copy / entry.name).symlink_to(entry.resolve())
            opened = cls._open_existing(copy, stamp)
        except BaseException as exc:
            shutil.rmtree(copy, ignore_errors=True)
            if isinstance(exc, _FATAL):
                raise
            return None
        weakref.finalize(opened, shutil.rmtree, copy, True)
        return opened

    @staticmethod
    def _new_tantivy(folder: Path | None) -> tantivy.Index:
        try:
            index = tantivy.Index(build_schema(), path=str(folder) if folder else None, reuse=False)
        except ValueError as exc:
            raise as_os_error(exc) or exc from exc
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
        try:
            fresh = cls(building, cls._new_tantivy(building))
            fresh._fill(store, on_progress)
        except BaseException:
            _remove(building)  # a full disk: give back the space the half-built index took
            raise
        del fresh  # drop its handles on the folder before it moves
        _remove(retired)
        if folder.is_dir() and not folder.is_symlink():
            folder.rename(retired)
        else:
            _remove(folder)
        rename_durably(building, folder)  # (both renames: one folder holds them) not undone by a power cut
        # Every story's text as it is now (the caller holds the lock), once the new index is the one
        # there for good: cleared before, a crash left the old index, and the texts replaced in it old.
        reindexing.clear(store.folder)
        _remove(retired)
        return cls._open_existing(folder, _read_stamp(folder) or {})

    def _catch_up(self, store: Store, say: Message, added: Message) -> SearchIndex:
        """The store changed since the stamp: add what is missing, or rebuild. Caller holds the lock.

        Holds the indexed keys, sorted (8 bytes a story), a byte a story for those found in the
        store, and the missing stories: a set of keys and a dict of ids held 323 MB at a million.
        First the stories whose text was replaced and not indexed since (see :mod:`~store.storage.reindexing`)."""
        self._index_again(store)
        indexed = self._sorted_keys()
        found = bytearray(len(indexed))
        wanted = 0
        missing: list[StoryMeta] = []  # only these are kept, one shard's records at a time otherwise
        for meta in store.each_story():
            key = story_key(meta.id)
            wanted += 1
            at = bisect_left(indexed, key)
            if at < len(indexed) and indexed[at] == key:
                found[at] = 1
            else:
                missing.append(meta)
        stored = found.count(1)
        if not missing and stored == len(indexed) == wanted:
            self._write_stamp(store)
            return self
        # stories deleted by another process
        extra = [key for key, there in zip(indexed, found, strict=True) if not there] if stored < len(indexed) else []
        del indexed, found
        if extra and len(extra) + len(missing) > wanted // 2:  # mostly other stories: start again
            count = self.rebuild(store)
            say(f"Search index was out of date; rebuilt {n_stories(count)}")
            return self
        missing.sort(key=lambda m: (m.shard, m.id))  # each body shard read once
        self._write(store, ((m, store.article_of(m)) for m in missing), None, drop=extra, total=len(missing))
        if missing:
            added(f"Search index was behind the store; added {n_stories(len(missing))}")
        return self

    def _index_again(self, store: Store) -> None:
        """Index the noted stories' text as it is now (a story deleted since leaves the index)."""
        noted = dict.fromkeys(reindexing.noted(store.folder))
        if not noted:
            reindexing.clear(store.folder)  # (nothing but a line cut short)
            return
        metas = [meta for meta in map(store.meta, noted) if meta is not None]
        self._write(store, ((meta, store.article_of(meta)) for meta in metas), None,
                    drop={story_key(sid) for sid in noted}, total=len(metas))
        reindexing.clear(store.folder)

    def remove(self, store: Store, story_ids: Iterable[str]) -> None:
        """Drop deleted stories from the index (under the store's lock, like every index write)."""
        with store.lock:
            self._write(store, [], None, drop={story_key(sid) for sid in story_ids})

    # -- writing ----------------------------------------------------------------------------

    def rebuild(self, store: Store, on_progress: Progress | None = None) -> int:
        """Re-index every story of ``store`` from TinyDB. Returns the number of stories."""
        with store.lock:
            if self.folder is not None and not self._healthy():
                fresh = self._build_fresh(store, self.folder, on_progress)
                self._index, self._schema, self._exotic = fresh._index, fresh._schema, fresh._exotic
                self._meta_key, self._generation = fresh._meta_key, self._generation + 1
                return len(store)
            self._exotic = {}
            count = self._write(store, store.each_article(), on_progress, clear=True, total=len(store))
            reindexing.clear(store.folder)
            return count

    def _fill(self, store: Store, on_progress: Progress | None) -> int:
        return self._write(store, store.each_article(), on_progress, total=len(store))

    def _healthy(self) -> bool:
        try:
            self._index.searcher()
            return self._index.schema is not None
        except BaseException as exc:
            if isinstance(exc, _FATAL):
                raise
            return False

    def _write(self, store: Store, stories: Iterable[tuple[StoryMeta, Article]], on_progress: Progress | None, *,
               clear: bool = False, drop: Iterable[int] = (), total: int = 0) -> int:
        """Add ``stories`` (``total`` of them, for progress) and drop the stories with keys
        ``drop``, in one commit. A pass over every story comes from ``Store.each_article``,
        which reads each shard once and keeps none (the store's shard cache held 75 MB at 1M)."""
        writer = _new_writer(self._index)
        pages = PageOut(self.folder)  # a merge's source segments stay out of our resident memory
        try:
            if clear:
                writer.delete_all_documents()
            for key in drop:
                writer.delete_documents_by_query(tantivy.Query.term_query(self._schema, "key", key))
            done = 0
            for done, (meta, article) in enumerate(stories, 1):
                writer.add_document(self._document(meta.id, article))
                if on_progress and (done % 500 == 0 or done == total):
                    on_progress(done, max(total, done))
            if on_progress and not done:
                on_progress(0, 0)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException as exc:
            with contextlib.suppress(Exception):
                writer.rollback()
            if (error := as_os_error(exc)) is not None and error is not exc:  # a full disk: an OSError for callers
                raise error from exc
            raise
        finally:
            pages.close()
        self._committed(store)
        return done

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
        """Record that the index matches the store's stories as they are now (if it does)."""
        if self.folder is None:
            return
        identity: list[int] | str | None = _articles_identity(store)
        token = store.articles_token()
        if self._index.searcher().num_docs != len(store):
            identity, token = "incomplete", None  # someone else's stories are not in yet: check again on the next open
        stamp = {"schema": SCHEMA_VERSION, "articles": identity, "store": token,
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
                    self._behind = True
                    return self._index.searcher()
                self._behind = False
                self._meta_key = key
                self._generation += 1
                stamp = _read_stamp(self.folder) or {}
                self._exotic = {int(k): str(v) for k, v in (stamp.get("exotic") or {}).items()}
        return self._index.searcher()

    def _sorted_keys(self) -> array[int]:
        """Every indexed story's key, in order, read a range of keys at a time (a hit is a few
        Python objects: all at once, 150 MB at a million stories)."""
        searcher = self._searcher()
        keys: array[int] = array("Q")
        if not searcher.num_docs:
            return keys
        step = (1 << 64) // KEY_RANGES
        for lower in range(0, 1 << 64, step):
            query = tantivy.Query.range_query(self._schema, "key", tantivy.FieldType.Unsigned, lower,
                                              lower + step - 1)
            count = searcher.search(query, limit=1, count=True).count or 0  # type: ignore[attr-defined]  # not in the stub
            if count:
                hits = searcher.search(query, limit=count, count=False).hits
                keys.extend(sorted({int(k) for k in searcher.fast_field_values("key", [a for _, a in hits])
                                    if k is not None}))  # a story indexed twice is one key
        return keys

    def search(self, text: str, *, states: Mapping[str, StoryState], limit: int | None = None,
               offset: int = 0, stop: Callable[[], bool] = never) -> SearchResult:
        """Run the search bar's ``text``. Raises :class:`QueryError` (only) for a bad query.

        ``limit`` caps the ids returned (``total`` still counts every match); ``offset`` skips
        that many first, for paging. At 50,000 stories a word in every story costs ~15 ms
        with ``limit=None`` (tantivy-py makes one Python object per hit) and ~1 ms with a
        limit of a screenful or two.
        """
        return self.run(parse_query(text), states=states, limit=limit, offset=offset, stop=stop)

    def run(self, query: Query, *, states: Mapping[str, StoryState], limit: int | None = None,
            offset: int = 0, stop: Callable[[], bool] = never, count_later: bool = False) -> SearchResult:
        """Run a parsed query: ids in relevance order (newest first with sort:date or no words).

        A long search asks ``stop`` between its steps and raises :class:`SearchCancelled` once
        it says yes (the reader's search worker, replaced by the next key typed). ``count_later``:
        a first page may come with an estimated total (``counted`` False; see ``Executor.run``)."""
        offset = max(0, offset)
        end = None if limit is None else offset + max(0, limit)
        return self._run_retrying(query, states, end, offset, stop, count_later)

    def _run_retrying(self, query: Query, states: Mapping[str, StoryState], limit: int | None,
                      offset: int, stop: Callable[[], bool], count_later: bool) -> SearchResult:
        for _attempt in range(2):
            try:
                token = self._stamp_token()  # read before the searcher: see _listed_order
                searcher = self._searcher()
                view = IndexView(searcher, self._schema, self._generation, self._exotic,
                                 partial(self._listed_order, token, searcher.num_docs))
                return self._executor.run(view, query, states, limit, offset, stop, count_later)
            except (QueryError, SearchCancelled):
                raise
            except BaseException as exc:
                if isinstance(exc, _FATAL):
                    raise
            # Another process may have replaced the files under us: reload once and retry.
            self._meta_key = None
        raise SearchUnavailable("The search index is damaged; run broadsheet reindex")


    def _stamp_token(self) -> str | None:
        """The store token of the index's stamp: which state of the store's stories the index
        holds (None: unknown, or not all of them). Read again only when the stamp is replaced."""
        if self.folder is None:
            return None
        identity = _stat_key(self.folder / STAMP)
        if identity is None:
            return None
        if identity != self._stamped[0]:
            token = (_read_stamp(self.folder) or {}).get("store")
            self._stamped = (identity, token if isinstance(token, str) else None)
        return self._stamped[1]

    def _listed_order(self, token: str | None, count: int) -> Newest | None:
        """The store's stories newest first, as the reader lists them, when they are exactly the
        ``count`` stories the index holds; None otherwise (the caller sorts the index instead).

        They are when the index's stamp, read before the searcher was taken, names the store as it
        is now: a writer changes the stories, commits the index, then stamps it, all under the
        store's lock, so a stamp read first describes a commit the searcher has, and any change
        since changes the store's token. The list is the listing's keys (8 bytes a story), made
        once per state of the store, never written from here (None when the listing is not up to
        date: an old store, a listing far behind)."""
        store = self._store
        if store is None or token is None or self._behind or store.articles_token() != token:
            return None
        listed = self._listed
        if listed is None or listed[0] != token:
            self._listed = None  # let go of the old list before reading the new one
            try:
                keys = store.listed_keys()
            except Exception:  # a damaged shard or listing block: the listing is a derivative, sort the index
                return None
            if keys is None or store.articles_token() != token:  # changed while it was read
                return None
            listed = self._listed = (token, Newest(keys, ("listed", token)))
        return listed[1] if len(listed[1].keys) == count else None


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
        self._pages = PageOut(index.folder)  # merges run in the background until close(): see pageout
        self.pending = 0  # added since the last commit
        self._replaced: list[str] = []  # stories whose new text was added since the last commit

    def add(self, stored: Iterable[tuple[str, Article]], replaced: Iterable[tuple[str, Article]] = ()) -> int:
        """Queue newly stored stories, given as (story id, article), skipping any the index has,
        and the new content of stories whose content was replaced (``replaced``).

        The importer hands over the articles it has just stored, so nothing is read back.
        """
        index, writer, added = self.index, self._live(), 0
        with self.store.lock:
            searcher = index._searcher()
            for sid, article in dict(stored).items():
                if not holds(searcher, index._schema, ("key",), story_key(sid), None):  # not a deleted one
                    writer.add_document(index._document(sid, article))
                    added += 1
            for sid, article in dict(replaced).items():
                writer.delete_documents_by_query(tantivy.Query.term_query(index._schema, "key", story_key(sid)))
                writer.add_document(index._document(sid, article))
                self._replaced.append(sid)
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
            reindexing.indexed(self.store.folder, self._replaced)
        self.pending, self._replaced = 0, []

    def close(self) -> None:
        """Commit what is left and let the writer go (its merges finished)."""
        try:
            self.commit()
            self._live().wait_merging_threads()  # consumes the writer, releasing its lock
        except BaseException:
            self.abandon()
            raise
        self._writer = None
        self._pages.close()

    def abandon(self) -> None:
        """Drop what was not committed; the next :meth:`SearchIndex.open` catches up from the store."""
        writer, self._writer = self._writer, None  # dropping it releases the writer lock
        self._pages.close()
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.rollback()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()
