"""``broadsheet import``: find files, decode, parse, store, and account for every file.

A bad file never stops an import: it is recorded with its reason and the rest goes on.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import stat
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from broadsheet.store.collector import BatchCollecting, collect_less, gc_paused
from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.feeds.filetitles import FileTitles
from broadsheet.store.feeds.subscriptions import Subscriptions, entry_files
from broadsheet.store.ingest import stamp
from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES
from broadsheet.store.ingest.formats import Item, read_source
from broadsheet.store.model import Article
from broadsheet.store.parse import ParseError
from broadsheet.store.storage.db import Store, StoredUnlisted
from broadsheet.store.storage.photos import PhotoStore
from broadsheet.store.storage.sourcepath import absolute, safe_text
from broadsheet.store.storage.userstate import Present, StoryState

if TYPE_CHECKING:
    from broadsheet.store.search.engine import IndexAdder, SearchIndex

#: "no story": a file read whole that holds none to store and is no failure (an export of none, or only
#: of feed entries deleted: see Item.no_story); its note says what it holds. "noted": a note of a file as a
#: whole (see Item.input_note), no file or story of its own: left out of the total.
Status = Literal["imported", "updated", "present", "failed", "no story", "noted"]
BATCH = 2000  # stories per store write (each write touches only the shards it fills)
# Characters of stories' text per store write at most: a batch is held in the importing process
# until stored, and 60 pages of 8 MB held 480 MB there (2,000 of them would be 16 GB).
BATCH_TEXT = 32_000_000
POOL_MIN = 50  # fewer files than this are read in this process: starting workers costs more than it saves
CHUNK = 16  # files per task handed to a worker (amortises pickling and hand-over per file)
# Files handed to workers ahead of the one being stored: more than a batch, so workers keep
# parsing while the parent stores and indexes one (a few MB of articles at most).
READ_AHEAD = 2 * BATCH
# The same in bytes of the files: a task's stories come back to the importing process whole, and
# are held there until stored, so 16 pages of 64 MB (each read up to --max-size) were 1 GB in one.
# A task is of fewer files when they make CHUNK_BYTES (a larger file is a task of its own).
CHUNK_BYTES = 16 * 1024 * 1024
READ_AHEAD_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    status: Status
    reason: str = ""
    note: str = ""
    story_id: str | None = None


#: Outcomes kept whole; past them only failures and notes are kept (the counts stay exact):
#: a million outcomes would hold some 250 MB for a summary that prints none of them.
KEEP_ALL = 10_000


@dataclass(slots=True)
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)  # every one, or past KEEP_ALL those failed or noted
    interrupted: bool = False  # stopped by Ctrl-C: what was stored is counted, the rest was not read
    index_problem: str = ""  # why the search index could not be updated (the next search or reindex catches up)
    index_busy: bool = False  # it could not because another process was writing it (nothing to fix)
    stopped: str = ""  # why the store could not be written (a full disk): the import stopped there
    stopped_errno: int | None = None  # that failure's errno, for what to do about it (store.errors.remedy)
    # Of the stories imported, those of the last batch stored that the store's directory could not
    # list then (a full disk, see StoredUnlisted): stored, and counted, but found by id only once a
    # later write lists them.
    unlisted: int = 0
    marks_unsaved: int = 0  # stories imported whose marks (an export's) could not be saved then (a full disk)
    entries_deleted: int = 0  # feed entries an export said were deleted, remembered now (fetch leaves them out)
    entries_named: int = 0  # feed entries the exports said were deleted, new here or not
    counts: Counter[Status] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if len(self.outcomes) < KEEP_ALL or outcome.status == "failed" or outcome.note:
            self.outcomes.append(outcome)

    def count(self, status: Status) -> int:
        return self.counts[status]

    @property
    def total(self) -> int:
        """Files and stories accounted for (imported, updated, present, failed, or files of no story)."""
        return sum(count for status, count in self.counts.items() if status != "noted")

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def marks_left(story_id: str, exc: StoreFileError) -> str:
    """The note of an imported story whose marks were not saved, the state file of its marks
    being damaged (a mark is not written over it): importing the file again saves them."""
    return (f"its marks were not saved ({story_id}): the file of its marks, state/{exc.path.name}, is damaged; "
            "once `broadsheet repair` mends it, import this file again to save them")


def read_article(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Article, str]:
    """The first article of one file and its note (the bench's parse rate; tests).

    Raises DecodeError or ParseError (both ValueErrors with a ``reason`` for the user).
    """
    for item in read_source(path, max_bytes):
        if item.article is not None:
            return item.article, item.note
        raise ParseError(item.reason)
    raise ParseError("no story found")


def read_one(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Item]:
    """Every item of one file (an article, or a failure with its reason); never raises."""
    return list(read_source(path, max_bytes))


# What reading one file gives: its items.
Read = list[Item]


def _read_chunk(paths: list[Path], max_bytes: int) -> list[Read]:
    """Worker task: read a chunk of files (one task per file would cost more in hand-over)."""
    return [read_one(path, max_bytes) for path in paths]


def _malloc_trim() -> Callable[[int], int] | None:
    with contextlib.suppress(OSError, AttributeError, TypeError):
        return ctypes.CDLL(None).malloc_trim  # glibc
    return None


_MALLOC_TRIM = _malloc_trim()


def give_back_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    A batch's transient buffers (shard documents, their compression, tantivy's indexing) leave
    free memory inside glibc's heaps that it keeps resident: at 100,000 stories some 65 MB of
    the importing process after each batch. Freed memory only: nothing in use is touched.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends


def _end_with_parent(parent: int) -> None:
    """Worker initializer: the worker ends when the importing process ends, however it ends
    (and collects garbage less often: see :func:`~store.collector.collect_less`).

    A worker sleeps until it is handed work; an importer stopped by ``kill`` (or ``kill -9``)
    runs no clean-up, and its workers would sleep on for ever. Linux tells a child when
    its parent dies (``PR_SET_PDEATHSIG``); elsewhere the pool's own shut-down has to do.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the importer was gone before the line above took effect
        os._exit(1)
    # Ctrl-C goes to the whole process group: the importer stops its workers itself and
    # reports what was stored, so a worker must not die half way with its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collect_less()


def _pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` (workers start in milliseconds) unless threads are running, where forking is unsafe."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def read_paths(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES, workers: int | None = None,
               ) -> Generator[tuple[Path, Read], None, None]:
    """Each of ``paths`` with what reading it gave, in order; ``paths`` is taken as it is read.

    Decoding, sanitising and parsing is nearly all of an import's time and each file is
    independent, so it spreads over the cores; results come back in input order. A small
    batch is read here, since starting the workers would cost more than it saves. The paths
    are not listed first: a million of them would hold some 370 MB.
    """
    workers = workers or os.cpu_count() or 1
    given = iter(paths)
    head = list(islice(given, POOL_MIN))
    if len(head) < POOL_MIN or workers < 2:
        for path in chain(head, given):
            yield path, read_one(path, max_bytes)
        return
    yield from _pooled(_chunks(chain(head, given)), max_bytes, workers)


def _chunks(paths: Iterable[Path]) -> Iterator[tuple[list[Path], int]]:
    """The workers' tasks: :data:`CHUNK` files, or fewer that make :data:`CHUNK_BYTES`, with their bytes."""
    chunk: list[Path] = []
    size = 0
    for path in paths:
        chunk.append(path)
        size += _size(path)
        if len(chunk) >= CHUNK or size >= CHUNK_BYTES:
            yield chunk, size
            chunk, size = [], 0
    if chunk:
        yield chunk, size


def _size(path: Path) -> int:
    """The file's size (0 when it cannot be read: its worker says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


Queued = tuple[list[Path], Future[list[Read]] | None]  # a chunk and its worker task (None: read here)
BROKEN = "the worker process reading it stopped unexpectedly"


def _pooled(chunks: Iterable[tuple[list[Path], int]], max_bytes: int, workers: int) -> Iterator[tuple[Path, Read]]:
    """Results of ``chunks`` (with their bytes) read by worker processes, in order, with a queue of
    work bounded in files and bytes.

    If the pool breaks (a worker killed from outside), the chunk waited on is reported as
    failed and the remaining chunks are read in this process, so the import still finishes.
    """
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_end_with_parent,
                               initargs=(os.getpid(),))
    queued: deque[Queued] = deque()
    sizes: deque[int] = deque()  # the bytes of each queued chunk
    ahead = 0  # their sum
    broken = False
    try:
        for chunk, size in chunks:
            queued.append((chunk, None if broken else _submit(pool, chunk, max_bytes)))
            sizes.append(size)
            ahead += size
            while len(queued) * CHUNK >= READ_AHEAD or (len(queued) > 1 and ahead >= READ_AHEAD_BYTES):
                done = queued.popleft()
                ahead -= sizes.popleft()
                results, broken = _take(done, max_bytes, broken)
                yield from zip(done[0], results, strict=True)
        while queued:
            done = queued.popleft()
            results, broken = _take(done, max_bytes, broken)
            yield from zip(done[0], results, strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, chunk: list[Path], max_bytes: int) -> Future[list[Read]] | None:
    """Hand ``chunk`` to the pool; None when the pool is already broken (the chunk is read here)."""
    try:
        return pool.submit(_read_chunk, chunk, max_bytes)
    except BrokenProcessPool:
        return None


def _take(item: Queued, max_bytes: int, broken: bool) -> tuple[list[Read], bool]:
    """A queued chunk's results and whether the pool is now broken."""
    chunk, future = item
    if future is None:
        return _read_chunk(chunk, max_bytes), broken
    try:
        return future.result(), broken
    except BrokenProcessPool:
        if broken:  # collateral of an earlier break: read it here
            return _read_chunk(chunk, max_bytes), True
        return [[Item(None, reason=BROKEN)] for _ in chunk], True


def find_files(paths: Iterable[Path], store: Path | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (file, "") for each file under ``paths``, or (path, reason) when it cannot be used.

    Folders are walked recursively in name order; symbolic links to folders are not
    followed, so a link loop cannot trap the walk. Hidden files are skipped, and so is the
    ``page_files/`` folder of a page saved "complete" beside it (its photos go with the page).
    A folder that cannot be listed (no permission) is reported, not silently left out. The
    ``store`` folder itself is not read (its files are no pages: `import .` beside it tried
    each of them); given itself, it is said.
    """
    own = _identity(store) if store is not None else None
    for root in paths:
        if own is not None and _identity(root) == own:
            yield root, "the store's own folder: its files are not imported"
            continue
        if root.is_dir() and (page := _page_of_files(root)) is not None:
            yield root, (f"the photos folder of {page.name}, saved with it: import the page, which brings "
                         "its photos")
        elif root.is_dir():
            unreadable: list[OSError] = []
            for folder, dirs, files in os.walk(root, onerror=unreadable.append):
                yield from _unreadable(unreadable, root)
                pages = {stem for name in files if (stem := _page_stem(name))}
                if own is not None and (inside := [d for d in dirs if _identity(Path(folder, d)) == own]):
                    dirs.remove(inside[0])  # unsaid: `import .` beside the store would count it failed every time
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not
                                 (d.endswith("_files") and d.removesuffix("_files") in pages))
                base = Path(folder)  # made once: a Path per file from the folder's text cost 2 us more each
                for name in sorted(files):
                    if not name.startswith("."):
                        yield base / name, ""
            yield from _unreadable(unreadable, root)
        else:
            yield root, missing(root) or ""


def missing(path: Path) -> str | None:
    """Why a path given on the command line is not there (None when it is)."""
    if path.exists():
        return None
    return "a broken symbolic link" if path.is_symlink() else "no such file or folder"


_PAGE_ENDINGS = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz")


def _page_stem(name: str) -> str | None:
    """``page`` of ``page.html`` (or ``page.html.gz``): the name of its ``page_files/``; None for another file."""
    low = name.lower()
    ending = next((e for e in _PAGE_ENDINGS if low.endswith(e)), None)
    return name[: -len(ending)] if ending else None


def _page_of_files(folder: Path) -> Path | None:
    """The page a ``NAME_files/`` folder was saved with, when it is beside it (given on its own,
    the folder's photos were each "failed: a PNG image, a binary file")."""
    if not folder.name.endswith("_files"):
        return None
    stem = folder.name.removesuffix("_files")
    return next((page for e in _PAGE_ENDINGS if _is_file(page := folder.with_name(stem + e))), None)


def _is_file(path: Path) -> bool:
    """``path`` is a file; a name too long for the file system (a page's name made from a long
    folder's) is none."""
    try:
        return path.is_file()
    except OSError:
        return False


def _identity(path: Path) -> tuple[int, int] | None:
    """The folder's device and inode (one folder however it is named), None when it is none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISDIR(found.st_mode) else None


def _unreadable(errors: list[OSError], root: Path) -> Iterator[tuple[Path, str]]:
    """The folders ``os.walk`` could not list (it reports them through ``onerror``), as failures."""
    while errors:
        error = errors.pop(0)
        yield Path(error.filename or root), f"cannot read this folder ({error.strerror or error})"


class Indexer:
    """Adds each stored batch to the search index through one writer kept for the import.

    :meth:`open` opens the index before the first batch is stored (callers call it before
    each store write), while the index's stamp still matches the store: opened after, it
    would find the store changed and catch up by listing every story of the store and every
    key of the index (at a million stories some 8 s, and the import's peak: the importing
    process's own memory 442 MB, against 208 MB without it; issue 17). Batches go to an
    :class:`~store.search.engine.IndexAdder`, whose tantivy threads index them while the
    workers parse the next. Opening the index per batch made an import quadratic; indexing
    everything at the end left the workers idle. After a failure the next batch opens the
    index afresh, which catches up what the failed batch missed.
    """

    #: Stories added before an intermediate commit, so other readers see an import's
    #: progress and a crash leaves less to catch up.
    COMMIT_EVERY = 10_000

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index: SearchIndex | None = None
        self.adder: IndexAdder | None = None
        self.off = False  # the index cannot be written now; the reader's next open catches up
        self.problem = ""  # why the index could not be written (a full disk), for the summary
        self.busy = False  # because another process was writing it: it catches up on its next use

    def open(self) -> None:
        """Open the index, if not open yet: call it before storing a batch. Never raises.

        The writer is taken at the first :meth:`add`, so a batch that adds nothing (every
        story already present) writes nothing to the index.
        """
        from broadsheet.store.search import SearchIndex

        if self.off or self.index is not None:
            return
        try:
            index = SearchIndex.open(self.store)  # catches up only if the store changed since the index did
        except Exception as exc:
            self._drop(exc)
            return
        if index.folder is None:  # busy or read-only: a temporary index; a later open catches up
            self.off = True
            if index.write_error is not None:
                self.problem = index.write_error.strerror or str(index.write_error)
            return
        self.index = index

    def add(self, stored: list[tuple[str, Article]], replaced: Iterable[tuple[str, Article]] = ()) -> None:
        """Index newly stored stories and replaced ones, given as (story id, article). Never raises.

        Stories stored but not yet indexed when a process dies are not lost: the next
        ``SearchIndex.open`` finds the index behind the store and adds them.
        """
        self.open()  # a caller that did not open first: the open catches up with this batch
        if self.index is None:
            return
        try:
            if self.adder is None:
                self.adder = self.index.adder(self.store)
            # A replaced story as stored, not as it came: the stored copy keeps fields the new one
            # lacks (a feed's title over a saved page's host: feed:"Title" would miss it).
            replaced = [(sid, self.store.article(sid) or article) for sid, article in replaced]
            self.adder.add(stored, replaced)
            if self.adder.pending >= self.COMMIT_EVERY:
                self.adder.commit()
        except Exception as exc:
            self._drop(exc)

    def finish(self) -> None:
        """Commit what is queued, bring the reader's listing up to date and leave the directory
        sorted (call once at the end of an import or a fetch: the reader then starts without
        merging what was added, and the next writer without sorting). Never raises."""
        adder, self.adder, self.index = self.adder, None, None
        if adder is not None:
            try:
                adder.close()
            except Exception as exc:
                self._drop(exc)
        with contextlib.suppress(OSError, StoreFileError, StoreWriteError):
            self.store.write_listing()  # a derivative: the reader rebuilds it if this fails
        self.store.keep_directory_sorted()  # so the next writer need not sort it (never raises)

    def _drop(self, exc: Exception) -> None:
        from broadsheet.store.search.engine import IndexBusy
        from broadsheet.store.search.ioerror import as_os_error

        error = as_os_error(exc)
        self.busy = isinstance(exc, IndexBusy)  # said in plain words, not as "IndexBusy: ..." (a class name)
        self.problem = (error.strerror or str(error)) if error is not None else f"{type(exc).__name__}: {exc}"
        adder, self.adder, self.index = self.adder, None, None
        if adder is not None:
            adder.abandon()


def keep_photos(photos: PhotoStore, item: Item) -> str:
    """Keep the photos an item carries; a note when one could not be written (the story is kept)."""
    failed = 0
    for photo in item.photos:
        try:
            photos.put(photo)
        except OSError:
            failed += 1
    return f"{failed} photos could not be written to the store" if failed else ""


def _present(store: Store, unlisted: StoredUnlisted | None, marks: dict[str, StoryState]) -> Present | None:
    """Whether each story given marks is stored, and its source (the marks are counted over stored
    stories); None: as the store says. The new stories of a batch stored unlisted are stored,
    though the store's directory does not say so yet: taken as not, the marks given them now
    stayed out of the counts after a later write listed them (it counts no mark)."""
    if unlisted is None:
        return None
    sources, found = unlisted.sources, store.presence(list(marks))
    return lambda sid: sources[sid] if sid in sources else found(sid)


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until the block is done, then raise it.

    Only the main thread can set signal handlers; elsewhere (the reader's worker) the block
    runs as it is. So it does under a handler other than Python's own: an ignored Ctrl-C (a
    script's ``broadsheet fetch &``, ``trap '' INT``) stays ignored, not one that stops the storing.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _store_read(flush: Callable[[], None], pending: Sequence[object], report: ImportReport) -> None:
    """After a Ctrl-C, store the stories read but not yet stored (up to a batch: a second or two),
    so that every file the progress bar counted is imported; a second Ctrl-C leaves them."""
    try:
        if pending:
            flush()
    except KeyboardInterrupt:
        pass  # counted as not imported: the summary says the import was interrupted
    except StoreWriteError as exc:
        report.stopped, report.stopped_errno = str(exc), exc.errno


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_total: Callable[[int], None] | None = None,
    on_step: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every file under ``paths`` into ``store``; never raises for a bad file.

    Ctrl-C (KeyboardInterrupt) stops the import between two store writes, and so does a
    store that cannot be written (a full disk): the report then holds what was stored and
    says why it stopped.
    """
    if on_total:  # a first walk only counts: listing a million paths would hold some 370 MB
        on_total(sum(1 for _ in find_files(paths, store.folder)))
    report = ImportReport()
    # (story id, article, file, (its reading's note, its photos' writing's), where in it, parser,
    # the keys of its file's entries: a feed file is a whole download, see Store.add_identified)
    pending: list[tuple[str, Article, str, tuple[str, str], str, int, set[str]]] = []
    states: dict[str, StoryState] = {}
    deleted: set[str] = set()  # feed entries an export says were deleted
    record = report.add

    indexer = Indexer(store)
    photos = PhotoStore(store.folder)
    collecting = BatchCollecting()
    file_titles = FileTitles(store)
    # The subscribed feeds and a newsboat cache's (read at the first feed entry): a story a
    # subscribed feed brought stays its own, not the story of a feed file's copy of its entry,
    # and a story two of the cache's feeds carry stays the first's.
    entry_feeds: set[str] | None = None
    held = 0  # characters of the pending stories' text (see BATCH_TEXT)

    def flush() -> None:
        nonlocal held
        indexer.open()  # before the store changes: see Indexer
        stop: StoreWriteError | None = None  # raised once the batch is counted: a full disk stops the import
        # Ctrl-C waits until the batch is taken, stored and counted, so the summary is exact.
        with sigint_deferred():
            batch = pending[:]  # taken whole: an interrupt after the store write leaves nothing to store twice
            pending.clear()
            held = 0
            unlisted = None
            try:
                stored = store.add_identified([(sid, article, file) for sid, article, file, *_ in batch],
                                              parser=[parser for *_, parser, _ in batch], feeds=entry_feeds or (),
                                              listed=[keys for *_, keys in batch])
            except StoredUnlisted as exc:  # stored, though not listed: counted (the summary left it out)
                stored, unlisted = exc.stored, exc
                stop, report.unlisted = exc, len(stored.new)
            given = [sid for sid, *_ in batch]
            kept_as = {given[n]: sid for n, (sid, _) in enumerate(stored.results)}  # id given -> stored id
            # Only the batch's: a Ctrl-C can come after a story's marks were noted and before it was queued.
            marks = {kept_as[sid]: state for sid, state in states.items() if sid in kept_as}
            states.clear()
            # An export's marks: a story whose state file is damaged keeps none (noted), the others theirs.
            try:
                left = store.user.merge(marks, _present(store, unlisted, marks), skip_damaged=True) if marks else {}
            except StoreWriteError as exc:  # the stories are stored all the same: counted, the marks said
                left, stop, report.marks_unsaved = {}, stop or exc, len(marks)
            for (sid, got), (_, _article, _file, (read, kept), where, *_) in zip(stored.results, batch, strict=True):
                status: Status = "imported" if got == "new" else "updated" if got == "updated" else "present"
                # A story already present: its reading's notes were said when it was stored, not at every import.
                note = "; ".join(n for n in (read if status != "present" else "", kept) if n)
                if sid in left:
                    note = "; ".join(n for n in (note, marks_left(sid, left[sid])) if n)
                record(Outcome(where, status, note=note, story_id=sid))
        if stored.new or stored.updated:  # the index is a cache: an interrupt here is caught up by the next search
            # Each story as stored: a later copy in the batch left "present" (a twin of it) is not it.
            indexer.add([(sid, batch[stored.written[sid]][1]) for sid in stored.new],
                        [(sid, batch[stored.written[sid]][1]) for sid in stored.updated])
        collecting.after_batch()
        give_back_memory()
        if stop is not None:
            raise stop

    def readable(found: Iterable[tuple[Path, str]]) -> Iterator[Path]:
        """The files to read; one that cannot be is failed as the walk reaches it."""
        for path, problem in found:
            if not problem:
                yield path
                continue
            record(Outcome(safe_text(path), "failed", problem))
            if on_step:
                on_step(path)

    try:
        # closing(): the worker pool is shut down even if storing fails part way.
        found = readable(find_files(paths, store.folder))
        with gc_paused(freeze=False), contextlib.closing(read_paths(found, max_bytes)) as results:
            for path, items in results:
                keys = {item.article.key for item in items if item.article is not None and item.article.key}
                for item in items:
                    where = safe_text(f"{path} ({item.part})" if item.part else path)
                    deleted.update(item.deleted)
                    if item.article is None:
                        record(Outcome(where, "noted", note=item.note) if item.input_note
                               else Outcome(where, "no story", note=item.note) if item.no_story
                               else Outcome(where, "failed", item.reason))
                        continue
                    if item.feed is not None and item.article.source:  # not a subscription's, unless it is one
                        item.article.source = file_titles.source(item.article.source, item.feed, path)
                    elif item.subscribed and item.article.source:
                        item.article.source = file_titles.subscribed(item.article.source, item.subscribed)
                    if item.subscribed or item.feed is not None:
                        if entry_feeds is None:
                            entry_feeds = entry_files(Subscriptions(store).all())
                        if item.subscribed:
                            entry_feeds.add(item.subscribed)
                    sid = item.stored_id
                    kept = keep_photos(photos, item) if item.photos else ""
                    if item.state is not None:  # first: a Ctrl-C between the two stored the story unmarked
                        states[sid] = item.state
                    pending.append((sid, item.article, item.file or absolute(path), (item.note, kept), where,
                                    stamp(item.kind), keys))
                    held += sum(map(len, item.article.body))  # (nearly all of its text)
                    if len(pending) >= BATCH or held >= BATCH_TEXT:
                        flush()
                if on_step:
                    on_step(path)
        if pending:
            flush()
    except KeyboardInterrupt:
        report.interrupted = True
        _store_read(flush, pending, report)  # the files read (the bar counted them) are stored, the rest not
    except StoreWriteError as exc:  # a full disk: earlier batches are stored; what this one wrote the next writer
        # finishes (its listing) or takes out (text without records), so importing it again is whole
        report.stopped, report.stopped_errno = str(exc), exc.errno
    if deleted and not report.stopped:  # after the stories: one of them stored is not taken as deleted
        report.entries_named = len(deleted)
        try:
            report.entries_deleted = store.remember_deleted_entries(deleted)
        except StoreWriteError as exc:
            report.stopped, report.stopped_errno = str(exc), exc.errno
    indexer.finish()
    report.index_problem, report.index_busy = indexer.problem, indexer.busy
    return report
