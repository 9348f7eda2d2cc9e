"""The Broadsheet store: TinyDB files in one folder, laid out so a write costs the same at any size.

- ``meta/NNNNNN.json``: one small metadata record per story (what the headline list and the
  credits panel show), ``SHARD_SIZE`` stories to a file in import order; ``meta/stamp.json``
  changes whenever a story is added, changed or deleted.
- ``bodies/NNNNNN.json``: story bodies, in the shard of the same number, so an import
  writes only new shards and opening a story reads one small file.
- ``directory.bin``: where each story is (see :mod:`store.storage.directory`), so storing a
  batch reads only the shards it touches, not every record.
- ``state/``: user state (bookmarks, tags, read marks, settings), kept apart so a
  bookmark write never rewrites article content (see :mod:`store.userstate`).

Every file is written through :class:`~store.storage.AtomicJSONStorage`; writers hold a
cross-process :class:`filelock.FileLock`, and each read-modify-write re-reads the file
under the lock, so two readers on one store never lose each other's changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import os
import shutil
import time
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

import orjson
from filelock import Timeout
from tinydb import TinyDB

from broadsheet.store.agencies import canonical_agency
from broadsheet.store.collector import gc_paused
from broadsheet.store.errors import StoreFileError, StoreWriteError, StoryGone
from broadsheet.store.ingest import current
from broadsheet.store.model import Article, Credits, Image, Media, normal_url, time_order
from broadsheet.store.storage import addresses, fields, reindexing, sourcepath
from broadsheet.store.storage.atomic import (
    FileIdentity,
    atomic_write_bytes,
    file_identity,
    make_folders,
    remove_durably,
)
from broadsheet.store.storage.copies import another_entry_of_its_feed, another_feeds_entry, combined, summary_of_page
from broadsheet.store.storage.directory import ENTRY, GONE, Directory, Entry, story_key, text_hash
from broadsheet.store.storage.limits import fit_article
from broadsheet.store.storage.listing import (
    RUN_ROWS,
    TAIL_LIMIT,
    Catalogue,
    Listing,
    Row,
    merged,
    newest_first,
    open_listing,
    reordered,
    row_of,
    write_raw_rows,
    write_rows,
)
from broadsheet.store.storage.lock import StoreLock
from broadsheet.store.storage.photos import hold_for_undo
from broadsheet.store.storage.tinydb import (
    KeyedTable,
    check_ends,
    clean_if_suspect,
    open_db,
    read_json_file,
    read_record,
)
from broadsheet.store.storage.twins import headline_key, same_text, words
from broadsheet.store.storage.userstate import Present, StoryState, UserState

SHARD_SIZE = 256
#: Characters of story text a new shard takes at most, beside SHARD_SIZE stories: each batch writes
#: its last shard again whole, so 60 pages of 8 MB in one shard held 1.3 GB in an import (a story
#: longer than this has a shard of its own).
SHARD_TEXT = 16_000_000
#: About how many characters of text a body shard's byte on disk holds (zstd keeps about 0.4 of its
#: JSON): the last shard's text is estimated so, and a shard cut a little early is no harm.
TEXT_PER_BYTE = 3
LOCK_TIMEOUT = 30.0
MARKS_LOCK = ".marks-lock"  # the marks' own lock (see store.storage.userstate)
FEW_LOOKUPS = 1_000  # more stories than this: their presence from the catalogue, whatever it costs to bring up to date
#: The directory's newest entries a mark looks in for its story's deletion (see Store.gone).
DELETED_LATELY = 5_000
LEGACY = "articles.json"  # the one metadata file of stores written before metadata shards
DELETED_ENTRIES = "deleted-entries.json"  # feed entries the user deleted (see Store.deleted_entries)
DELETED_KEPT = 100_000  # the most remembered: a feed keeps an entry for days, not for 100,000 deletes
#: A delete on its way: which stories, so the next writer finishes one whose process died (see Store.delete).
DELETING = "deleting.json"
#: There while an undo of a delete is written: what it puts back (see :meth:`Store.restore`).
RESTORING = "restoring.json"
#: There while new stories are stored with tags to give them (a feed's): which stories and
#: which tags, so the next writer gives those a writer killed or stopped by a full disk did not.
TAGGING = "tagging.json"
#: There while new stories are written: which, by shard, so the text of those a writer killed or
#: stopped by a full disk wrote before their records is taken out again (see :meth:`Store.finish_storing`).
STORING = "storing.json"
#: There while ``reparse`` stores stories read again under new ids: (old id, new id) of each, so
#: the next writer moves the marks of those a writer killed part way stored, and deletes the old.
REPARSING = "reparsing.json"
LISTING = "listing.bin"
CHECKED_AT_OPEN = 32  # shards of each kind looked at when a store is opened: the newest
PARSED_AT_OPEN = 4


# Fields of a metadata record that listing every story needs; a record keeps these as
# JSON values and everything else (captions, credits, authors, file...) as one JSON text in
# "details": short JSON texts parse about three times faster than the objects inside them
# (issue 7), and a story's details are decoded only when something asks for them.
LISTED = ("headline", "source", "published", "imported", "shard", "parser")


def pack_record(doc: dict[str, Any]) -> dict[str, Any]:
    """A metadata record as stored: the listed fields, and the rest (when any) as JSON text."""
    record = {key: doc[key] for key in LISTED if doc.get(key) is not None}
    rest = {key: value for key, value in doc.items() if key not in LISTED and value not in (None, [], "")}
    if rest:
        record["details"] = orjson.dumps(rest).decode()
    return record


def newest_key(record: dict[str, Any]) -> str:
    """Newest first sorts on this, descending: the time published (:func:`time_order`), then imported.

    One string sorts a third faster than a (published, imported) tuple (51 vs 76 ms for
    50,000), in the same order: "\x00" sorts before any character of a date.
    """
    # A value that is not a string (a hand edit, another version) sorts as missing.
    published, imported = record.get("published"), record.get("imported")
    return (time_order(published) if published.__class__ is str else "") + "\x00" + (
        imported if imported.__class__ is str else "")


def is_packed(record: dict[str, Any]) -> bool:
    """Written by :func:`pack_record` (stores from before it keep every field inline)."""
    return "details" in record or len(record) <= len(LISTED)


def unpack_record(record: dict[str, Any], path: Path) -> dict[str, Any]:
    """Every field of a stored record (either layout); its strings are cleaned if suspect.

    Raises StoreFileError naming ``path`` when the details are not a JSON object.
    """
    details = record.get("details")
    if details is None:
        return record
    raw = details.encode()
    try:
        rest = orjson.loads(raw)
    except orjson.JSONDecodeError:
        rest = None
    if not isinstance(rest, dict):
        raise StoreFileError(path, "a story's details are not a JSON object (the file was changed by hand?)")
    full = {key: value for key, value in record.items() if key != "details"}
    full.update(clean_if_suspect(rest, raw))
    return full


# Fields of a record the store sets itself, not part of the story's content.
_OWN = frozenset({"shard", "file", "path", "imported", "changed", "parser"})


def _same_content(record: dict[str, Any], doc: dict[str, Any]) -> bool:
    """Whether a stored ``record`` holds the story fields of ``doc`` (its body apart), the store's own aside."""
    return {key: value for key, value in record.items() if key not in _OWN} == _comparable(doc)


class _BeforeBatch(NamedTuple):
    """A story a batch updated, as it was before the batch: its place in the batch's results,
    its record and its body (a later copy in the batch may bring it back to them)."""

    place: int
    record: dict[str, Any]
    body: list[str]


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """A story's fields as a stored record holds them (empty values are not stored)."""
    return {key: value for key, value in doc.items() if value not in (None, [], "")}


StoredAs = Literal["new", "updated", "present"]


@dataclass(slots=True)
class Stored:
    """What storing a batch did: for each story given, in order, the id it is stored under
    and whether it was stored anew, replaced a stored story's content, or was already there."""

    results: list[tuple[str, StoredAs]] = field(default_factory=list)
    #: id -> the place in the batch of the story whose record was written last under it: what the
    #: index is given for it (a later copy "present" in the batch is not what was stored).
    written: dict[str, int] = field(default_factory=dict)
    #: New stories given no tags: the state file of their marks is damaged (not written over).
    untagged: dict[str, StoreFileError] = field(default_factory=dict)
    #: Why the new stories' tags could not all be written (the disk is full): ``tagging.json``
    #: keeps them, and the next writer gives them.
    tags_error: StoreWriteError | None = None
    #: Stories of ``replacing`` left beside their new reading, with the error of the state file of
    #: their marks, found damaged as they were to move (``repair`` mends it; a reparse again moves them).
    unmoved: dict[str, StoreFileError] = field(default_factory=dict)

    def ids(self, status: StoredAs) -> list[str]:
        """Ids with ``status``, each once, in batch order."""
        return list(dict.fromkeys(sid for sid, got in self.results if got == status))

    @property
    def new(self) -> list[str]:
        return self.ids("new")

    @property
    def updated(self) -> list[str]:
        new = set(self.new)
        return [sid for sid in self.ids("updated") if sid not in new]


class StoredUnlisted(StoreWriteError):
    """A batch stored whole (its text and records written) that the directory could not list (the
    disk is full at its append): ``stored`` says what was stored, so it is counted, not said lost.
    Lookups by id miss its new stories until the next writer lists them (see
    :meth:`Directory.load`); ``sources`` gives their sources as listed, for marks given meanwhile."""

    def __init__(self, error: StoreWriteError, stored: Stored, sources: dict[str, str]) -> None:
        super().__init__(error.path, error)
        self.stored = stored
        self.sources = sources


@dataclass(slots=True)
class Deleted:
    """What :meth:`Store.delete` removed, as stored, so it can be put back."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Deleted stories whose marks were left in their damaged state file, with its error.
    marks_left: dict[str, StoreFileError] = field(default_factory=dict)
    #: Why the delete, made (its list written), stopped part way: the next writer finishes it.
    unfinished: StoreWriteError | None = None

    @property
    def ids(self) -> list[str]:
        return list(self.records)

    @property
    def photos(self) -> set[str]:
        """The digests of the photos the deleted stories name: an undo brings them back named."""
        return {image.photo for sid, record in self.records.items()
                for image in StoryMeta(sid, record).images if image.photo}


class StoryMeta:
    """Everything about a story except its body, read from its metadata record on demand.

    The reader makes one per story at start (50,000 in a large store) but draws only the
    rows on screen, so fields are looked up in the record when asked for instead of being
    copied into 13 attributes each (0.25 s at 50k, issue 7); the packed details are
    decoded on first use.
    """

    __slots__ = ("_doc", "_fetch", "_full", "_path", "id")

    def __init__(self, story_id: str, doc: dict[str, Any], path: Path = Path("articles.json"),
                 fetch: Callable[[], dict[str, Any] | None] | None = None) -> None:
        self.id = story_id
        self._doc = doc  # the listed fields at least
        self._path = path
        self._fetch = fetch  # the whole record, when ``doc`` is a row of the listing
        self._full: dict[str, Any] | None = None

    @classmethod
    def from_doc(cls, story_id: str, doc: dict[str, Any], path: Path = Path("articles.json")) -> StoryMeta:
        return cls(story_id, doc, path)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoryMeta) and (self.id, self._doc) == (other.id, other._doc)

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"StoryMeta({self.id!r}, headline={self.headline!r})"

    def _details(self) -> dict[str, Any]:
        if self._full is None:
            doc = self._doc
            if self._fetch is not None:
                doc = self._fetch() or doc  # gone meanwhile: what the listing said
            try:
                self._full = unpack_record(doc, self._path)
            except StoreFileError:  # details changed by hand: the listed fields still read; `repair` says so
                self._full = {key: value for key, value in doc.items() if key != "details"}
        return self._full

    # -- listed fields: straight from the record -------------------------------------------

    @property
    def headline(self) -> str:
        return fields.text(self._doc.get("headline")) or "(no headline)"

    @property
    def source(self) -> str | None:
        return fields.text(self._doc.get("source"))

    @property
    def published(self) -> str | None:
        return fields.text(self._doc.get("published"))

    @property
    def imported(self) -> str:
        return fields.text(self._doc.get("imported")) or ""

    @property
    def shard(self) -> int:
        return fields.shard(self._doc.get("shard"))

    @property
    def sort_key(self) -> str:
        return newest_key(self._doc)

    @property
    def parser(self) -> int:
        """The parser that made this story, its kind and version (``store.ingest.stamp``, a stamp
        of the old layout as today's: ``store.ingest.current``; 0: from before versions were kept)."""
        return current(self._doc.get("parser"))

    # -- details: decoded on first use -----------------------------------------------------

    @property
    def standfirst(self) -> str | None:
        return fields.text(self._details().get("standfirst"))

    @property
    def agency(self) -> str | None:
        return canonical_agency(fields.text(self._details().get("agency")))  # stored before agencies had one name

    @property
    def authors(self) -> tuple[str, ...]:
        return fields.texts(self._details().get("authors"))

    @property
    def dateline(self) -> str | None:
        return fields.text(self._details().get("dateline"))

    @property
    def images(self) -> tuple[Image, ...]:
        return fields.images(self._details().get("images"))

    @property
    def credits(self) -> Credits | None:
        return fields.credits(self._details().get("credits"))

    @property
    def url(self) -> str | None:
        return fields.text(self._details().get("url"))

    @property
    def media(self) -> tuple[Media, ...]:
        return fields.media(self._details().get("media"))

    @property
    def link(self) -> str | None:
        """Where the story leads: its address, or failing one (a podcast's episode without a
        page) its first sound or video."""
        media = self.media
        return self.url or (media[0].url if media else None)

    @property
    def file(self) -> str | None:
        """The source file as shown (safe to print: see :mod:`store.storage.sourcepath`), or the feed's address."""
        return fields.text(self._details().get("file"))

    @property
    def source_file(self) -> str | None:
        """The source file's path exactly (not for showing), or the feed's address."""
        file = self.file
        return file and sourcepath.source_path(file, fields.text(self._details().get("path")))

    @property
    def key(self) -> str | None:
        """Its identity within its source (a feed entry's ``feed#guid``), when it has one."""
        return fields.text(self._details().get("key"))

    def article(self, body: list[str]) -> Article:
        """The whole story, given its body (kept apart, in a body shard)."""
        return Article.from_contract({**fields.readable_fields(self._details()), "body": body})


class Store:
    """One Broadsheet store folder.

    Opening checks the store (see :meth:`check`) and raises StoreFileError naming a
    damaged file; ``check=False`` skips that (``broadsheet repair`` opens damaged stores).
    A store in the layout before metadata shards (one ``articles.json``) is moved to them
    when it is first opened writable. Writes raise :class:`~store.storage.StoreWriteError`
    when the folder cannot be written; :attr:`read_only` then says the reader should go on
    showing stories without changes.
    """

    def __init__(self, folder: Path, *, check: bool = True) -> None:
        self.folder = Path(folder)
        make_folders(self.folder)  # (its parent synced when it is new: an import into it is acknowledged)
        # Where a killed writer can leave a temp file (an index build killed part way leaves
        # one in .index-building, which the next build replaces).
        temp_folders = [self.folder, self.folder / "meta", self.folder / "bodies",
                        self.folder / "index", self.folder / "photos", self.folder / ".index-building"]
        self.lock = StoreLock.for_store(self.folder / ".lock", temp_folders, LOCK_TIMEOUT)
        # Marks have their own lock, so they are saved while an import, reindex or repair holds
        # the store's; whoever needs both takes the store's first.
        self.marks_lock = StoreLock.for_store(self.folder / MARKS_LOCK, [self.folder / "state"], LOCK_TIMEOUT,
                                              self.lock.errors, once=True)
        self._meta_folder = self.folder / "meta"
        self._stamp = self._meta_folder / "stamp.json"
        self.user = UserState(self.folder, self.marks_lock, self.presence, self.gone)
        self._metas: dict[int, TinyDB] = {}
        self._shards: dict[int, TinyDB] = {}
        self._directory = Directory(self.folder / "directory.bin")
        self._legacy_db: TinyDB | None = None
        self._damaged_bodies: dict[int, StoreFileError] = {}  # body shards found damaged at open
        self._addresses_current = False  # the directory's addresses are in today's form (see store.storage.addresses)
        self._short_checked: str | None = None  # the stamp a catalogue was last checked against (see _short)
        self._read_only_at_open = not os.access(self.folder, os.W_OK)
        self._old_layout = (self.folder / LEGACY).exists()
        if not self._read_only_at_open:
            self._tidy()
        if check:
            self.check()

    def _tidy(self) -> None:
        """Take the lock for a moment so leftovers of killed writers are removed and a store in
        the old layout is moved to metadata shards (never waits)."""
        try:
            with self.lock.acquire(timeout=0), self.marks_lock.acquire(timeout=0):
                if (self.folder / LEGACY).exists():
                    self._move_to_shards()
                self.user.move_to_shards()
                self._finish_cut_short()
                if self._stamped_count() is None and self._meta_numbers():  # stories a writer stopped
                    self._located(write=True)  # part way stored: listed (a store of none has nothing to list)
        except Timeout:
            pass  # a live writer holds it; it or the next writer tidies up
        except StoreWriteError:
            self._read_only_at_open = True
        except StoreFileError:
            pass  # a damaged articles.json stays as it is: check() reports it, `repair` salvages it

    def _move_to_shards(self) -> None:
        """Split ``articles.json`` into metadata shards (under the lock).

        Safe to repeat: the old file is removed only once every shard is written, so a
        crash part way leaves it in place and the next open does the move again.
        """
        legacy = self.folder / LEGACY
        old = self._legacy_records()  # raises if damaged
        make_folders(self._meta_folder)
        self._put_records({sid: doc if is_packed(doc) else pack_record(doc) for sid, doc in old.items()})
        self.relist()
        (self.folder / "identity.json").unlink(missing_ok=True)
        remove_durably(legacy)

    @property
    def read_only(self) -> bool:
        """True when the folder cannot be written or the last write in this process failed."""
        return self._read_only_at_open or self.write_error is not None

    @property
    def write_error(self) -> StoreWriteError | None:
        """The error that made the last locked write fail (``None`` after a good write)."""
        return self.lock.last_write_error  # the store's locks share it

    def presence(self, story_ids: list[str]) -> Present:
        """Whether each of ``story_ids`` is stored, and its source as the listing holds it (the
        marks are counted over stored stories, read ones per source): from the catalogue when
        the listing is up to date (a lookup costs 10 us, a metadata shard read 8 ms) or many
        are asked; else (an import running, or storing marks with its batch) from their
        metadata shards, as the listing is not rewritten for a mark."""
        if len(story_ids) > FEW_LOOKUPS:
            return self.catalogue().source_of
        listing = None if self._legacy or self.lock.is_locked else _open_listing(self.folder / LISTING)
        if listing is not None:
            if self._listing_fresh(listing):
                return self._merged(listing).source_of
            listing.close()
        directory = self._located(write=False)

        def present(sid: str) -> str | None:
            record = self._record(sid, directory)
            return None if record is None else _listed_source(record)

        return present

    def gone(self, story_ids: Collection[str]) -> set[str]:
        """Those of ``story_ids`` deleted lately (from another reader or the shell, since a reader
        listed them: its list is at most seconds old): their last entry among the directory's
        newest ``DELETED_LATELY`` is a deletion (a read of its tail, 160 KB, however many stories
        are asked of). A mark on one is refused. No record is read, and a story never stored (no
        entry) is not taken as gone."""
        if self._legacy or not story_ids:
            return set()
        deleted = self._directory.deleted(max(0, self._directory.size() - DELETED_LATELY * ENTRY.size))
        return {sid for sid in story_ids if story_key(sid) in deleted}

    def deleted_keys(self) -> set[int]:
        """The keys of every story whose last entry in the directory is a deletion (``repair``:
        one pass over the file)."""
        return set() if self._legacy else self._directory.deleted()

    def deleted_ids(self, refs: Iterable[str]) -> dict[str, str]:
        """The id of the story each of ``refs`` (an id, or a prefix of 4+ characters, as
        :meth:`resolve` takes them) named before it was deleted, by ref, for those that name one
        deleted story (``rm`` of a story deleted already says so, not "no story with this id")."""
        gone = self.deleted_keys()
        catalogue = self.catalogue()
        found: dict[str, str] = {}
        for ref in refs:
            wanted = ref.strip().lower()
            if story_key(wanted) in gone and not catalogue.has(wanted):
                found[ref] = wanted
            elif (len(wanted) >= 4 and not catalogue.starting_with(wanted)  # (ambiguous among stored ones: not this)
                  and len(named := [key for key in gone if f"{key:016x}".startswith(wanted)]) == 1):
                found[ref] = f"{named[0]:016x}"
        return found

    def check(self) -> None:
        """Find damaged store files now rather than at some later read.

        The state files and the newest ``PARSED_AT_OPEN`` metadata shards are parsed (the
        reader needs them at once and the parse is cached); the newest ``CHECKED_AT_OPEN``
        metadata and body shards, those written last, get a cheap look at their ends (so
        opening costs the same at any size); every shard is fully parsed when a story in it
        is read. Raises StoreFileError naming a damaged metadata shard (a copy of it is kept
        as ``<name>.damaged-<stamp>``), or the directory when it cannot be opened (a folder in its
        place). A damaged state file, settings file or body shard does not stop the store from
        opening (its stories show no marks, the settings their defaults, a story its problem when
        opened): it is noted, for :meth:`damaged_files`.
        """
        if self._legacy:
            self._legacy_records()
        self.user.check()
        self._directory.check()
        metas = _numbered(self._meta_folder)  # first: a writer makes a shard's bodies before its records
        bodies = _numbered(self.folder / "bodies")
        for number in metas[-CHECKED_AT_OPEN:]:
            check_ends(self._meta_path(number))
        for number in bodies[-CHECKED_AT_OPEN:]:
            try:
                check_ends(self._body_path(number))
            except StoreFileError as exc:  # its stories' text shows the problem when opened
                self._damaged_bodies.setdefault(number, exc)
        # A body shard gone (deleted by hand, lost with a disk) read as one of no text: export and
        # reindex wrote every story of it without its text, and said nothing (two listings: 2 ms at 1M).
        there = set(bodies)
        for number in metas:
            if number not in there and not self._body_path(number).exists():
                try:
                    self._bodies(number)
                except StoreFileError as exc:
                    self._damaged_bodies.setdefault(number, exc)
        for number in self._meta_numbers()[-PARSED_AT_OPEN:]:
            self._meta(number).records()

    def damaged_files(self) -> dict[str, StoreFileError]:
        """The files that reads of this store found damaged and went on without, by their name
        in the store folder (``state/014.json``, ``bodies/000000.json``), each with what is wrong."""
        found = {f"state/{name}.json": exc for name, exc in self.user.damaged.items()}
        found.update((f"bodies/{number:06d}.json", exc) for number, exc in self._damaged_bodies.items())
        return found

    # -- files ----------------------------------------------------------------------------

    @property
    def _legacy(self) -> bool:
        """A store in the old layout that could not be moved (opened read-only)."""
        if self._old_layout and not (self.folder / LEGACY).exists():
            self._old_layout = False  # moved by another process meanwhile
        return self._old_layout

    def _legacy_records(self) -> dict[str, dict[str, Any]]:
        """The records of ``articles.json`` (one open file, its parse cached while it is unchanged)."""
        if self._legacy_db is None:
            self._legacy_db = open_db(self.folder / LEGACY)
        return self._legacy_db.table("articles").records()  # type: ignore[attr-defined]

    def _meta_numbers(self) -> list[int]:
        """The metadata shards there are, in order."""
        return _numbered(self._meta_folder)

    def _shards_of(self, among: Collection[str] | None) -> list[int]:
        """The metadata shards to read for the stories ``among``, in order: every shard for None,
        else only those the directory files them in (exporting 100 bookmarks from a million
        stories reads 100 shards, not 3,900)."""
        return self._meta_numbers() if among is None else sorted(self._by_shard(among))

    def _meta_path(self, shard: int) -> Path:
        return self._meta_folder / f"{shard:06d}.json"

    def _meta(self, shard: int) -> KeyedTable:
        # zstd-compressed like bodies (0.25 of the JSON, issue 17); plain shards of older stores read as before
        # and are compressed when next written. `repair` salvages records from a damaged one (compressed.BLOCKS).
        return _cached(self._metas, shard, self._meta_path(shard), compress=True).table("articles")  # type: ignore[return-value]

    def _body_path(self, shard: int) -> Path:
        return self.folder / "bodies" / f"{shard:06d}.json"

    def _shard_text(self, shard: int) -> int:
        """About how many characters of text body shard ``shard`` holds, from its size on disk."""
        try:
            return self._body_path(shard).stat().st_size * TEXT_PER_BYTE
        except OSError:
            return 0

    def _bodies(self, shard: int) -> KeyedTable:
        path = self._body_path(shard)
        if shard not in self._shards and not path.exists() and self._meta(shard).records():
            # Gone (deleted by hand, lost with a disk), not a shard of stories without text: read so,
            # a pass wrote its stories without text, and a write made it again empty, the loss hidden.
            raise StoreFileError(path, "the file is missing")
        # Bodies are zstd-compressed (older plain shards read as before).
        return _cached(self._shards, shard, path, compress=True).table("bodies")  # type: ignore[return-value]

    def _tables(self) -> Iterator[tuple[Path, dict[str, dict[str, Any]]]]:
        """Every metadata file and its records."""
        if self._legacy:
            path = self.folder / LEGACY
            yield path, self._legacy_records()
        for number in self._meta_numbers():
            yield self._meta_path(number), self._meta(number).records()

    def _put_records(self, records: dict[str, dict[str, Any]], written: Callable[[], None] | None = None) -> None:
        """Write metadata records, each into the shard it names (one write per shard, after
        each of which ``written`` is called)."""
        by_shard: dict[int, dict[str, dict[str, Any]]] = {}
        for sid, record in records.items():
            by_shard.setdefault(fields.shard(record.get("shard")), {})[sid] = record
        for number, docs in by_shard.items():
            self._meta(number).put_many(docs)
            if written is not None:
                written()

    def _touch(self, count: int | None) -> None:
        """Say that stories are changing (``count`` None) or have changed, and how many there are.

        Written before a change and after it (see :meth:`articles_identity`): a crash in
        between leaves the stamp changed, so the search index checks itself against the
        shards, and the count unknown, so it is counted again.
        """
        atomic_write_bytes(self._stamp, orjson.dumps({"stories": count, "at": time.time_ns()}))

    @contextlib.contextmanager
    def _changing(self, change: int) -> Iterator[None]:
        """Stamp the store before and after a change of ``change`` stories (see :meth:`_touch`)."""
        count = len(self)
        self._touch(None)
        yield
        # The change is whole. A full disk here leaves the stamp as a crash would (changed, its count
        # unknown: counted again), which every reader takes in; raised, the import said "0 imported"
        # of a batch it had stored.
        with contextlib.suppress(StoreWriteError):
            self._touch(count + change)

    def _stamped_count(self) -> int | None:
        try:
            return _count_in(self._stamp.read_bytes())
        except OSError:
            return None

    # -- where stories are ------------------------------------------------------------------

    def _entries_of_shard(self, number: int) -> Iterator[Entry]:
        for sid, record in self._meta(number).records().items():
            yield _entry(sid, record, number)

    def _located(self, *, write: bool) -> Directory:
        """The directory, up to date with every writer (``write``: the caller holds the lock)."""
        if write and not self._directory.path.exists():
            (self.folder / LISTING).unlink(missing_ok=True)  # it counts bytes of a directory now gone
        self._directory.load(self._meta_numbers, self._entries_of_shard, catch_up=write)
        if write and not self._legacy:
            self._list_unlisted()
        return self._directory

    def _list_unlisted(self) -> None:
        """Stories the directory lost the entries of listed again, when it lists fewer than the
        stamp counts (the caller holds the lock). Its last appends lost (a disk that lost them, a
        copy cut short) hid them from every list, search and command, and ``repair`` saw nothing;
        the newest shards :meth:`Directory.load` reads do not hold a story an undo put back.
        Every shard is read, so only then; a stamp that counted stories there are not is said
        right, so the shards are not read again at every write. So is a stamp whose count is
        unknown (a writer stopped by a full disk, or killed, in a change: an import's last batch
        stored and not listed stayed hidden until the next import), then counted."""
        stamped = self._stamped_count()
        directory = self._directory
        if (len(directory) >= stamped) if stamped is not None else not self._meta_numbers():
            return  # as counted, or no story stored yet
        unread: list[int] = []
        counted = 0

        def counting() -> Iterator[Entry]:
            nonlocal counted
            for entry in self._every_entry(unread):
                counted += 1
                yield entry

        directory.list_again(counting())
        if stamped is None:  # counted, a damaged shard's stories left out (repair salvages them): an
            self._touch(counted)  # unknown count read every shard again at every opening until then
        elif not unread and len(directory) < stamped:
            self._touch(len(directory))

    def _every_entry(self, unread: list[int]) -> Iterator[Entry]:
        """Every story's directory entry, a shard at a time and not cached; the shards that could not
        be read (damaged: ``repair`` salvages them) go in ``unread``."""
        for number in self._meta_numbers():
            try:
                records = (read_json_file(self._meta_path(number)) or {}).get("articles", {})
            except StoreFileError:
                unread.append(number)
                continue
            yield from (_entry(sid, record, number) for sid, record in records.items())

    def unlisted(self, keys: array[int]) -> tuple[int, int]:
        """How many of ``keys`` (every stored story's, sorted) the directory does not list, and
        how many stories it lists that are not among them, as the file says (``repair``)."""
        return self._located(write=False).unlisted(keys)

    def relist(self) -> None:
        """Rebuild the directory from the metadata shards and say the stories changed
        (after ``repair`` rewrote shards; the caller holds the lock)."""
        (self.folder / LISTING).unlink(missing_ok=True)  # it counts bytes of the directory it knew
        self._directory.rebuild(entry for n in self._meta_numbers() for entry in self._entries_of_shard(n))
        make_folders(self._meta_folder)
        self._touch(sum(len(self._meta(n).records()) for n in self._meta_numbers()))

    def _record(self, sid: str, directory: Directory) -> dict[str, Any] | None:
        """The stored record of ``sid`` (confirmed in its shard), or None."""
        if self._legacy:
            return self._legacy_records().get(sid)
        number = directory.shard_of(story_key(sid))
        if number is None:
            return None
        return self._meta(number).records().get(sid)

    def _id_of(self, key: int, number: int, accept: Callable[[str, dict[str, Any]], bool]) -> str | None:
        """The id of the story with ``key`` in shard ``number`` whose record ``accept`` takes."""
        for sid, record in self._meta(number).records().items():
            if story_key(sid) == key and accept(sid, record):
                return sid
        return None

    # -- articles -------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many stories there are (from the stamp: no shard is read)."""
        count = None if self._legacy else self._stamped_count()
        return count if count is not None else sum(len(records) for _path, records in self._tables())

    def stories(self) -> list[StoryMeta]:
        """All stories, newest first."""
        with gc_paused():
            metas: list[StoryMeta] = []
            keys: list[str] = []
            for path, records in self._tables():
                metas.extend(StoryMeta(sid, doc, path) for sid, doc in records.items())
                keys.extend(newest_key(doc) + "\x00" + sid for sid, doc in records.items())  # as the listing
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
            return [metas[i] for i in order]

    def each_story(self, among: Collection[str] | None = None) -> Iterator[StoryMeta]:
        """Every story (of ``among``), a metadata shard at a time in import order (a pass over a
        store of any size that holds one shard's records at once: reindex, catching the index up)."""
        if self._legacy:
            yield from (meta for meta in self.stories() if among is None or meta.id in among)
            return
        for number in self._shards_of(among):
            path = self._meta_path(number)
            data = read_json_file(path) or {}  # not cached: each shard is read once
            records = data.get("articles", {})
            yield from (StoryMeta(sid, doc, path) for sid, doc in records.items() if among is None or sid in among)

    def each_article(self, among: Collection[str] | None = None) -> Iterator[tuple[StoryMeta, Article]]:
        """Every story (of ``among``) with its article, a shard at a time in import order, each
        metadata and body shard read once and not cached: a pass over a store of any size (an
        export) holds one shard's stories."""
        if self._legacy:
            yield from ((meta, self.article_of(meta)) for meta in self.stories() if among is None or meta.id in among)
            return
        for number in self._shards_of(among):
            path = self._meta_path(number)
            records = (read_json_file(path) or {}).get("articles", {})
            kept = [(sid, doc) for sid, doc in records.items() if among is None or sid in among]
            if not kept:
                continue
            body_path = self._body_path(number)
            shard = read_json_file(body_path)
            if shard is None:  # gone, not a shard of stories without text: every pass stopped short of saying so
                raise StoreFileError(body_path, "the file is missing")
            bodies = shard.get("bodies", {})
            for sid, doc in kept:
                meta = StoryMeta(sid, doc, path)
                if meta.shard != number:  # filed under another shard (a hand edit): its body is there
                    yield meta, self.article_of(meta)
                    continue
                body = bodies.get(sid)
                yield meta, meta.article(fields.paragraphs(body.get("body")) if isinstance(body, dict) else [])

    def catalogue(self) -> Catalogue:
        """Every story, newest first, for the reader: the listing, read a window at a time.

        Reads no metadata shard but those of stories changed since the listing was written
        (it is rewritten first when it is missing, damaged, or more than ``TAIL_LIMIT``
        stories behind, if no other writer holds the lock).
        """
        token = self.articles_token()  # before the rows (see _short)
        listing = _open_listing(self.folder / LISTING)
        if not self._legacy and not self._listing_fresh(listing):
            relisted = self._relist_view()
            if relisted is not None or (listing is not None and listing.covered > self._directory.size()):
                if listing is not None:
                    listing.close()
                listing = relisted
        if self._legacy or (listing is None and not self._directory.path.exists()):
            # an old store opened read-only, or one no writer has listed: every story, in memory
            rows = [row_of(sid, record, fields.shard(record.get("shard")), _from_file(record))
                    for _path, records in self._tables() for sid, record in records.items()]
            return Catalogue(None, rows, (), self._listed_meta)
        catalogue = self._merged(listing)
        if self._short(catalogue, token) and (relisted := self._relist_view()) is not None:
            if listing is not None:  # the directory lost entries: a writer's load listed them again
                listing.close()
            catalogue = self._merged(relisted)
        return catalogue

    def _short(self, catalogue: Catalogue, token: str | None) -> bool:
        """Whether ``catalogue`` lists fewer stories than the stamp ``token``, read before it, counts,
        the stamp unchanged since (a write in between is no sign): the directory lost entries
        (:meth:`_list_unlisted`). Asked once for each state of the store, so a stamp that miscounts
        costs one look, not one at each refresh of the reader. A count unknown is one too: a writer
        leaves it so while it runs (then the lock is taken, and :meth:`_relist_view` returns at
        once), or left it so when stopped (a full disk: its last stories were not listed)."""
        if token is None or token == self._short_checked or self.articles_token() != token:
            return False
        self._short_checked = token
        stamped = _count_in(token.encode("utf-8"))
        return stamped is None or len(catalogue) < stamped

    def listed_keys(self) -> array[int] | None:
        """Every story's key, newest first as :meth:`catalogue` lists them (8 bytes a story: the
        search's list of every story, issue 17); None, never writing anything, when the listing
        is missing, damaged or not up to date enough to merge (the caller sorts otherwise)."""
        if self._legacy:
            return None
        listing = _open_listing(self.folder / LISTING)
        if listing is None:
            return None
        try:
            return self._merged(listing).keys() if self._listing_fresh(listing) else None
        finally:
            listing.close()

    def _merged(self, listing: Listing | None) -> Catalogue:
        """``listing`` with what the directory says changed since it was written merged in; a
        damaged block of it is read from the stories' records (:meth:`_row_of_key`)."""
        changed, gone = self._changes_since(listing.covered if listing is not None else 0)
        if listing is not None:
            listing.recover = self._row_of_key
        return Catalogue(listing, changed, gone, self._listed_meta)

    def _row_of_key(self, key: int) -> Row:
        """The listing's row of the story with ``key``, from its record (blank when it cannot be
        read: the listing's keys are damaged too, or the record's shard is; opening it says so)."""
        number = None if self._legacy else self._located(write=False).shard_of(key)
        if number is not None:
            with contextlib.suppress(StoreFileError):
                if (sid := self._id_of(key, number, lambda _sid, _record: True)) is not None:
                    record = self._meta(number).records()[sid]
                    return row_of(sid, record, number, _from_file(record))
        return Row(f"{key:016x}", "", "", "", "", number or 0, 0)

    def write_listing(self) -> None:
        """Rewrite the listing when it is missing or far behind (after an import or a fetch)."""
        listing = _open_listing(self.folder / LISTING)
        fresh = self._listing_fresh(listing) and listing is not None and listing.version == Listing.version
        if listing is not None:
            listing.close()
        if fresh:
            return
        relisted = self._relist_view()
        if relisted is not None:
            relisted.close()

    def keep_directory_sorted(self) -> None:
        """Leave the directory's maps sorted beside it after much was added (see
        :meth:`Directory.keep_sorted`), if the lock is free at once. A store that never loaded
        the directory added nothing to it: a fetch with nothing new does not load it for this."""
        if self._legacy or not self._directory.loaded:
            return
        with contextlib.suppress(Timeout, StoreWriteError, StoreFileError), self.lock.acquire(timeout=0):
            self._located(write=True).keep_sorted()

    def _listing_fresh(self, listing: Listing | None) -> bool:
        """Whether ``listing`` is of the directory there is, at most ``TAIL_LIMIT`` stories behind it."""
        return listing is not None and 0 <= self._directory.size() - listing.covered <= TAIL_LIMIT * ENTRY.size

    def _relist_view(self) -> Listing | None:
        """Write the listing anew, if the lock is free at once (None otherwise): the listing
        there is with the changes since merged in, a row at a time, or, when there is none (or
        it is damaged, or more than ``RUN_ROWS`` stories changed since: the changed rows are
        held to be sorted, 900,000 of them after a large import took 1.1 GB), every shard's rows
        sorted in runs of ``RUN_ROWS`` and merged, so memory stays bounded at any size."""
        path = self.folder / LISTING
        try:
            with self.lock.acquire(timeout=0):
                directory = self._located(write=True)
                covered = directory.size()
                old = _open_listing(path)
                try:
                    if old is None or not 0 <= old.covered <= covered or covered - old.covered > RUN_ROWS * ENTRY.size:
                        raise ValueError("no listing to merge into")
                    changed, gone = self._changes_since(old.covered)
                    hidden = old.positions(gone, strict=True)
                    merge = merged if old.time_ordered else reordered
                    write_raw_rows(path, merge(old, hidden, newest_first(changed)),
                                   old.count - len(hidden) + len(changed), covered)
                except ValueError:  # none, too far behind, or a damaged block met while merging
                    self._rows_from_shards(path, covered)
                finally:
                    if old is not None:
                        old.close()
        except (Timeout, StoreWriteError, StoreFileError):
            return None
        return _open_listing(path)

    def _rows_from_shards(self, path: Path, covered: int) -> None:
        """Write the listing from every metadata shard (sorted in runs, then merged)."""
        runs_folder = self.folder / ".listing-runs"
        shutil.rmtree(runs_folder, ignore_errors=True)  # a rebuild killed part way
        runs: list[Path] = []
        chunk: list[Row] = []

        def flush(target: Path) -> None:
            write_rows(target, newest_first(chunk), len(chunk), covered)
            chunk.clear()

        for number in self._meta_numbers():
            data = read_json_file(self._meta_path(number)) or {}  # not cached: a pass over everything
            records = data.get("articles", {})
            chunk.extend(row_of(sid, record, number, _from_file(record)) for sid, record in records.items())
            if len(chunk) >= RUN_ROWS:
                runs.append(runs_folder / f"{len(runs)}.bin")
                flush(runs[-1])
        if not runs:
            flush(path)
            return
        if chunk:
            runs.append(runs_folder / f"{len(runs)}.bin")
            flush(runs[-1])
        listings = [Listing(run) for run in runs]
        try:
            rows = heapq.merge(*(run.stream() for run in listings),
                               key=attrgetter("sort_key"), reverse=True)
            write_rows(path, rows, sum(run.count for run in listings), covered)
        finally:
            for run in listings:
                run.close()
            shutil.rmtree(runs_folder, ignore_errors=True)

    def _changes_since(self, offset: int) -> tuple[list[Row], set[int]]:
        """Rows of the stories new or changed after directory byte ``offset``, and the keys of
        every story changed or deleted then (their old rows are hidden)."""
        changes = self._directory.changes_since(offset)
        by_shard: dict[int, set[int]] = {}
        for key, number in changes.items():
            if number != GONE:
                by_shard.setdefault(number, set()).add(key)
        rows = []
        for number, keys in by_shard.items():
            for sid, record in self._meta(number).records().items():
                if story_key(sid) in keys:
                    rows.append(row_of(sid, record, number, _from_file(record)))
        return rows, set(changes)

    def _listed_meta(self, row: Row) -> StoryMeta:
        number, sid = row.shard, row.sid
        return StoryMeta(sid, row.doc(), self._meta_path(number), lambda: self._meta(number).records().get(sid))

    def _by_shard(self, story_ids: Iterable[str]) -> dict[int, list[str]]:
        """The stored ones of ``story_ids`` grouped by shard (from the directory: no record read)."""
        directory = self._located(write=False)
        by_shard: dict[int, list[str]] = {}
        for sid in dict.fromkeys(story_ids):
            number = None if self._legacy else directory.shard_of(story_key(sid))
            if number is None and (meta := self.meta(sid)) is not None:  # an old store, or an id not listed
                number = meta.shard
            if number is not None:
                by_shard.setdefault(number, []).append(sid)
        return by_shard

    def _metas_by_shard(self, story_ids: Iterable[str]) -> Iterator[list[StoryMeta]]:
        """The stored stories of ``story_ids``, a metadata shard at a time, each shard read once."""
        for number, ids in sorted(self._by_shard(story_ids).items()):
            if self._legacy:  # an old store opened read-only: every record is in articles.json
                records, path = self._legacy_records(), self.folder / LEGACY
            else:
                records, path = self._meta(number).records(), self._meta_path(number)
            yield [StoryMeta(sid, records[sid], path) for sid in ids if sid in records]

    def metas(self, story_ids: Iterable[str]) -> dict[str, StoryMeta]:
        """The stories of ``story_ids`` that are stored, by id, reading each metadata shard once
        (an export of 100,000 stories in list order read a shard per story)."""
        return {meta.id: meta for metas in self._metas_by_shard(story_ids) for meta in metas}

    def articles(self, story_ids: Sequence[str], *, in_order: bool = True) -> Iterator[tuple[StoryMeta, Article]]:
        """Each stored story of ``story_ids`` with its whole article, each shard read once: in
        the order given (holding the articles until then), or with ``in_order=False`` a shard at
        a time as read (holding one shard's: a JSON export of any size)."""
        if not in_order:
            for metas in self._metas_by_shard(story_ids):
                yield from ((meta, self.article_of(meta)) for meta in metas)
            return
        articles = {meta.id: (meta, self.article_of(meta)) for metas in self._metas_by_shard(story_ids)
                    for meta in metas}
        yield from (articles[sid] for sid in dict.fromkeys(story_ids) if sid in articles)

    def meta(self, story_id: str) -> StoryMeta | None:
        doc = self._record(story_id, self._located(write=False))
        if doc is None:
            return None
        path = self.folder / LEGACY if self._legacy else self._meta_path(fields.shard(doc.get("shard")))
        return StoryMeta.from_doc(story_id, doc, path)

    def body(self, meta: StoryMeta) -> list[str]:
        """The paragraphs of one story (reads one body shard)."""
        doc = self._bodies(meta.shard).get(doc_id=meta.id)
        return fields.paragraphs(doc.get("body")) if isinstance(doc, dict) else []

    def body_lost(self, meta: StoryMeta) -> bool:
        """Whether the story's body is missing from its shard (damage ``repair`` could not mend),
        not merely empty (a feed's entry with a link alone, the common case: its record is parsed
        alone, as :meth:`article_of` reads it). For a story shown without text, not a pass over many."""
        if meta.shard not in self._shards and read_record(self._body_path(meta.shard), meta.id) is not None:
            return False
        return not isinstance(self._bodies(meta.shard).get(doc_id=meta.id), dict)  # (not told apart: read whole)

    def article(self, story_id: str) -> Article | None:
        meta = self.meta(story_id)
        return None if meta is None else self.article_of(meta)

    def article_of(self, meta: StoryMeta, *, alone: bool = False) -> Article:
        """The whole story of a listed ``meta`` (reads its body shard). ``alone``: one story on
        its own, as the reader opens one: its two records are parsed alone from their shards
        (at 1,000,000 stories 2.2 ms against 5.0, median), unless a shard is open in this
        process (it holds the latest writes) or a record cannot be told apart (read whole).
        Not for a pass over many stories, which reads each shard once through its table."""
        if not alone or self._legacy:
            return meta.article(self.body(meta))
        number = meta.shard
        body = None if number in self._shards else read_record(self._body_path(number), meta.id)
        record = None if number in self._metas else read_record(self._meta_path(number), meta.id)
        if record is not None:
            meta = StoryMeta(meta.id, record, self._meta_path(number))
        return meta.article(self.body(meta) if body is None else fields.paragraphs(body.get("body")))

    def add(self, articles: Iterable[tuple[Article, str | None]]) -> list[str]:
        """Store stories (article, source file); return the ids that were new.

        A story already stored (same id, or same canonical address) is updated in place
        when its content changed: see :meth:`add_identified`.
        """
        return self.add_identified([(article.story_id, article, file) for article, file in articles]).new

    def add_identified(self, batch: list[tuple[str, Article, str | None]],
                       parser: int | Sequence[int] | None = None, reread: bool = False,
                       entries_deleted: bool = False, feeds: Collection[str] = (),
                       tags: Sequence[Sequence[str]] | Callable[[], Sequence[Sequence[str]]] | None = None,
                       replacing: Sequence[str] | None = None,
                       listed: Sequence[Collection[str]] | None = None) -> Stored:
        """Store (story id, article, file); the caller has computed the ids (the importer needs them too).
        ``file``: the source file's path exactly (stored safe to show, see :mod:`store.storage.sourcepath`)
        or the feed's address.

        A story is the same story when its id is stored, or when its canonical address is
        (a page saved twice, or a feed entry then its saved page). The copy that arrives
        last wins: its content replaces the stored one, under the stored id, so the user's
        tags, bookmark and read mark stay. A copy equal to the stored one changes nothing.
        Bodies are written first, then metadata, then the directory: a crash in between
        leaves at worst the text of new stories with no record, which the next writer takes
        out (``storing.json`` names them), or stories the directory does not list yet, which
        its next load finds. Each write touches only the shards the batch does, so storing
        costs the same in a store of any size. A directory that cannot be written then (a full
        disk) raises :class:`StoredUnlisted`: the batch is stored, and the caller counts it.
        ``parser`` is the parser that read the batch (``store.ingest.stamp``), or one a story, kept on each;
        ``reread``: the batch is the stories' own files read again (``reparse``), believed
        but for photos (see :mod:`store.storage.copies`). ``entries_deleted``: feed entries the
        user deleted (:meth:`deleted_entries`, read under the lock: one deleted while a fetch
        downloads is in it) are not stored, "present" in the results. ``feeds``: the subscribed
        feeds' addresses (and keys); another feed's entry for a story one of them brought first
        is "present" (see :func:`~broadsheet.store.storage.copies.another_feeds_entry`).
        ``tags``: for each story of the batch, the tags it gets if it is new (a feed's), written
        down before the stories (``tagging.json``) and given after them, so a writer killed in
        between, or stopped by a full disk (:attr:`Stored.tags_error`), leaves them to the next;
        or a function giving them, asked under the lock (a feed's tags renamed while it was
        fetched: as they are now). ``replacing``: for each story, the id of the story it is a new
        reading of (``reparse``): one now stored under another id gets that story's marks, and that
        story is deleted, written down before the stories (``reparsing.json``), so a writer killed
        at any point leaves each story once, with its marks, the next writer finishing the move.
        ``listed``: for each story, the keys of the entries of the download it came in (its feed's in
        a fetch, its file's in an import): a stored entry of its feed at its address, with another
        guid, stays another story when listed there too, or stored by this batch (see
        :func:`~broadsheet.store.storage.copies.another_entry_of_its_feed`).
        """
        with self.lock:
            self._finish_cut_short()
            directory = self._located(write=True)
            self._current_addresses(directory)
            numbers = self._meta_numbers()
            shard = numbers[-1] if numbers else 0
            fill = len(self._meta(shard).records()) if numbers else 0
            held = self._shard_text(shard) if numbers else 0  # characters of text in the last shard (SHARD_TEXT)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            stored = Stored()
            resourced = False  # a story written over now has another source
            metas: dict[str, dict[str, Any]] = {}  # records to write (this batch's, by id)
            batch_urls: dict[str, str] = {}  # canonical address -> id, for this batch
            entries: dict[str, Entry] = {}  # every story new or changed (the reader's listing merges them)
            bodies: dict[int, dict[str, dict[str, Any]]] = {}
            batch_bodies: dict[str, list[str]] = {}
            first_update: dict[str, _BeforeBatch] = {}  # each story this batch updated, as it was before

            def stored_record(sid: str) -> dict[str, Any] | None:
                return metas.get(sid) or self._record(sid, directory)

            parsers = parser if isinstance(parser, Sequence) else [parser] * len(batch)
            deleted = self.deleted_entries() if entries_deleted else set()
            lists = listed if listed is not None else [()] * len(batch)
            for (given, article, file), parser_of, listed_with in zip(batch, parsers, lists, strict=True):
                article = fit_article(article)[0]  # (the import and the fetch fitted it, saying so): its export imports
                if given in deleted:
                    stored.results.append((given, "present"))
                    continue
                address = normal_url(article.url) if article.url else None
                by_content = not address and not article.key  # its id comes from its text
                saved = not article.key  # a page or a text dump (not a feed entry): found by headline too
                sid = given
                old = stored_record(given)
                if old is None and address:
                    known = batch_urls.get(address) or self._by_address(address, directory)
                    if known is not None and (found := stored_record(known)) is not None and \
                            not another_entry_of_its_feed(article.key, unpack_record(
                                found, self._meta_path(fields.shard(found.get("shard")))).get("key"),
                                listed_with, known in metas):
                        sid, old = known, found  # the same page under another identity: one story
                if old is None and saved:
                    # A text dump of a saved page or of another dump, or a page of a text dump stored
                    # before it: the same headline and nearly the same words are one story. A page
                    # looks among the dumps alone (two pages at two addresses are two stories).
                    folded = headline_key(article.headline)
                    dumps = self._by_headline(folded, folded_hash(folded, False), directory, metas)
                    pages = [] if address else self._by_headline(folded, folded_hash(folded, True), directory, metas,
                                                                 PAGE_TWINS)
                    text: list[str] | None = None
                    for candidate in [*dumps, *pages]:
                        text = words(article.body) if text is None else text
                        if same_text(text, words(self._stored_body(candidate, metas, directory, batch_bodies))):
                            sid, old = candidate, stored_record(candidate)  # the same page saved another way
                            break
                    else:
                        directory.add_headline(folded_hash(folded, address is not None), story_key(given))
                doc = article.to_doc()
                body = doc.pop("body")
                if old is not None:
                    before = unpack_record(old, self._meta_path(fields.shard(old.get("shard"))))
                    if another_feeds_entry(doc, before, sourcepath.safe_text(file or ""), feeds):
                        stored.results.append((sid, "present"))  # the first feed's story, as it brought it
                        continue  # (before its body is read: nothing of it is needed)
                    earlier = batch_bodies.get(sid)
                    kept = earlier if earlier is not None else self._stored_body(sid, metas, directory, batch_bodies)
                    if summary_of_page(doc, before, body, kept):
                        stored.results.append((sid, "present"))  # the saved page is the fuller copy
                        continue
                    incoming = doc
                    doc = combined(doc, before, reread=reread)
                    same_body = kept == body
                    if by_content and sourcepath.safe_text(file or "") != before.get("file", "") and (
                            same_body or before.get("url") or len(words(body)) <= len(words(kept))):
                        # Another file with this text (or a twin of it): one story, from the fuller copy
                        # (a saved page's, with its address and photos, over a text dump's), so
                        # importing both files again changes nothing, in either order.
                        stored.results.append((sid, "present"))
                        continue
                    if same_body and _same_content(before, doc):
                        stored.results.append((sid, "present"))
                        if parser_of is not None and before.get("parser") != parser_of:
                            metas[sid] = pack_record({**before, "parser": parser_of})  # read again: same story
                            entries[sid] = _entry(sid, metas[sid], fields.shard(before.get("shard")), address,
                                                  saved)
                        continue
                    number, first = fields.shard(before.get("shard")), before.get("imported", now)
                    if sid not in batch_bodies:
                        first_update[sid] = _BeforeBatch(len(stored.results), before, kept)
                        stored.results.append((sid, "updated"))
                    elif (was := first_update.get(sid)) is not None and was.body == body and \
                            parser_of == was.record.get("parser") and \
                            _same_content(was.record, combined(incoming, was.record, reread=reread)):
                        # Two copies in one batch (two saves of one address), the last as stored before
                        # it: nothing changed, where "1 updated" was said at every import of both.
                        stored.results[was.place] = (sid, "present")
                        stored.results.append((sid, "present"))
                        for pending in (metas, entries, batch_bodies, first_update, bodies.get(number, {}),
                                        stored.written):
                            pending.pop(sid, None)
                        continue
                    else:
                        stored.results.append((sid, "present"))
                else:
                    if fill >= SHARD_SIZE or (fill and held >= SHARD_TEXT):
                        shard, fill, held = shard + 1, 0, 0
                    fill += 1
                    held += sum(map(len, body))
                    number, first = shard, now
                    stored.results.append((sid, "new"))
                batch_bodies[sid] = body
                bodies.setdefault(number, {})[sid] = {"body": body}
                record = {**doc, "shard": number, **sourcepath.stored(file), "imported": first, "parser": parser_of}
                if old is not None:
                    record["changed"] = now
                    resourced = resourced or before.get("source") != doc.get("source")
                metas[sid] = pack_record(record)
                stored.written[sid] = len(stored.results) - 1
                if address:
                    batch_urls[address] = sid
                entries[sid] = _entry(sid, metas[sid], number, address, saved)
            tagging = _tags_for_new(stored, tags() if callable(tags) else tags)
            if tagging:  # before the stories: their tags must not be lost with the writer
                atomic_write_bytes(self.folder / TAGGING, orjson.dumps({"version": 1, "tags": tagging}))
            moved = [] if replacing is None else [
                (old, sid) for old, (sid, _) in zip(replacing, stored.results, strict=True) if old != sid]
            if moved:  # before the stories: the old must not stay beside them with the writer
                atomic_write_bytes(self.folder / REPARSING, orjson.dumps({"version": 1, "moved": moved}))
            # First, so a crash before the index has the new text leaves the index a note to catch up.
            reindexing.note(self.folder, stored.updated)
            fresh: dict[str, list[str]] = {}
            for sid in stored.new:
                fresh.setdefault(str(fields.shard(metas[sid].get("shard"))), []).append(sid)
            if fresh:  # before their text, which is no story's until their records are written
                atomic_write_bytes(self.folder / STORING, orjson.dumps({"version": 1, "shards": fresh}))
            try:
                for number, docs in bodies.items():
                    self._bodies(number).put_many(docs)
                if metas:
                    make_folders(self._meta_folder)
                    with self._changing(len(stored.new)):
                        self._put_records(metas)
                        try:
                            directory.append(entries.values())
                        except StoreWriteError as exc:  # stored all the same: raised as such (the stamp
                            # left as a crash leaves it), not as a batch lost
                            raise StoredUnlisted(exc, stored, {sid: _listed_source(metas[sid])
                                                               for sid in stored.new}) from exc
            except StoreWriteError as exc:
                with contextlib.suppress(StoreWriteError, StoreFileError):
                    self.finish_storing()  # now, where it can be (a new shard's text is only removed)
                if resourced and isinstance(exc, StoredUnlisted):  # the sources changed: see below
                    with self.marks_lock, contextlib.suppress(OSError):  # (the full disk is what is said)
                        self.user.forget_counts()
                raise
            if fresh:
                remove_durably(self.folder / STORING)
            self._let_go({*bodies, *(fields.shard(record.get("shard")) for record in metas.values())}, shard)
            if resourced:  # read marks are counted per source (a feed's unread): counted again
                with self.marks_lock:
                    self.user.forget_counts()
            if tagging:
                self._give_tags(tagging, stored)
            if moved:
                stored.unmoved = self._replace(moved)
        return stored

    def _replace(self, moved: list[tuple[str, str]]) -> dict[str, StoreFileError]:
        """Give each new id of ``moved`` (old id, new id) the marks of its old one (tags united, flags
        or-ed, as ``merge`` does), delete the old, then let ``reparsing.json`` go (the caller holds the
        lock). Under the marks' lock: a mark made on an old id meanwhile moves too, none after. Each
        step is safe to do again; an old story whose marks cannot be moved (a damaged state file)
        stays, beside the new: ``repair`` mends the file, and reparsing the old story moves them.
        Returns those, each with its state file's error."""
        with self.marks_lock:
            rounds: list[dict[str, StoryState]] = []  # each a merge, no new id twice in one
            kept: set[str] = set()
            unmoved: dict[str, StoreFileError] = {}
            for old, new in moved:
                try:
                    state = self.user.get(old)
                except StoreFileError as exc:
                    unmoved[old] = exc
                    continue
                if state.to_doc():
                    free = next((states for states in rounds if new not in states), None)
                    if free is None:
                        rounds.append(free := {})
                    free[new] = state
            for states in rounds:
                try:
                    left = self.user.merge(states, skip_damaged=True)
                except StoryGone:  # (the new stories deleted meanwhile: the old ones stay)
                    kept.update(old for old, new in moved if new in states)
                    continue
                unmoved.update((old, left[new]) for old, new in moved if new in left)
            self._delete([old for old, _ in moved if old not in kept and old not in unmoved])
        # A delete the disk stopped (gone.unfinished) is in deleting.json, which the next writer
        # finishes: not raised here, after the batch is stored (its outcomes were lost with it).
        remove_durably(self.folder / REPARSING)
        return unmoved

    def _give_tags(self, given: Mapping[str, list[str]], stored: Stored) -> None:
        """Give new stories their tags, then let ``tagging.json`` go (the caller holds the lock).
        A state file that cannot be written (the disk is full) leaves it for the next writer,
        and the batch stays stored: :attr:`Stored.tags_error` says why."""
        try:
            stored.untagged = self.user.merge({sid: StoryState(tags=tuple(tags)) for sid, tags in given.items()},
                                              skip_damaged=True)
        except StoreWriteError as exc:
            stored.tags_error = exc
            return
        remove_durably(self.folder / TAGGING)

    def _finish_tagging(self) -> None:
        """Give the tags a writer of new stories did not (``tagging.json`` is there while the
        lock is free; the caller holds it) to those of its stories that were stored: one killed
        before its stories gave none, and its next fetch finds them new again. Raises
        StoreWriteError when they cannot be written yet (the file stays)."""
        there, doc = self._journal(TAGGING)
        if not there:
            return
        given = doc.get("tags") if isinstance(doc, dict) else None
        if isinstance(given, dict) and given:
            directory = self._located(write=True)
            states = {sid: StoryState(tags=tuple(t for t in tags if isinstance(t, str)))
                      for sid, tags in given.items() if isinstance(tags, list) and self._is_stored(sid, directory)}
            with contextlib.suppress(StoryGone):  # (each looked up just now: none is, but opening must not fail)
                self.user.merge(states, skip_damaged=True)  # (a damaged state file's stories: as a fetch leaves them)
        remove_durably(self.folder / TAGGING)

    def _is_stored(self, sid: str, directory: Directory) -> bool:
        """Whether ``sid`` is stored (a damaged shard's stories are taken as not)."""
        try:
            return self._record(sid, directory) is not None
        except StoreFileError:
            return False

    def _let_go(self, written: set[int], newest: int) -> None:
        """Drop the cached parses of the shards a batch wrote, but the newest, which the next batch fills on.

        New stories only ever go to the newest shard, so an import never writes the others
        again; cached, their parses (about 1.2 MB of a body shard's text each) filled the cache's
        64 places of each kind: 95 MB of the importing process at 100,000 stories (issue 17).
        """
        for number in written - {newest}:
            self._shards.pop(number, None)
            self._metas.pop(number, None)

    @property
    def addresses_current(self) -> bool:
        """Whether the stories' addresses are listed in today's form (else the next write of
        stories brings them up to date first: seconds at a million stories, once)."""
        return self._addresses_current or self._legacy or addresses.is_current(self.folder)

    def update_addresses(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Bring the stories' addresses up to date now (see :mod:`store.storage.addresses`), so
        a command can show it (``on_progress``: metadata shards read of all)."""
        with self.lock:
            self._finish_cut_short()
            self._current_addresses(self._located(write=True), on_progress)

    def _current_addresses(self, directory: Directory, tell: Callable[[int, int], None] | None = None) -> None:
        """List stories saved with tracking parameters under their address now, once per store
        (see :mod:`store.storage.addresses`; the caller holds the lock)."""
        if self._addresses_current or self._legacy:
            return
        if not addresses.is_current(self.folder):
            def unpack(record: dict[str, Any]) -> dict[str, Any]:
                try:
                    return unpack_record(record, self._meta_folder)
                except StoreFileError:  # details changed by hand: listed by id alone; `repair` says so
                    return record

            def records(number: int) -> dict[str, dict[str, Any]]:
                try:
                    return self._meta(number).records()
                except StoreFileError:  # `repair` salvages it and lists the stories anew, in today's form
                    return {}

            def found(address: str) -> str | None:
                try:
                    return self._by_address(address, directory)
                except StoreFileError:
                    return None  # listed again: the lookup confirms each candidate

            addresses.bring_up_to_date(self.folder, directory, self._meta_numbers(), records, unpack, _entry,
                                       found, tell)
        self._addresses_current = True

    def _by_address(self, address: str, directory: Directory) -> str | None:
        """The id of the stored story at canonical ``address``, if any."""
        key = directory.by_address(text_hash(address))
        number = None if key is None else directory.shard_of(key)
        if key is None or number is None:
            return None

        def same_address(_sid: str, record: dict[str, Any]) -> bool:
            url = unpack_record(record, self._meta_path(number)).get("url")
            return isinstance(url, str) and normal_url(url) == address

        return self._id_of(key, number, same_address)

    def _by_headline(self, folded: str, hashed: int, directory: Directory,
                     metas: dict[str, dict[str, Any]], limit: int | None = None) -> list[str]:
        """Ids of the stored stories (or this batch's) listed under ``hashed`` (see
        :func:`folded_hash`) whose headline folds to ``folded``; the first ``limit`` listed."""
        found = []

        def wanted(_sid: str, record: dict[str, Any]) -> bool:
            return isinstance(record.get("headline"), str) and headline_key(record["headline"]) == folded

        for key in directory.by_headline(hashed)[:limit]:
            plain = f"{key:016x}"
            if plain in metas:
                if wanted(plain, metas[plain]):
                    found.append(plain)
                continue
            number = directory.shard_of(key)
            if number is None:
                continue
            sid = self._id_of(key, number, wanted)
            if sid is not None:
                found.append(sid)
        return found

    def delete(self, story_ids: Iterable[str], on_progress: Callable[[int, int], None] | None = None, *,
               undoable: bool = False) -> Deleted:
        """Remove stories: metadata, body and the user's marks (``on_progress`` is told the shards
        rewritten of all: at 100k stories 1,000 stories spread over the list rewrite 780 in 12 s).

        Everything removed is returned, so :meth:`restore` can put it back (the reader's
        undo). The stories to delete are written down first (``deleting.json``): a delete cut
        short (the reader quit or killed in a delete of thousands of stories, which takes
        minutes at a million) is finished by the next process to open the store, so no story
        is left listed without its record, or its record without its body and marks.
        Ids not stored are ignored. The search index is the caller's (``SearchIndex.remove``;
        an index opened later drops what the store lacks). ``undoable``: the caller keeps the
        result for an undo, so their photos are held (``photos.hold_for_undo``, under the lock:
        ``repair`` removes no photo an undo would name again) until :meth:`restore` or the next
        such delete; otherwise they are the next ``repair``'s to remove.
        """
        with self.lock:
            self._finish_cut_short()  # one cut short before: finished first, and its list not overwritten
            deleted = self._delete(story_ids, on_progress, undoable=undoable)
        if deleted.unfinished is not None:  # the store is read-only as after any write that failed
            with self.lock.errors.guard:
                self.lock.errors.last = deleted.unfinished
        return deleted

    def _delete(self, story_ids: Iterable[str], on_progress: Callable[[int, int], None] | None = None, *,
                undoable: bool = False) -> Deleted:
        """:meth:`delete`'s work, once no delete is left unfinished (the caller holds the lock). A
        disk that fills once the delete is written down leaves it in ``Deleted.unfinished``: made,
        the next writer finishing it."""
        deleted = Deleted()
        directory = self._located(write=True)
        for sid in set(story_ids):
            record = self._record(sid, directory)
            if record is not None:
                deleted.records[sid] = record
        if not deleted.records:
            return deleted
        if undoable:
            hold_for_undo(self.folder, deleted.photos)
        by_shard: dict[int, list[str]] = {}
        for sid, record in deleted.records.items():
            by_shard.setdefault(fields.shard(record.get("shard")), []).append(sid)
        entries = [sid for sid, record in deleted.records.items() if _fetched(record)]
        sources = {sid: _listed_source(record) for sid, record in deleted.records.items()}
        before = len(self)
        # What an undo puts back, read before anything is removed: once the list is written the
        # delete is made, and one the disk stops part way is finished by the next writer.
        for number, group in by_shard.items():
            stored = self._bodies(number).records()
            deleted.bodies.update({sid: stored[sid] for sid in group if sid in stored})
        deleted.states = self.user.held(deleted.records, deleted.marks_left)
        atomic_write_bytes(self.folder / DELETING, orjson.dumps({
            "version": 1, "before": before, "shards": {str(n): ids for n, ids in by_shard.items()},
            "sources": sources, "entries": entries}))
        try:
            deleted.states = self._carry_out(by_shard, sources, entries, before, on_progress,
                                             left=deleted.marks_left)
        except StoreWriteError as exc:
            deleted.unfinished = exc
        return deleted

    def _carry_out(self, by_shard: dict[int, list[str]], sources: Mapping[str, Any], entries: list[str], before: int,
                   tell: Callable[[int, int], None] | None = None,
                   recount: bool = False, left: dict[str, StoreFileError] | None = None) -> dict[str, dict[str, Any]]:
        """The steps of a delete written down in ``deleting.json`` (the caller holds the lock),
        each safe to do again: removing what is gone already changes nothing. The records and
        the directory (the count said unknown meanwhile, then ``before`` less the stories),
        the bodies, the marks (returned; ``recount``: counted
        anew, for a delete finished after its process died; those in a damaged state file are
        left there and put in ``left``), the feed entries; then the list goes. ``tell`` hears of
        the shards done of all."""
        ids = [sid for group in by_shard.values() for sid in group]
        total = 2 * len(by_shard)
        directory = self._located(write=True)
        self._touch(None)
        for done, (number, group) in enumerate(by_shard.items(), 1):
            self._meta(number).remove_many(group)
            if tell is not None:
                tell(done, total)
        keys = [story_key(sid) for sid in ids]
        directory.append(Entry(key, GONE) for key in keys if directory.shard_of(key) is not None)
        self._touch(max(before - len(ids), 0))
        for done, (number, group) in enumerate(by_shard.items(), len(by_shard) + 1):
            self._bodies(number).remove_many(group)
            if tell is not None:
                tell(done, total)
        with self.marks_lock:
            states = self.user.forget(ids, sources.get, left)
            if recount:
                self.user.forget_counts()  # those marks the dead process had dropped were counted out already
        if entries:
            self._set_deleted_entries([*self.deleted_in_order(), *entries])
        remove_durably(self.folder / DELETING)
        return states

    def left_unfinished(self) -> bool:
        """Whether a delete, an undo or a reparse's move of stories is on its way, or was left part
        way by its process (three stats): opening the store while the lock is free finishes one
        left (:meth:`_tidy`)."""
        return any((self.folder / name).exists() for name in (DELETING, RESTORING, REPARSING))

    def _finish_cut_short(self) -> None:
        """Finish a delete, an undo, a reparse's move of stories to new ids or the tagging of new
        stories whose process died part way (the caller holds the lock); the tags last, so a story
        deleted since gets none. The text of new stories a writer left without their records goes
        first; a delete before the move, which writes down a delete of its own."""
        self.finish_storing()
        self._finish_deleting()
        self._finish_restore()
        self._finish_reparsing()
        self._finish_tagging()

    def finish_storing(self) -> int:
        """Take out the text of new stories that a writer wrote and never gave records (killed, or
        stopped by a full disk, in between: ``storing.json`` is there while the lock is free; the
        caller holds the lock); returns how many. That text is no story's: ``repair`` took it for
        stories that had lost their records. A body shard holding nothing else, with no metadata
        shard, goes whole. A damaged shard leaves the journal to the next writer, after ``repair``."""
        there, doc = self._journal(STORING)
        if not there:
            return 0
        shards = doc.get("shards") if isinstance(doc, dict) else None
        removed = 0
        for key, ids in shards.items() if isinstance(shards, dict) else ():
            if not key.isdigit() or not isinstance(ids, list):
                continue
            number = int(key)
            path = self._body_path(number)
            if not path.exists():
                continue
            records = self._meta(number).records() if self._meta_path(number).exists() else {}
            bodies = self._bodies(number)
            held = bodies.records()
            left = [sid for sid in ids if isinstance(sid, str) and sid in held and sid not in records]
            if left and not records and len(left) == len(held):
                self._shards.pop(number, None)
                remove_durably(path)
            elif left:
                bodies.remove_many(left)
            removed += len(left)
        remove_durably(self.folder / STORING)
        return removed

    def _finish_deleting(self) -> None:
        """Finish a delete whose process died part way (``deleting.json`` is there while the
        lock is free; the caller holds the lock), by :meth:`_carry_out`. Every writer of stories
        calls this first under the lock, so nothing is written between the death and this: the
        store is as the delete left it, and the count it wrote down, less the stories, is the count."""
        there, doc = self._journal(DELETING)
        if not there:
            return
        if isinstance(doc, dict) and isinstance(doc.get("shards"), dict) and type(doc.get("before")) is int:
            by_shard = {int(n): [sid for sid in ids if isinstance(sid, str)]
                        for n, ids in doc["shards"].items() if str(n).isdigit() and isinstance(ids, list)}
            sources: dict[str, Any] = doc["sources"] if isinstance(doc.get("sources"), dict) else {}
            entries = [sid for sid in doc.get("entries") or [] if isinstance(sid, str)]
            self._carry_out(by_shard, sources, entries, doc["before"], recount=True)
        remove_durably(self.folder / DELETING)

    def _finish_reparsing(self) -> None:
        """Finish the move of stories read again to new ids whose writer died part way
        (``reparsing.json`` is there while the lock is free): those whose new story was stored
        get their old one's marks, and the old is deleted; the others keep their old story, to
        be read again."""
        there, doc = self._journal(REPARSING)
        if not there:
            return
        pairs = doc.get("moved") if isinstance(doc, dict) else None
        directory = self._located(write=True)
        moved = [(old, new) for old, new in (pair for pair in pairs if isinstance(pair, list) and len(pair) == 2)
                 if isinstance(old, str) and isinstance(new, str) and old != new
                 and self._is_stored(new, directory) and self._is_stored(old, directory)
                 ] if isinstance(pairs, list) else []
        self._replace(moved)

    def _finish_restore(self) -> None:
        """Finish an undo whose process died part way (``restoring.json`` is there while the lock
        is free), by putting back again what it put back: records and bodies written but not yet
        listed in the directory read as deleted, and their marks, held only in memory, were lost."""
        there, doc = self._journal(RESTORING)
        if not there:
            return
        parts = ("records", "bodies", "states")
        if isinstance(doc, dict) and all(isinstance(doc.get(part), dict) for part in parts):
            # (each entry a record, as written: one of another shape would have ended every open)
            records, bodies, states = ({sid: value for sid, value in doc[part].items() if isinstance(value, dict)}
                                       for part in parts)
            self._put_back(Deleted(records, bodies, states), None, again=True)
        remove_durably(self.folder / RESTORING)

    def _journal(self, name: str) -> tuple[bool, Any]:
        """Whether the journal ``name`` is there, and what it holds: None when it was cut short as
        it was written, before the work it names began."""
        try:
            return True, orjson.loads((self.folder / name).read_bytes())
        except FileNotFoundError:
            return False, None
        except (OSError, orjson.JSONDecodeError):
            return True, None

    # -- feed entries deleted: not fetched again ----------------------------------------------
    #
    # A feed keeps its entries for days: a story deleted from it came back, unread and without
    # its tags, at the next fetch. Their ids are kept in ``deleted-entries.json`` (the newest
    # ``DELETED_KEPT``), and fetch leaves them out; an undo takes them back out of it.

    def deleted_entries(self) -> set[str]:
        """The ids of feed entries deleted by the user, which fetch does not store again."""
        return set(self.deleted_in_order())

    def deleted_in_order(self) -> list[str]:
        """:meth:`deleted_entries`, the longest remembered first (as an export writes them)."""
        try:
            doc = orjson.loads((self.folder / DELETED_ENTRIES).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return []
        ids = doc.get("ids") if isinstance(doc, dict) else None
        return list(dict.fromkeys(sid for sid in ids if isinstance(sid, str))) if isinstance(ids, list) else []

    def remember_deleted_entries(self, ids: Iterable[str]) -> int:
        """Take ``ids`` as feed entries the user deleted (in another reader, before moving in),
        so fetch does not store them; a stored story is left alone. Returns how many were new.
        They count as remembered longer than the store's own: an export of 100,000 (a large
        store's, or a hostile one) cannot push out what the user deleted here."""
        with self.lock:
            known = self.deleted_in_order()
            have = set(known)
            new = [sid for sid in dict.fromkeys(ids) if sid not in have and self.meta(sid) is None]
            if new:
                self._set_deleted_entries([*new, *known])
        return len(new)

    def _set_deleted_entries(self, ids: list[str]) -> None:
        """Keep ``ids`` (the caller holds the lock), the longest remembered first: past
        ``DELETED_KEPT`` the first go (it kept the highest ids, not the newest)."""
        kept = list(dict.fromkeys(ids))[-DELETED_KEPT:]
        atomic_write_bytes(self.folder / DELETED_ENTRIES, orjson.dumps({"version": 1, "ids": kept}))

    def restore(self, deleted: Deleted, on_progress: Callable[[int, int], None] | None = None,
                merged: list[str] | None = None) -> list[str]:
        """Put back what :meth:`delete` removed; returns the ids put back. Stories stored again
        meanwhile (imported again) keep their text, and get the marks held for them merged into
        theirs (tags united, bookmark and read kept), their ids put in ``merged``: they were
        dropped, and the undo said "Brought back 0 stories". ``on_progress`` is told the shards
        written of all (at a million stories an undo of 7,493 stories took minutes with no
        figure shown)."""
        with self.lock:
            self._finish_cut_short()
            back = self._put_back(deleted, on_progress, merged=merged)
            hold_for_undo(self.folder, ())  # named by stories again, or by none: no undo left to hold them for
            return back

    def _put_back(self, deleted: Deleted, on_progress: Callable[[int, int], None] | None,
                  again: bool = False, merged: list[str] | None = None) -> list[str]:
        """:meth:`restore`'s writes (the caller holds the lock), after ``restoring.json`` names them;
        first the marks of the stories stored again, merged (see :meth:`restore`). ``again``: the
        journal's, every one written again (nothing wrote stories since, and some may be listed
        already, their marks not yet put back)."""
        directory = self._located(write=True)
        back = dict(deleted.records) if again else {
            sid: record for sid, record in deleted.records.items() if self._record(sid, directory) is None}
        stored_again = {sid: StoryState.from_doc(doc) for sid, doc in deleted.states.items()
                        if sid in deleted.records and sid not in back}
        if stored_again:
            self.user.merge(stored_again)
            if merged is not None:
                merged += stored_again
        if not back:
            return []
        # A state file of their marks damaged since: refused before anything is put back (put
        # back without their marks, the stories' marks would be lost, and a second undo finds
        # them stored); once it is mended, the undo can be made again.
        self.user.check_files(sid for sid in deleted.states if sid in back)
        journal = self.folder / RESTORING
        atomic_write_bytes(journal, orjson.dumps({
            "records": back, "bodies": {sid: deleted.bodies[sid] for sid in back if sid in deleted.bodies},
            "states": {sid: doc for sid, doc in deleted.states.items() if sid in back}}))
        bodies: dict[int, dict[str, dict[str, Any]]] = {}
        for sid, record in back.items():
            if sid in deleted.bodies:
                bodies.setdefault(fields.shard(record.get("shard")), {})[sid] = deleted.bodies[sid]
        total = len(bodies) + len({fields.shard(record.get("shard")) for record in back.values()})
        done = 0

        def written() -> None:
            nonlocal done
            done += 1
            if on_progress is not None:
                on_progress(done, total)

        for number, docs in bodies.items():
            self._bodies(number).put_many(docs)
            written()
        # Those in their shard already (an undo done again after its process died) are counted.
        listed = sum(sid in self._meta(fields.shard(record.get("shard"))).records() for sid, record in back.items())
        with self._changing(len(back) - listed):
            self._put_records(back, written)
            directory.append(_entry(sid, record, fields.shard(record.get("shard"))) for sid, record in back.items())
        self.user.remember({sid: doc for sid, doc in deleted.states.items() if sid in back}, _sources_of(back))
        forgotten = self.deleted_in_order()
        if back.keys() & set(forgotten):
            self._set_deleted_entries([sid for sid in forgotten if sid not in back])
        remove_durably(journal)
        return list(back)

    def _stored_body(self, sid: str, metas: dict[str, dict[str, Any]], directory: Directory,
                     batch_bodies: dict[str, list[str]]) -> list[str]:
        """The body stored (or being stored in this batch) under ``sid``."""
        if sid in batch_bodies:
            return batch_bodies[sid]
        record = metas.get(sid) or self._record(sid, directory) or {}
        doc = self._bodies(fields.shard(record.get("shard"))).get(doc_id=sid)
        return list(doc["body"]) if doc else []

    def articles_identity(self) -> FileIdentity | None:
        """Changes whenever stories are added, changed or deleted (by any process)."""
        return file_identity(self._stamp) or file_identity(self.folder / LEGACY)

    def articles_token(self) -> str | None:
        """What ``meta/stamp.json`` says (the stories' count and the time of the write, in ns):
        like :meth:`articles_identity` it changes with every change of the stories, but it is
        the same in a copy of the store (``cp -r``, a backup put back, rsync), whose files all
        have other inodes. None for a store without the file (before metadata shards)."""
        try:
            data = self._stamp.read_bytes()
        except OSError:
            return None
        return data.decode("utf-8", "replace") if len(data) < 256 else None

    def fingerprint(self) -> tuple[FileIdentity, ...]:
        """Identity of the store's files; changes whenever any process writes to it."""
        # The state folder's identity stands for its 4,096 files: every write renames one into it.
        paths = [self._stamp, self.folder / LEGACY, self.folder / "state"]
        return tuple(key for key in map(file_identity, paths) if key is not None)

    def resolve(self, ref: str) -> str:
        """A story id from a full id or a unique prefix (at least 4 characters), like git."""
        ref = ref.strip().lower()
        catalogue = self.catalogue()  # the listing's sorted keys: the directory is not loaded (3 s at 1M)
        if catalogue.has(ref):
            return ref
        if len(ref) < 4:
            raise LookupError(f"{ref!r}: give at least 4 characters of the story id")
        matches = catalogue.starting_with(ref)
        if not matches:
            raise LookupError(f"{ref!r}: no story with this id (see `broadsheet list`)")
        if len(matches) > 1:
            raise LookupError(f"{ref!r}: {len(matches)} stories start with this; give more characters")
        return matches[0]


#: Shard files kept open (each with its parsed content cached): the newest used, so an import
#: of a million stories or a pass over every shard holds a few of them, not the whole store.
OPEN_SHARDS = 64


def meanwhile(name: str, *, capital: bool = False) -> str:
    """What goes on while store file ``name`` (as :meth:`Store.damaged_files` names it) is
    damaged, in words for the user: the reader and the commands say it with the damage."""
    if name == "state/settings.json":
        said = ("the list's order, the reading position and saved searches are the defaults, and changes to them "
                "are not saved, until `broadsheet repair` mends it")
    elif name.startswith("state/"):
        said = "its stories show no marks, and marks on them are not saved, until `broadsheet repair` mends it"
    else:
        said = "its stories show this problem when opened, until `broadsheet repair` mends it"
    return said[0].upper() + said[1:] if capital else said


def _cached(dbs: dict[int, TinyDB], shard: int, path: Path, compress: bool = False) -> TinyDB:
    db = dbs.pop(shard, None)
    if db is None:
        db = open_db(path, compress=compress)
        if len(dbs) >= OPEN_SHARDS:
            dbs.pop(next(iter(dbs)))  # the least recently used
    dbs[shard] = db  # last in order: the most recently used
    return db


def _numbered(folder: Path) -> list[int]:
    """The numbers of the shard files (``NNNNNN.json``) in ``folder``, in order."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(int(name[:-5]) for name in names if name.endswith(".json") and name[:-5].isdigit())


def _listed_source(record: dict[str, Any]) -> str:
    """A stored record's source as the listing holds it (as the reader's catalogue gives it)."""
    return row_of("", record, 0, False).source


def _tags_for_new(stored: Stored, tags: Sequence[Sequence[str]] | None) -> dict[str, list[str]]:
    """The tags each new story of a batch gets (``tags``: for each story given, in order)."""
    if tags is None:
        return {}
    return {sid: list(given) for (sid, got), given in zip(stored.results, tags, strict=True)
            if got == "new" and given}


def _sources_of(records: dict[str, dict[str, Any]]) -> Present:
    """:data:`Present` for the stories of ``records`` (stored, or just deleted)."""
    return lambda sid: _listed_source(records[sid]) if sid in records else None


def _count_in(stamp: bytes) -> int | None:
    """The stories' count ``meta/stamp.json`` holds (None while a change is being written, or
    when it cannot be read)."""
    try:
        count = orjson.loads(stamp).get("stories")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return count if type(count) is int and count >= 0 else None


def _open_listing(path: Path) -> Listing | None:
    try:
        return open_listing(path)
    except (OSError, ValueError):
        return None


def _from_file(record: dict[str, Any]) -> bool:
    """Whether a stored story came from a file (which ``reparse`` can read again), not a feed."""
    return _came_from(record) == "file"


def _fetched(record: dict[str, Any]) -> bool:
    """Whether a stored story is a feed entry (its "file" is its feed's address)."""
    return _came_from(record) == "feed"


def _came_from(record: dict[str, Any]) -> str | None:
    """"feed" when a stored record's "file" is its feed's address, "file" when it is a path,
    None without one.

    Looked for in the packed details as text, not decoded (a million of them make the listing):
    no other field of a record is named "file", and a string holding those characters would
    have its quotes escaped.
    """
    details = record.get("details")
    if isinstance(details, str):
        at = details.find('"file":"')
        if at < 0:
            return None
        return "feed" if details.startswith(fields.WEB, at + 8) else "file"
    file = record.get("file")
    if not isinstance(file, str) or not file:
        return None
    return "file" if fields.rereadable(file) else "feed"


def _entry(sid: str, record: dict[str, Any], number: int, address: str | None = None,
           saved: bool | None = None) -> Entry:
    """A story's directory entry, from its stored record (the caller that stores it knows its
    canonical ``address`` and whether it is a saved page or text dump, not a feed entry: the
    record is not decoded). Saved pages and text dumps are listed by headline too (a text dump
    of a saved page is one story with it)."""
    if saved is None:
        try:
            full = unpack_record(record, Path("meta"))
        except StoreFileError:  # details changed by hand: listed by id alone; `repair` says so
            full = record
        url = full.get("url")
        address = normal_url(url) if isinstance(url, str) and url else None
        saved = not full.get("key")
    headline = record.get("headline")
    head = folded_hash(headline_key(headline), address is not None) if saved and isinstance(headline, str) else 0
    return Entry(story_key(sid), number, text_hash(address), head)


#: Saved pages under one headline a text dump is compared with ("Letters to the editor": a
#: dump of one of thousands would read each one's body).
PAGE_TWINS = 64


def folded_hash(folded: str, page: bool) -> int:
    """What the directory lists a text dump (``page`` False) or a saved page with an address
    under, by its folded headline (:func:`headline_key`): apart, so a page looks up the dumps of
    its headline alone, never every page of it."""
    return text_hash(("\x01" if page else "") + folded)
